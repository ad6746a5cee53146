//! The store end to end on the project's merge set and on generated inputs: identity and
//! versions, syndication, merge quality, filters, exports, and bad inputs.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;
use sitrep_pipeline::Pipeline;
use sitrep_store::{ingest, EventStore, Filter, IngestOptions, Store};

fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(|| {
        // Tests run in the crate folder; the gazetteer lives at the repository root.
        if std::env::var_os("SITREP_GAZETTEER").is_none() {
            std::env::set_var("SITREP_GAZETTEER", Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/gazetteer"));
        }
        Pipeline::load().expect("pipeline loads")
    })
}

fn merge_set() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../eval/sets/merge")
}

fn count(store: &Store, sql: &str) -> i64 {
    store.connection().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn line(id: &str, url: &str, text: &str, published: &str, outlet: &str) -> String {
    serde_json::json!({"id": id, "url": url, "text": text, "published": published, "outlet": outlet}).to_string()
}

#[test]
fn merge_set_meets_the_bars_and_every_stored_event_is_consistent() {
    let (score, store) = sitrep_store::eval_merge_with(pipeline(), &merge_set()).unwrap();
    eprintln!("merge: b3_f1 {:.3} precision {:.3} recall {:.3} n {}", score.b3_f1, score.b3_precision, score.b3_recall, score.n);
    assert_eq!(score.n, 106);
    assert!(score.b3_precision >= 0.95, "merge.precision {:.3}", score.b3_precision);
    assert!(score.b3_f1 >= 0.90, "merge.b3_f1 {:.3}", score.b3_f1);

    let events = store.events(&Filter::default()).unwrap();
    assert!(!events.is_empty());
    for e in &events {
        let id = e["id"].as_str().unwrap();
        assert!(id.starts_with("SR-") && id.len() == "SR-SY-000001".len(), "{id}");
        let sources = e["sources"].as_array().unwrap();
        assert!(!sources.is_empty());
        if let Some(f) = e["fatalities"].as_object() {
            assert!(f["low"].as_u64() <= f["best"].as_u64() && f["best"].as_u64() <= f["high"].as_u64(), "{e}");
        }
        let (_, why) = store.event(id).unwrap().unwrap();
        assert_eq!(why.len(), sources.len());
        assert_eq!(why[0].reason, "first report");
    }
    // Verbatim wire copies re-run by another outlet are listed but not independent.
    let not_independent = count(&store, "SELECT COUNT(*) FROM sources WHERE independent = 0");
    assert!(not_independent >= 5, "syndicated copies found: {not_independent}");
    let syndicated_docs = count(&store, "SELECT COUNT(*) FROM documents WHERE syndicated_of IS NOT NULL");
    assert_eq!(syndicated_docs, 7, "the set has seven verbatim re-runs");
}

#[test]
fn reingest_is_a_no_op_and_an_edited_republication_updates_instead_of_duplicating() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let text_v1 = "GAO, February 3 (Wire) - Malian soldiers clashed with jihadists in Gao on February 2, and seven fighters were killed, officials said.";
    let text_v2 = "GAO, February 3 (Wire) - Malian soldiers clashed with jihadists in Gao on February 2, and nine fighters were killed, officials said.";
    let f1 = write(dir.path(), "a.jsonl", &line("a", "https://www.wire.example/gao?utm_source=x", text_v1, "2026-02-03", "Wire"));
    let mut store = Store::open(&db).unwrap();
    let opts = IngestOptions::default();
    ingest(&mut store, pipeline(), std::slice::from_ref(&f1), &opts, |_| {}).unwrap();
    let before = store.counts().unwrap();
    let again = ingest(&mut store, pipeline(), &[f1], &opts, |_| {}).unwrap();
    assert_eq!(again.stats.unchanged, 1);
    let mid = store.counts().unwrap();
    assert_eq!(before, mid, "re-ingesting the same input must change nothing");

    // Same canonical URL (tracking parameter and www. dropped), new text: a new version.
    let f2 = write(dir.path(), "b.jsonl", &line("a", "https://wire.example/gao/", text_v2, "2026-02-03", "Wire"));
    let r = ingest(&mut store, pipeline(), &[f2], &opts, |_| {}).unwrap();
    assert_eq!(r.stats.new_versions, 1);
    assert_eq!(count(&store, "SELECT COUNT(*) FROM documents"), 1);
    assert_eq!(count(&store, "SELECT COUNT(*) FROM document_versions"), 2);
    assert_eq!(count(&store, "SELECT version FROM documents"), 2);
    let n_doc_events = count(&store, "SELECT COUNT(*) FROM doc_events");
    let n_stored = count(&store, "SELECT COUNT(*) FROM stored_events");
    assert_eq!(n_doc_events, count(&store, "SELECT COUNT(*) FROM sources"));
    assert!(n_stored <= n_doc_events && n_stored >= 1);
    let events = store.events(&Filter::default()).unwrap();
    let killed: Vec<u64> = events.iter().filter_map(|e| e["fatalities"]["low"].as_u64()).collect();
    assert!(killed.contains(&9) && !killed.contains(&7), "the edited figure replaces the old one: {killed:?}");
    assert!(events.iter().all(|e| e["version"].as_i64().unwrap() >= 1));
}

#[test]
fn filters_select_by_country_type_date_toll_and_text() {
    let (_, store) = sitrep_store::eval_merge_with(pipeline(), &merge_set()).unwrap();
    let all = store.events(&Filter::default()).unwrap();
    let q = |s: &str| store.events(&Filter::parse(s).unwrap()).unwrap();
    let syria = q("country:SY");
    assert!(!syria.is_empty() && syria.len() < all.len());
    assert!(syria.iter().all(|e| e["location"]["country"] == "SY"));
    let protests = q("type:protests");
    assert!(protests.iter().all(|e| e["event_type"] == "protests"));
    let march = q("date:2026-03-01..2026-03-31");
    assert!(march.iter().all(|e| e["date"]["start"].as_str().unwrap() <= "2026-03-31"));
    let big = q("fatalities>=20");
    assert!(big.iter().all(|e| e["fatalities"]["best"].as_u64().unwrap_or(0) >= 20));
    assert!(!big.is_empty());
    let mogadishu = q("mogadishu");
    assert!(!mogadishu.is_empty() && mogadishu.iter().all(|e| e.to_string().to_lowercase().contains("mogadishu")));
    let bbox = q("bbox:35,32,43,38");
    assert!(bbox.iter().all(|e| {
        let (lat, lon) = (e["location"]["lat"].as_f64().unwrap(), e["location"]["lon"].as_f64().unwrap());
        (32.0..=38.0).contains(&lat) && (35.0..=43.0).contains(&lon)
    }));
    // A value that looks like SQL is just a value.
    assert!(q("\"x' OR 1=1 --\"").is_empty());
}

#[test]
fn acled_csv_round_trips_through_python_with_the_exact_header_and_geojson_is_rfc7946() {
    let (_, store) = sitrep_store::eval_merge_with(pipeline(), &merge_set()).unwrap();
    let events = store.events(&Filter::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("acled.csv");
    let rows = sitrep_store::export::write_acled_csv(&events, std::fs::File::create(&csv_path).unwrap()).unwrap();
    assert!(rows > 0);
    let script = r#"
import csv, sys, json
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    r = csv.reader(f)
    header = next(r)
    rows = list(r)
print(json.dumps({"header": header, "rows": len(rows), "widths": sorted({len(x) for x in rows}),
                  "fatalities_numeric": all(x[28].isdigit() for x in rows),
                  "time_precision": sorted({x[3] for x in rows}), "geo_precision": sorted({x[24] for x in rows})}))
"#;
    let out = std::process::Command::new("python3").arg("-c").arg(script).arg(&csv_path).output().expect("python3 runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let header: Vec<&str> = v["header"].as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect();
    assert_eq!(header, sitrep_store::export::ACLED_COLUMNS);
    assert_eq!(header.len(), 31);
    assert_eq!(v["rows"].as_u64().unwrap() as usize, rows);
    assert_eq!(v["widths"], serde_json::json!([31]));
    assert_eq!(v["fatalities_numeric"], true);
    for p in v["time_precision"].as_array().unwrap().iter().chain(v["geo_precision"].as_array().unwrap()) {
        assert!(["1", "2", "3"].contains(&p.as_str().unwrap()), "{p}");
    }

    let mut buf = Vec::new();
    let n = sitrep_store::export::write_geojson(&events, &mut buf).unwrap();
    let g: Value = serde_json::from_slice(&buf).unwrap();
    assert_eq!(g["type"], "FeatureCollection");
    assert!(g.get("crs").is_none(), "RFC 7946 drops crs");
    let features = g["features"].as_array().unwrap();
    assert_eq!(features.len(), n);
    assert!(n > 0);
    for f in features {
        assert_eq!(f["type"], "Feature");
        assert!(f["properties"].is_object());
        assert_eq!(f["geometry"]["type"], "Point");
        let c = f["geometry"]["coordinates"].as_array().unwrap();
        assert_eq!(c.len(), 2);
        let (lon, lat) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
        assert!((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat));
        let e = events.iter().find(|e| e["id"] == f["id"]).unwrap();
        assert_eq!(e["location"]["lon"].as_f64().unwrap(), lon, "longitude first");
        assert!(f["properties"].as_object().unwrap().values().all(|v| !v.is_object() && !v.is_array()));
    }
}

#[test]
fn bad_inputs_are_recorded_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::os::unix::fs::symlink(d.join("nowhere.txt"), d.join("gone.txt")).unwrap();
    std::fs::write(d.join("bad-utf8.txt"), b"Gunmen attacked a market in Gao \xff\xfe on Monday.").unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all("Malian soldiers clashed with jihadists in Gao on Monday. ".repeat(200).as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    std::fs::write(d.join("cut.txt.gz"), &gz[..gz.len() / 2]).unwrap();
    {
        // One 200 MB JSON Lines line, written in pieces.
        let mut f = std::io::BufWriter::new(std::fs::File::create(d.join("huge.jsonl")).unwrap());
        f.write_all(br#"{"id":"huge","text":""#).unwrap();
        let chunk = "a".repeat(1 << 20);
        for _ in 0..200 {
            f.write_all(chunk.as_bytes()).unwrap();
        }
        f.write_all(b"\"}\n").unwrap();
    }
    let bomb = format!("<html><body>{}x{}</body></html>", "<div>".repeat(100_000), "</div>".repeat(100_000));
    std::fs::write(d.join("bomb.html"), bomb).unwrap();
    std::fs::write(
        d.join("french.txt"),
        "Des hommes armés ont attaqué un marché à Gao lundi, tuant sept personnes, selon les autorités locales. \
         Les habitants ont fui vers la ville voisine après les violences de la nuit dernière.",
    )
    .unwrap();
    let warc = sitrep_store::warc::response_record(
        "https://example.org/cut",
        "<html><body><article><p>Malian soldiers clashed with jihadists in Gao on Monday.</p></article></body></html>",
    );
    std::fs::write(d.join("cut.warc"), &warc[..warc.len() - 30]).unwrap();
    std::fs::write(d.join("good.txt"), "GAO, February 3 (Wire) - Malian soldiers clashed with jihadists in Gao on February 2, and seven fighters were killed, officials said.").unwrap();

    let mut store = Store::open_in_memory().unwrap();
    // A directory walk passes over a dangling link; named on the command line, it is an error.
    let inputs = [d.to_path_buf(), d.join("gone.txt")];
    let report = ingest(&mut store, pipeline(), &inputs, &IngestOptions::default(), |_| {}).unwrap();
    let errors = store.run_errors(report.run_id).unwrap();
    let has = |name: &str| errors.iter().any(|(s, _)| s.contains(name));
    for name in ["gone.txt", "bad-utf8.txt", "cut.txt.gz", "huge.jsonl", "bomb.html", "french.txt", "cut.warc"] {
        assert!(has(name), "{name} should be in ingest_errors: {errors:#?}");
    }
    assert!(!has("good.txt"), "{errors:#?}");
    assert_eq!(count(&store, "SELECT COUNT(*) FROM ingest_errors"), errors.len() as i64);
    assert!(count(&store, "SELECT COUNT(*) FROM documents WHERE source LIKE '%good.txt'") == 1);
    assert!(count(&store, "SELECT COUNT(*) FROM stored_events") >= 1);
}

#[test]
fn warc_archives_are_ingested_like_pages() {
    let dir = tempfile::tempdir().unwrap();
    let page = |body: &str| {
        format!("<html><head><meta property=\"article:published_time\" content=\"2026-02-03\"><title>Report</title></head>\
                 <body><article><h1>Report</h1><p>{body}</p><p>Residents said the town was calm by evening, and aid groups were preparing supplies.</p></article></body></html>")
    };
    let mut w = sitrep_store::warc::response_record("https://a.example/gao", &page("Malian soldiers clashed with jihadists in Gao on February 2, and seven fighters were killed, officials said."));
    w.extend(sitrep_store::warc::response_record("https://b.example/bamako", &page("Hundreds of nurses marched through Bamako on February 2 to demand higher wages, officials said.")));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&w).unwrap();
    std::fs::write(dir.path().join("crawl.warc.gz"), gz.finish().unwrap()).unwrap();
    let mut store = Store::open_in_memory().unwrap();
    let report = ingest(&mut store, pipeline(), &[dir.path().to_path_buf()], &IngestOptions::default(), |_| {}).unwrap();
    assert_eq!(report.documents, 2, "{:?}", store.run_errors(report.run_id));
    assert_eq!(count(&store, "SELECT COUNT(*) FROM documents WHERE url LIKE 'https://%.example/%'"), 2);
}
