//! The PostgreSQL `EventStore`: the SQLite store's write path statement for statement (same
//! identity, versions, syndication, merge and recomputation, via `sitrep_store::merged`), with
//! PostgreSQL's types and `$n` parameters.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};

use postgres::types::ToSql;
use postgres::{Client, NoTls, Row, Statement, Transaction};
use serde_json::Value;
use sitrep_core::contract::{OutEvent, Output};
use sitrep_store::merged::{self, label, SourceRow};
use sitrep_store::store::{BatchItem, BatchStats, CoverageRow, DocKey, EventStore, SourceExplanation};
use sitrep_store::{minhash, Error, Filter};

use crate::{pg_err, PgOptions};

/// Advisory lock key held by every store write transaction (see the crate README: one writer at
/// a time keeps merges, syndication lookups and document identity exactly as in the
/// single-writer SQLite store; extraction, the expensive part, runs in parallel outside it).
pub const STORE_WRITE_LOCK: i64 = 0x5317_0002;

pub(crate) fn now() -> String {
    jiff::Timestamp::now().round(jiff::Unit::Second).unwrap_or_else(|_| jiff::Timestamp::now()).to_string()
}

/// sitrep's store in PostgreSQL.
pub struct PgStore {
    /// `None` only while being dropped.
    client: RefCell<Option<Client>>,
    spatial: bool,
    statements: HashMap<&'static str, Statement>,
}

/// A write transaction with prepared statements reused across documents and batches.
pub(crate) struct Writer<'a, 'c> {
    pub tx: Transaction<'c>,
    statements: &'a mut HashMap<&'static str, Statement>,
    spatial: bool,
}

impl Writer<'_, '_> {
    fn st(&mut self, sql: &'static str) -> Result<Statement, Error> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.tx.prepare(sql).map_err(pg_err)?;
        self.statements.insert(sql, s.clone());
        Ok(s)
    }

    pub(crate) fn exec(&mut self, sql: &'static str, params: &[&(dyn ToSql + Sync)]) -> Result<u64, Error> {
        let st = self.st(sql)?;
        self.tx.execute(&st, params).map_err(pg_err)
    }

    pub(crate) fn rows(&mut self, sql: &'static str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>, Error> {
        let st = self.st(sql)?;
        self.tx.query(&st, params).map_err(pg_err)
    }

    pub(crate) fn opt(&mut self, sql: &'static str, params: &[&(dyn ToSql + Sync)]) -> Result<Option<Row>, Error> {
        let st = self.st(sql)?;
        self.tx.query_opt(&st, params).map_err(pg_err)
    }

    pub(crate) fn one(&mut self, sql: &'static str, params: &[&(dyn ToSql + Sync)]) -> Result<Row, Error> {
        let st = self.st(sql)?;
        self.tx.query_one(&st, params).map_err(pg_err)
    }
}

impl PgStore {
    /// Connects to `url` (`postgres://user@host:port/db`), sets the timeouts and brings the schema
    /// up to date.
    ///
    /// # Errors
    /// When the server cannot be reached, or migrations fail.
    pub fn connect(url: &str, opts: &PgOptions) -> Result<Self, Error> {
        let mut client = connect_client(url, opts)?;
        let spatial = crate::schema::migrate(&mut client)?;
        Ok(Self { client: RefCell::new(Some(client)), spatial, statements: HashMap::new() })
    }

    /// Whether stored events carry a PostGIS geometry (bounding boxes use the GiST index).
    #[must_use]
    pub fn spatial(&self) -> bool {
        self.spatial
    }

    /// The connection, for the queue and reports.
    pub fn client(&self) -> std::cell::RefMut<'_, Client> {
        std::cell::RefMut::map(self.client.borrow_mut(), |c| c.as_mut().expect("the connection is open until the store is dropped"))
    }

    /// Starts a write transaction holding the store write lock.
    pub(crate) fn writer(&mut self) -> Result<Writer<'_, '_>, Error> {
        let Self { client, statements, spatial } = self;
        let client = client.get_mut().as_mut().expect("the connection is open until the store is dropped");
        let mut tx = client.transaction().map_err(pg_err)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&STORE_WRITE_LOCK]).map_err(pg_err)?;
        Ok(Writer { tx, statements, spatial: *spatial })
    }

    /// Writes a batch inside an open writer (the queue adds its own bookkeeping to the same
    /// transaction).
    pub(crate) fn write_batch(w: &mut Writer<'_, '_>, run_id: i64, batch: &[BatchItem]) -> Result<BatchStats, Error> {
        let mut stats = BatchStats::default();
        let ts = now();
        for item in batch {
            match item {
                BatchItem::Document { key, output } => store_document(w, run_id, key, output, &mut stats)?,
                BatchItem::Error { source, message } => {
                    w.exec(
                        "INSERT INTO ingest_errors (run_id, source, message, at) VALUES ($1, $2, $3, $4)",
                        &[&run_id, source, message, &ts],
                    )?;
                    stats.errors += 1;
                }
            }
        }
        Ok(stats)
    }
}

impl Drop for PgStore {
    /// Closes the connection on a thread of its own: the synchronous client closes by blocking on
    /// its private runtime, which panics on a thread that drives async tasks (a server's handlers
    /// and its shutdown drop stores there).
    fn drop(&mut self) {
        let Some(client) = self.client.get_mut().take() else { return };
        // When no thread can be started the client is dropped here after all.
        if let Ok(closing) = std::thread::Builder::new().name("pg-close".into()).spawn(move || drop(client)) {
            let _ = closing.join();
        }
    }
}

/// Opens one connection with the timeouts set.
pub(crate) fn connect_client(url: &str, opts: &PgOptions) -> Result<Client, Error> {
    let mut config: postgres::Config = url.parse().map_err(pg_err)?;
    config.connect_timeout(opts.connect_timeout);
    let mut client = config.connect(NoTls).map_err(pg_err)?;
    let ms = |d: std::time::Duration| format!("{}ms", d.as_millis());
    client
        .execute(
            "SELECT set_config('statement_timeout', $1, false), set_config('lock_timeout', $2, false)",
            &[&ms(opts.statement_timeout), &ms(opts.lock_timeout)],
        )
        .map_err(pg_err)?;
    // Stored events are rewritten whole on every new source (tens of kB for a well-covered
    // event): lz4 compresses them several times faster than the default pglz. A server built
    // without lz4 refuses the setting, and keeps pglz.
    let _ = client.batch_execute("SET default_toast_compression = 'lz4'");
    Ok(client)
}

fn opt_i64(v: Option<u64>) -> Option<i64> {
    v.map(|g| g as i64)
}

/// Writes one document and merges its events (the SQLite store's `store_document`).
fn store_document(w: &mut Writer<'_, '_>, run_id: i64, key: &DocKey, output: &Output, stats: &mut BatchStats) -> Result<(), Error> {
    let existing = w
        .opt("SELECT id, content_hash, version FROM documents WHERE doc_key = $1", &[&key.key])?
        .map(|r| (r.get::<_, i64>(0), r.get::<_, String>(1), r.get::<_, i64>(2)));
    let d = &output.document;
    let ts = now();
    let signature = minhash::signature(&d.text);
    let sig_bytes = signature.as_ref().map(minhash::to_bytes);
    let (doc_id, version, mut affected) = match existing {
        Some((_, hash, _)) if hash == key.content_hash => {
            stats.unchanged += 1;
            return Ok(());
        }
        Some((doc_id, _, version)) => {
            let affected = remove_document_events(w, doc_id)?;
            w.exec(
                "UPDATE documents SET url = $1, outlet = $2, title = $3, published = $4, source = $5, content_hash = $6,
                 version = $7, language = $8, skipped = $9, minhash = $10, updated_at = $11 WHERE id = $12",
                &[&d.url, &d.outlet, &d.title, &d.published, &d.source, &key.content_hash, &(version + 1), &d.language, &d.skipped, &sig_bytes, &ts, &doc_id],
            )?;
            stats.new_versions += 1;
            (doc_id, version + 1, affected)
        }
        None => {
            let row = w.one(
                "INSERT INTO documents (doc_key, url, outlet, title, published, source, content_hash, version, language,
                 skipped, minhash, first_seen, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9, $10, $11, $11) RETURNING id",
                &[&key.key, &d.url, &d.outlet, &d.title, &d.published, &d.source, &key.content_hash, &d.language, &d.skipped, &sig_bytes, &ts],
            )?;
            stats.new_documents += 1;
            (row.get::<_, i64>(0), 1, BTreeSet::new())
        }
    };
    w.exec(
        "INSERT INTO document_versions (document_id, version, content_hash, text, output_json, run_id, ingested_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[&doc_id, &version, &key.content_hash, &d.text, &serde_json::to_string(output)?, &run_id, &ts],
    )?;
    if let Some(reason) = &d.skipped {
        let source = d.source.as_deref().unwrap_or(&d.id);
        w.exec(
            "INSERT INTO ingest_errors (run_id, source, message, at) VALUES ($1, $2, $3, $4)",
            &[&run_id, &source, &format!("not coded: {reason}"), &ts],
        )?;
        stats.errors += 1;
    }

    let syndicated_of = match &signature {
        Some(sig) => find_original(w, doc_id, sig)?,
        None => None,
    };
    w.exec("UPDATE documents SET syndicated_of = $1 WHERE id = $2", &[&syndicated_of, &doc_id])?;
    // Rows go in as arrays, one statement per table: a round trip per row would dominate.
    if let Some(sig) = &signature {
        let (bands, hashes): (Vec<i64>, Vec<i64>) = minhash::bands(sig).into_iter().unzip();
        w.exec(
            "INSERT INTO minhash_bands (band, hash, document_id) SELECT b, h, $3 FROM unnest($1::bigint[], $2::bigint[]) AS t(b, h)",
            &[&bands, &hashes, &doc_id],
        )?;
    }

    // SQLite's INSERT OR REPLACE keeps the last row of an entity id: so do we.
    let mut entities: Vec<&sitrep_core::contract::OutEntity> = Vec::new();
    for e in &output.entities {
        entities.retain(|x| x.id != e.id);
        entities.push(e);
    }
    if !entities.is_empty() {
        let ids: Vec<&str> = entities.iter().map(|e| e.id.as_str()).collect();
        let kinds: Vec<String> = entities.iter().map(|e| label(&e.kind)).collect();
        let texts: Vec<&str> = entities.iter().map(|e| e.text.as_str()).collect();
        let canon: Vec<Option<&str>> = entities.iter().map(|e| e.canonical.as_deref()).collect();
        let gids: Vec<Option<i64>> = entities.iter().map(|e| opt_i64(e.geo.as_ref().and_then(|g| g.geonames_id))).collect();
        w.exec(
            "INSERT INTO entities (document_id, entity_id, kind, text, canonical, geonames_id)
             SELECT $1, i, k, t, c, g FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[]) AS u(i, k, t, c, g)",
            &[&doc_id, &ids, &kinds, &texts, &canon, &gids],
        )?;
    }
    let places: Vec<(i64, &sitrep_core::contract::OutGeo)> = output
        .entities
        .iter()
        .filter_map(|e| {
            let g = e.geo.as_ref()?;
            Some((opt_i64(g.geonames_id)?, g))
        })
        .collect();
    if !places.is_empty() {
        // First one wins, as SQLite's INSERT OR IGNORE in entity order.
        let gids: Vec<i64> = places.iter().map(|p| p.0).collect();
        let names: Vec<&str> = places.iter().map(|p| p.1.name.as_str()).collect();
        let admin1: Vec<Option<&str>> = places.iter().map(|p| p.1.admin1.as_deref()).collect();
        let country: Vec<Option<&str>> = places.iter().map(|p| p.1.country.as_deref()).collect();
        let lat: Vec<f64> = places.iter().map(|p| p.1.lat).collect();
        let lon: Vec<f64> = places.iter().map(|p| p.1.lon).collect();
        w.exec(
            "INSERT INTO places (geonames_id, name, admin1, country, lat, lon)
             SELECT DISTINCT ON (g) g, n, a, c, la, lo FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[])
               WITH ORDINALITY AS u(g, n, a, c, la, lo, ord) ORDER BY g, ord
             ON CONFLICT (geonames_id) DO NOTHING",
            &[&gids, &names, &admin1, &country, &lat, &lon],
        )?;
    }

    for event in &output.events {
        let row = w.one(
            "INSERT INTO doc_events (document_id, event_id, json) VALUES ($1, $2, $3) RETURNING id",
            &[&doc_id, &event.id, &serde_json::to_string(event)?],
        )?;
        let doc_event_id: i64 = row.get(0);
        if !event.claims.is_empty() {
            let sources: Vec<&str> = event.claims.iter().map(|c| c.source.as_str()).collect();
            let stances: Vec<String> = event.claims.iter().map(|c| label(&c.stance)).collect();
            let starts: Vec<i64> = event.claims.iter().map(|c| c.start as i64).collect();
            let ends: Vec<i64> = event.claims.iter().map(|c| c.end as i64).collect();
            w.exec(
                r#"INSERT INTO claims (doc_event_id, source, stance, start, "end")
                 SELECT $1, s, st, a, b FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[]) WITH ORDINALITY AS u(s, st, a, b, ord)
                 ORDER BY ord"#,
                &[&doc_event_id, &sources, &stances, &starts, &ends],
            )?;
        }
        stats.events += 1;
        if event.aggregate {
            continue;
        }
        let stored = merge_event(w, doc_event_id, event, syndicated_of, &ts)?;
        affected.insert(stored);
    }
    for stored in affected {
        recompute(w, stored, &ts)?;
    }
    Ok(())
}

fn find_original(w: &mut Writer<'_, '_>, doc_id: i64, sig: &minhash::Signature) -> Result<Option<i64>, Error> {
    let (bands, hashes): (Vec<i64>, Vec<i64>) = minhash::bands(sig).into_iter().unzip();
    // Every document sharing a band, with its signature, in one round trip (id order, as the
    // SQLite store visits its candidate set).
    let rows = w.rows(
        "SELECT d.id, d.minhash, d.syndicated_of FROM documents d WHERE d.id IN (
            SELECT mb.document_id FROM minhash_bands mb JOIN unnest($1::bigint[], $2::bigint[]) AS k(b, h)
            ON mb.band = k.b AND mb.hash = k.h WHERE mb.document_id != $3)
         ORDER BY d.id",
        &[&bands, &hashes, &doc_id],
    )?;
    let mut best: Option<(f64, i64)> = None;
    for r in rows {
        let (cand, blob, root): (i64, Option<Vec<u8>>, Option<i64>) = (r.get(0), r.get(1), r.get(2));
        let Some(other) = blob.as_deref().and_then(minhash::from_bytes) else { continue };
        let sim = minhash::similarity(sig, &other);
        if sim >= minhash::SYNDICATION_THRESHOLD && best.is_none_or(|(s, _)| sim > s) {
            best = Some((sim, root.unwrap_or(cand)));
        }
    }
    Ok(best.map(|(_, id)| id))
}

fn remove_document_events(w: &mut Writer<'_, '_>, doc_id: i64) -> Result<BTreeSet<i64>, Error> {
    let mut affected = BTreeSet::new();
    for r in w.rows(
        "SELECT so.stored_event_id FROM sources so JOIN doc_events de ON de.id = so.doc_event_id WHERE de.document_id = $1",
        &[&doc_id],
    )? {
        affected.insert(r.get::<_, i64>(0));
    }
    w.exec("DELETE FROM sources WHERE doc_event_id IN (SELECT id FROM doc_events WHERE document_id = $1)", &[&doc_id])?;
    w.exec("DELETE FROM claims WHERE doc_event_id IN (SELECT id FROM doc_events WHERE document_id = $1)", &[&doc_id])?;
    w.exec("DELETE FROM doc_events WHERE document_id = $1", &[&doc_id])?;
    w.exec("DELETE FROM entities WHERE document_id = $1", &[&doc_id])?;
    w.exec("DELETE FROM minhash_bands WHERE document_id = $1", &[&doc_id])?;
    Ok(affected)
}

fn merge_event(w: &mut Writer<'_, '_>, doc_event_id: i64, event: &OutEvent, syndicated_of: Option<i64>, ts: &str) -> Result<i64, Error> {
    let independent = syndicated_of.is_none();
    if let Some(original) = syndicated_of {
        let joined = w.opt(
            "SELECT so.stored_event_id FROM sources so JOIN doc_events de ON de.id = so.doc_event_id
             WHERE de.document_id = $1 AND de.event_id = $2",
            &[&original, &event.id],
        )?;
        if let Some(r) = joined {
            let stored: i64 = r.get(0);
            insert_source(w, doc_event_id, stored, false, None, &merged::syndicated_reason(original), ts)?;
            return Ok(stored);
        }
    }
    let (country, window) = merged::candidate_window(event);
    let mut candidates: Vec<(i64, Vec<OutEvent>)> = Vec::new();
    if let Some((lo, hi)) = window {
        // Every candidate with its first sources in one round trip, in the SQLite store's order:
        // candidates as its (country, date_start) index scan yields them, sources as its LIMIT query.
        let rows = w.rows(
            r#"SELECT c.id, s.json FROM (
                 SELECT id, date_start FROM stored_events WHERE country = $1 AND date_start IS NOT NULL AND date_start <= $2
                 AND COALESCE(date_end, date_start) >= $3) c
               CROSS JOIN LATERAL (
                 SELECT de.json, so.independent, so.doc_event_id FROM sources so JOIN doc_events de ON de.id = so.doc_event_id
                 WHERE so.stored_event_id = c.id ORDER BY so.independent DESC, so.doc_event_id LIMIT $4) s
               ORDER BY c.date_start COLLATE "C", c.id, s.independent DESC, s.doc_event_id"#,
            &[&country, &hi, &lo, &merged::MAX_COMPARED_SOURCES],
        )?;
        for r in rows {
            let id: i64 = r.get(0);
            let source = serde_json::from_str::<OutEvent>(r.get::<_, &str>(1))?;
            match candidates.last_mut() {
                Some((last, sources)) if *last == id => sources.push(source),
                _ => candidates.push((id, vec![source])),
            }
        }
    }
    if let Some((m, stored)) = merged::best_match(event, candidates) {
        insert_source(w, doc_event_id, stored, independent, Some(m.score), &m.explain(), ts)?;
        return Ok(stored);
    }
    let next: i64 = w.opt("SELECT next FROM id_counters WHERE country = $1", &[&country])?.map_or(1, |r| r.get(0));
    w.exec(
        "INSERT INTO id_counters (country, next) VALUES ($1, $2) ON CONFLICT (country) DO UPDATE SET next = EXCLUDED.next",
        &[&country, &(next + 1)],
    )?;
    let public_id = merged::public_id(&country, next);
    let row = w.one(
        "INSERT INTO stored_events (public_id, country, version, first_seen, updated_at, event_type, sub_event_type,
         contested, search_text, json) VALUES ($1, $2, 0, $3, $3, '', '', false, '', '{}') RETURNING id",
        &[&public_id, &country, &ts],
    )?;
    let stored: i64 = row.get(0);
    insert_source(w, doc_event_id, stored, independent, None, "first report", ts)?;
    Ok(stored)
}

fn insert_source(w: &mut Writer<'_, '_>, doc_event_id: i64, stored: i64, independent: bool, score: Option<f64>, reason: &str, ts: &str) -> Result<(), Error> {
    w.exec(
        "INSERT INTO sources (doc_event_id, stored_event_id, independent, score, reason, joined_at) VALUES ($1, $2, $3, $4, $5, $6)",
        &[&doc_event_id, &stored, &independent, &score, &reason, &ts],
    )?;
    Ok(())
}

fn recompute(w: &mut Writer<'_, '_>, stored: i64, ts: &str) -> Result<(), Error> {
    let mut rows = Vec::new();
    for r in w.rows(
        r#"SELECT de.json, so.independent, d.doc_key, d.outlet, d.url, d.published
         FROM sources so JOIN doc_events de ON de.id = so.doc_event_id JOIN documents d ON d.id = de.document_id
         WHERE so.stored_event_id = $1 ORDER BY so.joined_at COLLATE "C", so.doc_event_id"#,
        &[&stored],
    )? {
        rows.push(SourceRow {
            event: serde_json::from_str(r.get::<_, &str>(0))?,
            independent: r.get(1),
            document_id: r.get(2),
            outlet: r.get(3),
            url: r.get(4),
            published: r.get(5),
        });
    }
    if rows.is_empty() {
        w.exec("DELETE FROM stored_event_versions WHERE stored_event_id = $1", &[&stored])?;
        w.exec("DELETE FROM stored_events WHERE id = $1", &[&stored])?;
        return Ok(());
    }
    let r = w.one("SELECT public_id, version, first_seen, json FROM stored_events WHERE id = $1", &[&stored])?;
    let (public_id, version, first_seen, old_json): (String, i64, String, String) = (r.get(0), r.get(1), r.get(2), r.get(3));
    let rebuilt = merged::rebuild(&rows);
    if merged::body_unchanged(&old_json, &rebuilt.body) {
        return Ok(());
    }
    let version = version + 1;
    let (obj, stored_json) = merged::stored_json(&public_id, version, &first_seen, ts, &rebuilt.body);
    let c = &rebuilt.columns;
    let json = serde_json::to_string(&stored_json)?;
    let params: [&(dyn ToSql + Sync); 18] = [
        &version, &ts, &c.event_type, &c.sub_event_type, &c.date_start, &c.date_end, &c.admin1, &c.geonames_id, &c.lat, &c.lon,
        &c.fatalities_low, &c.fatalities_best, &c.fatalities_high, &c.contested, &c.confidence, &c.search_text, &json, &stored,
    ];
    if w.spatial {
        w.exec(
            "UPDATE stored_events SET version = $1, updated_at = $2, event_type = $3, sub_event_type = $4, date_start = $5,
             date_end = $6, admin1 = $7, geonames_id = $8, lat = $9, lon = $10, fatalities_low = $11, fatalities_best = $12,
             fatalities_high = $13, contested = $14, confidence = $15, search_text = $16, json = $17,
             geom = CASE WHEN $9::float8 IS NULL OR $10::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint($10, $9), 4326) END
             WHERE id = $18",
            &params,
        )?;
    } else {
        w.exec(
            "UPDATE stored_events SET version = $1, updated_at = $2, event_type = $3, sub_event_type = $4, date_start = $5,
             date_end = $6, admin1 = $7, geonames_id = $8, lat = $9, lon = $10, fatalities_low = $11, fatalities_best = $12,
             fatalities_high = $13, contested = $14, confidence = $15, search_text = $16, json = $17 WHERE id = $18",
            &params,
        )?;
    }
    w.exec(
        "INSERT INTO stored_event_versions (stored_event_id, version, updated_at, json) VALUES ($1, $2, $3, $4)
         ON CONFLICT (stored_event_id, version) DO UPDATE SET updated_at = EXCLUDED.updated_at, json = EXCLUDED.json",
        &[&stored, &version, &ts, &serde_json::to_string(&obj)?],
    )?;
    Ok(())
}

impl EventStore for PgStore {
    fn commit_batch(&mut self, run_id: i64, batch: Vec<BatchItem>) -> Result<BatchStats, Error> {
        let mut w = self.writer()?;
        let stats = Self::write_batch(&mut w, run_id, &batch)?;
        w.tx.commit().map_err(pg_err)?;
        Ok(stats)
    }

    fn events(&self, filter: &Filter) -> Result<Vec<Value>, Error> {
        let (where_sql, args) = crate::filter::to_sql(filter, self.spatial);
        let sql = format!(r#"SELECT json FROM stored_events WHERE version > 0{where_sql} ORDER BY date_start COLLATE "C" NULLS FIRST, public_id COLLATE "C""#);
        let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a.as_ref() as &(dyn ToSql + Sync)).collect();
        let rows = self.client().query(&sql, &params).map_err(pg_err)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let v: Value = serde_json::from_str(r.get::<_, &str>(0))?;
            out.push(v.get("event").cloned().unwrap_or(Value::Null));
        }
        Ok(out)
    }

    fn event(&self, public_id: &str) -> Result<Option<(Value, Vec<SourceExplanation>)>, Error> {
        let mut client = self.client();
        let Some(row) = client.query_opt("SELECT id, json FROM stored_events WHERE public_id = $1", &[&public_id]).map_err(pg_err)? else {
            return Ok(None);
        };
        let id: i64 = row.get(0);
        let v: Value = serde_json::from_str(row.get::<_, &str>(1))?;
        let sources = client
            .query(
                r#"SELECT d.doc_key, d.outlet, d.url, de.event_id, so.independent, so.score, so.reason
                 FROM sources so JOIN doc_events de ON de.id = so.doc_event_id JOIN documents d ON d.id = de.document_id
                 WHERE so.stored_event_id = $1 ORDER BY so.joined_at COLLATE "C", so.doc_event_id"#,
                &[&id],
            )
            .map_err(pg_err)?
            .iter()
            .map(|r| SourceExplanation {
                document_id: r.get(0),
                outlet: r.get(1),
                url: r.get(2),
                event_id: r.get(3),
                independent: r.get(4),
                score: r.get(5),
                reason: r.get(6),
            })
            .collect();
        Ok(Some((v.get("event").cloned().unwrap_or(Value::Null), sources)))
    }

    fn coverage(&self) -> Result<Vec<CoverageRow>, Error> {
        let rows = self
            .client()
            .query(
                r#"SELECT COALESCE(d.outlet, '(unknown outlet)') COLLATE "C", COALESCE(d.published, '(undated)') COLLATE "C",
                 COUNT(DISTINCT d.id), COUNT(de.id)
                 FROM documents d LEFT JOIN doc_events de ON de.document_id = d.id
                 GROUP BY 1, 2 ORDER BY 2, 1"#,
                &[],
            )
            .map_err(pg_err)?;
        Ok(rows
            .iter()
            .map(|r| CoverageRow { outlet: r.get(0), day: r.get(1), documents: r.get::<_, i64>(2) as u64, events: r.get::<_, i64>(3) as u64 })
            .collect())
    }

    fn begin_run(&mut self, inputs: &[String]) -> Result<i64, Error> {
        let row = self
            .client()
            .query_one("INSERT INTO ingest_runs (started_at, inputs) VALUES ($1, $2) RETURNING id", &[&now(), &serde_json::to_string(inputs)?])
            .map_err(pg_err)?;
        Ok(row.get(0))
    }

    fn finish_run(&mut self, run_id: i64, stats: &BatchStats) -> Result<(), Error> {
        self.client()
            .execute(
                "UPDATE ingest_runs SET finished_at = $1, documents = $2, unchanged = $3, errors = $4 WHERE id = $5",
                &[&now(), &((stats.new_documents + stats.new_versions) as i64), &(stats.unchanged as i64), &(stats.errors as i64), &run_id],
            )
            .map_err(pg_err)?;
        Ok(())
    }

    fn is_unchanged(&self, key: &DocKey) -> Result<bool, Error> {
        let hash: Option<String> =
            self.client().query_opt("SELECT content_hash FROM documents WHERE doc_key = $1", &[&key.key]).map_err(pg_err)?.map(|r| r.get(0));
        Ok(hash.as_deref() == Some(key.content_hash.as_str()))
    }

    fn run_errors(&self, run_id: i64) -> Result<Vec<(String, String)>, Error> {
        let rows = self.client().query("SELECT source, message FROM ingest_errors WHERE run_id = $1 ORDER BY id", &[&run_id]).map_err(pg_err)?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    fn counts(&self) -> Result<Vec<(&'static str, i64)>, Error> {
        let mut out = Vec::new();
        let mut client = self.client();
        for table in ["documents", "document_versions", "doc_events", "stored_events", "sources", "claims", "ingest_errors"] {
            // Table names come from the fixed list above, never from input.
            let n: i64 = client.query_one(&format!("SELECT COUNT(*) FROM {table}"), &[]).map_err(pg_err)?.get(0);
            out.push((table, n));
        }
        Ok(out)
    }

    fn lead_event_clusters(&self) -> Result<HashMap<String, String>, Error> {
        let rows = self
            .client()
            .query(
                "SELECT dv.output_json, s.public_id, de.event_id
                 FROM documents d
                 JOIN document_versions dv ON dv.document_id = d.id AND dv.version = d.version
                 JOIN doc_events de ON de.document_id = d.id
                 JOIN sources so ON so.doc_event_id = de.id
                 JOIN stored_events s ON s.id = so.stored_event_id",
                &[],
            )
            .map_err(pg_err)?;
        let mut outputs: HashMap<String, Output> = HashMap::new();
        let mut best: HashMap<String, (f64, String)> = HashMap::new();
        for r in &rows {
            let (output_json, public_id, event_id): (String, String, String) = (r.get(0), r.get(1), r.get(2));
            let output = match outputs.entry(output_json) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(v) => {
                    let parsed: Output = serde_json::from_str(v.key())?;
                    v.insert(parsed)
                }
            };
            let Some(ev) = output.events.iter().find(|e| e.id == event_id) else { continue };
            let conf = ev.confidence.unwrap_or(0.5);
            let entry = best.entry(output.document.id.clone()).or_insert((f64::MIN, String::new()));
            if conf > entry.0 {
                *entry = (conf, public_id);
            }
        }
        Ok(best.into_iter().map(|(k, (_, v))| (k, v)).collect())
    }

    fn person_names(&self, public_ids: &[String]) -> Result<BTreeSet<String>, Error> {
        let rows = self
            .client()
            .query(
                "SELECT DISTINCT e.text FROM stored_events s
                 JOIN sources so ON so.stored_event_id = s.id
                 JOIN doc_events de ON de.id = so.doc_event_id
                 JOIN entities e ON e.document_id = de.document_id
                 WHERE s.public_id = ANY($1) AND e.kind = 'PERSON'",
                &[&public_ids],
            )
            .map_err(pg_err)?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }
}
