//! sitrep's newsletters: watch lists (named filters of the shared filter syntax), subscribers
//! with double opt-in and recorded consent, digests of new and updated events composed per
//! subscriber (HTML with an inline map, and plain text), an outbox delivered over SMTP at least
//! once with a deterministic `Message-ID`, bounces, and one-click unsubscribe (RFC 8058) over
//! the web routes in [`web`].

pub mod compose;
mod db;
pub mod digest;
pub mod keys;
pub mod map;
pub mod send;
pub mod subscribers;
pub mod web;

pub use lettre::message::dkim;
pub use lettre::message::Mailbox;

pub use digest::{period_key, run_digest, DigestOptions, DigestReport, Period};
pub use keys::{Keyring, Purpose, TokenError};
pub use send::{Mailer, SendError, SmtpMailer};
pub use subscribers::{ConsentMethod, Newsletter, Pending, WatchList, CONSENT_WORDING};

/// What can go wrong in newsletters.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] sitrep_store::Error),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database error: {0}")]
    Database(String),
    #[error("with PostgreSQL, give the keyring's directory (--keys-dir DIR or SITREP_KEYS_DIR): every process that makes or checks links must share it")]
    NoKeysDir,
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("stored JSON could not be read or written: {0}")]
    Json(#[from] serde_json::Error),
    #[error("keyring: {0}")]
    Keyring(String),
    #[error("the system has no randomness to give: {0}")]
    Random(String),
    #[error("{0:?} is not an email address ({1})")]
    BadAddress(String, String),
    #[error("no watch list is called {0:?} (see `sitrep lists ls`)")]
    NoSuchList(String),
    #[error("a watch list called {0:?} already exists (remove it first with `sitrep lists rm`)")]
    ListExists(String),
    #[error("watch list {name:?}: {why}")]
    BadFilter { name: String, why: sitrep_store::FilterError },
    #[error("choose at least one watch list")]
    NoLists,
    #[error("{0} is suspended after repeated hard bounces; it gets no mail")]
    Suspended(String),
    #[error("no subscriber has the address {0}")]
    NoSuchSubscriber(String),
    #[error("the link cannot be used: {0}")]
    Token(#[from] keys::TokenError),
    #[error("the confirmation is no longer pending (already confirmed, or the subscriber erased their data)")]
    NotPending,
    #[error("--base-url {0:?} is not an http(s) URL; digests need it for every link they carry")]
    BadBaseUrl(String),
    #[error("the message could not be built: {0}")]
    Build(String),
    #[error("template: {0}")]
    Template(#[from] minijinja::Error),
    #[error("map image: {0}")]
    Png(#[from] png::EncodingError),
    #[error("the watch-list API token is shorter than 16 characters: use a long random secret")]
    WeakToken,
    #[error("SMTP settings: {0}")]
    Smtp(String),
}
