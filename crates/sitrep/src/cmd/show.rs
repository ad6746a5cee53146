//! `sitrep show`: one stored event, its sources, and why each was joined.

use std::path::PathBuf;
use std::process::ExitCode;


/// Show one stored event with its sources and the reasons they were merged.
#[derive(clap::Args)]
#[command(after_help = "Example:\n  sitrep show SR-SY-000123 --db events.db")]
pub struct Args {
    /// Stored event id, e.g. SR-SY-000123.
    pub id: String,
    /// Print the stored event as JSON (with an `explanation` array) instead of text.
    #[arg(long)]
    pub json: bool,
    /// The database: an SQLite file or a postgres://USER@HOST:PORT/DB URL.
    #[arg(long, value_name = "FILE|URL", default_value = "sitrep.db")]
    pub db: PathBuf,
}

/// Runs the command.
///
/// # Errors
/// A missing database or event.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let store = super::events::open(&args.db)?;
    let Some((event, sources)) = store.event(&args.id)? else {
        anyhow::bail!("no stored event {} in {} (list them with `sitrep events`)", args.id, args.db.display());
    };
    if args.json {
        let mut v = event;
        v["explanation"] = serde_json::to_value(&sources)?;
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(ExitCode::SUCCESS);
    }
    let s = |p: &[&str]| super::events::str_at(&event, p).to_owned();
    println!("{}  (version {}, first seen {}, updated {})", s(&["id"]), event["version"], s(&["first_seen"]), s(&["updated_at"]));
    println!("  {} / {}", s(&["event_type"]), s(&["sub_event_type"]));
    println!("  date      {} .. {} ({})", s(&["date", "start"]), s(&["date", "end"]), s(&["date", "precision"]));
    println!("  place     {} ({}, {}) {}", s(&["location", "name"]), s(&["location", "admin1"]), s(&["location", "country"]), s(&["location", "precision"]));
    println!("  actors    {} / {}", s(&["actor1", "name"]), s(&["actor2", "name"]));
    println!("  killed    {}{}", event["fatalities"], if event["contested"].as_bool().unwrap_or(false) { "  (contested)" } else { "" });
    if !s(&["notes"]).is_empty() {
        println!("  notes     {}", s(&["notes"]));
    }
    println!("  sources ({}):", sources.len());
    for src in &sources {
        println!(
            "    - {} {} [{}]{}",
            src.outlet.as_deref().unwrap_or("(unknown outlet)"),
            src.url.as_deref().unwrap_or(&src.document_id),
            src.event_id,
            if src.independent { "" } else { "  not independent (syndicated copy)" }
        );
        println!("      why: {}", src.reason);
    }
    Ok(ExitCode::SUCCESS)
}
