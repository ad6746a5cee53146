//! Read paths for the API (`sitrep serve`): stored events a page at a time (keyset cursor),
//! compact event summaries for the map, documents by id, totals. Every value reaches SQL as a
//! bound parameter; the filter's conditions come from [`Filter::to_sql`].

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use rusqlite::types::Value as SqlValue;
use rusqlite::{params, OptionalExtension};
use serde_json::Value;

use crate::filter::Filter;
use crate::store::Store;
use crate::Error;

/// Where a page of events ends: the last event's start date (`None` when undated) and public
/// id. Events are ordered by `date_start` (undated first), then public id — the order of
/// [`crate::EventStore::events`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub date: Option<String>,
    pub id: String,
}

impl Cursor {
    /// The opaque text form used in URLs: `DATE~ID` (`~ID` when undated).
    #[must_use]
    pub fn encode(&self) -> String {
        format!("{}~{}", self.date.as_deref().unwrap_or(""), self.id)
    }

    /// Reads [`Cursor::encode`]'s form; `None` when it is not one.
    #[must_use]
    pub fn decode(s: &str) -> Option<Self> {
        let (date, id) = s.split_once('~')?;
        let date_ok = date.is_empty() || date.parse::<sitrep_core::Date>().is_ok();
        let id_ok = !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        (date_ok && id_ok).then(|| Self { date: (!date.is_empty()).then(|| date.to_owned()), id: id.to_owned() })
    }
}

/// One page of results and where the next one starts (`None` on the last page).
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<Cursor>,
}

/// What the map needs of an event, read from the indexed columns (no JSON parse per row
/// beyond a few `json_extract`s).
#[derive(Debug, Clone, serde::Serialize)]
pub struct EventSummary {
    pub id: String,
    pub event_type: String,
    pub sub_event_type: String,
    pub date_start: Option<String>,
    pub date_end: Option<String>,
    pub date_precision: Option<String>,
    pub country: String,
    /// ISO 3166-1 numeric code of `country` (the id of its shape in Natural Earth / world-atlas).
    pub country_numeric: Option<u16>,
    pub admin1: Option<String>,
    pub place: Option<String>,
    pub precision: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub fatalities: Option<i64>,
    pub actor1: Option<String>,
    pub actor2: Option<String>,
    pub contested: bool,
    pub confidence: Option<f64>,
    pub sources: i64,
}

/// A stored document (its current version): metadata, the text every offset points into,
/// and its removed (boilerplate) ranges in characters.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StoredDocument {
    /// Row id: the stable handle the API uses.
    pub id: i64,
    /// Canonical URL, else `hash:` + content hash (the `document_id` of stored events' sources).
    pub key: String,
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub title: Option<String>,
    pub published: Option<String>,
    pub language: Option<String>,
    pub skipped: Option<String>,
    pub version: i64,
    pub text: String,
    /// `{start, end, kind}` in characters, as the contract's `document.removed`.
    pub removed: Vec<Value>,
}

/// Totals over the store.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Stats {
    pub documents: i64,
    pub events: i64,
    pub sources: i64,
    pub contested: i64,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    pub fatalities_best: i64,
    pub by_type: BTreeMap<String, i64>,
    pub by_country: BTreeMap<String, i64>,
    pub by_precision: BTreeMap<String, i64>,
}

/// ISO 3166-1 numeric code of an alpha-2 country code, for the countries in the ACLED
/// mapping table (`data/acled.tsv`, which already carries ACLED's numeric `iso` column).
#[must_use]
pub fn country_numeric(iso2: &str) -> Option<u16> {
    static MAP: OnceLock<HashMap<String, u16>> = OnceLock::new();
    MAP.get_or_init(|| {
        include_str!("../data/acled.tsv")
            .lines()
            .filter(|l| l.starts_with("country\t"))
            .filter_map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                Some((f.get(1)?.to_string(), f.get(3)?.parse().ok()?))
            })
            .collect()
    })
    .get(iso2)
    .copied()
}

/// The API's reads, over any backend: SQLite ([`Store`]) here, PostgreSQL in `sitrep_pg`. Both
/// answer the same requests with the same pages, documents and totals.
pub trait ReadStore: crate::EventStore + Send {
    /// One page of stored events matching `filter` (the contract's stored-event JSON text, in
    /// the `date_start` (undated first), public id order), and where the next page starts.
    ///
    /// # Errors
    /// Database errors.
    fn events_page(&self, filter: &Filter, after: Option<&Cursor>, limit: usize) -> Result<Page<String>, Error>;

    /// One page of compact summaries (what a map draws) of the events matching `filter`.
    ///
    /// # Errors
    /// Database errors.
    fn event_summaries(&self, filter: &Filter, after: Option<&Cursor>, limit: usize) -> Result<Page<EventSummary>, Error>;

    /// A document's current version by row id or by key (canonical URL or `hash:…`).
    ///
    /// # Errors
    /// Database errors, or a stored output that is not JSON.
    fn document(&self, id_or_key: &str) -> Result<Option<StoredDocument>, Error>;

    /// Public ids of the stored events a document's events joined.
    ///
    /// # Errors
    /// Database errors.
    fn events_of_document(&self, key: &str) -> Result<Vec<String>, Error>;

    /// Totals: documents, events (by type, country and location precision), sources, dates.
    ///
    /// # Errors
    /// Database errors.
    fn stats(&self) -> Result<Stats, Error>;

    /// True when the connection is gone for good (a database server that restarted) and the
    /// store must be opened again. An SQLite file never is.
    fn is_closed(&self) -> bool {
        false
    }
}

impl ReadStore for Store {
    fn events_page(&self, filter: &Filter, after: Option<&Cursor>, limit: usize) -> Result<Page<String>, Error> {
        Store::events_page(self, filter, after, limit)
    }
    fn event_summaries(&self, filter: &Filter, after: Option<&Cursor>, limit: usize) -> Result<Page<EventSummary>, Error> {
        Store::event_summaries(self, filter, after, limit)
    }
    fn document(&self, id_or_key: &str) -> Result<Option<StoredDocument>, Error> {
        Store::document(self, id_or_key)
    }
    fn events_of_document(&self, key: &str) -> Result<Vec<String>, Error> {
        Store::events_of_document(self, key)
    }
    fn stats(&self) -> Result<Stats, Error> {
        Store::stats(self)
    }
}

/// The keyset condition for "after `cursor`" in the `date_start, public_id` order, written so
/// an index on `(date_start, public_id)` can serve it.
fn after_sql(cursor: Option<&Cursor>) -> (String, Vec<SqlValue>) {
    match cursor {
        None => (String::new(), Vec::new()),
        Some(Cursor { date: None, id }) => (
            " AND ((date_start IS NULL AND public_id > ?) OR date_start IS NOT NULL)".to_owned(),
            vec![SqlValue::Text(id.clone())],
        ),
        Some(Cursor { date: Some(d), id }) => (
            " AND (date_start > ? OR (date_start = ? AND public_id > ?))".to_owned(),
            vec![SqlValue::Text(d.clone()), SqlValue::Text(d.clone()), SqlValue::Text(id.clone())],
        ),
    }
}

impl Store {
    /// Row ids (with their sort keys) of one page of matching events; one extra row tells
    /// whether another page follows.
    fn page_ids(&self, filter: &Filter, after: Option<&Cursor>, limit: usize) -> Result<(Vec<i64>, Option<Cursor>), Error> {
        let (where_sql, mut args) = filter.to_sql();
        let (after_sql, after_args) = after_sql(after);
        args.extend(after_args);
        let limit = limit.max(1);
        args.push(SqlValue::Integer(i64::try_from(limit + 1).unwrap_or(i64::MAX)));
        let sql = format!(
            "SELECT id, date_start, public_id FROM stored_events WHERE version > 0{where_sql}{after_sql}
             ORDER BY date_start, public_id LIMIT ?"
        );
        let mut stmt = self.connection().prepare_cached(&sql)?;
        let mut rows: Vec<(i64, Option<String>, String)> = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next = if more { rows.last().map(|(_, date, id)| Cursor { date: date.clone(), id: id.clone() }) } else { None };
        Ok((rows.into_iter().map(|(id, _, _)| id).collect(), next))
    }

    /// One page of stored events matching `filter`, each as the JSON text of the contract's
    /// stored-event object (unparsed, so a server can pass it through).
    ///
    /// # Errors
    /// Database errors.
    pub fn events_page(&self, filter: &Filter, after: Option<&Cursor>, limit: usize) -> Result<Page<String>, Error> {
        let (ids, next) = self.page_ids(filter, after, limit)?;
        let mut stmt = self.connection().prepare_cached("SELECT json_extract(json, '$.event') FROM stored_events WHERE id = ?1")?;
        let mut items = Vec::with_capacity(ids.len());
        for id in ids {
            items.push(stmt.query_row(params![id], |r| r.get::<_, String>(0))?);
        }
        Ok(Page { items, next })
    }

    /// One page of compact summaries (what a map draws) of the events matching `filter`.
    ///
    /// # Errors
    /// Database errors.
    pub fn event_summaries(&self, filter: &Filter, after: Option<&Cursor>, limit: usize) -> Result<Page<EventSummary>, Error> {
        let (ids, next) = self.page_ids(filter, after, limit)?;
        let mut stmt = self.connection().prepare_cached(
            "SELECT public_id, event_type, sub_event_type, date_start, date_end, json_extract(json, '$.event.date.precision'),
                    country, admin1, json_extract(json, '$.event.location.name'), json_extract(json, '$.event.location.precision'),
                    lat, lon, COALESCE(fatalities_best, fatalities_low), json_extract(json, '$.event.actor1.name'),
                    json_extract(json, '$.event.actor2.name'), contested, confidence, json_array_length(json, '$.event.sources')
             FROM stored_events WHERE id = ?1",
        )?;
        let mut items = Vec::with_capacity(ids.len());
        for id in ids {
            items.push(stmt.query_row(params![id], |r| {
                let country: String = r.get(6)?;
                Ok(EventSummary {
                    id: r.get(0)?,
                    event_type: r.get(1)?,
                    sub_event_type: r.get(2)?,
                    date_start: r.get(3)?,
                    date_end: r.get(4)?,
                    date_precision: r.get(5)?,
                    country_numeric: country_numeric(&country),
                    country,
                    admin1: r.get(7)?,
                    place: r.get(8)?,
                    precision: r.get(9)?,
                    lat: r.get(10)?,
                    lon: r.get(11)?,
                    fatalities: r.get(12)?,
                    actor1: r.get(13)?,
                    actor2: r.get(14)?,
                    contested: r.get(15)?,
                    confidence: r.get(16)?,
                    sources: r.get::<_, Option<i64>>(17)?.unwrap_or(0),
                })
            })?);
        }
        Ok(Page { items, next })
    }

    /// A document's current version by row id or by key (canonical URL or `hash:…`).
    ///
    /// # Errors
    /// Database errors, or a stored output that is not JSON.
    pub fn document(&self, id_or_key: &str) -> Result<Option<StoredDocument>, Error> {
        let by_id = id_or_key.parse::<i64>().ok();
        let row = self
            .connection()
            .query_row(
                "SELECT d.id, d.doc_key, d.url, d.outlet, d.title, d.published, d.language, d.skipped, d.version, dv.text,
                        json_extract(dv.output_json, '$.document.removed')
                 FROM documents d JOIN document_versions dv ON dv.document_id = d.id AND dv.version = d.version
                 WHERE d.id = ?1 OR d.doc_key = ?2",
                params![by_id, id_or_key],
                |r| {
                    Ok((
                        StoredDocument {
                            id: r.get(0)?,
                            key: r.get(1)?,
                            url: r.get(2)?,
                            outlet: r.get(3)?,
                            title: r.get(4)?,
                            published: r.get(5)?,
                            language: r.get(6)?,
                            skipped: r.get(7)?,
                            version: r.get(8)?,
                            text: r.get(9)?,
                            removed: Vec::new(),
                        },
                        r.get::<_, Option<String>>(10)?,
                    ))
                },
            )
            .optional()?;
        let Some((mut doc, removed)) = row else { return Ok(None) };
        if let Some(removed) = removed {
            doc.removed = serde_json::from_str(&removed)?;
        }
        Ok(Some(doc))
    }

    /// Row ids of documents by key (the `document_id` of stored events' sources).
    ///
    /// # Errors
    /// Database errors.
    pub fn document_ids(&self, keys: &[&str]) -> Result<HashMap<String, i64>, Error> {
        let mut stmt = self.connection().prepare_cached("SELECT id FROM documents WHERE doc_key = ?1")?;
        let mut out = HashMap::new();
        for key in keys {
            if let Some(id) = stmt.query_row(params![key], |r| r.get::<_, i64>(0)).optional()? {
                out.insert((*key).to_owned(), id);
            }
        }
        Ok(out)
    }

    /// Public ids of the stored events a document's events joined.
    ///
    /// # Errors
    /// Database errors.
    pub fn events_of_document(&self, key: &str) -> Result<Vec<String>, Error> {
        let mut stmt = self.connection().prepare_cached(
            "SELECT DISTINCT s.public_id FROM documents d JOIN doc_events de ON de.document_id = d.id
             JOIN sources so ON so.doc_event_id = de.id JOIN stored_events s ON s.id = so.stored_event_id
             WHERE d.doc_key = ?1 ORDER BY s.public_id",
        )?;
        let ids = stmt.query_map(params![key], |r| r.get::<_, String>(0))?.collect::<Result<_, _>>()?;
        Ok(ids)
    }

    /// Totals: documents, events (by type, country and location precision), sources, dates.
    ///
    /// # Errors
    /// Database errors.
    pub fn stats(&self) -> Result<Stats, Error> {
        let c = self.connection();
        let mut s = Stats { documents: c.query_row("SELECT COUNT(*) FROM documents", [], |r| r.get(0))?, ..Stats::default() };
        (s.events, s.contested, s.first_date, s.last_date, s.fatalities_best) = c.query_row(
            "SELECT COUNT(*), COALESCE(SUM(contested), 0), MIN(date_start), MAX(COALESCE(date_end, date_start)),
                    COALESCE(SUM(COALESCE(fatalities_best, fatalities_low, 0)), 0)
             FROM stored_events WHERE version > 0",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )?;
        s.sources = c.query_row("SELECT COUNT(*) FROM sources", [], |r| r.get(0))?;
        for (sql, map) in [
            ("SELECT event_type, COUNT(*) FROM stored_events WHERE version > 0 GROUP BY 1", &mut s.by_type),
            ("SELECT country, COUNT(*) FROM stored_events WHERE version > 0 GROUP BY 1", &mut s.by_country),
            (
                "SELECT COALESCE(json_extract(json, '$.event.location.precision'), 'none'), COUNT(*) FROM stored_events
                 WHERE version > 0 GROUP BY 1",
                &mut s.by_precision,
            ),
        ] {
            let mut stmt = c.prepare_cached(sql)?;
            for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
                let (k, n) = row?;
                map.insert(k, n);
            }
        }
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_junk() {
        for c in [Cursor { date: Some("2026-03-01".into()), id: "SR-SY-000001".into() }, Cursor { date: None, id: "SR-XX-000002".into() }] {
            assert_eq!(Cursor::decode(&c.encode()), Some(c));
        }
        for bad in ["", "2026-03-01", "2026-13-01~SR-SY-1", "2026-03-01~", "x~SR'; DROP", "~a b"] {
            assert_eq!(Cursor::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn numeric_codes_come_from_the_acled_table() {
        assert_eq!(country_numeric("SY"), Some(760));
        assert_eq!(country_numeric("AF"), Some(4));
        assert_eq!(country_numeric("ZZ"), None);
    }
}
