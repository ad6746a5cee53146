//! Golden tests over the project's own invented sentences: the positives (crates/sitrep_events/tests/golden/
//! positives.jsonl, expected sub-type and fields) and the trap set of non-events (eval/sets/traps.jsonl).

use serde_json::Value;
use sitrep_core::check::assert_spans;
use sitrep_core::Document;
use sitrep_events::Events;

fn lines(path: &str) -> Vec<Value> {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full)
        .unwrap_or_else(|e| panic!("{full}: {e}"))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect()
}

fn run(ev: &Events, text: &str) -> Document {
    let mut doc = Document::from_text("golden", text);
    ev.annotate(&mut doc);
    assert_spans(&doc);
    doc
}

#[test]
fn invented_positive_sentences_get_their_sub_type_and_fields() {
    let ev = Events::load().unwrap();
    let cases = lines("tests/golden/positives.jsonl");
    let mut wrong = Vec::new();
    for case in &cases {
        let text = case["text"].as_str().unwrap();
        let doc = run(&ev, text);
        let got = doc.events.iter().find(|e| !e.aggregate);
        let want = case["sub_event_type"].as_str().unwrap();
        let Some(e) = got else {
            wrong.push(format!("{}: no event, want {want}: {text}", case["id"]));
            continue;
        };
        let mut problems = Vec::new();
        if e.sub_event_type.as_str() != want {
            problems.push(format!("sub-type {} want {want}", e.sub_event_type.as_str()));
        }
        let low = |c: &Option<sitrep_core::Count>| c.as_ref().and_then(|c| c.low);
        for (field, value) in [("fatalities_low", low(&e.fatalities)), ("injured_low", low(&e.injured)), ("detained_low", low(&e.detained))] {
            if let Some(w) = case.get(field).and_then(Value::as_u64) {
                if value != Some(w) {
                    problems.push(format!("{field} {value:?} want {w}"));
                }
            }
        }
        if let Some(k) = case.get("actor1_kind").and_then(Value::as_str) {
            let got = e.actor1.as_ref().map(|a| serde_json::to_value(a.kind).unwrap());
            if got.as_ref().and_then(Value::as_str) != Some(k) {
                problems.push(format!("actor1 kind {got:?} want {k}"));
            }
        }
        if let Some(c) = case.get("civilian_targeting").and_then(Value::as_bool) {
            if e.civilian_targeting != c {
                problems.push(format!("civilian_targeting {} want {c}", e.civilian_targeting));
            }
        }
        if !problems.is_empty() {
            wrong.push(format!("{}: {}: {text}", case["id"], problems.join("; ")));
        }
    }
    // Every invented positive is a case the rules are meant to handle; allow a small share of misses so the
    // test guards against regressions without pinning every sentence.
    let allowed = cases.len() / 10;
    assert!(wrong.len() <= allowed, "{} of {} positives wrong (allowed {allowed}):\n{}", wrong.len(), cases.len(), wrong.join("\n"));
}

#[test]
fn trap_sentences_yield_no_daily_event() {
    let ev = Events::load().unwrap();
    let traps = lines("../../eval/sets/traps.jsonl");
    assert!(traps.len() >= 80);
    let mut fired = Vec::new();
    for t in &traps {
        let text = t["text"].as_str().unwrap();
        let doc = run(&ev, text);
        if let Some(e) = doc.events.iter().find(|e| !e.aggregate) {
            fired.push(format!("{} [{}] {} -> {}", t["id"], t["case"], text, e.sub_event_type.as_str()));
        }
    }
    let rate = fired.len() as f64 / traps.len() as f64;
    assert!(rate <= 0.05, "false event rate {rate:.3} over {} traps:\n{}", traps.len(), fired.join("\n"));
}
