//! Many workers sharing one PostgreSQL queue: four `sitrep worker`s process a generated corpus
//! (the merge set's invented articles re-told by five outlets, 530 documents) while one is
//! killed with SIGKILL holding a claimed batch. Every document is stored exactly once, the dead
//! worker's batch is taken back after its lease, and the stored events equal a single-process
//! SQLite run over the same corpus (same clusters of sources, same merged figures). Then a
//! worker told SIGTERM mid-run finishes its batch and leaves nothing claimed.
//! Needs a PostgreSQL server: `sitrep_pg::test_cluster` starts a throwaway one.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::repo_root;
use serde_json::Value;

mod common;

const BIN: &str = env!("CARGO_BIN_EXE_sitrep");

fn sitrep(args: &[&str]) -> std::process::Output {
    let out = Command::new(BIN).args(args).env("SITREP_GAZETTEER", repo_root().join("data/gazetteer")).output().unwrap();
    assert!(out.status.success(), "sitrep {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// The merge set's articles, each told in `variants` versions (outlet, URL, an added sentence).
fn corpus(path: &Path, variants: std::ops::Range<usize>) -> usize {
    let mut out = String::new();
    let mut n = 0;
    for v in variants {
        let (lines, k) = common::merge_set_variant(v);
        out.push_str(&lines);
        n += k;
    }
    std::fs::write(path, out).unwrap();
    n
}

fn worker(url: &str, name: &str, extra: &[&str]) -> Child {
    Command::new(BIN)
        .args(["worker", "--db", url, "--name", name, "--batch", "8", "--lease", "4", "--poll", "0.2"])
        .args(extra)
        .env("SITREP_GAZETTEER", repo_root().join("data/gazetteer"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Each stored event as its sources (document, per-document event) → its merged coding.
fn clusters(db: &str) -> BTreeMap<Vec<(String, String)>, Value> {
    let out = sitrep(&["events", "--db", db, "--format", "jsonl"]);
    let mut map = BTreeMap::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let e: Value = serde_json::from_str(line).unwrap();
        let mut key: Vec<(String, String)> = e["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["document_id"].as_str().unwrap().to_owned(), s["event_id"].as_str().unwrap().to_owned()))
            .collect();
        key.sort();
        let coding = serde_json::json!({
            "event_type": e["event_type"], "sub_event_type": e["sub_event_type"], "date": e["date"], "location": e["location"],
            "fatalities": e["fatalities"], "contested": e["contested"], "actor1": e["actor1"], "actor2": e["actor2"],
        });
        assert!(map.insert(key, coding).is_none(), "two stored events with the same sources");
    }
    map
}

fn query_i64(store: &sitrep_pg::PgStore, sql: &str) -> i64 {
    store.client().query_one(sql, &[]).unwrap().get(0)
}

#[test]
fn four_workers_one_killed_store_every_document_once_and_match_a_single_sqlite_run() {
    let url = sitrep_pg::test_cluster::fresh_database("workers");
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("corpus.jsonl");
    let n = corpus(&feed, 0..5);
    assert!(n >= 500);

    // The reference: one process, SQLite.
    let reference = dir.path().join("reference.db");
    sitrep(&["ingest", feed.to_str().unwrap(), "--db", reference.to_str().unwrap(), "--threads", "1"]);

    sitrep(&["enqueue", feed.to_str().unwrap(), "--db", &url]);
    let store = sitrep_pg::PgStore::connect(&url, &sitrep_pg::PgOptions::default()).unwrap();
    assert_eq!(query_i64(&store, "SELECT count(*) FROM queue WHERE status = 'queued'"), n as i64);
    // Enqueueing the same input again queues nothing.
    sitrep(&["enqueue", feed.to_str().unwrap(), "--db", &url]);
    assert_eq!(query_i64(&store, "SELECT count(*) FROM queue"), n as i64);

    let mut workers: Vec<(String, Child)> =
        (0..4).map(|i| (format!("w{i}"), worker(&url, &format!("w{i}"), &["--exit-when-idle"]))).collect();
    // Kill one that holds a claimed batch, once some batches are committed.
    let started = Instant::now();
    let (victim, held): (String, Vec<i64>) = loop {
        assert!(started.elapsed() < Duration::from_secs(300), "no worker ever held a claim after a commit");
        let done = query_i64(&store, "SELECT count(*) FROM queue WHERE status = 'done'");
        let holder: Option<String> = store
            .client()
            .query_opt("SELECT claimed_by FROM queue WHERE status = 'claimed' ORDER BY id LIMIT 1", &[])
            .unwrap()
            .map(|r| r.get(0));
        if let (true, Some(name)) = (done > 0, holder) {
            let (_, child) = workers.iter_mut().find(|(w, _)| *w == name).unwrap();
            child.kill().unwrap(); // SIGKILL
            child.wait().unwrap();
            let held = store
                .client()
                .query("SELECT id FROM queue WHERE status = 'claimed' AND claimed_by = $1", &[&name])
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect();
            break (name, held);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    for (name, child) in &mut workers {
        if *name == victim {
            continue;
        }
        let out = wait_with_timeout(child, Duration::from_secs(600));
        assert!(out.0.success(), "worker {name} failed: {}", out.1);
    }
    eprintln!("killed {victim} holding {} claimed rows", held.len());

    // Exactly once: every queued row done, each document stored once.
    assert_eq!(query_i64(&store, "SELECT count(*) FROM queue WHERE status = 'done'"), n as i64);
    assert_eq!(query_i64(&store, "SELECT count(*) FROM documents"), n as i64);
    assert_eq!(query_i64(&store, "SELECT count(DISTINCT doc_key) FROM documents"), n as i64);
    assert_eq!(query_i64(&store, "SELECT count(*) FROM document_versions"), n as i64);
    for id in &held {
        let r = store.client().query_one("SELECT done_by, attempts FROM queue WHERE id = $1", &[id]).unwrap();
        let (by, attempts): (String, i64) = (r.get(0), r.get(1));
        assert!(by != victim && attempts >= 2, "row {id} held by the killed worker: done by {by} after {attempts} claims");
    }
    let reference_db = reference.to_str().unwrap();
    let lite = sitrep_store::Store::open(&reference).unwrap();
    let lite_counts = lite.counts().unwrap();
    let pg_counts = sitrep_store::EventStore::counts(&store).unwrap();
    for ((table, a), (_, b)) in lite_counts.iter().zip(&pg_counts) {
        if *table != "ingest_errors" {
            assert_eq!(a, b, "{table}: SQLite {a}, PostgreSQL {b}");
        }
    }
    let (expected, got) = (clusters(reference_db), clusters(&url));
    let only_lite: Vec<_> = expected.keys().filter(|k| !got.contains_key(*k)).collect();
    let only_pg: Vec<_> = got.keys().filter(|k| !expected.contains_key(*k)).collect();
    assert!(only_lite.is_empty() && only_pg.is_empty(), "clusters differ:\nSQLite only {only_lite:#?}\nPostgreSQL only {only_pg:#?}");
    for (k, v) in &expected {
        assert_eq!(v, &got[k], "merged coding of the event with sources {k:?}");
    }

    // Status sees every worker: the killed one never said goodbye.
    let status: Value = serde_json::from_slice(&sitrep(&["status", "--db", &url, "--json"]).stdout).unwrap();
    assert_eq!(status["done"], n as i64);
    assert_eq!(status["queued"], 0);
    let states: BTreeMap<String, String> = status["workers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["name"].as_str().unwrap().to_owned(), w["state"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(states.len(), 4);
    assert_eq!(states[&victim], "running");
    assert!(states.iter().filter(|(k, _)| **k != victim).all(|(_, s)| s == "stopped"), "{states:?}");

    // SIGTERM: the worker finishes the batch in hand and stops; nothing is left claimed.
    let more = dir.path().join("more.jsonl");
    let m = corpus(&more, 5..7);
    sitrep(&["enqueue", more.to_str().unwrap(), "--db", &url]);
    let mut w = worker(&url, "term", &[]);
    let t = Instant::now();
    while query_i64(&store, "SELECT count(*) FROM queue WHERE status = 'done' AND done_by = 'term'") == 0 {
        assert!(t.elapsed() < Duration::from_secs(300), "the worker committed nothing");
        std::thread::sleep(Duration::from_millis(20));
    }
    let term = Command::new("kill").args(["-TERM", &w.id().to_string()]).status().unwrap();
    assert!(term.success());
    let (code, stderr) = wait_with_timeout(&mut w, Duration::from_secs(120));
    assert!(code.success(), "SIGTERM should stop the worker cleanly: {stderr}");
    assert_eq!(query_i64(&store, "SELECT count(*) FROM queue WHERE status = 'claimed'"), 0, "a stopped worker leaves no claim");
    let done_by_term = query_i64(&store, "SELECT count(*) FROM queue WHERE done_by = 'term'");
    assert!(done_by_term > 0 && done_by_term < m as i64, "it stopped mid-run: {done_by_term} of {m}");
    assert_eq!(
        query_i64(&store, "SELECT count(*) FROM documents"),
        n as i64 + done_by_term,
        "each committed row is one stored document"
    );
}

fn wait_with_timeout(child: &mut Child, limit: Duration) -> (std::process::ExitStatus, String) {
    let t = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            if let Some(mut e) = child.stderr.take() {
                std::io::Read::read_to_string(&mut e, &mut stderr).ok();
            }
            return (status, stderr);
        }
        if t.elapsed() > limit {
            child.kill().ok();
            panic!("a worker did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
