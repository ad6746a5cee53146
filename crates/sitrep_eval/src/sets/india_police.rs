//! India Police Events (Times of India, 2002): which documents report police killing, arresting
//! or using force.
//!
//! Files: `docs.jsonl` or `test.jsonl`/`dev.jsonl` (`{doc_id, doc_text, doc_labels}`), and
//! `metadata.jsonl` (`{doc_id, date}`) for the publication date when present.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use sitrep_core::contract::{OutEvent, Output};
use sitrep_core::{ActorKind, Document, EventType, SubEventType};

use crate::stats::{Agg, Tally};
use crate::{Errors, EvalError, Result, Runner, SetResult, FN, FP};

pub const SET: &str = "india_police_events";
const P: &str = "india_police.";
pub const LABELS: [&str; 3] = ["KILL", "ARREST", "FORCE"];

#[derive(Debug, Clone)]
pub struct PoliceDoc {
    pub id: String,
    pub text: String,
    pub published: Option<jiff::civil::Date>,
    pub labels: Vec<String>,
}

#[derive(Deserialize)]
struct RawDoc {
    doc_id: serde_json::Value,
    doc_text: String,
    #[serde(default)]
    doc_labels: Vec<String>,
}

#[derive(Deserialize)]
struct RawMeta {
    doc_id: serde_json::Value,
    #[serde(default)]
    date: Option<String>,
}

fn id_string(v: &serde_json::Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
}

/// Reads the documents.
///
/// # Errors
/// When no documents file is found or a line is malformed.
pub fn load(dir: &Path) -> Result<Vec<PoliceDoc>> {
    let path = crate::first_existing(dir, &["docs.jsonl", "test.jsonl", "dev.jsonl"])
        .ok_or_else(|| EvalError::Missing { dir: dir.to_owned(), what: "docs.jsonl (or test.jsonl)".into() })?;
    let mut dates: HashMap<String, jiff::civil::Date> = HashMap::new();
    let meta = dir.join("metadata.jsonl");
    if meta.is_file() {
        for line in crate::read(&meta)?.lines().filter(|l| !l.trim().is_empty()) {
            let m: RawMeta = serde_json::from_str(line).map_err(|e| EvalError::format(&meta, e.to_string()))?;
            if let Some(d) = m.date.and_then(|d| d.parse().ok()) {
                dates.insert(id_string(&m.doc_id), d);
            }
        }
    }
    let mut out = Vec::new();
    for (i, line) in crate::read(&path)?.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let d: RawDoc = serde_json::from_str(line).map_err(|e| EvalError::format(&path, format!("line {}: {e}", i + 1)))?;
        let id = id_string(&d.doc_id);
        out.push(PoliceDoc { published: dates.get(&id).copied(), id, text: d.doc_text, labels: d.doc_labels });
    }
    Ok(out)
}

fn by_state(a: Option<&sitrep_core::contract::OutActor>) -> bool {
    a.is_some_and(|a| a.kind == ActorKind::StateForces)
}

/// Whether an event shows the label (METRICS.md).
#[must_use]
pub fn shows(label: &str, e: &OutEvent) -> bool {
    let state1 = by_state(e.actor1.as_ref());
    match label {
        "KILL" => state1 && e.fatalities.as_ref().and_then(|f| f.low).unwrap_or(0) >= 1,
        // Arrests are by state forces in ACLED's definition; an unnamed arrester counts.
        "ARREST" => e.sub_event_type == SubEventType::Arrests && (state1 || e.actor1.is_none()),
        "FORCE" => {
            matches!(e.sub_event_type, SubEventType::ExcessiveForceAgainstProtesters | SubEventType::ProtestWithIntervention)
                || (state1 && (e.event_type == EventType::ViolenceAgainstCivilians || e.sub_event_type == SubEventType::ArmedClash))
        }
        _ => false,
    }
}

/// Scores documents against outputs (same order).
#[must_use]
pub fn score(docs: &[PoliceDoc], outputs: &[Output], errors: &mut Errors) -> Tally {
    let mut t = Tally::new(docs.len());
    let macro_name = format!("{P}doc_f1");
    t.declare(&macro_name, Agg::MacroF1(LABELS.len()));
    for l in LABELS {
        t.declare(&format!("{P}doc_f1.{}", l.to_lowercase()), Agg::F1);
    }
    for (d, (doc, out)) in docs.iter().zip(outputs).enumerate() {
        for (c, label) in LABELS.iter().enumerate() {
            let gold = doc.labels.iter().any(|l| l == label);
            let hit = crate::coded_events(out).find(|e| shows(label, e));
            let pred = hit.is_some();
            let (tp, fp, fn_) = (f64::from(u8::from(gold && pred)), f64::from(u8::from(!gold && pred)), f64::from(u8::from(gold && !pred)));
            t.counts(d, &format!("{P}doc_f1.{}", label.to_lowercase()), Agg::F1, tp, fp, fn_);
            t.class_counts(d, &macro_name, (LABELS.len(), c), [tp, fp, fn_]);
            if gold != pred {
                let span = hit.and_then(|e| e.evidence.first()).map(|s| (s.start, s.end));
                let (kind, why) = if pred { (FP, format!("{label} coded from {}", hit.map_or("", |e| e.sub_event_type.as_str()))) } else { (FN, format!("document has {label}, no event shows it")) };
                errors.push(&doc.id, kind, &format!("{P}doc_f1.{}", label.to_lowercase()), span, None, why);
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
    let docs = load(dir)?;
    let inputs = docs
        .iter()
        .map(|d| {
            let mut doc = Document::from_text(format!("india-{}", d.id), d.text.clone());
            doc.published = d.published;
            doc.published_source = sitrep_core::PublishedSource::Jsonl;
            doc
        })
        .collect();
    Ok(crate::extract_and_score(SET, runner, &docs, inputs, score))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::sets::testutil::{event, output};

    #[test]
    fn police_killing_counts_as_kill_and_force() {
        let doc = PoliceDoc { id: "1".into(), text: "x".into(), published: None, labels: vec!["KILL".into(), "FORCE".into(), "ANY_ACTION".into()] };
        let ev = event("attack", (0, 1), json!({"actor1": {"name": "Police", "kind": "state_forces"}, "fatalities": {"low": 2}}));
        let mut errors = Errors::new(SET);
        let figs = score(&[doc], &[output("1", "x", json!({"events": [ev]}))], &mut errors).figures();
        let get = |n: &str| figs.iter().find(|f| f.name == format!("{P}{n}")).unwrap().value;
        assert_eq!(get("doc_f1.kill"), Some(1.0));
        assert_eq!(get("doc_f1.force"), Some(1.0));
        assert_eq!(get("doc_f1.arrest"), None);
        assert_eq!(get("doc_f1"), Some(1.0));
    }

    #[test]
    fn loads_documents_with_dates() {
        let docs = load(&sitrep_core::testdata::require_shared_data().join(SET)).unwrap();
        assert_eq!(docs.len(), 376);
        assert!(docs.iter().filter(|d| d.published.is_some()).count() > 300);
        assert_eq!(docs.iter().filter(|d| d.labels.iter().any(|l| l == "KILL")).count(), 15);
    }
}
