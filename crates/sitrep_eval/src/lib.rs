//! `sitrep eval`: sitrep's contract output scored against the gold sets in `../shared/data`, by
//! the rules of `../shared/contract/METRICS.md`. `eval/SCORING.md` documents every choice the
//! contract leaves open.
//!
//! One module per set under [`sets`]: a small loader (gold → [`Document`]s plus the gold the
//! scorer needs) and a scorer over [`Output`]. The scorers read only the contract output, so
//! they measure whatever stages the pipeline has.

pub mod bench;
pub mod calibration;
pub mod report;
pub mod run;
pub mod sets;
pub mod stats;
pub mod text;

use std::path::{Path, PathBuf};

use serde::Serialize;
pub use sitrep_core::contract::Output;
pub use sitrep_core::Document;

pub use run::{HtmlIngest, Runner};
pub use stats::{Agg, Figure, Tally};

/// Everything that can stop an evaluation, with what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: {message}")]
    Format { path: PathBuf, message: String },
    #[error("no {what} found under {dir}: point --data at a folder holding the set's files (see eval/SCORING.md)")]
    Missing { dir: PathBuf, what: String },
    #[error("unknown set {0:?}: sets are {sets}", sets = SETS.join(", "))]
    UnknownSet(String),
}

impl EvalError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io { path: path.to_owned(), source }
    }

    pub(crate) fn format(path: &Path, message: impl Into<String>) -> Self {
        Self::Format { path: path.to_owned(), message: message.into() }
    }
}

pub type Result<T, E = EvalError> = std::result::Result<T, E>;

/// The sets `sitrep eval` knows, by folder name (`traps` lives in the repository, `eval/sets`).
pub const SETS: &[&str] = &[
    "article_extraction",
    "calibration",
    "case2021_task2",
    "event_location",
    "geoparsing",
    "india_police_events",
    "isaf_press_releases",
    "merge",
    "muc4",
    "ner",
    "plover_gsr",
    "polnear",
    "stance",
    "traps",
    "wikievents",
];

/// One false positive, false negative or wrong value, for `--errors`.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorRecord {
    pub set: String,
    pub document: String,
    /// `false_positive`, `false_negative` or `wrong`.
    pub kind: &'static str,
    pub metric: String,
    /// Character offsets into the text sitrep read, when the item has a span.
    pub start: Option<usize>,
    pub end: Option<usize>,
    pub text: Option<String>,
    pub reason: String,
}

/// Collects error records for one set.
#[derive(Debug, Default)]
pub struct Errors {
    set: String,
    pub records: Vec<ErrorRecord>,
}

impl Errors {
    #[must_use]
    pub fn new(set: &str) -> Self {
        Self { set: set.to_owned(), records: Vec::new() }
    }

    /// Records an error; `span` in characters.
    pub fn push(
        &mut self,
        document: &str,
        kind: &'static str,
        metric: &str,
        span: Option<(usize, usize)>,
        text: Option<String>,
        reason: impl Into<String>,
    ) {
        self.records.push(ErrorRecord {
            set: self.set.clone(),
            document: document.to_owned(),
            kind,
            metric: metric.to_owned(),
            start: span.map(|s| s.0),
            end: span.map(|s| s.1),
            text,
            reason: reason.into(),
        });
    }
}

pub const FP: &str = "false_positive";
pub const FN: &str = "false_negative";
pub const WRONG: &str = "wrong";

/// The result of scoring one set.
#[derive(Debug)]
pub struct SetResult {
    pub set: String,
    pub documents: usize,
    pub figures: Vec<Figure>,
    pub errors: Vec<ErrorRecord>,
    /// Things the reader should know (skipped parts, fallbacks in force).
    pub notes: Vec<String>,
}

impl SetResult {
    #[must_use]
    pub fn new(set: &str, tally: &Tally, errors: Errors, notes: Vec<String>) -> Self {
        Self { set: set.to_owned(), documents: tally.documents(), figures: tally.figures(), errors: errors.records, notes }
    }
}

/// Scores one set found in `dir` (the set's own folder).
///
/// # Errors
/// When the set is unknown or its files are missing or malformed.
pub fn evaluate(set: &str, dir: &Path, runner: &Runner) -> Result<SetResult> {
    match set {
        "article_extraction" => sets::article_extraction::evaluate(dir, runner),
        "calibration" => calibration::evaluate(dir, runner),
        "case2021_task2" => sets::case2021::evaluate(dir, runner),
        "event_location" => sets::event_location::evaluate(dir, runner),
        "geoparsing" => sets::geoparsing::evaluate(dir, runner),
        "india_police_events" => sets::india_police::evaluate(dir, runner),
        "isaf_press_releases" => sets::isaf::evaluate(dir, runner),
        "merge" => sets::merge::evaluate(dir, runner),
        "muc4" => sets::muc4::evaluate(dir, runner),
        "ner" => sets::ner::evaluate(dir, runner),
        "plover_gsr" => sets::plover::evaluate(dir, runner),
        "polnear" => sets::polnear::evaluate(dir, runner),
        "stance" => sets::stance::evaluate(dir, runner),
        "traps" => sets::traps::evaluate(dir, runner),
        "wikievents" => sets::wikievents::evaluate(dir, runner),
        other => Err(EvalError::UnknownSet(other.to_owned())),
    }
}

/// Extracts `inputs` (one per gold document, same order) and scores them: the glue of every
/// set that needs nothing but its scorer.
pub fn extract_and_score<D>(
    set: &str,
    runner: &Runner,
    docs: &[D],
    inputs: Vec<Document>,
    score: impl FnOnce(&[D], &[Output], &mut Errors) -> Tally,
) -> SetResult {
    let outputs = runner.extract_all(inputs);
    let mut errors = Errors::new(set);
    let tally = score(docs, &outputs, &mut errors);
    SetResult::new(set, &tally, errors, Vec::new())
}

/// Where a set's files are when `--data` is not given: `$SITREP_DATA/SET`, else
/// `../shared/data/SET` beside the repository root; `traps` is the repository's `eval/sets`.
#[must_use]
pub fn default_set_dir(set: &str, repo_root: &Path) -> PathBuf {
    if set == "traps" {
        return repo_root.join("eval/sets");
    }
    if set == "merge" || set == "stance" {
        return repo_root.join("eval/sets").join(set);
    }
    if set == "calibration" {
        // Calibration pools events judged across several sets: its folder is the data root.
        return default_set_dir("case2021_task2", repo_root).parent().map_or_else(|| repo_root.to_owned(), Path::to_path_buf);
    }
    if let Some(dir) = std::env::var_os("SITREP_DATA") {
        return PathBuf::from(dir).join(set);
    }
    let beside = repo_root.join("../shared/data");
    if beside.is_dir() {
        return beside.join(set);
    }
    sitrep_core::testdata::shared_data_dir().map_or_else(|| beside.join(set), |d| d.join(set))
}

/// The repository root: the nearest ancestor of `start` holding `Cargo.toml` and `crates/`.
#[must_use]
pub fn find_repo_root(start: &Path) -> Option<PathBuf> {
    start.ancestors().find(|d| d.join("Cargo.toml").is_file() && d.join("crates").is_dir()).map(Path::to_path_buf)
}

/// Reads a file to a string, with the path in the error.
pub(crate) fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| EvalError::io(path, e))
}

/// Files in `dir` (not recursive) whose name satisfies `keep`, sorted by name.
pub(crate) fn files_in(dir: &Path, keep: impl Fn(&str) -> bool) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).map_err(|e| EvalError::io(dir, e))?;
    let mut out: Vec<PathBuf> = entries
        .filter_map(std::result::Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.file_name().and_then(|n| n.to_str()).is_some_and(&keep))
        .collect();
    out.sort();
    Ok(out)
}

/// The first of `names` that exists in `dir`, for a set whose dev and test files differ only in name.
pub(crate) fn first_existing(dir: &Path, names: &[&str]) -> Option<PathBuf> {
    names.iter().map(|n| dir.join(n)).find(|p| p.is_file())
}

/// Non-aggregate events: what counts as "an event" everywhere aggregates (totals over a period)
/// are not meant.
pub(crate) fn coded_events(out: &Output) -> impl Iterator<Item = &sitrep_core::contract::OutEvent> {
    out.events.iter().filter(|e| !e.aggregate)
}
