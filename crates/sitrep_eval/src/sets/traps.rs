//! The project's trap set: sentences that must give no event.
//!
//! File: `traps.jsonl` in the repository's `eval/sets/` (or `--data DIR`), one
//! `{"id": "…", "text": "…", "case": "…"}` a line; `case` names the kind of trap (negation,
//! future, hypothetical, sports, metaphor, historical…), for the per-case breakdown.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use sitrep_core::contract::Output;
use sitrep_core::Document;

use crate::stats::{Agg, Tally};
use crate::{Errors, EvalError, Result, Runner, SetResult, FP};

pub const SET: &str = "traps";
const METRIC: &str = "traps.false_event_rate";

#[derive(Debug, Clone, Deserialize)]
pub struct Trap {
    pub id: String,
    pub text: String,
    #[serde(default)]
    pub case: String,
}

/// Reads `traps.jsonl` (or any `*.jsonl`) in `dir`.
///
/// # Errors
/// When no file is found or a line is malformed.
pub fn load(dir: &Path) -> Result<Vec<Trap>> {
    let files = crate::files_in(dir, |n| n.ends_with(".jsonl"))?;
    if files.is_empty() {
        return Err(EvalError::Missing { dir: dir.to_owned(), what: "traps.jsonl".into() });
    }
    let mut out = Vec::new();
    for path in files {
        for (i, line) in crate::read(&path)?.lines().enumerate().filter(|(_, l)| !l.trim().is_empty() && !l.starts_with("//")) {
            out.push(serde_json::from_str(line).map_err(|e| EvalError::format(&path, format!("line {}: {e}", i + 1)))?);
        }
    }
    Ok(out)
}

/// Scores traps against outputs (same order): any coded (non-aggregate) event is a false event.
#[must_use]
pub fn score(traps: &[Trap], outputs: &[Output], errors: &mut Errors) -> (Tally, Vec<String>) {
    let mut t = Tally::new(traps.len());
    t.declare(METRIC, Agg::Ratio);
    let mut by_case: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (d, (trap, out)) in traps.iter().zip(outputs).enumerate() {
        let events: Vec<_> = crate::coded_events(out).collect();
        let fired = !events.is_empty();
        t.hit(d, METRIC, fired);
        let c = by_case.entry(trap.case.as_str()).or_default();
        c.0 += usize::from(fired);
        c.1 += 1;
        if fired {
            let s = events[0].evidence.first().map(|x| (x.start, x.end));
            errors.push(&trap.id, FP, METRIC, s, Some(trap.text.clone()), format!("{} trap coded as {}", trap.case, events[0].sub_event_type.as_str()));
        }
    }
    let fired: Vec<String> = by_case.iter().filter(|(_, (f, _))| *f > 0).map(|(case, (f, n))| format!("{case} {f}/{n}")).collect();
    let notes = vec![if fired.is_empty() {
        format!("no case gave an event ({} cases)", by_case.len())
    } else {
        format!("cases that gave events: {}", fired.join(", "))
    }];
    (t, notes)
}

/// Loads, extracts and scores the set in `dir`.
///
/// # Errors
/// As [`load`].
pub fn evaluate(dir: &Path, runner: &Runner) -> Result<SetResult> {
    let traps = load(dir)?;
    let inputs = traps.iter().map(|t| Document::from_text(t.id.clone(), t.text.clone())).collect();
    let outputs = runner.extract_all(inputs);
    let mut errors = Errors::new(SET);
    let (tally, notes) = score(&traps, &outputs, &mut errors);
    Ok(SetResult::new(SET, &tally, errors, notes))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::sets::testutil::{event, output};

    #[test]
    fn any_coded_event_is_a_false_event_but_aggregates_are_not() {
        let trap = |id: &str| Trap { id: id.into(), text: "x".into(), case: "negation".into() };
        let fired = output("a", "x", json!({"events": [event("armed_clash", (0, 1), json!({}))]}));
        let aggregate = output("b", "x", json!({"events": [event("armed_clash", (0, 1), json!({"aggregate": true}))]}));
        let mut errors = Errors::new(SET);
        let (t, notes) = score(&[trap("a"), trap("b")], &[fired, aggregate], &mut errors);
        assert!((t.figures()[0].value.unwrap() - 0.5).abs() < 1e-12);
        assert_eq!(notes, vec!["cases that gave events: negation 1/2"]);
    }

    #[test]
    fn the_repository_trap_file_parses() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../eval/sets");
        let traps = load(&dir).unwrap();
        assert!(!traps.is_empty());
        assert!(traps.iter().all(|t| !t.id.is_empty() && !t.text.is_empty() && !t.case.is_empty()));
    }
}
