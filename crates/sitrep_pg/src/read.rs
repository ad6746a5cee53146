//! The API's reads (`sitrep serve`) over PostgreSQL: the same pages, summaries, documents and
//! totals as `sitrep_store::read` answers from SQLite. JSON stays text: `json::json -> 'event'`
//! returns the stored text's own slice (the `json` type keeps it as written), so an event goes
//! out byte for byte as stored, as SQLite's `json_extract` passes it through.

use std::collections::BTreeMap;

use postgres::types::ToSql;
use sitrep_store::read::{country_numeric, Cursor, EventSummary, Page, ReadStore, Stats, StoredDocument};
use sitrep_store::{Error, Filter};

use crate::filter::Param;
use crate::pg_err;
use crate::store::PgStore;

/// The parts of a stored event a map summary shows that have no column of their own.
#[derive(serde::Deserialize)]
struct SummaryFields {
    date: Option<Precision>,
    location: Option<Place>,
    actor1: Option<Named>,
    actor2: Option<Named>,
    sources: Option<Vec<serde::de::IgnoredAny>>,
}

#[derive(serde::Deserialize)]
struct Precision {
    precision: Option<String>,
}

#[derive(serde::Deserialize)]
struct Place {
    name: Option<String>,
    precision: Option<String>,
}

#[derive(serde::Deserialize)]
struct Named {
    name: Option<String>,
}

/// The keyset condition for "after `cursor`" in the `date_start (undated first), public_id`
/// order, numbered from `$first`.
fn after_sql(cursor: Option<&Cursor>, first: usize) -> (String, Vec<Param>) {
    match cursor {
        None => (String::new(), Vec::new()),
        Some(Cursor { date: None, id }) => (
            format!(r#" AND ((date_start IS NULL AND public_id COLLATE "C" > ${first}) OR date_start IS NOT NULL)"#),
            vec![Box::new(id.clone())],
        ),
        Some(Cursor { date: Some(d), id }) => (
            format!(
                r#" AND (date_start COLLATE "C" > ${first} OR (date_start = ${first} AND public_id COLLATE "C" > ${}))"#,
                first + 1
            ),
            vec![Box::new(d.clone()), Box::new(id.clone())],
        ),
    }
}

impl PgStore {
    /// One page of matching rows (`cols` over `stored_events`), one extra row telling whether
    /// another page follows; the last two columns of every row are `date_start, public_id`.
    fn page_rows(&self, cols: &str, filter: &Filter, after: Option<&Cursor>, limit: usize) -> Result<(Vec<postgres::Row>, Option<Cursor>), Error> {
        let (where_sql, mut args) = crate::filter::to_sql(filter, self.spatial());
        let (after_sql, after_args) = after_sql(after, args.len() + 1);
        args.extend(after_args);
        let limit = limit.max(1);
        args.push(Box::new(i64::try_from(limit + 1).unwrap_or(i64::MAX)));
        let sql = format!(
            r#"SELECT {cols}, date_start, public_id FROM stored_events WHERE version > 0{where_sql}{after_sql}
             ORDER BY date_start COLLATE "C" NULLS FIRST, public_id COLLATE "C" LIMIT ${}"#,
            args.len()
        );
        let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a.as_ref() as &(dyn ToSql + Sync)).collect();
        let mut rows = self.client().query(&sql, &params).map_err(pg_err)?;
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next = if more {
            rows.last().map(|r| {
                let n = r.len();
                Cursor { date: r.get(n - 2), id: r.get(n - 1) }
            })
        } else {
            None
        };
        Ok((rows, next))
    }
}

impl ReadStore for PgStore {
    /// Also pings (one round trip): a server restart is noticed by the next query, which would
    /// fail the request that made it.
    fn is_closed(&self) -> bool {
        let mut c = self.client();
        c.is_closed() || c.is_valid(std::time::Duration::from_secs(5)).is_err()
    }

    fn events_page(&self, filter: &Filter, after: Option<&Cursor>, limit: usize) -> Result<Page<String>, Error> {
        let (rows, next) = self.page_rows("(json::json -> 'event')::text", filter, after, limit)?;
        Ok(Page { items: rows.iter().map(|r| r.get(0)).collect(), next })
    }

    fn event_summaries(&self, filter: &Filter, after: Option<&Cursor>, limit: usize) -> Result<Page<EventSummary>, Error> {
        // The event's JSON is parsed here, once, for its few summary fields: PostgreSQL's `json`
        // operators would parse the whole text once per field, and a `jsonb` cast costs more.
        let (rows, next) = self.page_rows(
            "public_id, event_type, sub_event_type, date_end, country, admin1, lat, lon, COALESCE(fatalities_best, fatalities_low),
             contested, confidence, (json::json -> 'event')::text",
            filter,
            after,
            limit,
        )?;
        let mut items = Vec::with_capacity(rows.len());
        for r in &rows {
            let country: String = r.get(4);
            let e: SummaryFields = serde_json::from_str(r.get::<_, &str>(11))?;
            items.push(EventSummary {
                id: r.get(0),
                event_type: r.get(1),
                sub_event_type: r.get(2),
                date_start: r.get(12),
                date_end: r.get(3),
                date_precision: e.date.and_then(|d| d.precision),
                country_numeric: country_numeric(&country),
                country,
                admin1: r.get(5),
                place: e.location.as_ref().and_then(|l| l.name.clone()),
                precision: e.location.and_then(|l| l.precision),
                lat: r.get(6),
                lon: r.get(7),
                fatalities: r.get(8),
                actor1: e.actor1.and_then(|a| a.name),
                actor2: e.actor2.and_then(|a| a.name),
                contested: r.get(9),
                confidence: r.get(10),
                sources: e.sources.map_or(0, |s| i64::try_from(s.len()).unwrap_or(i64::MAX)),
            });
        }
        Ok(Page { items, next })
    }

    fn document(&self, id_or_key: &str) -> Result<Option<StoredDocument>, Error> {
        let by_id = id_or_key.parse::<i64>().ok();
        let row = self
            .client()
            .query_opt(
                "SELECT d.id, d.doc_key, d.url, d.outlet, d.title, d.published, d.language, d.skipped, d.version, dv.text,
                        (dv.output_json::json #> '{document,removed}')::text
                 FROM documents d JOIN document_versions dv ON dv.document_id = d.id AND dv.version = d.version
                 WHERE d.id = $1 OR d.doc_key = $2
                 ORDER BY d.id LIMIT 1",
                &[&by_id, &id_or_key],
            )
            .map_err(pg_err)?;
        let Some(r) = row else { return Ok(None) };
        let removed: Option<String> = r.get(10);
        let removed = match removed.as_deref() {
            // A JSON null (no removed ranges recorded) reads as SQLite's NULL does.
            None | Some("null") => Vec::new(),
            Some(text) => serde_json::from_str(text)?,
        };
        Ok(Some(StoredDocument {
            id: r.get(0),
            key: r.get(1),
            url: r.get(2),
            outlet: r.get(3),
            title: r.get(4),
            published: r.get(5),
            language: r.get(6),
            skipped: r.get(7),
            version: r.get(8),
            text: r.get(9),
            removed,
        }))
    }

    fn events_of_document(&self, key: &str) -> Result<Vec<String>, Error> {
        let rows = self
            .client()
            .query(
                r#"SELECT DISTINCT s.public_id COLLATE "C" FROM documents d JOIN doc_events de ON de.document_id = d.id
                 JOIN sources so ON so.doc_event_id = de.id JOIN stored_events s ON s.id = so.stored_event_id
                 WHERE d.doc_key = $1 ORDER BY 1"#,
                &[&key],
            )
            .map_err(pg_err)?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn stats(&self) -> Result<Stats, Error> {
        let mut c = self.client();
        let mut s = Stats { documents: c.query_one("SELECT COUNT(*) FROM documents", &[]).map_err(pg_err)?.get(0), ..Stats::default() };
        let r = c
            .query_one(
                r#"SELECT COUNT(*), COUNT(*) FILTER (WHERE contested), MIN(date_start COLLATE "C"),
                          MAX(COALESCE(date_end, date_start) COLLATE "C"),
                          COALESCE(SUM(COALESCE(fatalities_best, fatalities_low, 0)), 0)::bigint
                   FROM stored_events WHERE version > 0"#,
                &[],
            )
            .map_err(pg_err)?;
        (s.events, s.contested, s.first_date, s.last_date, s.fatalities_best) = (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4));
        s.sources = c.query_one("SELECT COUNT(*) FROM sources", &[]).map_err(pg_err)?.get(0);
        let groups: [(&str, &mut BTreeMap<String, i64>); 3] = [
            ("SELECT event_type, COUNT(*) FROM stored_events WHERE version > 0 GROUP BY 1", &mut s.by_type),
            ("SELECT country, COUNT(*) FROM stored_events WHERE version > 0 GROUP BY 1", &mut s.by_country),
            (
                "SELECT COALESCE(json::json #>> '{event,location,precision}', 'none'), COUNT(*) FROM stored_events
                 WHERE version > 0 GROUP BY 1",
                &mut s.by_precision,
            ),
        ];
        for (sql, map) in groups {
            for r in c.query(sql, &[]).map_err(pg_err)? {
                map.insert(r.get(0), r.get(1));
            }
        }
        Ok(s)
    }
}
