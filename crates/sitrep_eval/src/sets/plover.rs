//! PLOVER gold-standard records: sentence-level event class and deaths.
//!
//! Files: every `*.json` holding a JSON array of records (`event`, `text`, `dead`); the
//! `DOCUMENT` record is documentation and skipped.

use std::path::Path;

use serde::Deserialize;
use sitrep_core::contract::Output;
use sitrep_core::Document;

use super::{family, Family};
use crate::stats::{Agg, Tally};
use crate::{Errors, EvalError, Result, Runner, SetResult, FN, FP, WRONG};

pub const SET: &str = "plover_gsr";
const P: &str = "plover.";
const POSITIVE: [&str; 3] = ["ASSAULT", "FIGHT", "PROTEST"];
const NEGATIVE: [&str; 10] = ["DEMAND", "REJECT", "THREATEN", "DISAPPROVE", "CONSULT", "SUPPORT", "CONCEDE", "AID", "COOPERATE", "INVESTIGATE"];

#[derive(Debug, Clone)]
pub struct Sentence {
    pub id: String,
    pub event: String,
    pub text: String,
    pub dead: Option<u64>,
}

#[derive(Deserialize)]
struct Raw {
    #[serde(default)]
    id: String,
    #[serde(default)]
    event: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    dead: Option<serde_json::Value>,
}

/// Reads the scored records (positive and negative classes; the rest are not scored).
///
/// # Errors
/// When no records file is found or it is malformed.
pub fn load(dir: &Path) -> Result<Vec<Sentence>> {
    let files = crate::files_in(dir, |n| n.ends_with(".json"))?;
    if files.is_empty() {
        return Err(EvalError::Missing { dir: dir.to_owned(), what: "records .json".into() });
    }
    let mut out = Vec::new();
    for path in files {
        let raw: Vec<Raw> = serde_json::from_str(&crate::read(&path)?).map_err(|e| EvalError::format(&path, e.to_string()))?;
        for r in raw {
            if !(POSITIVE.contains(&r.event.as_str()) || NEGATIVE.contains(&r.event.as_str())) || r.text.is_empty() {
                continue;
            }
            let dead = r.dead.and_then(|v| v.as_u64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok())));
            out.push(Sentence { id: r.id, event: r.event, text: r.text, dead });
        }
    }
    Ok(out)
}

fn wanted(event: &str) -> Option<Family> {
    match event {
        "ASSAULT" | "FIGHT" => Some(Family::Violent),
        "PROTEST" => Some(Family::Demonstration),
        _ => None,
    }
}

/// Scores sentences against outputs (same order).
#[must_use]
pub fn score(sents: &[Sentence], outputs: &[Output], errors: &mut Errors) -> Tally {
    let mut t = Tally::new(sents.len());
    t.declare(&format!("{P}event_f1"), Agg::F1);
    t.declare(&format!("{P}dead_exact"), Agg::Ratio);
    for (d, (s, out)) in sents.iter().zip(outputs).enumerate() {
        let events: Vec<_> = crate::coded_events(out).collect();
        let want = wanted(&s.event);
        let (mut tp, mut fp, mut fn_) = (0.0, 0.0, 0.0);
        match want {
            Some(fam) => {
                let right = events.iter().any(|e| family(e.sub_event_type) == fam);
                if right { tp += 1.0 } else { fn_ += 1.0 }
                let wrong = events.iter().filter(|e| family(e.sub_event_type) != fam).count();
                fp += wrong as f64;
                if !right {
                    errors.push(&s.id, FN, &format!("{P}event_f1"), None, None, format!("{} sentence, no {fam:?} event", s.event));
                }
                if wrong > 0 {
                    errors.push(&s.id, FP, &format!("{P}event_f1"), None, None, format!("{wrong} event(s) of another family in a {} sentence", s.event));
                }
            }
            None => {
                if !events.is_empty() {
                    fp += 1.0;
                    errors.push(&s.id, FP, &format!("{P}event_f1"), events[0].evidence.first().map(|x| (x.start, x.end)), None, format!("{} sentence coded as {}", s.event, events[0].sub_event_type.as_str()));
                }
            }
        }
        t.counts(d, &format!("{P}event_f1"), Agg::F1, tp, fp, fn_);
        if let Some(dead) = s.dead {
            let pred: u64 = events.iter().filter_map(|e| e.fatalities.as_ref()?.low).sum();
            t.hit(d, &format!("{P}dead_exact"), pred == dead);
            if pred != dead {
                errors.push(&s.id, WRONG, &format!("{P}dead_exact"), None, None, format!("gold {dead}, sitrep {pred}"));
            }
        }
    }
    t
}

/// Loads, extracts and scores the set in `dir`.
///
/// # Errors
/// As [`load`].
pub fn evaluate(dir: &Path, runner: &Runner) -> Result<SetResult> {
    let sents = load(dir)?;
    let inputs = sents.iter().map(|s| Document::from_text(s.id.clone(), s.text.clone())).collect();
    let outputs = runner.extract_all(inputs);
    let mut errors = Errors::new(SET);
    let tally = score(&sents, &outputs, &mut errors);
    Ok(SetResult::new(SET, &tally, errors, Vec::new()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::sets::testutil::{event, output};

    #[test]
    fn negative_sentences_with_events_are_false_positives() {
        let s = |ev: &str, dead: Option<u64>| Sentence { id: ev.into(), event: ev.into(), text: "x".into(), dead };
        let clash = output("a", "x", json!({"events": [event("armed_clash", (0, 1), json!({"fatalities": {"low": 3}}))]}));
        let none = output("b", "x", json!({}));
        let mut errors = Errors::new(SET);
        let figs = score(&[s("FIGHT", Some(3)), s("DEMAND", None), s("PROTEST", None)], &[clash.clone(), clash, none], &mut errors).figures();
        let get = |n: &str| figs.iter().find(|f| f.name == format!("{P}{n}")).unwrap().value.unwrap();
        // tp 1 (FIGHT), fp 1 (DEMAND), fn 1 (PROTEST) → 0.5.
        assert!((get("event_f1") - 0.5).abs() < 1e-12);
        assert!((get("dead_exact") - 1.0).abs() < 1e-12);
    }

    #[test]
    fn loads_only_scored_classes() {
        let s = load(&sitrep_core::testdata::require_shared_data().join(SET)).unwrap();
        assert_eq!(s.iter().filter(|x| POSITIVE.contains(&x.event.as_str())).count(), 30);
        assert!(s.iter().all(|x| x.event != "AGREE" && x.event != "DOCUMENT"));
    }
}
