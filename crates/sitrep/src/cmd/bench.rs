//! `sitrep bench`: extraction speed over the article texts of the gold sets.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Time full extraction over a corpus built from the article texts in ../shared/data: articles/s
/// and MB/s per core (median of several runs, with min and max), per stage, mean article length,
/// load time and peak RSS.
#[derive(clap::Args)]
#[command(after_help = "Examples:\n  sitrep bench\n  sitrep bench --threads 2 --runs 7\n  sitrep bench --json > bench.json\n  sitrep bench --dump-corpus all.jsonl --every-text && sitrep ingest all.jsonl --db all.db\n\n\
Build with --release for figures worth quoting.")]
pub struct Args {
    /// Folder holding the sets (default: $SITREP_DATA or ../shared/data beside the repository).
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Worker threads; figures are per core.
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// Timed passes over the corpus (the median is reported; at least 5 recommended).
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    /// Print JSON (METRICS.md names) instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Write the corpus as JSON Lines `{"id", "text"}` and exit (bench/peers runs other tools on it).
    #[arg(long, value_name = "FILE")]
    pub dump_corpus: Option<PathBuf>,
    /// With --dump-corpus: every text in the sets, not only article-length ones — sentences,
    /// snippets, GMB articles and the extraction set's HTML pages (`sitrep ingest` reads the file).
    #[arg(long, requires = "dump_corpus")]
    pub every_text: bool,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let root = std::env::current_dir()
        .ok()
        .and_then(|d| sitrep_eval::find_repo_root(&d))
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."));
    let data = args.data.clone().unwrap_or_else(|| {
        sitrep_eval::default_set_dir("polnear", &root).parent().map(std::path::Path::to_path_buf).unwrap_or_default()
    });
    let docs = sitrep_eval::bench::corpus(&data).map_err(anyhow::Error::msg)?;
    anyhow::ensure!(!docs.is_empty(), "no article texts found under {}: pass --data DIR", data.display());
    if let (Some(path), true) = (&args.dump_corpus, args.every_text) {
        let records = sitrep_eval::bench::every_text(&data).map_err(anyhow::Error::msg)?;
        let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
        for r in &records {
            serde_json::to_writer(&mut f, r)?;
            writeln!(f)?;
        }
        f.flush()?;
        eprintln!("{} records written to {}", records.len(), path.display());
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(path) = &args.dump_corpus {
        let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
        for d in &docs {
            serde_json::to_writer(&mut f, &serde_json::json!({"id": d.id, "text": d.text}))?;
            writeln!(f)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let report = sitrep_eval::bench::run(&docs, args.threads, args.runs).map_err(anyhow::Error::msg)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", sitrep_eval::bench::table(&report))?;
    }
    Ok(ExitCode::SUCCESS)
}
