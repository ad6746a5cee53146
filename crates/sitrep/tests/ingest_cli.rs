//! `sitrep ingest` survives SIGKILL: a killed run, resumed, leaves exactly what a clean run
//! leaves, with no duplicate document or event rows. And the query/export commands run on it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use sitrep_store::Store;

mod common;

use common::repo_root;

const BIN: &str = env!("CARGO_BIN_EXE_sitrep");

/// Writes ≥ 2,000 JSON Lines documents: the merge set's invented articles, each re-told in 20
/// variations (outlet, URL, an added sentence), over 20 files.
fn corpus(dir: &Path) -> (Vec<PathBuf>, usize) {
    let mut files = Vec::new();
    let mut n = 0;
    for v in 0..20 {
        let (lines, k) = common::merge_set_variant(v);
        let p = dir.join(format!("feed-{v:02}.jsonl"));
        std::fs::write(&p, lines).unwrap();
        files.push(p);
        n += k;
    }
    (files, n)
}

fn ingest_cmd(db: &Path, inputs: &[PathBuf]) -> Command {
    let mut c = Command::new(BIN);
    // The gazetteer is found relative to the repository root.
    c.current_dir(repo_root());
    c.arg("ingest").args(inputs).arg("--db").arg(db).args(["--batch", "16", "--threads", "1"]);
    c.stdout(Stdio::null()).stderr(Stdio::piped());
    c
}

fn documents(db: &Path) -> i64 {
    Store::open(db).ok().and_then(|s| s.connection().query_row("SELECT COUNT(*) FROM documents", [], |r| r.get(0)).ok()).unwrap_or(0)
}

/// Everything that must be equal between a clean run and a killed-then-resumed one.
fn snapshot(db: &Path) -> Vec<String> {
    let store = Store::open(db).unwrap();
    let c = store.connection();
    let mut out: Vec<String> = store.counts().unwrap().iter().filter(|(t, _)| *t != "ingest_errors").map(|(t, n)| format!("{t}={n}")).collect();
    let mut stmt = c
        .prepare(
            "SELECT s.public_id || ' ' || s.event_type || ' ' || COALESCE(s.date_start, '') || ' ' || COUNT(so.doc_event_id)
             FROM stored_events s JOIN sources so ON so.stored_event_id = s.id GROUP BY s.id ORDER BY s.public_id",
        )
        .unwrap();
    out.extend(stmt.query_map([], |r| r.get::<_, String>(0)).unwrap().map(Result::unwrap));
    let dup_docs: i64 = c.query_row("SELECT COUNT(*) FROM (SELECT doc_key FROM documents GROUP BY doc_key HAVING COUNT(*) > 1)", [], |r| r.get(0)).unwrap();
    let dup_events: i64 = c
        .query_row("SELECT COUNT(*) FROM (SELECT document_id, event_id FROM doc_events GROUP BY 1, 2 HAVING COUNT(*) > 1)", [], |r| r.get(0))
        .unwrap();
    let orphan_docs: i64 = c
        .query_row("SELECT COUNT(*) FROM documents d WHERE NOT EXISTS (SELECT 1 FROM document_versions v WHERE v.document_id = d.id AND v.version = d.version)", [], |r| r.get(0))
        .unwrap();
    assert_eq!((dup_docs, dup_events, orphan_docs), (0, 0, 0), "duplicates or half-written documents in {}", db.display());
    out
}

#[test]
fn a_killed_ingest_resumes_to_the_same_totals_as_a_clean_run() {
    let dir = tempfile::tempdir().unwrap();
    let (files, n) = corpus(dir.path());
    assert!(n >= 2000);

    let clean_db = dir.path().join("clean.db");
    let out = ingest_cmd(&clean_db, &files).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(documents(&clean_db), n as i64);

    let db = dir.path().join("killed.db");
    let mut child = ingest_cmd(&db, &files).spawn().unwrap();
    let started = Instant::now();
    let seen = loop {
        let seen = documents(&db);
        if seen > 0 {
            break seen;
        }
        assert!(started.elapsed() < Duration::from_secs(300), "no document committed within 300 s");
        assert!(child.try_wait().unwrap().is_none(), "ingest finished before it could be killed");
        std::thread::sleep(Duration::from_millis(10));
    };
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let after_kill = documents(&db);
    assert!(after_kill >= seen && after_kill < n as i64, "killed after {after_kill} of {n} documents");

    let out = ingest_cmd(&db, &files).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(snapshot(&db), snapshot(&clean_db));

    // And a third run changes nothing.
    let out = ingest_cmd(&db, &files).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("{n} unchanged")), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(snapshot(&db), snapshot(&clean_db));

    // The query commands work on it.
    let run = |args: &[&str]| {
        let out = Command::new(BIN).current_dir(repo_root()).args(args).arg("--db").arg(&db).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let jsonl = run(&["events", "country:IQ", "--format", "jsonl"]);
    let first: Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
    let id = first["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("SR-IQ-"));
    let shown = run(&["show", &id]);
    assert!(shown.contains("why: first report"), "{shown}");
    assert!(run(&["coverage"]).contains("Outlet 3"));
    let csv = run(&["export", "--format", "acled-csv", "--redact-persons"]);
    assert!(csv.starts_with("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"));
    let geo: Value = serde_json::from_str(&run(&["export", "--format", "geojson"])).unwrap();
    assert_eq!(geo["type"], "FeatureCollection");
    assert!(run(&["events"]).contains("events (* contested)"));
}
