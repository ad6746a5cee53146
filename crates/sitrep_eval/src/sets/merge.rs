//! The project's cross-article merge set: `merge.b3_f1` and `merge.precision`.
//!
//! Files in the repository's `eval/sets/merge/` (or `--data DIR`): `articles.jsonl` (invented
//! articles) and `clusters.tsv` (`article_id<TAB>cluster_id`), documented in its README. The
//! articles go through the pipeline and a fresh in-memory store (`sitrep_store`), exactly as
//! `sitrep ingest` merges them; B³ compares the stored events' clusters with the gold ones.

use std::path::Path;

use crate::stats::{percentile, SplitMix64, RESAMPLES, SEED};
use crate::{Errors, EvalError, Figure, Result, Runner, SetResult, FN};

pub const SET: &str = "merge";

/// Loads, ingests and scores the set in `dir`.
///
/// # Errors
/// When the set's files are missing or malformed, or the store fails.
pub fn evaluate(dir: &Path, runner: &Runner) -> Result<SetResult> {
    if !dir.join("clusters.tsv").is_file() {
        return Err(EvalError::Missing { dir: dir.to_owned(), what: "articles.jsonl and clusters.tsv".into() });
    }
    let (gold, predicted, _store) = sitrep_store::merge_clusters(&runner.pipeline, dir)
        .map_err(|e| EvalError::format(dir, e.to_string()))?;
    let items = sitrep_store::b3_items(&gold, &predicted);
    let mut errors = Errors::new(SET);
    for (item, p, r) in &items {
        if *p < 1.0 || *r < 1.0 {
            let reason = format!(
                "gold cluster {:?}, joined with {} (B3 precision {p:.2}, recall {r:.2})",
                gold[item],
                predicted.get(item).map_or("nothing: no stored event", String::as_str),
            );
            errors.push(item, FN, "merge.b3_f1", None, None, reason);
        }
    }
    Ok(SetResult {
        set: SET.to_owned(),
        documents: items.len(),
        figures: figures(&items),
        errors: errors.records,
        notes: vec![format!("{} articles in {} gold clusters", items.len(), distinct(gold.values()))],
    })
}

fn distinct<'a>(values: impl Iterator<Item = &'a String>) -> usize {
    values.collect::<std::collections::BTreeSet<_>>().len()
}

/// B³ means with a bootstrap over articles (each article's own B³ precision and recall, as
/// computed on the whole set, resampled with replacement).
fn figures(items: &[(String, f64, f64)]) -> Vec<Figure> {
    let n = items.len();
    let score = |pick: &mut dyn FnMut() -> usize| {
        let (mut p, mut r) = (0.0, 0.0);
        for _ in 0..n {
            let (_, ip, ir) = &items[pick()];
            p += ip;
            r += ir;
        }
        let (p, r) = (p / n as f64, r / n as f64);
        (if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 }, p)
    };
    if n == 0 {
        return ["merge.b3_f1", "merge.precision"]
            .iter()
            .map(|name| Figure { name: (*name).to_owned(), value: None, n: 0, ci_low: None, ci_high: None })
            .collect();
    }
    let mut next = 0;
    let (f1, precision) = score(&mut || {
        next += 1;
        next - 1
    });
    let mut rng = SplitMix64::new(SEED);
    let (mut f1s, mut ps): (Vec<f64>, Vec<f64>) = (0..RESAMPLES).map(|_| score(&mut || rng.below(n))).unzip();
    let interval = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (percentile(v, 0.025), percentile(v, 0.975))
    };
    let (f_lo, f_hi) = interval(&mut f1s);
    let (p_lo, p_hi) = interval(&mut ps);
    vec![
        Figure { name: "merge.b3_f1".into(), value: Some(f1), n, ci_low: f_lo, ci_high: f_hi },
        Figure { name: "merge.precision".into(), value: Some(precision), n, ci_low: p_lo, ci_high: p_hi },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_clusters_score_one_and_a_wrong_join_lowers_precision() {
        let perfect = vec![("a".to_owned(), 1.0, 1.0), ("b".to_owned(), 1.0, 1.0)];
        let f = figures(&perfect);
        assert_eq!(f[0].value, Some(1.0));
        assert_eq!(f[1].ci_low, Some(1.0));
        let joined = vec![("a".to_owned(), 0.5, 1.0), ("b".to_owned(), 0.5, 1.0)];
        let f = figures(&joined);
        assert_eq!(f[1].value, Some(0.5));
        assert!((f[0].value.unwrap() - 2.0 / 3.0).abs() < 1e-9);
    }
}
