//! `sitrep export`: stored events in the formats the field uses.

use std::path::PathBuf;
use std::process::ExitCode;

use sitrep_store::Filter;

/// Export stored events: ACLED-compatible CSV, GeoJSON or JSON Lines.
#[derive(clap::Args)]
#[command(
    long_about = "Export stored events (optionally filtered, as for `sitrep events`) to stdout.\n\n\
acled-csv: ACLED's 31 columns in ACLED's order and labels; fatalities = the lowest reported figure; one row per \
day for a multi-day event (fatalities divided evenly, remainder on the first day); country-level events left \
out except strategic developments. The mapping is crates/sitrep_store/data/acled.tsv.\n\
geojson: an RFC 7946 FeatureCollection of points (longitude, latitude); country-level events are not drawn.\n\
jsonl: one stored event (the contract's shape) a line.",
    after_help = "Examples:\n  sitrep export --format acled-csv country:SY > syria.csv\n  sitrep export --format geojson --redact-persons > events.geojson"
)]
pub struct Args {
    /// Filter terms, as for `sitrep events`.
    #[arg(value_name = "FILTER")]
    pub filter: Vec<String>,
    #[arg(long, value_enum)]
    pub format: Format,
    /// Replace the names of people (from the source documents' PERSON entities) with `[person]`.
    #[arg(long)]
    pub redact_persons: bool,
    /// The database: an SQLite file or a postgres://USER@HOST:PORT/DB URL.
    #[arg(long, value_name = "FILE|URL", default_value = "sitrep.db")]
    pub db: PathBuf,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    AcledCsv,
    Geojson,
    Jsonl,
}

/// Runs the command.
///
/// # Errors
/// A malformed filter, a missing database, or a write failure.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let filter = Filter::parse(&args.filter.join(" "))?;
    let store = super::events::open(&args.db)?;
    let mut events = store.events(&filter)?;
    if args.redact_persons {
        let ids: Vec<String> = events.iter().map(|e| super::events::str_at(e, &["id"]).to_owned()).collect();
        let persons = store.person_names(&ids)?;
        for e in &mut events {
            sitrep_store::export::redact(e, &persons);
        }
    }
    let out = std::io::BufWriter::new(std::io::stdout().lock());
    let n = match args.format {
        Format::AcledCsv => sitrep_store::export::write_acled_csv(&events, out)?,
        Format::Geojson => sitrep_store::export::write_geojson(&events, out)?,
        Format::Jsonl => sitrep_store::export::write_jsonl(&events, out)?,
    };
    eprintln!("sitrep: exported {n} records from {} events", events.len());
    Ok(ExitCode::SUCCESS)
}
