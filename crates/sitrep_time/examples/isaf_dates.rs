//! Measures the time stage alone on the ISAF press releases, before the events stage exists:
//! a release's date is the date of its first usable day-precision body expression (else its first usable one) (resolved, past, not the
//! header's own date, not "since …", not a report's date; `sitrep_time::is_event_time`), else the
//! reference date with precision week (the events stage's fallback). Prints `date_exact`,
//! `date_within_week` and every disagreement (release index, gold, ours, the expression) so the
//! gold's ceiling can be judged by reading them.
//!
//! `cargo run -p sitrep_time --example isaf_dates [FILE]`; FILE defaults to the shared data.

use std::io::BufRead;

use sitrep_core::{DatePrecision, DateRange, Document};
use sitrep_time::{is_event_time, Reference, TimeStage};

fn main() {
    let path = std::env::args().nth(1).map_or_else(
        || sitrep_core::testdata::require_shared_data().join("isaf_press_releases/test_sharegpt.jsonl"),
        std::path::PathBuf::from,
    );
    let stage = TimeStage::load().expect("grammar loads");
    let file = std::fs::File::open(&path).expect("ISAF file readable");
    let (mut n, mut exact, mut week, mut no_ref, mut fallback) = (0, 0, 0, 0, 0);
    for (index, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.expect("line");
        let record: serde_json::Value = serde_json::from_str(&line).expect("json");
        let turns = record["conversations"].as_array().expect("conversations");
        let human = turns.iter().find(|t| t["from"] == "human").and_then(|t| t["value"].as_str()).expect("human turn");
        let gold = turns.iter().find(|t| t["from"] == "gpt").and_then(|t| t["value"].as_str()).expect("gpt turn");
        let gold: serde_json::Value = serde_json::from_str(gold).expect("gold json");
        let gold_date: jiff::civil::Date = gold["start_date"].as_str().expect("start_date").parse().expect("gold date");
        let text = human.strip_prefix("PRESS RELEASE TEXT: ").unwrap_or(human);
        let mut doc = Document::from_text(format!("isaf-{index}"), text);
        stage.annotate(&mut doc);
        let reference = stage.reference(&doc);
        let chosen = doc
            .times
            .iter()
            .find(|t| is_event_time(&doc, t) && t.range.precision == DatePrecision::Day)
            .or_else(|| doc.times.iter().find(|t| is_event_time(&doc, t)));
        let (range, surface) = match chosen {
            Some(t) => (t.range.clone(), doc.slice(t.span).to_owned()),
            None => {
                fallback += 1;
                let r = match reference {
                    Reference::Day(p) => DateRange { start: Some(p), end: Some(p), precision: DatePrecision::Week },
                    Reference::Month { year, month } => {
                        let first = jiff::civil::Date::new(year, month, 1).expect("month");
                        DateRange { start: Some(first), end: Some(first.last_of_month()), precision: DatePrecision::Month }
                    }
                    Reference::None => DateRange::unknown(),
                };
                (r, "<fallback>".to_owned())
            }
        };
        if reference == Reference::None {
            no_ref += 1;
        }
        n += 1;
        let is_exact = range.start == Some(gold_date);
        let in_week = matches!((range.start, range.end), (Some(s), Some(e)) if s <= gold_date && gold_date <= e && (e - s).get_days() < 7);
        exact += usize::from(is_exact);
        week += usize::from(in_week);
        if !is_exact {
            let r = match reference {
                Reference::Day(p) => p.to_string(),
                Reference::Month { year, month } => format!("{year}-{month:02}"),
                Reference::None => "none".to_owned(),
            };
            println!(
                "MISS {index}\tgold {gold_date}\tours {:?}..{:?} {:?}\tref {r}\texpr {surface:?}",
                range.start.map(|d| d.to_string()),
                range.end.map(|d| d.to_string()),
                range.precision
            );
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let frac = |k: usize| k as f64 / n as f64;
    println!("releases {n}  date_exact {:.3}  date_within_week {:.3}  fallback {fallback}  no_reference {no_ref}", frac(exact), frac(week));
}
