//! Prints the time stage's figures on the ISAF press releases, dating each release by its own
//! expressions (the rule is in `tests/support/measure.rs`), with every disagreement so the gold's
//! ceiling can be judged by reading them.
//!
//! `cargo run -p sitrep_time --example isaf_dates [FILE]`; FILE defaults to the shared data.

#[path = "../tests/support/measure.rs"]
mod measure;

fn main() {
    let path = std::env::args().nth(1).map_or_else(
        || sitrep_core::testdata::require_shared_data().join("isaf_press_releases/test_sharegpt.jsonl"),
        std::path::PathBuf::from,
    );
    let stage = sitrep_time::TimeStage::load().expect("grammar loads");
    let f = measure::isaf(&stage, &path);
    for m in &f.misses {
        println!("MISS {m}");
    }
    println!("releases {}  date_exact {:.3}  date_within_week {:.3}", f.n, f.frac(f.exact), f.frac(f.within_week));
}
