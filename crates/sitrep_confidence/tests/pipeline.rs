//! Confidence through the whole pipeline: in range on real text, lowered by hedging and
//! negation on invented sentences, and a deterministic cross-validated fit.

use sitrep_core::Document;
use sitrep_pipeline::Pipeline;

fn annotated(pipeline: &Pipeline, id: &str, text: &str) -> Document {
    let mut doc = Document::from_text(id, text);
    doc.published = Some(sitrep_core::Date::constant(2024, 3, 12));
    pipeline.annotate(&mut doc);
    sitrep_core::check::assert_spans(&doc);
    doc
}

fn first_confidence(doc: &Document) -> f64 {
    doc.events.first().unwrap_or_else(|| panic!("no event in {:?}", doc.text)).confidence.expect("confidence set")
}

#[test]
fn every_event_over_muc4_tst1_has_a_confidence_in_range() {
    let dir = sitrep_core::testdata::require_shared_data().join("muc4");
    let docs = sitrep_eval::sets::muc4::load(&dir).unwrap();
    let pipeline = Pipeline::load().unwrap();
    let tst1: Vec<_> = docs.into_iter().filter(|d| d.id.to_uppercase().contains("TST1")).collect();
    assert!(tst1.len() >= 50, "{} TST1 documents", tst1.len());
    let mut events = 0;
    for d in tst1 {
        let doc = annotated(&pipeline, &d.id, &d.text);
        for e in &doc.events {
            let c = e.confidence.unwrap_or_else(|| panic!("{} {}: no confidence", d.id, e.id));
            assert!((0.0..=1.0).contains(&c), "{} {}: {c}", d.id, e.id);
            events += 1;
        }
    }
    assert!(events > 50, "{events} events");
}

#[test]
fn hedging_and_negation_lower_confidence() {
    let pipeline = Pipeline::load().unwrap();
    let plain = annotated(&pipeline, "plain", "Gunmen killed five villagers in Kadugli on Monday, police said.");
    let hedged = annotated(&pipeline, "hedged", "Gunmen reportedly killed five villagers in Kadugli on Monday, police said.");
    assert!(first_confidence(&hedged) < first_confidence(&plain), "{} vs {}", first_confidence(&hedged), first_confidence(&plain));

    let conf = sitrep_confidence::Confidence::load().unwrap();
    // A negated clause the events stage let through: the same event, with "not" before the trigger.
    let mut features = conf.features(&plain, 0);
    let before = conf.model().predict(&features);
    features.push(("negation".to_owned(), 1.0));
    assert!(!features[..features.len() - 1].iter().any(|(f, _)| f == "negation"));
    assert!(conf.model().predict(&features) < before);
}

#[test]
fn cross_validated_fit_is_deterministic() {
    let data = sitrep_core::testdata::require_shared_data();
    let repo = sitrep_eval::find_repo_root(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let runner = sitrep_eval::Runner::new(Pipeline::load().unwrap(), None, 0);
    let (judged, _) = sitrep_eval::calibration::collect(&runner, &data, &repo.join("eval/sets")).unwrap();
    assert!(judged.len() > 100, "{} judged events", judged.len());
    let opts = sitrep_confidence::FitOptions::default();
    let (m1, f1) = sitrep_eval::calibration::train(&judged, opts);
    let (m2, f2) = sitrep_eval::calibration::train(&judged, opts);
    assert_eq!(m1.to_tsv(""), m2.to_tsv(""));
    let values = |f: &[sitrep_eval::Figure]| f.iter().map(|x| x.value.map(f64::to_bits)).collect::<Vec<_>>();
    assert_eq!(values(&f1), values(&f2));
}
