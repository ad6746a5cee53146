//! Measures the store path alone (identity, versions, syndication, merge, one transaction per
//! batch), excluding reading and extraction: articles/s on one thread into a file database.
//!
//! `cargo run --release -p sitrep_store --example store_throughput [COPIES]` — the merge set's
//! articles, each in COPIES variants (default 20), extracted first, then stored and timed.

use std::path::Path;

use sitrep_store::{throughput, Store};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let copies: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(20);
    let pipeline = sitrep_pipeline::Pipeline::load()?;
    let items = throughput::merge_set_variants(&pipeline, &Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."), copies);
    let dir = std::env::temp_dir().join(format!("sitrep-store-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let mut store = Store::open(&dir.join("bench.db"))?;
    let t = throughput::time_commits(&mut store, items)?;
    let counts = store.counts()?;
    println!(
        "store path: {} articles in {:.2}s wall = {:.0} articles/s; {:.2}s CPU = {:.0} articles/s per core; {counts:?}",
        t.articles,
        t.wall_seconds,
        t.articles as f64 / t.wall_seconds,
        t.cpu_seconds,
        t.articles as f64 / t.cpu_seconds.max(1e-9)
    );
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
