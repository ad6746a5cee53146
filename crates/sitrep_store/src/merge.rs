//! Whether two reports describe the same event: blocking (country, date window, type family)
//! and then a scored match whose reasons are kept, so `sitrep show` can say why sources joined.
//!
//! The weights are set from what distinguishes events in ACLED's coding rules (one event = one
//! place, one day, one sub-type), not fitted to the cluster set.

use sitrep_core::contract::OutEvent;
use sitrep_core::Date;

/// Days two reports' dates may differ and still be candidates (outlets date overnight raids
/// a day apart, and wire copies re-dated "yesterday" drift by one more).
pub const DATE_WINDOW_DAYS: i64 = 2;
/// Score at or above which a report joins a stored event.
pub const JOIN_THRESHOLD: f64 = 4.0;

/// The outcome of comparing a new report with one already stored.
#[derive(Debug, Clone)]
pub struct Match {
    pub score: f64,
    /// False when blocking rules the pair out whatever the score.
    pub compatible: bool,
    pub reasons: Vec<String>,
}

impl Match {
    #[must_use]
    pub fn joins(&self) -> bool {
        self.compatible && self.score >= JOIN_THRESHOLD
    }

    #[must_use]
    pub fn explain(&self) -> String {
        format!("{} (score {:.1}, threshold {JOIN_THRESHOLD:.1})", self.reasons.join("; "), self.score)
    }
}

/// ACLED's broad families: a battle and a bombing in one place may be one event coded two ways;
/// a protest and an air strike never are.
#[must_use]
pub fn type_family(event_type: &str) -> &'static str {
    match event_type {
        "battles" | "explosions_remote_violence" | "violence_against_civilians" => "violence",
        "protests" | "riots" => "demonstrations",
        _ => "strategic",
    }
}

fn label<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// Parses a contract date (`YYYY-MM-DD`).
#[must_use]
pub fn parse_date(s: Option<&str>) -> Option<Date> {
    s.and_then(|s| s.parse::<Date>().ok())
}

/// Days between the two events' date ranges (0 when they overlap); `None` when either is unknown.
#[must_use]
pub fn date_gap(a: &OutEvent, b: &OutEvent) -> Option<i64> {
    let (a0, a1) = (parse_date(a.date.start.as_deref())?, parse_date(a.date.end.as_deref().or(a.date.start.as_deref()))?);
    let (b0, b1) = (parse_date(b.date.start.as_deref())?, parse_date(b.date.end.as_deref().or(b.date.start.as_deref()))?);
    let days = |x: Date, y: Date| i64::from((y - x).get_days());
    if a1 < b0 {
        Some(days(a1, b0))
    } else if b1 < a0 {
        Some(days(b1, a0))
    } else {
        Some(0)
    }
}

/// Great-circle distance in km.
#[must_use]
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    6371.0 * 2.0 * a.sqrt().asin()
}

fn norm(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The country an event is filed under (ISO alpha-2), `XX` when unknown.
#[must_use]
pub fn country_of(e: &OutEvent) -> String {
    e.location.as_ref().and_then(|l| l.country.clone()).unwrap_or_else(|| "XX".to_owned())
}

/// Scores `new` against `old` (a source already in a stored event).
#[must_use]
pub fn score(new: &OutEvent, old: &OutEvent) -> Match {
    let mut reasons = Vec::new();
    let mut score = 0.0;
    let mut compatible = true;

    let (nt, ot) = (label(&new.event_type), label(&old.event_type));
    let (ns, os) = (label(&new.sub_event_type), label(&old.sub_event_type));
    if type_family(&nt) != type_family(&ot) {
        return Match { score: 0.0, compatible: false, reasons: vec![format!("type families differ ({nt} vs {ot})")] };
    }
    if ns == os {
        score += 1.5;
        reasons.push(format!("same sub-type {ns}"));
    } else if nt == ot {
        reasons.push(format!("same type {nt}, sub-types differ ({ns} vs {os})"));
    } else if type_family(&nt) == "strategic" {
        compatible = false;
        reasons.push(format!("different strategic developments ({ns} vs {os})"));
    } else {
        score -= 0.5;
        reasons.push(format!("types differ within one family ({nt} vs {ot})"));
    }

    match date_gap(new, old) {
        None => {
            compatible = false;
            reasons.push("a date is unknown".to_owned());
        }
        Some(g) if g > DATE_WINDOW_DAYS => {
            compatible = false;
            reasons.push(format!("dates {g} days apart"));
        }
        Some(0) => {
            score += 1.0;
            reasons.push("same date".to_owned());
        }
        Some(1) => {
            score += 0.5;
            reasons.push("dates 1 day apart".to_owned());
        }
        Some(g) => {
            score -= 0.5;
            reasons.push(format!("dates {g} days apart"));
        }
    }

    match (&new.location, &old.location) {
        (Some(a), Some(b)) => {
            if a.country != b.country {
                compatible = false;
                reasons.push("countries differ".to_owned());
            }
            let coarse = |p: &sitrep_core::document::GeoPrecision| matches!(label(p).as_str(), "country" | "region");
            if a.geonames_id.is_some() && a.geonames_id == b.geonames_id {
                let weight = if coarse(&a.precision) { 1.0 } else { 3.0 };
                score += weight;
                reasons.push(format!("same place {} (geonames {})", a.place.as_deref().unwrap_or(&a.name), a.geonames_id.unwrap_or(0)));
            } else if let (Some(la), Some(lo), Some(lb), Some(lob)) = (a.lat, a.lon, b.lat, b.lon) {
                let km = haversine_km(la, lo, lb, lob);
                if coarse(&a.precision) || coarse(&b.precision) {
                    reasons.push(format!("one place is only a region or country ({km:.0} km apart)"));
                } else if km <= 10.0 {
                    score += 2.5;
                    reasons.push(format!("places {km:.1} km apart"));
                } else if km <= 40.0 {
                    score += 1.0;
                    reasons.push(format!("places {km:.0} km apart"));
                } else {
                    compatible = false;
                    reasons.push(format!("places {km:.0} km apart"));
                }
            } else if norm(&a.name) == norm(&b.name) {
                score += 2.0;
                reasons.push(format!("same place name {}", a.name));
            } else {
                reasons.push("places not comparable".to_owned());
            }
            if a.admin1.is_some() && b.admin1.is_some() && a.admin1 != b.admin1 && a.geonames_id != b.geonames_id {
                compatible = false;
                reasons.push("admin1 differs".to_owned());
            }
        }
        _ => {
            compatible = false;
            reasons.push("no location to compare".to_owned());
        }
    }

    let fat = |e: &OutEvent| e.fatalities.as_ref().and_then(|f| f.best.or(f.low));
    if let (Some(x), Some(y)) = (fat(new), fat(old)) {
        let (lo, hi) = (x.min(y), x.max(y));
        if hi - lo <= 3 || (hi as f64) <= 1.5 * (lo as f64) {
            score += 0.5;
            reasons.push(format!("tolls compatible ({x} vs {y})"));
        } else {
            score -= 1.5;
            reasons.push(format!("tolls far apart ({x} vs {y})"));
        }
    }

    for (which, a, b) in [("actor1", &new.actor1, &old.actor1), ("actor2", &new.actor2, &old.actor2)] {
        if let (Some(a), Some(b)) = (a, b) {
            // "Unidentified Armed Group" and "Civilians" match in most reports of most events:
            // agreeing on them is no evidence of the same event.
            let generic = a.name.starts_with("Unidentified") || label(&a.kind) == "civilians";
            if norm(&a.name) == norm(&b.name) && generic {
                reasons.push(format!("{which} {} in both (generic, not counted)", a.name));
            } else if norm(&a.name) == norm(&b.name) {
                score += 0.75;
                reasons.push(format!("{which} {} in both", a.name));
            } else if a.kind != b.kind {
                score -= 0.75;
                reasons.push(format!("{which} kinds differ ({} vs {})", label(&a.kind), label(&b.kind)));
            }
        }
    }
    Match { score, compatible, reasons }
}
