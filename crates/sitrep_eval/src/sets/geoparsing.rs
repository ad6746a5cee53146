//! Toponym recognition and resolution: LGL, GeoWebNews and TR-News.
//!
//! Files: every `*.xml` in `lgl/`, `geowebnews/` and `trnews/` (prefixes `lgl.`, `geowebnews.`,
//! `trnews.`). LGL and TR-News: `<article docid><text/><toponyms><toponym><start/><end/>
//! <phrase/><gaztag geonameid><lat/><lon/>…`; GeoWebNews: `<article file><text/><toponyms>
//! <toponym><extractedName/><type/><start/><end/><geonamesID/><latitude/><longitude/>`.

use std::path::Path;

use sitrep_core::contract::{OutPlace, Output};
use sitrep_core::Document;

use crate::stats::{haversine_km, Agg, Tally, MAX_ERROR_KM};
use crate::text::{overlap, slice_chars};
use crate::{Errors, EvalError, Result, Runner, SetResult, FN, FP, WRONG};

pub const SET: &str = "geoparsing";
/// Errors within this many km count as right (acc@161km, 100 miles).
pub const ACC_KM: f64 = 161.0;
/// TR-News offsets are re-anchored within this many characters of the given start.
pub const REANCHOR_WINDOW: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corpus {
    Lgl,
    GeoWebNews,
    TrNews,
}

impl Corpus {
    pub const ALL: [Self; 3] = [Self::Lgl, Self::GeoWebNews, Self::TrNews];

    #[must_use]
    pub const fn folder(self) -> &'static str {
        match self {
            Self::Lgl => "lgl",
            Self::GeoWebNews => "geowebnews",
            Self::TrNews => "trnews",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Toponym {
    /// Character offsets into the article text (re-anchored for TR-News).
    pub start: usize,
    pub end: usize,
    pub phrase: String,
    /// False for GeoWebNews types that are not toponyms (a place span there is a false positive).
    pub is_toponym: bool,
    pub geonames_id: Option<u64>,
    pub coords: Option<(f64, f64)>,
}

#[derive(Debug, Clone)]
pub struct Article {
    pub corpus: Corpus,
    pub id: String,
    pub text: String,
    pub toponyms: Vec<Toponym>,
    /// The article's address and outlet where the file gives them (LGL's and TR-News'
    /// `<url>` and `<domain>`, GeoWebNews' `<link>`), as ingest fills them for a real article.
    pub url: Option<String>,
    pub outlet: Option<String>,
}

impl Article {
    /// The document the pipeline reads: the text, its address and its outlet.
    #[must_use]
    pub fn document(&self) -> Document {
        let mut doc = Document::from_text(format!("{}-{}", self.corpus.folder(), self.id), self.text.clone());
        doc.url.clone_from(&self.url);
        doc.outlet.clone_from(&self.outlet);
        doc
    }
}

/// GeoWebNews types that are not toponyms (METRICS.md).
#[must_use]
pub fn gwn_is_toponym(kind: &str) -> bool {
    !(matches!(kind, "Non_Toponym" | "Demonym" | "Homonym" | "Language") || kind.ends_with("_Expression"))
}

fn child<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> Option<roxmltree::Node<'a, 'a>> {
    node.children().find(|c| c.has_tag_name(name))
}

fn child_text(node: roxmltree::Node<'_, '_>, name: &str) -> Option<String> {
    child(node, name).and_then(|c| c.text()).map(str::to_owned)
}

fn num<T: std::str::FromStr>(s: Option<String>) -> Option<T> {
    s.and_then(|s| s.trim().parse().ok())
}

/// Finds `phrase` in `chars` starting within `window` characters of `start` (nearest first).
#[must_use]
pub fn reanchor(chars: &[char], phrase: &str, start: usize, window: usize) -> Option<usize> {
    let p: Vec<char> = phrase.chars().collect();
    if p.is_empty() {
        return None;
    }
    let at = |s: usize| s + p.len() <= chars.len() && chars[s..s + p.len()] == p[..];
    (0..=window).find_map(|d| {
        if at(start + d) {
            Some(start + d)
        } else if d <= start && at(start - d) {
            Some(start - d)
        } else {
            None
        }
    })
}

/// Parses one corpus file.
///
/// # Errors
/// When the XML is malformed.
pub fn parse(corpus: Corpus, path: &Path) -> Result<(Vec<Article>, usize)> {
    let xml = crate::read(path)?;
    let doc = roxmltree::Document::parse_with_options(&xml, roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() })
        .map_err(|e| EvalError::format(path, e.to_string()))?;
    let mut articles = Vec::new();
    let mut unanchored = 0;
    for art in doc.descendants().filter(|n| n.has_tag_name("article")) {
        let id = art.attribute("docid").or_else(|| art.attribute("file")).unwrap_or("").to_owned();
        let text = child_text(art, "text").unwrap_or_default();
        let chars: Vec<char> = text.chars().collect();
        let mut toponyms = Vec::new();
        for t in child(art, "toponyms").into_iter().flat_map(|n| n.children().filter(|c| c.has_tag_name("toponym"))) {
            let (Some(mut start), Some(mut end)) = (num::<usize>(child_text(t, "start")), num::<usize>(child_text(t, "end"))) else {
                continue;
            };
            let (phrase, is_toponym, geonames_id, coords) = if corpus == Corpus::GeoWebNews {
                let kind = child_text(t, "type").unwrap_or_default();
                let coords = num::<f64>(child_text(t, "latitude")).zip(num::<f64>(child_text(t, "longitude")));
                (child_text(t, "extractedName").unwrap_or_default(), gwn_is_toponym(&kind), num(child_text(t, "geonamesID")), coords)
            } else {
                let gaz = child(t, "gaztag");
                let id = gaz.and_then(|g| g.attribute("geonameid")).and_then(|s| s.parse().ok());
                let coords = gaz.and_then(|g| num::<f64>(child_text(g, "lat")).zip(num::<f64>(child_text(g, "lon"))));
                (child_text(t, "phrase").unwrap_or_default(), true, id, coords)
            };
            if corpus == Corpus::TrNews && slice_chars(&text, start, end) != phrase {
                match reanchor(&chars, &phrase, start, REANCHOR_WINDOW) {
                    Some(s) => {
                        start = s;
                        end = s + phrase.chars().count();
                    }
                    None => unanchored += 1,
                }
            }
            if end > chars.len() || start > end {
                unanchored += 1;
                continue;
            }
            toponyms.push(Toponym { start, end, phrase, is_toponym, geonames_id, coords });
        }
        let meta = |name: &str| child_text(art, name).map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        articles.push(Article { corpus, id, text, toponyms, url: meta("url").or_else(|| meta("link")), outlet: meta("domain") });
    }
    Ok((articles, unanchored))
}

/// Reads every corpus file under `dir`.
///
/// # Errors
/// When no corpus file is found or one is malformed.
pub fn load(dir: &Path) -> Result<(Vec<Article>, Vec<String>)> {
    let mut all = Vec::new();
    let mut notes = Vec::new();
    for corpus in Corpus::ALL {
        let sub = dir.join(corpus.folder());
        if !sub.is_dir() {
            notes.push(format!("{}: folder missing, not scored", corpus.folder()));
            continue;
        }
        for path in crate::files_in(&sub, |n| n.ends_with(".xml"))? {
            let (articles, unanchored) = parse(corpus, &path)?;
            if unanchored > 0 {
                notes.push(format!("{}: {unanchored} gold toponyms could not be anchored and were dropped", path.display()));
            }
            all.extend(articles);
        }
    }
    if all.is_empty() {
        return Err(EvalError::Missing { dir: dir.to_owned(), what: "geoparsing XML (lgl/, geowebnews/, trnews/)".into() });
    }
    Ok((all, notes))
}

/// The output place that best answers a gold toponym: the exact span, else the one overlapping most.
fn best_place(places: &[OutPlace], span: (usize, usize)) -> Option<&OutPlace> {
    places
        .iter()
        .filter(|p| overlap((p.start, p.end), span) > 0)
        .max_by_key(|p| (usize::from((p.start, p.end) == span), overlap((p.start, p.end), span), usize::from(p.geo.is_some())))
}

/// What `sitrep_geo` resolves each gold toponym to when given its span (`given`), and the
/// most-populous-candidate baseline (`baseline`), per article, in gold order.
#[derive(Debug, Clone, Default)]
pub struct GivenSpans {
    pub given: Vec<Option<(f64, f64)>>,
    pub baseline: Vec<Option<(f64, f64)>>,
}

/// Resolves every gold toponym of every article with the gazetteer, given its span, after the
/// pipeline has annotated the article (the resolver reads the document as context).
///
/// # Errors
/// When the gazetteer cannot load.
pub fn resolve_given_spans(articles: &[Article], runner: &Runner) -> Result<Vec<GivenSpans>, String> {
    let gazetteer = sitrep_geo::Gazetteer::load_default().map_err(|e| e.to_string())?;
    Ok(runner.map(articles, |a| {
        let mut doc = a.document();
        // A stage that panics leaves the resolver the bare text (the panic is reported by the
        // end-to-end run of the same article).
        let annotated = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut d = doc.clone();
            runner.pipeline.annotate(&mut d);
            d
        }));
        if let Ok(d) = annotated {
            doc = d;
        }
        let map = sitrep_core::CharMap::new(&doc.text);
        let mut g = GivenSpans::default();
        for t in &a.toponyms {
            let span = map.span_from_chars(t.start, t.end);
            g.given.push(gazetteer.resolve_span(&doc, span).map(|x| (x.lat, x.lon)));
            g.baseline.push(gazetteer.most_populous(&t.phrase).map(|x| (x.lat, x.lon)));
        }
        g
    }))
}

/// Scores articles against outputs (same order); `given` from [`resolve_given_spans`] when
/// available, else `acc_161km_given_spans` falls back to the output's places (SCORING.md).
#[must_use]
pub fn score(articles: &[Article], outputs: &[Output], given: Option<&[GivenSpans]>, errors: &mut Errors) -> Tally {
    let mut t = Tally::new(articles.len());
    for corpus in Corpus::ALL {
        if !articles.iter().any(|a| a.corpus == corpus) {
            continue;
        }
        let p = corpus.folder();
        t.declare(&format!("{p}.acc_161km"), Agg::Ratio);
        t.declare(&format!("{p}.exact_id"), Agg::Ratio);
        t.declare(&format!("{p}.mean_error_km"), Agg::Mean);
        t.declare(&format!("{p}.median_error_km"), Agg::Median);
        t.declare(&format!("{p}.auc"), Agg::AucLogError);
        t.declare(&format!("{p}.toponym_precision"), Agg::Precision);
        t.declare(&format!("{p}.toponym_recall"), Agg::Recall);
        t.declare(&format!("{p}.toponym_f1"), Agg::F1);
        t.declare(&format!("{p}.acc_161km_given_spans"), Agg::Ratio);
        if given.is_some() {
            t.declare(&format!("{p}.baseline_most_populous.acc_161km"), Agg::Ratio);
        }
    }
    for (d, (art, out)) in articles.iter().zip(outputs).enumerate() {
        let p = art.corpus.folder();
        let doc = &art.id;
        // Recognition: exact spans.
        let gold_spans: Vec<(usize, usize)> =
            art.toponyms.iter().filter(|g| g.is_toponym).map(|g| (g.start, g.end)).collect();
        let mut matched = vec![false; gold_spans.len()];
        let (mut tp, mut fp) = (0.0, 0.0);
        for place in &out.places {
            let span = (place.start, place.end);
            if let Some(i) = gold_spans.iter().position(|g| *g == span) {
                if !matched[i] {
                    matched[i] = true;
                    tp += 1.0;
                }
            } else {
                fp += 1.0;
                let on_negative = art.toponyms.iter().any(|g| !g.is_toponym && (g.start, g.end) == span);
                errors.push(
                    doc,
                    FP,
                    &format!("{p}.toponym_f1"),
                    Some(span),
                    Some(place.text.clone()),
                    if on_negative { "place span on a gold non-toponym" } else { "no gold toponym with this exact span" },
                );
            }
        }
        let fn_ = matched.iter().filter(|m| !**m).count() as f64;
        for (i, m) in matched.iter().enumerate() {
            if !m {
                let g = gold_spans[i];
                errors.push(doc, FN, &format!("{p}.toponym_f1"), Some(g), Some(slice_chars(&art.text, g.0, g.1)), "toponym not recognised with this exact span");
            }
        }
        for agg in [Agg::Precision, Agg::Recall, Agg::F1] {
            let name = match agg {
                Agg::Precision => "toponym_precision",
                Agg::Recall => "toponym_recall",
                _ => "toponym_f1",
            };
            t.counts(d, &format!("{p}.{name}"), agg, tp, fp, fn_);
        }
        // Resolution, end to end: every gold toponym with coordinates.
        for (ti, g) in art.toponyms.iter().enumerate().filter(|(_, g)| g.is_toponym) {
            let Some((lat, lon)) = g.coords else { continue };
            if let Some(gs) = given.and_then(|x| x.get(d)) {
                let within = |r: Option<&Option<(f64, f64)>>| r.copied().flatten().is_some_and(|(a, b)| haversine_km(lat, lon, a, b) < ACC_KM);
                t.hit(d, &format!("{p}.acc_161km_given_spans"), within(gs.given.get(ti)));
                t.hit(d, &format!("{p}.baseline_most_populous.acc_161km"), within(gs.baseline.get(ti)));
            }
            let span = (g.start, g.end);
            let place = best_place(&out.places, span);
            let geo = place.and_then(|pl| pl.geo.as_ref());
            let error = geo.map_or(MAX_ERROR_KM, |geo| haversine_km(lat, lon, geo.lat, geo.lon));
            let right = geo.is_some() && error < ACC_KM;
            t.hit(d, &format!("{p}.acc_161km"), right);
            t.item(d, &format!("{p}.mean_error_km"), Agg::Mean, error);
            t.item(d, &format!("{p}.median_error_km"), Agg::Median, error);
            t.item(d, &format!("{p}.auc"), Agg::AucLogError, error);
            if let Some(id) = g.geonames_id {
                t.hit(d, &format!("{p}.exact_id"), geo.and_then(|x| x.geonames_id) == Some(id));
            }
            if let Some(geo) = geo {
                if given.is_none() {
                    // Without the gazetteer's span resolver: resolution where sitrep recognised
                    // the toponym (see SCORING.md).
                    t.hit(d, &format!("{p}.acc_161km_given_spans"), right);
                }
                if !right {
                    errors.push(doc, WRONG, &format!("{p}.acc_161km"), Some(span), Some(g.phrase.clone()), format!("resolved to {} ({:.4}, {:.4}), {error:.0} km from gold", geo.name, geo.lat, geo.lon));
                }
            } else {
                let why = if place.is_some() { "recognised but not resolved" } else { "not recognised" };
                errors.push(doc, FN, &format!("{p}.acc_161km"), Some(span), Some(g.phrase.clone()), why);
            }
        }
    }
    t
}

/// Loads, extracts and scores the set in `dir`.
///
/// # Errors
/// As [`load`].
pub fn evaluate(dir: &Path, runner: &Runner) -> Result<SetResult> {
    let (articles, mut notes) = load(dir)?;
    let docs = articles.iter().map(Article::document).collect();
    let outputs = runner.extract_all(docs);
    let given = match resolve_given_spans(&articles, runner) {
        Ok(g) => Some(g),
        Err(e) => {
            notes.push(format!("acc_161km_given_spans over recognised toponyms only: gazetteer did not load ({e})"));
            None
        }
    };
    let mut errors = Errors::new(SET);
    let tally = score(&articles, &outputs, given.as_deref(), &mut errors);
    Ok(SetResult::new(SET, &tally, errors, notes))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::sets::testutil::output;

    fn place(start: usize, end: usize, text: &str, lat: f64, lon: f64, id: u64) -> serde_json::Value {
        json!({"start": start, "end": end, "text": text, "geo": {
            "geonames_id": id, "name": text, "lat": lat, "lon": lon, "precision": "city", "confidence": 1.0}})
    }

    /// Toy: "Paris and Aleppo and Homs." with gold Paris (right), Aleppo (resolved 300+ km
    /// off), Homs (missed), and a false place "and".
    #[test]
    fn acc_161km_and_auc_on_a_hand_made_toy() {
        let text = "Paris and Aleppo and Homs.";
        let gold = |s: usize, e: usize, lat: f64, lon: f64, id: u64| Toponym {
            start: s,
            end: e,
            phrase: slice_chars(text, s, e),
            is_toponym: true,
            geonames_id: Some(id),
            coords: Some((lat, lon)),
        };
        let art = Article {
            corpus: Corpus::Lgl,
            id: "toy".into(),
            text: text.into(),
            toponyms: vec![gold(0, 5, 48.8534, 2.3488, 2_988_507), gold(10, 16, 36.2021, 37.1343, 170_063), gold(21, 25, 34.7268, 36.7234, 169_577)],
            url: None,
            outlet: None,
        };
        let out = output(
            "toy",
            text,
            json!({"places": [
                place(0, 5, "Paris", 48.85, 2.35, 2_988_507),
                place(10, 16, "Aleppo", 33.5138, 36.2765, 170_654), // Damascus' coordinates
                place(6, 9, "and", 0.0, 0.0, 1),
            ]}),
        );
        let mut errors = Errors::new(SET);
        let figs = score(&[art], &[out], None, &mut errors).figures();
        let get = |n: &str| figs.iter().find(|f| f.name == format!("lgl.{n}")).unwrap().clone();
        assert!((get("acc_161km").value.unwrap() - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(get("acc_161km").n, 3);
        assert!((get("exact_id").value.unwrap() - 1.0 / 3.0).abs() < 1e-12);
        assert!((get("acc_161km_given_spans").value.unwrap() - 0.5).abs() < 1e-12);
        // Errors: Paris ~0.1 km, Aleppo–Damascus ~310 km, Homs unrecognised 20039 km.
        let aleppo_damascus = haversine_km(36.2021, 37.1343, 33.5138, 36.2765);
        assert!((300.0..320.0).contains(&aleppo_damascus));
        let paris = haversine_km(48.8534, 2.3488, 48.85, 2.35);
        let mut e = [paris, aleppo_damascus, MAX_ERROR_KM];
        let expected_auc = {
            e.sort_by(f64::total_cmp);
            let l: Vec<f64> = e.iter().map(|x| (x + 1.0).ln()).collect();
            ((l[0] + l[1]) / 2.0 + (l[1] + l[2]) / 2.0) / (MAX_ERROR_KM.ln() * 2.0)
        };
        assert!((get("auc").value.unwrap() - expected_auc).abs() < 1e-12);
        assert!((get("median_error_km").value.unwrap() - aleppo_damascus).abs() < 1e-9);
        // Recognition: tp 2, fp 1, fn 1.
        assert!((get("toponym_precision").value.unwrap() - 2.0 / 3.0).abs() < 1e-12);
        assert!((get("toponym_recall").value.unwrap() - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn reanchors_a_phrase_a_few_characters_off() {
        let chars: Vec<char> = "In the city of Kabul today".chars().collect();
        assert_eq!(reanchor(&chars, "Kabul", 12, 10), Some(15));
        assert_eq!(reanchor(&chars, "Kabul", 19, 10), Some(15));
        assert_eq!(reanchor(&chars, "Kabul", 0, 10), None);
    }

    #[test]
    fn gwn_negative_types() {
        for t in ["Non_Toponym", "Demonym", "Homonym", "Language", "Literal_Expression", "Non_Lit_Expression"] {
            assert!(!gwn_is_toponym(t), "{t}");
        }
        for t in ["Literal", "Metonymic", "Non_Literal_Modifier", "Embedded_Literal", "Coercion", "Mixed"] {
            assert!(gwn_is_toponym(t), "{t}");
        }
    }

    #[test]
    fn loads_all_three_corpora_with_anchored_offsets() {
        let dir = sitrep_core::testdata::require_shared_data().join(SET);
        let (arts, _) = load(&dir).unwrap();
        for c in Corpus::ALL {
            assert!(arts.iter().any(|a| a.corpus == c), "{c:?}");
        }
        // After re-anchoring, every LGL and TR-News span reads its phrase.
        for a in arts.iter().filter(|a| a.corpus != Corpus::GeoWebNews) {
            for t in &a.toponyms {
                let got = slice_chars(&a.text, t.start, t.end);
                if a.corpus == Corpus::TrNews {
                    assert_eq!(got, t.phrase, "{} {}", a.id, t.start);
                }
            }
        }
        assert!(arts.iter().flat_map(|a| &a.toponyms).filter(|t| !t.is_toponym).count() > 100);
        // LGL gives every article's address and outlet; GeoWebNews its address only.
        let lgl: Vec<&Article> = arts.iter().filter(|a| a.corpus == Corpus::Lgl).collect();
        assert!(lgl.iter().all(|a| a.url.as_deref().is_some_and(|u| u.starts_with("http")) && a.outlet.is_some()));
        assert_eq!(lgl[0].document().outlet, lgl[0].outlet);
        let gwn: Vec<&Article> = arts.iter().filter(|a| a.corpus == Corpus::GeoWebNews).collect();
        assert!(gwn.iter().all(|a| a.url.as_deref().is_some_and(|u| u.starts_with("http")) && a.outlet.is_none()));
    }
}
