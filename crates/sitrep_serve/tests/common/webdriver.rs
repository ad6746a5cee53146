//! A small W3C WebDriver client over HTTP (chromedriver on a loopback port) driving Debian's
//! headless Chromium: enough for navigating, running scripts, clicking, pointer drags, keys,
//! screenshots and Chrome's performance (network) log.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

fn first_existing(paths: &[&str]) -> Option<PathBuf> {
    paths.iter().map(PathBuf::from).find(|p| p.is_file())
}

/// chromedriver and Chromium from Debian's packages; fails (never skips) when they are missing.
fn binaries() -> (PathBuf, PathBuf) {
    let driver = std::env::var_os("CHROMEDRIVER").map(PathBuf::from).or_else(|| first_existing(&["/usr/bin/chromedriver"]));
    let browser = std::env::var_os("CHROMIUM").map(PathBuf::from).or_else(|| first_existing(&["/usr/lib/chromium/chromium", "/usr/bin/chromium"]));
    match (driver, browser) {
        (Some(d), Some(b)) => (d, b),
        _ => panic!(
            "the browser tests need Debian's chromium and chromedriver (apt-get install -y chromium chromium-driver); \
             set CHROMEDRIVER / CHROMIUM to use others. CI={}",
            std::env::var("CI").unwrap_or_default()
        ),
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = crate::common::agent().delete(&format!("{}/session/{}", self.base, self.session)).call();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

#[derive(Debug)]
pub struct WdError(pub String, pub Value);

impl Browser {
    pub fn start() -> Self {
        let (driver_bin, browser_bin) = binaries();
        let port = free_port();
        let mut driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", driver_bin.display()));
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = crate::common::agent()
                .get(&format!("{base}/status"))
                .call()
                .ok()
                .and_then(|mut r| r.body_mut().read_json::<Value>().ok())
                .is_some_and(|v| v["value"]["ready"] == json!(true));
            if ready {
                break;
            }
            if Instant::now() > deadline {
                let _ = driver.kill();
                panic!("chromedriver did not become ready on {base}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = tempfile::tempdir().expect("profile dir");
        let args = vec![
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--window-size=1280,900".to_owned(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": browser_bin.display().to_string(), "args": args},
            "goog:loggingPrefs": {"performance": "ALL", "browser": "ALL"},
            "unhandledPromptBehavior": "ignore"
        }}});
        let mut res = crate::common::agent().post(&format!("{base}/session")).send_json(&caps).expect("new session");
        let v: Value = res.body_mut().read_json().expect("session JSON");
        let session = v["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {v}")).to_owned();
        Self { driver, base, session, _profile: profile }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, WdError> {
        let url = format!("{}/session/{}{}", self.base, self.session, path);
        let agent = crate::common::agent();
        let res = match (method, body) {
            ("GET", _) => agent.get(&url).call(),
            ("DELETE", _) => agent.delete(&url).call(),
            (_, b) => agent.post(&url).send_json(b.unwrap_or_else(|| json!({}))),
        };
        let mut res = res.map_err(|e| WdError(e.to_string(), Value::Null))?;
        let ok = res.status().is_success();
        let v: Value = res.body_mut().with_config().limit(100 * 1024 * 1024).read_json().map_err(|e| WdError(e.to_string(), Value::Null))?;
        if ok {
            Ok(v["value"].clone())
        } else {
            Err(WdError(v["value"]["error"].as_str().unwrap_or("error").to_owned(), v["value"].clone()))
        }
    }

    fn must(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.call(method, path, body).unwrap_or_else(|e| panic!("webdriver {method} {path}: {} {}", e.0, e.1))
    }

    pub fn goto(&self, url: &str) {
        self.must("POST", "/url", Some(json!({"url": url})));
    }

    pub fn current_url(&self) -> String {
        self.must("GET", "/url", None).as_str().unwrap_or("").to_owned()
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns its value.
    pub fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.must("POST", "/execute/sync", Some(json!({"script": script, "args": args})))
    }

    pub fn try_js(&self, script: &str) -> Result<Value, WdError> {
        self.call("POST", "/execute/sync", Some(json!({"script": script, "args": []})))
    }

    /// Polls `script` until it returns something truthy (or panics after `secs`).
    pub fn wait_for(&self, what: &str, script: &str, secs: u64) -> Value {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let v = self.js(script, vec![]);
            let truthy = !matches!(&v, Value::Null | Value::Bool(false)) && v != json!(0) && v != json!("");
            if truthy {
                return v;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn find(&self, css: &str) -> String {
        let v = self.must("POST", "/element", Some(json!({"using": "css selector", "value": css})));
        v[ELEMENT_KEY].as_str().unwrap_or_else(|| panic!("no element id for {css}: {v}")).to_owned()
    }

    /// Clicks `css`, retrying for a while when the element is not clickable yet (the map's zoom
    /// and cluster animations move and hide markers for a moment, longer on a loaded machine).
    pub fn click(&self, css: &str) {
        self.on_element(css, "click", &|id| (format!("/element/{id}/click"), json!({})));
    }

    /// Types `text` (WebDriver key codes allowed) into `css`, retrying as [`Browser::click`] does.
    pub fn keys(&self, css: &str, text: &str) {
        self.on_element(css, "keys", &|id| (format!("/element/{id}/value"), json!({"text": text})));
    }

    fn on_element(&self, css: &str, what: &str, command: &dyn Fn(&str) -> (String, Value)) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let attempt = self
                .call("POST", "/element", Some(json!({"using": "css selector", "value": css})))
                .and_then(|v| {
                    let (path, body) = command(v[ELEMENT_KEY].as_str().unwrap_or_default());
                    self.call("POST", &path, Some(body))
                });
            match attempt {
                Ok(_) => return,
                Err(WdError(kind, detail)) => {
                    let transient = ["element not interactable", "element click intercepted", "no such element", "stale element reference"];
                    if !transient.contains(&kind.as_str()) || Instant::now() > deadline {
                        panic!("{what} {css}: {kind} {}", detail["message"]);
                    }
                    std::thread::sleep(Duration::from_millis(200));
                }
            }
        }
    }


    /// A mouse drag across `css` from `x0` to `x1` (offsets from the element's centre).
    pub fn drag(&self, css: &str, x0: i64, x1: i64) {
        let id = self.find(css);
        let origin = json!({ELEMENT_KEY: id});
        let actions = json!({"actions": [{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}, "actions": [
            {"type": "pointerMove", "duration": 0, "origin": origin, "x": x0, "y": 0},
            {"type": "pointerDown", "button": 0},
            {"type": "pointerMove", "duration": 150, "origin": origin, "x": (x0 + x1) / 2, "y": 0},
            {"type": "pointerMove", "duration": 150, "origin": origin, "x": x1, "y": 0},
            {"type": "pointerUp", "button": 0}
        ]}]});
        self.must("POST", "/actions", Some(actions));
        let _ = self.call("DELETE", "/actions", None);
    }

    /// The text of an open alert/confirm/prompt, if any.
    pub fn alert_text(&self) -> Option<String> {
        self.call("GET", "/alert/text", None).ok().map(|v| v.as_str().unwrap_or("").to_owned())
    }

    /// Every URL Chrome asked the network for (the performance log's `Network.requestWillBeSent`).
    pub fn requested_urls(&self) -> Vec<String> {
        let entries = self.must("POST", "/se/log", Some(json!({"type": "performance"})));
        let mut urls = Vec::new();
        for e in entries.as_array().cloned().unwrap_or_default() {
            let Some(msg) = e["message"].as_str().and_then(|m| serde_json::from_str::<Value>(m).ok()) else { continue };
            if msg["message"]["method"] == json!("Network.requestWillBeSent") {
                if let Some(u) = msg["message"]["params"]["request"]["url"].as_str() {
                    urls.push(u.to_owned());
                }
            }
        }
        urls
    }

    pub fn screenshot(&self, path: &Path) {
        let b64 = self.must("GET", "/screenshot", None);
        let bytes = base64_decode(b64.as_str().unwrap_or(""));
        assert!(bytes.starts_with(b"\x89PNG"), "a PNG screenshot");
        std::fs::write(path, bytes).expect("write screenshot");
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        let Some(v) = val(c) else { continue };
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}
