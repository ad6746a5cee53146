//! The API over PostgreSQL answers exactly as over SQLite: the merge set (`eval/sets/merge`,
//! 106 articles) ingested into an SQLite file and into a PostgreSQL store (a throwaway server from
//! `scripts/pg-test-cluster.sh`; missing binaries fail the test), both served, and the same
//! requests — every page of events (JSON, summaries, GeoJSON, CSV, with filters), every event's
//! detail with sources, claims and evidence, every document, stats, coverage, errors, and a
//! submitted article — give the same status, type, paging links and bodies (wall-clock stamps
//! masked: the two ingests ran at different moments).

mod common;

use std::path::{Path, PathBuf};

use common::{get, get_with, post, Reply, Server, TOKEN};
use serde_json::Value;
use sitrep_serve::Submit;

fn merge_set() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../eval/sets/merge/articles.jsonl")
}

/// `YYYY-MM-DDTHH:MM:SS…` stamps as `<time>`: when a row was written, not what it says.
fn mask_times(s: &str) -> String {
    let b = s.as_bytes();
    let shape = b"dddd-dd-ddTdd:dd:dd";
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        let is_stamp = b.len() - i >= shape.len()
            && shape.iter().zip(&b[i..]).all(|(p, c)| if *p == b'd' { c.is_ascii_digit() } else { p == c });
        if is_stamp {
            let mut j = i + shape.len();
            while j < b.len() && (b[j].is_ascii_digit() || matches!(b[j], b'.' | b'Z' | b'+' | b':')) {
                j += 1;
            }
            out.push_str("<time>");
            i = j;
        } else {
            let ch = s[i..].chars().next().unwrap();
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// What must match: status, content type, the next-page link, and the body (parsed when JSON).
fn essence(r: &Reply) -> (u16, String, String, Result<Value, String>) {
    let ct = r.header("content-type").unwrap_or("").to_owned();
    let link = r.header("link").unwrap_or("").to_owned();
    let body = mask_times(&r.body);
    let parsed = if ct.contains("json") { serde_json::from_str(&body).map_err(|e| format!("{e}: {body}")) } else { Err(body) };
    (r.status, ct, link, parsed)
}

fn same(a: &Server, b: &Server, path: &str) -> Reply {
    let (x, y) = (get(&format!("{}{path}", a.base)), get(&format!("{}{path}", b.base)));
    assert_eq!(essence(&x), essence(&y), "GET {path}: SQLite and PostgreSQL differ");
    x
}

/// Follows `next_cursor` (or the Link header, for CSV) from `first` to the last page, comparing
/// every page; the number of pages.
fn same_pages(a: &Server, b: &Server, first: &str) -> usize {
    let mut path = first.to_owned();
    let mut pages = 0;
    loop {
        let r = same(a, b, &path);
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        pages += 1;
        let Some(link) = r.header("link") else { return pages };
        let next = link.trim_start_matches('<').split('>').next().unwrap().to_owned();
        assert!(next.starts_with("/api/events?"), "{link}");
        path = next;
        assert!(pages < 500, "paging does not end");
    }
}

#[test]
fn the_api_answers_the_same_from_sqlite_and_from_postgres() {
    let dir = tempfile::tempdir().unwrap();
    let lite_db = dir.path().join("merge.db");
    let opts = sitrep_store::IngestOptions::default();
    let mut lite = sitrep_store::Store::open(&lite_db).unwrap();
    sitrep_store::ingest(&mut lite, &common::pipeline(), &[merge_set()], &opts, |_| {}).unwrap();
    drop(lite);
    let url = sitrep_pg::test_cluster::fresh_database("serve_api");
    let mut pg = sitrep_pg::PgStore::connect(&url, &sitrep_pg::PgOptions::default()).unwrap();
    sitrep_store::ingest(&mut pg, &common::pipeline(), &[merge_set()], &opts, |_| {}).unwrap();
    drop(pg);
    let submit = || Some(Submit { token: TOKEN.to_owned(), max_bytes: 64 * 1024, pipeline: common::pipeline() });
    let a = Server::start_db(lite_db.to_str().unwrap(), submit(), None);
    let b = Server::start_db(&url, submit(), None);

    let stats = same(&a, &b, "/api/stats").json();
    let events = stats["stats"]["events"].as_i64().unwrap();
    assert!(events > 30, "{stats}");
    assert!(stats["stats"]["contested"].as_i64().unwrap() > 0, "the set has contested events: {stats}");
    same(&a, &b, "/api/coverage");
    same(&a, &b, "/api/openapi.json");

    // Every event, a page at a time, in each form; pages end where they should.
    let pages = same_pages(&a, &b, "/api/events?limit=7");
    assert_eq!(pages as i64, (events + 6) / 7, "{events} events in pages of 7");
    same_pages(&a, &b, "/api/events?view=summary&limit=11");
    same_pages(&a, &b, "/api/events?format=geojson&limit=9");
    same_pages(&a, &b, "/api/events?format=csv&limit=25");
    same_pages(&a, &b, "/api/events");
    for accept in ["application/geo+json", "text/csv"] {
        let (x, y) = (get_with(&format!("{}/api/events?limit=5", a.base), "Accept", accept), get_with(&format!("{}/api/events?limit=5", b.base), "Accept", accept));
        assert_eq!(essence(&x), essence(&y), "Accept: {accept}");
    }

    // Filters, as query parameters and in the filter syntax, paged.
    let mut selected = 0;
    for q in [
        "country=SY",
        "country=SY,IQ&type=explosions_remote_violence",
        "admin1=nineveh",
        "bbox=35,32,43,38",
        "bbox=170,-50,-170,50",
        "bbox=-20,-40,55,40&fatalities=5",
        "date=2026-03-01..2026-03-31",
        "from=2026-03-10",
        "subtype=armed_clash",
        "contested=yes",
        "contested=no",
        "confidence=0.7",
        "text=mogadishu",
        "actor=islamic%20state",
        "q=%22x%27%20OR%201%3D1%20--%22",
        "q=50%25_off",
        "q=country:SY%20fatalities%3E%3D5",
    ] {
        let r = same(&a, &b, &format!("/api/events?{q}&limit=10000"));
        assert_eq!(r.status, 200, "{q}: {}", r.body);
        selected += usize::from(r.json()["count"].as_u64().unwrap() > 0);
        same_pages(&a, &b, &format!("/api/events?{q}&limit=3&view=summary"));
    }
    assert!(selected >= 10, "most filters select something ({selected})");

    // Every event's detail: sources, claims and evidence spans into the documents' text.
    let all = get(&format!("{}/api/events?limit=10000", a.base)).json();
    let ids: Vec<&str> = all["events"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len() as i64, events);
    let mut evidence = 0;
    for id in &ids {
        let d = same(&a, &b, &format!("/api/events/{id}")).json();
        evidence += d["sources"].as_array().unwrap().iter().map(|s| s["evidence"].as_array().unwrap().len()).sum::<usize>();
    }
    assert!(evidence > ids.len(), "evidence spans come with the sources ({evidence})");

    // Every document, by number, and by key; what is not there.
    let documents = stats["stats"]["documents"].as_i64().unwrap();
    for n in 1..=documents {
        let d = same(&a, &b, &format!("/api/documents/{n}"));
        assert_eq!(d.status, 200);
    }
    let key = same(&a, &b, "/api/documents/1").json()["key"].as_str().unwrap().to_owned();
    let by_key = same(&a, &b, &format!("/api/documents/{}", key.replace(':', "%3A").replace('/', "%2F")));
    assert!(by_key.status == 200 || by_key.status == 404, "{}", by_key.status);
    for path in [
        format!("/api/documents/{}", documents + 1),
        "/api/documents/nonsense".to_owned(),
        "/api/events/SR-XX-999999".to_owned(),
        "/api/events?cursor=garbage".to_owned(),
        "/api/events?limit=0".to_owned(),
        "/api/events?colour=red".to_owned(),
        "/api/events?country=Syria".to_owned(),
        "/api/events?view=summary&format=csv".to_owned(),
    ] {
        let r = same(&a, &b, &path);
        assert!(r.status >= 400, "{path}: {}", r.status);
    }

    // A submitted article is extracted, stored and merged alike (its own invented words).
    let doc = serde_json::json!({"text": "KIDAL, March 9 (Sahel Wire) - Gunmen attacked an army post near Kidal on March 8, killing four soldiers, the army said.",
        "title": "Army post attacked near Kidal", "url": "https://wire.example/2026/kidal-post", "published": "2026-03-09", "outlet": "Sahel Wire"});
    let body = doc.to_string();
    let headers = [("Authorization", &*format!("Bearer {TOKEN}")), ("Content-Type", "application/json")];
    let (x, y) = (post(&format!("{}/api/documents", a.base), &headers, body.as_bytes()), post(&format!("{}/api/documents", b.base), &headers, body.as_bytes()));
    assert_eq!(x.status, 201, "{}", x.body);
    assert_eq!(essence(&x), essence(&y), "POST /api/documents");
    assert!(!x.json()["stored_events"].as_array().unwrap().is_empty(), "{}", x.body);
    let again = post(&format!("{}/api/documents", b.base), &headers, body.as_bytes());
    assert_eq!(again.json()["unchanged"], true, "a resubmission is recognised on PostgreSQL");
    post(&format!("{}/api/documents", a.base), &headers, body.as_bytes());
    same(&a, &b, "/api/stats");
    same(&a, &b, "/api/coverage");
    same_pages(&a, &b, "/api/events?limit=50");

    // The server's connections are cut (as a database restart would): requests still succeed.
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let cut = admin
        .query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", &[])
        .unwrap();
    assert!(cut.len() >= 4, "the readers' connections were cut ({})", cut.len());
    for _ in 0..6 {
        same(&a, &b, "/api/stats");
    }
    let r = post(&format!("{}/api/documents", b.base), &headers, body.as_bytes());
    assert_eq!(r.status, 201, "the writer reconnects too: {}", r.body);
}
