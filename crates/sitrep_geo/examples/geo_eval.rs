//! Quick geoparsing and event-location figures on ../shared/data, until `sitrep eval` runs the
//! official scorers; also builds the index without the `sitrep` binary.
//!
//!   cargo run --release -p sitrep_geo --example geo_eval -- build .venv/gazetteer-sources data/gazetteer
//!   cargo run --release -p sitrep_geo --example geo_eval -- eval [--pipeline] [--no-outlet] [--errors FILE]
//!   cargo run --release -p sitrep_geo --example geo_eval -- text "Some text." [--url URL]

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use sitrep_core::{CharMap, Document, Event, Span, SubEventType};
use sitrep_geo::{distance_km, locate_events, Gazetteer};

/// A place as char offsets and its coordinates.
type CharPlace = ((usize, usize), Option<sitrep_core::Geo>, bool);

struct Topo {
    start: usize,
    end: usize,
    phrase: String,
    is_toponym: bool,
    coords: Option<(f64, f64)>,
}

fn child<'a>(n: roxmltree::Node<'a, 'a>, name: &str) -> Option<roxmltree::Node<'a, 'a>> {
    n.children().find(|c| c.has_tag_name(name))
}
fn text_of(n: roxmltree::Node<'_, '_>, name: &str) -> Option<String> {
    child(n, name).and_then(|c| c.text()).map(str::to_owned)
}
fn num<T: std::str::FromStr>(s: Option<String>) -> Option<T> {
    s.and_then(|s| s.trim().parse().ok())
}

/// An article: text, gold toponyms, and the address and outlet the file gives.
type Article = (String, Vec<Topo>, Option<String>, Option<String>);

fn load(path: &Path, gwn: bool, trnews: bool) -> Vec<Article> {
    let xml = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse_with_options(
        &xml,
        roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() },
    )
    .unwrap();
    let mut out = Vec::new();
    for art in doc.descendants().filter(|n| n.has_tag_name("article")) {
        let text = text_of(art, "text").unwrap_or_default();
        let chars: Vec<char> = text.chars().collect();
        let mut tops = Vec::new();
        for t in child(art, "toponyms").into_iter().flat_map(|n| n.children().filter(|c| c.has_tag_name("toponym"))) {
            let (Some(mut start), Some(mut end)) = (num::<usize>(text_of(t, "start")), num::<usize>(text_of(t, "end")))
            else {
                continue;
            };
            let (phrase, is_toponym, coords) = if gwn {
                let kind = text_of(t, "type").unwrap_or_default();
                let ok = !(matches!(kind.as_str(), "Non_Toponym" | "Demonym" | "Homonym" | "Language")
                    || kind.ends_with("_Expression"));
                (
                    text_of(t, "extractedName").unwrap_or_default(),
                    ok,
                    num::<f64>(text_of(t, "latitude")).zip(num::<f64>(text_of(t, "longitude"))),
                )
            } else {
                let g = child(t, "gaztag");
                (
                    text_of(t, "phrase").unwrap_or_default(),
                    true,
                    g.and_then(|g| num::<f64>(text_of(g, "lat")).zip(num::<f64>(text_of(g, "lon")))),
                )
            };
            if trnews {
                let p: Vec<char> = phrase.chars().collect();
                let at = |s: usize| s + p.len() <= chars.len() && chars[s..s + p.len()] == p[..];
                if let Some(s) = (0..=10).find_map(|d| {
                    if at(start + d) {
                        Some(start + d)
                    } else if d <= start && at(start - d) {
                        Some(start - d)
                    } else {
                        None
                    }
                }) {
                    start = s;
                    end = s + p.len();
                }
            }
            if end > chars.len() || start > end {
                continue;
            }
            tops.push(Topo { start, end, phrase, is_toponym, coords });
        }
        let meta = |name: &str| text_of(art, name).map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        out.push((text, tops, meta("url"), meta("domain")));
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("build") {
        let t = Instant::now();
        let r = sitrep_geo::build(Path::new(&args[1]), Path::new(&args[2])).unwrap();
        eprintln!(
            "built {} places, {} keys, {} bytes, {} in {:.1}s",
            r.places,
            r.keys,
            r.bytes,
            r.version,
            t.elapsed().as_secs_f64()
        );
        return;
    }
    let mut errors = args.iter().position(|a| a == "--errors").map(|i| std::fs::File::create(&args[i + 1]).unwrap());
    let t = Instant::now();
    let gaz = Gazetteer::load(Path::new("data/gazetteer")).unwrap();
    eprintln!(
        "gazetteer {} loaded in {:.1} ms ({} places; wall {:.1} ms)",
        gaz.version(),
        gaz.load_ms(),
        gaz.place_count(),
        t.elapsed().as_secs_f64() * 1e3
    );
    let data = sitrep_core::testdata::require_shared_data().join("geoparsing");
    // --pipeline: the text and entity stages first, as `sitrep eval geoparsing` runs them.
    let stages = args
        .iter()
        .any(|a| a == "--pipeline")
        .then(|| (sitrep_text::Cleaner::load().unwrap(), sitrep_ner::Ner::load().unwrap()));
    let prepare = |doc: &mut Document| {
        if let Some((text, ner)) = &stages {
            text.annotate(doc);
            ner.annotate(doc);
        }
    };
    if args.first().map(String::as_str) == Some("text") {
        let mut doc = Document::from_text("t", args[1].clone());
        doc.url = args.iter().position(|a| a == "--url").map(|i| args[i + 1].clone());
        prepare(&mut doc);
        gaz.annotate(&mut doc);
        for p in &doc.places {
            let g = p.geo.as_ref().unwrap();
            println!(
                "{:?} -> {} {:?} {:?} ({:.3},{:.3}) {:?} conf {:.2}",
                p.span.of(&doc.text),
                g.name,
                g.country,
                g.admin1,
                g.lat,
                g.lon,
                g.precision,
                g.confidence
            );
        }
        return;
    }
    for (name, file, gwn, tr) in [
        ("lgl", "lgl/lgl.xml", false, false),
        ("geowebnews", "geowebnews/GWN.xml", true, false),
        ("trnews", "trnews/TR-News.xml", false, true),
    ] {
        let arts = load(&data.join(file), gwn, tr);
        let (mut n, mut e2e, mut given, mut base) = (0usize, 0usize, 0usize, 0usize);
        let (mut tp, mut pred, mut gold_n) = (0usize, 0usize, 0usize);
        let mut chars_total = 0usize;
        let started = Instant::now();
        let mut errs_km: Vec<f64> = Vec::new();
        let mut buckets: std::collections::BTreeMap<&'static str, usize> = std::collections::BTreeMap::new();
        for (ai, (text, tops, url, outlet)) in arts.iter().enumerate() {
            chars_total += text.len();
            let mut doc = Document::from_text(format!("{name}-{ai}"), text.clone());
            if !args.iter().any(|a| a == "--no-outlet") {
                doc.url.clone_from(url);
                doc.outlet.clone_from(outlet);
            }
            prepare(&mut doc);
            gaz.annotate(&mut doc);
            sitrep_core::check::assert_spans(&doc);
            let map = CharMap::new(text);
            let places: Vec<CharPlace> = doc
                .places
                .iter()
                .map(|p| {
                    let norp = p.entity.as_ref().is_some_and(|e| {
                        doc.entities.iter().any(|x| &x.id == e && x.kind == sitrep_core::EntityKind::Norp)
                    });
                    (map.span_to_chars(p.span), p.geo.clone(), norp)
                })
                .collect();
            pred += places.len();
            if let Some(f) = errors.as_mut() {
                for (s, g, _) in &places {
                    if !tops.iter().any(|t| (t.start, t.end) == *s) {
                        let surface: String = text.chars().skip(s.0).take(s.1 - s.0).collect();
                        let prec = g.as_ref().map(|g| format!("{:?}", g.precision)).unwrap_or_default();
                        writeln!(f, "fp-{name}\t{surface}\t{prec}").unwrap();
                    }
                }
            }
            for t in tops.iter().filter(|t| t.is_toponym) {
                gold_n += 1;
                if places.iter().any(|(s, ..)| *s == (t.start, t.end)) {
                    tp += 1;
                }
            }
            for t in tops.iter().filter(|t| t.is_toponym) {
                let Some((la, lo)) = t.coords else { continue };
                n += 1;
                let hit = places
                    .iter()
                    .filter(|(s, ..)| s.0 < t.end && t.start < s.1)
                    .max_by_key(|(s, ..)| (usize::from(*s == (t.start, t.end)), s.1.min(t.end) - s.0.max(t.start)));
                let err =
                    hit.and_then(|(_, g, _)| g.as_ref().map(|g| distance_km(g.lat, g.lon, la, lo))).unwrap_or(20039.0);
                errs_km.push(err);
                if err <= 161.0 {
                    e2e += 1;
                }
                let span = map.span_from_chars(t.start, t.end);
                let g = gaz.resolve_span(&doc_text_only(&doc), span);
                let gerr = g.as_ref().map(|g| distance_km(g.lat, g.lon, la, lo));
                if gerr.is_some_and(|d| d <= 161.0) {
                    given += 1;
                }
                if gaz.most_populous(&t.phrase).is_some_and(|g| distance_km(g.lat, g.lon, la, lo) <= 161.0) {
                    base += 1;
                }
                let mut bk = "";
                if err > 161.0 {
                    let b = bucket(
                        &gaz,
                        &t.phrase,
                        hit.map(|(s, g, norp)| (*s == (t.start, t.end), g.as_ref(), *norp)),
                        (t.start, t.end),
                        (la, lo),
                    );
                    *buckets.entry(b).or_insert(0usize) += 1;
                    bk = b;
                }
                if let Some(f) = errors.as_mut() {
                    if err > 161.0 {
                        let got = hit
                            .map(|(s, g, _)| {
                                format!(
                                    "{:?}@{:?}",
                                    &text.chars().skip(s.0).take(s.1 - s.0).collect::<String>(),
                                    g.as_ref().map(|g| (
                                        g.lat,
                                        g.lon,
                                        g.name.as_str(),
                                        g.country.as_deref(),
                                        g.admin1.as_deref()
                                    ))
                                )
                            })
                            .unwrap_or_else(|| "UNRECOGNISED".into());
                        let gname = g
                            .map(|g| {
                                format!("{} {} ({:.0} km)", g.name, g.country.unwrap_or_default(), gerr.unwrap_or(0.0))
                            })
                            .unwrap_or_else(|| "-".into());
                        let ctx: String = text
                            .chars()
                            .skip(t.start.saturating_sub(40))
                            .take(t.end - t.start + 80)
                            .collect::<String>()
                            .replace('\n', " ");
                        writeln!(f, "{name}\t{bk}\t{}\t{got}\tgiven:{gname}\t{ctx}", t.phrase).unwrap();
                    }
                }
            }
        }
        let secs = started.elapsed().as_secs_f64();
        errs_km.sort_by(f64::total_cmp);
        let p = tp as f64 / pred.max(1) as f64;
        let r = tp as f64 / gold_n.max(1) as f64;
        println!(
            "{name}: n={n} acc_161km={:.3} acc_161km_given_spans={:.3} most_populous_baseline={:.3} median_err_km={:.0} P={p:.3} R={r:.3} F1={:.3} docs={} ({:.0} docs/s incl. given-span runs, {:.1} MB)",
            e2e as f64 / n as f64, given as f64 / n as f64, base as f64 / n as f64, errs_km.get(errs_km.len() / 2).copied().unwrap_or(0.0), 2.0 * p * r / (p + r).max(1e-9), arts.len(), arts.len() as f64 / secs, chars_total as f64 / 1e6
        );
        let mut b: Vec<_> = buckets.into_iter().collect();
        b.sort_by_key(|x| std::cmp::Reverse(x.1));
        for (k, v) in b {
            println!("  miss {k:<44} {v:>4}  ({:.1} points)", 100.0 * v as f64 / n as f64);
        }
    }
    // Throughput: annotate only.
    let arts = load(&data.join("lgl/lgl.xml"), false, false);
    let t = Instant::now();
    let mut bytes = 0;
    for _ in 0..3 {
        for (i, (text, ..)) in arts.iter().enumerate() {
            let mut doc = Document::from_text(format!("d{i}"), text.clone());
            gaz.annotate(&mut doc);
            bytes += text.len();
        }
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "throughput: {:.0} docs/s, {:.2} MB/s (annotate only, one thread, LGL x3)",
        (arts.len() * 3) as f64 / s,
        bytes as f64 / 1e6 / s
    );
    event_location(&gaz, &data.join("../event_location/labeled_records.json"), errors.as_mut(), &prepare);
}

/// Why a gold toponym is wrong at 161 km: the error-analysis bucket.
fn bucket(
    gaz: &Gazetteer,
    phrase: &str,
    hit: Option<(bool, Option<&sitrep_core::Geo>, bool)>,
    _span: (usize, usize),
    gold: (f64, f64),
) -> &'static str {
    use sitrep_geo::PlaceKind;
    let near = |g: &sitrep_core::Geo| distance_km(g.lat, g.lon, gold.0, gold.1) <= 161.0;
    let cands = gaz.candidates(phrase);
    let right: Vec<&sitrep_geo::Candidate> = cands.iter().filter(|c| near(&c.geo)).collect();
    let Some((exact, geo, is_demonym)) = hit else {
        return if right.is_empty() {
            if cands.is_empty() {
                "unrecognised: name not in gazetteer"
            } else {
                "unrecognised: no candidate near gold"
            }
        } else {
            "unrecognised: a candidate is right"
        };
    };
    let Some(geo) = geo else { return "recognised, no geo" };
    if !exact {
        return if right.is_empty() {
            "partial span: no right candidate"
        } else {
            "partial span: a candidate is right"
        };
    }
    if geo.precision == sitrep_core::GeoPrecision::Country
        || cands.iter().any(|c| c.kind == PlaceKind::Country && c.geo.name == geo.name && c.geo.lat == geo.lat)
    {
        if right.is_empty() {
            let d = distance_km(geo.lat, geo.lon, gold.0, gold.1);
            return if d < 1500.0 {
                if is_demonym {
                    "country point (demonym)"
                } else {
                    "country point"
                }
            } else {
                "country chosen, gold elsewhere"
            };
        }
        return "country chosen, a city/region is right";
    }
    if right.is_empty() {
        return if cands.is_empty() {
            "resolved via context, no right sense in gaz"
        } else {
            "no candidate near gold (sense missing)"
        };
    }
    let r = right[0];
    let got_kind = cands.iter().find(|c| c.geo.lat == geo.lat && c.geo.lon == geo.lon).map(|c| c.kind);
    if r.geo.country == geo.country {
        if r.geo.admin1 == geo.admin1 || r.kind == PlaceKind::Admin1 || got_kind == Some(PlaceKind::Admin1) {
            return match (got_kind, r.kind) {
                (Some(PlaceKind::City), PlaceKind::Admin1 | PlaceKind::Admin2) => {
                    "wrong sense: city chosen, region right"
                }
                (Some(PlaceKind::Admin1 | PlaceKind::Admin2), PlaceKind::City) => {
                    "wrong sense: region chosen, city right"
                }
                _ => "wrong sense: same admin1",
            };
        }
        return "wrong sense: same country, other admin1";
    }
    match (geo.country.as_deref(), r.geo.country.as_deref()) {
        (Some("US"), _) => "wrong sense: US chosen, foreign right",
        (_, Some("US")) => "wrong sense: foreign chosen, US right",
        _ => "wrong sense: other country",
    }
}

fn doc_text_only(doc: &Document) -> Document {
    let mut d = doc.clone();
    d.places.clear();
    d
}

#[derive(serde::Deserialize)]
struct Rec {
    text: String,
    spans: Vec<RecSpan>,
}
#[derive(serde::Deserialize)]
struct RecSpan {
    start: usize,
    end: usize,
    label: String,
}

fn event_location(
    gaz: &Gazetteer,
    path: &Path,
    mut errors: Option<&mut std::fs::File>,
    prepare: &dyn Fn(&mut Document),
) {
    let recs: Vec<Rec> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let (mut n, mut right, mut with_loc, mut with_loc_right) = (0, 0, 0, 0);
    for (ri, r) in recs.iter().enumerate() {
        let verbs: Vec<&RecSpan> = r.spans.iter().filter(|s| s.label == "VERB").collect();
        if verbs.is_empty() {
            continue;
        }
        let locs: Vec<(usize, usize)> =
            r.spans.iter().filter(|s| s.label == "LOCATION").map(|s| (s.start, s.end)).collect();
        let map = CharMap::new(&r.text);
        let mut doc = Document::from_text(format!("rec{ri}"), r.text.clone());
        prepare(&mut doc);
        gaz.annotate(&mut doc);
        let trigger = map.span_from_chars(verbs[0].start, verbs[0].end);
        doc.events.push(Event::new("V1", SubEventType::Attack, trigger, vec![Span::new(0, r.text.len())]));
        locate_events(&mut doc);
        let got = doc.events[0].location.as_ref().and_then(|l| l.span).map(|s| map.span_to_chars(s));
        n += 1;
        let ok = if locs.is_empty() {
            got.is_none()
        } else {
            with_loc += 1;
            got.is_some_and(|g| locs.iter().any(|l| g.0 < l.1 && l.0 < g.1))
        };
        if ok {
            right += 1;
            if !locs.is_empty() {
                with_loc_right += 1;
            }
        }
        if !ok {
            if let Some(f) = errors.as_mut() {
                let gl: Vec<String> = locs.iter().map(|l| r.text.chars().skip(l.0).take(l.1 - l.0).collect()).collect();
                let gv: String = r.text.chars().skip(verbs[0].start).take(verbs[0].end - verbs[0].start).collect();
                let gotname = doc.events[0].location.as_ref().map(|l| l.name.clone()).unwrap_or_default();
                writeln!(f, "event_location\tverb={gv}\tgold={gl:?}\tgot={gotname:?}\t{}", r.text).unwrap();
            }
        }
    }
    println!(
        "event_location: n={n} accuracy={:.3} (with gold location: {with_loc_right}/{with_loc}; without: {}/{})",
        right as f64 / n as f64,
        right - with_loc_right,
        n - with_loc
    );
}
