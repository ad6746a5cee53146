//! What every backend computes the same way once the rows are read: which stored event a new
//! report joins (given the candidates' sources), and the merged stored event rebuilt from its
//! sources. The SQLite store and the PostgreSQL store (crate `sitrep_pg`) both call these, so
//! the same inputs in the same order give the same clusters and the same merged figures.

use std::collections::BTreeSet;

use serde_json::{json, Value};
use sitrep_core::contract::OutEvent;

use crate::merge::{self, Match};

/// Sources of a candidate compared with a new report: the first independent ones tell the
/// event's place, date and type; comparing all of a 50-source event would make merging quadratic.
/// Backends read a candidate's sources `ORDER BY independent DESC, doc_event_id LIMIT` this.
pub const MAX_COMPARED_SOURCES: i64 = 8;

/// A contract enum's wire label (`"battles"`, `"PERSON"`, …).
#[must_use]
pub fn label<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

fn shift(date: &str, days: i64) -> Option<String> {
    let d = date.parse::<sitrep_core::Date>().ok()?;
    d.checked_add(jiff::Span::new().days(days)).ok().map(|d| d.to_string())
}

/// The blocking key of a new report: its country and the `(lo, hi)` date window candidates must
/// overlap (`date_start <= hi AND COALESCE(date_end, date_start) >= lo`); no window when the
/// report's date is unknown, so it can only start a new stored event.
#[must_use]
pub fn candidate_window(event: &OutEvent) -> (String, Option<(String, String)>) {
    let country = merge::country_of(event);
    let window = event.date.start.as_deref().and_then(|start| {
        let end = event.date.end.as_deref().unwrap_or(start);
        Some((shift(start, -merge::DATE_WINDOW_DAYS)?, shift(end, merge::DATE_WINDOW_DAYS)?))
    });
    (country, window)
}

/// Picks the stored event a report joins: the best compatible match over every compared source
/// of every candidate, scoring at least the threshold; ties keep the earlier candidate (backends
/// pass candidates `ORDER BY date_start, id` and sources in the order of [`MAX_COMPARED_SOURCES`]).
pub fn best_match<I>(event: &OutEvent, candidates: I) -> Option<(Match, i64)>
where
    I: IntoIterator<Item = (i64, Vec<OutEvent>)>,
{
    let mut best: Option<(Match, i64)> = None;
    for (id, sources) in candidates {
        for old in &sources {
            let m = merge::score(event, old);
            if m.joins() && best.as_ref().is_none_or(|(b, _)| m.score > b.score) {
                best = Some((m, id));
            }
        }
    }
    best
}

/// The reason recorded for a syndicated copy joining its original's event.
#[must_use]
pub fn syndicated_reason(original_document_row: i64) -> String {
    format!("syndicated copy of document {original_document_row} (near-identical text), counted once")
}

/// The public id of a country's `next`-th stored event.
#[must_use]
pub fn public_id(country: &str, next: i64) -> String {
    format!("SR-{country}-{next:06}")
}

/// One source of a stored event as read back for recomputing it (backends read them
/// `ORDER BY joined_at, doc_event_id`).
#[derive(Debug, Clone)]
pub struct SourceRow {
    pub event: OutEvent,
    pub independent: bool,
    /// The document's key (canonical URL or content hash).
    pub document_id: String,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
}

/// The source whose coding the merged event takes: the most confident independent one.
///
/// # Panics
/// Never for a non-empty `rows`; callers drop a stored event with no sources instead.
#[must_use]
pub fn representative(rows: &[SourceRow]) -> &SourceRow {
    let pool: Vec<&SourceRow> = if rows.iter().any(|r| r.independent) { rows.iter().filter(|r| r.independent).collect() } else { rows.iter().collect() };
    let mut best = pool[0];
    for r in &pool[1..] {
        if r.event.confidence.unwrap_or(0.0) > best.event.confidence.unwrap_or(0.0) {
            best = r;
        }
    }
    best
}

/// Lower-cased notes, places, actors and outlets, for free-text and actor filters.
#[must_use]
pub fn search_text(rows: &[SourceRow]) -> String {
    let mut parts = BTreeSet::new();
    for r in rows {
        let e = &r.event;
        if let Some(n) = &e.notes {
            parts.insert(n.to_lowercase());
        }
        if let Some(l) = &e.location {
            parts.insert(l.name.to_lowercase());
            if let Some(p) = &l.place {
                parts.insert(p.to_lowercase());
            }
        }
        for a in [&e.actor1, &e.actor2].into_iter().flatten() {
            parts.insert(a.name.to_lowercase());
        }
        if let Some(o) = &r.outlet {
            parts.insert(o.to_lowercase());
        }
    }
    parts.into_iter().collect::<Vec<_>>().join(" | ")
}

/// The merged coding: the representative's type, date, place and actors; fatalities from every
/// independent source (low = the lowest, high = the highest, best = the median of bests);
/// contested when any source is, or the independent figures do not overlap.
#[must_use]
pub fn merged_body(rows: &[SourceRow]) -> Value {
    let rep = representative(rows);
    let e = &rep.event;
    let counts: Vec<(u64, u64, u64)> = rows
        .iter()
        .filter(|r| r.independent)
        .filter_map(|r| r.event.fatalities.as_ref())
        .filter_map(|f| {
            let best = f.best.or(f.low).or(f.high)?;
            Some((f.low.unwrap_or(best), best, f.high.unwrap_or(best)))
        })
        .collect();
    let fatalities = if counts.is_empty() {
        Value::Null
    } else {
        let low = counts.iter().map(|c| c.0).min().unwrap_or(0);
        let high = counts.iter().map(|c| c.2).max().unwrap_or(0);
        let mut bests: Vec<u64> = counts.iter().map(|c| c.1).collect();
        bests.sort_unstable();
        json!({"low": low, "best": bests[(bests.len() - 1) / 2], "high": high})
    };
    let figures_conflict = counts.iter().map(|c| c.0).max() > counts.iter().map(|c| c.2).min();
    let contested = rows.iter().any(|r| r.event.contested) || figures_conflict;
    let confidence = rows.iter().filter_map(|r| r.event.confidence).fold(None, |m: Option<f64>, c| Some(m.map_or(c, |m| m.max(c))));
    let sources: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({"document_id": r.document_id, "outlet": r.outlet, "url": r.url, "published": r.published,
                   "independent": r.independent, "event_id": r.event.id, "fatalities": r.event.fatalities,
                   "claims": r.event.claims, "evidence": r.event.evidence})
        })
        .collect();
    json!({
        "event_type": e.event_type, "sub_event_type": e.sub_event_type, "date": e.date, "location": e.location,
        "actor1": e.actor1, "actor2": e.actor2, "fatalities": fatalities, "civilian_targeting": e.civilian_targeting,
        "contested": contested, "confidence": confidence, "sources": sources, "notes": e.notes,
    })
}

/// A stored event's indexed query columns, the same in every backend.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredColumns {
    pub event_type: String,
    pub sub_event_type: String,
    pub date_start: Option<String>,
    pub date_end: Option<String>,
    pub admin1: Option<String>,
    pub geonames_id: Option<i64>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub fatalities_low: Option<i64>,
    pub fatalities_best: Option<i64>,
    pub fatalities_high: Option<i64>,
    pub contested: bool,
    pub confidence: Option<f64>,
    pub search_text: String,
}

/// A stored event rebuilt from its sources.
#[derive(Debug, Clone)]
pub struct Rebuilt {
    /// The merged coding without the id/version/timestamps, compared to tell whether anything
    /// changed (an unchanged body keeps the version).
    pub body: Value,
    pub columns: StoredColumns,
}

/// Rebuilds the merged coding and its query columns from the sources.
///
/// # Panics
/// When `rows` is empty (a stored event without sources is deleted, not rebuilt).
#[must_use]
pub fn rebuild(rows: &[SourceRow]) -> Rebuilt {
    let body = merged_body(rows);
    let rep = representative(rows);
    let loc = rep.event.location.as_ref();
    let fat = body.get("fatalities");
    let num = |k: &str| fat.and_then(|f| f.get(k)).and_then(Value::as_i64);
    let columns = StoredColumns {
        event_type: label(&rep.event.event_type),
        sub_event_type: label(&rep.event.sub_event_type),
        date_start: rep.event.date.start.clone(),
        date_end: rep.event.date.end.clone(),
        admin1: loc.and_then(|l| l.admin1.clone()),
        geonames_id: loc.and_then(|l| l.geonames_id).map(|g| g as i64),
        lat: loc.and_then(|l| l.lat),
        lon: loc.and_then(|l| l.lon),
        fatalities_low: num("low"),
        fatalities_best: num("best"),
        fatalities_high: num("high"),
        contested: body.get("contested").and_then(Value::as_bool).unwrap_or(false),
        confidence: body.get("confidence").and_then(Value::as_f64),
        search_text: search_text(rows),
    };
    Rebuilt { body, columns }
}

/// True when the stored JSON (`{"event": …, "body": …}`) already holds this body.
#[must_use]
pub fn body_unchanged(old_stored_json: &str, body: &Value) -> bool {
    let old: Value = serde_json::from_str(old_stored_json).unwrap_or(Value::Null);
    old.get("body") == Some(body)
}

/// The contract's stored-event object (`event`) and the JSON a backend stores (`{"event", "body"}`).
#[must_use]
pub fn stored_json(public_id: &str, version: i64, first_seen: &str, updated_at: &str, body: &Value) -> (Value, Value) {
    let mut obj = json!({"id": public_id, "version": version, "first_seen": first_seen, "updated_at": updated_at});
    if let (Some(o), Some(b)) = (obj.as_object_mut(), body.as_object()) {
        for (k, v) in b {
            o.insert(k.clone(), v.clone());
        }
    }
    let stored = json!({"event": obj, "body": body});
    (obj, stored)
}
