//! Claims on invented reports, read through the real text and quotes stages; events are built by
//! hand here so these tests pin the claims logic alone (the pipeline tests cover the full chain).

use sitrep_claims::Claims;
use sitrep_core::check::assert_spans;
use sitrep_core::{Document, Event, Span, Stance, SubEventType};

fn span_of(doc: &Document, needle: &str) -> Span {
    let start = doc.text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in text"));
    Span::new(start, start + needle.len())
}

fn event(doc: &Document, trigger: &str, sub: SubEventType) -> Event {
    let trigger = span_of(doc, trigger);
    let sentence = doc.sentences[doc.sentence_at(trigger.start).expect("trigger in a sentence")];
    Event::new("V1", sub, trigger, vec![sentence])
}

fn run(text: &str, trigger: &str, sub: SubEventType) -> Document {
    let mut doc = Document::from_text("claims-test", text);
    doc.outlet = Some("Example Wire".into());
    sitrep_text::annotate(&mut doc);
    let quotes = sitrep_quotes::Quotes::load().unwrap();
    quotes.annotate(&mut doc);
    doc.events.push(event(&doc, trigger, sub));
    Claims::load().unwrap().annotate(&mut doc, &|cue| quotes.stance(cue));
    assert_spans(&doc);
    doc
}

fn stances(doc: &Document) -> Vec<(String, Stance)> {
    doc.events[0].claims.iter().map(|c| (c.source.to_lowercase(), c.stance)).collect()
}

#[test]
fn state_tv_asserts_and_rebels_deny_so_the_event_is_contested() {
    let doc = run(
        "Syrian state TV said government forces had pushed into the Salaheddine district on Sunday. \
         Some rebels denied retreating from the district.",
        "pushed into",
        SubEventType::GovernmentRegainsTerritory,
    );
    let s = stances(&doc);
    assert!(s.iter().any(|(src, st)| src.contains("state tv") && *st == Stance::Asserts), "{s:?}");
    assert!(s.iter().any(|(src, st)| src.contains("rebels") && *st == Stance::Denies), "{s:?}");
    assert!(doc.events[0].contested);
}

#[test]
fn an_unattributed_report_is_asserted_by_the_outlet() {
    let doc = run(
        "Gunmen killed four farmers in a village near the border on Tuesday. The village was quiet on Wednesday.",
        "killed",
        SubEventType::Attack,
    );
    assert_eq!(stances(&doc), vec![("example wire".to_owned(), Stance::Asserts)]);
    assert!(!doc.events[0].contested);
}

#[test]
fn could_not_confirm_disputes_the_toll() {
    let doc = run(
        "Rebels said they killed 40 soldiers in an ambush on the highway. \
         The army said it could not confirm the toll.",
        "ambush",
        SubEventType::ArmedClash,
    );
    let s = stances(&doc);
    assert!(s.iter().any(|(src, st)| src.contains("rebels") && *st == Stance::Asserts), "{s:?}");
    assert!(s.iter().any(|(src, st)| src.contains("army") && *st == Stance::Disputes), "{s:?}");
    assert!(doc.events[0].contested);
}

#[test]
fn a_denial_about_something_else_far_away_does_not_contest() {
    let doc = run(
        "Police said a bomb exploded at a market in the city on Monday. \
         The weather was hot. Traders reopened their stalls. Buses ran again. Schools opened. Shops were busy. \
         The mayor denied plans to raise local taxes next year.",
        "exploded",
        SubEventType::RemoteExplosiveLandmineIed,
    );
    assert!(!doc.events[0].contested, "{:?}", stances(&doc));
}

#[test]
fn only_rebels_were_killed_disputes_a_civilian_toll() {
    let doc = run(
        "A rebel commander said 30 civilians were killed when troops stormed the village of Kafr Nabl. \
         The army said only rebels were killed in the operation.",
        "stormed",
        SubEventType::Attack,
    );
    let s = stances(&doc);
    assert!(s.iter().any(|(src, st)| src.contains("army") && *st == Stance::Disputes), "{s:?}");
    assert!(doc.events[0].contested);
}

#[test]
fn a_second_source_with_another_toll_is_a_claim_and_the_event_is_contested() {
    let doc = run(
        "Hospital officials said 16 people were killed when police fired on marchers in the capital on Wednesday. \
         The interior minister said two people had died.",
        "fired on",
        SubEventType::ExcessiveForceAgainstProtesters,
    );
    let tolls: Vec<(String, Option<u64>)> = doc.events[0].claims.iter().map(|c| (c.source.to_lowercase(), c.fatalities)).collect();
    assert!(tolls.iter().any(|(s, t)| s.contains("hospital") && *t == Some(16)), "{tolls:?}");
    assert!(tolls.iter().any(|(s, t)| s.contains("minister") && *t == Some(2)), "{tolls:?}");
    assert!(doc.events[0].contested);
    let f = doc.events[0].fatalities.as_ref().expect("the sources' tolls give the event a range");
    assert_eq!((f.low, f.high), (Some(2), Some(16)));
}

#[test]
fn the_same_toll_from_two_sources_is_not_a_conflict() {
    let doc = run(
        "Hospital officials said 16 people were killed when police fired on marchers in the capital on Wednesday. \
         The interior minister said 16 people had died.",
        "fired on",
        SubEventType::ExcessiveForceAgainstProtesters,
    );
    assert!(!doc.events[0].contested, "{:?}", doc.events[0].claims);
}

#[test]
fn a_denial_phrased_inside_what_the_source_said_is_a_denial() {
    let doc = run(
        "Organisers said police arrested dozens of marchers outside parliament on Thursday. \
         The national police said the arrests never took place.",
        "arrested",
        SubEventType::Arrests,
    );
    let s = stances(&doc);
    assert!(s.iter().any(|(src, st)| src.contains("police") && *st == Stance::Denies), "{s:?}");
    assert!(doc.events[0].contested);
}

#[test]
fn a_perpetrator_claiming_the_attack_gives_basis_claimed_and_a_suspect_gives_accused() {
    use sitrep_core::{Actor, ActorKind, Basis};
    let with_actor = |text: &str, trigger: &str, actor: &str| {
        let mut doc = Document::from_text("basis-test", text);
        sitrep_text::annotate(&mut doc);
        let quotes = sitrep_quotes::Quotes::load().unwrap();
        quotes.annotate(&mut doc);
        let mut e = event(&doc, trigger, SubEventType::RemoteExplosiveLandmineIed);
        e.actor1 = Some(Actor {
            name: actor.into(),
            kind: ActorKind::RebelGroup,
            country: None,
            span: Some(span_of(&doc, actor)),
            actor_id: None,
            basis: None,
        });
        doc.events.push(e);
        Claims::load().unwrap().annotate(&mut doc, &|cue| quotes.stance(cue));
        assert_spans(&doc);
        doc.events[0].actor1.as_ref().and_then(|a| a.basis)
    };
    assert_eq!(
        with_actor("A bomb exploded at a bus station in the north on Monday. The Liberation Front claimed responsibility for the bombing.", "exploded", "Liberation Front"),
        Some(Basis::Claimed)
    );
    assert_eq!(
        with_actor("Suspected Liberation Front rebels detonated a bomb at a bus station on Monday.", "detonated", "Liberation Front"),
        Some(Basis::Accused)
    );
    assert_eq!(
        with_actor("Liberation Front rebels detonated a bomb at a bus station on Monday. No group has claimed responsibility.", "detonated", "Liberation Front"),
        Some(Basis::Reported)
    );
}
