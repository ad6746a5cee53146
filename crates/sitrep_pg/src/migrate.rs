//! `sitrep migrate --from FILE.sqlite --to postgres://…`: copies an SQLite store into an empty
//! PostgreSQL one in one transaction, keeping every row id (so public ids, sources and reasons
//! that name document rows stay true), then moves the id sequences past the copied rows.
//! The newsletter tables (watch lists, subscribers, consent, confirmations, unsubscribes, digest
//! cursors, the outbox) are copied too, so links already mailed keep working against the copy
//! (their tokens name row ids) and no digest is composed twice.

use std::path::Path;

use postgres::types::ToSql;
use rusqlite::types::Value as Lite;
use sitrep_store::{Error, Store};

use crate::store::PgStore;
use crate::pg_err;

#[derive(Clone, Copy)]
enum Kind {
    Int,
    Real,
    Text,
    Blob,
    Bool,
}
use Kind::{Blob, Bool, Int, Real, Text};

/// Tables in an order that satisfies their references, with their columns.
const TABLES: &[(&str, &[(&str, Kind)])] = &[
    ("ingest_runs", &[("id", Int), ("started_at", Text), ("finished_at", Text), ("inputs", Text), ("documents", Int), ("unchanged", Int), ("errors", Int)]),
    ("ingest_errors", &[("id", Int), ("run_id", Int), ("source", Text), ("message", Text), ("at", Text)]),
    (
        "documents",
        &[
            ("id", Int), ("doc_key", Text), ("url", Text), ("outlet", Text), ("title", Text), ("published", Text), ("source", Text),
            ("content_hash", Text), ("version", Int), ("language", Text), ("skipped", Text), ("minhash", Blob), ("first_seen", Text),
            ("updated_at", Text),
        ],
    ),
    ("document_versions", &[("document_id", Int), ("version", Int), ("content_hash", Text), ("text", Text), ("output_json", Text), ("run_id", Int), ("ingested_at", Text)]),
    ("minhash_bands", &[("band", Int), ("hash", Int), ("document_id", Int)]),
    ("entities", &[("document_id", Int), ("entity_id", Text), ("kind", Text), ("text", Text), ("canonical", Text), ("geonames_id", Int)]),
    ("places", &[("geonames_id", Int), ("name", Text), ("admin1", Text), ("country", Text), ("lat", Real), ("lon", Real)]),
    (
        "stored_events",
        &[
            ("id", Int), ("public_id", Text), ("country", Text), ("version", Int), ("first_seen", Text), ("updated_at", Text),
            ("event_type", Text), ("sub_event_type", Text), ("date_start", Text), ("date_end", Text), ("admin1", Text),
            ("geonames_id", Int), ("lat", Real), ("lon", Real), ("fatalities_low", Int), ("fatalities_best", Int),
            ("fatalities_high", Int), ("contested", Bool), ("confidence", Real), ("search_text", Text), ("json", Text),
        ],
    ),
    ("stored_event_versions", &[("stored_event_id", Int), ("version", Int), ("updated_at", Text), ("json", Text)]),
    ("doc_events", &[("id", Int), ("document_id", Int), ("event_id", Text), ("json", Text)]),
    ("sources", &[("doc_event_id", Int), ("stored_event_id", Int), ("independent", Bool), ("score", Real), ("reason", Text), ("joined_at", Text)]),
    ("claims", &[("doc_event_id", Int), ("source", Text), ("stance", Text), ("start", Int), ("end", Int)]),
    ("id_counters", &[("country", Text), ("next", Int)]),
    ("watch_lists", &[("id", Int), ("name", Text), ("filter", Text), ("severity", Int), ("created_at", Text)]),
    (
        "subscribers",
        &[("id", Int), ("email", Text), ("status", Text), ("created_at", Text), ("confirmed_at", Text), ("hard_bounces", Int), ("suspended_at", Text)],
    ),
    ("subscriptions", &[("subscriber_id", Int), ("list_id", Int), ("status", Text), ("created_at", Text), ("confirmed_at", Text)]),
    (
        "consent_records",
        &[("id", Int), ("subscriber_id", Int), ("at", Text), ("method", Text), ("lists", Text), ("wording", Text), ("remote_addr", Text), ("confirmed_at", Text)],
    ),
    (
        "pending_confirmations",
        &[("id", Int), ("subscriber_id", Int), ("consent_id", Int), ("created_at", Text), ("expires_at", Text), ("confirmed_at", Text)],
    ),
    ("unsubscribe_events", &[("id", Int), ("subscriber_id", Int), ("list_id", Int), ("at", Text), ("method", Text)]),
    ("digest_cursors", &[("subscriber_id", Int), ("period", Text), ("until", Text)]),
    (
        "outbox",
        &[
            ("id", Int), ("message_id", Text), ("subscriber_id", Int), ("period", Text), ("recipient", Text), ("sender", Text), ("raw", Blob),
            ("events", Int), ("status", Text), ("attempts", Int), ("next_attempt_at", Text), ("last_error", Text), ("created_at", Text),
            ("sent_at", Text),
        ],
    ),
];

/// Tables whose `id` is an identity column to move past the copied rows.
const IDENTITIES: &[&str] = &[
    "ingest_runs", "ingest_errors", "documents", "stored_events", "doc_events", "watch_lists", "subscribers", "consent_records",
    "pending_confirmations", "unsubscribe_events", "outbox",
];

fn param(v: Lite, kind: Kind) -> Box<dyn ToSql + Sync> {
    match (kind, v) {
        (Int, Lite::Integer(i)) => Box::new(Some(i)),
        (Int, _) => Box::new(None::<i64>),
        (Bool, Lite::Integer(i)) => Box::new(Some(i != 0)),
        (Bool, _) => Box::new(None::<bool>),
        (Real, Lite::Real(f)) => Box::new(Some(f)),
        (Real, Lite::Integer(i)) => Box::new(Some(i as f64)),
        (Real, _) => Box::new(None::<f64>),
        (Text, Lite::Text(s)) => Box::new(Some(s)),
        (Text, _) => Box::new(None::<String>),
        (Blob, Lite::Blob(b)) => Box::new(Some(b)),
        // SQLite keeps a value's own type: a message body written as text is still its bytes.
        (Blob, Lite::Text(s)) => Box::new(Some(s.into_bytes())),
        (Blob, _) => Box::new(None::<Vec<u8>>),
    }
}

/// Rows copied per table.
pub type Copied = Vec<(&'static str, u64)>;

/// Copies the SQLite store at `from` into `to`, which must hold no documents yet.
///
/// # Errors
/// Either database's errors, or a target that already holds documents.
pub fn migrate_sqlite(from: &Path, to: &mut PgStore) -> Result<Copied, Error> {
    let lite = Store::open(from)?;
    let conn = lite.connection();
    let spatial = to.spatial();
    let mut client = to.client();
    let mut tx = client.transaction().map_err(pg_err)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&crate::store::STORE_WRITE_LOCK]).map_err(pg_err)?;
    for table in ["documents", "watch_lists", "subscribers"] {
        // Names come from the fixed list above, never from input.
        let existing: i64 = tx.query_one(&format!("SELECT count(*) FROM {table}"), &[]).map_err(pg_err)?.get(0);
        if existing > 0 {
            return Err(Error::Io(std::io::Error::other(format!(
                "the PostgreSQL store already holds {existing} rows in {table}: migrate into an empty database"
            ))));
        }
    }
    let mut copied = Vec::new();
    for (table, cols) in TABLES {
        let names: Vec<&str> = cols.iter().map(|(n, _)| *n).collect();
        // Names come from the fixed table above, never from input.
        let select = format!("SELECT {} FROM {table}", names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", "));
        let marks: Vec<String> = (1..=cols.len()).map(|i| format!("${i}")).collect();
        let insert = format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", "),
            marks.join(", ")
        );
        let st = tx.prepare(&insert).map_err(pg_err)?;
        let mut stmt = conn.prepare(&select)?;
        let mut rows = stmt.query([])?;
        let mut n = 0_u64;
        while let Some(row) = rows.next()? {
            let mut params: Vec<Box<dyn ToSql + Sync>> = Vec::with_capacity(cols.len());
            for (i, (_, kind)) in cols.iter().enumerate() {
                params.push(param(row.get::<_, Lite>(i)?, *kind));
            }
            let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(AsRef::as_ref).collect();
            tx.execute(&st, &refs).map_err(pg_err)?;
            n += 1;
        }
        copied.push((*table, n));
    }
    // Syndication links point at any document, earlier or later: set once all rows exist.
    let mut stmt = conn.prepare("SELECT id, syndicated_of FROM documents WHERE syndicated_of IS NOT NULL")?;
    let links: Vec<(i64, i64)> = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    for (id, of) in links {
        tx.execute("UPDATE documents SET syndicated_of = $2 WHERE id = $1", &[&id, &of]).map_err(pg_err)?;
    }
    for table in IDENTITIES {
        tx.batch_execute(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1), (SELECT COUNT(*) > 0 FROM {table}))"
        ))
        .map_err(pg_err)?;
    }
    if spatial {
        tx.batch_execute("UPDATE stored_events SET geom = ST_SetSRID(ST_MakePoint(lon, lat), 4326) WHERE lat IS NOT NULL AND lon IS NOT NULL")
            .map_err(pg_err)?;
    }
    tx.commit().map_err(pg_err)?;
    Ok(copied)
}
