//! Shared by the `sitrep` binary's integration tests: running the built binary and checking
//! every output against the contract's JSON Schema and the span invariant.

#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use serde_json::Value;

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Every JSON value printed on stdout (pretty objects one after another, or JSON Lines).
    pub fn outputs(&self) -> Vec<Value> {
        serde_json::Deserializer::from_str(&self.stdout)
            .into_iter::<Value>()
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("stdout is not a stream of JSON values ({e}):\n{}", self.stdout))
    }

    /// The outputs, each checked against the schema and the span invariant.
    pub fn valid_outputs(&self) -> Vec<Value> {
        let outputs = self.outputs();
        for out in &outputs {
            assert_contract(out);
        }
        outputs
    }
}

/// Runs the built `sitrep` binary with `args`, feeding `stdin` if given.
pub fn sitrep(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .args(args)
        .current_dir(repo_root())
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the sitrep binary runs");
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        pipe.write_all(bytes).expect("writing stdin");
    }
    let out = child.wait_with_output().expect("sitrep finishes");
    Run {
        code: out.status.code().expect("sitrep exits with a code, not a signal"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

pub fn repo_root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The merge set's invented articles as outlet `v` re-tells them (its own outlet and URL, an
/// added sentence), as JSON Lines; and how many records that is.
pub fn merge_set_variant(v: usize) -> (String, usize) {
    let set = repo_root().join("eval/sets/merge/articles.jsonl");
    let articles: Vec<Value> = std::fs::read_to_string(set).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let mut out = String::new();
    for a in &articles {
        let id = a["id"].as_str().unwrap();
        let line = serde_json::json!({
            "id": format!("{id}-v{v}"), "url": format!("https://variant{v}.example/{id}"), "published": a["published"],
            "outlet": format!("Outlet {v}"), "title": a["title"],
            "text": format!("{} Update {v}: officials said the situation remained tense in the area on the following day.", a["text"].as_str().unwrap()),
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    (out, articles.len())
}

fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let path = sitrep_core::testdata::require_shared_data().join("../contract/document.schema.json");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
        jsonschema::validator_for(&schema).expect("the schema compiles")
    })
}

/// Panics with every problem when `out` breaks the contract: the JSON Schema, then the span
/// invariant on the parsed output.
pub fn assert_contract(out: &Value) {
    let errors: Vec<String> = validator().iter_errors(out).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "output breaks the schema:\n  {}", errors.join("\n  "));
    let parsed: sitrep_core::contract::Output =
        serde_json::from_value(out.clone()).expect("output parses back into the contract type");
    let problems = sitrep_core::check::output_violations(&parsed);
    assert!(problems.is_empty(), "output breaks the span invariant:\n  {}", problems.join("\n  "));
}

/// The text of a document output with its removed ranges cut out (character offsets).
pub fn kept_text(out: &Value) -> String {
    let chars: Vec<char> = out["document"]["text"].as_str().unwrap().chars().collect();
    let mut keep = vec![true; chars.len()];
    for r in out["document"]["removed"].as_array().unwrap() {
        let (s, e) = (r["start"].as_u64().unwrap() as usize, r["end"].as_u64().unwrap() as usize);
        keep[s..e].iter_mut().for_each(|k| *k = false);
    }
    chars.iter().zip(keep).filter(|(_, k)| *k).map(|(c, _)| *c).collect()
}

