//! The page in a real browser: Debian's headless Chromium driven through chromedriver (W3C
//! WebDriver) against a server on a loopback port over a database ingested from the invented
//! articles in tests/fixtures. Fails — never skips — when chromium or chromedriver is missing.
//!
//! Screenshots are written to the test's temp dir; with SITREP_SCREENSHOTS=1 also to docs/
//! (docs/serve-map.png, docs/serve-panel.png).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use common::webdriver::Browser;
use common::{chars, db, get, Server};
use serde_json::{json, Value};

/// Ids of the markers drawn now, by kind (`point` or `region`).
const MARKERS_JS: &str = r"
  const out = {};
  for (const el of document.querySelectorAll('.event-marker')) {
    (out[el.getAttribute('data-kind')] = out[el.getAttribute('data-kind')] || []).push(el.getAttribute('data-event-id'));
  }
  const clusters = [...document.querySelectorAll('.marker-cluster span')].map((s) => Number(s.textContent));
  return {point: (out.point || []).sort(), region: (out.region || []).sort(), clustered: clusters.reduce((a, b) => a + b, 0)};
";

fn shown(b: &Browser) -> (BTreeSet<String>, BTreeSet<String>, u64) {
    let v = b.js(MARKERS_JS, vec![]);
    let set = |k: &str| v[k].as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_owned()).collect::<BTreeSet<_>>();
    (set("point"), set("region"), v["clustered"].as_u64().unwrap_or(0))
}

/// Points in view = drawn markers + markers inside cluster icons.
fn points_in_view(b: &Browser) -> u64 {
    let (p, _, c) = shown(b);
    p.len() as u64 + c
}

fn summaries(base: &str, query: &str) -> Vec<Value> {
    get(&format!("{base}/api/events?view=summary&limit=10000&{query}")).json()["events"].as_array().unwrap().clone()
}

fn wait_ready(b: &Browser) {
    b.wait_for("the page to load its events", "return document.body.getAttribute('data-ready') === 'true' && document.querySelectorAll('.leaflet-overlay-pane path').length > 0", 30);
}

fn screenshot(b: &Browser, name: &str) {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    b.screenshot(&tmp);
    if std::env::var_os("SITREP_SCREENSHOTS").is_some() {
        let docs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs");
        std::fs::create_dir_all(&docs).unwrap();
        std::fs::copy(&tmp, docs.join(name)).unwrap();
    }
}

/// Opens the event `id` by clicking its marker (zooming into its cluster first if needed) and
/// waits until every source's article text is in the panel.
fn open_by_marker(b: &Browser, id: &str) {
    for _ in 0..6 {
        let visible = b.js("return !!document.querySelector(`.event-marker[data-event-id=\"${arguments[0]}\"]`)", vec![json!(id)]);
        if visible == json!(true) {
            break;
        }
        // The marker is inside a cluster: a click on the cluster zooms in, as a person would.
        b.click(".marker-cluster");
        std::thread::sleep(std::time::Duration::from_millis(700));
    }
    b.click(&format!(".event-marker[data-event-id=\"{id}\"]"));
    b.wait_for(
        "the panel with the article text",
        &format!(
            "const p = document.getElementById('panel'); return !p.hidden && p.textContent.includes('{id}') && \
             document.querySelectorAll('#panel .source').length > 0 && \
             [...document.querySelectorAll('#panel .source')].every((s) => s.querySelector('.article'))"
        ),
        20,
    );
}

/// Every highlighted evidence span in the panel, checked against the stored text by character
/// offsets; returns how many were checked.
fn check_highlights(b: &Browser, base: &str) -> usize {
    let marks = b.js(
        "return [...document.querySelectorAll('#panel .source')].map((s) => ({doc: s.getAttribute('data-document'), \
         marks: [...s.querySelectorAll('mark.evidence')].map((m) => ({start: Number(m.dataset.start), end: Number(m.dataset.end), text: m.textContent}))}))",
        vec![],
    );
    let mut n = 0;
    for src in marks.as_array().unwrap() {
        let doc = get(&format!("{base}/api/documents/{}", src["doc"].as_str().unwrap())).json();
        let text = doc["text"].as_str().unwrap();
        let list = src["marks"].as_array().unwrap();
        assert!(!list.is_empty(), "each source shows its evidence");
        for m in list {
            let (s, e) = (m["start"].as_u64().unwrap() as usize, m["end"].as_u64().unwrap() as usize);
            assert_eq!(m["text"].as_str().unwrap(), chars(text, s, e), "highlight [{s}, {e}) equals text[start..end] in characters");
            n += 1;
        }
    }
    n
}

fn event_of_document(base: &str, key: &str) -> String {
    let all = get(&format!("{base}/api/events?limit=10000")).json();
    all["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["sources"].as_array().unwrap().iter().any(|s| s["document_id"] == key))
        .unwrap_or_else(|| panic!("an event from {key}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn the_page_maps_filters_brushes_and_shows_the_evidence_and_stays_inert_and_local() {
    let server = Server::start(db(), None);
    let base = server.base.clone();
    let stats = get(&format!("{base}/api/stats")).json();
    assert_eq!(
        stats["map_assets_installed"],
        json!(true),
        "the map libraries were not embedded: run scripts/setup-web.sh (npm ci from web/package-lock.json), then test again"
    );
    let all = summaries(&base, "");
    let is_point = |e: &&Value| matches!(e["precision"].as_str(), Some("point" | "district" | "city")) && e["lat"].is_number();
    let point_ids: BTreeSet<String> = all.iter().filter(is_point).map(|e| e["id"].as_str().unwrap().to_owned()).collect();
    let region_ids: BTreeSet<String> =
        all.iter().filter(|e| e["precision"] == "region").map(|e| e["id"].as_str().unwrap().to_owned()).collect();
    let country_ids: BTreeSet<String> =
        all.iter().filter(|e| e["precision"] == "country").map(|e| e["id"].as_str().unwrap().to_owned()).collect();
    assert!(point_ids.len() >= 5 && !country_ids.is_empty() && !region_ids.is_empty(), "fixtures: {all:?}");

    let b = Browser::start();
    b.goto(&format!("{base}/"));
    wait_ready(&b);
    b.js("window.__csp = []; document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));", vec![]);

    // Markers: every point-level event is a marker (or inside a cluster); regions are areas;
    // country-level events are never a point.
    assert_eq!(points_in_view(&b), point_ids.len() as u64, "every point event is drawn");
    let (points, regions, _) = shown(&b);
    assert!(points.is_subset(&point_ids));
    assert_eq!(regions, region_ids, "region-level events are drawn as areas");
    for id in &country_ids {
        assert!(!points.contains(id) && !regions.contains(id), "{id} is country-level: never a point");
        let listed = b.js("return [...document.querySelectorAll('#area-list [data-event-id]')].map((e) => e.dataset.eventId)", vec![]);
        assert!(listed.as_array().unwrap().contains(&json!(id)), "{id} is listed off the map");
    }
    let shaded = b.js("return [...document.querySelectorAll('.leaflet-countries-pane path')].filter((p) => p.getAttribute('fill') === '#9a9a9a').length", vec![]);
    assert!(shaded.as_u64().unwrap() >= 1, "the country of a country-level event is shaded");
    screenshot(&b, "serve-map.png");

    // Filtering by type: choose Battles, Apply.
    b.click("#f-type option[value=battles]");
    b.click("#filters button[type=submit]");
    let battles: BTreeSet<String> = summaries(&base, "type=battles").iter().filter(is_point).map(|e| e["id"].as_str().unwrap().to_owned()).collect();
    assert!(!battles.is_empty() && battles.len() < point_ids.len());
    b.wait_for("the battles-only map", &format!("return document.querySelectorAll('.event-marker[data-kind=point]').length === {}", battles.len()), 30);
    assert_eq!(shown(&b).0, battles, "only battles are on the map");
    assert!(b.current_url().contains("type=battles"), "the filter is in the shareable URL");
    // The shareable URL restores the same view.
    b.goto(&b.current_url());
    wait_ready(&b);
    assert_eq!(shown(&b).0, battles);
    assert_eq!(b.js("return document.getElementById('f-type').value", vec![]), json!("battles"));
    let dl = b.js("return document.getElementById('dl-geojson').getAttribute('href')", vec![]);
    let dl = dl.as_str().unwrap();
    assert!(dl.contains("type=battles") && dl.contains("format=geojson"), "{dl}");
    let fc = get(&format!("{base}{dl}")).json();
    assert_eq!(fc["features"].as_array().unwrap().len(), battles.len(), "the download is the selection");

    // Brushing the timeline: drag across its first third.
    b.click("#reset");
    b.wait_for("all markers again", &format!("return document.body.getAttribute('data-ready') && {} === (document.querySelectorAll('.event-marker[data-kind=point]').length + [...document.querySelectorAll('.marker-cluster span')].reduce((a, s) => a + Number(s.textContent), 0))", point_ids.len()), 30);
    let width = b.js("return document.getElementById('timeline').getBoundingClientRect().width", vec![]).as_f64().unwrap() as i64;
    b.drag("#timeline", -width / 2 + 2, -width / 2 + width / 3);
    let brush = b.wait_for("a brushed range in the URL", "return new URLSearchParams(location.search).get('brush')", 30);
    let (from, to) = brush.as_str().unwrap().split_once("..").unwrap();
    let in_range: BTreeSet<String> = all
        .iter()
        .filter(is_point)
        .filter(|e| {
            let s = e["date_start"].as_str().unwrap_or("");
            let end = e["date_end"].as_str().unwrap_or(s);
            !s.is_empty() && s <= to && end >= from
        })
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(!in_range.is_empty() && in_range.len() < point_ids.len(), "the brush {from}..{to} selects some days: {in_range:?}");
    b.wait_for("the brushed map", &format!("return {} === (document.querySelectorAll('.event-marker[data-kind=point]').length + [...document.querySelectorAll('.marker-cluster span')].reduce((a, s) => a + Number(s.textContent), 0))", in_range.len()), 30);
    assert!(shown(&b).0.is_subset(&in_range), "only brushed days are on the map");
    // Esc on the focused timeline clears the brush (keyboard path).
    b.keys("#timeline", "\u{E00C}");
    b.wait_for("the brush cleared", "return !new URLSearchParams(location.search).get('brush')", 30);
    assert_eq!(points_in_view(&b), point_ids.len() as u64);

    // The panel: the emoji-and-Arabic article, opened by clicking its marker.
    let idlib = event_of_document(&base, "https://social.example/idlib");
    open_by_marker(&b, &idlib);
    let n = check_highlights(&b, &base);
    assert!(n >= 1);
    let doc = get(&format!("{base}/api/documents/https:%2F%2Fsocial.example%2Fidlib")).json();
    let first_mark = b.js("return Number(document.querySelector('#panel mark.evidence').dataset.start)", vec![]).as_u64().unwrap() as usize;
    let before = chars(doc["text"].as_str().unwrap(), 0, first_mark);
    assert!(before.contains('🔥') && before.contains("عاجل"), "emoji and Arabic come before the span: {before:?}");
    let panel_text = b.js("return document.getElementById('panel').textContent", vec![]).as_str().unwrap().to_owned();
    for needle in ["Explosions / remote violence", "precision: day", "precision: city", "Killed, per this source"] {
        assert!(panel_text.contains(needle), "the panel shows {needle:?}");
    }
    b.js("document.querySelector('#panel mark.evidence').scrollIntoView({block: 'center'})", vec![]);
    screenshot(&b, "serve-panel.png");

    // A merged event: two outlets, a denial, each source's own toll.
    let aleppo = event_of_document(&base, "https://wire.example/aleppo-strike");
    open_by_marker(&b, &aleppo);
    assert!(check_highlights(&b, &base) >= 2);
    let stances = b.js("return [...document.querySelectorAll('#panel .stance')].map((s) => s.textContent)", vec![]);
    assert!(stances.as_array().unwrap().contains(&json!("denies")), "{stances}");

    // Keyboard: a marker is focusable and Enter opens it (from a fresh view: the clicks zoomed in).
    b.goto(&format!("{base}/"));
    wait_ready(&b);
    b.js("window.__csp = []; document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));", vec![]);
    let goma = event_of_document(&base, "https://daily.example/goma-clash");
    b.keys(&format!(".event-marker[data-event-id=\"{goma}\"]"), "\u{E007}");
    b.wait_for("the panel opened by Enter", &format!("return document.getElementById('panel').textContent.includes('{goma}')"), 30);

    // Hostile text stays text.
    let hostile = all
        .iter()
        .find(|e| e["place"].as_str() == Some("Bamako"))
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .expect("the Bamako event");
    let scripts_before = b.js("return document.scripts.length", vec![]);
    open_by_marker(&b, &hostile);
    check_highlights(&b, &base);
    assert_eq!(b.alert_text(), None, "no dialog opened");
    let dom = b.js(
        "return {scripts: document.scripts.length, onerror: document.querySelectorAll('[onerror]').length, \
         imgs: [...document.querySelectorAll('img')].filter((i) => !i.closest('.leaflet-pane')).length, \
         js_links: document.querySelectorAll('a[href^=\"javascript:\" i]').length, csp: window.__csp, \
         text: document.getElementById('panel').textContent}",
        vec![],
    );
    assert_eq!(dom["scripts"], scripts_before, "no injected script element");
    assert_eq!(dom["onerror"], 0);
    assert_eq!(dom["imgs"], 0, "no injected image");
    assert_eq!(dom["js_links"], 0, "a javascript: URL is never a link");
    assert_eq!(dom["csp"], json!([]), "nothing even tried to break the CSP");
    let text = dom["text"].as_str().unwrap();
    for payload in ["<script>alert('title')</script>", "<img src=x onerror=alert(3)>", "<script>alert('quote')</script>", "javascript:alert(1)"] {
        assert!(text.contains(payload), "{payload} is shown as text");
    }

    // Nothing left the loopback origin.
    let urls = b.requested_urls();
    assert!(urls.iter().filter(|u| u.starts_with(&base)).count() >= 8, "the network log was read: {urls:?}");
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for u in &urls {
        // Browser-internal pages (chrome://new-tab-page…, about:, data:) never touch the network.
        let network = ["http:", "https:", "ws:", "wss:", "ftp:"].iter().any(|s| u.starts_with(s));
        assert!(!network || u.starts_with(&format!("{base}/")), "a request left the loopback origin: {u}");
        *by_kind.entry(if network { "this server" } else { "browser-internal" }).or_default() += 1;
    }
    let resources = b.js("return performance.getEntriesByType('resource').map((r) => r.name)", vec![]);
    for r in resources.as_array().unwrap() {
        assert!(r.as_str().unwrap().starts_with(&base), "{r}");
    }
    eprintln!("requests: {by_kind:?}");
}
