//! Every document of every gold set, read by the loaders `sitrep eval` uses and run through the
//! whole pipeline, gives output that passes the contract's JSON Schema and the span invariant,
//! without a panic. (HTML pages are covered by `article_extraction.rs`, with the HTML reader.)

mod common;

use sitrep_eval::{Runner, SETS};

#[test]
fn every_output_of_every_set_keeps_the_contract() {
    let root = common::repo_root();
    let pipeline = sitrep_pipeline::Pipeline::load().expect("the pipeline loads (run scripts/setup.sh first)");
    let runner = Runner::new(pipeline, None, 0).with_inspector(Box::new(|out| {
        let value = serde_json::to_value(out).expect("output serialises");
        match std::panic::catch_unwind(|| common::assert_contract(&value)) {
            Ok(()) => Vec::new(),
            Err(payload) => vec![payload
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_else(|| "the contract check panicked".to_owned())],
        }
    }));
    let mut scored = 0;
    let mut problems = Vec::new();
    for set in SETS.iter().filter(|s| !matches!(**s, "article_extraction" | "calibration")) {
        let dir = sitrep_eval::default_set_dir(set, &root);
        let result = sitrep_eval::evaluate(set, &dir, &runner).unwrap_or_else(|e| panic!("{set}: {e}"));
        scored += result.documents;
        problems.extend(runner.take_panics().into_iter().map(|p| format!("{set}: {p}")));
    }
    assert!(scored > 10_000, "only {scored} documents were read");
    assert!(problems.is_empty(), "{} documents broke the contract; first ones:\n{}", problems.len(), problems[..problems.len().min(5)].join("\n"));
}
