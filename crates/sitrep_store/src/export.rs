//! Exports of stored events: the ACLED-compatible CSV (as the contract README specifies, with
//! every label from `data/acled.tsv`), GeoJSON (RFC 7946) and JSON Lines.

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::sync::OnceLock;

use serde_json::{json, Value};

use crate::Error;

/// ACLED's columns, in ACLED's order.
pub const ACLED_COLUMNS: [&str; 31] = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type", "actor1",
    "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting", "iso", "region",
    "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
];

/// Longest date range split into daily rows; longer ranges are not daily events.
const MAX_SPLIT_DAYS: i64 = 31;

/// The mapping table, parsed once.
#[derive(Debug, Default)]
pub struct AcledMap {
    types: HashMap<String, String>,
    subs: HashMap<String, (String, String)>,
    actors: HashMap<String, (String, u32)>,
    geo: HashMap<String, u32>,
    time: HashMap<String, u32>,
    countries: HashMap<String, (String, String, String)>,
}

impl AcledMap {
    /// The compiled-in table.
    #[must_use]
    pub fn get() -> &'static Self {
        static MAP: OnceLock<AcledMap> = OnceLock::new();
        MAP.get_or_init(|| Self::parse(include_str!("../data/acled.tsv")))
    }

    fn parse(text: &str) -> Self {
        let mut m = Self::default();
        for line in text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
            let f: Vec<&str> = line.split('\t').collect();
            let s = |i: usize| f.get(i).copied().unwrap_or("").to_owned();
            match f[0] {
                "type" => {
                    m.types.insert(s(1), s(2));
                }
                "sub" => {
                    m.subs.insert(s(1), (s(2), s(3)));
                }
                "actor" => {
                    m.actors.insert(s(1), (s(2), s(3).parse().unwrap_or(8)));
                }
                "geo" => {
                    m.geo.insert(s(1), s(2).parse().unwrap_or(2));
                }
                "time" => {
                    m.time.insert(s(1), s(2).parse().unwrap_or(3));
                }
                "country" => {
                    m.countries.insert(s(1), (s(2), s(3), s(4)));
                }
                _ => {}
            }
        }
        m
    }
}

fn s<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_str()
}

/// Replaces each person's name with `[person]` in every string of `v`.
pub fn redact(v: &mut Value, persons: &BTreeSet<String>) {
    match v {
        Value::String(text) => {
            for p in persons.iter().filter(|p| p.len() > 2) {
                if text.contains(p.as_str()) {
                    *text = text.replace(p.as_str(), "[person]");
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| redact(x, persons)),
        Value::Object(o) => o.values_mut().for_each(|x| redact(x, persons)),
        _ => {}
    }
}

/// One stored event as ACLED rows: none for a country-only location (unless a strategic
/// development), one per day for a day-precise range, fatalities split evenly with the
/// remainder on the first day.
#[must_use]
pub fn acled_rows(event: &Value) -> Vec<Vec<String>> {
    let map = AcledMap::get();
    let event_type = s(event, &["event_type"]).unwrap_or("");
    let sub = s(event, &["sub_event_type"]).unwrap_or("");
    let loc = event.get("location").filter(|l| !l.is_null());
    let precision = loc.and_then(|l| s(l, &["precision"])).unwrap_or("country");
    if (loc.is_none() || precision == "country") && event_type != "strategic_developments" {
        return Vec::new();
    }
    let Some(start) = s(event, &["date", "start"]).and_then(|d| d.parse::<sitrep_core::Date>().ok()) else {
        return Vec::new();
    };
    let end = s(event, &["date", "end"]).and_then(|d| d.parse::<sitrep_core::Date>().ok()).unwrap_or(start);
    let date_precision = s(event, &["date", "precision"]).unwrap_or("day");
    let days: Vec<sitrep_core::Date> = if date_precision == "day" {
        let n = i64::from((end - start).get_days()).clamp(0, MAX_SPLIT_DAYS - 1) + 1;
        (0..n).filter_map(|i| start.checked_add(jiff::Span::new().days(i)).ok()).collect()
    } else {
        vec![start]
    };
    let fatalities = event.get("fatalities").and_then(|f| f.get("low")).and_then(Value::as_u64).unwrap_or(0);
    let n_days = days.len() as u64;
    let (share, remainder) = (fatalities / n_days.max(1), fatalities % n_days.max(1));

    let actor = |key: &str| -> (String, String, u32) {
        match event.get(key).filter(|a| !a.is_null()) {
            Some(a) => {
                let kind = s(a, &["kind"]).unwrap_or("other");
                let (inter, order) = map.actors.get(kind).cloned().unwrap_or_else(|| ("External/Other forces".to_owned(), 8));
                (s(a, &["name"]).unwrap_or("").to_owned(), inter, order)
            }
            None => (String::new(), String::new(), 0),
        }
    };
    let (a1, inter1, o1) = actor("actor1");
    let (a2, inter2, o2) = actor("actor2");
    let interaction = match (o1, o2) {
        (0, 0) => String::new(),
        (_, 0) => format!("{inter1} only"),
        (0, _) => format!("{inter2} only"),
        _ if o1 <= o2 => format!("{inter1}-{inter2}"),
        _ => format!("{inter2}-{inter1}"),
    };
    let iso2 = loc.and_then(|l| s(l, &["country"])).unwrap_or("");
    let (country, iso, region) = map.countries.get(iso2).cloned().unwrap_or_else(|| (iso2.to_owned(), String::new(), String::new()));
    let (sub_label, disorder) = map.subs.get(sub).cloned().unwrap_or_default();
    let sources: BTreeSet<&str> = event
        .get("sources")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter(|x| x.get("independent").and_then(Value::as_bool).unwrap_or(true)).filter_map(|x| s(x, &["outlet"])).collect())
        .unwrap_or_default();
    let num = |k: &str| loc.and_then(|l| l.get(k)).and_then(Value::as_f64).map(|x| format!("{x:.4}")).unwrap_or_default();
    let timestamp = s(event, &["updated_at"]).and_then(|t| t.parse::<jiff::Timestamp>().ok()).map(|t| t.as_second().to_string()).unwrap_or_default();
    let id = s(event, &["id"]).unwrap_or("");
    let location = loc.and_then(|l| s(l, &["name"])).unwrap_or("");

    days.iter()
        .enumerate()
        .map(|(i, day)| {
            let f = share + if i == 0 { remainder } else { 0 };
            vec![
                if n_days > 1 { format!("{id}-{}", i + 1) } else { id.to_owned() },
                day.to_string(),
                day.year().to_string(),
                map.time.get(date_precision).copied().unwrap_or(3).to_string(),
                disorder.clone(),
                map.types.get(event_type).cloned().unwrap_or_default(),
                sub_label.clone(),
                a1.clone(),
                String::new(),
                inter1.clone(),
                a2.clone(),
                String::new(),
                inter2.clone(),
                interaction.clone(),
                if event.get("civilian_targeting").and_then(Value::as_bool).unwrap_or(false) { "Civilian targeting".to_owned() } else { String::new() },
                iso.clone(),
                region.clone(),
                country.clone(),
                loc.and_then(|l| s(l, &["admin1"])).unwrap_or("").to_owned(),
                loc.and_then(|l| s(l, &["admin2"])).unwrap_or("").to_owned(),
                String::new(),
                location.to_owned(),
                num("lat"),
                num("lon"),
                map.geo.get(precision).copied().unwrap_or(2).to_string(),
                sources.iter().copied().collect::<Vec<_>>().join("; "),
                "Other".to_owned(),
                s(event, &["notes"]).unwrap_or("").to_owned(),
                f.to_string(),
                if event.get("contested").and_then(Value::as_bool).unwrap_or(false) { "contested".to_owned() } else { String::new() },
                timestamp.clone(),
            ]
        })
        .collect()
}

/// Writes the ACLED-compatible CSV.
///
/// # Errors
/// Write errors.
pub fn write_acled_csv(events: &[Value], out: impl Write) -> Result<usize, Error> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(ACLED_COLUMNS)?;
    let mut rows = 0;
    for e in events {
        for row in acled_rows(e) {
            w.write_record(&row)?;
            rows += 1;
        }
    }
    w.flush()?;
    Ok(rows)
}

/// One GeoJSON Feature (RFC 7946: coordinates longitude first); `None` for events without a
/// point, and for country-level ones, which are never drawn as a point at the capital.
#[must_use]
pub fn feature(event: &Value) -> Option<Value> {
    let loc = event.get("location").filter(|l| !l.is_null())?;
    if s(loc, &["precision"]) == Some("country") {
        return None;
    }
    let (lat, lon) = (loc.get("lat")?.as_f64()?, loc.get("lon")?.as_f64()?);
    let mut props = event.clone();
    if let Some(o) = props.as_object_mut() {
        for v in o.values_mut() {
            // Flat scalar properties load in every GIS; nested ones are kept as JSON text.
            if v.is_object() || v.is_array() {
                *v = Value::String(v.to_string());
            }
        }
    }
    Some(json!({"type": "Feature", "id": event.get("id"), "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props}))
}

/// Writes a GeoJSON FeatureCollection.
///
/// # Errors
/// Write errors.
pub fn write_geojson(events: &[Value], mut out: impl Write) -> Result<usize, Error> {
    let features: Vec<Value> = events.iter().filter_map(feature).collect();
    let n = features.len();
    serde_json::to_writer(&mut out, &json!({"type": "FeatureCollection", "features": features}))?;
    writeln!(out)?;
    Ok(n)
}

/// Writes one stored event a line.
///
/// # Errors
/// Write errors.
pub fn write_jsonl(events: &[Value], mut out: impl Write) -> Result<usize, Error> {
    for e in events {
        serde_json::to_writer(&mut out, e)?;
        writeln!(out)?;
    }
    Ok(events.len())
}

/// Writes a flat CSV of stored events (sitrep's own columns, for spreadsheets).
///
/// # Errors
/// Write errors.
pub fn write_events_csv(events: &[Value], out: impl Write) -> Result<usize, Error> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "id", "version", "date_start", "date_end", "event_type", "sub_event_type", "country", "admin1", "location", "lat", "lon",
        "actor1", "actor2", "fatalities_low", "fatalities_best", "fatalities_high", "contested", "sources", "notes",
    ])?;
    for e in events {
        let text = |p: &[&str]| s(e, p).unwrap_or("").to_owned();
        let any = |v: Option<&Value>| v.filter(|v| !v.is_null()).map(ToString::to_string).unwrap_or_default();
        let f = |k: &str| any(e.get("fatalities").and_then(|f| f.get(k)));
        let l = |k: &str| any(e.get("location").and_then(|l| l.get(k)));
        w.write_record([
            text(&["id"]), any(e.get("version")), text(&["date", "start"]), text(&["date", "end"]), text(&["event_type"]),
            text(&["sub_event_type"]), text(&["location", "country"]), text(&["location", "admin1"]), text(&["location", "name"]),
            l("lat"), l("lon"), text(&["actor1", "name"]), text(&["actor2", "name"]), f("low"), f("best"), f("high"),
            any(e.get("contested")), e.get("sources").and_then(Value::as_array).map_or(0, Vec::len).to_string(), text(&["notes"]),
        ])?;
    }
    w.flush()?;
    Ok(events.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(start: &str, end: &str, low: u64, precision: &str, event_type: &str) -> Value {
        json!({"id": "SR-SY-000001", "updated_at": "2026-03-02T10:00:00Z", "event_type": event_type,
               "sub_event_type": "air_drone_strike", "date": {"start": start, "end": end, "precision": "day"},
               "location": {"name": "Aleppo", "country": "SY", "admin1": "Aleppo", "lat": 36.2, "lon": 37.16, "precision": precision},
               "actor1": {"name": "Military Forces of Syria", "kind": "state_forces"}, "actor2": null,
               "fatalities": {"low": low, "best": low, "high": low}, "sources": [{"outlet": "Reuters", "independent": true}]})
    }

    #[test]
    fn a_three_day_event_is_three_rows_with_the_remainder_on_the_first_day() {
        let rows = acled_rows(&event("2026-03-01", "2026-03-03", 10, "city", "explosions_remote_violence"));
        assert_eq!(rows.len(), 3);
        let fat: Vec<&str> = rows.iter().map(|r| r[28].as_str()).collect();
        assert_eq!(fat, ["4", "3", "3"]);
        assert_eq!(rows[0][1], "2026-03-01");
        assert_eq!(rows[2][1], "2026-03-03");
        assert_eq!(rows[0][5], "Explosions/Remote violence");
        assert_eq!(rows[0][6], "Air/drone strike");
        assert_eq!(rows[0][9], "State forces");
        assert_eq!(rows[0][13], "State forces only");
        assert_eq!(rows[0][15], "760");
        assert_eq!(rows[0][17], "Syria");
        assert_eq!(rows[0][24], "1");
        assert!(rows.iter().all(|r| r.len() == ACLED_COLUMNS.len()));
    }

    #[test]
    fn country_only_events_are_left_out_except_strategic_developments() {
        assert!(acled_rows(&event("2026-03-01", "2026-03-01", 1, "country", "battles")).is_empty());
        assert_eq!(acled_rows(&event("2026-03-01", "2026-03-01", 0, "country", "strategic_developments")).len(), 1);
    }

    #[test]
    fn geojson_puts_longitude_first_and_skips_country_level_points() {
        let f = feature(&event("2026-03-01", "2026-03-01", 1, "city", "battles")).unwrap();
        assert_eq!(f["geometry"]["coordinates"], json!([37.16, 36.2]));
        assert!(feature(&event("2026-03-01", "2026-03-01", 1, "country", "battles")).is_none());
    }

    #[test]
    fn redaction_replaces_person_names_everywhere() {
        let mut v = json!({"notes": "Naji Mustafa said rebels did not attack", "sources": [{"claims": [{"source": "Naji Mustafa"}]}]});
        redact(&mut v, &BTreeSet::from(["Naji Mustafa".to_owned()]));
        assert!(!v.to_string().contains("Naji"));
    }
}
