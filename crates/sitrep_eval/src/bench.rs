//! `sitrep bench`: full extraction over the article texts of `../shared/data`, timed per stage
//! and whole, median of several runs (these machines are noisy).

use std::path::Path;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;
use sitrep_core::Document;
use sitrep_pipeline::Pipeline;

use crate::{sets, Result};

/// The benchmark corpus: every article-length text in the shared sets (no HTML, no
/// single sentences), each as the pipeline would receive it.
///
/// # Errors
/// When a set's files are malformed; missing sets are left out.
pub fn corpus(data_root: &Path) -> Result<Vec<Document>> {
    Ok(article_texts(data_root)?.into_iter().map(|(_, d)| d).collect())
}

/// The article-length texts with the name of the set each came from.
fn article_texts(data_root: &Path) -> Result<Vec<(&'static str, Document)>> {
    let mut docs = Vec::new();
    let present = |s: &str| data_root.join(s).is_dir();
    let tagged = |set: &'static str| move |(id, text): (String, String)| (set, Document::from_text(id, text));
    if present("polnear") {
        docs.extend(sets::polnear::load(&data_root.join("polnear"))?.into_iter().map(|a| (a.id, a.text)).map(tagged("polnear")));
    }
    if present("india_police_events") {
        docs.extend(sets::india_police::load(&data_root.join("india_police_events"))?.into_iter().map(|a| (a.id, a.text)).map(tagged("india_police")));
    }
    if present("isaf_press_releases") {
        docs.extend(sets::isaf::load(&data_root.join("isaf_press_releases"))?.into_iter().map(|a| (a.id, a.text)).map(tagged("isaf")));
    }
    if present("muc4") {
        docs.extend(sets::muc4::load(&data_root.join("muc4"))?.into_iter().map(|a| (a.id, a.text)).map(tagged("muc4")));
    }
    if present("geoparsing") {
        docs.extend(sets::geoparsing::load(&data_root.join("geoparsing"))?.0.into_iter().map(|a| (a.id, a.text)).map(tagged("geoparsing")));
    }
    if present("wikievents") {
        docs.extend(sets::wikievents::load(&data_root.join("wikievents"))?.into_iter().map(|a| (a.id, a.text)).map(tagged("wikievents")));
    }
    if present("ner") {
        docs.extend(sets::ner::load_re3d(&data_root.join("ner/re3d"))?.into_iter().map(|a| (a.id, a.text)).map(tagged("re3d")));
    }
    Ok(docs)
}

/// Every text in the shared sets as JSON Lines records for `sitrep ingest`
/// (`{"id","outlet","text"}`, or `{"id","outlet","url","html"}` for the extraction set's
/// pages): the article-length corpus above plus single sentences, snippets, GMB's articles and
/// the raw HTML pages. `outlet` names the set, so `sitrep coverage` counts each set's documents.
///
/// # Errors
/// When a set's files are malformed; missing sets are left out.
pub fn every_text(data_root: &Path) -> Result<Vec<serde_json::Value>> {
    use serde_json::json;
    let present = |s: &str| data_root.join(s).is_dir();
    let text = |set: &str, id: &str, text: &str| json!({"id": format!("{set}/{id}"), "outlet": set, "text": text});
    let mut out: Vec<serde_json::Value> = Vec::new();
    out.extend(article_texts(data_root)?.iter().map(|(set, d)| text(set, &d.id, &d.text)));
    if present("article_extraction") {
        for p in sets::article_extraction::load(&data_root.join("article_extraction"))? {
            out.push(json!({"id": format!("article_extraction/{}", p.id), "outlet": "article_extraction", "url": p.url, "html": p.html}));
        }
    }
    if present("case2021_task2") {
        out.extend(sets::case2021::load(&data_root.join("case2021_task2"))?.iter().map(|s| text("case2021", &s.id, &s.text)));
    }
    if present("event_location") {
        let gold = sets::event_location::load(&data_root.join("event_location"))?;
        out.extend(gold.sentences.iter().enumerate().map(|(i, s)| text("event_location", &i.to_string(), s)));
    }
    if present("plover_gsr") {
        out.extend(sets::plover::load(&data_root.join("plover_gsr"))?.iter().map(|s| text("plover", &s.id, &s.text)));
    }
    let gmb_dir = data_root.join("ner/gmb");
    if gmb_dir.is_dir() {
        for path in crate::files_in(&gmb_dir, |n| n.ends_with(".csv"))? {
            let sentences = sets::ner::read_gmb(&path)?;
            out.extend(sets::ner::gmb_docs(&sentences).iter().map(|d| text("gmb", &d.id, &d.text)));
        }
    }
    Ok(out)
}

/// Median, minimum and maximum of several runs.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Spread {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

impl Spread {
    fn of(values: &[f64]) -> Self {
        let mut v = values.to_vec();
        let median = crate::stats::median(&mut v).unwrap_or(f64::NAN);
        Self { median, min: v.first().copied().unwrap_or(f64::NAN), max: v.last().copied().unwrap_or(f64::NAN) }
    }
}

/// One stage's throughput.
#[derive(Debug, Clone, Serialize)]
pub struct StageFigure {
    pub stage: String,
    pub articles_per_s_per_core: Spread,
    /// Share of the whole pipeline's time (median run).
    pub share: f64,
}

/// What `sitrep bench --json` prints (names from METRICS.md).
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub articles: usize,
    pub threads: usize,
    pub runs: usize,
    pub mean_article_chars: f64,
    pub articles_per_s_per_core: Spread,
    pub mb_per_s_per_core: Spread,
    pub pipeline_load_ms: f64,
    /// `sitrep_geo::Gazetteer::load_default()` alone, before the pipeline loads.
    pub gazetteer_load_ms: Option<f64>,
    pub peak_rss_mb: Option<f64>,
    pub stages: Vec<StageFigure>,
}

/// Peak resident set size of this process (VmHWM), in MB.
#[must_use]
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Runs the benchmark: loads the pipeline, then `runs` full passes over `docs` on `threads`
/// threads, timing each stage.
///
/// # Errors
/// When the pipeline cannot load.
///
/// # Panics
/// When the thread pool cannot be created.
pub fn run(docs: &[Document], threads: usize, runs: usize) -> std::result::Result<BenchReport, String> {
    // The gazetteer alone first (it is the largest resource), then the whole pipeline.
    let t0 = Instant::now();
    let gazetteer = sitrep_geo::Gazetteer::load_default().map_err(|e| e.to_string())?;
    let gazetteer_load_ms = t0.elapsed().as_secs_f64() * 1000.0;
    drop(gazetteer);
    let t0 = Instant::now();
    let pipeline = Pipeline::load()?;
    let pipeline_load_ms = t0.elapsed().as_secs_f64() * 1000.0;
    let threads = threads.max(1);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("thread pool");
    let n = docs.len();
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let chars: usize = docs.iter().map(|d| d.text.chars().count()).sum();
    let mut walls = Vec::new();
    let mut stage_names: Vec<&'static str> = Vec::new();
    let mut stage_runs: Vec<Vec<f64>> = Vec::new();
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let per_doc: Vec<Vec<(&'static str, Duration)>> = pool.install(|| {
            docs.par_iter()
                .map(|d| {
                    let mut doc = d.clone();
                    let times = pipeline.annotate_timed(&mut doc);
                    // Conversion to the contract is part of every extraction.
                    let t = Instant::now();
                    let out = sitrep_core::contract::to_output(&doc, pipeline.provenance());
                    std::hint::black_box(&out);
                    let mut times = times;
                    times.push(("output", t.elapsed()));
                    times
                })
                .collect()
        });
        walls.push(start.elapsed().as_secs_f64());
        let mut totals: Vec<(&'static str, f64)> = Vec::new();
        for doc in &per_doc {
            for (name, d) in doc {
                match totals.iter_mut().find(|(n, _)| n == name) {
                    Some(t) => t.1 += d.as_secs_f64(),
                    None => totals.push((name, d.as_secs_f64())),
                }
            }
        }
        for (name, secs) in totals {
            let i = stage_names.iter().position(|n| *n == name).unwrap_or_else(|| {
                stage_names.push(name);
                stage_runs.push(Vec::new());
                stage_names.len() - 1
            });
            stage_runs[i].push(secs);
        }
    }
    let per_core = |secs: f64, amount: f64| amount / secs / threads as f64;
    let aps: Vec<f64> = walls.iter().map(|w| per_core(*w, n as f64)).collect();
    let mbs: Vec<f64> = walls.iter().map(|w| per_core(*w, bytes as f64 / 1e6)).collect();
    let total_stage_median: f64 = stage_runs.iter().map(|v| Spread::of(v).median).sum();
    let stages = stage_names
        .iter()
        .zip(&stage_runs)
        .map(|(name, secs)| {
            // Stage time is summed over documents (CPU time in the stage), so no division by threads.
            let rates: Vec<f64> = secs.iter().map(|s| if *s > 0.0 { n as f64 / s } else { f64::INFINITY }).collect();
            let med = Spread::of(secs).median;
            StageFigure {
                stage: (*name).to_owned(),
                articles_per_s_per_core: Spread::of(&rates),
                share: if total_stage_median > 0.0 { med / total_stage_median } else { 0.0 },
            }
        })
        .collect();
    Ok(BenchReport {
        articles: n,
        threads,
        runs: walls.len(),
        mean_article_chars: if n > 0 { chars as f64 / n as f64 } else { 0.0 },
        articles_per_s_per_core: Spread::of(&aps),
        mb_per_s_per_core: Spread::of(&mbs),
        pipeline_load_ms,
        gazetteer_load_ms: Some(gazetteer_load_ms),
        peak_rss_mb: peak_rss_mb(),
        stages,
    })
}

/// The table people read.
#[must_use]
pub fn table(r: &BenchReport) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(s, "sitrep bench: {} articles (mean {:.0} chars), {} thread(s), {} runs", r.articles, r.mean_article_chars, r.threads, r.runs);
    let sp = |x: Spread| format!("{:.1} (min {:.1}, max {:.1})", x.median, x.min, x.max);
    let _ = writeln!(s, "  articles_per_s_per_core  {}", sp(r.articles_per_s_per_core));
    let _ = writeln!(s, "  mb_per_s_per_core        {}", sp(r.mb_per_s_per_core));
    let _ = writeln!(s, "  pipeline_load_ms         {:.1}", r.pipeline_load_ms);
    let _ = writeln!(s, "  gazetteer_load_ms        {}", r.gazetteer_load_ms.map_or("unknown".to_owned(), |x| format!("{x:.1}")));
    let _ = writeln!(s, "  peak_rss_mb              {}", r.peak_rss_mb.map_or("unknown".to_owned(), |x| format!("{x:.1}")));
    let _ = writeln!(s, "  per stage (articles/s of stage time per core, share of pipeline time):");
    for st in &r.stages {
        let _ = writeln!(s, "    {:<12} {:>12.1}  {:>5.1}%", st.stage, st.articles_per_s_per_core.median, st.share * 100.0);
    }
    s
}
