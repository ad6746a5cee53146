//! The store-path benchmark both backends' examples run (`sitrep_store`'s `store_throughput`,
//! `sitrep_pg`'s `pg_throughput`): the merge set's articles re-told by many outlets, extracted
//! first, then committed in batches of 64 and timed — reading and extraction excluded.

use std::path::Path;
use std::time::Instant;

use sitrep_core::contract::Output;
use sitrep_ingest::{InputPath, Item, Options};
use sitrep_pipeline::Pipeline;

use crate::{BatchItem, DocKey, Error, EventStore};

/// Documents per transaction, as `sitrep ingest` commits them by default.
const BATCH: usize = 64;

/// The merge set's articles (`eval/sets/merge/articles.jsonl` under `repo_root`), each in
/// `copies` variants (its own outlet, URL and an added sentence), so every cluster grows to many
/// sources — the merge's worst case — and extracted.
#[must_use]
pub fn merge_set_variants(pipeline: &Pipeline, repo_root: &Path, copies: usize) -> Vec<(DocKey, Output)> {
    let set = repo_root.join("eval/sets/merge/articles.jsonl");
    let docs: Vec<_> = sitrep_ingest::read_path(&InputPath::File(set), &Options::default())
        .into_iter()
        .filter_map(|i| if let Item::Document(d) = i { Some(*d) } else { None })
        .collect();
    let mut items = Vec::new();
    for v in 0..copies {
        for d in &docs {
            let mut d = d.clone();
            d.text = format!("{} Update {v}: officials said the area remained tense.", d.text);
            d.url = Some(format!("https://variant{v}.example/{}", d.id));
            d.outlet = Some(format!("Outlet {v}"));
            let key = DocKey::of(&d);
            items.push((key, pipeline.extract(d)));
        }
    }
    items
}

/// How long committing took.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub articles: usize,
    pub wall_seconds: f64,
    /// User + system CPU of this process, so a busy machine does not skew the figure.
    pub cpu_seconds: f64,
}

/// Commits `items` into `store` in batches of 64, in one ingest run, and times it.
///
/// # Errors
/// Database errors.
pub fn time_commits(store: &mut dyn EventStore, items: Vec<(DocKey, Output)>) -> Result<Timing, Error> {
    let articles = items.len();
    let run = store.begin_run(&["bench".to_owned()])?;
    let cpu0 = cpu_seconds();
    let t = Instant::now();
    let mut batch = Vec::new();
    for (key, output) in items {
        batch.push(BatchItem::Document { key, output: Box::new(output) });
        if batch.len() == BATCH {
            store.commit_batch(run, std::mem::take(&mut batch))?;
        }
    }
    store.commit_batch(run, batch)?;
    Ok(Timing { articles, wall_seconds: t.elapsed().as_secs_f64(), cpu_seconds: cpu_seconds() - cpu0 })
}

/// User + system CPU seconds of this process (Linux; 0 elsewhere).
#[must_use]
pub fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
    // Fields 14 and 15 of stat (utime, stime) are at 11 and 12 after the command name; 100 ticks/s.
    (ticks(11) + ticks(12)) / 100.0
}
