//! A throwaway PostgreSQL server for tests (`scripts/pg-test-cluster.sh`), one per test process.
//!
//! `SITREP_TEST_PG_URL` set: that server is used. Otherwise the script starts one, and a small
//! watcher process stops it (by its recorded pid) and deletes it once the test process exits.
//! Missing PostgreSQL binaries fail the test with what to install — never a silent skip.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The server's URL (database `sitrep`), starting the server on first use.
///
/// # Panics
/// When no server is given and none can be started (binaries missing, initdb failing).
pub fn url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        if let Ok(url) = std::env::var("SITREP_TEST_PG_URL") {
            if !url.is_empty() {
                return url;
            }
        }
        let script = repo_root().join("scripts/pg-test-cluster.sh");
        let out = Command::new("bash").arg(&script).arg("start").stderr(Stdio::piped()).output().expect("bash runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "PostgreSQL tests need a server: {} start failed ({}):\n{stderr}\nInstall the server (Debian: apt-get install postgresql postgresql-15-postgis-3) or set SITREP_TEST_PG_URL.",
            script.display(),
            out.status
        );
        let get = |name: &str| {
            stdout
                .lines()
                .find_map(|l| l.strip_prefix(&format!("export {name}=")).map(str::to_owned))
                .unwrap_or_else(|| panic!("{} printed no {name}: {stdout}", script.display()))
        };
        let (url, dir) = (get("SITREP_TEST_PG_URL"), get("SITREP_TEST_PG_DIR"));
        // The watcher outlives this process and stops the server once it has gone; it is never
        // waited for on purpose (init adopts it when the tests end).
        #[allow(clippy::zombie_processes)]
        Command::new("bash")
            .arg("-c")
            .arg(r#"while kill -0 "$1" 2>/dev/null; do sleep 1; done; bash "$2" stop "$3""#)
            .arg("pg-test-cluster-watcher")
            .arg(std::process::id().to_string())
            .arg(&script)
            .arg(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the cluster watcher starts");
        url
    })
}

/// A fresh, empty database on the test server for one test; returns its URL.
///
/// # Panics
/// When the server refuses.
pub fn fresh_database(name: &str) -> String {
    let base = url();
    let mut client = postgres::Client::connect(base, postgres::NoTls).expect("connect to the test server");
    let db = format!("t_{}_{}", name.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_lowercase(), std::process::id());
    // The name is built from ASCII letters and digits above, never from outside input.
    client.batch_execute(&format!("DROP DATABASE IF EXISTS {db}")).expect("drop an old test database");
    client.batch_execute(&format!("CREATE DATABASE {db}")).expect("create a test database");
    match base.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{db}"),
        None => panic!("unexpected test server URL {base}"),
    }
}
