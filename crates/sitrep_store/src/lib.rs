//! sitrep's event store: documents and their versions, per-document events, events merged
//! across outlets (with the reasons they were joined), ingest runs and errors — in SQLite
//! (bundled, WAL, one writer, one transaction per batch). Also the one filter type and its
//! parser, and the exports (ACLED-compatible CSV, GeoJSON, JSON Lines).

pub mod eval;
pub mod export;
pub mod filter;
pub mod ingest;
pub mod merge;
pub mod merged;
pub mod minhash;
pub mod read;
pub mod schema;
pub mod store;
pub mod throughput;
pub mod warc;

pub use eval::{b3_items, eval_merge, eval_merge_with, merge_clusters, MergeScore};
pub use filter::{Filter, FilterError};
pub use ingest::{ingest, IngestOptions, IngestReport};
pub use store::{canonical_url, BatchItem, BatchStats, CoverageRow, DocKey, EventStore, SourceExplanation, Store};

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// An error from another backend's database (PostgreSQL, crate `sitrep_pg`).
    #[error("database error: {0}")]
    Database(Box<dyn std::error::Error + Send + Sync>),
    #[error("the database has schema version {found}, newer than this sitrep supports ({supported}): upgrade sitrep")]
    NewerSchema { found: i64, supported: i64 },
    #[error("stored JSON could not be read or written: {0}")]
    Json(#[from] serde_json::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("CSV export failed: {0}")]
    Csv(#[from] csv::Error),
    #[error("the extraction pipeline could not load: {0}")]
    Pipeline(String),
    #[error("merge set: {0}")]
    BadGold(String),
}
