//! Other real text than PolNeAR: Indian police news (lower-case, mojibake quotes), WikiEvents
//! articles and MUC-4 upper-case wire text. No gold for quotes here: every document must keep the
//! span invariant, and the stage must find attributions in the news sets, where reported speech is
//! everywhere.

mod common;

use sitrep_core::check::assert_spans;
use sitrep_core::testdata::require_shared_data;
use sitrep_core::Document;
use sitrep_quotes::Quotes;

fn jsonl_texts(path: &std::path::Path, field: &str) -> Vec<String> {
    let raw = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    raw.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let value: serde_json::Value = serde_json::from_str(l).expect("one JSON object a line");
            value[field].as_str().unwrap_or_else(|| panic!("{}: no string field {field}", path.display())).to_owned()
        })
        .collect()
}

/// Runs the stage over every text; returns how many documents got at least one attribution.
fn run_all(texts: &[String]) -> usize {
    let stage = Quotes::load().unwrap();
    let mut with_attributions = 0;
    for (i, text) in texts.iter().enumerate() {
        let mut doc = Document::from_text(format!("d{i}"), text.clone());
        common::segment(&mut doc);
        stage.annotate(&mut doc);
        assert_spans(&doc);
        with_attributions += usize::from(!doc.attributions.is_empty());
    }
    with_attributions
}

#[test]
fn india_police_news_keeps_spans_and_finds_reported_speech() {
    let texts = jsonl_texts(&require_shared_data().join("india_police_events/docs.jsonl"), "doc_text");
    assert!(texts.len() > 300, "expected the India police documents, found {}", texts.len());
    let found = run_all(&texts);
    assert!(found * 2 > texts.len(), "attributions in only {found} of {} police news documents", texts.len());
}

#[test]
fn wikievents_articles_keep_spans() {
    let texts = jsonl_texts(&require_shared_data().join("wikievents/dev.jsonl"), "text");
    assert!(!texts.is_empty());
    let found = run_all(&texts);
    assert!(found * 2 > texts.len(), "attributions in only {found} of {} articles", texts.len());
}

#[test]
fn muc4_upper_case_wire_keeps_spans() {
    let dir = require_shared_data().join("muc4/raw/tst1");
    let texts: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("tst"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    assert!(!texts.is_empty());
    let found = run_all(&texts);
    assert_eq!(found, texts.len(), "the MUC-4 file is full of reported speech");
}
