//! The event lexicons (`data/*.tsv`), compiled into one Aho-Corasick automaton: one pass over a sentence
//! finds every trigger, instrument and cue with its span.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use sitrep_core::{Span, SubEventType};

use crate::Error;

const TRIGGERS_TSV: &str = include_str!("../data/triggers.tsv");
const INSTRUMENTS_TSV: &str = include_str!("../data/instruments.tsv");
const CUES_TSV: &str = include_str!("../data/cues.tsv");

/// A stable hash of the event lexicons and the actor dictionary they decide with, for the
/// output's `provenance.lexicons`.
#[must_use]
pub fn data_fingerprint() -> u64 {
    let actors = format!("{:016x}", sitrep_actors::data_fingerprint());
    sitrep_core::fingerprint::data_fingerprint(&[
        ("triggers.tsv", TRIGGERS_TSV),
        ("instruments.tsv", INSTRUMENTS_TSV),
        ("cues.tsv", CUES_TSV),
        ("person_nouns.txt", include_str!("../data/person_nouns.txt")),
        ("casualty_words.tsv", include_str!("../data/casualty_words.tsv")),
        ("phrases.tsv", crate::subtypes::PHRASES_TSV),
        ("subtype_cues.tsv", crate::subtypes::SUBTYPE_CUES_TSV),
        ("sitrep_actors", &actors),
    ])
}

/// What a trigger says happened: a sub-type outright, or a decision taken with the clause's actors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriggerSub {
    Fixed(SubEventType),
    Kill,
    Territory,
    Capture,
    Protest,
    Riot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    Nothing,
    Armed,
    Instrument,
    Political,
    /// A verb of agreeing in the sentence ("agreed a 48-hour ceasefire", "signed a truce").
    Agreed,
}

#[derive(Debug, Clone)]
pub struct Trigger {
    pub sub: TriggerSub,
    pub verb: bool,
    pub needs: Needs,
    pub priority: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CueKind {
    Negation,
    Denial,
    Modal,
    Hypothetical,
    Accusation,
    Anniversary,
    Retrospective,
    Disaster,
    Accident,
    Crime,
    Sport,
    Fiction,
    Exercise,
    Aggregate,
    Intervention,
    ExcessiveForce,
    Violence,
    Political,
    Speech,
    CivilianPlace,
    Facility,
    WeaponsFound,
    Habitual,
    /// A definite reference to an event already reported ("as a result of the attack"): the sentence's
    /// casualties belong to it, and no side is inferred from earlier sentences.
    Aftermath,
    /// The operation just reported ("killed during the operation"): a violent sentence naming it tells
    /// more of the violent event before.
    Operation,
    /// The sentence announces another incident ("in a separate attack", "elsewhere"): its event stands
    /// apart from the one before.
    NewIncident,
}

impl CueKind {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "negation" => Self::Negation,
            "denial" => Self::Denial,
            "modal" => Self::Modal,
            "hypothetical" => Self::Hypothetical,
            "accusation" => Self::Accusation,
            "background" | "retrospective" => Self::Retrospective,
            "anniversary" => Self::Anniversary,
            "disaster" => Self::Disaster,
            "accident" => Self::Accident,
            "crime" => Self::Crime,
            "sport" => Self::Sport,
            "fiction" => Self::Fiction,
            "exercise" => Self::Exercise,
            "aggregate" => Self::Aggregate,
            "intervention" => Self::Intervention,
            "excessive_force" => Self::ExcessiveForce,
            "violence" => Self::Violence,
            "political" => Self::Political,
            "speech" => Self::Speech,
            "civilian_place" => Self::CivilianPlace,
            "facility" => Self::Facility,
            "weapons_found" => Self::WeaponsFound,
            "habitual" => Self::Habitual,
            "aftermath" => Self::Aftermath,
            "operation" => Self::Operation,
            "new_incident" => Self::NewIncident,
            _ => return None,
        })
    }

    /// Kinds that stop a trigger in their scope from being an event.
    pub const fn blocks_trigger(self) -> bool {
        matches!(self, Self::Negation | Self::Denial | Self::Modal | Self::Hypothetical | Self::Accusation | Self::Habitual)
    }

    /// Kinds that stop the whole sentence from yielding events.
    pub const fn blocks_sentence(self) -> bool {
        matches!(
            self,
            Self::Anniversary
                | Self::Retrospective
                | Self::Disaster
                | Self::Accident
                | Self::Crime
                | Self::Sport
                | Self::Fiction
                | Self::Exercise
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Before(usize),
    After(usize),
    Sentence,
}

#[derive(Debug, Clone, Copy)]
pub struct Cue {
    pub kind: CueKind,
    pub scope: Scope,
}

#[derive(Debug, Clone, Copy)]
pub enum Entry {
    Trigger(usize),
    /// An instrument and the sub-type it implies, if any.
    Instrument(Option<SubEventType>),
    Cue(Cue),
}

/// One lexicon match in a text.
#[derive(Debug, Clone, Copy)]
pub struct LexMatch {
    pub span: Span,
    pub entry: Entry,
}

pub struct Lexicon {
    pub triggers: Vec<Trigger>,
    insensitive: AhoCorasick,
    insensitive_entries: Vec<Entry>,
    exact: AhoCorasick,
    exact_entries: Vec<Entry>,
}

pub(crate) fn rows<'a>(file: &'static str, text: &'a str, n: usize) -> Result<Vec<(usize, Vec<&'a str>)>, Error> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != n {
            return Err(Error::Data { file, line: i + 1, problem: format!("expected {n} TAB-separated columns, found {}", cols.len()) });
        }
        out.push((i + 1, cols));
    }
    Ok(out)
}

pub(crate) fn bad(file: &'static str, line: usize, problem: String) -> Error {
    Error::Data { file, line, problem }
}

/// The `sub` column of a trigger row (triggers.tsv, phrases.tsv).
pub(crate) fn parse_sub(file: &'static str, line: usize, col: &str) -> Result<TriggerSub, Error> {
    Ok(match col {
        "kill" => TriggerSub::Kill,
        "territory" => TriggerSub::Territory,
        "capture" => TriggerSub::Capture,
        "protest" => TriggerSub::Protest,
        "riot" => TriggerSub::Riot,
        other => TriggerSub::Fixed(SubEventType::parse(other).ok_or_else(|| bad(file, line, format!("unknown sub-type {other:?}")))?),
    })
}

/// The `pos` column of a trigger row: a verb or a noun.
pub(crate) fn parse_verb(file: &'static str, line: usize, col: &str) -> Result<bool, Error> {
    match col {
        "v" => Ok(true),
        "n" => Ok(false),
        other => Err(bad(file, line, format!("pos must be v or n, not {other:?}"))),
    }
}

/// The `needs` column of a trigger row.
pub(crate) fn parse_needs(file: &'static str, line: usize, col: &str) -> Result<Needs, Error> {
    Ok(match col {
        "-" => Needs::Nothing,
        "armed" => Needs::Armed,
        "instrument" => Needs::Instrument,
        "political" => Needs::Political,
        "agreed" => Needs::Agreed,
        other => return Err(bad(file, line, format!("unknown needs {other:?}"))),
    })
}

/// The `priority` column of a trigger row.
pub(crate) fn parse_priority(file: &'static str, line: usize, col: &str) -> Result<u8, Error> {
    col.parse().map_err(|_| bad(file, line, format!("priority must be 0-255, not {col:?}")))
}

/// A matcher over `patterns`: a DFA, built once at load and several times faster per sentence than the
/// default NFA.
pub(crate) fn dfa(patterns: &[String], case_insensitive: bool) -> Result<AhoCorasick, aho_corasick::BuildError> {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(case_insensitive)
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(patterns)
}

/// Whether `hay[s..e]` is whole words: no word character touches either end.
pub(crate) fn whole_words(hay: &str, s: usize, e: usize) -> bool {
    hay[..s].chars().next_back().is_none_or(|c| !is_word_char(c)) && hay[e..].chars().next().is_none_or(|c| !is_word_char(c))
}

impl Lexicon {
    pub fn load() -> Result<Self, Error> {
        Self::from_sources(TRIGGERS_TSV, INSTRUMENTS_TSV, CUES_TSV)
    }

    pub fn from_sources(triggers_tsv: &str, instruments_tsv: &str, cues_tsv: &str) -> Result<Self, Error> {
        let mut ins_pats: Vec<String> = Vec::new();
        let mut ins_entries = Vec::new();
        let mut ex_pats: Vec<String> = Vec::new();
        let mut ex_entries = Vec::new();
        let mut add = |phrase: &str, entry: Entry| {
            if let Some(exact) = phrase.strip_prefix('=') {
                ex_pats.push(exact.to_owned());
                ex_entries.push(entry);
            } else {
                ins_pats.push(phrase.to_owned());
                ins_entries.push(entry);
            }
        };
        let mut triggers = Vec::new();
        for (line, c) in rows("triggers.tsv", triggers_tsv, 5)? {
            let f = "triggers.tsv";
            let sub = parse_sub(f, line, c[1])?;
            let verb = parse_verb(f, line, c[2])?;
            let needs = parse_needs(f, line, c[3])?;
            let priority = parse_priority(f, line, c[4])?;
            add(c[0], Entry::Trigger(triggers.len()));
            triggers.push(Trigger { sub, verb, needs, priority });
        }
        for (line, c) in rows("instruments.tsv", instruments_tsv, 2)? {
            let sub = match c[1] {
                "-" => None,
                other => Some(
                    SubEventType::parse(other)
                        .ok_or_else(|| bad("instruments.tsv", line, format!("unknown sub-type {other:?}")))?,
                ),
            };
            add(c[0], Entry::Instrument(sub));
        }
        for (line, c) in rows("cues.tsv", cues_tsv, 3)? {
            let f = "cues.tsv";
            let kind = CueKind::parse(c[1]).ok_or_else(|| bad(f, line, format!("unknown cue kind {:?}", c[1])))?;
            let scope = if c[2] == "sentence" {
                Scope::Sentence
            } else if let Some(n) = c[2].strip_prefix("before:") {
                Scope::Before(n.parse().map_err(|_| bad(f, line, format!("bad scope {:?}", c[2])))?)
            } else if let Some(n) = c[2].strip_prefix("after:") {
                Scope::After(n.parse().map_err(|_| bad(f, line, format!("bad scope {:?}", c[2])))?)
            } else {
                return Err(bad(f, line, format!("scope must be before:N, after:N or sentence, not {:?}", c[2])));
            };
            add(c[0], Entry::Cue(Cue { kind, scope }));
        }
        let insensitive = dfa(&ins_pats, true)?;
        let exact = dfa(&ex_pats, false)?;
        Ok(Self { triggers, insensitive, insensitive_entries: ins_entries, exact, exact_entries: ex_entries })
    }

    /// Every whole-word lexicon match in `text[span]` (overlapping matches kept; spans into `text`).
    pub fn find_in(&self, text: &str, span: Span) -> Vec<LexMatch> {
        let hay = &text[span.start..span.end];
        let mut out = Vec::new();
        for m in self.insensitive.find_overlapping_iter(hay) {
            if whole_words(hay, m.start(), m.end()) {
                out.push(LexMatch {
                    span: Span::new(m.start(), m.end()).shifted(span.start),
                    entry: self.insensitive_entries[m.pattern().as_usize()],
                });
            }
        }
        for m in self.exact.find_overlapping_iter(hay) {
            if whole_words(hay, m.start(), m.end()) {
                out.push(LexMatch {
                    span: Span::new(m.start(), m.end()).shifted(span.start),
                    entry: self.exact_entries[m.pattern().as_usize()],
                });
            }
        }
        out.sort_by_key(|m| (m.span.start, std::cmp::Reverse(m.span.end)));
        out
    }
}

/// A hyphen joins words ("anti-government"), an apostrophe does not end "n't".
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-'
}
