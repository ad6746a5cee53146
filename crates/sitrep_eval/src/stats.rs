//! Figures with their n and a bootstrap interval over documents.
//!
//! Every scorer records, per document, the sufficient statistics of each metric (counts for
//! ratios and F1, raw values for means, medians and AUC). The point figure and each bootstrap
//! replicate are computed from the same statistics, so the interval resamples documents, never
//! items within a document (items in one article are not independent).

use serde::Serialize;

/// Bootstrap resamples, fixed by METRICS.md.
pub const RESAMPLES: usize = 1000;
/// Fixed seed so the same output gives the same interval on every machine.
pub const SEED: u64 = 0x0051_72e9_2026;

/// How a metric's per-document statistics combine into one figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agg {
    /// Stats `[numerator, denominator]`; n = denominator.
    Ratio,
    /// Stats `[tp, fp, fn]`; F1, n = tp + fn (gold items).
    F1,
    /// Stats `[tp, fp, fn]`; precision tp / (tp + fp), n = tp + fp.
    Precision,
    /// Stats `[tp, fp, fn]`; recall tp / (tp + fn), n = tp + fn.
    Recall,
    /// Stats `[tp0, fp0, fn0, tp1, …]` for `k` classes; mean F1 over classes that occur in gold
    /// or predictions; n = gold items.
    MacroF1(usize),
    /// Stats: any number of values; their mean.
    Mean,
    /// Stats: any number of values; their median.
    Median,
    /// Stats: error distances in km; Gritta et al. (2018) area under the curve of the sorted
    /// log(1 + error), normalised by ln(20039) and (n − 1). Lower is better.
    AucLogError,
    /// The article-extraction benchmark's precision: stats `[tp, fp, fn]` normalised per page;
    /// mean over pages of the page precision (pages with tp + fp > 0).
    PagePrecision,
    /// Same, recall (pages with tp + fn > 0).
    PageRecall,
    /// Harmonic mean of `PagePrecision` and `PageRecall`, as the benchmark computes F1.
    PageF1,
}

/// Largest error on Earth's surface, the AUC's normaliser and the error of an unresolved toponym.
pub const MAX_ERROR_KM: f64 = 20_039.0;

#[derive(Debug, Clone)]
struct MetricAcc {
    name: String,
    agg: Agg,
    /// Indexed by document.
    per_doc: Vec<Vec<f64>>,
}

/// Per-document statistics for every metric of one set.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    documents: usize,
    metrics: Vec<MetricAcc>,
}

/// One reported figure.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub name: String,
    /// `None` when there is nothing to compute it from (no gold items).
    pub value: Option<f64>,
    pub n: usize,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

impl Tally {
    /// A tally over `documents` documents (indices `0..documents`).
    #[must_use]
    pub fn new(documents: usize) -> Self {
        Self { documents, metrics: Vec::new() }
    }

    #[must_use]
    pub const fn documents(&self) -> usize {
        self.documents
    }

    /// Declares a metric so it is reported (as null) even when no document adds to it.
    pub fn declare(&mut self, name: &str, agg: Agg) {
        if self.metrics.iter().any(|m| m.name == name) {
            return;
        }
        self.metrics.push(MetricAcc { name: name.to_owned(), agg, per_doc: vec![Vec::new(); self.documents] });
    }

    fn slot(&mut self, name: &str, agg: Agg, doc: usize) -> &mut Vec<f64> {
        self.declare(name, agg);
        let m = self.metrics.iter_mut().find(|m| m.name == name).expect("declared above");
        debug_assert_eq!(m.agg, agg, "metric {name} used with two aggregations");
        &mut m.per_doc[doc]
    }

    fn add_vec(&mut self, name: &str, agg: Agg, doc: usize, values: &[f64]) {
        let slot = self.slot(name, agg, doc);
        if slot.len() < values.len() {
            slot.resize(values.len(), 0.0);
        }
        for (s, v) in slot.iter_mut().zip(values) {
            *s += v;
        }
    }

    /// Adds `num` right out of `den` to a ratio metric.
    pub fn ratio(&mut self, doc: usize, name: &str, num: f64, den: f64) {
        self.add_vec(name, Agg::Ratio, doc, &[num, den]);
    }

    /// Adds one item, right or wrong, to a ratio metric.
    pub fn hit(&mut self, doc: usize, name: &str, right: bool) {
        self.ratio(doc, name, f64::from(u8::from(right)), 1.0);
    }

    /// Adds counts to an F1/precision/recall metric (`agg` one of those three).
    pub fn counts(&mut self, doc: usize, name: &str, agg: Agg, tp: f64, fp: f64, fn_: f64) {
        self.add_vec(name, agg, doc, &[tp, fp, fn_]);
    }

    /// Adds `[tp, fp, fn]` for class `class` (of `classes`) of a macro-F1 metric.
    pub fn class_counts(&mut self, doc: usize, name: &str, (classes, class): (usize, usize), [tp, fp, fn_]: [f64; 3]) {
        let mut v = vec![0.0; classes * 3];
        v[class * 3] = tp;
        v[class * 3 + 1] = fp;
        v[class * 3 + 2] = fn_;
        self.add_vec(name, Agg::MacroF1(classes), doc, &v);
    }

    /// Adds one value to a mean/median/AUC metric.
    pub fn item(&mut self, doc: usize, name: &str, agg: Agg, value: f64) {
        self.slot(name, agg, doc).push(value);
    }

    /// Sets a page's normalised `[tp, fp, fn]` for the three page metrics.
    pub fn page(&mut self, doc: usize, prefix: &str, tp: f64, fp: f64, fn_: f64) {
        for (suffix, agg) in [("precision", Agg::PagePrecision), ("recall", Agg::PageRecall), ("f1", Agg::PageF1)] {
            *self.slot(&format!("{prefix}{suffix}"), agg, doc) = vec![tp, fp, fn_];
        }
    }

    /// Every declared metric with its figure, n and 95% bootstrap interval.
    #[must_use]
    pub fn figures(&self) -> Vec<Figure> {
        let all: Vec<usize> = (0..self.documents).collect();
        let mut rng = SplitMix64::new(SEED);
        let samples: Vec<Vec<usize>> = (0..RESAMPLES)
            .map(|_| (0..self.documents).map(|_| rng.below(self.documents)).collect())
            .collect();
        self.metrics
            .iter()
            .map(|m| {
                let (value, n) = compute(m.agg, all.iter().map(|&d| &m.per_doc[d]));
                let (ci_low, ci_high) = if value.is_some() && self.documents > 0 {
                    let mut reps: Vec<f64> = samples
                        .iter()
                        .filter_map(|s| compute(m.agg, s.iter().map(|&d| &m.per_doc[d])).0)
                        .collect();
                    reps.sort_by(f64::total_cmp);
                    (percentile(&reps, 0.025), percentile(&reps, 0.975))
                } else {
                    (None, None)
                };
                Figure { name: m.name.clone(), value, n, ci_low, ci_high }
            })
            .collect()
    }
}

pub(crate) fn percentile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    // Linear interpolation between closest ranks (numpy's default).
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let frac = pos - lo as f64;
    Some(sorted[lo] + (sorted[hi] - sorted[lo]) * frac)
}

fn sum_stats<'a>(docs: impl Iterator<Item = &'a Vec<f64>>) -> Vec<f64> {
    let mut total: Vec<f64> = Vec::new();
    for d in docs {
        if total.len() < d.len() {
            total.resize(d.len(), 0.0);
        }
        for (t, v) in total.iter_mut().zip(d) {
            *t += v;
        }
    }
    total
}

fn f1(tp: f64, fp: f64, fn_: f64) -> Option<f64> {
    if tp + fp + fn_ == 0.0 {
        return None;
    }
    Some(if tp == 0.0 { 0.0 } else { 2.0 * tp / (2.0 * tp + fp + fn_) })
}

fn div(num: f64, den: f64) -> Option<f64> {
    (den > 0.0).then(|| num / den)
}

fn count(x: f64) -> usize {
    x.round().max(0.0) as usize
}

/// One figure and its n from the statistics of the given documents.
fn compute<'a>(agg: Agg, docs: impl Iterator<Item = &'a Vec<f64>>) -> (Option<f64>, usize) {
    match agg {
        Agg::Ratio => {
            let s = sum_stats(docs);
            let (num, den) = (s.first().copied().unwrap_or(0.0), s.get(1).copied().unwrap_or(0.0));
            (div(num, den), count(den))
        }
        Agg::F1 | Agg::Precision | Agg::Recall => {
            let s = sum_stats(docs);
            let get = |i: usize| s.get(i).copied().unwrap_or(0.0);
            let (tp, fp, fn_) = (get(0), get(1), get(2));
            match agg {
                Agg::F1 => (f1(tp, fp, fn_), count(tp + fn_)),
                Agg::Precision => (div(tp, tp + fp), count(tp + fp)),
                _ => (div(tp, tp + fn_), count(tp + fn_)),
            }
        }
        Agg::MacroF1(k) => {
            let s = sum_stats(docs);
            let get = |i: usize| s.get(i).copied().unwrap_or(0.0);
            let scores: Vec<f64> = (0..k).filter_map(|c| f1(get(c * 3), get(c * 3 + 1), get(c * 3 + 2))).collect();
            let gold: f64 = (0..k).map(|c| get(c * 3) + get(c * 3 + 2)).sum();
            let value = (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64);
            (value, count(gold))
        }
        Agg::Mean | Agg::Median | Agg::AucLogError => {
            let mut items: Vec<f64> = docs.flat_map(|d| d.iter().copied()).collect();
            let n = items.len();
            let value = match agg {
                Agg::Mean => div(items.iter().sum(), n as f64),
                Agg::Median => median(&mut items),
                _ => auc_log_error(&mut items),
            };
            (value, n)
        }
        Agg::PagePrecision | Agg::PageRecall | Agg::PageF1 => {
            let pages: Vec<&Vec<f64>> = docs.filter(|d| d.len() == 3).collect();
            let p = page_mean(&pages, true);
            let r = page_mean(&pages, false);
            let n = pages.len();
            let value = match agg {
                Agg::PagePrecision => p,
                Agg::PageRecall => r,
                _ => match (p, r) {
                    (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
                    (Some(_), Some(_)) => Some(0.0),
                    _ => None,
                },
            };
            (value, n)
        }
    }
}

/// The benchmark's per-page precision (or recall), averaged over the pages where it is defined.
fn page_mean(pages: &[&Vec<f64>], precision: bool) -> Option<f64> {
    let scores: Vec<f64> = pages
        .iter()
        .filter_map(|p| {
            let (tp, fp, fn_) = (p[0], p[1], p[2]);
            let other = if precision { fp } else { fn_ };
            if tp + other <= 0.0 {
                return None;
            }
            Some(if fp == 0.0 && fn_ == 0.0 { 1.0 } else { tp / (tp + other) })
        })
        .collect();
    div(scores.iter().sum(), scores.len() as f64)
}

/// Median (mean of the two middle values for an even count).
pub fn median(items: &mut [f64]) -> Option<f64> {
    if items.is_empty() {
        return None;
    }
    items.sort_by(f64::total_cmp);
    let n = items.len();
    Some(if n % 2 == 1 { items[n / 2] } else { (items[n / 2 - 1] + items[n / 2]) / 2.0 })
}

/// Gritta et al. 2018: trapezoidal area under the sorted log(1 + error) curve, divided by
/// ln(20039) · (n − 1). 0 is perfect, 1 every toponym at the antipode.
pub fn auc_log_error(errors_km: &mut [f64]) -> Option<f64> {
    let n = errors_km.len();
    if n < 2 {
        return None;
    }
    errors_km.sort_by(f64::total_cmp);
    let logs: Vec<f64> = errors_km.iter().map(|e| (e + 1.0).ln()).collect();
    let area: f64 = logs.windows(2).map(|w| (w[0] + w[1]) / 2.0).sum();
    Some(area / (MAX_ERROR_KM.ln() * (n - 1) as f64))
}

/// A tiny seeded generator (SplitMix64): enough for resampling, the same on every platform.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    #[must_use]
    pub const fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0), by rejection so no index is favoured.
    pub fn below(&mut self, n: usize) -> usize {
        let n = n as u64;
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next_u64();
            if x < zone {
                return (x % n) as usize;
            }
        }
    }
}

/// Great-circle distance in km (haversine, mean Earth radius 6371 km).
#[must_use]
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * a.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f1_and_interval_from_documents() {
        let mut t = Tally::new(4);
        for d in 0..4 {
            t.counts(d, "x.f1", Agg::F1, 1.0, if d == 0 { 2.0 } else { 0.0 }, 1.0);
        }
        let f = &t.figures()[0];
        // tp 4, fp 2, fn 4: 8 / (8 + 6)
        assert!((f.value.unwrap() - 8.0 / 14.0).abs() < 1e-12);
        assert_eq!(f.n, 8);
        let (lo, hi) = (f.ci_low.unwrap(), f.ci_high.unwrap());
        assert!(lo <= f.value.unwrap() && f.value.unwrap() <= hi && lo < hi, "{lo} {hi}");
        // The same tally gives the same interval (fixed seed).
        assert_eq!(t.figures()[0].ci_low, Some(lo));
    }

    #[test]
    fn declared_metric_without_items_is_null() {
        let mut t = Tally::new(2);
        t.declare("x.accuracy", Agg::Ratio);
        let f = &t.figures()[0];
        assert_eq!((f.value, f.n, f.ci_low), (None, 0, None));
    }

    #[test]
    fn auc_matches_gritta_definition_on_a_toy() {
        // Errors 0, 0, 20039: sorted logs 0, 0, ln(20040); trapezoid area = ln(20040) / 2;
        // normalised by ln(20039) * 2.
        let mut e = vec![20_039.0, 0.0, 0.0];
        let auc = auc_log_error(&mut e).unwrap();
        assert!((auc - (20_040f64.ln() / 2.0) / (20_039f64.ln() * 2.0)).abs() < 1e-12);
        assert!(auc_log_error(&mut [0.0, 0.0]).unwrap().abs() < 1e-12);
    }

    #[test]
    fn haversine_london_paris() {
        let d = haversine_km(51.5074, -0.1278, 48.8566, 2.3522);
        assert!((d - 343.5).abs() < 1.0, "{d}");
    }

    #[test]
    fn macro_f1_skips_classes_absent_from_gold_and_predictions() {
        let mut t = Tally::new(1);
        t.class_counts(0, "m", (3, 0), [1.0, 0.0, 0.0]);
        t.class_counts(0, "m", (3, 1), [0.0, 1.0, 1.0]);
        let f = &t.figures()[0];
        assert!((f.value.unwrap() - 0.5).abs() < 1e-12);
        assert_eq!(f.n, 2);
    }

    #[test]
    fn median_of_even_count() {
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }
}
