//! Checks the time stage against the MUC-4 answer keys' `INCIDENT: DATE` slot, document level:
//! the document's date is its first usable day-precision body expression (else its first usable one) (`sitrep_time::is_event_time`), else the
//! header date (the keys' own default, written "- DD MMM YY"). Reads `raw/tst1` and `raw/tst2`
//! (the development documents; `raw/dev` is training data and is not read).
//!
//! Key forms: "DD MMM YY" (on that day), "DD MMM YY - DD MMM YY" (on or between), "- DD MMM YY"
//! (on or before: a weekday, or the header date by default). Figures printed:
//! - `exact_first`: our day equals the first template's anchor day (its day, its range start, or
//!   its "on or before" day);
//! - `exact_any`: our day equals the anchor of any of the document's templates;
//! - `consistent_any`: our day satisfies some template's form (equal; inside the range; on or
//!   within seven days before an "on or before" day).
//!
//! `cargo run -p sitrep_time --example muc4_dates`

use std::collections::BTreeMap;

use jiff::civil::Date;
use sitrep_core::{DatePrecision, Document};
use sitrep_time::{is_event_time, Reference, TimeStage};

#[derive(Debug, Clone, Copy)]
enum Gold {
    On(Date),
    Between(Date, Date),
    OnOrBefore(Date),
}

impl Gold {
    fn anchor(self) -> Date {
        match self {
            Gold::On(d) | Gold::Between(d, _) | Gold::OnOrBefore(d) => d,
        }
    }

    fn consistent(self, ours: Date) -> bool {
        match self {
            Gold::On(d) => ours == d,
            Gold::Between(a, b) => a <= ours && ours <= b,
            Gold::OnOrBefore(d) => ours <= d && (d - ours).get_days() <= 7,
        }
    }
}

fn parse_day(s: &str) -> Option<Date> {
    let mut it = s.split_whitespace();
    let day: i8 = it.next()?.parse().ok()?;
    let month = match it.next()? {
        "JAN" => 1,
        "FEB" => 2,
        "MAR" => 3,
        "APR" => 4,
        "MAY" => 5,
        "JUN" => 6,
        "JUL" => 7,
        "AUG" => 8,
        "SEP" => 9,
        "OCT" => 10,
        "NOV" => 11,
        "DEC" => 12,
        _ => return None,
    };
    let yy: i16 = it.next()?.parse().ok()?;
    Date::new(if yy >= 50 { 1900 + yy } else { 2000 + yy }, month, day).ok()
}

fn parse_gold(value: &str) -> Option<Gold> {
    let value = value.split('/').next()?.trim();
    if let Some(rest) = value.strip_prefix('-') {
        return parse_day(rest.trim()).map(Gold::OnOrBefore);
    }
    if let Some((a, b)) = value.split_once(" - ") {
        return Some(Gold::Between(parse_day(a)?, parse_day(b)?));
    }
    parse_day(value).map(Gold::On)
}

/// Message id → the dates of its relevant templates, in key order.
fn read_keys(path: &std::path::Path) -> BTreeMap<String, Vec<Gold>> {
    let text = std::fs::read_to_string(path).expect("key file readable");
    let mut out: BTreeMap<String, Vec<Gold>> = BTreeMap::new();
    let mut id = String::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("0.  MESSAGE: ID") {
            id = rest.trim().to_owned();
            out.entry(id.clone()).or_default();
        } else if let Some(rest) = line.strip_prefix("2.  INCIDENT: DATE") {
            if let Some(g) = parse_gold(rest.trim()) {
                out.entry(id.clone()).or_default().push(g);
            }
        }
    }
    out
}

/// Message id → text, splitting the corpus file at its id lines.
fn read_texts(path: &std::path::Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(path).expect("corpus readable");
    let mut docs: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let is_id = line.starts_with("TST") && line.contains("-MUC") && line.split_whitespace().count() == 1;
        if is_id {
            docs.push((line.trim().to_owned(), String::new()));
        } else if let Some((_, body)) = docs.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    docs
}

fn main() {
    let root = sitrep_core::testdata::require_shared_data().join("muc4/raw");
    let stage = TimeStage::load().expect("grammar loads");
    let sets = [("tst1/tst1-muc3", "tst1/key-tst1.v7"), ("tst2/tst2-muc4", "tst2/key-tst2.v4")];
    let (mut n, mut first, mut any, mut consistent, mut fallback, mut no_ref) = (0, 0, 0, 0, 0, 0);
    for (corpus, keys) in sets {
        let keys = read_keys(&root.join(keys));
        for (id, text) in read_texts(&root.join(corpus)) {
            let Some(golds) = keys.get(&id).filter(|g| !g.is_empty()) else { continue };
            let mut doc = Document::from_text(id.clone(), text);
            stage.annotate(&mut doc);
            let reference = stage.reference(&doc);
            let chosen = doc
            .times
            .iter()
            .find(|t| is_event_time(&doc, t) && t.range.precision == DatePrecision::Day)
            .or_else(|| doc.times.iter().find(|t| is_event_time(&doc, t)));
            let ours = match (chosen, reference) {
                (Some(t), _) => t.range.start,
                (None, Reference::Day(p)) => {
                    fallback += 1;
                    Some(p)
                }
                _ => None,
            };
            if reference == Reference::None {
                no_ref += 1;
            }
            n += 1;
            let Some(ours) = ours else {
                println!("MISS {id}\tgold {golds:?}\tours none");
                continue;
            };
            let hit_first = golds[0].anchor() == ours;
            first += usize::from(hit_first);
            any += usize::from(golds.iter().any(|g| g.anchor() == ours));
            let ok = golds.iter().any(|g| g.consistent(ours));
            consistent += usize::from(ok);
            if !ok {
                let surface = chosen.map_or("<header date>", |t| doc.slice(t.span));
                println!("MISS {id}\tgold {golds:?}\tours {ours}\texpr {surface:?}");
            }
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let frac = |k: usize| k as f64 / n as f64;
    println!(
        "documents {n}  exact_first {:.3}  exact_any {:.3}  consistent_any {:.3}  fallback {fallback}  no_reference {no_ref}",
        frac(first),
        frac(any),
        frac(consistent)
    );
}
