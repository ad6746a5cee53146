//! `sitrep enqueue`, `sitrep worker`, `sitrep status`: many workers sharing one PostgreSQL queue.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use sitrep_pg::{PgOptions, PgStore, WorkerOptions};

/// Connection settings shared by the PostgreSQL commands.
#[derive(clap::Args, Clone, Copy)]
pub struct PgArgs {
    /// Seconds to wait for the server when connecting.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    pub connect_timeout: f64,
    /// The server cancels any one statement running longer than this (0: no limit).
    #[arg(long, value_name = "SECS", default_value_t = 120.0)]
    pub statement_timeout: f64,
    /// How long a statement may wait for a lock, including the store write lock (0: no limit).
    #[arg(long, value_name = "SECS", default_value_t = 0.0)]
    pub lock_timeout: f64,
}

impl PgArgs {
    pub(crate) fn options(self) -> PgOptions {
        let secs = |s: f64| Duration::from_secs_f64(s.max(0.0));
        PgOptions { connect_timeout: secs(self.connect_timeout), statement_timeout: secs(self.statement_timeout), lock_timeout: secs(self.lock_timeout) }
    }
}

fn require_url(db: &str) -> anyhow::Result<()> {
    if !sitrep_pg::is_postgres_url(db) {
        anyhow::bail!("{db}: the queue lives in PostgreSQL; give --db postgres://USER@HOST:PORT/DB (for a file, use `sitrep ingest`)");
    }
    Ok(())
}

pub(crate) fn connect(db: &str, pg: PgArgs) -> anyhow::Result<PgStore> {
    require_url(db)?;
    PgStore::connect(db, &pg.options()).map_err(|e| anyhow::anyhow!("{db}: {e}"))
}

/// Put articles in the shared queue for `sitrep worker`s to extract and store.
#[derive(clap::Args)]
#[command(
    long_about = "Read articles (files, directories, JSON Lines, WARC, as for `sitrep ingest`) into the queue \
table of a PostgreSQL store, for any number of `sitrep worker` processes to extract, store and merge. A document \
already stored unchanged, or already waiting, is not queued again. Unreadable inputs go to ingest_errors.",
    after_help = "Example:\n  sitrep enqueue crawl/ --db postgres://sitrep@127.0.0.1:5432/sitrep\n  sitrep worker --db postgres://sitrep@127.0.0.1:5432/sitrep"
)]
pub struct EnqueueArgs {
    #[arg(required = true, value_name = "INPUTS")]
    pub inputs: Vec<PathBuf>,
    /// The PostgreSQL store, postgres://USER@HOST:PORT/DB.
    #[arg(long, value_name = "URL")]
    pub db: String,
    /// Skip inputs (and JSON Lines records) larger than N bytes.
    #[arg(long, value_name = "N", default_value_t = sitrep_ingest::DEFAULT_MAX_BYTES)]
    pub max_bytes: u64,
    #[command(flatten)]
    pub pg: PgArgs,
}

/// Runs `sitrep enqueue`.
///
/// # Errors
/// Connection or database errors.
pub fn enqueue(args: &EnqueueArgs) -> anyhow::Result<ExitCode> {
    let mut store = connect(&args.db, args.pg)?;
    let opts = sitrep_ingest::Options { max_bytes: args.max_bytes, ..sitrep_ingest::Options::default() };
    let r = sitrep_pg::enqueue(&mut store, &args.inputs, &opts)?;
    eprintln!("sitrep: queued {} documents ({} already stored or queued, {} unreadable inputs)", r.queued, r.already, r.errors);
    Ok(if r.errors == 0 { ExitCode::SUCCESS } else { ExitCode::from(crate::EXIT_PARTIAL) })
}

/// Extract, store and merge documents from the shared queue; run as many as you like.
#[derive(clap::Args)]
#[command(
    long_about = "Claim batches of queued documents (SELECT … FOR UPDATE SKIP LOCKED, so workers never share a \
row), extract them, and store the documents, their events and the merges in one transaction per batch. A claim \
is leased: if the worker dies, its batch is taken by another once the lease runs out; a batch whose lease ran out \
before it was committed is stored by whoever holds it then, never twice. SIGTERM (or Ctrl-C) stops the worker \
after the batch in hand.",
    after_help = "Example:\n  sitrep worker --db postgres://sitrep@127.0.0.1:5432/sitrep --batch 64\n\n\
Exit codes: 0 stopped cleanly; 2 a database or usage error."
)]
pub struct WorkerArgs {
    /// The PostgreSQL store, postgres://USER@HOST:PORT/DB.
    #[arg(long, value_name = "URL")]
    pub db: String,
    /// Documents claimed and committed at once.
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub batch: usize,
    /// Seconds a claim is this worker's before others may take it back.
    #[arg(long, value_name = "SECS", default_value_t = 300.0)]
    pub lease: f64,
    /// Seconds between polls of an empty queue.
    #[arg(long, value_name = "SECS", default_value_t = 2.0)]
    pub poll: f64,
    /// Exit once nothing is left to claim instead of waiting for more.
    #[arg(long)]
    pub exit_when_idle: bool,
    /// Extraction threads in this worker.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub threads: usize,
    /// This worker's name in `sitrep status` (default HOST-PID).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Print one line per batch on stderr.
    #[arg(long)]
    pub verbose: bool,
    #[command(flatten)]
    pub pg: PgArgs,
}

/// Runs `sitrep worker`.
///
/// # Errors
/// Connection, pipeline or database errors.
pub fn worker(args: &WorkerArgs) -> anyhow::Result<ExitCode> {
    require_url(&args.db)?;
    let stop = sitrep_pg::stop_on_signals()?;
    let pipeline = sitrep_pipeline::Pipeline::load().map_err(anyhow::Error::msg)?;
    let mut opts = WorkerOptions {
        batch: args.batch.max(1),
        lease: Duration::from_secs_f64(args.lease.max(1.0)),
        poll: Duration::from_secs_f64(args.poll.max(0.05)),
        exit_when_idle: args.exit_when_idle,
        threads: args.threads.max(1),
        ..WorkerOptions::default()
    };
    if let Some(name) = &args.name {
        opts.name.clone_from(name);
    }
    let name = opts.name.clone();
    let mut worker = sitrep_pg::Worker::new(&args.db, &args.pg.options(), opts).map_err(|e| anyhow::anyhow!("{}: {e}", args.db))?;
    let started = std::time::Instant::now();
    let report = worker.run(&pipeline, &stop, |r| {
        if args.verbose {
            eprintln!("sitrep worker {name}: batch {} done, {} documents, {} events", r.batches, r.documents, r.stats.events);
        }
    })?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "sitrep worker {name}: {} documents in {} batches, {secs:.1}s ({:.0}/s; extraction {:.2}s, store {:.2}s); {} new, {} new versions, \
         {} unchanged, {} events, {} errors, {} failed, {} taken back by others",
        report.documents,
        report.batches,
        report.documents as f64 / secs.max(1e-9),
        report.extract_seconds,
        report.store_seconds,
        report.stats.new_documents,
        report.stats.new_versions,
        report.stats.unchanged,
        report.stats.events,
        report.stats.errors,
        report.failed,
        report.lost
    );
    Ok(ExitCode::SUCCESS)
}

/// Queue depth, workers and their heartbeats, throughput and errors of a PostgreSQL store.
#[derive(clap::Args)]
#[command(after_help = "Example:\n  sitrep status --db postgres://sitrep@127.0.0.1:5432/sitrep")]
pub struct StatusArgs {
    /// The PostgreSQL store, postgres://USER@HOST:PORT/DB.
    #[arg(long, value_name = "URL")]
    pub db: String,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub pg: PgArgs,
}

/// Runs `sitrep status`.
///
/// # Errors
/// Connection or database errors.
pub fn status(args: &StatusArgs) -> anyhow::Result<ExitCode> {
    let store = connect(&args.db, args.pg)?;
    let s = sitrep_pg::status(&store)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&s)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("queue     {} queued, {} claimed ({} with expired leases), {} done, {} failed", s.queued, s.claimed, s.expired_leases, s.done, s.failed);
    println!("rate      {} in the last minute, {} in the last 10 minutes ({:.1}/s)", s.done_last_minute, s.done_last_10_minutes, s.throughput_per_s);
    println!("errors    {} ingest errors, {} failed documents", s.ingest_errors, s.failed);
    println!("workers   {}", s.workers.len());
    for w in &s.workers {
        println!(
            "  {:<28} {:<8} heartbeat {:>6.0}s ago  {:>5} batches {:>7} documents {:>4} errors{}",
            w.name,
            w.state,
            w.heartbeat_age_s,
            w.batches,
            w.documents,
            w.errors,
            w.last_error.as_deref().map(|e| format!("  last: {e}")).unwrap_or_default()
        );
    }
    for (source, message) in &s.recent_errors {
        println!("  error {source}: {message}");
    }
    Ok(ExitCode::SUCCESS)
}
