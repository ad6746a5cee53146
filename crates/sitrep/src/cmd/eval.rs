//! `sitrep eval`: scores sitrep against the gold sets, by the rules of METRICS.md.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use sitrep_eval::report::{self, Thresholds};
use sitrep_eval::{Runner, SetResult};
use sitrep_pipeline::Pipeline;

/// Exit status when a figure fell below its floor in `--check`.
pub const EXIT_BELOW_FLOOR: u8 = 3;

/// Score sitrep on a gold set (or all of them): each figure with its n and 95% bootstrap
/// interval. Rules: ../shared/contract/METRICS.md; choices: eval/SCORING.md.
#[derive(clap::Args)]
#[command(after_help = "Sets: article_extraction, case2021_task2, event_location, geoparsing, india_police_events, \
isaf_press_releases, merge, muc4, ner, plover_gsr, polnear, stance, traps, wikievents (or all).\n\n\
Examples:\n  sitrep eval case2021_task2\n  sitrep eval geoparsing --errors /tmp/geo-errors.jsonl\n  \
sitrep eval muc4 --data /path/to/muc4-test --json\n  sitrep eval all --check eval/thresholds.toml\n  \
sitrep eval all --report eval/REPORT.md --ratchet eval/thresholds.toml\n\n\
Exit codes: 0 scored; 2 usage or data error; 3 in --check, a figure fell below its floor or a document\n  panicked or broke the contract.")]
pub struct Args {
    /// A set (folder name in ../shared/data) or `all`.
    pub set: String,
    /// The set's folder (for `all`: the folder holding every set). Default: $SITREP_DATA or
    /// ../shared/data beside the repository; `traps` reads eval/sets.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Print METRICS.md's JSON instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Write every false positive and false negative (document, span, reason) as JSON Lines.
    #[arg(long, value_name = "FILE")]
    pub errors: Option<PathBuf>,
    /// Fail (exit 3) naming every figure below its floor in this thresholds file, or when a document
    /// panicked or broke the contract.
    #[arg(long, value_name = "FILE")]
    pub check: Option<PathBuf>,
    /// Tighten the floors in this thresholds file to the new intervals (never loosens).
    #[arg(long, value_name = "FILE")]
    pub ratchet: Option<PathBuf>,
    /// Write the markdown report (eval/REPORT.md) here.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Worker threads (0: one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
}

fn repo_root() -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|d| sitrep_eval::find_repo_root(&d))
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
}

/// The HTML ingest the evaluator feeds article_extraction pages through: the same reader
/// `sitrep extract` uses. A page the reader rejects becomes an empty document (nothing extracted).
fn html_ingest() -> sitrep_eval::HtmlIngest {
    Box::new(|id: &str, url: Option<&str>, html: &str| {
        let mut doc = sitrep_ingest::html_article(html, url).unwrap_or_else(|_| sitrep_core::Document::from_text(id, ""));
        id.clone_into(&mut doc.id);
        doc
    })
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let root = repo_root();
    let sets: Vec<&str> = if args.set == "all" {
        sitrep_eval::SETS.to_vec()
    } else if sitrep_eval::SETS.contains(&args.set.as_str()) {
        vec![args.set.as_str()]
    } else {
        anyhow::bail!("unknown set {:?}: sets are {}, or all", args.set, sitrep_eval::SETS.join(", "));
    };
    let pipeline = Pipeline::load().map_err(anyhow::Error::msg)?;
    // Panics inside extraction are caught per document and reported once per set (see
    // sitrep_eval::run), so the default hook's message for each would only be noise.
    std::panic::set_hook(Box::new(|_| {}));
    let runner = Runner::new(pipeline, Some(html_ingest()), args.threads);
    let mut results: Vec<SetResult> = Vec::new();
    let mut broken = 0usize;
    for set in &sets {
        let dir = match (&args.data, sets.len()) {
            (Some(d), 1) => d.clone(),
            (Some(d), _) if matches!(*set, "traps" | "stance" | "merge") && !d.join(set).is_dir() => sitrep_eval::default_set_dir(set, &root),
            (Some(d), _) if *set == "calibration" => d.clone(),
            (Some(d), _) => d.join(set),
            (None, _) => sitrep_eval::default_set_dir(set, &root),
        };
        if sets.len() > 1 && !dir.is_dir() {
            eprintln!("sitrep eval: {set}: no data at {}, skipped", dir.display());
            continue;
        }
        let started = std::time::Instant::now();
        let mut result = sitrep_eval::evaluate(set, &dir, &runner).with_context(|| format!("evaluating {set}"))?;
        let panics = runner.take_panics();
        broken += panics.len();
        if !panics.is_empty() {
            eprintln!("sitrep eval: {set}: {} documents panicked or broke the contract; first: {}", panics.len(), panics[0]);
            result.notes.push(format!("{} documents panicked (scored as empty) or broke the contract; first: {}", panics.len(), panics[0]));
        }
        eprintln!("sitrep eval: {set}: {} documents in {:.1}s", result.documents, started.elapsed().as_secs_f64());
        results.push(result);
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report::json(&results))?;
        writeln!(out)?;
    } else {
        write!(out, "{}", report::table(&results))?;
    }
    if let Some(path) = &args.errors {
        let mut f = std::io::BufWriter::new(std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?);
        for e in results.iter().flat_map(|r| &r.errors) {
            serde_json::to_writer(&mut f, e)?;
            writeln!(f)?;
        }
        eprintln!("sitrep eval: {} errors written to {}", results.iter().map(|r| r.errors.len()).sum::<usize>(), path.display());
    }
    if let Some(path) = &args.report {
        std::fs::write(path, report::markdown(&results, runner.pipeline.provenance())).with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &args.ratchet {
        let mut th = if path.is_file() {
            Thresholds::parse(&std::fs::read_to_string(path)?).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        } else {
            Thresholds::default()
        };
        th.ratchet(&results);
        std::fs::write(path, th.to_toml()).with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &args.check {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let th = Thresholds::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let bad = th.check(&results);
        if !bad.is_empty() || broken > 0 {
            for b in &bad {
                eprintln!("sitrep eval: below floor: {b}");
            }
            // A panic is scored as an empty output, which a floor may not notice: it fails the check by itself.
            if broken > 0 {
                eprintln!("sitrep eval: {broken} documents panicked or broke the contract (listed above)");
            }
            return Ok(ExitCode::from(EXIT_BELOW_FLOOR));
        }
        eprintln!("sitrep eval: every figure at or above its floor ({} floors, {} ceilings)", th.floors.len(), th.ceilings.len());
    }
    Ok(ExitCode::SUCCESS)
}
