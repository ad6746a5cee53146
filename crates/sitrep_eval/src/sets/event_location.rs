//! Which place in a sentence is where the event happened (Halterman 2019).
//!
//! Files: the first of `labeled_records.json`, `test.json`, `dev.json`, or any `*.json`: one
//! JSON array of `{text, tokens, spans: [{start, end, token_start, token_end, label:
//! VERB|LOCATION}]}`. Some LOCATION spans (893 in the dev file, from the AP, Atrocities,
//! Xinhua and wiki sources) carry their token indices in `start`/`end` as well: read as
//! characters they cover nothing or a stray letter, so such a span is read through its tokens
//! (eval/SCORING.md).

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use sitrep_core::contract::{OutEvent, Output};
use sitrep_core::Document;

use crate::stats::Tally;
use crate::text::{overlaps, slice_chars};
use crate::{Errors, EvalError, Result, Runner, SetResult, WRONG};

pub const SET: &str = "event_location";
const METRIC: &str = "event_location.accuracy";

#[derive(Debug, Deserialize)]
struct RawSpan {
    start: usize,
    end: usize,
    #[serde(default)]
    token_start: Option<usize>,
    #[serde(default)]
    token_end: Option<usize>,
    label: String,
}

#[derive(Debug, Deserialize)]
struct RawToken {
    start: usize,
    end: usize,
}

#[derive(Debug, Deserialize)]
struct RawRecord {
    text: String,
    #[serde(default)]
    tokens: Vec<RawToken>,
    #[serde(default)]
    spans: Vec<RawSpan>,
}

impl RawRecord {
    /// A span's characters: its `start`/`end`, unless those repeat its token indices and the
    /// tokens say otherwise (the annotation tool stored token indices there).
    fn chars_of(&self, span: &RawSpan) -> (usize, usize) {
        let by_tokens = span
            .token_start
            .zip(span.token_end)
            .filter(|&(ts, te)| (ts, te) == (span.start, span.end))
            .and_then(|(ts, te)| Some((self.tokens.get(ts)?.start, self.tokens.get(te)?.end)));
        by_tokens.unwrap_or((span.start, span.end))
    }
}

/// One sentence × verb record.
#[derive(Debug, Clone)]
pub struct Record {
    /// Index of the record's sentence among the unique sentences (the scored documents).
    pub sentence: usize,
    pub verbs: Vec<(usize, usize)>,
    pub locations: Vec<(usize, usize)>,
}

/// Unique sentences and the records on them.
#[derive(Debug, Clone, Default)]
pub struct Gold {
    pub sentences: Vec<String>,
    pub records: Vec<Record>,
}

/// Reads the records; sentences repeated across records (one per verb) are run once.
///
/// # Errors
/// When no records file is found or it is malformed.
pub fn load(dir: &Path) -> Result<Gold> {
    let path = crate::first_existing(dir, &["labeled_records.json", "test.json", "dev.json"])
        .or_else(|| crate::files_in(dir, |n| n.ends_with(".json")).ok()?.into_iter().next())
        .ok_or_else(|| EvalError::Missing { dir: dir.to_owned(), what: "records .json".into() })?;
    let raw: Vec<RawRecord> = serde_json::from_str(&crate::read(&path)?).map_err(|e| EvalError::format(&path, e.to_string()))?;
    let mut gold = Gold::default();
    let mut index: HashMap<String, usize> = HashMap::new();
    for r in raw {
        let sentence = *index.entry(r.text.clone()).or_insert_with(|| {
            gold.sentences.push(r.text.clone());
            gold.sentences.len() - 1
        });
        let spans = |label: &str| r.spans.iter().filter(|s| s.label == label).map(|s| r.chars_of(s)).collect::<Vec<_>>();
        let verbs = spans("VERB");
        if verbs.is_empty() {
            continue;
        }
        gold.records.push(Record { sentence, verbs, locations: spans("LOCATION") });
    }
    Ok(gold)
}

/// The event that reads the verb: its trigger overlaps the verb, else its evidence covers it.
fn event_for_verb<'a>(out: &'a Output, verbs: &[(usize, usize)]) -> Option<&'a OutEvent> {
    let events: Vec<&OutEvent> = crate::coded_events(out).collect();
    events
        .iter()
        .find(|e| e.trigger.as_ref().is_some_and(|t| verbs.iter().any(|v| overlaps((t.start, t.end), *v))))
        .or_else(|| {
            events.iter().find(|e| e.evidence.iter().any(|s| verbs.iter().any(|v| s.start <= v.0 && v.1 <= s.end)))
        })
        .copied()
}

/// Scores records against one output per unique sentence.
#[must_use]
pub fn score(gold: &Gold, outputs: &[Output], errors: &mut Errors) -> Tally {
    let mut t = Tally::new(gold.sentences.len());
    t.declare(METRIC, crate::Agg::Ratio);
    for r in &gold.records {
        let out = &outputs[r.sentence];
        let text = &gold.sentences[r.sentence];
        let len = text.chars().count();
        let event = event_for_verb(out, &r.verbs);
        let loc = event.and_then(|e| e.location.as_ref());
        let loc_span = loc.and_then(|l| l.start.zip(l.end));
        let right = if r.locations.is_empty() {
            // No gold location: right unless sitrep attaches a place named in the sentence.
            loc_span.is_none_or(|s| s.1 > len)
        } else {
            loc_span.is_some_and(|s| r.locations.iter().any(|g| overlaps(s, *g)))
        };
        t.hit(r.sentence, METRIC, right);
        if !right {
            let v = r.verbs[0];
            let reason = match (event, loc) {
                (None, _) => "no event reads this verb".to_owned(),
                (Some(_), None) => format!("event has no location; gold {:?}", r.locations.iter().map(|g| slice_chars(text, g.0, g.1)).collect::<Vec<_>>()),
                (Some(_), Some(l)) if r.locations.is_empty() => format!("gold has no location, sitrep attached {:?}", l.name),
                (Some(_), Some(l)) => format!("sitrep attached {:?}, gold {:?}", l.name, r.locations.iter().map(|g| slice_chars(text, g.0, g.1)).collect::<Vec<_>>()),
            };
            errors.push(&format!("sentence-{}", r.sentence), WRONG, METRIC, Some(v), Some(slice_chars(text, v.0, v.1)), reason);
        }
    }
    t
}

/// Loads, extracts and scores the set in `dir`.
///
/// # Errors
/// As [`load`].
pub fn evaluate(dir: &Path, runner: &Runner) -> Result<SetResult> {
    let gold = load(dir)?;
    let docs = gold.sentences.iter().enumerate().map(|(i, s)| Document::from_text(format!("sentence-{i}"), s.clone())).collect();
    let outputs = runner.extract_all(docs);
    let mut errors = Errors::new(SET);
    let tally = score(&gold, &outputs, &mut errors);
    Ok(SetResult::new(SET, &tally, errors, vec![format!("{} records over {} unique sentences", gold.records.len(), gold.sentences.len())]))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::sets::testutil::{event, output};

    #[test]
    fn location_must_overlap_gold_and_absent_gold_wants_no_place() {
        let text = "Rebels attacked Homs on Monday.";
        let gold = Gold {
            sentences: vec![text.into(), text.into()],
            records: vec![
                Record { sentence: 0, verbs: vec![(7, 15)], locations: vec![(16, 20)] },
                Record { sentence: 1, verbs: vec![(7, 15)], locations: vec![] },
            ],
        };
        let ev = event(
            "armed_clash",
            (0, 31),
            json!({"trigger": {"text": "attacked", "start": 7, "end": 15},
                   "location": {"name": "Homs", "precision": "city", "start": 16, "end": 20}}),
        );
        let out = output("s", text, json!({ "events": [ev] }));
        let mut errors = Errors::new(SET);
        let figs = score(&gold, &[out.clone(), out], &mut errors).figures();
        assert!((figs[0].value.unwrap() - 0.5).abs() < 1e-12);
        assert_eq!(figs[0].n, 2);
        assert_eq!(errors.records.len(), 1);
    }

    #[test]
    fn loads_every_record() {
        let gold = load(&sitrep_core::testdata::require_shared_data().join(SET)).unwrap();
        assert_eq!(gold.records.len(), 9686);
        assert!(gold.sentences.len() < gold.records.len());
        // Every LOCATION span covers a word, once token indices stored as characters are read
        // through the tokens (before: 893 spans covered nothing or a stray letter).
        let sentences = &gold.sentences;
        let blank = gold
            .records
            .iter()
            .flat_map(|r| r.locations.iter().map(move |&(s, e)| slice_chars(&sentences[r.sentence], s, e)))
            .filter(|t| t.chars().filter(|c| c.is_alphabetic()).count() < 2)
            .count();
        assert!(blank < 100, "{blank} location spans cover no word");
    }

    #[test]
    fn a_span_that_repeats_its_token_indices_is_read_through_its_tokens() {
        let raw: Vec<RawRecord> = serde_json::from_value(json!([{
            "text": "Troops shelled Mosul.",
            "tokens": [{"start": 0, "end": 6}, {"start": 7, "end": 14}, {"start": 15, "end": 20}, {"start": 20, "end": 21}],
            "spans": [
                {"start": 7, "end": 14, "token_start": 1, "token_end": 1, "label": "VERB"},
                {"start": 2, "end": 2, "token_start": 2, "token_end": 2, "label": "LOCATION"}
            ]
        }]))
        .unwrap();
        let r = &raw[0];
        assert_eq!(r.chars_of(&r.spans[0]), (7, 14));
        assert_eq!(r.chars_of(&r.spans[1]), (15, 20));
    }
}
