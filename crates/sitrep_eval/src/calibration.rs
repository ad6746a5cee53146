//! Calibration of event confidence (METRICS.md, project-written sets): `calibration.ece` and
//! `calibration.precision_at_0_9`, pooled over the sets where each event can be judged right
//! or wrong, computed from out-of-fold predictions of a k-fold cross-validation over documents,
//! so no event is scored by a model fitted on its own document. eval/SCORING.md has the rules.
//!
//! Judgments (non-aggregate events only):
//! - case2021_task2: right when its sub-type is the snippet's mapped gold label (any event on a
//!   non-ACLED snippet is wrong);
//! - plover_gsr: right when the sentence's class is ASSAULT/FIGHT (violent family) or PROTEST
//!   (demonstration family) and the event is of that family; any event on a negative class is wrong;
//! - isaf_press_releases: right when the event satisfies one of the release's gold types (the
//!   scorer's type map);
//! - traps: every event is wrong.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use rayon::prelude::*;
pub use sitrep_confidence::FitOptions;
use sitrep_confidence::{Confidence, Features, Model};
use sitrep_core::contract;
use sitrep_core::{Document, SubEventType};

use crate::sets::{case2021, family, isaf, plover, traps, Family};
use crate::stats::Figure;
use crate::{Result, Runner, SetResult};

pub const SET: &str = "calibration";
/// Folds of the cross-validation.
pub const FOLDS: usize = 5;
/// Bins of the expected calibration error.
pub const BINS: usize = 10;

/// One event, its features and whether it was right.
#[derive(Debug, Clone)]
pub struct Judged {
    pub set: &'static str,
    pub document: String,
    pub event: String,
    pub features: Features,
    pub right: bool,
}

/// What a document's events are judged against.
enum Gold {
    Case(Option<SubEventType>),
    Plover(Option<Family>),
    Isaf(isaf::Gold),
    Trap,
}

fn judge(gold: &Gold, out: &contract::OutEvent) -> bool {
    match gold {
        Gold::Case(g) => *g == Some(out.sub_event_type),
        Gold::Plover(g) => g.is_some_and(|f| family(out.sub_event_type) == f),
        Gold::Isaf(g) => isaf::judge_event(g, out),
        Gold::Trap => false,
    }
}

/// Runs the pipeline over every judgeable set under `data_root` (and the traps in
/// `traps_dir`), returning the judged events in a fixed order and notes on what was missing.
///
/// # Errors
/// When a set's files are present but malformed.
pub fn collect(runner: &Runner, data_root: &Path, traps_dir: &Path) -> Result<(Vec<Judged>, Vec<String>)> {
    let mut inputs: Vec<(&'static str, Document, Gold)> = Vec::new();
    let mut notes = Vec::new();
    let dir = data_root.join(case2021::SET);
    match case2021::load(&dir) {
        Ok(snips) => inputs.extend(snips.into_iter().map(|s| {
            (case2021::SET, Document::from_text(format!("case2021-{}", s.id), s.text), Gold::Case(s.gold))
        })),
        Err(e) => notes.push(format!("{}: {e}", case2021::SET)),
    }
    match plover::load(&data_root.join(plover::SET)) {
        Ok(sents) => inputs.extend(sents.into_iter().map(|s| {
            let want = match s.event.as_str() {
                "ASSAULT" | "FIGHT" => Some(Family::Violent),
                "PROTEST" => Some(Family::Demonstration),
                _ => None,
            };
            (plover::SET, Document::from_text(format!("plover-{}", s.id), s.text), Gold::Plover(want))
        })),
        Err(e) => notes.push(format!("{}: {e}", plover::SET)),
    }
    match isaf::load(&data_root.join(isaf::SET)) {
        Ok(rels) => inputs.extend(rels.into_iter().map(|r| (isaf::SET, Document::from_text(format!("isaf-{}", r.id), r.text), Gold::Isaf(r.gold)))),
        Err(e) => notes.push(format!("{}: {e}", isaf::SET)),
    }
    match traps::load(traps_dir) {
        Ok(ts) => inputs.extend(ts.into_iter().map(|t| (traps::SET, Document::from_text(format!("trap-{}", t.id), t.text), Gold::Trap))),
        Err(e) => notes.push(format!("{}: {e}", traps::SET)),
    }
    let features = Confidence::with_model(Model::default()).map_err(|e| crate::EvalError::format(Path::new(sitrep_confidence::MODEL_PATH), e.to_string()))?;
    let pipeline = &runner.pipeline;
    let judged: Vec<Vec<Judged>> = inputs
        .into_par_iter()
        .map(|(set, mut doc, gold)| {
            if catch_unwind(AssertUnwindSafe(|| pipeline.annotate(&mut doc))).is_err() {
                return Vec::new();
            }
            let out = contract::to_output(&doc, pipeline.provenance());
            doc.events
                .iter()
                .enumerate()
                .filter(|(_, e)| !e.aggregate)
                .filter_map(|(i, e)| {
                    let o = out.events.iter().find(|o| o.id == e.id)?;
                    Some(Judged { set, document: doc.id.clone(), event: e.id.clone(), features: features.features(&doc, i), right: judge(&gold, o) })
                })
                .collect()
        })
        .collect();
    Ok((judged.into_iter().flatten().collect(), notes))
}

/// The fold of a document: FNV-1a of its id, so the split depends on nothing but the ids.
#[must_use]
pub fn fold_of(document: &str, folds: usize) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in document.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % folds as u64) as usize
}

/// Out-of-fold predictions: each event scored by a model fitted on the other folds' documents.
#[must_use]
pub fn cross_validate(judged: &[Judged], folds: usize, opts: FitOptions) -> Vec<f64> {
    let fold: Vec<usize> = judged.iter().map(|j| fold_of(&j.document, folds)).collect();
    let mut preds = vec![0.0; judged.len()];
    for k in 0..folds {
        let train: Vec<(Features, bool)> =
            judged.iter().zip(&fold).filter(|(_, f)| **f != k).map(|(j, _)| (j.features.clone(), j.right)).collect();
        let model = sitrep_confidence::fit(&train, opts);
        for (i, j) in judged.iter().enumerate().filter(|(i, _)| fold[*i] == k) {
            preds[i] = model.predict(&j.features);
        }
    }
    preds
}

/// Expected calibration error over `bins` equal-width bins of confidence: the mean over events
/// of |accuracy of its bin − mean confidence of its bin|. `None` without events.
#[must_use]
pub fn ece(preds: &[f64], right: &[bool], bins: usize) -> Option<f64> {
    if preds.is_empty() {
        return None;
    }
    let mut sum = vec![(0.0, 0.0, 0usize); bins];
    for (p, r) in preds.iter().zip(right) {
        let b = ((p * bins as f64) as usize).min(bins - 1);
        sum[b].0 += p;
        sum[b].1 += f64::from(u8::from(*r));
        sum[b].2 += 1;
    }
    let n = preds.len() as f64;
    Some(sum.iter().filter(|s| s.2 > 0).map(|(c, a, k)| (*k as f64 / n) * (a / *k as f64 - c / *k as f64).abs()).sum())
}

/// Share right among events with confidence ≥ `threshold`, and how many there were.
#[must_use]
pub fn precision_at(preds: &[f64], right: &[bool], threshold: f64) -> (Option<f64>, usize) {
    let kept: Vec<bool> = preds.iter().zip(right).filter(|(p, _)| **p >= threshold).map(|(_, r)| *r).collect();
    let n = kept.len();
    ((n > 0).then(|| kept.iter().filter(|r| **r).count() as f64 / n as f64), n)
}

fn figure(name: &str, value: Option<f64>, n: usize) -> Figure {
    Figure { name: name.to_owned(), value, n, ci_low: None, ci_high: None }
}

/// The cross-validated figures for `judged`.
#[must_use]
pub fn figures(judged: &[Judged], opts: FitOptions) -> Vec<Figure> {
    let preds = cross_validate(judged, FOLDS, opts);
    let right: Vec<bool> = judged.iter().map(|j| j.right).collect();
    let (p90, n90) = precision_at(&preds, &right, 0.9);
    let base = (!right.is_empty()).then(|| right.iter().filter(|r| **r).count() as f64 / right.len() as f64);
    vec![
        figure("calibration.ece", ece(&preds, &right, BINS), judged.len()),
        figure("calibration.precision_at_0_9", p90, n90),
        figure("calibration.events_right", base, judged.len()),
    ]
}

/// `sitrep eval calibration`: `dir` is the calibration set's default folder under the data
/// root; the sets it pools are its siblings, the traps the repository's `eval/sets`.
///
/// # Errors
/// As [`collect`].
pub fn evaluate(dir: &Path, runner: &Runner) -> Result<SetResult> {
    // `dir` is the folder holding every set (`sitrep eval calibration` and `eval all`), or, as
    // for the other sets, a folder beside them.
    let data_root = if dir.join("case2021_task2").is_dir() { dir } else { dir.parent().unwrap_or(dir) };
    let repo = crate::find_repo_root(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap_or_default();
    let (judged, mut notes) = collect(runner, data_root, &repo.join("eval/sets"))?;
    let documents = {
        let mut d: Vec<&str> = judged.iter().map(|j| j.document.as_str()).collect();
        d.dedup();
        d.len()
    };
    notes.push(format!("{FOLDS}-fold cross-validation over documents; {} judged events from {documents} documents with events", judged.len()));
    Ok(SetResult { set: SET.to_owned(), documents, figures: figures(&judged, FitOptions::default()), errors: Vec::new(), notes })
}

/// Fits the model on every judged event (what `sitrep train confidence` writes), with the
/// cross-validated figures that describe it.
#[must_use]
pub fn train(judged: &[Judged], opts: FitOptions) -> (Model, Vec<Figure>) {
    let all: Vec<(Features, bool)> = judged.iter().map(|j| (j.features.clone(), j.right)).collect();
    (sitrep_confidence::fit(&all, opts), figures(judged, opts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ece_and_precision_by_hand() {
        // Bin 9: 0.95, 0.95 (1 right) → |0.5 − 0.95| · 2/4; bin 2: 0.2, 0.2 (0 right) → |0 − 0.2| · 2/4.
        let preds = [0.95, 0.95, 0.2, 0.2];
        let right = [true, false, false, false];
        assert!((ece(&preds, &right, 10).unwrap() - (0.45 * 0.5 + 0.2 * 0.5)).abs() < 1e-12);
        assert_eq!(precision_at(&preds, &right, 0.9), (Some(0.5), 2));
        assert_eq!(precision_at(&preds, &right, 0.99), (None, 0));
    }

    #[test]
    fn folds_split_by_document_only() {
        assert_eq!(fold_of("case2021-17", 5), fold_of("case2021-17", 5));
        let counts = (0..500).fold([0usize; 5], |mut c, i| {
            c[fold_of(&format!("doc-{i}"), 5)] += 1;
            c
        });
        assert!(counts.iter().all(|&c| c > 60), "{counts:?}");
    }
}
