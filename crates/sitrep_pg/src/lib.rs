//! sitrep on PostgreSQL: the same event store as `sitrep_store` (the `EventStore` trait, the same
//! tables and migrations, the same merge — its scoring and merged figures come from
//! `sitrep_store::merged`), plus a queue that any number of `sitrep worker` processes share.
//!
//! PostgreSQL does the coordination: workers claim batches with `FOR UPDATE SKIP LOCKED` and a
//! lease, and write under one advisory lock (see `queue`), so there is no coordinator process.
//! Connections are plain TCP (`NoTls`): run it on loopback or a private network, or put a TLS
//! tunnel in front.

use std::path::Path;
use std::time::Duration;

use sitrep_store::read::ReadStore;
use sitrep_store::{Error, EventStore, Store};

pub mod filter;
pub mod migrate;
pub mod queue;
pub mod read;
pub mod schema;
pub mod store;
pub mod test_cluster;

pub use queue::{enqueue, status, Status, Worker, WorkerOptions, WorkerReport};
pub use store::PgStore;

/// A flag set by SIGTERM or SIGINT, for a worker to finish its batch and stop.
///
/// # Errors
/// When the handlers cannot be installed.
pub fn stop_on_signals() -> std::io::Result<std::sync::Arc<std::sync::atomic::AtomicBool>> {
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        signal_hook::flag::register(signal, std::sync::Arc::clone(&stop))?;
    }
    Ok(stop)
}

/// A PostgreSQL error as the store's error type.
pub(crate) fn pg_err(e: postgres::Error) -> Error {
    Error::Database(Box::new(e))
}

/// Connection settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PgOptions {
    /// How long to wait for the server when connecting.
    pub connect_timeout: Duration,
    /// The server cancels any one statement running longer than this (0 = no limit).
    pub statement_timeout: Duration,
    /// How long a statement waits for a row or advisory lock before failing (0 = no limit).
    pub lock_timeout: Duration,
}

impl Default for PgOptions {
    fn default() -> Self {
        Self { connect_timeout: Duration::from_secs(10), statement_timeout: Duration::from_secs(120), lock_timeout: Duration::ZERO }
    }
}

/// True for a `postgres://` or `postgresql://` URL (anything else is an SQLite file path).
#[must_use]
pub fn is_postgres_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// A store behind the trait, whichever the database.
pub type AnyStore = Box<dyn EventStore + Send>;

/// Opens `db`: a `postgres://` URL (PostgreSQL) or an SQLite file (created when `create`, else it
/// must exist — a typo never makes an empty database).
///
/// # Errors
/// Connection or migration errors, or a missing SQLite file when `!create`.
pub fn open_store(db: &str, create: bool, opts: &PgOptions) -> Result<AnyStore, Error> {
    open_read_store(db, create, opts).map(|store| -> AnyStore { store })
}

/// A store with the API's reads, whichever the database.
pub type AnyReadStore = Box<dyn ReadStore>;

/// [`open_store`] with the reads `sitrep serve` needs.
///
/// # Errors
/// As [`open_store`].
pub fn open_read_store(db: &str, create: bool, opts: &PgOptions) -> Result<AnyReadStore, Error> {
    if is_postgres_url(db) {
        return Ok(Box::new(PgStore::connect(db, opts)?));
    }
    let path = Path::new(db);
    if !create && !path.exists() {
        return Err(missing(db));
    }
    Ok(Box::new(Store::open(path)?))
}

fn missing(db: &str) -> Error {
    Error::Io(std::io::Error::new(std::io::ErrorKind::NotFound, format!("no such database (create one with `sitrep ingest INPUTS --db {db}`)")))
}
