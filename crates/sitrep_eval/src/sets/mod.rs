//! One module per set: a loader for its files and a scorer over the contract output.

pub mod article_extraction;
pub mod case2021;
pub mod event_location;
pub mod geoparsing;
pub mod india_police;
pub mod isaf;
pub mod merge;
pub mod muc4;
pub mod ner;
pub mod plover;
pub mod polnear;
pub mod stance;
pub mod traps;
pub mod wikievents;

use sitrep_core::contract::{OutEvent, Output};
use sitrep_core::SubEventType;

/// The sub-type of the event a label-per-snippet scorer reads: the highest-confidence coded
/// event (missing confidence counts as 0; ties go to the earlier event).
#[must_use]
pub fn top_event(out: &Output) -> Option<&OutEvent> {
    let mut best: Option<&OutEvent> = None;
    for e in crate::coded_events(out) {
        let c = e.confidence.unwrap_or(0.0);
        if best.is_none_or(|b| c > b.confidence.unwrap_or(0.0)) {
            best = Some(e);
        }
    }
    best
}

/// The event families the sets' label maps speak of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// battles, explosions/remote violence, violence against civilians.
    Violent,
    /// protests, riots.
    Demonstration,
    /// strategic_developments/arrests.
    Arrest,
    /// anything else.
    Other,
}

#[must_use]
pub fn family(sub: SubEventType) -> Family {
    use sitrep_core::EventType as T;
    match sub.event_type() {
        T::Battles | T::ExplosionsRemoteViolence | T::ViolenceAgainstCivilians => Family::Violent,
        T::Protests | T::Riots => Family::Demonstration,
        T::StrategicDevelopments if sub == SubEventType::Arrests => Family::Arrest,
        T::StrategicDevelopments => Family::Other,
    }
}

#[cfg(test)]
pub(crate) mod testutil {
    use serde_json::{json, Value};
    use sitrep_core::contract::Output;

    /// A contract output for `text` with the given layers (`events`, `places`, …) — what a
    /// pipeline would print, written by hand for scorer tests.
    pub fn output(id: &str, text: &str, layers: Value) -> Output {
        let mut v = json!({
            "document": {"id": id, "text": text, "removed": []},
            "entities": [], "quotes": [], "events": [], "attributions": [], "places": [],
            "times": [], "sentences": [],
            "provenance": {"sitrep_version": "test", "gazetteer": "", "lexicons": ""}
        });
        for (k, val) in layers.as_object().expect("layers object") {
            if k == "removed" {
                v["document"]["removed"] = val.clone();
            } else {
                v[k] = val.clone();
            }
        }
        serde_json::from_value(v).expect("test output matches the contract types")
    }

    /// An event in contract JSON with the fields scorers read; `extra` overrides.
    pub fn event(sub: &str, evidence: (usize, usize), extra: Value) -> Value {
        let sub_t = sitrep_core::SubEventType::parse(sub).expect("sub-type");
        let mut v = json!({
            "id": "V1",
            "event_type": serde_json::to_value(sub_t.event_type()).unwrap(),
            "sub_event_type": sub,
            "date": {"start": null, "end": null, "precision": "unknown", "text": null},
            "civilian_targeting": false, "aggregate": false, "claims": [], "contested": false,
            "evidence": [{"start": evidence.0, "end": evidence.1}]
        });
        for (k, val) in extra.as_object().expect("extra object") {
            v[k] = val.clone();
        }
        v
    }
}
