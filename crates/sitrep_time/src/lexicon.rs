//! The expression grammar's vocabulary, read from the data files under `data/` (compiled in).

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use jiff::civil::Weekday;

use crate::TimeDataError;

/// A unit of a duration ("three weeks ago").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Hour,
    Day,
    Week,
    Month,
    Year,
}

/// What a relative phrase means; see the header of `data/relative.tsv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelKind {
    Day,
    WeakDay,
    Week,
    WeekEarlier,
    Month,
    Year,
    Back,
    Anaphor,
}

/// A number word's value; vague words ("several") are marked so their range is widened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberWord {
    pub value: i32,
    pub vague: bool,
}

/// What an anchor found by the automaton is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Month { month: i8, abbr: bool },
    Weekday(Weekday),
    Relative { kind: RelKind, offset: i32 },
    Unit(Unit),
}

/// The compiled vocabulary: one automaton over every anchor word, plus word tables the parser
/// consults around an anchor.
pub struct Lexicon {
    pub anchors: AhoCorasick,
    pub anchor_kinds: Vec<Anchor>,
    /// Lower-case word → anchor, for reading the words around an anchor.
    pub words: HashMap<String, Anchor>,
    pub numbers: HashMap<String, NumberWord>,
    /// Lower-case future cues, each as its words.
    pub future_cues: Vec<Vec<String>>,
    pub zones: HashMap<String, String>,
}

const MONTHS: &str = include_str!("../data/months.tsv");
const WEEKDAYS: &str = include_str!("../data/weekdays.tsv");
const NUMBERS: &str = include_str!("../data/numbers.tsv");
const UNITS: &str = include_str!("../data/units.tsv");
const RELATIVE: &str = include_str!("../data/relative.tsv");
const FUTURE_CUES: &str = include_str!("../data/future_cues.txt");
const ZONES: &str = include_str!("../data/zones.tsv");
pub(crate) const RECORD_CUES: &str = include_str!("../data/record_cues.txt");

/// A stable hash of the time grammar's word lists, for the output's `provenance.lexicons`.
#[must_use]
pub fn data_fingerprint() -> u64 {
    sitrep_core::fingerprint::data_fingerprint(&[
        ("months.tsv", MONTHS),
        ("weekdays.tsv", WEEKDAYS),
        ("numbers.tsv", NUMBERS),
        ("units.tsv", UNITS),
        ("relative.tsv", RELATIVE),
        ("future_cues.txt", FUTURE_CUES),
        ("zones.tsv", ZONES),
        ("record_cues.txt", RECORD_CUES),
    ])
}

/// Data lines: comments and blank lines dropped, each split on tabs, with its line number.
fn rows<'a>(file: &'static str, text: &'a str) -> impl Iterator<Item = (&'static str, usize, Vec<&'a str>)> + 'a {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(move |(i, l)| (file, i + 1, l.split('\t').map(str::trim).collect()))
}

fn bad(file: &'static str, line: usize, why: impl Into<String>) -> TimeDataError {
    TimeDataError::BadLine { file, line, why: why.into() }
}

fn parse_weekday(name: &str) -> Option<Weekday> {
    Some(match name {
        "monday" => Weekday::Monday,
        "tuesday" => Weekday::Tuesday,
        "wednesday" => Weekday::Wednesday,
        "thursday" => Weekday::Thursday,
        "friday" => Weekday::Friday,
        "saturday" => Weekday::Saturday,
        "sunday" => Weekday::Sunday,
        _ => return None,
    })
}

impl Lexicon {
    pub fn load() -> Result<Self, TimeDataError> {
        let mut patterns: Vec<String> = Vec::new();
        let mut anchor_kinds = Vec::new();
        let mut words = HashMap::new();
        let mut add = |pattern: &str, anchor: Anchor, patterns: &mut Vec<String>| {
            patterns.push(pattern.to_lowercase());
            anchor_kinds.push(anchor);
            if !pattern.contains(' ') {
                words.insert(pattern.to_lowercase(), anchor);
            }
        };
        for (file, line, cols) in rows("months.tsv", MONTHS) {
            let month: i8 = cols.get(1).and_then(|m| m.parse().ok()).filter(|m| (1..=12).contains(m)).ok_or_else(|| bad(file, line, "month number must be 1-12"))?;
            let abbr = cols.get(2) == Some(&"abbr");
            add(cols[0], Anchor::Month { month, abbr }, &mut patterns);
        }
        for (file, line, cols) in rows("weekdays.tsv", WEEKDAYS) {
            let wd = cols.get(1).and_then(|w| parse_weekday(w)).ok_or_else(|| bad(file, line, "weekday must be monday..sunday"))?;
            add(cols[0], Anchor::Weekday(wd), &mut patterns);
        }
        for (file, line, cols) in rows("units.tsv", UNITS) {
            let unit = match cols.get(1).copied() {
                Some("hour") => Unit::Hour,
                Some("day") => Unit::Day,
                Some("week") => Unit::Week,
                Some("month") => Unit::Month,
                Some("year") => Unit::Year,
                _ => return Err(bad(file, line, "unit must be hour, day, week, month or year")),
            };
            add(cols[0], Anchor::Unit(unit), &mut patterns);
        }
        for (file, line, cols) in rows("relative.tsv", RELATIVE) {
            let kind = match cols.get(1).copied() {
                Some("day") => RelKind::Day,
                Some("weak_day") => RelKind::WeakDay,
                Some("week") => RelKind::Week,
                Some("week_earlier") => RelKind::WeekEarlier,
                Some("month") => RelKind::Month,
                Some("year") => RelKind::Year,
                Some("back") => RelKind::Back,
                Some("anaphor") => RelKind::Anaphor,
                _ => return Err(bad(file, line, "unknown kind (see the header for the list)")),
            };
            let offset: i32 = cols.get(2).and_then(|o| o.parse().ok()).ok_or_else(|| bad(file, line, "offset must be an integer"))?;
            add(cols[0], Anchor::Relative { kind, offset }, &mut patterns);
        }
        let mut numbers = HashMap::new();
        for (file, line, cols) in rows("numbers.tsv", NUMBERS) {
            let raw = cols.get(1).ok_or_else(|| bad(file, line, "missing value"))?;
            let (vague, digits) = raw.strip_prefix('~').map_or((false, *raw), |d| (true, d));
            let value = digits.parse().map_err(|_| bad(file, line, "value must be an integer, optionally prefixed by ~"))?;
            numbers.insert(cols[0].to_lowercase(), NumberWord { value, vague });
        }
        let future_cues = rows("future_cues.txt", FUTURE_CUES)
            .map(|(_, _, cols)| cols[0].to_lowercase().split_whitespace().map(str::to_owned).collect())
            .collect();
        let mut zones = HashMap::new();
        for (file, line, cols) in rows("zones.tsv", ZONES) {
            let zone = cols.get(1).ok_or_else(|| bad(file, line, "missing IANA zone"))?;
            zones.insert(cols[0].to_lowercase(), (*zone).to_owned());
        }
        // Multi-word phrases match with single spaces only: news text virtually always has them,
        // and normalising white space would cost a copy of every text. A phrase broken across a
        // line ("last\nnight") is missed.
        let anchors = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .map_err(|e| TimeDataError::Automaton(e.to_string()))?;
        Ok(Self { anchors, anchor_kinds, words, numbers, future_cues, zones })
    }

    /// The anchor a single word is, if any (case-insensitive).
    pub fn word(&self, lower: &str) -> Option<Anchor> {
        self.words.get(lower).copied()
    }
}
