//! Events as ACLED codes them: from each content sentence, the trigger that says something happened
//! (`data/triggers.tsv`), decided with the sentence's actors (the actor dictionary, `sitrep_actors`) and the
//! cues around it (`data/cues.tsv`: negation, modality, accusations, background, aggregates…), with
//! fatalities, injured and detained counts, target, instrument and evidence. Sentences about the same event
//! are merged into one event with several evidence spans.
//!
//! Dates and locations are filled after this stage (`sitrep_time::date_events`, `sitrep_geo::locate_events`);
//! claims and confidence come with the claims work.
//!
//! Decisions, in order, for one sentence:
//! 1. a sentence-level blocking cue (anniversary, disaster, accident, ordinary crime, sport, fiction, a year
//!    before the document's) or a question mark: no event;
//! 2. each trigger not blocked by a cue in its scope (negation, modality, hypothesis, accusation, denial) and
//!    whose `needs` hold is resolved with the actors to a sub-type; the highest priority wins (ACLED's hierarchy);
//! 3. protest context turns force against people into intervention or excessive force, and violence by
//!    protesters into a riot; an abduction with fatalities is an attack.

mod consolidate;
mod lexicon;
mod notes;
mod subtypes;
mod words;

use std::collections::HashMap;

use sitrep_actors::{is_all_caps, ActorDictionary, Hit, Match};
use sitrep_core::{Actor, ActorKind, Count, DateRange, Document, Event, EventType, Span, SubEventType};

use lexicon::{CueKind, Entry, LexMatch, Lexicon, Needs, Scope, TriggerSub};
use words::{number_at, word_at, words, Word};

pub use lexicon::data_fingerprint;
pub use consolidate::consolidate;
pub use notes::notes_for;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("crates/sitrep_events/data/{file} line {line}: {problem} (the file's header documents the format)")]
    Data { file: &'static str, line: usize, problem: String },
    #[error("building the event lexicon matcher failed: {0}")]
    Matcher(#[from] aho_corasick::BuildError),
    #[error(transparent)]
    Actors(#[from] sitrep_actors::Error),
}

/// The event stage's resources: the lexicons and the actor dictionary, loaded once.
pub struct Events {
    lexicon: Lexicon,
    actors: ActorDictionary,
    phrases: subtypes::Phrases,
    /// The generic phrase "troops": a nationality before "forces" reads as one ("Syrian forces").
    troops: Option<usize>,
}

impl std::fmt::Debug for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Events").field("triggers", &self.lexicon.triggers.len()).field("actors", &self.actors).finish()
    }
}

/// An actor phrase in a sentence, resolved.
#[derive(Debug, Clone)]
struct Mention {
    span: Span,
    actor: Actor,
    /// The phrase is the source of a statement ("police said"), not a participant.
    speaker: bool,
}

impl Mention {
    fn armed(&self) -> bool {
        is_armed(self.actor.kind)
    }
}

const fn is_armed(kind: ActorKind) -> bool {
    matches!(
        kind,
        ActorKind::StateForces
            | ActorKind::RebelGroup
            | ActorKind::PoliticalMilitia
            | ActorKind::IdentityMilitia
            | ActorKind::ExternalForces
    )
}

/// The state's own forces or a foreign army: the side that arrests and regains territory.
const fn is_official(kind: ActorKind) -> bool {
    matches!(kind, ActorKind::StateForces | ActorKind::ExternalForces)
}

/// Whether the word at `tw0` follows a form of "be" within `reach` words ("was captured", "were
/// reportedly seized"): a passive.
fn follows_be(s: &Sentence, tw0: usize, reach: usize) -> bool {
    (1..=reach).any(|k| tw0 >= k && s.lower_word_is(tw0 - k, &["was", "were", "been", "being"]))
}

/// Whether `a2` is `a1` named again as an acronym in brackets right after it ("the Syrian Arab Army (SAA)"),
/// or an ally of it ("backed by", "alongside", "in coordination with").
fn same_side_named_again(s: &Sentence, a1: &Actor, a2: &Actor) -> bool {
    let (Some(s1), Some(s2)) = (a1.span, a2.span) else { return false };
    if s1.end <= s2.start && s.text[s1.end..s2.start].trim() == "(" && s.text[s2.end..].trim_start().starts_with(')') {
        return true;
    }
    let w = word_at(&s.words, s2.start);
    (w.saturating_sub(4)..w).any(|k| {
        let by = s.lower_word_is(k, &["backed", "supported", "assisted", "aided", "joined"]) && s.lower_word_is(k + 1, &["by"]);
        (by || s.lower_word_is(k, &["alongside", "coordination"])) && !s.words[k..w].iter().any(|x| x.punct && x.span.of(s.text) != "-")
    })
}

/// The word index of a form of "be" (one of `forms`) one or two words before the verb at `tw0` ("was
/// captured", "was later captured").
fn be_before(s: &Sentence, tw0: usize, forms: &[&str]) -> Option<usize> {
    (1..=2).map(|k| tw0.wrapping_sub(k)).find(|&b| b < tw0 && s.lower_word_is(b, forms))
}

/// Adverbs of a wound or of its reporting that may stand between "was" and "shot" ("was fatally shot",
/// "were reportedly shot"); "was mostly shot in the desert" (a film) stays out.
const SHOOTING_ADVERBS: &[&str] = &["fatally", "mortally", "critically", "seriously", "gravely", "badly", "reportedly", "allegedly", "repeatedly"];

/// "Was shot", "was fatally shot": someone shot the subject.
fn shot_in_the_passive(s: &Sentence, tw0: usize) -> bool {
    follows_be(s, tw0, 1) || tw0 >= 1 && s.lower_word_is(tw0 - 1, SHOOTING_ADVERBS) && follows_be(s, tw0 - 1, 1)
}

/// "Two gunmen fatally shot a candidate": "fatally shot" with a person after it is a killing only people do;
/// "fatally shot himself" (a suicide or an accident) and "fatally shot a bear" are not.
fn fatally_shot_someone(s: &Sentence, span: Span) -> bool {
    let tw0 = word_at(&s.words, span.start);
    if tw0 == 0 || !s.lower_word_is(tw0 - 1, &["fatally", "mortally"]) {
        return false;
    }
    let next = word_at(&s.words, span.end);
    if s.lower_word_is(next, &["himself", "herself", "themselves", "itself", "oneself"]) {
        return false;
    }
    let object = next..(next + 5).min(s.words.len());
    object.clone().take_while(|&i| !s.words[i].punct).any(|i| PERSON_NOUNS.iter().any(|p| s.word(i).eq_ignore_ascii_case(p)))
        || s.persons.iter().chain(s.mentions.iter().filter(|m| !m.speaker).map(|m| &m.span)).any(|p| {
            let w = word_at(&s.words, p.start);
            object.contains(&w)
        })
}

/// Words after "captured" that say it was filmed or won, not seized: "captured on camera", "captured by
/// surveillance cameras", "captured by photographers", "captured the imagination", "captured 19 seats".
const NOT_SEIZED: &[&str] = &[
    "camera", "cameras", "photograph", "photographs", "photo", "photos", "photographer", "photographers", "film", "films",
    "video", "videos", "footage", "picture", "pictures", "image", "images", "surveillance", "lens", "imagination",
    "attention", "hearts", "votes", "seats", "title", "medal", "mood", "spirit", "essence", "feeling", "interest", "market",
    "moment", "share",
];

fn capture_not_seizing(s: &Sentence, span: Span) -> bool {
    let wi = word_at(&s.words, span.end);
    (wi..(wi + 4).min(s.words.len())).any(|i| NOT_SEIZED.iter().any(|x| s.word(i).eq_ignore_ascii_case(x)))
}

/// "Hambali was captured in Thailand", "They were captured during a raid": a passive capture whose subject,
/// right before the form of "be", is a person (a named one, a pronoun, a person noun or a civilian actor
/// phrase). With a political context it is an arrest, as "was arrested" would be.
fn person_captured(s: &Sentence, span: Span) -> bool {
    let tw0 = word_at(&s.words, span.start);
    // "was captured", "was later captured", "had been captured".
    let Some(be) = be_before(s, tw0, &["was", "were", "been", "being"]) else {
        return false;
    };
    if be + 2 == tw0 && !s.word(be + 1).to_ascii_lowercase().ends_with("ly") && !s.lower_word_is(be + 1, &["later", "also", "then", "subsequently", "eventually", "finally"]) {
        return false;
    }
    // The subject ends right before "was" (or "had"/"have" before "been").
    let mut subj = be;
    while subj > 0 && s.lower_word_is(subj - 1, &["had", "has", "have", "reportedly", "also"]) {
        subj -= 1;
    }
    if subj == 0 || capture_not_seizing(s, span) {
        return false;
    }
    let last = subj - 1;
    let end = s.words[last].span.end;
    // "Hicks, 26, was captured": an age between the name and the verb.
    let age = s.words[last].punct
        && last >= 2
        && s.word(last - 1).bytes().all(|b| b.is_ascii_digit())
        && s.words[last - 2].punct;
    let end = if age { s.words[last - 2].span.start } else { end };
    let head = if age { last.saturating_sub(3) } else { last };
    s.lower_word_is(head, &["he", "she", "they"])
        || PERSON_NOUNS.iter().any(|p| s.word(head).eq_ignore_ascii_case(p))
        || s.persons.iter().any(|p| p.end == end)
        || s.mentions.iter().any(|m| !m.speaker && m.span.end == end && m.actor.kind == ActorKind::Civilians)
}

const fn is_violent(t: EventType) -> bool {
    matches!(t, EventType::Battles | EventType::ExplosionsRemoteViolence | EventType::ViolenceAgainstCivilians)
}

/// "…involved in the suicide attack in Asadabad, which killed three soldiers": a verb opening a
/// relative clause ("which", "that") tells of the noun trigger before it; when that noun is blocked (a
/// record, a plan, a denial), so is the verb.
fn tells_of_blocked_noun(s: &Sentence, triggers: &[(Span, usize)], blocked: &[bool], k: usize, lexicon: &Lexicon) -> bool {
    let tw0 = word_at(&s.words, triggers[k].0.start);
    if tw0 == 0 || !s.lower_word_is(tw0 - 1, &["which", "that"]) {
        return false;
    }
    triggers[..k]
        .iter()
        .zip(blocked)
        .rev()
        .find(|((span, t), _)| !lexicon.triggers[*t].verb && tw0.saturating_sub(word_at(&s.words, span.start)) <= 14)
        .is_some_and(|(_, b)| *b)
}

/// The index in `found` of the event a sentence naming "the attack" tells more of, if any (see
/// [`names_a_known_violent_event`]): the latest violent event not dated apart from the sentence ("the
/// murder took place last night" is not the January bombing the story recalled before), preferring
/// one of the candidate's own event type.
fn known_event(doc: &Document, found: &[(usize, Event)], c: &Candidate, s: &Sentence, lexicon: &Lexicon) -> Option<usize> {
    if !is_violent(c.sub.event_type()) || !names_a_known_violent_event(s, lexicon) {
        return None;
    }
    let own = dates_in(doc, s.span);
    let same_day = |e: &Event| {
        let theirs = e.evidence.first().map(|ev| dates_in(doc, *ev)).unwrap_or_default();
        // A sentence with a day of its own ("blew up in midair on 27 November") is another event unless
        // the known one shares that day.
        own.is_empty() || own.iter().any(|a| theirs.iter().any(|b| a.start <= b.end && b.start <= a.end))
    };
    let known = |same_type: bool| {
        found.iter().rposition(|(_, e)| is_violent(e.event_type()) && (!same_type || e.event_type() == c.sub.event_type()) && same_day(e))
    };
    known(true).or_else(|| known(false))
}

/// The days the resolved, past time expressions inside `span` name.
fn dates_in(doc: &Document, span: Span) -> Vec<DateRange> {
    doc.times
        .iter()
        .filter(|t| span.contains(t.span) && !t.future && t.range.start.is_some() && t.range.end.is_some())
        .map(|t| t.range.clone())
        .collect()
}

/// Where the trigger's noun phrase ends: past an act noun that heads it ("grenade attacks").
fn head_end(s: &Sentence, span: Span) -> usize {
    let mut next = word_at(&s.words, span.end);
    // "rocket-propelled grenade (RPG) attacks": an abbreviation in brackets sits inside the phrase.
    if s.words.get(next).is_some_and(|w| w.span.of(s.text) == "(") {
        if let Some(close) = (next + 1..(next + 4).min(s.words.len())).find(|&k| s.words[k].span.of(s.text) == ")") {
            next = close + 1;
        }
    }
    if next < s.words.len() && ACT_NOUNS.iter().any(|n| s.word(next).eq_ignore_ascii_case(n)) {
        s.words[next].span.end
    } else {
        span.end
    }
}

/// Nouns for acts that can head a phrase after a weapon word ("grenade attacks", "IED strikes").
const ACT_NOUNS: &[&str] = &["attack", "attacks", "strike", "strikes", "bombings", "ambushes", "raids", "assaults", "explosions", "blasts"];

/// Words that make "the … attack" a new one ("the second attack", "another attack").
const NEW_EVENT_MODIFIERS: &[&str] = &["second", "third", "fourth", "fifth", "other", "separate", "latest", "new", "another", "last"];

/// Whether the sentence names a violent event with a definite article ("the murder of the Jesuits",
/// "the most recent terrorist attacks", "this attack"): an event the reader already knows. After a
/// violent event has been reported, such a sentence adds to it (or recalls an older one) rather than
/// reporting a new one.
fn names_a_known_violent_event(s: &Sentence, lexicon: &Lexicon) -> bool {
    s.has_cue(CueKind::Aftermath)
        || s.has_cue(CueKind::Operation)
        || s.lex.iter().any(|m| {
        let Entry::Trigger(t) = m.entry else { return false };
        let trig = &lexicon.triggers[t];
        let violent_sub = match trig.sub {
            TriggerSub::Fixed(sub) => is_violent(sub.event_type()),
            TriggerSub::Kill => true,
            _ => false,
        };
        if trig.verb && !matches!(trig.sub, TriggerSub::Kill) || !violent_sub {
            return false;
        }
        // Up to three modifiers between ("the most recent terrorist attacks").
        definite_noun(s, m.span, 4)
    })
}

/// Whether the trigger at `span` is a noun after "the", "this" or "that" ("after the attack"), with up to
/// `reach - 1` modifiers between and none saying it is another event ("the second attack"): a reference to
/// an event the reader knows. A participle ("the detained") is no such noun.
fn definite_noun(s: &Sentence, span: Span, reach: usize) -> bool {
    let w = word_at(&s.words, span.start);
    (1..=reach).any(|k| {
        w >= k
            && s.lower_word_is(w - k, &["the", "this", "these", "that", "those"])
            && !s.words[w - k + 1..w].iter().any(|x| x.punct || NEW_EVENT_MODIFIERS.iter().any(|n| x.span.of(s.text).eq_ignore_ascii_case(n)))
    }) && !span.of(s.text).to_ascii_lowercase().ends_with("ed")
}

/// Whether the sentence refers to an event already reported: "as a result of the attack", "in this
/// ambush", "claimed responsibility for".
fn refers_to_reported_event(s: &Sentence) -> bool {
    s.has_cue(CueKind::Aftermath)
        || s.lex.iter().any(|m| matches!(m.entry, Entry::Trigger(_)) && definite_noun(s, m.span, 1))
}

/// The most recent actor in `context` on the other side from an armed actor of `kind`: state or foreign
/// forces against anyone else armed.
fn opposing(context: &[Actor], kind: ActorKind) -> Option<&Actor> {
    context.iter().rev().find(|a| is_armed(a.kind) && is_official(a.kind) != is_official(kind))
}


/// Weapon words that "seized", "captured" or "intercepted" takes: after it ("seized 12 rifles"), or
/// before a passive one ("12 firearms and 108 rounds were seized").
const SEIZED_WEAPONS: &[&str] = &[
    "weapons", "arms", "ammunition", "ammunitions", "explosives", "cache", "caches", "rifles", "guns", "grenades", "drugs",
    "cocaine", "firearms", "pistols", "rounds", "mines", "landmines", "missiles", "rockets", "munitions",
];

fn seized_weapons(s: &Sentence, span: Span) -> bool {
    // "the cache's components": the possessive names the weapons too.
    let weapon = |i: usize| {
        let w = s.word(i);
        let w = w.strip_suffix("'s").or_else(|| w.strip_suffix("’s")).unwrap_or(w);
        SEIZED_WEAPONS.iter().any(|x| w.eq_ignore_ascii_case(x))
    };
    let wi = word_at(&s.words, span.end);
    // "captured a bomb facilitator": a weapon word modifying a person is a person.
    let active = !head_noun_is_person(s, wi)
        && ((wi..(wi + 4).min(s.words.len())).any(weapon)
            || s.lex.iter().any(|m| matches!(m.entry, Entry::Instrument(_)) && m.span.start >= span.end && m.span.start < span.end + 60));
    let tw0 = word_at(&s.words, span.start);
    let passive = follows_be(s, tw0, 2) && (tw0.saturating_sub(10)..tw0).any(weapon);
    active || passive
}

/// Verbs that make a bare "ceasefire" or "truce" an agreement reached ("agreed a 48-hour ceasefire").
const AGREEING_VERBS: &[&str] = &["agreed", "agree", "agrees", "signed", "signs", "reached", "brokered", "accepted", "accepts"];

/// How many sentences back an unnamed side of an event may have been named.
const CONTEXT_SENTENCES: usize = 3;

/// Verbs that say people were killed and nothing else: an armed victim of one was killed by someone.
const KILL_VERBS: &[&str] = &["killed", "killing", "kills", "shot dead", "shot and killed", "resulted in the death of", "resulted in the deaths of"];

/// Nouns for acts someone carries out: a killing "in an attack" or "during operations" had a perpetrator.
const ACTS_WITH_A_PERPETRATOR: &[&str] = &[
    "attack", "attacks", "ambush", "raid", "raids", "assault", "offensive", "operation", "operations", "fight", "fighting",
    "clashes", "clash", "battle", "airstrike", "airstrikes", "shelling", "gunfight", "crossfire",
];

/// Things, not people, that can be "killed": "the bill was killed in the senate".
const THINGS_KILLED: &[&str] = &[
    "bill", "bills", "plan", "plans", "deal", "proposal", "proposals", "measure", "project", "legislation", "motion", "idea",
    "talks", "story", "amendment", "initiative", "reform", "merger",
];

/// Killing words only people do on purpose: enough to code an attack with an unnamed perpetrator.
const VIOLENT_WORDS: &[&str] = &[
    "murdered",
    "murder",
    "murders",
    "assassinated",
    "assassination",
    "massacred",
    "massacre",
    "executed",
    "beheaded",
    "slain",
    "slaughtered",
    "gunned down",
    "shot dead",
    "shot and killed",
    "hacked to death",
    "shot to death",
    "stabbed to death",
    "beaten to death",
    "machinegunned",
    "machine-gunned",
];

/// Nouns for people, which a number before them counts ("killing four drivers"): `data/person_nouns.txt`.
static PERSON_NOUNS: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    include_str!("../data/person_nouns.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .flat_map(str::split_whitespace)
        .collect()
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Category {
    Killed,
    Injured,
    Detained,
}

/// Casualty words and what they count: `data/casualty_words.tsv`.
static CASUALTY_WORDS: std::sync::LazyLock<Vec<(&'static str, Category)>> = std::sync::LazyLock::new(|| {
    include_str!("../data/casualty_words.tsv")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let (word, category) = l.split_once('\t')?;
            let category = match category.trim() {
                "killed" => Category::Killed,
                "injured" => Category::Injured,
                "detained" => Category::Detained,
                _ => return None,
            };
            Some((word.trim(), category))
        })
        .collect()
});

fn category_of(w: &str) -> Option<Category> {
    if w.len() < 3 || w.len() > 12 {
        return None;
    }
    CASUALTY_WORDS.iter().find(|(word, _)| word.eq_ignore_ascii_case(w)).map(|(_, c)| *c)
}

/// Everything read from one sentence before deciding.
struct Sentence<'a> {
    text: &'a str,
    span: Span,
    words: Vec<Word>,
    lex: Vec<LexMatch>,
    mentions: Vec<Mention>,
    /// Mentions of people (NER `PERSON`) in the sentence that are not the source of a statement: the named
    /// victims of attacks and abductions.
    persons: Vec<Span>,
    /// Whether a time expression (times layer) lies in the sentence.
    dated: bool,
    /// The sentence's expressions resolved to a day ("April 11, 2016"): a year inside one dates the
    /// event rather than recalling the past.
    day_dates: Vec<Span>,
    /// A protest about a crime, an accident or a disaster ("marched against corruption"): only its
    /// protest triggers count; the crime it names is not coded.
    protest_only: bool,
    /// Whether the document speaks of political violence anywhere (militants, riots, curfew…): an arrest in
    /// it is political even when its own sentence does not say why.
    political_doc: bool,
    /// The document is in capitals (acronym case and "MAY" carry no information).
    all_caps: bool,
    /// The sentence states a number of dead, wounded or detained.
    has_figures: bool,
    /// Armed actors named in the few sentences before this one, most recent last: the unnamed side of
    /// "Five militants were killed" or "Four men were detained during the operation" after a sentence
    /// that named the force.
    context: Vec<Actor>,
}

impl Sentence<'_> {
    fn word(&self, i: usize) -> &str {
        self.words[i].span.of(self.text)
    }

    fn lower_word_is(&self, i: usize, options: &[&str]) -> bool {
        self.words.get(i).is_some_and(|w| options.iter().any(|o| w.span.of(self.text).eq_ignore_ascii_case(o)))
    }

    /// The first crowd (protesters or rioters) the sentence names as taking part, not as a source.
    fn crowd(&self) -> Option<&Mention> {
        self.mentions.iter().find(|m| !m.speaker && matches!(m.actor.kind, ActorKind::Rioters | ActorKind::Protesters))
    }

    fn has_cue(&self, kind: CueKind) -> bool {
        self.lex.iter().any(|m| matches!(m.entry, Entry::Cue(c) if c.kind == kind))
    }
}

/// One candidate event read from a sentence.
#[derive(Debug, Clone)]
struct Candidate {
    sub: SubEventType,
    priority: u8,
    trigger: Span,
    actor1: Option<Actor>,
    actor2: Option<Actor>,
    civilian_targeting: bool,
}

impl Events {
    /// Loads the lexicons and the actor dictionary compiled into the crate.
    ///
    /// # Errors
    /// When a data file is malformed; the message names the file and line.
    pub fn load() -> Result<Self, Error> {
        let mut lexicon = Lexicon::load()?;
        let phrases = subtypes::Phrases::load(&mut lexicon.triggers)?;
        let actors = ActorDictionary::load()?;
        let troops = actors.generics().iter().position(|g| g.phrase == "troops");
        Ok(Self { lexicon, actors, phrases, troops })
    }

    #[must_use]
    pub fn actors(&self) -> &ActorDictionary {
        &self.actors
    }

    /// Adds `doc.events`: one event per thing that happened, with evidence spans in content sentences only.
    pub fn annotate(&self, doc: &mut Document) {
        if !doc.is_codable() {
            return;
        }
        let sentences = content_sentences(doc);
        let all_caps = is_all_caps(&doc.text);
        let raw: Vec<Vec<Match>> = sentences.iter().map(|s| self.actors.find_in(&doc.text, *s, all_caps)).collect();
        let doc_country = self.document_country(doc, &raw);
        let doc_year = document_year(doc);
        let lexes: Vec<Vec<LexMatch>> = sentences
            .iter()
            .map(|s| {
                let mut lex = self.lexicon.find_in(&doc.text, *s);
                self.phrases.find_in(&doc.text, *s, &mut lex);
                lex
            })
            .collect();
        let political_doc =
            lexes.iter().flatten().any(|m| matches!(m.entry, Entry::Cue(c) if c.kind == CueKind::Political));

        let armed_named: Vec<Vec<Actor>> = raw
            .iter()
            .map(|ms| {
                ms.iter()
                    .filter_map(|m| self.actors.resolve(*m, &doc.text, doc_country.as_deref(), doc_country.as_deref()))
                    .filter(|a| is_armed(a.kind))
                    .collect()
            })
            .collect();
        let mut found: Vec<(usize, Event)> = Vec::new();
        // Sentences that announce another incident ("In a separate attack…", "Elsewhere, …"): their event
        // is never folded into the one before.
        let mut new_incident: Vec<usize> = Vec::new();
        let mut pending_counts: Vec<(usize, Span, [Option<Count>; 3])> = Vec::new();
        let mut last_event: Option<usize> = None;
        for (si, ((span, matches), lex)) in sentences.iter().zip(&raw).zip(lexes).enumerate() {
            let has_trigger = lex.iter().any(|m| matches!(m.entry, Entry::Trigger(_)));
            // A sentence with no trigger matters only for the figures it may add to an event just before it.
            if !has_trigger && last_event.is_none_or(|l| si > l + 2) {
                continue;
            }
            let mut sentence = self.read_sentence(doc, *span, matches, lex, doc_country.as_deref());
            sentence.political_doc = political_doc;
            sentence.all_caps = all_caps;
            sentence.context = armed_named[si.saturating_sub(CONTEXT_SENTENCES)..si].iter().flatten().cloned().collect();
            match sentence_blocked(&sentence, doc_year, &self.lexicon) {
                Blocked::No => {}
                Blocked::AllButProtest => sentence.protest_only = true,
                Blocked::Yes => continue,
            }
            let counts = counts(&sentence);
            sentence.has_figures = counts.iter().any(Option::is_some);
            let candidate = has_trigger.then(|| self.decide(&sentence, doc_country.as_deref())).flatten();
            let known = candidate.as_ref().and_then(|c| known_event(doc, &found, c, &sentence, &self.lexicon));
            match (candidate, known) {
                // "…two hours after the attack and found four bodies": a definite noun naming an event of
                // the same type as one just reported refers back to it; its figures join that event.
                (Some(c), _) if Self::refers_back(&sentence, &c, found.last().filter(|(fsi, _)| si <= fsi + 3).map(|(_, e)| e)) => {
                    if sentence.has_figures {
                        pending_counts.push((si, *span, counts));
                    }
                }
                // "The murder took place at 2220 last night": after a violent event of the same type, a
                // sentence naming "the murder" tells more of it; it is that event's evidence, not a new
                // event. A casualty sentence ("A policeman was killed during the terrorist attack") joins
                // the violent event just reported, whatever its type.
                (Some(c), Some(known)) => {
                    let ev = &mut found[known].1;
                    // ACLED: an attack carried out with a bomb is coded by the bomb ("the car bomb was
                    // activated by remote control" after "the attack in which 20 were killed").
                    if ev.event_type() == EventType::ViolenceAgainstCivilians
                        && ev.sub_event_type == SubEventType::Attack
                        && c.sub.event_type() == EventType::ExplosionsRemoteViolence
                    {
                        ev.sub_event_type = c.sub;
                        ev.civilian_targeting = true;
                    }
                    // "Our actions resulted in a number of deaths … to Afghan civilians": the strike's victims.
                    if c.actor2.as_ref().is_some_and(|a| a.kind == ActorKind::Civilians) && ev.event_type() != EventType::Battles {
                        ev.civilian_targeting = true;
                        if ev.actor2.is_none() {
                            ev.actor2 = c.actor2;
                        }
                    }
                    ev.evidence.push(*span);
                    ev.evidence.sort();
                    if sentence.has_figures {
                        pending_counts.push((si, *span, counts));
                    }
                }
                (Some(c), None) => {
                    if sentence.has_cue(CueKind::NewIncident) {
                        new_incident.push(si);
                    }
                    let ev = build_event(&sentence, c, counts);
                    found.push((si, ev));
                    last_event = Some(si);
                }
                (None, _) => {
                    if sentence.has_figures {
                        pending_counts.push((si, *span, counts));
                    }
                }
            }
        }
        let mut events = merge(&doc.text, found, pending_counts, &new_incident);
        subtypes::settle(self, doc, &mut events);
        for (i, ev) in events.iter_mut().enumerate() {
            ev.id = format!("V{}", i + 1);
            ev.notes = Some(notes_for(ev));
        }
        doc.events = events;
    }

    /// Whether an arrest in the sentence is political (militants, protesters, opposition, an army's operation),
    /// not ordinary crime.
    fn political(&self, s: &Sentence, protest_context: bool) -> bool {
        s.has_cue(CueKind::Political)
            || s.political_doc
            || s.context.iter().any(|a| self.is_military(a))
            || protest_context
            || s.mentions.iter().any(|m| !m.speaker && m.armed() && m.actor.kind != ActorKind::StateForces)
    }

    /// An army or a foreign force (not the police): its arrests are part of armed conflict, not crime.
    fn is_military(&self, a: &Actor) -> bool {
        a.kind == ActorKind::ExternalForces || a.kind == ActorKind::StateForces && self.actors.role_of(a) != Some("police")
    }

    /// Whether the candidate's trigger is used as a noun after "the" or "this" ("after the attack") and
    /// the event just reported has the same event type: a reference back, not a new event.
    fn refers_back(s: &Sentence, c: &Candidate, previous: Option<&Event>) -> bool {
        previous.is_some_and(|p| p.event_type() == c.sub.event_type()) && definite_noun(s, c.trigger, 1)
    }

    fn read_sentence<'a>(
        &self,
        doc: &'a Document,
        span: Span,
        matches: &[Match],
        lex: Vec<LexMatch>,
        doc_country: Option<&str>,
    ) -> Sentence<'a> {
        let text = doc.text.as_str();
        let words = words(text, span);
        let mut mentions = Vec::new();
        let mut i = 0;
        while i < matches.len() {
            let m = matches[i];
            // "Syrian troops", "French soldiers": a nationality word gives a generic phrase its country.
            if let Hit::Demonym(_) = m.hit {
                // "Syrian forces", "Turkish Forces": "forces" alone names no one, but after a nationality it is
                // that country's army, read as "Syrian troops" would be.
                let rest = &text[m.span.end..];
                let forces = [" forces", " Forces", " FORCES"].iter().find_map(|f| rest.strip_prefix(f).map(|after| (f.len(), after)));
                // A longer phrase from "forces" on ("forces loyal to President Bashar al-Assad") is the actor.
                let next_starts_inside = forces.is_some_and(|(len, _)| matches.get(i + 1).is_some_and(|n| n.span.start < m.span.end + len));
                if let (Some((len, after)), Some(gi), false) = (forces, self.troops, next_starts_inside) {
                    if !after.starts_with(char::is_alphanumeric) {
                        let joined = Match { span: Span::new(m.span.start, m.span.end + len), hit: Hit::Generic(gi) };
                        let country = self.actors.country_of(m.hit);
                        if let Some(actor) = self.actors.resolve(joined, text, country, doc_country) {
                            mentions.push(Mention { span: joined.span, actor, speaker: false });
                            i += 1;
                            continue;
                        }
                    }
                }
                if let Some(next) = matches.get(i + 1) {
                    let gap = &text[m.span.end..next.span.start];
                    if matches!(next.hit, Hit::Generic(_)) && gap.trim().is_empty() {
                        let country = self.actors.country_of(m.hit);
                        let joined = Match { span: Span::new(m.span.start, next.span.end), hit: next.hit };
                        if let Some(actor) = self.actors.resolve(joined, text, country, doc_country) {
                            mentions.push(Mention { span: joined.span, actor, speaker: false });
                        }
                        i += 2;
                        continue;
                    }
                }
            }
            if let Some(actor) = self.actors.resolve(m, text, doc_country, doc_country) {
                mentions.push(Mention { span: m.span, actor, speaker: false });
            }
            i += 1;
        }
        // "Taliban leader", "FMLN commander", "the group's fighters": a person noun right after an armed
        // group names one of its members, not a civilian.
        let mut k = 0;
        while k + 1 < mentions.len() {
            let gap = &text[mentions[k].span.end..mentions[k + 1].span.start];
            if mentions[k].armed() && mentions[k + 1].actor.kind == ActorKind::Civilians && matches!(gap.trim(), "" | "'s" | "’s") {
                let end = mentions[k + 1].span.end;
                mentions[k].span = Span::new(mentions[k].span.start, end);
                mentions[k].actor.span = Some(mentions[k].span);
                mentions.remove(k + 1);
            }
            k += 1;
        }
        let persons = doc
            .entities
            .iter()
            .filter(|e| e.kind == sitrep_core::EntityKind::Person)
            .flat_map(|e| e.mentions.iter().copied())
            .filter(|m| span.contains(*m))
            .collect();
        let dated = doc.times.iter().any(|t| span.contains(t.span));
        let day_dates = doc
            .times
            .iter()
            .filter(|t| span.contains(t.span) && t.range.precision == sitrep_core::DatePrecision::Day)
            .map(|t| t.span)
            .collect();
        let mut sentence = Sentence {
            text,
            span,
            words,
            lex,
            mentions,
            persons,
            dated,
            day_dates,
            protest_only: false,
            political_doc: false,
            all_caps: false,
            has_figures: false,
            context: Vec::new(),
        };
        mark_speakers(&mut sentence);
        sentence
    }

    /// The country a document is about: its dateline, its resolved places, and the countries its words name.
    fn document_country(&self, doc: &Document, raw: &[Vec<Match>]) -> Option<String> {
        let mut votes: HashMap<String, usize> = HashMap::new();
        if let Some(place) = doc.dateline.as_ref().and_then(|d| d.place.as_deref()) {
            for m in self.actors.find(place) {
                if let Some(c) = self.actors.country_of(m.hit) {
                    *votes.entry(c.to_owned()).or_default() += 6;
                }
            }
        }
        for p in &doc.places {
            if let Some(c) = p.geo.as_ref().and_then(|g| g.country.as_deref()) {
                *votes.entry(c.to_owned()).or_default() += 2;
            }
        }
        for m in raw.iter().flatten() {
            let weight = match m.hit {
                Hit::CountryName(_) | Hit::City(_) => 2,
                Hit::Demonym(_) | Hit::Actor(_) => 1,
                Hit::Generic(_) => 0,
            };
            if let Some(c) = self.actors.country_of(m.hit) {
                *votes.entry(c.to_owned()).or_default() += weight;
            }
        }
        // Highest vote; ties go to the alphabetically first code so the choice is stable.
        votes.into_iter().filter(|(_, v)| *v > 0).max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0))).map(|(c, _)| c)
    }

    fn decide(&self, s: &Sentence, doc_country: Option<&str>) -> Option<Candidate> {
        let triggers = longest_triggers(&s.lex);
        // A protest in this sentence (the crowd words "protesters", "demonstrators" are protest triggers too);
        // "activists" alone are not protesting.
        let protest_context = triggers.iter().any(|(span, t)| {
                matches!(self.lexicon.triggers[*t].sub, TriggerSub::Protest) && !trigger_blocked(s, *span, self.lexicon.triggers[*t].verb)
            });
        let mut best: Option<Candidate> = None;
        let mut fatal_kill = false;
        let mut arrests: Option<Candidate> = None;
        let blocked: Vec<bool> = triggers.iter().map(|(span, t)| trigger_blocked(s, *span, self.lexicon.triggers[*t].verb)).collect();
        // Weapons that imply no sub-type (rifles, machine guns): a gunfight.
        let gunfire = s.lex.iter().any(|m| matches!(m.entry, Entry::Instrument(None)));
        for (k, (span, t)) in triggers.iter().enumerate() {
            let trig = &self.lexicon.triggers[*t];
            if blocked[k] || tells_of_blocked_noun(s, &triggers, &blocked, k, &self.lexicon) || s.protest_only && trig.sub != TriggerSub::Protest {
                continue;
            }
            if trig.sub == TriggerSub::Kill {
                fatal_kill |= ["killed", "killing", "dead", "murdered", "shot dead", "executed"]
                    .iter()
                    .any(|w| span.of(s.text).eq_ignore_ascii_case(w));
            }
            let Some(mut c) = self.resolve_trigger(s, *span, trig, doc_country, protest_context) else { continue };
            // ACLED: explosives used within a gunfight between two armed sides are one battle.
            if c.sub == SubEventType::ArmedClash && gunfire {
                c.priority = c.priority.max(80);
            }
            if c.sub == SubEventType::Arrests && arrests.is_none() {
                arrests = Some(c.clone());
            }
            if best.as_ref().is_none_or(|b| c.priority > b.priority) {
                best = Some(c);
            }
        }
        let mut best = best?;
        // Weapons seized in an arrest operation are part of the arrest.
        if best.sub == SubEventType::DisruptedWeaponsUse {
            if let Some(arrest) = arrests {
                best = arrest;
            }
        }
        // ACLED: remote violence is one-sided. Rockets or grenades fired alongside small arms at (or by) a
        // force that can answer are part of a fight: an armed clash.
        let force_involved = [&best.actor1, &best.actor2].into_iter().flatten().any(|a| is_official(a.kind));
        if matches!(best.sub, SubEventType::Grenade | SubEventType::ShellingArtilleryMissileAttack) && gunfire && force_involved {
            best.sub = SubEventType::ArmedClash;
            best.civilian_targeting = false;
            // "The patrol came under small-arms and rocket-propelled grenade fire": the force was the target.
            let tw0 = word_at(&s.words, best.trigger.start);
            let under_fire = (1..=5).any(|k| tw0 >= k && s.lower_word_is(tw0 - k, &["under", "received", "receiving"]));
            if under_fire && best.actor1.as_ref().is_some_and(|a| is_official(a.kind)) && best.actor2.is_none() {
                best.actor2 = best.actor1.take();
                best.actor1 = best.actor2.as_ref().and_then(|f| opposing(&s.context, f.kind)).cloned().or_else(|| self.unidentified(doc_country));
            }
        }
        // "The Syrian Arab Army (SAA), backed by the Desert Hawks Brigade, launched an assault": the acronym
        // and the ally are actor1's side, not its opponent.
        if best.actor1.as_ref().zip(best.actor2.as_ref()).is_some_and(|(a1, a2)| same_side_named_again(s, a1, a2)) {
            best.actor2 = None;
        }
        // Two units of one state force "clashing" is a misread role (the victims and the force that found them).
        if best.sub == SubEventType::ArmedClash
            && best.actor1.as_ref().zip(best.actor2.as_ref()).is_some_and(|(a, b)| {
                a.kind == ActorKind::StateForces && b.kind == ActorKind::StateForces && a.country == b.country
            })
        {
            return None;
        }
        // The weapon is not the victim ("helicopter gunships" named as the means).
        if let (Some(a2), Some(instr)) = (best.actor2.as_ref().and_then(|a| a.span), s.lex.iter().find(|m| matches!(m.entry, Entry::Instrument(_)))) {
            if a2.overlaps(instr.span) {
                best.actor2 = None;
            }
        }
        if let (Some(a1), Some(a2)) = (&best.actor1, &best.actor2) {
            if a1.name == a2.name || a1.span.is_some() && a1.span == a2.span {
                best.actor2 = None;
            }
        }
        // "Stone-throwing protesters clashed with police": a crowd fighting the security forces is a
        // violent demonstration (ACLED), not a battle between armed groups.
        if best.sub.event_type() == EventType::Battles {
            let crowd = s.crowd();
            if let Some(crowd) = crowd {
                let force = [best.actor1.take(), best.actor2.take()].into_iter().flatten().find(|a| is_armed(a.kind));
                best.sub = SubEventType::ViolentDemonstration;
                best.actor1 = Some(crowd.actor.clone());
                best.actor2 = force;
                best.civilian_targeting = false;
            }
        }
        // ACLED: an abduction that ends in a killing is an attack.
        if best.sub == SubEventType::AbductionForcedDisappearance && fatal_kill {
            best.sub = SubEventType::Attack;
        }
        subtypes::refine(self, s, best, &triggers, &blocked, doc_country)
    }

    fn resolve_trigger(
        &self,
        s: &Sentence,
        span: Span,
        trig: &lexicon::Trigger,
        doc_country: Option<&str>,
        protest_context: bool,
    ) -> Option<Candidate> {
        let battle_like = matches!(trig.sub, TriggerSub::Fixed(sub) if sub.event_type() == EventType::Battles)
            || matches!(trig.sub, TriggerSub::Territory | TriggerSub::Capture);
        // A plural noun ("IED attacks", "suicide bombers") with no toll and no date names a kind of act, not
        // one act: "responsible for IED attacks", "harbouring suicide bombers".
        let act_noun = matches!(trig.sub, TriggerSub::Kill)
            || matches!(trig.sub, TriggerSub::Fixed(sub) if matches!(sub.event_type(), EventType::ExplosionsRemoteViolence | EventType::ViolenceAgainstCivilians));
        // "Russian jets launched airstrikes on the towns of …" is one act after all.
        let launched = {
            let tw0 = word_at(&s.words, span.start);
            (1..=3).any(|k| tw0 >= k && s.lower_word_is(tw0 - k, &["launched"])) && doc_places_after(s, span)
        };
        // The phrase's head may follow the trigger: "rocket-propelled grenade attacks".
        let head_end = head_end(s, span);
        let head = &s.text[span.start..head_end];
        // "grenade attacks": a verb form right after a weapon word is the head noun of its phrase.
        // "for attacks against", "numerous attacks": after a preposition or a quantifier it is a noun too.
        let tw0 = word_at(&s.words, span.start);
        let noun_use = !trig.verb
            || s.lex.iter().any(|m| {
                matches!(m.entry, Entry::Instrument(_)) && m.span.end <= span.start && {
                    let gap = s.text[m.span.end..span.start].trim();
                    gap.is_empty() || gap.len() < 12 && gap.starts_with('(') && gap.ends_with(')')
                }
            })
            || tw0 > 0 && s.lower_word_is(tw0 - 1, &["for", "of", "in", "numerous", "several", "many", "multiple", "further", "future"]);
        // "Precision Air Strikes Kill Taliban Leader": the plural is the subject of one act's verb.
        let subject_of_act = {
            let next = word_at(&s.words, head_end);
            next < s.words.len() && ["kill", "kills", "killed", "hit", "hits", "wounded", "destroyed", "destroy", "destroys"].iter().any(|v| s.word(next).eq_ignore_ascii_case(v))
        };
        if act_noun && noun_use && !s.dated && plural(head) && !s.has_figures && !launched && !subject_of_act {
            return None;
        }
        let (a1, a2) = roles(s, span, battle_like);
        let instrument = s.lex.iter().find_map(|m| match m.entry {
            Entry::Instrument(sub) => Some(sub),
            _ => None,
        });
        // A group announcing its own merger or truce is both the source and the actor.
        let announced = matches!(trig.sub, TriggerSub::Fixed(sub) if matches!(sub,
            SubEventType::ChangeToGroupActivity | SubEventType::Agreement | SubEventType::HeadquartersOrBaseEstablished));
        let any_armed = s.mentions.iter().any(|m| m.armed() && (!m.speaker || announced));
        let a1 = a1.or_else(|| {
            announced.then(|| s.mentions.iter().find(|m| m.armed() && m.span.start < span.start).map(|m| m.actor.clone())).flatten()
        });
        match trig.needs {
            Needs::Nothing => {}
            Needs::Armed => {
                // A mob burning shops is a riot: crowds count as the actor of property destruction.
                let crowd = trig.sub == TriggerSub::Fixed(SubEventType::LootingPropertyDestruction)
                    && s.crowd().is_some();
                // "12 firearms were seized", "the immigration service intercepted 12 guns": weapons are
                // taken by the authorities, named or not.
                let weapons_taken = trig.sub == TriggerSub::Capture && seized_weapons(s, span);
                // "Al-Sabawi was captured in a raid": a person taken, by no one named, is arrested as "was
                // arrested" would be: in a political context.
                let person_taken = trig.sub == TriggerSub::Capture && person_captured(s, span) && self.political(s, protest_context);
                if !any_armed && !crowd && !weapons_taken && !person_taken {
                    return None;
                }
            }
            Needs::Instrument => {
                instrument?;
            }
            Needs::Agreed => {
                let agreed = s.words.iter().any(|w| AGREEING_VERBS.iter().any(|v| w.span.of(s.text).eq_ignore_ascii_case(v)));
                if !agreed {
                    return None;
                }
            }
            Needs::Political => {
                if !self.political(s, protest_context) {
                    return None;
                }
            }
        }
        let word = span.of(s.text);
        let unidentified = || self.unidentified(doc_country);
        let mut c = Candidate {
            sub: SubEventType::Other,
            priority: trig.priority,
            trigger: span,
            actor1: a1.clone(),
            actor2: a2.clone(),
            civilian_targeting: false,
        };
        let kind1 = a1.as_ref().map(|a| a.kind);
        let kind2 = a2.as_ref().map(|a| a.kind);
        let civilian_victims = kind2.is_some_and(|k| matches!(k, ActorKind::Civilians))
            || (kind2.is_none() && s.has_cue(CueKind::CivilianPlace));
        match trig.sub {
            TriggerSub::Fixed(sub) => {
                c.sub = sub;
                match sub.event_type() {
                    EventType::ExplosionsRemoteViolence => {
                        let hurt = s.words.iter().any(|w| category_of(w.span.of(s.text)).is_some_and(|c| c != Category::Detained));
                        if s.has_cue(CueKind::WeaponsFound) && !hurt {
                            c.sub = SubEventType::DisruptedWeaponsUse;
                            c.priority = 34;
                            if !kind1.is_some_and(is_armed) {
                                c.actor1 = self.generic_actor("security forces", doc_country);
                            }
                            return Some(c);
                        }
                        if c.actor1.as_ref().is_none_or(|a| !is_armed(a.kind)) {
                            c.actor2 = c.actor2.or(c.actor1.take());
                            c.actor1 = unidentified();
                        }
                        if c.actor2.as_ref().is_some_and(|a| a.kind == ActorKind::Civilians) {
                            c.civilian_targeting = true;
                        }
                    }
                    EventType::ViolenceAgainstCivilians => {
                        c.civilian_targeting = true;
                        if c.actor1.as_ref().is_none_or(|a| !is_armed(a.kind)) {
                            c.actor2 = c.actor2.or(c.actor1.take());
                            c.actor1 = unidentified();
                        }
                    }
                    EventType::Battles => {
                        if !kind1.is_some_and(is_armed) {
                            return None;
                        }
                        // "Returned fire", "exchanged fire": the other side shot too, so whoever was hit was no
                        // civilian bystander ("returned fire, killing both men") and the event stays a clash.
                        let shot_back = span.of(s.text).to_ascii_lowercase().ends_with("fire");
                        if shot_back && kind2 == Some(ActorKind::Civilians) {
                            c.actor2 = None;
                        } else if civilian_victims && !kind2.is_some_and(is_armed) && kind2.is_some() {
                            c.sub = SubEventType::Attack;
                            c.civilian_targeting = true;
                        }
                    }
                    EventType::StrategicDevelopments => {
                        if sub == SubEventType::Arrests {
                            if protest_context {
                                return Some(self.protest(s, span, trig.priority + 15, doc_country, true));
                            }
                            // Arrests are made by state forces: another actor named with the word is the one arrested.
                            match kind1 {
                                Some(ActorKind::StateForces | ActorKind::ExternalForces) => {}
                                _ => {
                                    c.actor2 = c.actor2.or(c.actor1.take());
                                    // "Four men were detained during the operation": the force of the
                                    // operation just named made the arrests.
                                    let force = s.context.iter().rev().find(|a| self.is_military(a)).cloned();
                                    c.actor1 = force.or_else(|| self.generic_actor("police", doc_country));
                                }
                            }
                        } else if sub == SubEventType::LootingPropertyDestruction {
                            // "The explosives and weapons were safely destroyed on site": seized arms disposed
                            // of, not property destroyed.
                            if seized_weapons(s, span) {
                                c.sub = SubEventType::DisruptedWeaponsUse;
                                c.priority = 34;
                                return Some(c);
                            }
                            let crowd = s.crowd();
                            if protest_context || (crowd.is_some() && !kind1.is_some_and(is_armed)) {
                                c.sub = if protest_context { SubEventType::ViolentDemonstration } else { SubEventType::MobViolence };
                                c.actor1 = crowd.map(|m| m.actor.clone()).or(c.actor1);
                                if c.actor2.as_ref().is_some_and(|a| c.actor1.as_ref().is_some_and(|b| b.name == a.name)) {
                                    c.actor2 = None;
                                }
                            }
                        }
                    }
                    EventType::Protests | EventType::Riots => {}
                }
            }
            TriggerSub::Kill => {
                // "Bertie Rice was shot in the chest": someone shot him.
                let tw0 = word_at(&s.words, span.start);
                let shot_passive = word.eq_ignore_ascii_case("shot")
                    && (shot_in_the_passive(s, tw0) || fatally_shot_someone(s, span))
                    && !s.lower_word_is(word_at(&s.words, span.end), &["down", "to", "at", "up"]);
                // "were killed in an attack in Diyarbakir", "killed during Friday's operations": the act
                // named after the verb had a perpetrator, though the sentence names none.
                let in_an_act = {
                    let after = word_at(&s.words, span.end);
                    (after..(after + 8).min(s.words.len())).any(|k| {
                        s.lower_word_is(k, &["in", "during"])
                            && (k + 1..(k + 5).min(s.words.len()))
                                .take_while(|&j| !s.words[j].punct || s.words[j].span.of(s.text) == "'")
                                .any(|j| s.lower_word_is(j, ACTS_WITH_A_PERPETRATOR))
                    })
                };
                // "The reform bill was killed in the senate": a thing killed is no one killed (the subject's
                // head right before "was", or before "was reportedly").
                let be = be_before(s, tw0, &["was", "were"]);
                if be.is_some_and(|b| b > 0 && s.lower_word_is(b - 1, THINGS_KILLED)) {
                    return None;
                }
                let violent = shot_passive || in_an_act || VIOLENT_WORDS.iter().any(|v| word.eq_ignore_ascii_case(v));
                let mut perpetrator = kind1.is_some_and(is_armed);
                let explosive = instrument.flatten();
                // Armed men killed and no killer named: the opposing force named just before killed them
                // ("Troops raided the compound. Five militants were killed.").
                // Only a plain killing verb: "attack", "wounded" or "dead" may name a harassment, a reference
                // back or a title, and "as a result of the attack" belongs to the event already reported.
                let fresh_kill = KILL_VERBS.iter().any(|v| word.eq_ignore_ascii_case(v)) && !refers_to_reported_event(s);
                if kind1.is_none() && explosive.is_none() && fresh_kill {
                    // The other side named later in the sentence ("…killed today in an operation by Afghan
                    // commandos and coalition forces"), else in the sentences before.
                    let named: Vec<Actor> = s.mentions.iter().rev().filter(|m| !m.speaker && m.span.start > span.end).map(|m| m.actor.clone()).collect();
                    let victims = c.actor2.as_ref().filter(|a| is_armed(a.kind)).map(|a| a.kind);
                    if let Some(other) = victims.and_then(|v| opposing(&named, v).or_else(|| opposing(&s.context, v))) {
                        c.actor1 = Some(other.clone());
                        perpetrator = true;
                    }
                }
                if !(perpetrator || violent || explosive.is_some() || instrument.is_some() && civilian_victims) {
                    return None;
                }
                if protest_context && (kind2 == Some(ActorKind::Protesters) || kind2.is_none()) && kind1 == Some(ActorKind::StateForces) {
                    return Some(self.excessive_force(s, span, trig.priority + 10, a1, doc_country));
                }
                // ACLED: a force firing on a crowd that was stoning or burning is coded as the riot, with the
                // force as the second actor ("killed when the police fired to disperse mobs pelting stones").
                if s.has_cue(CueKind::Violence)
                    && kind1.is_some_and(is_official)
                    && kind2.is_none_or(|k| matches!(k, ActorKind::Rioters | ActorKind::Protesters | ActorKind::Civilians))
                {
                    let crowd = s.crowd();
                    c.sub = SubEventType::ViolentDemonstration;
                    c.actor2 = c.actor1.take();
                    c.actor1 = crowd.map(|m| m.actor.clone()).or_else(|| self.generic_actor("rioters", doc_country));
                    c.civilian_targeting = false;
                    return Some(c);
                }
                // Only an armed actor is a perpetrator; a civilian named first is a victim.
                if !perpetrator {
                    if c.actor2.is_none() {
                        c.actor2 = c.actor1.take();
                    }
                    c.actor1 = unidentified();
                }
                let kind2 = c.actor2.as_ref().map(|a| a.kind);
                if let Some(sub) = explosive.filter(|_| !perpetrator || instrument_near(s, span)) {
                    c.sub = sub;
                    c.priority = trig.priority + 5;
                    c.civilian_targeting = kind2 == Some(ActorKind::Civilians);
                } else if kind2.is_some_and(is_armed) && perpetrator {
                    c.sub = SubEventType::ArmedClash;
                } else if kind2.is_some_and(is_armed) {
                    // Armed victims and no named perpetrator: an unidentified group fought them.
                    c.sub = SubEventType::ArmedClash;
                } else if let Some(enemy) = (kind2.is_none() && fresh_kill)
                    .then(|| c.actor1.as_ref().filter(|a| is_official(a.kind)))
                    .flatten()
                    .and_then(|a| opposing(&s.context, a.kind))
                    .filter(|_| !s.has_cue(CueKind::CivilianPlace))
                {
                    // A force "killing him" in a report about the insurgents it was after: the dead are that
                    // side's, not unnamed civilians.
                    c.actor2 = Some(enemy.clone());
                    c.sub = SubEventType::ArmedClash;
                } else {
                    c.sub = SubEventType::Attack;
                    c.civilian_targeting = true;
                }
            }
            TriggerSub::Territory => {
                c.sub = match kind1 {
                    Some(ActorKind::StateForces | ActorKind::ExternalForces) => SubEventType::GovernmentRegainsTerritory,
                    Some(k) if is_armed(k) => SubEventType::NonStateActorOvertakesTerritory,
                    _ => return None,
                };
            }
            TriggerSub::Capture => {
                let wi = word_at(&s.words, span.end);
                let after: Vec<&str> = (wi..(wi + 4).min(s.words.len())).map(|i| s.word(i)).collect();
                // "captured a bomb facilitator": a weapon word modifying a person is a person.
                let person_head = head_noun_is_person(s, wi);
                let weapons = seized_weapons(s, span);
                let place = after.iter().any(|w| {
                    [
                        "town", "city", "village", "villages", "district", "base", "area", "areas", "position", "positions",
                        "hill", "airport", "control", "headquarters", "outpost", "checkpoint", "territory", "capital",
                        "region", "province", "border", "crossing", "garrison", "stronghold", "neighborhood",
                        "neighbourhood", "neighborhoods", "suburb", "suburbs", "countryside", "towns", "island",
                        "roadblock", "roadblocks", "port", "hilltop", "strongholds", "bridge", "bridges", "peak", "peaks", "heights",
                        "hills", "posts", "outposts", "airbase", "barracks", "enclave", "enclaves", "cities", "districts",
                        "provinces", "regions", "mountain", "mountains", "valley", "bases", "checkpoints", "oilfield",
                        "oilfields", "depot",
                    ]
                    .iter()
                    .any(|x| w.eq_ignore_ascii_case(x))
                }) || doc_places_after(s, span);
                let people = s.mentions.iter().any(|m| m.span.start >= span.end && m.span.start <= span.end + 40 && !m.speaker)
                    || after.iter().any(|w| PERSON_NOUNS.iter().any(|p| w.eq_ignore_ascii_case(p)))
                    || person_head;
                // "Several insurgents were captured during the operation": a passive capture with no agent whose
                // subject is a non-state armed group is an arrest by the unnamed forces of the operation.
                let tw0 = word_at(&s.words, span.start);
                // "Taliban Commander Captured in Kandahar": a headline drops the auxiliary.
                let next = word_at(&s.words, span.end);
                // ("Rebels Captured Kidal" is active: a passive headline goes on with a preposition.)
                let headline = tw0 > 0
                    && span.of(s.text).starts_with(char::is_uppercase)
                    && (next >= s.words.len() || s.lower_word_is(next, &["in", "by", "near", "at", "during", "after", "on", "from", "outside"]))
                    && !s.all_caps
                    && (PERSON_NOUNS.iter().any(|p| s.word(tw0 - 1).eq_ignore_ascii_case(p))
                        || s.mentions.iter().any(|m| word_at(&s.words, m.span.end.saturating_sub(1)) + 1 == tw0));
                let passive = follows_be(s, tw0, 1) || headline;
                let armed_subject = s.mentions.iter().any(|m| {
                    m.span.end <= span.start && !m.speaker && m.armed() && !is_official(m.actor.kind)
                });
                // "Captured on camera" is filmed, not seized.
                if capture_not_seizing(s, span) {
                    return None;
                }
                // "Capturing this commander degrades the Taliban's capabilities": a gerund opening the sentence
                // names the act as a topic; "…advanced, capturing the airbase" tells it.
                if word.to_ascii_lowercase().ends_with("ing") && !s.words[..tw0].iter().any(|w| !w.punct) {
                    return None;
                }
                if weapons {
                    c.sub = SubEventType::DisruptedWeaponsUse;
                    if !kind1.is_some_and(is_armed) {
                        c.actor2 = c.actor2.or(c.actor1.take());
                        c.actor1 = self.generic_actor("security forces", doc_country);
                    }
                } else if headline && armed_subject && !kind1.is_some_and(is_official) {
                    // The headline's subject was captured; "by Afghan-led Force" names who did it.
                    c.sub = SubEventType::Arrests;
                    c.actor2 = c.actor1.take();
                    c.actor1 = s
                        .mentions
                        .iter()
                        .find(|m| m.span.start > span.end && !m.speaker && is_official(m.actor.kind))
                        .map(|m| m.actor.clone());
                    c.priority = 40;
                } else if passive && kind1.is_none() && armed_subject {
                    c.sub = SubEventType::Arrests;
                    if c.actor2.is_none() {
                        c.actor2 = s.mentions.iter().rev().find(|m| m.span.end <= span.start && !m.speaker && m.armed()).map(|m| m.actor.clone());
                    }
                    c.priority = 40;
                } else if passive && kind1.is_none() && person_captured(s, span) && self.political(s, protest_context) {
                    // "Hambali was captured in Thailand": held by the forces of the operation named before,
                    // else by the police, as an agentless "was arrested" is.
                    c.sub = SubEventType::Arrests;
                    c.actor2 = c.actor2.or(c.actor1.take());
                    c.actor1 = s.context.iter().rev().find(|a| self.is_military(a)).cloned().or_else(|| self.generic_actor("police", doc_country));
                    c.priority = 40;
                } else if people {
                    c.sub = match kind1 {
                        Some(ActorKind::StateForces | ActorKind::ExternalForces) => SubEventType::Arrests,
                        Some(k) if is_armed(k) => {
                            c.civilian_targeting = true;
                            SubEventType::AbductionForcedDisappearance
                        }
                        _ => return None,
                    };
                    c.priority = 40;
                } else if place {
                    c.sub = match kind1 {
                        Some(ActorKind::StateForces | ActorKind::ExternalForces) => SubEventType::GovernmentRegainsTerritory,
                        Some(k) if is_armed(k) => SubEventType::NonStateActorOvertakesTerritory,
                        _ => return None,
                    };
                } else {
                    return None;
                }
            }
            TriggerSub::Protest => return Some(self.protest(s, span, trig.priority, doc_country, false)),
            TriggerSub::Riot => {
                let crowd = s.crowd();
                c.actor1 = crowd.map(|m| m.actor.clone()).or_else(|| self.generic_actor("rioters", doc_country));
                c.actor2 = s.mentions.iter().find(|m| !m.speaker && (m.armed() || m.actor.kind == ActorKind::Civilians)).map(|m| m.actor.clone());
                // Rioters fighting the police or the army: a violent demonstration; a mob turning on
                // people is mob violence.
                let against_force = c.actor2.as_ref().is_some_and(|a| is_official(a.kind));
                c.sub = if protest_context || s.has_cue(CueKind::Violence) || against_force {
                    SubEventType::ViolentDemonstration
                } else {
                    SubEventType::MobViolence
                };
            }
        }
        Some(c)
    }

    /// A protest, turned into intervention, excessive force or a riot by the cues in the sentence.
    fn protest(&self, s: &Sentence, span: Span, priority: u8, doc_country: Option<&str>, arrested: bool) -> Candidate {
        let protesters = s.crowd().map(|m| m.actor.clone());
        let force = s.mentions.iter().find(|m| !m.speaker && is_armed(m.actor.kind)).map(|m| m.actor.clone());
        let mut c = Candidate {
            sub: SubEventType::PeacefulProtest,
            priority,
            trigger: span,
            actor1: protesters.or_else(|| self.generic_actor("protesters", doc_country)),
            actor2: None,
            civilian_targeting: false,
        };
        let excessive = s.has_cue(CueKind::ExcessiveForce) && force.is_some();
        if s.has_cue(CueKind::Violence) && !excessive {
            c.sub = SubEventType::ViolentDemonstration;
            c.actor2 = force;
        } else if excessive {
            c.sub = SubEventType::ExcessiveForceAgainstProtesters;
            c.actor1 = force;
            c.actor2 = c.actor1.clone().and(
                s.mentions.iter().find(|m| !m.speaker && m.actor.kind == ActorKind::Protesters).map(|m| m.actor.clone()),
            );
            if c.actor2.is_none() {
                c.actor2 = self.generic_actor("protesters", doc_country);
            }
            c.civilian_targeting = true;
        } else if arrested || s.has_cue(CueKind::Intervention) {
            c.sub = SubEventType::ProtestWithIntervention;
            c.actor2 = force.or_else(|| self.generic_actor("police", doc_country));
        }
        c
    }

    fn excessive_force(&self, s: &Sentence, span: Span, priority: u8, force: Option<Actor>, doc_country: Option<&str>) -> Candidate {
        let mut c = self.protest(s, span, priority, doc_country, false);
        c.sub = SubEventType::ExcessiveForceAgainstProtesters;
        c.actor2 = c.actor1.take().filter(|a| a.kind == ActorKind::Protesters).or_else(|| self.generic_actor("protesters", doc_country));
        c.actor1 = force;
        c.civilian_targeting = true;
        c
    }

    /// A generic actor of the document's country with no words in the text (ACLED still names one).
    fn generic_actor(&self, phrase: &str, doc_country: Option<&str>) -> Option<Actor> {
        let i = self.actors.generics().iter().position(|g| g.phrase == phrase)?;
        let m = Match { span: Span::new(0, 0), hit: Hit::Generic(i) };
        let mut a = self.actors.resolve(m, "", doc_country, doc_country)?;
        a.span = None;
        Some(a)
    }

    fn unidentified(&self, doc_country: Option<&str>) -> Option<Actor> {
        self.generic_actor("unidentified gunmen", doc_country)
    }
}

/// Content sentences: the text stage's when it ran, else a plain split on sentence-final punctuation and blank
/// lines (so the stage works on bare text in tests and tools), never overlapping removed ranges.
fn content_sentences(doc: &Document) -> Vec<Span> {
    if !doc.sentences.is_empty() {
        // Lower-cased copy (some archives) defeats a splitter that wants a capital after the period: a very long
        // "sentence" is split again at every sentence-final mark.
        let mut out = Vec::new();
        for (_, s) in doc.content_sentences() {
            if s.len() > 300 {
                out.extend(split_sentences(&doc.text[s.start..s.end], true).into_iter().map(|x| x.shifted(s.start)));
            } else {
                out.push(s);
            }
        }
        return out;
    }
    let lower_cased = !doc.text.chars().take(2000).any(char::is_uppercase);
    split_sentences(&doc.text, lower_cased).into_iter().filter(|s| !doc.is_removed(*s)).collect()
}

/// Splits at sentence-final punctuation followed by a space and a capital (or any letter when `lenient`), and
/// at blank lines.
fn split_sentences(text: &str, lenient: bool) -> Vec<Span> {
    const ABBREVIATIONS: &[&str] =
        &["mr", "mrs", "ms", "dr", "gen", "col", "lt", "sgt", "capt", "maj", "st", "no", "rev", "sen"];
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let end_here = match b {
            b'.' | b'!' | b'?' => {
                let next = text[i + 1..].chars().next();
                let after_space = text[i + 1..].trim_start().chars().next();
                let word_before = text[start..i].rsplit(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
                next.is_none_or(char::is_whitespace)
                    && after_space.is_none_or(|c| c.is_uppercase() || c.is_ascii_digit() || "\"'“‘(`".contains(c) || (lenient && c.is_alphabetic()))
                    && !ABBREVIATIONS.iter().any(|a| word_before.eq_ignore_ascii_case(a))
                    && !(word_before.len() == 1 && word_before.chars().all(char::is_uppercase))
            }
            b'\n' => text[i + 1..].starts_with('\n') || text[i + 1..].starts_with("\r\n"),
            _ => false,
        };
        if end_here {
            push_trimmed(text, start, i + 1, &mut out);
            start = i + 1;
        }
        i += 1;
    }
    push_trimmed(text, start, text.len(), &mut out);
    out
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    let s = &text[start..end];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail < s.len() {
        out.push(Span::new(start + lead, end - trail));
    }
}

/// The document's year: publication date, dateline date, else none.
fn document_year(doc: &Document) -> Option<i16> {
    doc.published.or_else(|| doc.dateline.as_ref().and_then(|d| d.date)).map(|d| d.year())
}

/// Marks actor phrases that are the source of a statement: "police said", "according to the army".
fn mark_speakers(s: &mut Sentence) {
    let speech: Vec<Span> = s
        .lex
        .iter()
        .filter(|m| matches!(m.entry, Entry::Cue(c) if c.kind == CueKind::Speech))
        .map(|m| m.span)
        .collect();
    let mut flags = Vec::with_capacity(s.mentions.len());
    for m in &s.mentions {
        let wi_end = word_at(&s.words, m.span.end);
        // "Authorities said", and "Authorities in Chiapas said": a short place or body phrase may stand
        // between the speaker and the speech word.
        let qualified = wi_end < s.words.len() && s.lower_word_is(wi_end, &["in", "from", "of", "at", "for"]);
        let after_speech = speech.iter().any(|sp| {
            let wi = word_at(&s.words, sp.start);
            let reach = if qualified { wi_end + 5 } else { wi_end + 1 };
            wi >= wi_end && wi <= reach && !s.words[wi_end..wi].iter().any(|w| w.punct)
        });
        let wi_start = word_at(&s.words, m.span.start);
        let according = wi_start >= 2
            && s.word(wi_start - 2).eq_ignore_ascii_case("according")
            && s.word(wi_start - 1).eq_ignore_ascii_case("to")
            || wi_start >= 3
                && s.word(wi_start - 3).eq_ignore_ascii_case("according")
                && s.word(wi_start - 2).eq_ignore_ascii_case("to");
        flags.push(after_speech || according);
    }
    for (m, f) in s.mentions.iter_mut().zip(flags) {
        m.speaker = f;
    }
    let words = &s.words;
    s.persons.retain(|p| {
        let wi_end = word_at(words, p.end);
        !speech.iter().any(|sp| {
            let wi = word_at(words, sp.start);
            wi >= wi_end && wi <= wi_end + 1
        })
    });
}

/// What a sentence-level cue leaves of a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Blocked {
    No,
    /// A protest about a crime, an accident or a disaster: its protest triggers only.
    AllButProtest,
    Yes,
}

/// Sentence-level reasons to code nothing (or only the protest) from a sentence.
fn sentence_blocked(s: &Sentence, doc_year: Option<i16>, lexicon: &Lexicon) -> Blocked {
    if s.span.of(s.text).trim_end_matches(['"', '\'', '”', '’', ')']).ends_with('?') {
        return Blocked::Yes;
    }
    let blocking: Vec<CueKind> =
        s.lex.iter().filter_map(|m| if let Entry::Cue(c) = m.entry { c.kind.blocks_sentence().then_some(c.kind) } else { None }).collect();
    let protest = s.lex.iter().any(|m| matches!(m.entry, Entry::Trigger(t) if lexicon.triggers[t].sub == TriggerSub::Protest));
    let about = |k: &CueKind| matches!(k, CueKind::Crime | CueKind::Accident | CueKind::Disaster);
    let verdict = match (blocking.is_empty(), protest && blocking.iter().all(about)) {
        (true, _) => Blocked::No,
        (false, true) => Blocked::AllButProtest,
        (false, false) => return Blocked::Yes,
    };
    if background_in_time(s, doc_year) {
        return Blocked::Yes;
    }
    verdict
}

/// A vague past or a year before the document's: the sentence recalls the past.
fn background_in_time(s: &Sentence, doc_year: Option<i16>) -> bool {
    // "withdrawn from the area weeks ago": a past too vague to date is background, not an event to code
    // ("two weeks ago" is dated, to the week, and stays).
    let vague_past = s.words.windows(3).any(|w| {
        let unit = w[1].span.of(s.text).to_ascii_lowercase();
        w[2].span.of(s.text).eq_ignore_ascii_case("ago")
            && ["weeks", "months", "years", "decades"].contains(&unit.as_str())
            && !w[0].span.of(s.text).chars().all(|c| c.is_ascii_digit())
            && !["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
                .iter()
                .any(|n| w[0].span.of(s.text).eq_ignore_ascii_case(n))
    });
    if vague_past {
        return true;
    }
    // A year before the document's is background ("the 2003 invasion"); with no document year any year
    // is, unless it is part of a full date ("on Monday, April 11, 2016"), which dates the event itself.
    s.words.iter().enumerate().any(|(i, w)| {
        let t = w.span.of(s.text);
        let Some(year) = (t.len() == 4).then(|| t.parse::<i16>().ok()).flatten().filter(|y| (1900..2100).contains(y)) else {
            return false;
        };
        // "1,200" never reaches here; "2,000 people" has a comma. A number followed by a person noun is a count.
        let count = s.words.get(i + 1).is_some_and(|n| PERSON_NOUNS.iter().any(|p| n.span.of(s.text).eq_ignore_ascii_case(p)));
        let own_day = doc_year.is_none() && s.day_dates.iter().any(|d| d.contains(w.span));
        !count && !own_day && !first_time_since(s, i) && doc_year.is_none_or(|dy| year < dy)
    })
}

/// Triggers in the sentence, the longest where they overlap, as (span, trigger index).
fn longest_triggers(lex: &[LexMatch]) -> Vec<(Span, usize)> {
    let mut all: Vec<(Span, usize)> =
        lex.iter().filter_map(|m| if let Entry::Trigger(t) = m.entry { Some((m.span, t)) } else { None }).collect();
    all.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.start.cmp(&b.0.start)));
    let mut kept: Vec<(Span, usize)> = Vec::new();
    for t in all {
        if !kept.iter().any(|k| k.0.overlaps(t.0)) {
            kept.push(t);
        }
    }
    kept.sort_by_key(|t| t.0.start);
    kept
}

/// "for the first time since 2012", the year at word `year`: the event is measured against the past, neither
/// recalling it nor totalling over it.
fn first_time_since(s: &Sentence, year: usize) -> bool {
    year >= 3 && s.lower_word_is(year - 3, &["first"]) && s.lower_word_is(year - 2, &["time"]) && s.lower_word_is(year - 1, &["since"])
}

/// Whether most of the sentence's words are capitalised, as in a headline.
fn headline_case(s: &Sentence) -> bool {
    let words: Vec<&str> = s.words.iter().filter(|w| !w.punct).map(|w| w.span.of(s.text)).filter(|w| w.len() > 3).collect();
    !words.is_empty() && words.iter().filter(|w| w.starts_with(char::is_uppercase)).count() * 10 >= words.len() * 7
}

/// Verbs of a protest's purpose: people who "demonstrated to demand" protested; people who "demonstrated to
/// the delegates how" showed something.
const PROTEST_PURPOSES: &[&str] = &[
    "demand", "protest", "denounce", "condemn", "call", "press", "urge", "mark", "oppose", "support", "express", "voice",
    "reject", "commemorate", "mourn", "show", "seek",
];

/// Whether a cue in scope says the trigger did not (or not yet) happen.
fn trigger_blocked(s: &Sentence, span: Span, verb: bool) -> bool {
    let tw0 = word_at(&s.words, span.start);
    let tw1 = word_at(&s.words, span.end.saturating_sub(1));
    // "to attack", "to retake": an intention.
    if verb && tw0 > 0 && s.lower_word_is(tw0 - 1, &["to"]) && !(tw0 > 1 && s.lower_word_is(tw0 - 2, &["led", "due", "according", "lead", "leading", "managed", "manages"])) {
        return true;
    }
    // "The assault force", "an attack helicopter", "assault rifles": the noun names a unit or a weapon.
    if !verb && s.lower_word_is(tw1 + 1, &["force", "forces", "team", "teams", "unit", "units", "rifle", "rifles", "helicopter", "helicopters", "aircraft", "craft", "boat", "boats", "squad", "dog", "dogs"]) {
        return true;
    }
    // "The detained man", "the wounded soldiers": a participle naming people already spoken of.
    if verb && tw0 > 0 && s.lower_word_is(tw0 - 1, &["the", "this", "these", "those"]) && span.of(s.text).ends_with("ed") {
        return true;
    }
    // "Forces Detain Insurgents": a bare verb form tells an event only in a headline; in running text
    // it is an infinitive or an order ("should … restrain them and detain them").
    if verb && s.lower_word_is(tw0, &["detain", "nab"]) && !headline_case(s) {
        return true;
    }
    // "demonstrated the need", "demonstrated that": showing something, not a street protest.
    // "demonstrated to demand his release" is a protest with its purpose.
    let purpose = s.lower_word_is(tw1 + 1, &["to"]) && s.lower_word_is(tw1 + 2, PROTEST_PURPOSES);
    if verb
        && !purpose
        && s.lower_word_is(tw0, &["demonstrated", "demonstrating"])
        && s.lower_word_is(tw1 + 1, &["the", "a", "an", "that", "how", "its", "their", "his", "her", "our", "this", "what", "to", "some", "great", "strong"])
    {
        return true;
    }
    // "No women or children were injured during the operation": a sentence that opens by saying no one.
    if tw0 <= 8 && s.lower_word_is(0, &["no", "none", "nobody", "neither"]) && !s.words[..tw0].iter().any(|w| w.punct) {
        return true;
    }
    // "didn't", "wasn't"
    for k in tw0.saturating_sub(4)..tw0 {
        let w = s.word(k);
        if w.ends_with("n't") || w.ends_with("n’t") {
            return true;
        }
    }
    let all_caps = s.all_caps;
    s.lex.iter().any(|m| {
        let Entry::Cue(c) = m.entry else { return false };
        if !c.kind.blocks_trigger() {
            return false;
        }
        // In capitals, "MAY" is as often the month as the modal; "On May 10," and "in May" are the month.
        if m.span.of(s.text).eq_ignore_ascii_case("may") {
            let w = word_at(&s.words, m.span.start);
            let day_after = s.words.get(w + 1).is_some_and(|n| n.span.of(s.text).starts_with(|c: char| c.is_ascii_digit()));
            let month_before = w > 0 && s.lower_word_is(w - 1, &["in", "on", "of", "since", "until", "by", "last", "early", "late", "mid", "next", "this", "during"]);
            if all_caps || m.span.of(s.text).starts_with('M') && (day_after || month_before) {
                return false;
            }
        }
        match c.scope {
            Scope::Before(n) => {
                if m.span.end > span.start {
                    return false;
                }
                let cw1 = word_at(&s.words, m.span.end.saturating_sub(1));
                let between = &s.words[cw1 + 1..tw0];
                if c.kind == CueKind::Habitual && verb && main_verb_after_record(s, between, tw0) {
                    return false;
                }
                // A new clause ends the cue's reach: "denied withdrawing, after rebels said they had taken it".
                let new_clause = between.windows(2).any(|p| {
                    p[0].punct && p[0].span.of(s.text) == ","
                        && ["after", "but", "while", "whereas", "although", "though", "when"].iter().any(|c| p[1].span.of(s.text).eq_ignore_ascii_case(c))
                });
                between.len() < n && !new_clause && !between.iter().any(|w| w.punct && matches!(w.span.of(s.text), ";" | ":"))
            }
            Scope::After(n) => {
                if verb || m.span.start < span.end {
                    return false;
                }
                let cw0 = word_at(&s.words, m.span.start);
                let between = &s.words[tw1 + 1..cw0];
                between.len() < n && !between.iter().any(|w| w.punct)
            }
            Scope::Sentence => true,
        }
    })
}

/// "Gunmen who took part in last year's raids killed three farmers": a past-tense verb right after the record's
/// object noun (or after the comma closing the relative clause) is the sentence's own verb, not part of the record.
/// Words that keep the verb inside the record: "that/which killed", "having killed", "of … and killed".
fn main_verb_after_record(s: &Sentence, between: &[Word], tw0: usize) -> bool {
    if between.is_empty() || tw0 == 0 || !s.word(tw0).to_ascii_lowercase().ends_with("ed") {
        return false;
    }
    let prev = s.word(tw0 - 1);
    // ", killed by roadside bombs planted by his cell": a participle with its agent after a comma
    // describes the record's victims; it is not the sentence's own verb.
    if prev == "," {
        return !s.lower_word_is(tw0 + 1, &["by"]);
    }
    !between[between.len() - 1].punct
        && !s.lower_word_is(
            tw0 - 1,
            &["that", "which", "who", "having", "have", "has", "had", "of", "in", "for", "with", "and", "or", "been", "being", "was", "were", "is", "are", "to", "by", "also", "allegedly", "reportedly", "previously", "personally"],
        )
}

/// "Captured an Islamic Movement of Uzbekistan facilitator": the object's head noun can sit past a long group
/// name. Reads up to 8 words from `from`, stopping at punctuation or a preposition that ends the noun phrase.
fn head_noun_is_person(s: &Sentence, from: usize) -> bool {
    (from..(from + 8).min(s.words.len()))
        .take_while(|&i| !s.words[i].punct && !s.lower_word_is(i, &["in", "near", "during", "at", "on", "from", "after", "and", "who", "which", "that", "with", "to", "into"]))
        .any(|i| PERSON_NOUNS.iter().any(|p| s.word(i).eq_ignore_ascii_case(p)))
}

fn plural(phrase: &str) -> bool {
    let last = phrase.rsplit(' ').next().unwrap_or(phrase);
    let lower = last.to_ascii_lowercase();
    lower.len() > 3 && lower.ends_with('s') && !lower.ends_with("ss") && !lower.ends_with("ous")
}

/// Whether a capitalised name (a place, in a sentence about seizing) follows the trigger within three words.
fn doc_places_after(s: &Sentence, span: Span) -> bool {
    let wi = word_at(&s.words, span.end);
    !s.all_caps
        && (wi..(wi + 3).min(s.words.len())).any(|j| {
            let w = s.word(j);
            w.chars().next().is_some_and(char::is_uppercase) && !s.mentions.iter().any(|m| m.span.contains(s.words[j].span))
        })
}

/// Whether an instrument is mentioned close to the trigger (the weapon of this act, not another).
fn instrument_near(s: &Sentence, span: Span) -> bool {
    s.lex.iter().any(|m| matches!(m.entry, Entry::Instrument(Some(_))) && m.span.start.abs_diff(span.start) < 60)
}

/// actor1 (who acted) and actor2 (who was acted on) around a trigger.
fn roles(s: &Sentence, span: Span, promote_after: bool) -> (Option<Actor>, Option<Actor>) {
    let parts: Vec<&Mention> = s.mentions.iter().filter(|m| !m.speaker).collect();
    let tw0 = word_at(&s.words, span.start);
    // "were killed", "were reportedly killed", "was abducted"
    let passive = (1..=2).any(|k| {
        tw0 >= k && s.lower_word_is(tw0 - k, &["was", "were", "been", "being", "is", "are", "be", "got"])
    });
    let before: Vec<&Mention> = parts.iter().copied().filter(|m| m.span.start < span.start).collect();
    let after: Vec<&Mention> = parts.iter().copied().filter(|m| m.span.start >= span.start).collect();
    // "by gunmen" after the trigger is the agent.
    let agent = after.iter().copied().find(|m| {
        let wi = word_at(&s.words, m.span.start);
        (1..=3).any(|k| wi >= k && s.lower_word_is(wi - k, &["by"])) && wi <= word_at(&s.words, span.end) + 6
    });
    // "was killed yesterday at a filling station in the village by unknown gunmen": in a passive, an armed
    // agent after "by" further on in the same clause.
    let agent = agent.or_else(|| {
        let tw1 = word_at(&s.words, span.end);
        after.iter().copied().filter(|_| passive).find(|m| {
            let wi = word_at(&s.words, m.span.start);
            m.armed()
                && wi >= tw1
                && wi <= tw1 + 14
                && (1..=3).any(|k| wi >= k && s.lower_word_is(wi - k, &["by"]))
                && !s.words[tw1..wi].iter().any(|w| w.punct && w.span.of(s.text) != "-")
        })
    });
    // "was killed in police firing", "died when the police opened fire": the force whose firing it
    // was is the agent.
    let agent = agent.or_else(|| {
        let tw1 = word_at(&s.words, span.end);
        after.iter().copied().find(|m| {
            let wi = word_at(&s.words, m.span.start);
            let we = word_at(&s.words, m.span.end.saturating_sub(1));
            let fire_after = s.lower_word_is(we + 1, &["firing", "fire", "shooting", "fired", "opened", "shot", "action", "crackdown"]);
            let clause = (1..=2).any(|k| wi >= k + tw1 && s.lower_word_is(wi - k, &["when", "as"]) && (k == 1 || s.lower_word_is(wi - 1, &["the"])));
            // "in police firing", "during the police action": the force follows the trigger, after only those words.
            let lead = wi.saturating_sub(tw1);
            let preposition = (lead == 1 || lead == 2) && s.lower_word_is(tw1, &["in", "during"]) && (lead == 1 || s.lower_word_is(tw1 + 1, &["the"]));
            let introduced = clause || preposition;
            is_official(m.actor.kind) && introduced && fire_after
        })
    });
    // "clashes between troops and rebels"
    let between = s.lower_word_is(word_at(&s.words, span.end), &["between"]) && after.len() >= 2;
    if between {
        return (Some(after[0].actor.clone()), Some(after[1].actor.clone()));
    }
    if passive {
        // "The leader, who ordered attacks on Afghan forces, was detained": the subject is outside the
        // relative clause set off by commas.
        let victim = before.iter().rev().find(|m| !in_relative_clause(s, m.span, span)).map(|m| m.actor.clone());
        let a1 = agent.map(|m| m.actor.clone());
        return (a1, victim.or_else(|| after.iter().find(|m| Some(m.span) != agent.map(|a| a.span)).map(|m| m.actor.clone())));
    }
    let a1 = agent.or_else(|| before.iter().copied().find(|m| m.armed())).or_else(|| before.first().copied());
    let a1_span = a1.map(|m| m.span);
    let a2 = after
        .iter()
        .copied()
        .find(|m| Some(m.span) != a1_span)
        .or_else(|| before.iter().copied().rev().find(|m| Some(m.span) != a1_span));
    // A noun trigger with nobody before it: "an attack by gunmen on villagers" handled by `agent`; "clashes
    // with rebels" leaves actor1 to the first armed phrase after it.
    match (a1, a2) {
        (None, Some(m)) if m.armed() && promote_after => {
            let rest = after.iter().copied().find(|x| x.span != m.span).map(|x| x.actor.clone());
            (Some(m.actor.clone()), rest)
        }
        (a1, a2) => (a1.map(|m| m.actor.clone()), a2.map(|m| m.actor.clone())),
    }
}

/// Whether `inner` sits in a relative clause (", who …," or ", which …,") closed before `trigger`.
fn in_relative_clause(s: &Sentence, inner: Span, trigger: Span) -> bool {
    let iw = word_at(&s.words, inner.start);
    let tw = word_at(&s.words, trigger.start);
    let opened = (1..=iw).rev().take(20).find(|&k| s.words[k - 1].span.of(s.text) == ",").is_some_and(|k| s.lower_word_is(k, &["who", "which", "whose"]));
    let closed = (iw..tw).any(|k| s.words[k].span.of(s.text) == ",");
    opened && closed
}

/// Fatalities, injured and detained counts stated in the sentence.
fn counts(s: &Sentence) -> [Option<Count>; 3] {
    let mut out: [Option<Count>; 3] = [None, None, None];
    let n = s.words.len();
    let mut i = 0;
    while i < n {
        if s.words[i].punct {
            i += 1;
            continue;
        }
        let phrase = number_at(s.text, &s.words, i).or_else(|| {
            // "a soldier", "an officer": one
            let w = s.word(i);
            (w.eq_ignore_ascii_case("a") || w.eq_ignore_ascii_case("an") || w.eq_ignore_ascii_case("one"))
                .then(|| {
                    // The person noun right after (or after one adjective), and ending the noun phrase:
                    // "a soldier was", not "a police vehicle".
                    (i + 1..(i + 4).min(n)).find(|&j| {
                        PERSON_NOUNS.iter().any(|p| s.word(j).eq_ignore_ascii_case(p))
                            && (j + 1 >= n
                                || s.words[j + 1].punct
                                || s.lower_word_is(j + 1, &["and", "was", "were", "in", "on", "at", "who", "from", "near", "during", "as", "while", "when", "had", "has", "along", "after", "before", "with"]))
                    })
                })
                .flatten()
                .map(|j| words::NumberPhrase { span: s.words[i].span, next: j, low: 1, high: None })
        });
        let Some(p) = phrase else {
            i += 1;
            continue;
        };
        let next_words = p.next..(p.next + 3).min(n);
        // The person noun (or actor phrase) the number counts, within three words and no punctuation.
        let reach = next_words.clone().take_while(|&j| !s.words[j].punct).count();
        let person = (p.next..p.next + reach).any(|j| PERSON_NOUNS.iter().any(|x| s.word(j).eq_ignore_ascii_case(x)))
            || s.mentions.iter().any(|m| {
                let wi = word_at(&s.words, m.span.start);
                wi >= p.next && wi < p.next + reach
            });
        let next_is_category = p.next < n && category_of(s.word(p.next)).is_some();
        let prev_is_category = i > 0 && category_of(s.word(i - 1)).is_some();
        let prev_ok = prev_is_category
            && (p.next >= n
                || s.words[p.next].punct
                || s.lower_word_is(p.next, &["and", "in", "on", "at", "when", "during", "while", "others"]));
        if !(person || next_is_category || prev_ok) {
            i = p.next.max(i + 1);
            continue;
        }
        // The nearest casualty word: after the phrase within 6 words, or before it within 4 (preferred on ties).
        let fwd = (p.next..(p.next + 6).min(n)).find_map(|j| category_of(s.word(j)).map(|c| (j, c)));
        let back = (i.saturating_sub(4)..i).rev().find_map(|j| category_of(s.word(j)).map(|c| (i - 1 - j, c)));
        // The phrase is the subject of the casualty word after it ("seven others were wounded") when nothing but
        // its noun and auxiliaries stand between; otherwise the casualty word before it governs ("killing two").
        let tight = fwd.is_some_and(|(j, _)| {
            (p.next..j).all(|k| !s.words[k].punct && !s.lower_word_is(k, &["and", "or", "but", "while", "after", "before"]))
        });
        let cat = match (fwd, back) {
            (Some((_, cf)), _) if tight => Some(cf),
            (_, Some((_, cb))) => Some(cb),
            _ => None,
        };
        if let Some(cat) = cat {
            let slot = &mut out[cat as usize];
            match slot {
                None => {
                    *slot = Some(Count { low: Some(p.low), best: Some(p.low), high: p.high, span: Some(p.span) });
                }
                Some(c) => {
                    // Another group of victims in the same sentence ("two soldiers and three civilians") adds up.
                    c.low = c.low.map(|l| l + p.low);
                    c.best = c.low;
                    c.high = c.high.or(Some(p.low)).map(|h| h + p.high.unwrap_or(p.low)).filter(|_| p.high.is_some() || c.high.is_some());
                }
            }
        }
        i = p.next.max(i + 1);
    }
    out
}

/// The physical target: the place or facility word nearest after the trigger, with the word before it when it
/// is part of the name ("police checkpoint").
fn target_span(s: &Sentence, trigger: Span) -> Option<Span> {
    let targets = s
        .lex
        .iter()
        .filter(|m| matches!(m.entry, Entry::Cue(c) if matches!(c.kind, CueKind::Facility | CueKind::CivilianPlace)));
    let m = targets.clone().find(|m| m.span.start >= trigger.end).or_else(|| targets.clone().next_back())?;
    let wi = word_at(&s.words, m.span.start);
    let mut start = m.span.start;
    if wi > 0 {
        let prev = &s.words[wi - 1];
        const STOP: &[&str] =
            &["a", "an", "the", "on", "at", "in", "of", "to", "into", "near", "their", "his", "her", "its", "from", "by"];
        let w = prev.span.of(s.text);
        if !prev.punct && !STOP.iter().any(|x| w.eq_ignore_ascii_case(x)) && category_of(w).is_none() {
            start = prev.span.start;
        }
    }
    Some(Span::new(start, m.span.end))
}

/// The named person an attack or abduction was done to: after an active trigger, before a passive one.
fn named_victim(s: &Sentence, trigger: Span) -> Option<Span> {
    let tw0 = word_at(&s.words, trigger.start);
    let passive = (1..=2).any(|k| tw0 >= k && s.lower_word_is(tw0 - k, &["was", "were", "been", "being", "is", "are"]));
    if passive {
        s.persons.iter().rev().find(|p| p.end <= trigger.start).or_else(|| s.persons.iter().find(|p| p.start >= trigger.end)).copied()
    } else {
        s.persons.iter().find(|p| p.start >= trigger.end).copied()
    }
}

/// "Civilians (Colombia)" for the perpetrator's country, else plain "Civilians".
fn civilians_name(actor1: Option<&Actor>) -> String {
    match actor1.and_then(|a| a.name.rsplit_once(" (")).map(|(_, c)| c.trim_end_matches(')')) {
        Some(country) if !country.is_empty() && !country.contains('-') && !country.chars().any(|c| c.is_ascii_digit()) => {
            format!("Civilians ({country})")
        }
        _ => "Civilians".to_owned(),
    }
}

fn build_event(s: &Sentence, c: Candidate, counts: [Option<Count>; 3]) -> Event {
    let aggregate = s.has_cue(CueKind::Aggregate)
        || s.words.windows(2).enumerate().any(|(i, w)| {
            w[0].span.of(s.text).eq_ignore_ascii_case("since")
                && w[1].span.of(s.text).len() == 4
                && w[1].span.of(s.text).bytes().all(|b| b.is_ascii_digit())
                && !first_time_since(s, i + 1)
        });
    let instrument = s
        .lex
        .iter()
        .filter(|m| matches!(m.entry, Entry::Instrument(_)))
        .max_by_key(|m| (m.span.len(), std::cmp::Reverse(m.span.start)))
        .map(|m| m.span);
    let [fatalities, injured, detained] = counts;
    let mut actor2 = c.actor2;
    let targets_people = matches!(c.sub.event_type(), EventType::ViolenceAgainstCivilians | EventType::ExplosionsRemoteViolence)
        || c.sub == SubEventType::Arrests;
    if targets_people && actor2.as_ref().is_none_or(|a| a.kind == ActorKind::Civilians) {
        if let Some(name) = named_victim(s, c.trigger) {
            let mut victim = actor2.clone().unwrap_or_else(|| Actor {
                name: civilians_name(c.actor1.as_ref()),
                kind: ActorKind::Civilians,
                country: c.actor1.as_ref().and_then(|a| a.country.clone()),
                span: None,
                actor_id: None,
                basis: None,
            });
            victim.span = Some(name);
            actor2 = Some(victim);
        }
    }
    Event {
        id: String::new(),
        sub_event_type: c.sub,
        date: DateRange::unknown(),
        date_span: None,
        location: None,
        actor1: c.actor1,
        actor2,
        fatalities,
        injured,
        detained,
        target: target_span(s, c.trigger),
        instrument,
        civilian_targeting: c.civilian_targeting,
        aggregate,
        trigger: Some(c.trigger),
        claims: Vec::new(),
        contested: false,
        evidence: vec![s.span],
        notes: None,
        confidence: None,
    }
}

/// Two actors may be one: same name, or either is a default the text did not name (no span).
pub(crate) fn compatible(a: &Option<Actor>, b: &Option<Actor>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => x.name == y.name || x.span.is_none() || y.span.is_none(),
        _ => true,
    }
}

/// "The leader was detained without incident" after "forces detained a Taliban leader": a bare person
/// noun after "the" names someone the story has already introduced.
fn names_one_already_known(text: &str, a: &Actor) -> bool {
    let Some(span) = a.span else { return false };
    let words = span.of(text);
    let before = text[..span.start].trim_end();
    let determiner = before.rsplit(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    a.kind == ActorKind::Civilians
        && !words.contains(' ')
        && PERSON_NOUNS.iter().any(|p| words.eq_ignore_ascii_case(p))
        && ["the", "this", "that"].iter().any(|d| determiner.eq_ignore_ascii_case(d))
}

fn combine(into: &mut Option<Count>, from: Option<Count>) {
    match (into.as_mut(), from) {
        (_, None) => {}
        (None, Some(f)) => *into = Some(f),
        (Some(c), Some(f)) => {
            // Tolls for one event told twice: ACLED keeps the lowest, the highest is the upper bound.
            let (cl, fl) = (c.low.unwrap_or(0), f.low.unwrap_or(0));
            let high = c.high.unwrap_or(cl).max(f.high.unwrap_or(fl));
            c.best = Some(cl.max(fl));
            c.low = Some(cl.min(fl));
            c.high = (high > cl.min(fl)).then_some(high);
        }
    }
}

/// Adds a second telling of one event to the first: its evidence, its tolls (ACLED's conservative
/// combination), and the actors, target and instrument the first left unnamed.
fn absorb(into: &mut Event, from: Event) {
    into.evidence.extend(from.evidence);
    combine(&mut into.fatalities, from.fatalities);
    combine(&mut into.injured, from.injured);
    combine(&mut into.detained, from.detained);
    if into.actor1.as_ref().is_none_or(|a| a.span.is_none()) && from.actor1.as_ref().is_some_and(|a| a.span.is_some()) {
        into.actor1 = from.actor1;
    }
    if into.actor2.as_ref().is_none_or(|a| a.span.is_none()) && from.actor2.is_some() {
        into.actor2 = from.actor2;
    }
    into.target = into.target.or(from.target);
    into.instrument = into.instrument.or(from.instrument);
}

/// One event per thing that happened: a sentence continuing the previous event (same type, compatible actors,
/// within three sentences) adds its evidence and counts; a sentence with only casualty figures right after an
/// event adds them to it.
fn merge(text: &str, found: Vec<(usize, Event)>, pending: Vec<(usize, Span, [Option<Count>; 3])>, new_incident: &[usize]) -> Vec<Event> {
    let mut out: Vec<(usize, Event)> = Vec::new();
    for (si, ev) in found {
        if let Some((last_si, last)) = out.last_mut() {
            let same = !new_incident.contains(&si)
                && last.event_type() == ev.event_type()
                && last.aggregate == ev.aggregate
                && si <= *last_si + 3
                && compatible(&last.actor1, &ev.actor1)
                && (compatible(&last.actor2, &ev.actor2)
                    || ev.actor2.as_ref().is_none_or(|a| ev.sub_event_type == SubEventType::Arrests && names_one_already_known(text, a)));
            if same {
                if last.sub_event_type == SubEventType::DisruptedWeaponsUse && ev.sub_event_type == SubEventType::Arrests {
                    last.sub_event_type = SubEventType::Arrests;
                    last.trigger = ev.trigger;
                }
                absorb(last, ev);
                *last_si = si;
                continue;
            }
        }
        out.push((si, ev));
    }
    for (si, span, counts) in pending {
        let Some((_, ev)) = out.iter_mut().rev().find(|(esi, _)| *esi < si && si <= *esi + 2) else { continue };
        if ev.aggregate {
            continue;
        }
        let [mut f, mut i, mut d] = counts;
        // Deaths and wounds belong to violent events; people held, to arrests and abductions.
        let violent = matches!(
            ev.event_type(),
            EventType::Battles | EventType::ExplosionsRemoteViolence | EventType::ViolenceAgainstCivilians | EventType::Riots
        ) || ev.sub_event_type == SubEventType::ExcessiveForceAgainstProtesters;
        let holding = matches!(ev.sub_event_type, SubEventType::Arrests | SubEventType::AbductionForcedDisappearance | SubEventType::ProtestWithIntervention);
        if !violent {
            f = None;
            i = None;
        }
        if !holding && ev.event_type() != EventType::Battles {
            d = None;
        }
        let mut used = false;
        for (slot, c) in [(&mut ev.fatalities, f), (&mut ev.injured, i), (&mut ev.detained, d)] {
            if slot.is_none() && c.is_some() {
                *slot = c;
                used = true;
            }
        }
        if used {
            ev.evidence.push(span);
            ev.evidence.sort();
        }
    }
    out.into_iter().map(|(_, e)| e).collect()
}

#[cfg(test)]
mod tests;
