//! `merge.b3_f1` and `merge.precision` on the project's cluster set (`eval/sets/merge`).

use std::collections::HashMap;
use std::path::Path;

use sitrep_pipeline::Pipeline;

use crate::ingest::{ingest, IngestOptions};
use crate::store::Store;
use crate::Error;

/// B³ scores of predicted clusters against gold ones.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct MergeScore {
    pub b3_precision: f64,
    pub b3_recall: f64,
    pub b3_f1: f64,
    /// Articles scored.
    pub n: usize,
}

/// Each gold item's B³ precision and recall (item → cluster), in item order. An item missing
/// from `predicted` is a singleton, so a missed extraction costs recall, never precision.
#[must_use]
pub fn b3_items(gold: &HashMap<String, String>, predicted: &HashMap<String, String>) -> Vec<(String, f64, f64)> {
    let pred_of = |item: &String| predicted.get(item).cloned().unwrap_or_else(|| format!("singleton:{item}"));
    let mut gold_members: HashMap<&str, Vec<&String>> = HashMap::new();
    let mut pred_members: HashMap<String, Vec<&String>> = HashMap::new();
    for (item, cluster) in gold {
        gold_members.entry(cluster.as_str()).or_default().push(item);
        pred_members.entry(pred_of(item)).or_default().push(item);
    }
    let mut items: Vec<(String, f64, f64)> = gold
        .iter()
        .map(|(item, cluster)| {
            let pc = &pred_members[&pred_of(item)];
            let gc = &gold_members[cluster.as_str()];
            let both = pc.iter().filter(|x| gold.get(**x) == Some(cluster)).count() as f64;
            (item.clone(), both / pc.len() as f64, both / gc.len() as f64)
        })
        .collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    items
}

/// B³ precision, recall and F1: the means of [`b3_items`].
#[must_use]
pub fn b3(gold: &HashMap<String, String>, predicted: &HashMap<String, String>) -> MergeScore {
    let items = b3_items(gold, predicted);
    let n = items.len();
    let (p, r) = items.iter().fold((0.0, 0.0), |(p, r), (_, ip, ir)| (p + ip, r + ir));
    let (p, r) = if n == 0 { (0.0, 0.0) } else { (p / n as f64, r / n as f64) };
    let f1 = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
    MergeScore { b3_precision: p, b3_recall: r, b3_f1: f1, n }
}

/// Reads `clusters.tsv` (`article_id<TAB>cluster_id`, `#` comments).
///
/// # Errors
/// When the file cannot be read or a line has no tab.
pub fn read_clusters(path: &Path) -> Result<HashMap<String, String>, Error> {
    let text = std::fs::read_to_string(path)?;
    let mut gold = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (a, c) = line
            .split_once('\t')
            .ok_or_else(|| Error::BadGold(format!("{}:{}: expected article_id<TAB>cluster_id", path.display(), i + 1)))?;
        gold.insert(a.trim().to_owned(), c.trim().to_owned());
    }
    Ok(gold)
}

/// Ingests `dir/articles.jsonl` into a fresh in-memory store and scores the clusters its lead
/// events joined against `dir/clusters.tsv`.
///
/// # Errors
/// Unreadable set files, or a database error.
pub fn eval_merge_with(pipeline: &Pipeline, dir: &Path) -> Result<(MergeScore, Store), Error> {
    let (gold, predicted, store) = merge_clusters(pipeline, dir)?;
    Ok((b3(&gold, &predicted), store))
}

/// Item → cluster id.
pub type Clusters = HashMap<String, String>;

/// Gold and predicted clusters of the set in `dir`, and the store that made them.
///
/// # Errors
/// Unreadable set files, or a database error.
pub fn merge_clusters(
    pipeline: &Pipeline,
    dir: &Path,
) -> Result<(Clusters, Clusters, Store), Error> {
    let gold = read_clusters(&dir.join("clusters.tsv"))?;
    let mut store = Store::open_in_memory()?;
    ingest(&mut store, pipeline, &[dir.join("articles.jsonl")], &IngestOptions::default(), |_| {})?;
    let predicted = store.lead_event_clusters()?;
    Ok((gold, predicted, store))
}

/// As [`eval_merge_with`], loading the pipeline itself: `(b3_f1, precision, n)` for `sitrep eval`.
///
/// # Errors
/// As [`eval_merge_with`], or when the pipeline cannot load.
pub fn eval_merge(dir: &Path) -> Result<MergeScore, Error> {
    let pipeline = Pipeline::load().map_err(Error::Pipeline)?;
    Ok(eval_merge_with(&pipeline, dir)?.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect()
    }

    #[test]
    fn b3_is_one_for_a_perfect_clustering_and_penalises_a_wrong_join() {
        let gold = map(&[("a", "1"), ("b", "1"), ("c", "2")]);
        let s = b3(&gold, &map(&[("a", "x"), ("b", "x"), ("c", "y")]));
        assert!((s.b3_f1 - 1.0).abs() < 1e-9);
        let s = b3(&gold, &map(&[("a", "x"), ("b", "x"), ("c", "x")]));
        // a and b each see 2 of 3 right, c sees 1 of 3: precision (2/3 + 2/3 + 1/3) / 3.
        assert!((s.b3_precision - 5.0 / 9.0).abs() < 1e-9);
        assert!(s.b3_precision < 1.0 && (s.b3_recall - 1.0).abs() < 1e-9);
        let s = b3(&gold, &HashMap::new());
        assert!((s.b3_precision - 1.0).abs() < 1e-9 && s.b3_recall < 1.0);
    }
}
