//! Golden tests on invented sentences: one per quote and speaker pattern. Each runs the stage on a
//! document segmented by the test splitter (the text stage's stand-in), checks the span invariant,
//! and compares quotes and attributions as (text, speaker) and (source, cue, content) triples.

mod common;

use sitrep_core::check::assert_spans;
use sitrep_core::{Document, Entity, EntityKind, Removed, RemovedKind, Span, Stance};
use sitrep_quotes::{cue_stance, Quotes};

fn run(doc: &mut Document) {
    if doc.sentences.is_empty() {
        common::segment(doc);
    }
    Quotes::load().unwrap().annotate(doc);
    assert_spans(doc);
}

fn quotes(text: &str) -> Vec<(String, Option<String>)> {
    let mut doc = Document::from_text("t", text);
    run(&mut doc);
    doc.quotes.iter().map(|q| (doc.slice(q.span).to_owned(), q.speaker.clone())).collect()
}

fn attributions(text: &str) -> Vec<(Option<String>, Option<String>, String, bool)> {
    let mut doc = Document::from_text("t", text);
    run(&mut doc);
    doc.attributions
        .iter()
        .map(|a| (a.source.clone(), a.cue.map(|c| doc.slice(c).to_owned()), doc.slice(a.content).to_owned(), a.direct))
        .collect()
}

fn q(text: &str, speaker: Option<&str>) -> (String, Option<String>) {
    (text.to_owned(), speaker.map(str::to_owned))
}

fn entity(doc: &Document, id: &str, kind: EntityKind, canonical: &str, surfaces: &[&str]) -> Entity {
    let mut mentions = Vec::new();
    for s in surfaces {
        for (at, _) in doc.text.match_indices(s) {
            mentions.push(Span::new(at, at + s.len()));
        }
    }
    mentions.sort();
    Entity { id: id.into(), kind, canonical: canonical.into(), mentions, title: None, actor_id: None, geo: None }
}

#[test]
fn speaker_before_cue() {
    assert_eq!(
        quotes("Colonel Ahmed Saleh said: \u{201C}We pushed them out of the village.\u{201D}"),
        [q("We pushed them out of the village.", Some("Colonel Ahmed Saleh"))]
    );
}

#[test]
fn speaker_after_closing_mark() {
    assert_eq!(
        quotes("\u{201C}The road to the airport is closed,\u{201D} Mariam Haddad said."),
        [q("The road to the airport is closed,", Some("Mariam Haddad"))]
    );
}

#[test]
fn inverted_said_x_with_appositive() {
    assert_eq!(
        quotes("\"We have not been paid for months,\" said Joseph Mbeki, a commander of the militia."),
        [q("We have not been paid for months,", Some("Joseph Mbeki, a commander of the militia"))]
    );
}

#[test]
fn told_reuters_and_statement() {
    let found = attributions("A police spokesman told Reuters that 14 people were killed in the blast.");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0.as_deref(), Some("A police spokesman"));
    assert_eq!(found[0].1.as_deref(), Some("told"));
    assert_eq!(found[0].2, "that 14 people were killed in the blast");
    assert!(!found[0].3);
    assert_eq!(
        quotes("The ministry said in an e-mailed statement: \u{201C}No civilians were harmed in the operation.\u{201D}"),
        [q("No civilians were harmed in the operation.", Some("The ministry"))]
    );
}

#[test]
fn according_to_before_and_after() {
    let before = attributions("According to the Observatory, 12 fighters were killed near the border.");
    assert_eq!(before.len(), 1);
    assert_eq!(before[0].0.as_deref(), Some("the Observatory"));
    assert_eq!(before[0].2, "12 fighters were killed near the border");
    let after = attributions("Twelve fighters were killed near the border, according to local medics.");
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].0.as_deref(), Some("local medics"));
    assert_eq!(after[0].2, "Twelve fighters were killed near the border");
}

#[test]
fn indirect_speech_and_stance() {
    let found = attributions("State TV said government forces had pushed into the eastern districts.");
    assert_eq!(found[0].0.as_deref(), Some("State TV"));
    assert_eq!(found[0].2, "government forces had pushed into the eastern districts");
    let denied = attributions("The army denied that any of its soldiers were on active service there.");
    assert_eq!(denied[0].1.as_deref(), Some("denied"));
    assert_eq!(cue_stance(denied[0].1.as_deref().unwrap()), Some(Stance::Denies));
    assert_eq!(cue_stance("disputed"), Some(Stance::Disputes));
    assert_eq!(cue_stance("According to"), Some(Stance::Asserts));
    assert_eq!(cue_stance("banana"), None);
    // Transcript and signature marks have a stance too, so every cue the stage emits can be read.
    assert_eq!(cue_stance(":"), Some(Stance::Asserts));
    assert_eq!(cue_stance("\u{2015}"), Some(Stance::Asserts));
}

#[test]
fn accusation_and_claim() {
    let found = attributions("Officials claimed the rebels had used the school as a base. The rebels accused the army of shelling homes.");
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].0.as_deref(), Some("Officials"));
    assert_eq!(found[1].0.as_deref(), Some("The rebels"));
    assert_eq!(found[1].2, "the army of shelling homes");
}

#[test]
fn description_as_speaker() {
    assert_eq!(
        quotes("A lone rebel fighter yelled, \u{201C}They are coming from the hills!\u{201D}"),
        [q("They are coming from the hills!", Some("A lone rebel fighter"))]
    );
}

#[test]
fn quote_across_sentences() {
    assert_eq!(
        quotes("\u{201C}The shelling started at dawn. It did not stop until noon. Nobody could leave,\u{201D} a resident said."),
        [q("The shelling started at dawn. It did not stop until noon. Nobody could leave,", Some("a resident"))]
    );
}

#[test]
fn quote_across_paragraphs() {
    let text = "The governor spoke to reporters on Monday.\n\n\u{201C}We lost three villages in a week.\n\n\u{201C}We will take them back,\u{201D} he said.";
    let mut doc = Document::from_text("t", text);
    run(&mut doc);
    assert_eq!(doc.quotes.len(), 1, "{:?}", doc.quotes);
    assert!(doc.slice(doc.quotes[0].span).starts_with("We lost three villages"));
    assert!(doc.slice(doc.quotes[0].span).ends_with("We will take them back,"));
}

#[test]
fn nested_single_inside_double() {
    assert_eq!(
        quotes("\u{201C}The soldiers shouted \u{2018}get out\u{2019} and fired,\u{201D} said Fatima Noor."),
        [q("The soldiers shouted \u{2018}get out\u{2019} and fired,", Some("Fatima Noor"))]
    );
}

#[test]
fn straight_quotes_and_middle_cue() {
    assert_eq!(
        quotes("\"We will not leave,\" Omar Khalid said. \"This is our land.\""),
        [q("We will not leave,", Some("Omar Khalid")), q("This is our land.", Some("Omar Khalid"))]
    );
}

#[test]
fn partial_quote_governed_by_cue_is_speech() {
    assert_eq!(
        quotes("The minister said the attack was \u{201C}a crime against humanity\u{201D} and vowed to respond."),
        [q("a crime against humanity", Some("The minister"))]
    );
}

#[test]
fn scare_quotes_are_not_speech() {
    assert!(quotes("The so-called \u{201C}terrorists\u{201D} were mostly farmers from the valley.").is_empty());
    assert!(quotes("She appeared on \u{201C}Meet the Nation\u{201D} on Sunday morning.").is_empty());
}

#[test]
fn pronoun_resolved_to_last_compatible_person() {
    let text = "Mariam Haddad met Omar Khalid in Aleppo on Monday.\n\n\u{201C}The corridor must stay open,\u{201D} she said.";
    let mut doc = Document::from_text("t", text);
    common::segment(&mut doc);
    let mariam = entity(&doc, "E1", EntityKind::Person, "Mariam Haddad", &["Mariam Haddad"]);
    let omar = entity(&doc, "E2", EntityKind::Person, "Omar Khalid", &["Omar Khalid"]);
    doc.entities = vec![mariam, omar];
    run(&mut doc);
    assert_eq!(doc.quotes.len(), 1);
    assert_eq!(doc.quotes[0].speaker.as_deref(), Some("Mariam Haddad"));
    assert_eq!(doc.quotes[0].speaker_entity.as_deref(), Some("E1"));
    assert_eq!(doc.slice(doc.quotes[0].speaker_span.unwrap()), "she");
}

#[test]
fn speaker_entity_links_to_overlapping_mention() {
    let text = "\u{201C}We have retaken the bridge,\u{201D} Gen. Idris Musa told reporters.";
    let mut doc = Document::from_text("t", text);
    common::segment(&mut doc);
    doc.entities = vec![entity(&doc, "E4", EntityKind::Person, "Idris Musa", &["Idris Musa"])];
    run(&mut doc);
    assert_eq!(doc.quotes[0].speaker_entity.as_deref(), Some("E4"));
    assert_eq!(doc.attributions[0].source_entity.as_deref(), Some("E4"));
    assert!(doc.attributions[0].direct);
}

#[test]
fn quote_in_sentence_after_the_speaker_is_named() {
    let text = "Idris Musa spoke to the crowd in the square.\n\n\u{201C}We have retaken the bridge and the road to the south.\u{201D}";
    let mut doc = Document::from_text("t", text);
    common::segment(&mut doc);
    doc.entities = vec![entity(&doc, "E1", EntityKind::Person, "Idris Musa", &["Idris Musa"])];
    run(&mut doc);
    assert_eq!(doc.quotes.len(), 1);
    assert_eq!(doc.quotes[0].speaker_entity.as_deref(), Some("E1"));
}

#[test]
fn appositive_subject_and_bracketed_party() {
    assert_eq!(
        quotes("\u{201C}This vote is a disgrace,\u{201D} Sen. Jane Doyle (D-Ore.) said."),
        [q("This vote is a disgrace,", Some("Sen. Jane Doyle (D-Ore.)"))]
    );
    let found = attributions("Abdul Rahman, a spokesman for the brigade, said the town had fallen.");
    assert_eq!(found[0].0.as_deref(), Some("Abdul Rahman, a spokesman for the brigade"));
    assert_eq!(found[0].2, "the town had fallen");
}

#[test]
fn dash_signature() {
    assert_eq!(
        quotes("\u{201C}Nobody came to help us when the water rose.\u{201D} \u{2015} Ana Lucia Torres"),
        [q("Nobody came to help us when the water rose.", Some("Ana Lucia Torres"))]
    );
}

#[test]
fn negated_and_noun_cues_make_no_attribution() {
    assert!(attributions("The general did not say where the troops would go next.").is_empty());
    assert!(attributions("The report on the clashes was published on Monday.").is_empty());
    assert!(attributions("The New York Post ran a story about the clashes.").is_empty());
}

#[test]
fn participle_continues_the_subject() {
    let found = attributions("Hassan Ali condemned the strike, saying it had killed at least nine children.");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0.as_deref(), Some("Hassan Ali"));
    assert_eq!(found[0].2, "it had killed at least nine children");
}

#[test]
fn nothing_from_removed_text_or_skipped_documents() {
    let text = "\u{201C}Subscribe now for the latest news from the front,\u{201D} the editors said.\nOfficials said the road was closed.";
    let mut doc = Document::from_text("t", text);
    let first_line = text.find('\n').unwrap();
    doc.removed.push(Removed { span: Span::new(0, first_line), kind: RemovedKind::Newsletter });
    run(&mut doc);
    assert!(doc.quotes.is_empty());
    assert_eq!(doc.attributions.len(), 1);
    let mut skipped = Document::from_text("t", "\u{201C}Nous resterons ici jusqu'au bout,\u{201D} a dit le colonel.");
    skipped.skipped = Some("not English".into());
    run(&mut skipped);
    assert!(skipped.quotes.is_empty() && skipped.attributions.is_empty());
}

#[test]
fn dateline_is_not_content() {
    let found = attributions("BANGUI, April 12 (Reuters) - Rebels killed 12 civilians near the border, a local official said on Tuesday.");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0.as_deref(), Some("a local official"));
    assert_eq!(found[0].2, "Rebels killed 12 civilians near the border");
}

#[test]
fn told_by_telephone_keeps_the_quote() {
    assert_eq!(
        quotes("\"They came at night and burned everything,\" one survivor told Reuters by telephone."),
        [q("They came at night and burned everything,", Some("one survivor"))]
    );
}

#[test]
fn description_with_relative_clause() {
    let found = attributions("The official, who declined to be named, said the attackers arrived on motorbikes.");
    assert_eq!(found.len(), 1);
    assert!(found[0].0.as_deref().is_some_and(|s| s.starts_with("The official")), "{found:?}");
    assert_eq!(found[0].2, "the attackers arrived on motorbikes");
}

#[test]
fn coordinated_attributions_split() {
    let found = attributions(
        "The military said rebels shelled the town overnight, killing two people, and the governor said several buildings were damaged.",
    );
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].2, "rebels shelled the town overnight, killing two people");
    assert_eq!(found[1].0.as_deref(), Some("the governor"));
    assert_eq!(found[1].2, "several buildings were damaged");
}

#[test]
fn content_that_opens_with_a_preposition() {
    let found = attributions("Officials say at least 40 people have died since the fighting began.");
    assert_eq!(found[0].2, "at least 40 people have died since the fighting began");
    let source = attributions("According to a statement from the presidency, the ceasefire will begin at midnight.");
    assert_eq!(source[0].0.as_deref(), Some("a statement from the presidency"));
    assert_eq!(source[0].2, "the ceasefire will begin at midnight");
}

#[test]
fn titles_in_quotes_are_not_speech() {
    assert!(quotes("The general said on \u{201C}Face the Nation\u{201D} that the offensive had stalled.")
        .iter()
        .all(|(text, _)| text != "Face the Nation"));
    assert!(quotes("Protesters marched to the \u{201C}Unity Accord\u{201D} summit on Monday.").is_empty());
}

#[test]
fn upper_case_wire_text() {
    assert_eq!(
        quotes("\"WE WILL TAKE THE CASE BACK TO THE LOWER COURTS,\" THE NEW JUDGE SAID."),
        [q("WE WILL TAKE THE CASE BACK TO THE LOWER COURTS,", Some("THE NEW JUDGE"))]
    );
    let found = attributions("ARMED FORCES SPOKESMAN COLONEL LUIS ISAACS SAID THAT THE GUERRILLAS ATTACKED THE BRIDGE.");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0.as_deref(), Some("ARMED FORCES SPOKESMAN COLONEL LUIS ISAACS"));
    assert_eq!(found[0].2, "THAT THE GUERRILLAS ATTACKED THE BRIDGE");
}

#[test]
fn programme_title_after_the_cue_is_not_content() {
    assert_eq!(
        quotes("\u{201C}The army is exhausted,\u{201D} Amal Nasser, a former commander, said Thursday morning on Radio Free\u{2019}s \u{201C}Morning Report.\u{201D}"),
        [q("The army is exhausted,", Some("Amal Nasser, a former commander"))]
    );
}

#[test]
fn transcript_turns() {
    let found = attributions("HOST: Did the army shell the town?\nGEN. MUSA: We fired only at positions the rebels held.\nWATCH: the full interview");
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].0.as_deref(), Some("HOST"));
    assert_eq!(found[1].0.as_deref(), Some("GEN. MUSA"));
    assert_eq!(found[1].1.as_deref(), Some(":"));
    assert_eq!(found[1].2, "We fired only at positions the rebels held.");
    // In upper-case wire text a sentence can look like a label: "THE GROUP SAYS:" is not one.
    let wire = attributions("THE GROUP SAYS: THE ARMY MUST WITHDRAW FROM THE VALLEY.");
    assert!(wire.iter().all(|a| a.1.as_deref() != Some(":")), "{wire:?}");
}

#[test]
fn claims_denials_and_disputes() {
    let found = attributions("The Taliban denied responsibility for the attack.");
    assert_eq!(found[0].0.as_deref(), Some("The Taliban"));
    assert_eq!(cue_stance(found[0].1.as_deref().unwrap()), Some(Stance::Denies));
    assert_eq!(found[0].2, "responsibility for the attack");
    let disputed = attributions("The army disputed the death toll given by the health ministry.");
    assert_eq!(cue_stance(disputed[0].1.as_deref().unwrap()), Some(Stance::Disputes));
}

#[test]
fn claim_taken_up_by_a_denial() {
    let found = attributions("Residents said soldiers fired on the crowd, a claim the army denied.");
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].0.as_deref(), Some("Residents"));
    assert_eq!(found[0].2, "soldiers fired on the crowd");
    assert_eq!(found[1].0.as_deref(), Some("the army"));
    assert_eq!(found[1].1.as_deref(), Some("denied"));
    assert_eq!(found[1].2, "soldiers fired on the crowd");
}

#[test]
fn data_fingerprint_is_stable_within_a_build() {
    assert_eq!(sitrep_quotes::data_fingerprint(), sitrep_quotes::data_fingerprint());
    assert_ne!(sitrep_quotes::data_fingerprint(), 0);
}

#[test]
fn statement_with_that_and_according_to_a_quote() {
    let found = attributions("The ministry said in an e-mailed statement on Sunday that the convoy had been hit by mistake.");
    assert_eq!(found[0].0.as_deref(), Some("The ministry"));
    assert_eq!(found[0].2, "that the convoy had been hit by mistake");
    assert_eq!(
        quotes("According to the UN envoy, \u{201C}the corridor will open at dawn and close at dusk.\u{201D}"),
        [q("the corridor will open at dawn and close at dusk.", Some("the UN envoy"))]
    );
}

#[test]
fn quote_after_an_indirect_attribution_keeps_its_speaker() {
    assert_eq!(
        quotes("Colonel Saleh said the town had fallen. \u{201C}We pushed them out before dawn.\u{201D}"),
        [q("We pushed them out before dawn.", Some("Colonel Saleh"))]
    );
}

#[test]
fn pronoun_mentions_only_when_asked() {
    let text = "Omar Khalid reached the checkpoint at noon.\n\n\u{201C}The road is open,\u{201D} he said.";
    let run_with = |on: bool| {
        let mut doc = Document::from_text("t", text);
        common::segment(&mut doc);
        doc.entities = vec![entity(&doc, "E1", EntityKind::Person, "Omar Khalid", &["Omar Khalid"])];
        Quotes::load().unwrap().with_pronoun_mentions(on).annotate(&mut doc);
        assert_spans(&doc);
        doc
    };
    let off = run_with(false);
    assert_eq!(off.entities[0].mentions.len(), 1);
    assert_eq!(off.quotes[0].speaker_entity.as_deref(), Some("E1"));
    let on = run_with(true);
    assert_eq!(on.entities[0].mentions.len(), 2);
    assert_eq!(on.slice(on.entities[0].mentions[1]), "he");
}

#[test]
fn speaker_entity_prefers_the_person_named_before_the_appositive() {
    let text = "\u{201C}The vote was rigged,\u{201D} said Democratic Sen. Jane Doyle, a member of the Kurdish caucus.";
    let mut doc = Document::from_text("t", text);
    common::segment(&mut doc);
    doc.entities = vec![
        entity(&doc, "E1", EntityKind::Norp, "Democratic", &["Democratic"]),
        entity(&doc, "E2", EntityKind::Person, "Jane Doyle", &["Jane Doyle"]),
        entity(&doc, "E3", EntityKind::Norp, "Kurdish", &["Kurdish caucus"]),
    ];
    run(&mut doc);
    assert_eq!(doc.quotes[0].speaker_entity.as_deref(), Some("E2"));
    assert_eq!(doc.quotes[0].speaker.as_deref(), Some("Jane Doyle"));
}

#[test]
fn a_speaker_name_the_tagger_missed_becomes_a_person_that_later_pronouns_mention() {
    let text = "\u{201C}We counted eleven trucks,\u{201D} Batchelder said on Monday.\n\n\
                \u{201C}Most were empty,\u{201D} she added. Officials said the road would reopen.";
    let mut doc = Document::from_text("t", text);
    common::segment(&mut doc);
    Quotes::load().unwrap().with_pronoun_mentions(true).annotate(&mut doc);
    assert_spans(&doc);
    let people: Vec<&sitrep_core::Entity> = doc.entities.iter().filter(|e| e.kind == EntityKind::Person).collect();
    assert_eq!(people.len(), 1, "only the named speaker, not \"Officials\": {:?}", doc.entities);
    let surfaces: Vec<&str> = people[0].mentions.iter().map(|m| doc.slice(*m)).collect();
    assert_eq!(surfaces, ["Batchelder", "she"]);
    assert!(doc.quotes.iter().all(|q| q.speaker_entity.as_deref() == Some(people[0].id.as_str())), "{:?}", doc.quotes);
}
