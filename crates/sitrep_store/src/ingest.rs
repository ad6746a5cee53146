//! The ingest driver: inputs → documents (sitrep_ingest, WARC here) → parallel extraction
//! (rayon) → one store transaction per batch. Documents already stored unchanged are skipped
//! before extraction, which is what makes a killed run cheap to resume.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sitrep_core::contract::Output;
use sitrep_core::Document;
use sitrep_pipeline::Pipeline;

use crate::store::{BatchItem, BatchStats, DocKey, EventStore};
use crate::warc::{is_warc_name, read_warc, ReadItem};
use crate::Error;

/// Documents per transaction: large enough that commits are cheap, small enough that a kill
/// loses little work.
pub const DEFAULT_BATCH: usize = 64;

/// How to read and batch.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    pub read: sitrep_ingest::Options,
    pub batch_size: usize,
    /// Extraction threads; `None` uses rayon's default (all cores).
    pub threads: Option<usize>,
}

impl Default for IngestOptions {
    fn default() -> Self {
        Self { read: sitrep_ingest::Options::default(), batch_size: DEFAULT_BATCH, threads: None }
    }
}

/// Where an ingest run stands; passed to the progress callback after each batch.
#[derive(Debug, Default, Clone)]
pub struct IngestReport {
    pub run_id: i64,
    pub inputs_total: usize,
    pub inputs_done: usize,
    /// Documents read (stored, updated or unchanged).
    pub documents: usize,
    pub stats: BatchStats,
    /// Seconds spent in the store (transactions), excluding reading and extraction.
    pub store_seconds: f64,
    pub extract_seconds: f64,
}

enum InputRef {
    Plain(sitrep_ingest::InputPath),
    Warc(PathBuf),
    Failed(String, String),
}

fn walk_warc(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        let hidden = p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if p.is_dir() {
            walk_warc(&p, out);
        } else if p.file_name().and_then(|n| n.to_str()).is_some_and(is_warc_name) {
            out.push(p);
        }
    }
}

fn collect(paths: &[PathBuf]) -> Vec<InputRef> {
    let mut out = Vec::new();
    for path in paths {
        let mut warcs = Vec::new();
        if path.is_dir() {
            walk_warc(path, &mut warcs);
        } else if path.file_name().and_then(|n| n.to_str()).is_some_and(is_warc_name) {
            out.push(InputRef::Warc(path.clone()));
            continue;
        }
        let had_warc = !warcs.is_empty();
        out.extend(warcs.into_iter().map(InputRef::Warc));
        for found in sitrep_ingest::collect_inputs(path) {
            match found {
                Ok(p) => out.push(InputRef::Plain(p)),
                Err((_, sitrep_ingest::IngestError::NoInputs)) if had_warc => {}
                Err((source, e)) => out.push(InputRef::Failed(source, e.to_string())),
            }
        }
    }
    out
}

fn read(input: &InputRef, opts: &sitrep_ingest::Options) -> Vec<ReadItem> {
    match input {
        InputRef::Plain(p) => sitrep_ingest::read_path(p, opts)
            .into_iter()
            .filter_map(|item| match item {
                sitrep_ingest::Item::Document(d) => Some(ReadItem::Document(d)),
                sitrep_ingest::Item::Skipped { source, error } => Some(ReadItem::Error { source, message: error.to_string() }),
                sitrep_ingest::Item::Warning { .. } => None,
            })
            .collect(),
        InputRef::Warc(path) => {
            let source = path.display().to_string();
            match sitrep_ingest::load(&sitrep_ingest::InputPath::File(path.clone()), opts.max_bytes) {
                // `load` already gunzips `.gz` files; a plain `.warc` arrives as is.
                Ok(input) => read_warc(&source, &input.bytes, opts.max_bytes),
                Err(e) => vec![ReadItem::Error { source, message: e.to_string() }],
            }
        }
        InputRef::Failed(source, message) => vec![ReadItem::Error { source: source.clone(), message: message.clone() }],
    }
}

/// Reads every input under `paths` (files, directories, JSON Lines, WARC) as `ingest` does and
/// hands each document or read error to `each`, in input order — for callers that store the
/// documents elsewhere before extraction (the PostgreSQL queue, `sitrep enqueue`).
pub fn read_inputs(paths: &[PathBuf], opts: &sitrep_ingest::Options, mut each: impl FnMut(ReadItem)) {
    for input in collect(paths) {
        for item in read(&input, opts) {
            each(item);
        }
    }
}

/// Ingests `paths` into `store`, calling `progress` after every batch.
///
/// # Errors
/// Database errors (the batch in flight is rolled back; earlier batches stay committed).
pub fn ingest<S: EventStore + Send + ?Sized>(
    store: &mut S,
    pipeline: &Pipeline,
    paths: &[PathBuf],
    opts: &IngestOptions,
    mut progress: impl FnMut(&IngestReport),
) -> Result<IngestReport, Error> {
    let pool = match opts.threads {
        Some(n) => Some(rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build().map_err(|e| Error::Pipeline(e.to_string()))?),
        None => None,
    };
    let labels: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let run_id = store.begin_run(&labels)?;
    let inputs = collect(paths);
    let mut report = IngestReport { run_id, inputs_total: inputs.len(), ..IngestReport::default() };
    let mut pending: Vec<ReadItem> = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        pending.extend(read(input, &opts.read));
        let last = i + 1 == inputs.len();
        while pending.len() >= opts.batch_size.max(1) || (last && !pending.is_empty()) {
            let take = pending.len().min(opts.batch_size.max(1));
            let batch: Vec<ReadItem> = pending.drain(..take).collect();
            match &pool {
                Some(pool) => pool.install(|| process_batch(store, pipeline, run_id, batch, &mut report))?,
                None => process_batch(store, pipeline, run_id, batch, &mut report)?,
            }
            report.inputs_done = if pending.is_empty() { i + 1 } else { i };
            progress(&report);
        }
        report.inputs_done = i + 1;
    }
    store.finish_run(run_id, &report.stats)?;
    progress(&report);
    Ok(report)
}

fn process_batch<S: EventStore + Send + ?Sized>(store: &mut S, pipeline: &Pipeline, run_id: i64, batch: Vec<ReadItem>, report: &mut IngestReport) -> Result<(), Error> {
    let mut errors = Vec::new();
    let mut todo: Vec<(DocKey, Document)> = Vec::new();
    for item in batch {
        match item {
            ReadItem::Document(doc) => {
                report.documents += 1;
                let key = DocKey::of(&doc);
                if store.is_unchanged(&key)? {
                    report.stats.unchanged += 1;
                } else {
                    todo.push((key, *doc));
                }
            }
            ReadItem::Error { source, message } => errors.push(BatchItem::Error { source, message }),
        }
    }
    let t = std::time::Instant::now();
    let extracted: Vec<BatchItem> = todo
        .into_par_iter()
        .map(|(key, doc)| {
            let output: Output = pipeline.extract(doc);
            BatchItem::Document { key, output: Box::new(output) }
        })
        .collect();
    report.extract_seconds += t.elapsed().as_secs_f64();
    let t = std::time::Instant::now();
    let mut items = errors;
    items.extend(extracted);
    let stats = store.commit_batch(run_id, items)?;
    report.store_seconds += t.elapsed().as_secs_f64();
    report.stats += stats;
    Ok(())
}
