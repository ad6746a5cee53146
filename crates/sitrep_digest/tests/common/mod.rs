//! Shared test setup: the extraction pipeline, a store ingested from invented articles, and a
//! real SMTP server (aiosmtpd) on a free loopback port.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use sitrep_digest::web::{routes, WebState};
use sitrep_digest::Newsletter;
use sitrep_pipeline::Pipeline;
use sitrep_store::{ingest, IngestOptions};

pub fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(|| {
        // Tests run in the crate folder; the gazetteer lives at the repository root.
        if std::env::var_os("SITREP_GAZETTEER").is_none() {
            std::env::set_var("SITREP_GAZETTEER", Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/gazetteer"));
        }
        Pipeline::load().expect("pipeline loads")
    })
}

/// Invented articles (the project's own words): a clash in Mali whose outlet name carries
/// markup, a car bomb in Somalia, and a protest in Kenya.
pub const ARTICLES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "t-gao",
        "https://wire.example/2026/gao-clash",
        "Sahel <script>alert('x')</script> Wire",
        "2026-02-03",
        "GAO, February 3 (Sahel Wire) - Malian soldiers clashed with jihadists near Gao on February 2, and seven fighters were killed, officials said. \
A shopkeeper, Moussa Traore, said the shooting lasted two hours.",
    ),
    (
        "t-mogadishu",
        "https://horn.example/2026/mogadishu-bomb",
        "Horn Daily",
        "2026-03-04",
        "MOGADISHU, March 4 (Horn Daily) - A car bomb exploded at a busy market in Mogadishu on Tuesday, killing twelve people, police said. \
Al Shabaab said it carried out the attack.",
    ),
];

/// Writes the articles as JSON Lines in `dir`.
pub fn write_articles(dir: &Path) -> PathBuf {
    let path = dir.join("articles.jsonl");
    let lines: Vec<String> = ARTICLES
        .iter()
        .map(|(id, url, outlet, published, text)| serde_json::json!({"id": id, "url": url, "outlet": outlet, "published": published, "text": text}).to_string())
        .collect();
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

/// Writes the articles as JSON Lines and ingests them into a new store at `db`.
pub fn ingest_articles(dir: &Path, db: &Path) {
    let path = write_articles(dir);
    let mut store = sitrep_store::Store::open(db).unwrap();
    ingest(&mut store, pipeline(), &[path], &IngestOptions::default(), |_| {}).unwrap();
}

/// A fresh PostgreSQL store (on the throwaway test server) ingested from the articles; its URL.
pub fn ingest_articles_pg(dir: &Path, name: &str) -> String {
    let url = sitrep_pg::test_cluster::fresh_database(name);
    let mut store = sitrep_pg::PgStore::connect(&url, &sitrep_pg::PgOptions::default()).unwrap();
    ingest(&mut store, pipeline(), &[write_articles(dir)], &IngestOptions::default(), |_| {}).unwrap();
    url
}

/// A newsletter over a freshly ingested store.
pub fn newsletter(dir: &Path) -> Newsletter {
    let db = dir.join("sitrep.db");
    ingest_articles(dir, &db);
    Newsletter::open(&db).unwrap()
}

fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("SITREP_PYTHON") {
        return p.into();
    }
    // Debian's python3-aiosmtpd installs for the system interpreter, which a pyenv shim may hide.
    if Path::new("/usr/bin/python3").exists() {
        return "/usr/bin/python3".into();
    }
    "python3".into()
}

/// A real SMTP server (tests/smtp_sink.py) writing what it accepts to `out`.
pub struct Sink {
    child: Child,
    pub port: u16,
    pub out: PathBuf,
    pub rules: PathBuf,
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Sink {
    pub fn start(out: &Path, rules: &Path) -> Self {
        let py = python();
        let check = Command::new(&py).args(["-c", "import aiosmtpd"]).output();
        match check {
            Ok(o) if o.status.success() => {}
            _ => panic!(
                "the SMTP tests need aiosmtpd for {} (Debian: apt-get install python3-aiosmtpd; or set SITREP_PYTHON to an interpreter that has it)",
                py.display()
            ),
        }
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp_sink.py");
        let port = free_port();
        let mut child = Command::new(&py)
            .arg(&script)
            .arg(port.to_string())
            .arg(out)
            .arg(rules)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", script.display()));
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "READY", "the SMTP sink did not start");
        Self { child, port, out: out.to_path_buf(), rules: rules.to_path_buf() }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// SIGKILL: no goodbye, connections in flight are dropped.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Every message the sink has written, in arrival order.
pub fn received(out: &Path) -> Vec<Vec<u8>> {
    let Ok(dir) = std::fs::read_dir(out) else { return Vec::new() };
    let mut names: Vec<PathBuf> = dir.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "eml")).collect();
    names.sort();
    names.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

pub fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < Duration::from_secs(60), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A parsed message: headers and the decoded text, HTML and image parts.
pub struct Mail {
    pub raw: Vec<u8>,
    pub to: String,
    pub message_id: String,
    pub headers: Vec<(String, String)>,
    pub text: String,
    pub html: String,
    pub images: Vec<(String, Vec<u8>)>,
}

impl Mail {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

fn walk(part: &mailparse::ParsedMail<'_>, mail: &mut Mail) {
    let ct = part.ctype.mimetype.to_ascii_lowercase();
    if ct.starts_with("multipart/") {
        for p in &part.subparts {
            walk(p, mail);
        }
    } else if ct == "text/plain" {
        mail.text.push_str(&part.get_body().unwrap());
    } else if ct == "text/html" {
        mail.html.push_str(&part.get_body().unwrap());
    } else if ct.starts_with("image/") {
        let cid = part.headers.iter().find(|h| h.get_key().eq_ignore_ascii_case("Content-ID")).map(|h| h.get_value()).unwrap_or_default();
        mail.images.push((cid, part.get_body_raw().unwrap()));
    }
}

pub fn parse(raw: &[u8]) -> Mail {
    let parsed = mailparse::parse_mail(raw).unwrap();
    let headers: Vec<(String, String)> = parsed.headers.iter().map(|h| (h.get_key(), h.get_value())).collect();
    let get = |k: &str| headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(k)).map(|(_, v)| v.clone()).unwrap_or_default();
    let mut mail = Mail { raw: raw.to_vec(), to: get("To"), message_id: get("Message-ID"), headers: headers.clone(), text: String::new(), html: String::new(), images: Vec::new() };
    walk(&parsed, &mut mail);
    mail
}

/// The token of the first `{base}/{path}?token=` link in `s`.
pub fn token_in(s: &str, path: &str) -> Option<String> {
    let key = format!("/{path}?token=");
    let at = s.find(&key)? + key.len();
    Some(s[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')).collect())
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
}

/// A minimal HTTP/1.1 client: one request per connection.
pub fn http(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    let mut s = TcpStream::connect(addr).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status = lines.next().unwrap().split_whitespace().nth(1).unwrap().parse().unwrap();
    let headers = lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned())).collect();
    Reply { status, headers, body: body.to_owned() }
}

pub fn serve(state: WebState) -> (tokio::runtime::Runtime, SocketAddr) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    let app = routes(state).into_make_service_with_connect_info::<SocketAddr>();
    rt.spawn(async move { axum::serve(listener, app).await });
    (rt, addr)
}

pub fn hidden(body: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let at = body.find(&key).unwrap() + key.len();
    body[at..].split('"').next().unwrap().to_owned()
}

pub fn form_body(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}
