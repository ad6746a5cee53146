//! Shared by the API and browser tests: a database ingested (through the real pipeline) from the
//! invented articles in `tests/fixtures/`, a server on 127.0.0.1:0 in-process, an HTTP client.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde_json::Value;
use sitrep_pipeline::Pipeline;
use sitrep_serve::{AppState, Submit};

pub mod webdriver;

pub fn pipeline() -> Arc<Pipeline> {
    static P: OnceLock<Arc<Pipeline>> = OnceLock::new();
    Arc::clone(P.get_or_init(|| {
        // Tests run in the crate folder; the gazetteer lives at the repository root.
        if std::env::var_os("SITREP_GAZETTEER").is_none() {
            std::env::set_var("SITREP_GAZETTEER", Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/gazetteer"));
        }
        Arc::new(Pipeline::load().expect("the pipeline loads (run scripts/setup.sh to build the gazetteer)"))
    }))
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/articles.jsonl")
}

/// A fresh database ingested from the fixtures, in its own temp dir (kept for the process).
pub fn fresh_db() -> PathBuf {
    let dir = tempfile::tempdir().expect("temp dir").keep();
    let db = dir.join("serve-test.db");
    let mut store = sitrep_store::Store::open(&db).expect("open store");
    let report = sitrep_store::ingest(&mut store, &pipeline(), &[fixtures()], &sitrep_store::IngestOptions::default(), |_| {})
        .expect("ingest the fixtures");
    assert_eq!(report.stats.errors, 0, "every fixture article is read");
    db
}

/// One shared database for the read-only tests.
pub fn db() -> &'static Path {
    static DB: OnceLock<PathBuf> = OnceLock::new();
    DB.get_or_init(fresh_db)
}

pub const TOKEN: &str = "test-token-0123456789abcdef";

/// A server on a free loopback port, in-process, stopped (gracefully) on drop.
pub struct Server {
    pub base: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    pub fn start(db: &Path, submit: Option<Submit>) -> Self {
        Self::start_with(db, submit, None)
    }

    /// With `extra` routes merged in, as `sitrep serve` merges the newsletter pages.
    pub fn start_with(db: &Path, submit: Option<Submit>, extra: Option<axum::Router>) -> Self {
        Self::start_db(db.to_str().expect("a UTF-8 path"), submit, extra)
    }

    /// Over an SQLite file or a `postgres://` URL.
    /// The state opens inside the server's runtime, as `sitrep serve` opens it.
    pub fn start_db(db: &str, submit: Option<Submit>, extra: Option<axum::Router>) -> Self {
        let db = db.to_owned();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
            rt.block_on(async move {
                let state = AppState::open_async(db, sitrep_pg::PgOptions::default(), submit).await.expect("state opens");
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
                addr_tx.send(listener.local_addr().expect("addr")).expect("send addr");
                sitrep_serve::serve_on(listener, sitrep_serve::loopback_only(sitrep_serve::app(state, extra)), async {
                    let _ = rx.await;
                })
                .await
                .expect("serve");
            });
        });
        let addr = addr_rx.recv().expect("server address");
        Self { base: format!("http://{addr}"), stop: Some(tx), thread: Some(thread) }
    }

    pub fn with_submit(db: &Path, max_bytes: usize) -> Self {
        Self::start(db, Some(Submit { token: TOKEN.to_owned(), max_bytes, pipeline: pipeline() }))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).build().into()
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", &self.body[..self.body.len().min(300)]))
    }
}

fn reply(mut res: ureq::http::Response<ureq::Body>) -> Reply {
    let status = res.status().as_u16();
    let headers = res.headers().iter().map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned())).collect();
    let body = res.body_mut().with_config().limit(200 * 1024 * 1024).read_to_string().unwrap_or_default();
    Reply { status, headers, body }
}

pub fn get(url: &str) -> Reply {
    reply(agent().get(url).call().expect("GET"))
}

pub fn get_with(url: &str, header: &str, value: &str) -> Reply {
    reply(agent().get(url).header(header, value).call().expect("GET"))
}

pub fn post(url: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut req = agent().post(url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    match req.send(body) {
        Ok(res) => reply(res),
        // A server may answer 413 and close before the whole body is sent.
        Err(e) => Reply { status: 0, headers: Vec::new(), body: e.to_string() },
    }
}

/// The characters `[start, end)` of `text` (the contract's offsets).
pub fn chars(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}
