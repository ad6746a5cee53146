//! Measures the PostgreSQL store path alone (identity, versions, syndication, merge, one
//! transaction per batch of 64 under the store write lock), excluding reading and extraction.
//!
//! `cargo run --release -p sitrep_pg --example pg_throughput -- URL [COPIES]` — the merge set's
//! articles in COPIES variants (default 20, as `sitrep_store`'s `store_throughput`), extracted
//! first, then stored into the (empty) database at URL and timed.

use std::path::Path;

use sitrep_store::{throughput, EventStore};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).ok_or("usage: pg_throughput postgres://USER@HOST:PORT/DB [COPIES]")?;
    let copies: usize = std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(20);
    let pipeline = sitrep_pipeline::Pipeline::load()?;
    let items = throughput::merge_set_variants(&pipeline, &Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."), copies);
    let mut store = sitrep_pg::PgStore::connect(&url, &sitrep_pg::PgOptions::default())?;
    let t = throughput::time_commits(&mut store, items)?;
    println!(
        "postgres store path: {} articles in {:.2}s wall = {:.0} articles/s (client CPU {:.2}s); {:?}",
        t.articles,
        t.wall_seconds,
        t.articles as f64 / t.wall_seconds,
        t.cpu_seconds,
        store.counts()?
    );
    Ok(())
}
