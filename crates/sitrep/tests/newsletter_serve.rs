//! The newsletter's way out, end to end through the binary: a reader subscribed and confirmed with
//! the CLI gets a digest whose unsubscribe link and RFC 8058 one-click POST work against a running
//! `sitrep serve`, and take effect at once.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use common::repo_root;
use serde_json::Value;

/// Runs the binary and returns what it printed; a failure fails the test with its stderr.
fn sitrep(args: &[&str]) -> String {
    let run = common::sitrep(args, None);
    assert_eq!(run.code, 0, "sitrep {args:?}: {}", run.stderr);
    run.stdout
}

/// `sitrep serve` on a free loopback port; the child and its base URL.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(db: &Path) -> (Server, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .args(["serve", "--db", db.to_str().unwrap(), "--addr", "127.0.0.1:0"])
        .current_dir(repo_root())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("sitrep serve starts");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let server = Server(child);
    let url = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| line.find("http://127.0.0.1:").map(|at| line[at..].split(['/', ' ']).take(3).collect::<Vec<_>>().join("/")))
        .expect("sitrep serve prints its address");
    // Keep reading its log: a closed pipe would fail the server's next write.
    std::thread::spawn(move || lines.for_each(drop));
    (server, url.trim_end_matches('/').to_owned())
}

fn header<'a>(message: &'a str, name: &str) -> &'a str {
    message
        .lines()
        .find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix(": ")))
        .unwrap_or_else(|| panic!("no {name} header"))
}

fn subscription_status(db: &str, email: &str) -> String {
    let export: Value = serde_json::from_str(&sitrep(&["subscribers", "export", email, "--db", db])).unwrap();
    export["subscriptions"][0]["status"].as_str().unwrap().to_owned()
}

#[test]
fn digest_unsubscribe_link_and_one_click_post_work_against_sitrep_serve() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("news.db");
    let db = db_path.to_str().unwrap();
    sitrep(&["ingest", "samples/", "--db", db]);
    sitrep(&["lists", "add", "great-lakes", "country:CF,CD", "--db", db]);
    let (_server, base) = serve(&db_path);

    let mut messages = Vec::new();
    for email in ["one@example.org", "two@example.org"] {
        let link = sitrep(&["subscribe", email, "--list", "great-lakes", "--base-url", &base, "--print-link", "--db", db]);
        sitrep(&["subscribers", "confirm", link.trim(), "--db", db]);
        assert_eq!(subscription_status(db, email), "active");
    }
    // A digest's window ends a whole second back, and the store rounds its stamps to the nearest
    // second: two seconds on, the ingest above is inside the window.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let out = dir.path().join("out");
    let summary = sitrep(&["digest", "--dry-run", "--out", out.to_str().unwrap(), "--base-url", &base, "--db", db]);
    for entry in std::fs::read_dir(&out).unwrap() {
        messages.push(std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    assert_eq!(messages.len(), 2, "one digest per subscriber: {summary}");
    let message_for = |email: &str| messages.iter().find(|m| header(m, "To").contains(email)).expect("a digest for each reader").clone();

    // One-click (RFC 8058): a POST with List-Unsubscribe=One-Click to the header's URL.
    let first = message_for("one@example.org");
    assert_eq!(header(&first, "List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
    let url = header(&first, "List-Unsubscribe").split(['<', '>']).find(|p| p.starts_with(&base)).expect("an http link on the server").to_owned();
    let response = ureq::post(&url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send("List-Unsubscribe=One-Click")
        .expect("the one-click POST is answered");
    assert_eq!(response.status(), 200);
    assert_eq!(subscription_status(db, "one@example.org"), "unsubscribed", "at once");
    assert_eq!(subscription_status(db, "two@example.org"), "active", "nobody else");

    // The footer link: a page with a button, then its POST.
    let second = message_for("two@example.org");
    let url = header(&second, "List-Unsubscribe").split(['<', '>']).find(|p| p.starts_with(&base)).unwrap().to_owned();
    let page = ureq::get(&url).call().expect("the unsubscribe page loads").into_body().read_to_string().unwrap();
    assert!(page.contains("<form") && page.contains("method=\"post\""), "{page}");
    // What the button sends: the form's hidden field.
    assert!(page.contains("name=\"List-Unsubscribe\"") && page.contains("value=\"One-Click\""), "{page}");
    assert_eq!(subscription_status(db, "two@example.org"), "active", "a GET changes nothing (mail scanners follow links)");
    ureq::post(&url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send("List-Unsubscribe=One-Click")
        .expect("the button works");
    assert_eq!(subscription_status(db, "two@example.org"), "unsubscribed");
}
