//! The SQLite store: one writer, WAL, one transaction per batch of documents.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde_json::Value;
use sitrep_core::contract::{OutEvent, Output};
use sitrep_core::Document;

use crate::filter::Filter;
use crate::merged::{self, label, SourceRow};
use crate::minhash;
use crate::Error;

/// How a document is known across runs: its canonical URL, else its content hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocKey {
    pub key: String,
    pub content_hash: String,
}

impl DocKey {
    /// Key of a document as read (before extraction).
    #[must_use]
    pub fn of(doc: &Document) -> Self {
        let content_hash = format!("{:016x}", minhash::fnv1a(doc.text.as_bytes()));
        let key = doc
            .url
            .as_deref()
            .and_then(canonical_url)
            .unwrap_or_else(|| format!("hash:{content_hash}"));
        Self { key, content_hash }
    }
}

/// Canonical form of a URL: scheme and host lower-cased, `www.` and the fragment dropped,
/// tracking parameters (`utm_*`, `fbclid`, `gclid`) removed, no trailing slash. `None` for
/// anything that is not an http(s) URL.
#[must_use]
pub fn canonical_url(url: &str) -> Option<String> {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let rest = rest.split('#').next().unwrap_or("");
    let (host_path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (host, path) = host_path.split_once('/').unwrap_or((host_path, ""));
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    if host.is_empty() {
        return None;
    }
    let path = path.trim_end_matches('/');
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter(|p| {
            let name = p.split('=').next().unwrap_or("");
            !(name.starts_with("utm_") || name == "fbclid" || name == "gclid")
        })
        .collect();
    let mut out = format!("https://{host}/{path}");
    if !kept.is_empty() {
        out.push('?');
        out.push_str(&kept.join("&"));
    }
    Some(out)
}

/// One unit of a batch.
#[derive(Debug)]
pub enum BatchItem {
    /// A document with its extraction.
    Document { key: DocKey, output: Box<Output> },
    /// An input (or record) that produced no document, and why.
    Error { source: String, message: String },
}

/// What committing a batch did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct BatchStats {
    pub new_documents: usize,
    pub new_versions: usize,
    pub unchanged: usize,
    pub errors: usize,
    pub events: usize,
}

/// A run's totals are the sum of its batches'.
impl std::ops::AddAssign for BatchStats {
    fn add_assign(&mut self, batch: Self) {
        self.new_documents += batch.new_documents;
        self.new_versions += batch.new_versions;
        self.unchanged += batch.unchanged;
        self.errors += batch.errors;
        self.events += batch.events;
    }
}

/// One source of a stored event, with the reason it was joined.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SourceExplanation {
    pub document_id: String,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub event_id: String,
    pub independent: bool,
    pub score: Option<f64>,
    pub reason: String,
}

/// Documents one outlet published on one day.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CoverageRow {
    pub outlet: String,
    pub day: String,
    pub documents: u64,
    pub events: u64,
}

/// The seam between sitrep and its database: SQLite (`Store`) and PostgreSQL (crate `sitrep_pg`).
pub trait EventStore {
    /// Writes a batch atomically: after a crash either all of it is there or none.
    ///
    /// # Errors
    /// Database errors; the batch is rolled back.
    fn commit_batch(&mut self, run_id: i64, batch: Vec<BatchItem>) -> Result<BatchStats, Error>;
    /// Stored events matching `filter`, in date order, as the contract's stored-event objects.
    ///
    /// # Errors
    /// Database errors.
    fn events(&self, filter: &Filter) -> Result<Vec<Value>, Error>;
    /// One stored event and the reasons its sources were joined.
    ///
    /// # Errors
    /// Database errors.
    fn event(&self, public_id: &str) -> Result<Option<(Value, Vec<SourceExplanation>)>, Error>;
    /// Documents per outlet and day.
    ///
    /// # Errors
    /// Database errors.
    fn coverage(&self) -> Result<Vec<CoverageRow>, Error>;
    /// Starts an ingest run and returns its id.
    ///
    /// # Errors
    /// Database errors.
    fn begin_run(&mut self, inputs: &[String]) -> Result<i64, Error>;
    /// Closes a run with its totals.
    ///
    /// # Errors
    /// Database errors.
    fn finish_run(&mut self, run_id: i64, stats: &BatchStats) -> Result<(), Error>;
    /// True when this exact document (same key, same content) is already stored.
    ///
    /// # Errors
    /// Database errors.
    fn is_unchanged(&self, key: &DocKey) -> Result<bool, Error>;
    /// Errors recorded in one run, as (source, message).
    ///
    /// # Errors
    /// Database errors.
    fn run_errors(&self, run_id: i64) -> Result<Vec<(String, String)>, Error>;
    /// Row counts of the main tables, for reports and tests.
    ///
    /// # Errors
    /// Database errors.
    fn counts(&self) -> Result<Vec<(&'static str, i64)>, Error>;
    /// The stored event each document's lead event joined (document id as given → public id).
    ///
    /// # Errors
    /// Database errors.
    fn lead_event_clusters(&self) -> Result<HashMap<String, String>, Error>;
    /// Person names in the documents behind the given stored events, for `--redact-persons`.
    ///
    /// # Errors
    /// Database errors.
    fn person_names(&self, public_ids: &[String]) -> Result<BTreeSet<String>, Error>;
}

/// The SQLite implementation.
pub struct Store {
    conn: Connection,
}

fn now() -> String {
    jiff::Timestamp::now().round(jiff::Unit::Second).unwrap_or_else(|_| jiff::Timestamp::now()).to_string()
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    ///
    /// # Errors
    /// When the file cannot be opened as SQLite, or its schema is newer than this sitrep.
    pub fn open(path: &Path) -> Result<Self, Error> {
        let conn = Connection::open(path)?;
        Self::setup(conn)
    }

    /// A private in-memory database (tests, the merge evaluation).
    ///
    /// # Errors
    /// SQLite errors.
    pub fn open_in_memory() -> Result<Self, Error> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> Result<Self, Error> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // NORMAL under WAL: a committed batch survives a process kill; only a power cut can lose
        // the last one, never corrupt the file.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        crate::schema::migrate(&mut conn)?;
        Ok(Self { conn })
    }

    /// The underlying connection, for read-only reporting queries.
    #[must_use]
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Starts an ingest run and returns its id.
    ///
    /// # Errors
    /// Database errors.
    pub fn begin_run(&mut self, inputs: &[String]) -> Result<i64, Error> {
        self.conn.execute(
            "INSERT INTO ingest_runs (started_at, inputs) VALUES (?1, ?2)",
            params![now(), serde_json::to_string(inputs)?],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Closes a run with its totals.
    ///
    /// # Errors
    /// Database errors.
    pub fn finish_run(&mut self, run_id: i64, stats: &BatchStats) -> Result<(), Error> {
        self.conn.execute(
            "UPDATE ingest_runs SET finished_at = ?1, documents = ?2, unchanged = ?3, errors = ?4 WHERE id = ?5",
            params![now(), (stats.new_documents + stats.new_versions) as i64, stats.unchanged as i64, stats.errors as i64, run_id],
        )?;
        Ok(())
    }

    /// True when this exact document (same key, same content) is already stored, so ingest can
    /// skip extracting it again.
    ///
    /// # Errors
    /// Database errors.
    pub fn is_unchanged(&self, key: &DocKey) -> Result<bool, Error> {
        let hash: Option<String> = self
            .conn
            .query_row("SELECT content_hash FROM documents WHERE doc_key = ?1", params![key.key], |r| r.get(0))
            .optional()?;
        Ok(hash.as_deref() == Some(key.content_hash.as_str()))
    }

    /// Errors recorded in one run, as (source, message).
    ///
    /// # Errors
    /// Database errors.
    pub fn run_errors(&self, run_id: i64) -> Result<Vec<(String, String)>, Error> {
        let mut stmt = self.conn.prepare("SELECT source, message FROM ingest_errors WHERE run_id = ?1 ORDER BY id")?;
        let rows = stmt.query_map(params![run_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Row counts of the main tables, for reports and tests.
    ///
    /// # Errors
    /// Database errors.
    pub fn counts(&self) -> Result<Vec<(&'static str, i64)>, Error> {
        let mut out = Vec::new();
        for table in ["documents", "document_versions", "doc_events", "stored_events", "sources", "claims", "ingest_errors"] {
            // Table names come from the fixed list above, never from input.
            let n: i64 = self.conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?;
            out.push((table, n));
        }
        Ok(out)
    }

    /// The stored event each document's lead event joined: (document id as given in the input,
    /// public id). The lead event is the highest-confidence non-aggregate event.
    ///
    /// # Errors
    /// Database errors.
    pub fn lead_event_clusters(&self) -> Result<HashMap<String, String>, Error> {
        let mut stmt = self.conn.prepare(
            "SELECT dv.output_json, s.public_id, de.event_id
             FROM documents d
             JOIN document_versions dv ON dv.document_id = d.id AND dv.version = d.version
             JOIN doc_events de ON de.document_id = d.id
             JOIN sources so ON so.doc_event_id = de.id
             JOIN stored_events s ON s.id = so.stored_event_id",
        )?;
        let mut best: HashMap<String, (f64, String)> = HashMap::new();
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
        let mut outputs: HashMap<String, Output> = HashMap::new();
        for row in rows {
            let (output_json, public_id, event_id) = row?;
            let output: &Output = match outputs.entry(output_json.clone()) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(v) => v.insert(serde_json::from_str(&output_json)?),
            };
            let Some(ev) = output.events.iter().find(|e| e.id == event_id) else { continue };
            let conf = ev.confidence.unwrap_or(0.5);
            let doc_id = output.document.id.clone();
            let entry = best.entry(doc_id).or_insert((f64::MIN, String::new()));
            if conf > entry.0 {
                *entry = (conf, public_id);
            }
        }
        Ok(best.into_iter().map(|(k, (_, v))| (k, v)).collect())
    }

    /// Person names in the documents behind the given stored events, for `--redact-persons`.
    ///
    /// # Errors
    /// Database errors.
    pub fn person_names(&self, public_ids: &[String]) -> Result<BTreeSet<String>, Error> {
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT e.text FROM stored_events s
             JOIN sources so ON so.stored_event_id = s.id
             JOIN doc_events de ON de.id = so.doc_event_id
             JOIN entities e ON e.document_id = de.document_id
             WHERE s.public_id = ?1 AND e.kind = 'PERSON'",
        )?;
        let mut names = BTreeSet::new();
        for id in public_ids {
            for name in stmt.query_map(params![id], |r| r.get::<_, String>(0))? {
                names.insert(name?);
            }
        }
        Ok(names)
    }
}

/// Writes one document and merges its events, inside the batch transaction.
fn store_document(tx: &Transaction<'_>, run_id: i64, key: &DocKey, output: &Output, stats: &mut BatchStats) -> Result<(), Error> {
    let existing: Option<(i64, String, i64)> = tx
        .query_row("SELECT id, content_hash, version FROM documents WHERE doc_key = ?1", params![key.key], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let d = &output.document;
    let ts = now();
    let signature = minhash::signature(&d.text);
    let (doc_id, version, mut affected) = match existing {
        Some((_, hash, _)) if hash == key.content_hash => {
            stats.unchanged += 1;
            return Ok(());
        }
        Some((doc_id, _, version)) => {
            // An edited re-publication: its old events leave the merged events they joined,
            // which are then recomputed (or dropped when nothing else reports them).
            let affected = remove_document_events(tx, doc_id)?;
            tx.execute(
                "UPDATE documents SET url = ?1, outlet = ?2, title = ?3, published = ?4, source = ?5, content_hash = ?6,
                 version = ?7, language = ?8, skipped = ?9, minhash = ?10, updated_at = ?11 WHERE id = ?12",
                params![d.url, d.outlet, d.title, d.published, d.source, key.content_hash, version + 1, d.language, d.skipped,
                        signature.as_ref().map(minhash::to_bytes), ts, doc_id],
            )?;
            stats.new_versions += 1;
            (doc_id, version + 1, affected)
        }
        None => {
            tx.execute(
                "INSERT INTO documents (doc_key, url, outlet, title, published, source, content_hash, version, language,
                 skipped, minhash, first_seen, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?9, ?10, ?11, ?11)",
                params![key.key, d.url, d.outlet, d.title, d.published, d.source, key.content_hash, d.language, d.skipped,
                        signature.as_ref().map(minhash::to_bytes), ts],
            )?;
            stats.new_documents += 1;
            (tx.last_insert_rowid(), 1, BTreeSet::new())
        }
    };
    tx.execute(
        "INSERT INTO document_versions (document_id, version, content_hash, text, output_json, run_id, ingested_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![doc_id, version, key.content_hash, d.text, serde_json::to_string(output)?, run_id, ts],
    )?;
    if let Some(reason) = &d.skipped {
        tx.execute(
            "INSERT INTO ingest_errors (run_id, source, message, at) VALUES (?1, ?2, ?3, ?4)",
            params![run_id, d.source.as_deref().unwrap_or(&d.id), format!("not coded: {reason}"), ts],
        )?;
        stats.errors += 1;
    }

    let syndicated_of = match &signature {
        Some(sig) => find_original(tx, doc_id, sig)?,
        None => None,
    };
    tx.execute("UPDATE documents SET syndicated_of = ?1 WHERE id = ?2", params![syndicated_of, doc_id])?;
    if let Some(sig) = &signature {
        let mut ins = tx.prepare_cached("INSERT INTO minhash_bands (band, hash, document_id) VALUES (?1, ?2, ?3)")?;
        for (band, hash) in minhash::bands(sig) {
            ins.execute(params![band, hash, doc_id])?;
        }
    }

    {
        let mut ins_entity = tx.prepare_cached(
            "INSERT OR REPLACE INTO entities (document_id, entity_id, kind, text, canonical, geonames_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        let mut ins_place = tx.prepare_cached(
            "INSERT OR IGNORE INTO places (geonames_id, name, admin1, country, lat, lon) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for e in &output.entities {
            let gid = e.geo.as_ref().and_then(|g| g.geonames_id);
            ins_entity.execute(params![doc_id, e.id, label(&e.kind), e.text, e.canonical, gid.map(|g| g as i64)])?;
            if let (Some(g), Some(gid)) = (&e.geo, gid) {
                ins_place.execute(params![gid as i64, g.name, g.admin1, g.country, g.lat, g.lon])?;
            }
        }
    }

    for event in &output.events {
        tx.execute(
            "INSERT INTO doc_events (document_id, event_id, json) VALUES (?1, ?2, ?3)",
            params![doc_id, event.id, serde_json::to_string(event)?],
        )?;
        let doc_event_id = tx.last_insert_rowid();
        let mut ins_claim = tx.prepare_cached("INSERT INTO claims (doc_event_id, source, stance, start, end) VALUES (?1, ?2, ?3, ?4, ?5)")?;
        for c in &event.claims {
            ins_claim.execute(params![doc_event_id, c.source, label(&c.stance), c.start as i64, c.end as i64])?;
        }
        stats.events += 1;
        if event.aggregate {
            // Totals over a period are context, never a daily event: kept per document only.
            continue;
        }
        let stored = merge_event(tx, doc_event_id, event, syndicated_of, &ts)?;
        affected.insert(stored);
    }
    for stored in affected {
        recompute(tx, stored, &ts)?;
    }
    Ok(())
}

/// The earlier document this one re-runs (near-identical text), if any: the root of the chain,
/// so every copy points at the first one seen.
fn find_original(tx: &Transaction<'_>, doc_id: i64, sig: &minhash::Signature) -> Result<Option<i64>, Error> {
    let mut candidates = BTreeSet::new();
    {
        let mut stmt = tx.prepare_cached("SELECT document_id FROM minhash_bands WHERE band = ?1 AND hash = ?2 AND document_id != ?3")?;
        for (band, hash) in minhash::bands(sig) {
            for id in stmt.query_map(params![band, hash, doc_id], |r| r.get::<_, i64>(0))? {
                candidates.insert(id?);
            }
        }
    }
    let mut best: Option<(f64, i64)> = None;
    let mut stmt = tx.prepare_cached("SELECT minhash, syndicated_of FROM documents WHERE id = ?1")?;
    for cand in candidates {
        let (blob, root): (Option<Vec<u8>>, Option<i64>) = stmt.query_row(params![cand], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let Some(other) = blob.as_deref().and_then(minhash::from_bytes) else { continue };
        let sim = minhash::similarity(sig, &other);
        if sim >= minhash::SYNDICATION_THRESHOLD && best.is_none_or(|(s, _)| sim > s) {
            best = Some((sim, root.unwrap_or(cand)));
        }
    }
    Ok(best.map(|(_, id)| id))
}

/// Deletes a document's per-document events (and their sources and claims); returns the stored
/// events they had joined.
fn remove_document_events(tx: &Transaction<'_>, doc_id: i64) -> Result<BTreeSet<i64>, Error> {
    let mut affected = BTreeSet::new();
    {
        let mut stmt = tx.prepare(
            "SELECT so.stored_event_id FROM sources so JOIN doc_events de ON de.id = so.doc_event_id WHERE de.document_id = ?1",
        )?;
        for id in stmt.query_map(params![doc_id], |r| r.get::<_, i64>(0))? {
            affected.insert(id?);
        }
    }
    tx.execute("DELETE FROM sources WHERE doc_event_id IN (SELECT id FROM doc_events WHERE document_id = ?1)", params![doc_id])?;
    tx.execute("DELETE FROM claims WHERE doc_event_id IN (SELECT id FROM doc_events WHERE document_id = ?1)", params![doc_id])?;
    tx.execute("DELETE FROM doc_events WHERE document_id = ?1", params![doc_id])?;
    tx.execute("DELETE FROM entities WHERE document_id = ?1", params![doc_id])?;
    tx.execute("DELETE FROM minhash_bands WHERE document_id = ?1", params![doc_id])?;
    Ok(affected)
}

/// Joins the event to the best-matching stored event, or starts a new one; returns its row id.
fn merge_event(tx: &Transaction<'_>, doc_event_id: i64, event: &OutEvent, syndicated_of: Option<i64>, ts: &str) -> Result<i64, Error> {
    let independent = syndicated_of.is_none();
    // A syndicated copy joins wherever the original's same event went: the text is the same.
    if let Some(original) = syndicated_of {
        let joined: Option<i64> = tx
            .query_row(
                "SELECT so.stored_event_id FROM sources so JOIN doc_events de ON de.id = so.doc_event_id
                 WHERE de.document_id = ?1 AND de.event_id = ?2",
                params![original, event.id],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(stored) = joined {
            insert_source(tx, doc_event_id, stored, false, None, &merged::syndicated_reason(original), ts)?;
            return Ok(stored);
        }
    }

    let (country, window) = merged::candidate_window(event);
    let mut candidates: Vec<(i64, Vec<OutEvent>)> = Vec::new();
    if let Some((lo, hi)) = window {
        let mut cands = tx.prepare_cached(
            "SELECT id FROM stored_events WHERE country = ?1 AND date_start IS NOT NULL AND date_start <= ?2
             AND COALESCE(date_end, date_start) >= ?3 ORDER BY date_start, id",
        )?;
        let ids: Vec<i64> = cands.query_map(params![country, hi, lo], |r| r.get(0))?.collect::<Result<_, _>>()?;
        let mut src = tx.prepare_cached(
            "SELECT de.json FROM sources so JOIN doc_events de ON de.id = so.doc_event_id WHERE so.stored_event_id = ?1
             ORDER BY so.independent DESC, so.doc_event_id LIMIT ?2",
        )?;
        for id in ids {
            let mut sources = Vec::new();
            for json in src.query_map(params![id, merged::MAX_COMPARED_SOURCES], |r| r.get::<_, String>(0))? {
                sources.push(serde_json::from_str::<OutEvent>(&json?)?);
            }
            candidates.push((id, sources));
        }
    }
    if let Some((m, stored)) = merged::best_match(event, candidates) {
        insert_source(tx, doc_event_id, stored, independent, Some(m.score), &m.explain(), ts)?;
        return Ok(stored);
    }

    let next: i64 = tx
        .query_row("SELECT next FROM id_counters WHERE country = ?1", params![country], |r| r.get(0))
        .optional()?
        .unwrap_or(1);
    tx.execute("INSERT OR REPLACE INTO id_counters (country, next) VALUES (?1, ?2)", params![country, next + 1])?;
    let public_id = merged::public_id(&country, next);
    tx.execute(
        "INSERT INTO stored_events (public_id, country, version, first_seen, updated_at, event_type, sub_event_type,
         contested, search_text, json) VALUES (?1, ?2, 0, ?3, ?3, '', '', 0, '', '{}')",
        params![public_id, country, ts],
    )?;
    let stored = tx.last_insert_rowid();
    insert_source(tx, doc_event_id, stored, independent, None, "first report", ts)?;
    Ok(stored)
}

fn insert_source(tx: &Transaction<'_>, doc_event_id: i64, stored: i64, independent: bool, score: Option<f64>, reason: &str, ts: &str) -> Result<(), Error> {
    tx.execute(
        "INSERT INTO sources (doc_event_id, stored_event_id, independent, score, reason, joined_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![doc_event_id, stored, independent, score, reason, ts],
    )?;
    Ok(())
}

/// Rebuilds a stored event from its sources; bumps its version when anything changed.
fn recompute(tx: &Transaction<'_>, stored: i64, ts: &str) -> Result<(), Error> {
    let rows: Vec<SourceRow> = {
        let mut stmt = tx.prepare_cached(
            "SELECT de.json, so.independent, d.doc_key, d.outlet, d.url, d.published
             FROM sources so JOIN doc_events de ON de.id = so.doc_event_id JOIN documents d ON d.id = de.document_id
             WHERE so.stored_event_id = ?1 ORDER BY so.joined_at, so.doc_event_id",
        )?;
        let mapped = stmt.query_map(params![stored], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?, r.get::<_, String>(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
        })?;
        let mut out = Vec::new();
        for m in mapped {
            let (json, independent, document_id, outlet, url, published) = m?;
            out.push(SourceRow { event: serde_json::from_str(&json)?, independent, document_id, outlet, url, published });
        }
        out
    };
    if rows.is_empty() {
        tx.execute("DELETE FROM stored_event_versions WHERE stored_event_id = ?1", params![stored])?;
        tx.execute("DELETE FROM stored_events WHERE id = ?1", params![stored])?;
        return Ok(());
    }
    let (public_id, version, first_seen, old_json): (String, i64, String, String) = tx.query_row(
        "SELECT public_id, version, first_seen, json FROM stored_events WHERE id = ?1",
        params![stored],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    let rebuilt = merged::rebuild(&rows);
    if merged::body_unchanged(&old_json, &rebuilt.body) {
        return Ok(());
    }
    let version = version + 1;
    let (obj, stored_json) = merged::stored_json(&public_id, version, &first_seen, ts, &rebuilt.body);
    let c = &rebuilt.columns;
    tx.execute(
        "UPDATE stored_events SET version = ?1, updated_at = ?2, event_type = ?3, sub_event_type = ?4, date_start = ?5,
         date_end = ?6, admin1 = ?7, geonames_id = ?8, lat = ?9, lon = ?10, fatalities_low = ?11, fatalities_best = ?12,
         fatalities_high = ?13, contested = ?14, confidence = ?15, search_text = ?16, json = ?17 WHERE id = ?18",
        params![
            version, ts, c.event_type, c.sub_event_type, c.date_start, c.date_end, c.admin1, c.geonames_id, c.lat, c.lon,
            c.fatalities_low, c.fatalities_best, c.fatalities_high, c.contested, c.confidence, c.search_text,
            serde_json::to_string(&stored_json)?, stored
        ],
    )?;
    tx.execute(
        "INSERT OR REPLACE INTO stored_event_versions (stored_event_id, version, updated_at, json) VALUES (?1, ?2, ?3, ?4)",
        params![stored, version, ts, serde_json::to_string(&obj)?],
    )?;
    Ok(())
}

impl EventStore for Store {
    fn commit_batch(&mut self, run_id: i64, batch: Vec<BatchItem>) -> Result<BatchStats, Error> {
        let mut stats = BatchStats::default();
        let tx = self.conn.transaction()?;
        let ts = now();
        for item in &batch {
            match item {
                BatchItem::Document { key, output } => store_document(&tx, run_id, key, output, &mut stats)?,
                BatchItem::Error { source, message } => {
                    tx.execute(
                        "INSERT INTO ingest_errors (run_id, source, message, at) VALUES (?1, ?2, ?3, ?4)",
                        params![run_id, source, message, ts],
                    )?;
                    stats.errors += 1;
                }
            }
        }
        tx.commit()?;
        Ok(stats)
    }

    fn events(&self, filter: &Filter) -> Result<Vec<Value>, Error> {
        let (where_sql, args) = filter.to_sql();
        let sql = format!("SELECT json FROM stored_events WHERE version > 0{where_sql} ORDER BY date_start, public_id");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for json in rows {
            let v: Value = serde_json::from_str(&json?)?;
            out.push(v.get("event").cloned().unwrap_or(Value::Null));
        }
        Ok(out)
    }

    fn event(&self, public_id: &str) -> Result<Option<(Value, Vec<SourceExplanation>)>, Error> {
        let row: Option<(i64, String)> = self
            .conn
            .query_row("SELECT id, json FROM stored_events WHERE public_id = ?1", params![public_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((id, json)) = row else { return Ok(None) };
        let v: Value = serde_json::from_str(&json)?;
        let mut stmt = self.conn.prepare(
            "SELECT d.doc_key, d.outlet, d.url, de.event_id, so.independent, so.score, so.reason
             FROM sources so JOIN doc_events de ON de.id = so.doc_event_id JOIN documents d ON d.id = de.document_id
             WHERE so.stored_event_id = ?1 ORDER BY so.joined_at, so.doc_event_id",
        )?;
        let sources = stmt
            .query_map(params![id], |r| {
                Ok(SourceExplanation {
                    document_id: r.get(0)?,
                    outlet: r.get(1)?,
                    url: r.get(2)?,
                    event_id: r.get(3)?,
                    independent: r.get(4)?,
                    score: r.get(5)?,
                    reason: r.get(6)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(Some((v.get("event").cloned().unwrap_or(Value::Null), sources)))
    }

    fn begin_run(&mut self, inputs: &[String]) -> Result<i64, Error> {
        Store::begin_run(self, inputs)
    }

    fn finish_run(&mut self, run_id: i64, stats: &BatchStats) -> Result<(), Error> {
        Store::finish_run(self, run_id, stats)
    }

    fn is_unchanged(&self, key: &DocKey) -> Result<bool, Error> {
        Store::is_unchanged(self, key)
    }

    fn run_errors(&self, run_id: i64) -> Result<Vec<(String, String)>, Error> {
        Store::run_errors(self, run_id)
    }

    fn counts(&self) -> Result<Vec<(&'static str, i64)>, Error> {
        Store::counts(self)
    }

    fn lead_event_clusters(&self) -> Result<HashMap<String, String>, Error> {
        Store::lead_event_clusters(self)
    }

    fn person_names(&self, public_ids: &[String]) -> Result<BTreeSet<String>, Error> {
        Store::person_names(self, public_ids)
    }

    fn coverage(&self) -> Result<Vec<CoverageRow>, Error> {
        let mut stmt = self.conn.prepare(
            "SELECT COALESCE(d.outlet, '(unknown outlet)'), COALESCE(d.published, '(undated)'), COUNT(DISTINCT d.id), COUNT(de.id)
             FROM documents d LEFT JOIN doc_events de ON de.document_id = d.id
             GROUP BY 1, 2 ORDER BY 2, 1",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(CoverageRow { outlet: r.get(0)?, day: r.get(1)?, documents: r.get::<_, i64>(2)? as u64, events: r.get::<_, i64>(3)? as u64 })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
