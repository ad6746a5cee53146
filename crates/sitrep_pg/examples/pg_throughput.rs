//! Measures the PostgreSQL store path alone (identity, versions, syndication, merge, one
//! transaction per batch of 64 under the store write lock), excluding reading and extraction.
//!
//! `cargo run --release -p sitrep_pg --example pg_throughput -- URL [COPIES]` — the merge set's
//! articles in COPIES variants (default 20, as `sitrep_store`'s `store_throughput`), extracted
//! first, then stored into the (empty) database at URL and timed.

use std::path::Path;
use std::time::Instant;

use sitrep_ingest::{InputPath, Item, Options};
use sitrep_store::{BatchItem, DocKey, EventStore};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).ok_or("usage: pg_throughput postgres://USER@HOST:PORT/DB [COPIES]")?;
    let copies: usize = std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(20);
    let set = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../eval/sets/merge/articles.jsonl");
    let pipeline = sitrep_pipeline::Pipeline::load()?;
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
    let n = items.len();
    let mut store = sitrep_pg::PgStore::connect(&url, &sitrep_pg::PgOptions::default())?;
    let run = store.begin_run(&["bench".to_owned()])?;
    let cpu0 = cpu_seconds();
    let t = Instant::now();
    let mut batch = Vec::new();
    for (key, output) in items {
        batch.push(BatchItem::Document { key, output: Box::new(output) });
        if batch.len() == 64 {
            store.commit_batch(run, std::mem::take(&mut batch))?;
        }
    }
    store.commit_batch(run, batch)?;
    let secs = t.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    println!(
        "postgres store path: {n} articles in {secs:.2}s wall = {:.0} articles/s (client CPU {cpu:.2}s); {:?}",
        n as f64 / secs,
        store.counts()?
    );
    Ok(())
}

/// User + system CPU seconds of this process (Linux).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}
