//! The HTTP API end to end: a real server on a loopback port over a database ingested from the
//! invented articles in tests/fixtures (through the real pipeline).

mod common;

use std::collections::BTreeSet;

use common::{chars, db, get, get_with, post, Server, TOKEN};
use serde_json::{json, Value};

fn ids(v: &Value) -> Vec<String> {
    v["events"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn events_list_paginates_with_a_cursor_and_every_page_is_in_order() {
    let s = Server::start(db(), None);
    let all = get(&format!("{}/api/events?limit=10000", s.base)).json();
    let all_ids = ids(&all);
    assert!(all_ids.len() >= 7, "the fixtures make at least seven stored events: {all_ids:?}");
    assert_eq!(all["next_cursor"], Value::Null);

    let mut paged = Vec::new();
    let mut url = format!("{}/api/events?limit=2", s.base);
    for _ in 0..20 {
        let r = get(&url);
        assert_eq!(r.status, 200);
        let v = r.json();
        assert!(v["count"].as_u64().unwrap() <= 2);
        paged.extend(ids(&v));
        match v["next_cursor"].as_str() {
            Some(c) => {
                let link = r.header("link").expect("a Link header on every page but the last");
                assert!(link.contains("rel=\"next\"") && link.contains(c), "{link}");
                url = format!("{}/api/events?limit=2&cursor={c}", s.base);
            }
            None => break,
        }
    }
    assert_eq!(paged, all_ids, "pages concatenate to the whole list, nothing twice, nothing lost");
    let dates: Vec<&str> = all["events"].as_array().unwrap().iter().map(|e| e["date"]["start"].as_str().unwrap_or("")).collect();
    let mut sorted = dates.clone();
    sorted.sort_unstable();
    assert_eq!(dates, sorted);
}

#[test]
fn the_shared_filter_reads_query_parameters_and_its_errors_say_what_to_do() {
    let s = Server::start(db(), None);
    let battles = get(&format!("{}/api/events?type=battles", s.base)).json();
    assert!(!ids(&battles).is_empty());
    assert!(battles["events"].as_array().unwrap().iter().all(|e| e["event_type"] == "battles"));
    // The same filter in the CLI syntax, through `q`.
    let q = get(&format!("{}/api/events?q=type:battles", s.base)).json();
    assert_eq!(ids(&q), ids(&battles));
    let sy = get(&format!("{}/api/events?country=SY&fatalities=10", s.base)).json();
    assert!(sy["events"].as_array().unwrap().iter().all(|e| e["location"]["country"] == "SY" && e["fatalities"]["best"].as_u64() >= Some(10)));
    assert!(!ids(&sy).is_empty());
    let week = get(&format!("{}/api/events?from=2026-03-01&to=2026-03-07", s.base)).json();
    for e in week["events"].as_array().unwrap() {
        let d = e["date"]["start"].as_str().unwrap();
        assert!(("2026-03-01"..="2026-03-07").contains(&d), "{d}");
    }

    for (query, code) in [
        ("type=war", "bad_filter"),
        ("country=Syria", "bad_filter"),
        ("date=2026-13-01", "bad_filter"),
        ("colour=red", "unknown_parameter"),
        ("limit=0", "bad_limit"),
        ("limit=lots", "bad_limit"),
        ("cursor=nonsense", "bad_cursor"),
        ("format=xml", "bad_format"),
        ("actor=a%22b", "bad_filter"),
    ] {
        let r = get(&format!("{}/api/events?{query}", s.base));
        assert_eq!(r.status, 400, "{query}");
        let e = r.json();
        assert_eq!(e["error"]["code"], code, "{query}: {e}");
        assert!(!e["error"]["message"].as_str().unwrap().is_empty());
        assert!(e["error"]["hint"].is_string(), "{query}: every error says what to do: {e}");
    }
    let missing = get(&format!("{}/api/events/SR-ZZ-999999", s.base));
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["error"]["code"], "not_found");
    let nowhere = get(&format!("{}/api/nothing", s.base));
    assert_eq!(nowhere.status, 404);
    assert!(nowhere.json()["error"]["hint"].as_str().unwrap().contains("/api/events"));
}

#[test]
fn geojson_comes_from_the_format_parameter_which_wins_over_accept() {
    let s = Server::start(db(), None);
    let by_accept = get_with(&format!("{}/api/events?limit=10000", s.base), "Accept", "application/geo+json");
    assert_eq!(by_accept.status, 200);
    assert!(by_accept.header("content-type").unwrap().starts_with("application/geo+json"));
    let fc = by_accept.json();
    assert_eq!(fc["type"], "FeatureCollection");
    let features = fc["features"].as_array().unwrap();
    assert!(!features.is_empty());
    for f in features {
        let c = f["geometry"]["coordinates"].as_array().unwrap();
        let (lon, lat) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
        assert!((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat));
        assert_ne!(f["properties"]["location"].as_str().unwrap_or(""), "", "{f}");
    }
    // Country-level events are never a point at the capital: left out, and counted.
    assert!(fc["country_level_omitted"].as_u64().unwrap() >= 1, "the Iraq protest is country-level");

    let wins = get_with(&format!("{}/api/events?format=json", s.base), "Accept", "application/geo+json");
    assert!(wins.header("content-type").unwrap().starts_with("application/json"));
    assert!(wins.json()["events"].is_array());
    let wins_geo = get_with(&format!("{}/api/events?format=geojson", s.base), "Accept", "text/csv");
    assert_eq!(wins_geo.json()["type"], "FeatureCollection");
    let csv = get(&format!("{}/api/events?format=csv&type=battles", s.base));
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    assert!(csv.body.starts_with("id,version,date_start"));
    assert_eq!(csv.body.lines().count(), 1 + ids(&get(&format!("{}/api/events?type=battles", s.base)).json()).len());
}

#[test]
fn an_event_carries_sources_claims_tolls_and_evidence_with_utf16_offsets_that_match_the_text() {
    let s = Server::start(db(), None);
    let all = get(&format!("{}/api/events?limit=10000", s.base)).json();
    let mut checked_astral = false;
    let mut stances = BTreeSet::new();
    let mut multi_source = false;
    for e in all["events"].as_array().unwrap() {
        let id = e["id"].as_str().unwrap();
        let d = get(&format!("{}/api/events/{id}", s.base));
        assert_eq!(d.status, 200);
        let d = d.json();
        assert_eq!(d["event"]["id"], id);
        let sources = d["sources"].as_array().unwrap();
        assert!(!sources.is_empty());
        multi_source |= sources.len() > 1;
        for src in sources {
            let doc_id = src["document"].as_i64().expect("each source names its stored document");
            let doc = get(&format!("{}/api/documents/{doc_id}", s.base)).json();
            let text = doc["text"].as_str().unwrap();
            let utf16: Vec<u16> = text.encode_utf16().collect();
            assert_eq!(doc["utf16_length"].as_u64().unwrap() as usize, utf16.len());
            assert!(src["fatalities"].is_object() || src["fatalities"].is_null());
            let evidence = src["evidence"].as_array().unwrap();
            assert!(!evidence.is_empty(), "every event has evidence");
            for span in evidence.iter().chain(src["claims"].as_array().unwrap()) {
                let (a, b) = (span["start"].as_u64().unwrap() as usize, span["end"].as_u64().unwrap() as usize);
                let (ua, ub) = (span["start_utf16"].as_u64().unwrap() as usize, span["end_utf16"].as_u64().unwrap() as usize);
                let by_chars = chars(text, a, b);
                assert_eq!(span["text"], json!(by_chars));
                assert_eq!(String::from_utf16(&utf16[ua..ub]).unwrap(), by_chars, "UTF-16 offsets point at the same text");
                if ua != a {
                    checked_astral = true;
                }
            }
            for c in src["claims"].as_array().unwrap() {
                stances.insert(c["stance"].as_str().unwrap().to_owned());
                assert!(c["source"].is_string());
            }
        }
    }
    assert!(checked_astral, "the emoji article's offsets differ in UTF-16 and were checked");
    assert!(stances.contains("asserts") && stances.contains("denies"), "{stances:?}");
    assert!(multi_source, "two outlets' reports of the Aleppo strike merge into one event with two sources");
}

#[test]
fn documents_come_with_text_and_removed_ranges_by_number_or_key() {
    let s = Server::start(db(), None);
    let by_key = get(&format!("{}/api/documents/https:%2F%2Fwire.example%2Faleppo-strike", s.base));
    assert_eq!(by_key.status, 200, "{}", by_key.body);
    let d = by_key.json();
    assert!(d["text"].as_str().unwrap().contains("air strike"));
    assert!(d["removed"].is_array());
    let by_id = get(&format!("{}/api/documents/{}", s.base, d["id"])).json();
    assert_eq!(by_id["text"], d["text"]);
    assert_eq!(get(&format!("{}/api/documents/999999", s.base)).status, 404);
}

#[test]
fn stats_coverage_and_openapi_describe_the_store() {
    let s = Server::start(db(), None);
    let st = get(&format!("{}/api/stats", s.base)).json();
    assert_eq!(st["stats"]["documents"], 10);
    let n = get(&format!("{}/api/events?limit=10000", s.base)).json()["count"].as_u64().unwrap();
    assert_eq!(st["stats"]["events"].as_u64().unwrap(), n);
    assert!(st["stats"]["by_type"]["battles"].as_u64().unwrap() >= 1);
    let cov = get(&format!("{}/api/coverage", s.base)).json();
    assert_eq!(cov["documents"], 10);
    assert!(cov["note"].as_str().unwrap().contains("not that nothing happened"));
    let api = get(&format!("{}/api/openapi.json", s.base));
    assert!(api.header("content-type").unwrap().starts_with("application/json"));
    let api = api.json();
    assert!(api["openapi"].as_str().unwrap().starts_with("3."));
    for path in ["/api/events", "/api/events/{id}", "/api/documents", "/api/documents/{id}", "/api/stats", "/api/coverage"] {
        assert!(api["paths"][path].is_object(), "{path} is documented");
    }
}

#[test]
fn every_response_carries_the_security_headers_and_the_page_stays_under_a_megabyte() {
    let s = Server::start(db(), None);
    let page = get(&format!("{}/", s.base));
    assert_eq!(page.status, 200);
    for r in [&page, &get(&format!("{}/api/stats", s.base)), &get(&format!("{}/api/nothing", s.base))] {
        let csp = r.header("content-security-policy").expect("CSP");
        assert!(csp.starts_with("default-src 'self'"), "{csp}");
        assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{csp}");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    }
    assert!(!page.body.contains("<script>") && !page.body.contains(" style="), "no inline script or style");
    // Everything the page loads before data: the page, its files, the vendor files and the shapes.
    let mut total = page.body.len();
    let mut assets: Vec<String> = Vec::new();
    for attr in ["src=\"", "href=\""] {
        for part in page.body.split(attr).skip(1) {
            let url = part.split('"').next().unwrap();
            let local = url.starts_with("/static/") || url.starts_with("/vendor/");
            if local && (url.ends_with(".js") || url.ends_with(".css")) {
                assets.push(url.to_owned());
            }
        }
    }
    assets.push("/vendor/countries-110m.json".to_owned());
    assert!(assets.len() >= 8, "{assets:?}");
    for a in &assets {
        let r = get(&format!("{}{a}", s.base));
        assert_eq!(r.status, 200, "{a} is embedded (run scripts/setup-web.sh before building)");
        total += r.body.len();
    }
    eprintln!("page weight before data: {total} bytes");
    assert!(total < 1_000_000, "page weight {total} bytes");
}

#[test]
fn submitting_needs_the_flag_and_the_token_and_answers_413_and_422_clearly() {
    let db = common::fresh_db();
    let off = Server::start(&db, None);
    let r = post(&format!("{}/api/documents", off.base), &[("Content-Type", "application/json")], b"{\"text\":\"x\"}");
    assert_eq!(r.status, 403);
    assert!(r.json()["error"]["hint"].as_str().unwrap().contains("--allow-submit"));
    drop(off);

    let s = Server::with_submit(&db, 4096);
    let url = format!("{}/api/documents", s.base);
    let auth = format!("Bearer {TOKEN}");
    let json_ct = ("Content-Type", "application/json");
    let doc = json!({"id": "submitted", "url": "https://submit.example/kismayo", "outlet": "Submit Example", "published": "2026-03-25",
        "text": "KISMAYO, March 25 (Submit Example) - Gunmen shot dead 3 traders in Kismayo on Tuesday, police said."});
    let body = doc.to_string();

    let none = post(&url, &[json_ct], body.as_bytes());
    assert_eq!(none.status, 401);
    assert_eq!(none.header("www-authenticate"), Some("Bearer"));
    let wrong = post(&url, &[json_ct, ("Authorization", "Bearer not-the-token-at-all-xx")], body.as_bytes());
    assert_eq!(wrong.status, 401);

    let big = json!({"text": "word ".repeat(2000)}).to_string();
    let r = post(&url, &[json_ct, ("Authorization", &auth)], big.as_bytes());
    assert_eq!(r.status, 413, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "too_large");

    for bad in [&b"{not json"[..], b"{\"title\": \"no text\"}", b"{\"text\": \"   \"}", b"[1, 2]", b"{\"text\": \"x\", \"published\": \"yesterday\"}"] {
        let r = post(&url, &[json_ct, ("Authorization", &auth)], bad);
        assert_eq!(r.status, 422, "{}: {}", String::from_utf8_lossy(bad), r.body);
        assert!(!r.json()["error"]["message"].as_str().unwrap().is_empty());
    }
    let r = post(&url, &[("Content-Type", "text/plain"), ("Authorization", &auth)], body.as_bytes());
    assert_eq!(r.status, 415);

    let ok = post(&url, &[json_ct, ("Authorization", &auth)], body.as_bytes());
    assert_eq!(ok.status, 201, "{}", ok.body);
    let v = ok.json();
    assert!(!v["output"]["events"].as_array().unwrap().is_empty(), "the submitted article's extraction: {v}");
    let stored = v["stored_events"].as_array().unwrap();
    assert!(!stored.is_empty());
    let id = stored[0].as_str().unwrap();
    let e = get(&format!("{}/api/events/{id}", s.base)).json();
    assert_eq!(e["sources"][0]["document_key"], "https://submit.example/kismayo");
    // The same article again changes nothing.
    let again = post(&url, &[json_ct, ("Authorization", &auth)], body.as_bytes()).json();
    assert_eq!(again["unchanged"], true);
}

#[test]
fn extra_routes_merge_in_with_the_same_headers_and_the_peer_address() {
    use axum::extract::ConnectInfo;
    let extra = axum::Router::new().route(
        "/subscribe",
        axum::routing::get(|ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>| async move { format!("from {}", peer.ip()) }),
    );
    let s = common::Server::start_with(db(), None, Some(extra));
    let r = get(&format!("{}/subscribe", s.base));
    assert_eq!(r.status, 200);
    assert_eq!(r.body, "from 127.0.0.1");
    assert!(r.header("content-security-policy").unwrap().starts_with("default-src 'self'"));
    assert_eq!(get(&format!("{}/api/stats", s.base)).status, 200, "the API is still there");
    let page = get(&format!("{}/", s.base));
    assert!(page.body.contains("href=\"/subscribe\""), "the page links to the newsletter pages");
}

#[test]
fn a_host_that_is_not_loopback_is_refused_against_dns_rebinding() {
    let s = Server::start(db(), None);
    let r = get_with(&format!("{}/api/stats", s.base), "Host", "attacker.example");
    assert_eq!(r.status, 421);
    assert_eq!(r.json()["error"]["code"], "wrong_host");
    assert_eq!(get_with(&format!("{}/api/stats", s.base), "Host", "localhost").status, 200);
}
