//! The time stage measured alone on the development data, before events exist: shared by
//! `tests/dev_data.rs` (which guards the figures) and the examples `isaf_dates` and `muc4_dates`
//! (which print them with every disagreement). The official scorer is `sitrep eval`, which dates
//! releases by their events; this one dates a document by its own expressions:
//!
//! the date of its first usable day-precision body expression, else its first usable one
//! (`sitrep_time::is_event_time`: resolved, past, not the header's own date, not "since …", not a
//! report's date, not a date naming another event), else the reference date with precision
//! `week` (the events fallback).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;

use jiff::civil::Date;
use sitrep_core::{DatePrecision, DateRange, Document, TimeExpr};
use sitrep_time::{is_event_time, Reference, TimeStage};

/// The document's own date choice; the expression it came from, if any.
pub fn document_date(stage: &TimeStage, doc: &Document) -> (DateRange, Option<TimeExpr>) {
    let usable = |t: &&TimeExpr| is_event_time(doc, t);
    let chosen = doc
        .times
        .iter()
        .filter(usable)
        .find(|t| t.range.precision == DatePrecision::Day)
        .or_else(|| doc.times.iter().find(usable));
    if let Some(t) = chosen {
        return (t.range.clone(), Some(t.clone()));
    }
    let range = match stage.reference(doc) {
        Reference::Day(p) => DateRange { start: Some(p), end: Some(p), precision: DatePrecision::Week },
        Reference::Month { year, month } => Date::new(year, month, 1).map_or_else(
            |_| DateRange::unknown(),
            |first| DateRange { start: Some(first), end: Some(first.last_of_month()), precision: DatePrecision::Month },
        ),
        Reference::None => DateRange::unknown(),
    };
    (range, None)
}

pub struct Figures {
    pub n: usize,
    pub exact: usize,
    pub within_week: usize,
    /// One line per disagreement.
    pub misses: Vec<String>,
}

impl Figures {
    #[allow(clippy::cast_precision_loss)]
    pub fn frac(&self, k: usize) -> f64 {
        k as f64 / self.n as f64
    }
}

/// `isaf.date_exact` and `isaf.date_within_week` by the rule above, over every release in `path`.
pub fn isaf(stage: &TimeStage, path: &Path) -> Figures {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut f = Figures { n: 0, exact: 0, within_week: 0, misses: Vec::new() };
    for (index, line) in std::io::BufReader::new(file).lines().enumerate() {
        let record: serde_json::Value = serde_json::from_str(&line.expect("line")).expect("json line");
        let turns = record["conversations"].as_array().expect("conversations");
        let turn = |from: &str| turns.iter().find(|t| t["from"] == from).and_then(|t| t["value"].as_str()).expect("turn");
        let gold: serde_json::Value = serde_json::from_str(turn("gpt")).expect("gold json");
        let gold: Date = gold["start_date"].as_str().expect("start_date").parse().expect("gold date");
        let human = turn("human");
        let mut doc = Document::from_text(format!("isaf-{index}"), human.strip_prefix("PRESS RELEASE TEXT: ").unwrap_or(human));
        stage.annotate(&mut doc);
        let (range, expr) = document_date(stage, &doc);
        f.n += 1;
        let exact = range.start == Some(gold);
        let in_week = matches!((range.start, range.end), (Some(s), Some(e)) if s <= gold && gold <= e && (e - s).get_days() < 7);
        f.exact += usize::from(exact);
        f.within_week += usize::from(in_week);
        if !exact {
            let reference = match stage.reference(&doc) {
                Reference::Day(p) => p.to_string(),
                Reference::Month { year, month } => format!("{year}-{month:02}"),
                Reference::None => "none".to_owned(),
            };
            let surface = expr.map_or_else(|| "<reference>".to_owned(), |t| doc.slice(t.span).to_owned());
            f.misses.push(format!(
                "release {index}\tgold {gold}\tours {:?}..{:?} {:?}\treference {reference}\texpression {surface:?}",
                range.start.map(|d| d.to_string()),
                range.end.map(|d| d.to_string()),
                range.precision
            ));
        }
    }
    f
}

/// A MUC-4 key's `INCIDENT: DATE`.
#[derive(Debug, Clone, Copy)]
pub enum MucDate {
    On(Date),
    /// "D1 - D2": on or between.
    Between(Date, Date),
    /// "- D": on or before (a weekday, or the header date by default).
    OnOrBefore(Date),
}

impl MucDate {
    fn anchor(self) -> Date {
        match self {
            MucDate::On(d) | MucDate::Between(d, _) | MucDate::OnOrBefore(d) => d,
        }
    }

    fn consistent(self, ours: Date) -> bool {
        match self {
            MucDate::On(d) => ours == d,
            MucDate::Between(a, b) => a <= ours && ours <= b,
            MucDate::OnOrBefore(d) => ours <= d && (d - ours).get_days() <= 7,
        }
    }
}

fn muc_day(s: &str) -> Option<Date> {
    let mut it = s.split_whitespace();
    let day: i8 = it.next()?.parse().ok()?;
    let name = it.next()?;
    let month = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"].iter().position(|m| *m == name)?;
    let yy: i16 = it.next()?.parse().ok()?;
    Date::new(if yy >= 50 { 1900 + yy } else { 2000 + yy }, i8::try_from(month + 1).ok()?, day).ok()
}

fn muc_date(value: &str) -> Option<MucDate> {
    let value = value.split('/').next()?.trim();
    if let Some(rest) = value.strip_prefix('-') {
        return muc_day(rest.trim()).map(MucDate::OnOrBefore);
    }
    if let Some((a, b)) = value.split_once(" - ") {
        return Some(MucDate::Between(muc_day(a)?, muc_day(b)?));
    }
    muc_day(value).map(MucDate::On)
}

/// Message id → the dates of its relevant templates, in key order ("*" and "-" dropped).
fn muc_keys(path: &Path) -> BTreeMap<String, Vec<MucDate>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out: BTreeMap<String, Vec<MucDate>> = BTreeMap::new();
    let mut id = String::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("0.  MESSAGE: ID") {
            id = rest.trim().to_owned();
        } else if let Some(rest) = line.strip_prefix("2.  INCIDENT: DATE") {
            if let Some(d) = muc_date(rest.trim()) {
                out.entry(id.clone()).or_default().push(d);
            }
        }
    }
    out
}

/// Message id → text, split at the corpus file's id lines.
fn muc_texts(path: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut docs: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.starts_with("TST") && line.contains("-MUC") && line.split_whitespace().count() == 1 {
            docs.push((line.trim().to_owned(), String::new()));
        } else if let Some((_, body)) = docs.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    docs
}

pub struct MucFigures {
    pub n: usize,
    /// Our day equals the first template's anchor (its day, range start, or "on or before" day).
    pub exact_first: usize,
    /// Our day equals some template's anchor.
    pub exact_any: usize,
    /// Our day satisfies some template's form (equal; inside the range; within the week up to an
    /// "on or before" day).
    pub consistent_any: usize,
    pub misses: Vec<String>,
}

impl MucFigures {
    #[allow(clippy::cast_precision_loss)]
    pub fn frac(&self, k: usize) -> f64 {
        k as f64 / self.n as f64
    }
}

/// The MUC-4 development documents (`raw/tst1`, `raw/tst2`; `raw/dev` is training data) against
/// their keys' `INCIDENT: DATE`, document level.
pub fn muc4(stage: &TimeStage, raw: &Path) -> MucFigures {
    let mut f = MucFigures { n: 0, exact_first: 0, exact_any: 0, consistent_any: 0, misses: Vec::new() };
    for (corpus, keys) in [("tst1/tst1-muc3", "tst1/key-tst1.v7"), ("tst2/tst2-muc4", "tst2/key-tst2.v4")] {
        let keys = muc_keys(&raw.join(keys));
        for (id, text) in muc_texts(&raw.join(corpus)) {
            let Some(golds) = keys.get(&id).filter(|g| !g.is_empty()) else { continue };
            let mut doc = Document::from_text(id.clone(), text);
            stage.annotate(&mut doc);
            let (range, expr) = document_date(stage, &doc);
            f.n += 1;
            let surface = expr.map_or_else(|| "<reference>".to_owned(), |t| doc.slice(t.span).to_owned());
            let Some(ours) = range.start else {
                f.misses.push(format!("{id}\tgold {golds:?}\tours none"));
                continue;
            };
            f.exact_first += usize::from(golds[0].anchor() == ours);
            f.exact_any += usize::from(golds.iter().any(|g| g.anchor() == ours));
            let ok = golds.iter().any(|g| g.consistent(ours));
            f.consistent_any += usize::from(ok);
            if !ok {
                f.misses.push(format!("{id}\tgold {golds:?}\tours {ours}\texpression {surface:?}"));
            }
        }
    }
    f
}
