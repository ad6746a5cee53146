//! `sitrep coverage`: documents per outlet and day, so "no events" can be told from "no sources".

use std::path::PathBuf;
use std::process::ExitCode;


/// Documents stored per outlet and publication day, with their events.
#[derive(clap::Args)]
#[command(after_help = "Example:\n  sitrep coverage --db events.db")]
pub struct Args {
    /// The database: an SQLite file or a postgres://USER@HOST:PORT/DB URL.
    #[arg(long, value_name = "FILE|URL", default_value = "sitrep.db")]
    pub db: PathBuf,
    /// Print JSON Lines instead of a table.
    #[arg(long)]
    pub jsonl: bool,
}

/// Runs the command.
///
/// # Errors
/// A missing database.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let store = super::events::open(&args.db)?;
    let rows = store.coverage()?;
    if args.jsonl {
        for r in &rows {
            println!("{}", serde_json::to_string(r)?);
        }
    } else {
        println!("{:<12} {:<32} {:>9} {:>7}", "day", "outlet", "documents", "events");
        for r in &rows {
            println!("{:<12} {:<32} {:>9} {:>7}", r.day, r.outlet, r.documents, r.events);
        }
    }
    Ok(ExitCode::SUCCESS)
}
