//! The store's behaviour on PostgreSQL, against the SQLite store on the same inputs: the merge
//! set gives the same stored events (same ids, clusters, merged figures, reasons), filters
//! select the same events, identity and versions work the same, and `migrate` keeps everything.
//! Needs a PostgreSQL server: `sitrep_pg::test_cluster` starts a throwaway one.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;
use sitrep_pg::test_cluster;
use sitrep_pg::PgStore;
use sitrep_pipeline::Pipeline;
use sitrep_store::{ingest, EventStore, Filter, IngestOptions, Store};

fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(|| {
        if std::env::var_os("SITREP_GAZETTEER").is_none() {
            std::env::set_var("SITREP_GAZETTEER", Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/gazetteer"));
        }
        Pipeline::load().expect("pipeline loads")
    })
}

fn merge_set() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../eval/sets/merge")
}

fn pg(name: &str) -> PgStore {
    PgStore::connect(&test_cluster::fresh_database(name), &sitrep_pg::PgOptions::default()).expect("connect")
}

/// Stored events without their wall-clock timestamps (two runs differ only there).
fn timeless(events: Vec<Value>) -> Vec<Value> {
    events
        .into_iter()
        .map(|mut e| {
            if let Some(o) = e.as_object_mut() {
                o.remove("first_seen");
                o.remove("updated_at");
            }
            e
        })
        .collect()
}

fn both_on_merge_set(name: &str) -> (Store, PgStore) {
    let input = [merge_set().join("articles.jsonl")];
    let mut lite = Store::open_in_memory().unwrap();
    ingest(&mut lite, pipeline(), &input, &IngestOptions::default(), |_| {}).unwrap();
    let mut pg = pg(name);
    ingest(&mut pg, pipeline(), &input, &IngestOptions::default(), |_| {}).unwrap();
    (lite, pg)
}

#[test]
fn merge_set_gives_the_same_stored_events_on_postgres_as_on_sqlite() {
    let (lite, pg) = both_on_merge_set("mergeset");
    assert_eq!(lite.counts().unwrap(), pg.counts().unwrap(), "row counts");
    for table in ["entities", "places", "minhash_bands", "id_counters", "stored_event_versions"] {
        // Table names from the fixed list above.
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let a: i64 = lite.connection().query_row(&sql, [], |r| r.get(0)).unwrap();
        let b: i64 = pg.client().query_one(&sql, &[]).unwrap().get(0);
        assert_eq!(a, b, "{table} rows");
    }
    let syndicated = "SELECT COUNT(*) FROM documents WHERE syndicated_of IS NOT NULL";
    let a: i64 = lite.connection().query_row(syndicated, [], |r| r.get(0)).unwrap();
    assert_eq!(a, pg.client().query_one(syndicated, &[]).unwrap().get::<_, i64>(0), "syndicated copies");
    let (a, b) = (timeless(lite.events(&Filter::default()).unwrap()), timeless(pg.events(&Filter::default()).unwrap()));
    assert!(a.len() > 30, "{} stored events", a.len());
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y, "stored event {} differs", x["id"]);
    }
    // Same clusters, hence the same B³ scores, meeting the store's bars.
    let gold = sitrep_store::eval::read_clusters(&merge_set().join("clusters.tsv")).unwrap();
    let (pl, pp) = (lite.lead_event_clusters().unwrap(), pg.lead_event_clusters().unwrap());
    assert_eq!(pl, pp);
    let score = sitrep_store::eval::b3(&gold, &pp);
    eprintln!("postgres merge: b3_f1 {:.3} precision {:.3} n {}", score.b3_f1, score.b3_precision, score.n);
    assert!(score.b3_precision >= 0.95 && score.b3_f1 >= 0.90, "{score:?}");
    // The same reasons for every join.
    for e in &a {
        let id = e["id"].as_str().unwrap();
        let (_, why_lite) = lite.event(id).unwrap().unwrap();
        let (_, why_pg) = pg.event(id).unwrap().unwrap();
        let reasons = |w: &[sitrep_store::SourceExplanation]| w.iter().map(|s| (s.document_id.clone(), s.event_id.clone(), s.independent, s.reason.clone())).collect::<Vec<_>>();
        assert_eq!(reasons(&why_lite), reasons(&why_pg), "{id}");
    }
    assert_eq!(lite.coverage().unwrap(), pg.coverage().unwrap());
    assert!(pg.event("SR-ZZ-999999").unwrap().is_none());
}

#[test]
fn filters_select_the_same_events_on_both_backends() {
    let (lite, pg) = both_on_merge_set("filters");
    let with_postgis = {
        let mut c = postgres::Client::connect(test_cluster::url(), postgres::NoTls).unwrap();
        c.query_one("SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'postgis')", &[]).unwrap().get::<_, bool>(0)
    };
    assert_eq!(pg.spatial(), with_postgis, "the GiST-indexed point exists exactly when PostGIS does");
    let ids = |s: &dyn EventStore, q: &str| -> Vec<String> {
        s.events(&Filter::parse(q).unwrap()).unwrap().iter().map(|e| e["id"].as_str().unwrap().to_owned()).collect()
    };
    let mut non_empty = 0;
    for q in [
        "country:SY",
        "country:SY,IQ type:explosions_remote_violence",
        "admin1:nineveh",
        "bbox:35,32,43,38",
        "bbox:170,-50,-170,50",
        "bbox:-20,-40,55,40 fatalities>=5",
        "date:2026-03-01..2026-03-31",
        "from:2026-03-10",
        "subtype:armed_clash",
        "contested",
        "contested:no",
        "confidence>=0.7",
        "mogadishu",
        "actor:\"islamic state\"",
        "\"x' OR 1=1 --\"",
        "50%_off",
    ] {
        let (a, b) = (ids(&lite, q), ids(&pg, q));
        assert_eq!(a, b, "filter {q}");
        non_empty += usize::from(!a.is_empty());
    }
    assert!(non_empty >= 10, "most filters should select something ({non_empty})");
}

#[test]
fn reingest_is_a_no_op_and_an_edited_republication_is_a_new_version_on_postgres() {
    let dir = tempfile::tempdir().unwrap();
    let line = |text: &str, url: &str| serde_json::json!({"id": "a", "url": url, "text": text, "published": "2026-02-03", "outlet": "Wire"}).to_string();
    let v1 = "GAO, February 3 (Wire) - Malian soldiers clashed with jihadists in Gao on February 2, and seven fighters were killed, officials said.";
    let v2 = "GAO, February 3 (Wire) - Malian soldiers clashed with jihadists in Gao on February 2, and nine fighters were killed, officials said.";
    let f1 = dir.path().join("a.jsonl");
    std::fs::write(&f1, line(v1, "https://www.wire.example/gao?utm_source=x")).unwrap();
    let f2 = dir.path().join("b.jsonl");
    std::fs::write(&f2, line(v2, "https://wire.example/gao/")).unwrap();
    let mut store = pg("versions");
    let opts = IngestOptions::default();
    ingest(&mut store, pipeline(), std::slice::from_ref(&f1), &opts, |_| {}).unwrap();
    let before = store.counts().unwrap();
    let again = ingest(&mut store, pipeline(), &[f1], &opts, |_| {}).unwrap();
    assert_eq!(again.stats.unchanged, 1);
    assert_eq!(before, store.counts().unwrap());
    let r = ingest(&mut store, pipeline(), &[f2], &opts, |_| {}).unwrap();
    assert_eq!(r.stats.new_versions, 1);
    let counts: std::collections::HashMap<_, _> = store.counts().unwrap().into_iter().collect();
    assert_eq!(counts["documents"], 1);
    assert_eq!(counts["document_versions"], 2);
    let killed: Vec<u64> = store.events(&Filter::default()).unwrap().iter().filter_map(|e| e["fatalities"]["low"].as_u64()).collect();
    assert!(killed.contains(&9) && !killed.contains(&7), "{killed:?}");
}

#[test]
fn migrate_moves_an_sqlite_store_with_its_ids_and_later_writes_continue() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("lite.db");
    let mut lite = Store::open(&file).unwrap();
    ingest(&mut lite, pipeline(), &[merge_set().join("articles.jsonl")], &IngestOptions::default(), |_| {}).unwrap();
    let mut pg = pg("migrate");
    let copied = sitrep_pg::migrate::migrate_sqlite(&file, &mut pg).unwrap();
    assert!(copied.iter().any(|(t, n)| *t == "documents" && *n == 106), "{copied:?}");
    assert_eq!(lite.counts().unwrap(), pg.counts().unwrap());
    // Timestamps too: the rows are copied, not recomputed.
    assert_eq!(lite.events(&Filter::default()).unwrap(), pg.events(&Filter::default()).unwrap());
    assert!(sitrep_pg::migrate::migrate_sqlite(&file, &mut pg).is_err(), "a non-empty target is refused");
    // New rows get fresh ids after the copied ones, and a new article merges into copied events.
    let extra = dir.path().join("extra.jsonl");
    let text = "MOGADISHU, March 9 (Wire) - A car bomb exploded near a busy market in Mogadishu on March 8, killing at least 11 people, police said.";
    std::fs::write(&extra, serde_json::json!({"id": "x", "url": "https://new.example/x", "text": text, "published": "2026-03-09", "outlet": "New"}).to_string()).unwrap();
    let r = ingest(&mut pg, pipeline(), &[extra], &IngestOptions::default(), |_| {}).unwrap();
    assert_eq!(r.stats.new_documents, 1);
    let counts: std::collections::HashMap<_, _> = pg.counts().unwrap().into_iter().collect();
    assert_eq!(counts["documents"], 107);
}
