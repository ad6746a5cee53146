//! `sitrep migrate`: an SQLite store into PostgreSQL.

use std::path::PathBuf;
use std::process::ExitCode;

/// Copy an SQLite event store into an empty PostgreSQL store.
#[derive(clap::Args)]
#[command(
    long_about = "Copy every document, version, per-document event, stored event (with its versions, sources and \
reasons), claim, place, ingest run and error from an SQLite store into an empty PostgreSQL store, in one \
transaction, keeping ids (SR-… public ids stay the same). The newsletter tables are not copied yet.",
    after_help = "Example:\n  sitrep migrate --from sitrep.db --to postgres://sitrep@127.0.0.1:5432/sitrep"
)]
pub struct Args {
    /// The SQLite store.
    #[arg(long, value_name = "FILE")]
    pub from: PathBuf,
    /// The PostgreSQL store, postgres://USER@HOST:PORT/DB (created tables, no documents yet).
    #[arg(long, value_name = "URL")]
    pub to: String,
    #[command(flatten)]
    pub pg: super::queue::PgArgs,
}

/// Runs the command.
///
/// # Errors
/// A missing SQLite file, a non-empty target, or database errors.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    if !args.from.exists() {
        anyhow::bail!("{}: no such database", args.from.display());
    }
    let mut store = super::queue::connect(&args.to, args.pg)?;
    let copied = sitrep_pg::migrate::migrate_sqlite(&args.from, &mut store)?;
    for (table, n) in &copied {
        eprintln!("sitrep: {table}: {n} rows");
    }
    eprintln!("sitrep: migrated {} into {}", args.from.display(), args.to);
    Ok(ExitCode::SUCCESS)
}
