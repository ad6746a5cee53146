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

/// The article-extraction benchmark's metric for one page (scrapinghub/article-extraction-
/// benchmark): word 4-gram shingles (words = runs of letters, digits and `_`) of the true body
/// against the extracted text, as multisets; tp, fp and fn normalised to sum to 1 so every
/// page weighs the same. Sum them over pages, then P = tp/(tp+fp), R = tp/(tp+fn).
pub fn shingle_match(truth: &str, extracted: &str) -> (f64, f64, f64) {
    use std::collections::HashMap;
    fn shingles(text: &str) -> HashMap<String, usize> {
        let words: Vec<&str> =
            text.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).collect();
        let mut out = HashMap::new();
        for i in 0..words.len().saturating_sub(3).max(1) {
            let shingle = words[i..(i + 4).min(words.len())].join(" ");
            if !shingle.is_empty() {
                *out.entry(shingle).or_insert(0) += 1;
            }
        }
        out
    }
    let (t, p) = (shingles(truth), shingles(extracted));
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    for (k, &tc) in &t {
        let pc = p.get(k).copied().unwrap_or(0);
        tp += tc.min(pc);
        fn_ += tc.saturating_sub(pc);
    }
    for (k, &pc) in &p {
        fp += pc.saturating_sub(t.get(k).copied().unwrap_or(0));
    }
    let sum = (tp + fp + fn_) as f64;
    if sum == 0.0 {
        return (0.0, 0.0, 0.0);
    }
    (tp as f64 / sum, fp as f64 / sum, fn_ as f64 / sum)
}
