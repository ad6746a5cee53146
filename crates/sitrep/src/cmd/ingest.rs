//! `sitrep ingest`: articles into the event store, merged across outlets.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use sitrep_pipeline::Pipeline;
use sitrep_store::IngestOptions;

/// Read articles into an event store (SQLite, or PostgreSQL for a postgres:// --db): extract each (in parallel), keep every document
/// and its versions, and merge reports of the same event from different outlets into one
/// stored event with its sources.
#[derive(clap::Args)]
#[command(
    long_about = "Read articles into an SQLite event store (one file, WAL). Each document is extracted in \
parallel and stored with its per-document events; events reported by several outlets are merged into one \
stored event (id SR-<country>-000123) listing its sources and why each joined (`sitrep show ID`).\n\n\
INPUTS are files or directories, as for `sitrep extract`, plus WARC and WARC.gz web archives (every \
`response` record holding an HTML page is an article).\n\n\
A document is known by its canonical URL, else by its content: ingesting the same input again changes \
nothing; an edited re-publication of a URL becomes a new version whose events replace the old ones. A wire \
story re-run by another outlet is detected (near-identical text) and listed as a source that is not \
independent, so it is counted once.\n\n\
--db postgres://USER@HOST:PORT/DB writes to PostgreSQL instead (same tables and merge); to share the \
work between many processes or machines, use `sitrep enqueue` and `sitrep worker`.\n\n\
Safe to kill: documents are committed in batches, each in one transaction, and a new run skips what is \
already stored. Inputs that cannot be read are recorded in the `ingest_errors` table and listed at the end.",
    after_help = "Examples:\n  sitrep ingest samples/ --db events.db\n  sitrep ingest crawl.warc.gz feed.jsonl\n  \
sitrep events country:SY date:2026-03-01..2026-03-31 --db events.db\n\n\
Exit codes: 0 every input was stored; 1 some inputs were skipped (listed on stderr and in ingest_errors); 2 usage error."
)]
pub struct Args {
    /// Files or directories to read.
    #[arg(required = true, value_name = "INPUTS")]
    pub inputs: Vec<PathBuf>,
    /// The database: an SQLite file (created if missing) or a postgres://USER@HOST:PORT/DB URL.
    #[arg(long, value_name = "FILE|URL", default_value = "sitrep.db")]
    pub db: PathBuf,
    /// Skip inputs (and JSON Lines records) larger than N bytes.
    #[arg(long, value_name = "N", default_value_t = sitrep_ingest::DEFAULT_MAX_BYTES)]
    pub max_bytes: u64,
    /// Documents per transaction.
    #[arg(long, value_name = "N", default_value_t = sitrep_store::ingest::DEFAULT_BATCH)]
    pub batch: usize,
    /// Extraction threads (default: all cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// Runs the command.
///
/// # Errors
/// When the pipeline or the database cannot be opened, or a database write fails.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let pipeline = Pipeline::load().map_err(anyhow::Error::msg)?;
    let db = args.db.to_string_lossy();
    let mut store = sitrep_pg::open_store(&db, true, &sitrep_pg::PgOptions::default()).map_err(|e| anyhow::anyhow!("{db}: {e}"))?;
    let opts = IngestOptions {
        read: sitrep_ingest::Options { max_bytes: args.max_bytes, ..sitrep_ingest::Options::default() },
        batch_size: args.batch.max(1),
        threads: args.threads,
    };
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} inputs · {msg} · {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let started = std::time::Instant::now();
    let report = sitrep_store::ingest(&mut *store, &pipeline, &args.inputs, &opts, |r| {
        if let Some(bar) = &bar {
            bar.set_length(r.inputs_total as u64);
            bar.set_position(r.inputs_done as u64);
            let rate = r.documents as f64 / started.elapsed().as_secs_f64().max(1e-9);
            bar.set_message(format!("{} articles ({rate:.0}/s) · {} errors", r.documents, r.stats.errors));
        }
    })?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let errors = store.run_errors(report.run_id)?;
    for (source, message) in &errors {
        eprintln!("sitrep: skipped {source}: {message}");
    }
    let s = &report.stats;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "sitrep: ingest run {}: {} documents read in {secs:.1}s ({:.0}/s): {} new, {} new versions, {} unchanged; {} events; {} errors \
         (store {:.2}s, extraction {:.2}s) → {}",
        report.run_id,
        report.documents,
        report.documents as f64 / secs.max(1e-9),
        s.new_documents,
        s.new_versions,
        s.unchanged,
        s.events,
        errors.len(),
        report.store_seconds,
        report.extract_seconds,
        args.db.display()
    );
    Ok(if errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(crate::EXIT_PARTIAL) })
}
