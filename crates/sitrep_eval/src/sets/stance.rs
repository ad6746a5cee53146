//! The project's stance set: short reports of one event each, with every source the text names
//! for it and that source's stance (asserts / denies / disputes), and whether the event is
//! contested.
//!
//! Files: `eval/sets/stance/test.jsonl` is scored; `dev.jsonl` beside it is for developing rules
//! and is never scored. One record a line:
//! `{"id", "published", "text", "event", "claims": [{"source", "stance"}], "contested", "phenomena"}`;
//! `source` is a substring of `text`, or `OUTLET` for the outlet's own voice.
//!
//! Scoring (SCORING.md): the text's event is the coded event whose claims match the most gold
//! sources (ties: the earlier event). A gold claim is right when a claim of that event names the
//! same source with the same stance. Sources match when the predicted claim's span holds the gold
//! source's first occurrence, or the predicted source contains the gold source's head word;
//! `OUTLET` matches the claim in the outlet's own voice. No coded event: every gold claim is wrong
//! and the event counts as not contested.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use sitrep_core::contract::{OutClaim, OutEvent, Output};
use sitrep_core::{Document, Stance, OUTLET_VOICE};

use crate::stats::{Agg, Tally};
use crate::{Errors, EvalError, Result, Runner, SetResult, FN, WRONG};

pub const SET: &str = "stance";
const P: &str = "stance.";
/// The gold source that means "the outlet, in its own voice".
const OUTLET: &str = "OUTLET";

#[derive(Debug, Clone, Deserialize)]
pub struct GoldClaim {
    pub source: String,
    pub stance: Stance,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Report {
    pub id: String,
    #[serde(default)]
    pub published: Option<jiff::civil::Date>,
    pub text: String,
    #[serde(default)]
    pub event: String,
    pub claims: Vec<GoldClaim>,
    pub contested: bool,
    #[serde(default)]
    pub phenomena: Vec<String>,
}

/// Reads the scored file, `test.jsonl`, in `dir`.
///
/// # Errors
/// When the file is missing or a line is malformed.
pub fn load(dir: &Path) -> Result<Vec<Report>> {
    let path = dir.join("test.jsonl");
    if !path.is_file() {
        return Err(EvalError::Missing { dir: dir.to_owned(), what: "test.jsonl".into() });
    }
    let mut out = Vec::new();
    for (i, line) in crate::read(&path)?.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let report: Report = serde_json::from_str(line).map_err(|e| EvalError::format(&path, format!("line {}: {e}", i + 1)))?;
        if let Some(bad) = report.claims.iter().find(|c| c.source != OUTLET && !report.text.contains(&c.source)) {
            return Err(EvalError::format(&path, format!("line {}: source {:?} is not in the text", i + 1, bad.source)));
        }
        out.push(report);
    }
    Ok(out)
}

/// Does the predicted claim name the gold source?
fn same_source(text: &str, gold: &GoldClaim, claim: &OutClaim) -> bool {
    if gold.source == OUTLET {
        return claim.source_entity.is_none() && claim.source == OUTLET_VOICE;
    }
    if claim.source == OUTLET_VOICE {
        return false;
    }
    let head = gold.source.split_whitespace().last().unwrap_or("").to_lowercase();
    if !head.is_empty() && claim.source.to_lowercase().split_whitespace().any(|w| w.trim_matches(|c: char| !c.is_alphanumeric()) == head) {
        return true;
    }
    // Gold sources are byte substrings; predicted spans are characters.
    text.find(&gold.source).is_some_and(|byte| {
        let start = text[..byte].chars().count();
        let end = start + gold.source.chars().count();
        claim.start <= start && end <= claim.end
    })
}

/// The coded event whose claims name the most gold sources.
fn main_event<'a>(report: &Report, out: &'a Output) -> Option<&'a OutEvent> {
    let mut best: Option<(&OutEvent, usize)> = None;
    for e in crate::coded_events(out) {
        let named = report.claims.iter().filter(|g| e.claims.iter().any(|c| same_source(&report.text, g, c))).count();
        if best.is_none_or(|(_, n)| named > n) {
            best = Some((e, named));
        }
    }
    best.map(|(e, _)| e)
}

fn stance_name(s: Stance) -> &'static str {
    match s {
        Stance::Asserts => "asserts",
        Stance::Denies => "denies",
        Stance::Disputes => "disputes",
    }
}

/// Scores reports against outputs (same order).
#[must_use]
pub fn score(reports: &[Report], outputs: &[Output], errors: &mut Errors) -> (Tally, Vec<String>) {
    let mut t = Tally::new(reports.len());
    for name in ["accuracy", "accuracy.asserts", "accuracy.denies", "accuracy.disputes", "contested_accuracy", "event_found"] {
        t.declare(&format!("{P}{name}"), Agg::Ratio);
    }
    let mut by_phenomenon: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (d, (report, out)) in reports.iter().zip(outputs).enumerate() {
        let event = main_event(report, out);
        t.hit(d, &format!("{P}event_found"), event.is_some());
        let mut all_right = true;
        for gold in &report.claims {
            let predicted: Vec<&OutClaim> =
                event.map(|e| e.claims.iter().filter(|c| same_source(&report.text, gold, c)).collect()).unwrap_or_default();
            let right = predicted.iter().any(|c| c.stance == gold.stance);
            all_right &= right;
            t.hit(d, &format!("{P}accuracy"), right);
            t.hit(d, &format!("{P}accuracy.{}", stance_name(gold.stance)), right);
            if !right {
                let (kind, reason) = match (event, predicted.first()) {
                    (None, _) => (FN, "no event coded".to_owned()),
                    (Some(_), None) => (FN, format!("source {:?} ({}) not among the event's claims", gold.source, stance_name(gold.stance))),
                    (Some(_), Some(c)) => {
                        (WRONG, format!("source {:?}: {} expected, {} given", gold.source, stance_name(gold.stance), stance_name(c.stance)))
                    }
                };
                let span = predicted.first().map(|c| (c.start, c.end));
                errors.push(&report.id, kind, &format!("{P}accuracy"), span, Some(report.text.clone()), reason);
            }
        }
        let contested = event.is_some_and(|e| e.contested);
        t.hit(d, &format!("{P}contested_accuracy"), contested == report.contested);
        if contested != report.contested {
            errors.push(&report.id, WRONG, &format!("{P}contested_accuracy"), None, None, format!("contested {} expected", report.contested));
        }
        for p in &report.phenomena {
            let c = by_phenomenon.entry(p.as_str()).or_default();
            c.0 += usize::from(all_right);
            c.1 += 1;
        }
    }
    let notes = vec![format!(
        "texts with every claim right, by phenomenon: {}",
        by_phenomenon.iter().map(|(p, (r, n))| format!("{p} {r}/{n}")).collect::<Vec<_>>().join(", ")
    )];
    (t, notes)
}

/// Loads, extracts and scores the set in `dir`.
///
/// # Errors
/// As [`load`].
pub fn evaluate(dir: &Path, runner: &Runner) -> Result<SetResult> {
    let reports = load(dir)?;
    let inputs = reports
        .iter()
        .map(|r| {
            let mut doc = Document::from_text(r.id.clone(), r.text.clone());
            doc.published = r.published;
            if r.published.is_some() {
                doc.published_source = sitrep_core::PublishedSource::Jsonl;
            }
            doc
        })
        .collect();
    let outputs = runner.extract_all(inputs);
    let mut errors = Errors::new(SET);
    let (tally, notes) = score(&reports, &outputs, &mut errors);
    Ok(SetResult::new(SET, &tally, errors, notes))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::sets::testutil::{event, output};

    const TEXT: &str = "Rebels shelled Idlib, state TV said. The rebels denied it.";

    fn report(claims: &[(&str, Stance)], contested: bool) -> Report {
        Report {
            id: "r".into(),
            published: None,
            text: TEXT.into(),
            event: String::new(),
            claims: claims.iter().map(|(s, st)| GoldClaim { source: (*s).into(), stance: *st }).collect(),
            contested,
            phenomena: vec!["denial".into()],
        }
    }

    fn claim(source: &str, stance: &str, span: (usize, usize)) -> serde_json::Value {
        json!({"source": source, "source_entity": null, "stance": stance, "start": span.0, "end": span.1})
    }

    #[test]
    fn a_claim_is_right_with_the_same_source_and_stance() {
        let claims = json!([claim("state TV", "asserts", (0, 35)), claim("The rebels", "asserts", (37, 58))]);
        let out = output("r", TEXT, json!({"events": [event("shelling_artillery_missile_attack", (7, 14), json!({"claims": claims, "contested": false}))]}));
        let gold = report(&[("state TV", Stance::Asserts), ("The rebels", Stance::Denies)], true);
        let mut errors = Errors::new(SET);
        let (t, _) = score(&[gold], &[out], &mut errors);
        let f: BTreeMap<String, Option<f64>> = t.figures().into_iter().map(|f| (f.name, f.value)).collect();
        assert_eq!(f["stance.accuracy"], Some(0.5));
        assert_eq!(f["stance.accuracy.asserts"], Some(1.0));
        assert_eq!(f["stance.accuracy.denies"], Some(0.0));
        assert_eq!(f["stance.contested_accuracy"], Some(0.0));
        assert_eq!(errors.records.iter().filter(|e| e.kind == WRONG).count(), 2);
    }

    #[test]
    fn the_outlet_voice_matches_only_the_outlet_claim_and_no_event_gets_nothing_right() {
        let out = output(
            "r",
            TEXT,
            json!({"events": [event("shelling_artillery_missile_attack", (7, 14), json!({"claims": [claim(OUTLET_VOICE, "asserts", (7, 14))]}))]}),
        );
        let gold = report(&[(OUTLET, Stance::Asserts)], false);
        let (t, _) = score(std::slice::from_ref(&gold), &[out], &mut Errors::new(SET));
        assert_eq!(t.figures().iter().find(|f| f.name == "stance.accuracy").unwrap().value, Some(1.0));
        let none = output("r", TEXT, json!({}));
        let (t, _) = score(&[gold], &[none], &mut Errors::new(SET));
        let f: BTreeMap<String, Option<f64>> = t.figures().into_iter().map(|f| (f.name, f.value)).collect();
        assert_eq!(f["stance.accuracy"], Some(0.0));
        assert_eq!(f["stance.event_found"], Some(0.0));
        assert_eq!(f["stance.contested_accuracy"], Some(1.0));
    }

    #[test]
    fn the_repository_set_parses_and_every_source_is_in_its_text() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../eval/sets/stance");
        let reports = load(&dir).unwrap();
        assert!(reports.len() >= 40, "{} texts", reports.len());
        assert!(reports.iter().all(|r| !r.claims.is_empty()));
        for stance in [Stance::Asserts, Stance::Denies, Stance::Disputes] {
            assert!(reports.iter().any(|r| r.claims.iter().any(|c| c.stance == stance)), "{stance:?} missing");
        }
    }
}
