//! Every page of `../shared/data/article_extraction` through ingest (the JSON Lines reader, as
//! `sitrep extract pages.jsonl` reads it) and the whole pipeline: each output passes the schema
//! and the span invariant, and the body extraction holds the bar of `article_extraction.f1`
//! ≥ 0.90 (METRICS.md). Assertions name page ids and counts only, never page text.

mod common;

use std::collections::HashMap;

use sitrep_ingest::{Format, Input, Item, Options};

#[test]
fn every_article_page_passes_the_contract_and_the_f1_bar() {
    let path = sitrep_core::testdata::require_shared_data().join("article_extraction/pages.jsonl");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let truth: HashMap<String, String> = bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_slice(l).expect("pages.jsonl lines are JSON");
            (v["id"].as_str().unwrap().to_owned(), v["article_body"].as_str().unwrap().to_owned())
        })
        .collect();

    let opts = Options { format: Format::Jsonl, ..Options::default() };
    let mut items = Vec::new();
    sitrep_ingest::read_input(&Input::from_bytes(path.display().to_string(), bytes), &opts, &mut items);
    let pipeline = sitrep_pipeline::Pipeline::load().expect("the pipeline loads");

    let (mut tp, mut fp, mut fn_) = (0.0, 0.0, 0.0);
    let mut skipped = Vec::new();
    let mut seen = 0;
    for item in items {
        match item {
            Item::Document(mut doc) => {
                pipeline.annotate(&mut doc);
                sitrep_core::check::assert_spans(&doc);
                let out = serde_json::to_value(sitrep_core::contract::to_output(&doc, pipeline.provenance())).unwrap();
                common::assert_contract(&out);
                let body = truth.get(&doc.id).unwrap_or_else(|| panic!("document id {} is not a page id", doc.id));
                let (a, b, c) = sitrep_eval::sets::article_extraction::shingle_tp_fp_fn(body, &common::kept_text(&out));
                tp += a;
                fp += b;
                fn_ += c;
                seen += 1;
            }
            Item::Skipped { source, error } => skipped.push(format!("{source}: {error}")),
            Item::Warning { .. } => {}
        }
    }
    assert!(skipped.is_empty(), "pages skipped:\n  {}", skipped.join("\n  "));
    assert_eq!(seen, truth.len(), "every page becomes one document");
    let precision = tp / (tp + fp);
    let recall = tp / (tp + fn_);
    let f1 = 2.0 * precision * recall / (precision + recall);
    eprintln!("article_extraction: {seen} pages, precision {precision:.4}, recall {recall:.4}, f1 {f1:.4}");
    assert!(f1 >= 0.90, "article_extraction.f1 {f1:.4} (P {precision:.4}, R {recall:.4}) is under the 0.90 bar");
}
