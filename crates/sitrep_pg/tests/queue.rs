//! The queue's guarantees at the library level: a claim a worker outlived its lease on is taken
//! back by another, and the late worker's commit stores none of it — each document once.
//! Needs a PostgreSQL server: `sitrep_pg::test_cluster` starts a throwaway one.

use std::path::Path;
use std::time::Duration;

use sitrep_pg::{test_cluster, PgOptions, PgStore, Worker, WorkerOptions, WorkerReport};
use sitrep_pipeline::Pipeline;

fn pipeline() -> Pipeline {
    if std::env::var_os("SITREP_GAZETTEER").is_none() {
        std::env::set_var("SITREP_GAZETTEER", Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/gazetteer"));
    }
    Pipeline::load().expect("pipeline loads")
}

fn count(store: &PgStore, sql: &str) -> i64 {
    store.client().query_one(sql, &[]).unwrap().get(0)
}

#[test]
fn a_claim_whose_lease_ran_out_is_stored_once_by_whoever_took_it_back() {
    let url = test_cluster::fresh_database("lease");
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("feed.jsonl");
    let lines: Vec<String> = [
        "GAO, February 3 (Wire) - Malian soldiers clashed with jihadists in Gao on February 2, and seven fighters were killed, officials said.",
        "BAMAKO, February 3 (Wire) - Hundreds of nurses marched through Bamako on February 2 to demand higher wages, organisers said.",
        "MOPTI, February 4 (Wire) - Gunmen attacked a village near Mopti on February 3, killing four civilians, residents said.",
    ]
    .iter()
    .enumerate()
    .map(|(i, t)| serde_json::json!({"id": format!("d{i}"), "url": format!("https://wire.example/{i}"), "text": t, "published": "2026-02-04", "outlet": "Wire"}).to_string())
    .collect();
    std::fs::write(&feed, lines.join("\n")).unwrap();
    let mut store = PgStore::connect(&url, &PgOptions::default()).unwrap();
    let queued = sitrep_pg::queue::enqueue(&mut store, &[feed], &sitrep_ingest::Options::default()).unwrap();
    assert_eq!(queued.queued, 3);

    let pipeline = pipeline();
    let opts = |name: &str, lease_ms: u64| WorkerOptions { name: name.to_owned(), lease: Duration::from_millis(lease_ms), ..WorkerOptions::default() };
    let mut slow = Worker::new(&url, &PgOptions::default(), opts("slow", 500)).unwrap();
    let mut fast = Worker::new(&url, &PgOptions::default(), opts("fast", 60_000)).unwrap();
    let held = slow.claim().unwrap();
    assert_eq!(held.len(), 3);
    assert!(fast.claim().unwrap().is_empty(), "a live lease keeps the rows from others");
    std::thread::sleep(Duration::from_millis(800));
    let taken = fast.claim().unwrap();
    assert_eq!(taken.iter().map(sitrep_pg::queue::Claimed::id).collect::<Vec<_>>(), held.iter().map(sitrep_pg::queue::Claimed::id).collect::<Vec<_>>());
    let mut fast_report = WorkerReport::default();
    fast.process(&pipeline, taken, &mut fast_report).unwrap();
    assert_eq!(fast_report.documents, 3);
    // The slow worker wakes up and commits what it no longer holds: nothing is stored twice.
    let mut slow_report = WorkerReport::default();
    slow.process(&pipeline, held, &mut slow_report).unwrap();
    assert_eq!((slow_report.documents, slow_report.lost), (0, 3));
    assert_eq!(count(&store, "SELECT count(*) FROM documents"), 3);
    assert_eq!(count(&store, "SELECT count(*) FROM document_versions"), 3);
    assert_eq!(count(&store, "SELECT count(*) FROM queue WHERE status = 'done' AND done_by = 'fast' AND attempts = 2"), 3);
    assert!(count(&store, "SELECT count(*) FROM stored_events") >= 2);
    // Enqueueing what is stored queues nothing.
    let again = sitrep_pg::queue::enqueue(&mut store, &[dir.path().join("feed.jsonl")], &sitrep_ingest::Options::default()).unwrap();
    assert_eq!((again.queued, again.already), (0, 3));
    let status = sitrep_pg::status(&store).unwrap();
    assert_eq!((status.done, status.queued, status.claimed), (3, 0, 0));
    assert_eq!(status.workers.len(), 2);
}
