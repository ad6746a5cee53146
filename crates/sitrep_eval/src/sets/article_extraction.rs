//! HTML → article body (boilerplate removal), scored with the article-extraction benchmark's
//! own metric (scrapinghub/article-extraction-benchmark `evaluate.py`).
//!
//! Files: `pages.jsonl` or `test.jsonl`/any `*.jsonl`: `{id, url, html, article_body}`.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use sitrep_core::contract::Output;

use crate::stats::Tally;
use crate::{Errors, EvalError, Result, Runner, SetResult, WRONG};

pub const SET: &str = "article_extraction";
const P: &str = "article_extraction.";
/// The benchmark's shingle size.
pub const SHINGLE: usize = 4;

#[derive(Debug, Clone, Deserialize)]
pub struct Page {
    pub id: String,
    #[serde(default)]
    pub url: Option<String>,
    pub html: String,
    #[serde(default)]
    pub article_body: String,
}

/// Reads every page.
///
/// # Errors
/// When no pages file is found or a line is malformed.
pub fn load(dir: &Path) -> Result<Vec<Page>> {
    let files = crate::files_in(dir, |n| n.ends_with(".jsonl"))?;
    if files.is_empty() {
        return Err(EvalError::Missing { dir: dir.to_owned(), what: "pages .jsonl".into() });
    }
    let mut out = Vec::new();
    for path in files {
        for (i, line) in crate::read(&path)?.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            out.push(serde_json::from_str(line).map_err(|e| EvalError::format(&path, format!("line {}: {e}", i + 1)))?);
        }
    }
    Ok(out)
}

/// The benchmark's tokens: runs of word characters (Python's `\w+`).
#[must_use]
pub fn tokens(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|t| !t.is_empty()).collect()
}

fn shingles(text: &str) -> HashMap<Vec<&str>, usize> {
    let toks = tokens(text);
    let mut m = HashMap::new();
    let n = toks.len().saturating_sub(SHINGLE - 1).max(1);
    for i in 0..n {
        let s: Vec<&str> = toks[i..(i + SHINGLE).min(toks.len())].to_vec();
        if !s.is_empty() {
            *m.entry(s).or_insert(0) += 1;
        }
    }
    m
}

/// The benchmark's `string_shingle_matching`: tp, fp, fn over shingle counts, normalised to
/// sum to 1 so long pages weigh no more than short ones.
#[must_use]
pub fn shingle_tp_fp_fn(truth: &str, pred: &str) -> (f64, f64, f64) {
    let t = shingles(truth);
    let p = shingles(pred);
    let (mut tp, mut fp, mut fn_) = (0.0, 0.0, 0.0);
    for key in t.keys().chain(p.keys().filter(|k| !t.contains_key(*k))) {
        let tc = t.get(key).copied().unwrap_or(0) as f64;
        let pc = p.get(key).copied().unwrap_or(0) as f64;
        tp += tc.min(pc);
        fp += (pc - tc).max(0.0);
        fn_ += (tc - pc).max(0.0);
    }
    let s = tp + fp + fn_;
    if s > 0.0 { (tp / s, fp / s, fn_ / s) } else { (0.0, 0.0, 0.0) }
}

/// The body sitrep extracted: the document text minus the removed ranges.
#[must_use]
pub fn extracted_body(out: &Output) -> String {
    let mut removed: Vec<(usize, usize)> = out.document.removed.iter().map(|r| (r.start, r.end)).collect();
    removed.sort_unstable();
    out.document
        .text
        .chars()
        .enumerate()
        .map(|(i, c)| if removed.iter().any(|r| r.0 <= i && i < r.1) { '\n' } else { c })
        .collect()
}

/// Scores pages against outputs (same order).
#[must_use]
pub fn score(pages: &[Page], outputs: &[Output], errors: &mut Errors) -> Tally {
    let mut t = Tally::new(pages.len());
    for (d, (page, out)) in pages.iter().zip(outputs).enumerate() {
        let body = extracted_body(out);
        let (tp, fp, fn_) = shingle_tp_fp_fn(&page.article_body, &body);
        t.page(d, P, tp, fp, fn_);
        if fp > 0.1 || fn_ > 0.1 {
            errors.push(&page.id, WRONG, &format!("{P}f1"), None, page.url.clone(), format!("shingles: {:.0}% extra, {:.0}% missed", fp * 100.0, fn_ * 100.0));
        }
    }
    t
}

/// Loads, ingests, extracts and scores the set in `dir`.
///
/// # Errors
/// As [`load`]; also when the runner has no HTML ingest.
pub fn evaluate(dir: &Path, runner: &Runner) -> Result<SetResult> {
    let pages = load(dir)?;
    let inputs = pages.iter().map(|p| (p.id.clone(), p.url.clone(), p.html.clone())).collect();
    let mut errors = Errors::new(SET);
    let Some(outputs) = runner.extract_html(inputs) else {
        let mut t = Tally::new(pages.len());
        for m in ["precision", "recall", "f1"] {
            t.declare(&format!("{P}{m}"), crate::Agg::PageF1);
        }
        return Ok(SetResult::new(SET, &t, errors, vec!["not measured: no HTML ingest wired into the evaluator yet".into()]));
    };
    let tally = score(&pages, &outputs, &mut errors);
    Ok(SetResult::new(SET, &tally, errors, Vec::new()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::sets::testutil::output;

    /// Checked against the benchmark's Python by hand: truth "a b c d e" has shingles
    /// (a b c d), (b c d e); prediction "x a b c d" has (x a b c), (a b c d):
    /// tp 1, fp 1, fn 1 → normalised 1/3 each.
    #[test]
    fn shingles_follow_the_benchmark() {
        let (tp, fp, fn_) = shingle_tp_fp_fn("a b c d e", "x a b c d");
        assert!((tp - 1.0 / 3.0).abs() < 1e-12 && (fp - 1.0 / 3.0).abs() < 1e-12 && (fn_ - 1.0 / 3.0).abs() < 1e-12);
        // Fewer than four tokens make one short shingle; punctuation separates tokens.
        assert_eq!(shingle_tp_fp_fn("Hello, world!", "hello world"), (0.0, 0.5, 0.5));
        assert_eq!(shingle_tp_fp_fn("", ""), (0.0, 0.0, 0.0));
        assert_eq!(tokens("it's a_b 3.5"), vec!["it", "s", "a_b", "3", "5"]);
    }

    #[test]
    fn page_metrics_average_per_page_as_the_benchmark_does() {
        let pages = vec![
            Page { id: "1".into(), url: None, html: String::new(), article_body: "one two three four five".into() },
            Page { id: "2".into(), url: None, html: String::new(), article_body: "six seven eight nine".into() },
        ];
        // Page 1 perfect; page 2: removed range hides everything → precision undefined, recall 0.
        let out1 = output("1", "one two three four five", json!({}));
        let out2 = output("2", "six seven eight nine", json!({"removed": [{"start": 0, "end": 20, "kind": "other"}]}));
        let mut errors = Errors::new(SET);
        let figs = score(&pages, &[out1, out2], &mut errors).figures();
        let get = |n: &str| figs.iter().find(|f| f.name == format!("{P}{n}")).unwrap().value.unwrap();
        assert!((get("precision") - 1.0).abs() < 1e-12);
        assert!((get("recall") - 0.5).abs() < 1e-12);
        assert!((get("f1") - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn loads_every_page() {
        let pages = load(&sitrep_core::testdata::require_shared_data().join(SET)).unwrap();
        assert_eq!(pages.len(), 57);
        assert!(pages.iter().all(|p| !p.article_body.is_empty() && p.html.contains('<')));
    }
}
