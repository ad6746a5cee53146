//! `sitrep serve`: an HTTP API over the event store and a web page (map, timeline, the evidence
//! behind every event), both from one binary with every asset embedded.
//!
//! - [`router`] builds the whole app over an [`AppState`], so tests run it in-process on
//!   `127.0.0.1:0`; [`app`] merges extra routes (the newsletter pages of `sitrep_digest`) under
//!   the same security headers.
//! - [`serve`] binds (127.0.0.1 by default), logs with `tracing`, and shuts down gracefully on
//!   Ctrl-C or SIGTERM.
//!
//! The store is SQLite (a file) or PostgreSQL (a `postgres://` URL): both implement
//! `sitrep_store::read::ReadStore` and answer every endpoint alike. Reads go through a small
//! pool of connections (read-only ones, for SQLite) on blocking threads; the one write path
//! (`POST /api/documents`, off unless enabled with a token) has its own connection.

mod api;
mod assets;
mod error;
mod offsets;

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use sitrep_pipeline::Pipeline;
use sitrep_pg::PgOptions;
use sitrep_store::read::ReadStore;
use sitrep_store::Store;

pub use error::ApiError;

/// The Content-Security-Policy of every response: nothing but this origin, no inline script or
/// style (the page's JS and CSS are files), no framing, no plugins.
pub const CSP: &str = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; \
form-action 'self'; frame-ancestors 'none'";

/// Default limit of a submitted document's body.
pub const DEFAULT_SUBMIT_MAX_BYTES: usize = 1024 * 1024;

/// What can stop the server from starting or running.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: no such database (create one with `sitrep ingest INPUTS --db {path}`)")]
    NoDatabase { path: String },
    #[error("{path}: {source}")]
    Store { path: String, source: sitrep_store::Error },
    #[error("cannot listen on {addr}: {source} (is another server using the port? try --addr 127.0.0.1:0)")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
    #[error("the submit token is empty or shorter than 16 characters: use a long random secret")]
    WeakToken,
}

/// How `POST /api/documents` is allowed: only with this bearer token, bodies up to `max_bytes`,
/// extracted with this pipeline.
#[derive(Clone)]
pub struct Submit {
    pub token: String,
    pub max_bytes: usize,
    pub pipeline: Arc<Pipeline>,
}

/// What [`serve`] needs.
pub struct Config {
    /// An SQLite file, or a `postgres://` URL.
    pub db: String,
    /// Connection settings when `db` is PostgreSQL.
    pub pg: PgOptions,
    pub addr: SocketAddr,
    /// `None`: `POST /api/documents` answers 403 and says how to enable it.
    pub submit: Option<Submit>,
    /// Routes merged into the app (e.g. `sitrep_digest::web::routes(..)`), under the same headers.
    pub extra: Option<axum::Router>,
}

impl Config {
    /// Serve `db` on 127.0.0.1:8080, read-only.
    #[must_use]
    pub fn new(db: impl Into<String>) -> Self {
        Self { db: db.into(), pg: PgOptions::default(), addr: SocketAddr::from(([127, 0, 0, 1], 8080)), submit: None, extra: None }
    }
}

struct Inner {
    readers: Vec<Mutex<Box<dyn ReadStore>>>,
    next_reader: AtomicUsize,
    writer: Option<Mutex<Box<dyn ReadStore>>>,
    /// What to reopen a connection the database server dropped with.
    db: String,
    pg: PgOptions,
    submit: Option<Submit>,
}

/// Shared state of the handlers: the database connections and the submit settings.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

/// Read connections: enough for both cores and a blocked one.
const READERS: usize = 4;

/// `db` as shown in messages: a PostgreSQL URL without its password.
fn shown(db: &str) -> String {
    if !sitrep_pg::is_postgres_url(db) {
        return db.to_owned();
    }
    match db.split_once("://").and_then(|(scheme, rest)| rest.split_once('@').map(|(user, host)| (scheme, user, host))) {
        Some((scheme, user, host)) => format!("{scheme}://{}@{host}", user.split(':').next().unwrap_or("")),
        None => db.to_owned(),
    }
}

fn open_store(db: &str, pg: &PgOptions) -> Result<Box<dyn ReadStore>, Error> {
    sitrep_pg::open_read_store(db, false, pg).map_err(|source| Error::Store { path: shown(db), source })
}

fn open_sqlite_reader(db: &str) -> Result<Box<dyn ReadStore>, Error> {
    let store = Store::open(Path::new(db)).map_err(|source| Error::Store { path: db.to_owned(), source })?;
    let conn = store.connection();
    // Readers never write; a bigger page cache and mmap keep a full scan off the syscalls.
    let tune = || -> rusqlite::Result<()> {
        conn.pragma_update(None, "query_only", true)?;
        conn.pragma_update(None, "cache_size", -32_000)?;
        conn.pragma_update(None, "mmap_size", 268_435_456_i64)?;
        Ok(())
    };
    tune().map_err(|e| Error::Store { path: db.to_owned(), source: e.into() })?;
    Ok(Box::new(store))
}

impl AppState {
    /// Opens the existing SQLite database at `db`, or the PostgreSQL store at a `postgres://`
    /// URL with default connection settings (never creates an SQLite file: a typo must not
    /// serve an empty map).
    ///
    /// # Errors
    /// A missing or unreadable database; a submit token that is too short.
    pub fn open(db: &str, submit: Option<Submit>) -> Result<Self, Error> {
        Self::open_with(db, &PgOptions::default(), submit)
    }

    /// [`Self::open`] with PostgreSQL connection settings.
    ///
    /// # Errors
    /// As [`Self::open`].
    pub fn open_with(db: &str, pg: &PgOptions, submit: Option<Submit>) -> Result<Self, Error> {
        let postgres = sitrep_pg::is_postgres_url(db);
        if !postgres && !Path::new(db).is_file() {
            return Err(Error::NoDatabase { path: db.to_owned() });
        }
        if submit.as_ref().is_some_and(|s| s.token.trim().len() < 16) {
            return Err(Error::WeakToken);
        }
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            readers.push(Mutex::new(if postgres { open_store(db, pg)? } else { open_sqlite_reader(db)? }));
        }
        let writer = match &submit {
            Some(_) => Some(Mutex::new(open_store(db, pg)?)),
            None => None,
        };
        Ok(Self(Arc::new(Inner { readers, next_reader: AtomicUsize::new(0), writer, db: db.to_owned(), pg: *pg, submit })))
    }

    /// [`Self::open_with`] from async code: connecting blocks (PostgreSQL's synchronous client
    /// runs a runtime of its own, which may not start on a thread that drives async tasks), so it
    /// happens on a blocking thread.
    ///
    /// # Errors
    /// As [`Self::open`].
    pub async fn open_async(db: String, pg: PgOptions, submit: Option<Submit>) -> Result<Self, Error> {
        tokio::task::spawn_blocking(move || Self::open_with(&db, &pg, submit))
            .await
            .map_err(|e| Error::Io(std::io::Error::other(format!("opening the store failed: {e}"))))?
    }

    /// Runs `f` with a read connection on a blocking thread.
    pub(crate) async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn ReadStore) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let inner = Arc::clone(&self.0);
        tokio::task::spawn_blocking(move || {
            // A free connection if there is one, else wait on the next in turn.
            let mut guard = inner.readers.iter().find_map(|m| m.try_lock().ok()).unwrap_or_else(|| {
                let i = inner.next_reader.fetch_add(1, Ordering::Relaxed) % inner.readers.len();
                inner.readers[i].lock().unwrap_or_else(std::sync::PoisonError::into_inner)
            });
            reopen_if_closed(&inner, &mut guard)?;
            f(guard.as_ref())
        })
        .await
        .map_err(|e| ApiError::internal(format!("a request worker failed: {e}")))?
    }

    pub(crate) fn submit(&self) -> Option<&Submit> {
        self.0.submit.as_ref()
    }

    /// Runs `f` with the write connection and the submit settings on a blocking thread.
    pub(crate) async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut dyn ReadStore, &Submit) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let inner = Arc::clone(&self.0);
        tokio::task::spawn_blocking(move || {
            let (Some(writer), Some(submit)) = (inner.writer.as_ref(), inner.submit.as_ref()) else {
                return Err(ApiError::submit_disabled());
            };
            let mut store = writer.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            reopen_if_closed(&inner, &mut store)?;
            f(store.as_mut(), submit)
        })
        .await
        .map_err(|e| ApiError::internal(format!("a request worker failed: {e}")))?
    }
}

/// Replaces a connection the database server dropped (a PostgreSQL restart), so one outage does
/// not fail every later request on that connection.
fn reopen_if_closed(inner: &Inner, store: &mut Box<dyn ReadStore>) -> Result<(), ApiError> {
    if store.is_closed() {
        tracing::warn!("the database connection was closed: reconnecting");
        *store = open_store(&inner.db, &inner.pg).map_err(|e| ApiError::internal(format!("the database is unreachable: {e}")))?;
    }
    Ok(())
}

/// Security headers on every response, plus a `tracing` line per request.
async fn headers_and_log(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let started = std::time::Instant::now();
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    tracing::info!(%method, %path, status = res.status().as_u16(), ms = started.elapsed().as_secs_f64() * 1e3, "request");
    res
}

/// The whole app: API, page and assets, with security headers.
pub fn router(state: AppState) -> axum::Router {
    app(state, None)
}

/// [`router`] with `extra` routes merged in (they get the same headers and logging).
pub fn app(state: AppState, extra: Option<axum::Router>) -> axum::Router {
    let mut r = api::routes(state).merge(assets::routes());
    if let Some(extra) = extra {
        r = r.merge(extra);
    }
    r.fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(axum::middleware::from_fn(headers_and_log))
}

/// How long a shutdown waits for requests in flight (and idle keep-alive clients) before it
/// gives up on them.
pub const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// Serves `app` on an already bound listener until `shutdown` completes, then finishes the
/// requests in flight for at most [`SHUTDOWN_GRACE`].
///
/// # Errors
/// I/O errors of the listener.
pub async fn serve_on(listener: tokio::net::TcpListener, app: axum::Router, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<(), Error> {
    let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
    // With the peer address, for routes that want it (the newsletter pages rate-limit by client).
    let make = app.into_make_service_with_connect_info::<SocketAddr>();
    let server = axum::serve(listener, make).with_graceful_shutdown(async move {
        shutdown.await;
        let _ = stopping_tx.send(());
    });
    let deadline = async move {
        if stopping_rx.await.is_ok() {
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        r = server => r?,
        () = deadline => tracing::warn!("connections still open {}s after shutdown began: closing them", SHUTDOWN_GRACE.as_secs()),
    }
    Ok(())
}

/// Resolves on Ctrl-C or (on Unix) SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Opens the database, binds `config.addr` and serves until Ctrl-C or SIGTERM.
///
/// # Errors
/// A missing database, a port in use, I/O errors.
pub async fn serve(config: Config) -> Result<(), Error> {
    let state = AppState::open_async(config.db.clone(), config.pg, config.submit).await?;
    let listener = tokio::net::TcpListener::bind(config.addr).await.map_err(|source| Error::Bind { addr: config.addr, source })?;
    let local = listener.local_addr()?;
    tracing::info!(addr = %local, db = %shown(&config.db), "sitrep serve listening on http://{local}/");
    if !assets::VENDOR_INSTALLED {
        tracing::warn!("map libraries were not installed at build time: run scripts/setup-web.sh, then rebuild");
    }
    let mut router = app(state, config.extra);
    if config.addr.ip().is_loopback() {
        router = loopback_only(router);
    }
    serve_on(listener, router, shutdown_signal()).await
}

/// True for a `Host` header naming this machine: `localhost`, `127.x.x.x` or `[::1]`, any port.
fn is_loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(h, port)| if port.chars().all(|c| c.is_ascii_digit()) { h } else { host })
    };
    name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

async fn loopback_host_only(req: Request, next: Next) -> Response {
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    if is_loopback_host(host) {
        return next.run(req).await;
    }
    axum::response::IntoResponse::into_response(
        ApiError::new(axum::http::StatusCode::MISDIRECTED_REQUEST, "wrong_host", format!("this server answers only to localhost, not to {host:?}"))
            .hint("it is bound to a loopback address; open http://127.0.0.1:PORT/, or bind another address with --addr behind a proxy"),
    )
}

/// Refuses requests whose `Host` is not a loopback name: a server bound to 127.0.0.1 must not
/// be readable by a web page that re-points its own domain there (DNS rebinding).
pub fn loopback_only(app: axum::Router) -> axum::Router {
    app.layer(axum::middleware::from_fn(loopback_host_only))
}

/// [`serve`] on a runtime of its own, for a synchronous caller (the `sitrep` binary).
///
/// # Errors
/// As [`serve`]; also when the runtime cannot start.
pub fn serve_blocking(config: Config) -> Result<(), Error> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(serve(config))
}

#[cfg(test)]
mod tests {
    use super::is_loopback_host;

    #[test]
    fn only_loopback_names_pass_the_host_check() {
        for ok in ["127.0.0.1:8080", "localhost", "LOCALHOST:1", "[::1]:8080", "127.1.2.3", "[::1]"] {
            assert!(is_loopback_host(ok), "{ok}");
        }
        for bad in ["", "evil.example", "evil.example:8080", "127.0.0.1.evil.example", "10.0.0.1:8080", "[::2]:80", "localhost.evil"] {
            assert!(!is_loopback_host(bad), "{bad}");
        }
    }
}
