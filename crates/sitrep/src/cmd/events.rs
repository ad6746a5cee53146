//! `sitrep events`: query the stored events.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::Value;
use sitrep_store::Filter;

/// List stored events matching a filter.
#[derive(clap::Args)]
#[command(
    long_about = "List stored (merged) events matching a filter, in date order.\n\n\
FILTER terms (all must hold): country:SY,IQ  admin1:Nineveh  bbox:W,S,E,N  date:2026-03-01..2026-03-31 \
(or date:DAY, from:DAY, to:DAY)  type:battles  subtype:air_drone_strike  actor:\"Islamic State\"  contested \
(or contested:no)  fatalities>=5  confidence>=0.8; any other word is free text matched against notes, places, \
actors and outlets.",
    after_help = "Examples:\n  sitrep events country:SY fatalities>=5\n  sitrep events date:2026-03-01..2026-03-07 contested --format jsonl\n  \
sitrep events bbox:35,32,43,38 --format geojson > map.geojson"
)]
pub struct Args {
    /// Filter terms (see above).
    #[arg(value_name = "FILTER")]
    pub filter: Vec<String>,
    /// The database: an SQLite file or a postgres://USER@HOST:PORT/DB URL.
    #[arg(long, value_name = "FILE|URL", default_value = "sitrep.db")]
    pub db: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Table,
    Jsonl,
    Csv,
    Geojson,
}

/// Opens an existing database, an SQLite file or a `postgres://` URL (never creates a file by
/// accident on a typo).
pub(crate) fn open(db: &std::path::Path) -> anyhow::Result<sitrep_pg::AnyStore> {
    let name = db.to_string_lossy();
    sitrep_pg::open_store(&name, false, &sitrep_pg::PgOptions::default()).map_err(|e| anyhow::anyhow!("{name}: {e}"))
}

pub(crate) fn str_at<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    let mut cur = v;
    for p in path {
        match cur.get(p) {
            Some(x) => cur = x,
            None => return "",
        }
    }
    cur.as_str().unwrap_or("")
}

/// Runs the command.
///
/// # Errors
/// A malformed filter, a missing database, or a write failure.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let filter = Filter::parse(&args.filter.join(" "))?;
    let store = open(&args.db)?;
    let events = store.events(&filter)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        Format::Jsonl => {
            sitrep_store::export::write_jsonl(&events, &mut out)?;
        }
        Format::Geojson => {
            sitrep_store::export::write_geojson(&events, &mut out)?;
        }
        Format::Csv => {
            sitrep_store::export::write_events_csv(&events, &mut out)?;
        }
        Format::Table => {
            writeln!(out, "{:<15} {:<10} {:<28} {:<22} {:>6} {:>4}  actors", "id", "date", "type", "place", "killed", "src")?;
            for e in &events {
                let killed = e.get("fatalities").and_then(|f| f.get("low")).and_then(Value::as_u64).map(|n| n.to_string()).unwrap_or_else(|| "-".into());
                let place = format!("{}, {}", str_at(e, &["location", "name"]), str_at(e, &["location", "country"]));
                writeln!(
                    out,
                    "{:<15} {:<10} {:<28} {:<22} {:>6}{} {:>4}  {} / {}",
                    str_at(e, &["id"]),
                    str_at(e, &["date", "start"]),
                    str_at(e, &["sub_event_type"]),
                    place.chars().take(22).collect::<String>(),
                    killed,
                    if e["contested"].as_bool().unwrap_or(false) { "*" } else { " " },
                    e["sources"].as_array().map_or(0, Vec::len),
                    str_at(e, &["actor1", "name"]),
                    str_at(e, &["actor2", "name"]),
                )?;
            }
            writeln!(out, "{} events (* contested)", events.len())?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
