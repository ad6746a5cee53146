//! Prints the time stage's document-level agreement with the MUC-4 keys' `INCIDENT: DATE`
//! (tst1 and tst2), with every disagreement; the rule is in `tests/support/measure.rs`.
//!
//! `cargo run -p sitrep_time --example muc4_dates`

#[path = "../tests/support/measure.rs"]
mod measure;

fn main() {
    let raw = sitrep_core::testdata::require_shared_data().join("muc4/raw");
    let stage = sitrep_time::TimeStage::load().expect("grammar loads");
    let f = measure::muc4(&stage, &raw);
    for m in &f.misses {
        println!("MISS {m}");
    }
    println!(
        "documents {}  exact_first {:.3}  exact_any {:.3}  consistent_any {:.3}",
        f.n,
        f.frac(f.exact_first),
        f.frac(f.exact_any),
        f.frac(f.consistent_any)
    );
}
