//! Measures ingest's HTML body extraction on `../shared/data/article_extraction/pages.jsonl` with
//! the benchmark's metric (scrapinghub/article-extraction-benchmark): word 4-gram shingles of the
//! true body against `document.text` minus `removed`; per page tp/fp/fn are normalised to sum
//! to 1, then summed over pages. Prints P, R, F1 and, with `-v`, each page's figures.
//!
//! `cargo run -p sitrep_ingest --example article_extraction [-- -v] [--fallback]`

use std::collections::HashMap;
use std::io::BufRead;

use sitrep_core::Document;

fn main() {
    let verbose = std::env::args().any(|a| a == "-v");
    // `--fallback`: the page's <article> or <body> minus chrome, without readability.
    let fallback = std::env::args().any(|a| a == "--fallback");
    // `--dates`: publication date found vs the date in the URL, one line a page.
    let dates = std::env::args().any(|a| a == "--dates");
    // `--show=URL-PART`: print the kept text of matching pages.
    let show = std::env::args().find_map(|a| a.strip_prefix("--show=").map(str::to_owned));
    let path = sitrep_core::testdata::require_shared_data().join("article_extraction/pages.jsonl");
    let file = std::io::BufReader::new(std::fs::File::open(&path).expect("pages.jsonl"));
    let (mut tp, mut fp, mut fn_) = (0.0, 0.0, 0.0);
    let mut n = 0;
    for line in file.lines() {
        let line = line.unwrap();
        let page: serde_json::Value = serde_json::from_str(&line).unwrap();
        let html = page["html"].as_str().unwrap();
        let truth = page["article_body"].as_str().unwrap();
        let url = page["url"].as_str();
        let result = if fallback {
            Ok(sitrep_ingest::html_body_without_readability(html))
        } else {
            sitrep_ingest::html_article(html, url)
        };
        if dates {
            let (d, src) = result.as_ref().map_or((None, None), |doc| (doc.published, Some(doc.published_source)));
            let in_url = url.and_then(url_date);
            let verdict = match (d, in_url) {
                (Some(d), Some(u)) if d == u => "same",
                (Some(d), Some(u)) if (d - u).get_days().abs() <= 1 => "±1day",
                (Some(_), Some(_)) => "DIFFERENT",
                (None, Some(_)) => "MISSED",
                (Some(_), None) => "no-url-date",
                (None, None) => "none",
            };
            println!(
                "{verdict:12} found={:<12} src={:<10} url={:<12} {}",
                opt(d),
                format!("{src:?}"),
                opt(in_url),
                url.unwrap_or("")
            );
        }
        let kept = match result {
            Ok(doc) => kept_text(&doc),
            Err(e) => {
                eprintln!("{}: {e}", page["id"]);
                String::new()
            }
        };
        if show.as_deref().is_some_and(|s| url.unwrap_or("").contains(s)) {
            println!("{kept}\n-----");
        }
        let (a, b, c) = shingle_match(truth, &kept);
        if verbose {
            let p = a / (a + b).max(1e-9);
            let r = a / (a + c).max(1e-9);
            println!("{:.3} {:.3} {}", p, r, page["url"].as_str().unwrap_or(""));
        }
        tp += a;
        fp += b;
        fn_ += c;
        n += 1;
    }
    let p = tp / (tp + fp);
    let r = tp / (tp + fn_);
    println!("pages {n}  precision {p:.4}  recall {r:.4}  f1 {:.4}", 2.0 * p * r / (p + r));
}

fn opt(d: Option<sitrep_core::Date>) -> String {
    d.map_or_else(|| "-".to_owned(), |d| d.to_string())
}

/// A date written in a URL: `/2019/11/18/`, `/2019-11-19/`, `/201911181077…` (Sputnik's ids).
fn url_date(url: &str) -> Option<sitrep_core::Date> {
    let b = url.as_bytes();
    for i in 0..b.len().saturating_sub(8) {
        if i > 0 && b[i - 1].is_ascii_digit() {
            continue;
        }
        let digits = |s: usize, n: usize| -> Option<i32> {
            let t = url.get(s..s + n)?;
            t.bytes().all(|c| c.is_ascii_digit()).then(|| t.parse().ok()).flatten()
        };
        let Some(y) = digits(i, 4).filter(|y| (1995..=2030).contains(y)) else { continue };
        let sep = b.get(i + 4).copied();
        let (m, d) = if matches!(sep, Some(b'/' | b'-')) {
            let m = digits(i + 5, 2);
            let d = if b.get(i + 7).copied() == sep { digits(i + 8, 2) } else { None };
            (m, d)
        } else {
            (digits(i + 4, 2), digits(i + 6, 2))
        };
        if let (Some(m), Some(d)) = (m, d) {
            if let (Ok(y), Ok(m), Ok(d)) = (i16::try_from(y), i8::try_from(m), i8::try_from(d)) {
                if let Ok(date) = sitrep_core::Date::new(y, m, d) {
                    return Some(date);
                }
            }
        }
    }
    None
}

fn kept_text(doc: &Document) -> String {
    let mut removed: Vec<_> = doc.removed.iter().map(|r| r.span).collect();
    removed.sort();
    let mut out = String::new();
    let mut at = 0;
    for s in removed {
        if s.start > at {
            out.push_str(&doc.text[at..s.start]);
            out.push('\n');
        }
        at = at.max(s.end);
    }
    out.push_str(&doc.text[at.min(doc.text.len())..]);
    out
}

fn tokens(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|t| !t.is_empty()).collect()
}

fn shingles(text: &str) -> HashMap<String, usize> {
    let toks = tokens(text);
    let mut out = HashMap::new();
    let n = 4;
    for i in 0..toks.len().saturating_sub(n - 1).max(1) {
        let s = toks[i..(i + n).min(toks.len())].join(" ");
        if !s.is_empty() {
            *out.entry(s).or_insert(0) += 1;
        }
    }
    out
}

fn shingle_match(truth: &str, pred: &str) -> (f64, f64, f64) {
    let t = shingles(truth);
    let p = shingles(pred);
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    for (k, &tc) in &t {
        let pc = p.get(k).copied().unwrap_or(0);
        tp += tc.min(pc);
        fn_ += tc.saturating_sub(pc);
    }
    for (k, &pc) in &p {
        fp += pc.saturating_sub(t.get(k).copied().unwrap_or(0));
    }
    let s = (tp + fp + fn_) as f64;
    if s == 0.0 {
        return (0.0, 0.0, 0.0);
    }
    (tp as f64 / s, fp as f64 / s, fn_ as f64 / s)
}
