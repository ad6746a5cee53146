//! Real-data robustness: the event stage over every MUC-4 tst1 document (upper-case 1989-90 wire copy),
//! on its own (fallback sentence split) — every output must satisfy the span invariant, and the stage must
//! find events in a clear majority of the documents that have answer-key templates.

use sitrep_core::check::assert_spans;
use sitrep_core::testdata::require_shared_data;
use sitrep_core::Document;
use sitrep_events::Events;

/// Splits a raw MUC-4 file into (id, text) on its `TST1-MUC4-0001` id lines.
fn documents(raw: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in raw.lines() {
        let id = line.split_whitespace().next().unwrap_or("");
        if id.starts_with("TST1-MUC") && id.len() >= 13 && line.len() < 40 {
            out.push((id.to_owned(), String::new()));
        } else if let Some((_, text)) = out.last_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    out
}

#[test]
fn every_muc4_tst1_document_keeps_the_span_invariant() {
    let dir = require_shared_data().join("muc4/raw/tst1");
    let ev = Events::load().unwrap();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with("key"))
        .collect();
    files.sort();
    let (mut docs, mut with_events, mut events) = (0, 0, 0);
    for f in files {
        let raw = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
        for (id, text) in documents(&raw) {
            let mut doc = Document::from_text(id, text);
            ev.annotate(&mut doc);
            assert_spans(&doc);
            for e in &doc.events {
                assert!(!e.evidence.is_empty() && e.notes.is_some(), "{}: {e:?}", doc.id);
                if let Some(t) = e.trigger {
                    assert!(e.evidence.iter().any(|s| s.contains(t)), "{}: trigger outside its evidence", doc.id);
                }
            }
            docs += 1;
            with_events += usize::from(!doc.events.is_empty());
            events += doc.events.len();
        }
    }
    assert_eq!(docs, 100, "tst1 holds 100 documents");
    // Most tst1 documents report violence; a stage that finds events in fewer than half is broken.
    assert!(with_events >= 50, "events in only {with_events} of {docs} documents ({events} events)");
}
