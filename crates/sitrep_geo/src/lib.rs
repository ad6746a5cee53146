//! sitrep's geography stage: finds place names in a [`Document`], resolves each to a GeoNames
//! place (coordinates, admin1, admin2, ISO country, precision), and gives events their location.
//!
//! - [`Gazetteer::load_default`] loads the index `scripts/setup-gazetteer.sh` builds;
//! - [`Gazetteer::annotate`] fills `doc.places` and `entity.geo` (creating GPE/LOC/NORP
//!   entities for toponyms the entity tagger missed);
//! - [`locate_events`] sets each event's `location` from the places its clause names;
//! - [`Gazetteer::resolve_span`] and [`Gazetteer::most_populous`] serve the evaluator.

use std::path::{Path, PathBuf};
use std::time::Instant;

mod build;
mod country_centre;
mod fold;
mod index;
mod lexicon;
mod locate;
mod outlet;
mod recognise;
mod resolve;
mod variants;

pub use build::{build, BuildReport, INDEX_FILE, SOURCE_LABEL};
pub use fold::fold;
pub use index::PlaceKind;
pub use locate::locate_events;
pub use outlet::host_of;

use sitrep_core::{Geo, GeoPrecision};

use crate::index::{Index, PlaceRec, NO_PLACE};
use crate::lexicon::{AliasTarget, Lexicon};

/// Key prefix of US state postal codes in the index (text folding never produces `#`).
pub(crate) const US_STATE_KEY_PREFIX: &str = "#us-";
/// Key prefix of continents by GeoNames continent code.
pub(crate) const CONTINENT_KEY_PREFIX: &str = "#continent-";

#[derive(Debug, thiserror::Error)]
pub enum GazetteerError {
    #[error("no gazetteer index found (looked in {looked}); run scripts/setup-gazetteer.sh to install the GeoNames data and build it, or set SITREP_GAZETTEER to its folder")]
    Missing { looked: String },
    #[error("reading {0}: {1}")]
    Io(String, #[source] std::io::Error),
    #[error("the gazetteer index is unreadable ({0}); rebuild it with scripts/setup-gazetteer.sh")]
    Corrupt(String),
    #[error("gazetteer source data: {0}")]
    Source(String),
}

/// The loaded gazetteer: read-only, shared by every thread.
pub struct Gazetteer {
    index: Index,
    lex: Lexicon,
    outlet_words: outlet::OutletWords,
    /// Country code → country place.
    countries: std::collections::HashMap<[u8; 2], u32>,
    /// Country code → its neighbours' codes.
    neighbours: std::collections::HashMap<[u8; 2], Vec<[u8; 2]>>,
    /// First-order regions by the skeleton of their name ("Lowgar" for "Logar province").
    region_variants: variants::RegionVariants,
    load_ms: f64,
}

/// One candidate place for a name, as the evaluator and tests see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub kind: PlaceKind,
    pub geo: Geo,
    pub population: u64,
}

impl Gazetteer {
    /// Loads the index from the first folder that has one: `$SITREP_GAZETTEER`,
    /// `./data/gazetteer`, `../../data/gazetteer` beside the executable (so
    /// `target/release/sitrep` finds the repository's), `data/gazetteer` in the working
    /// directory's parents, then the repository this crate was built in.
    ///
    /// # Errors
    /// [`GazetteerError::Missing`] (saying to run `scripts/setup-gazetteer.sh`) when no folder
    /// has an index; other variants when it is unreadable.
    pub fn load_default() -> Result<Self, GazetteerError> {
        let mut looked = Vec::new();
        for dir in default_dirs() {
            if dir.join(INDEX_FILE).is_file() {
                return Self::load(&dir);
            }
            looked.push(dir.display().to_string());
        }
        Err(GazetteerError::Missing { looked: looked.join(", ") })
    }

    /// Loads the index in `dir`.
    ///
    /// # Errors
    /// When the file is missing or not a current sitrep gazetteer index.
    pub fn load(dir: &Path) -> Result<Self, GazetteerError> {
        let started = Instant::now();
        let path = dir.join(INDEX_FILE);
        if !path.is_file() {
            return Err(GazetteerError::Missing { looked: dir.display().to_string() });
        }
        let bytes = std::fs::read(&path).map_err(|e| GazetteerError::Io(path.display().to_string(), e))?;
        let index = index::read(bytes)?;
        let mut countries = std::collections::HashMap::new();
        let mut neighbours = std::collections::HashMap::new();
        for (i, p) in index.places().enumerate() {
            if p.kind == PlaceKind::Country {
                countries.insert(p.country, u32::try_from(i).unwrap_or(NO_PLACE));
                let list: Vec<[u8; 2]> = index
                    .string(p.admin2)
                    .split(',')
                    .filter_map(|c| <[u8; 2]>::try_from(c.trim().as_bytes()).ok())
                    .collect();
                neighbours.insert(p.country, list);
            }
        }
        let region_variants = variants::RegionVariants::build(
            index
                .places()
                .enumerate()
                .filter(|(_, p)| p.kind == PlaceKind::Admin1)
                .map(|(i, p)| (u32::try_from(i).unwrap_or(NO_PLACE), p.country, index.string(p.name))),
        );
        let mut gaz = Self {
            region_variants,
            index,
            lex: Lexicon::compiled(),
            outlet_words: outlet::OutletWords::compiled(),
            countries,
            neighbours,
            load_ms: 0.0,
        };
        gaz.load_ms = started.elapsed().as_secs_f64() * 1000.0;
        Ok(gaz)
    }

    /// `"<sources>/<content hash>"`: what `Provenance.gazetteer` records.
    #[must_use]
    pub fn version(&self) -> &str {
        &self.index.version
    }

    /// How long [`Gazetteer::load`] took, for `sitrep bench`.
    #[must_use]
    pub fn load_ms(&self) -> f64 {
        self.load_ms
    }

    #[must_use]
    pub fn place_count(&self) -> usize {
        self.index.place_count()
    }

    /// Every place a name may refer to (folded lookup, aliases and demonyms included).
    #[must_use]
    pub fn candidates(&self, name: &str) -> Vec<Candidate> {
        self.candidate_ids(&fold(name), true)
            .into_iter()
            .map(|(id, _)| {
                let p = self.index.place(id);
                Candidate { kind: p.kind, geo: self.geo(id, 1.0), population: p.population }
            })
            .collect()
    }

    /// The most-populous-candidate baseline: the candidate with the largest population,
    /// whatever the context.
    #[must_use]
    pub fn most_populous(&self, name: &str) -> Option<Geo> {
        let ids = self.candidate_ids(&fold(name), true);
        ids.iter()
            .max_by_key(|(id, _)| (self.index.place(*id).population, std::cmp::Reverse(*id)))
            .map(|(id, _)| self.geo(*id, 1.0))
    }

    /// Postings for a key, plus alias and (when asked) demonym targets.
    pub(crate) fn candidate_ids(&self, key: &str, with_demonyms: bool) -> Vec<(u32, bool)> {
        let mut out: Vec<(u32, bool)> = self.index.lookup(key).collect();
        // "North Darfur" / "Northern Darfur" / "Nord-Kivu": sources write a region's compass word
        // in several forms; GeoNames keeps one. Only regions answer to the other forms.
        if out.is_empty() {
            for variant in compass_variants(key) {
                out.extend(
                    self.index
                        .lookup(&variant)
                        .filter(|(id, _)| self.index.place(*id).kind == PlaceKind::Admin1)
                        .map(|(id, _)| (id, true)),
                );
            }
        }
        // "Mt. Pleasant", "Ft. Worth": the sources spell most such names out ("Mount
        // Pleasant", "Fort Worth") and list the abbreviation for few of them. ("St." is left
        // alone: the sources list it widely, and "St Patrick's" is no Saint Patrick parish.)
        for (short, long) in [("mt ", "mount "), ("ft ", "fort ")] {
            if let Some(rest) = key.strip_prefix(short) {
                for posting in self.index.lookup(&format!("{long}{rest}")) {
                    if !out.iter().any(|(id, _)| *id == posting.0) {
                        out.push(posting);
                    }
                }
            }
        }
        if let Some((target, _)) = self.lex.aliases.get(key) {
            if let Some(id) = self.alias_place(target) {
                // The alias list is curated: its target answers to the name as fully as the
                // place's own name ("DPRK" is only an alternate spelling in the sources).
                match out.iter_mut().find(|(i, _)| *i == id) {
                    Some(posting) => posting.1 = false,
                    None => out.push((id, false)),
                }
            }
        }
        if with_demonyms && out.is_empty() {
            if let Some(id) = self.lex.demonyms.get(key).and_then(|cc| self.country_place(cc)) {
                out.push((id, false));
            }
        }
        out
    }

    pub(crate) fn alias_place(&self, target: &AliasTarget) -> Option<u32> {
        match target {
            AliasTarget::Country(cc) => self.country_place(cc),
            AliasTarget::UsState(code) => self.us_state(code),
            AliasTarget::Admin1(cc, key) => self.index.lookup(key).map(|(id, _)| id).find(|&id| {
                let p = self.index.place(id);
                p.kind == PlaceKind::Admin1 && p.country == cc.as_bytes()[..2]
            }),
            AliasTarget::City(cc, key) => self
                .index
                .lookup(key)
                .map(|(id, _)| id)
                .filter(|&id| {
                    let p = self.index.place(id);
                    p.kind == PlaceKind::City && p.country == cc.as_bytes()[..2]
                })
                .max_by_key(|&id| (self.index.place(id).population, std::cmp::Reverse(id))),
        }
    }

    pub(crate) fn continent(&self, code: &str) -> Option<u32> {
        self.index.lookup(&format!("{CONTINENT_KEY_PREFIX}{}", code.to_ascii_lowercase())).next().map(|(id, _)| id)
    }

    pub(crate) fn neighbours(&self, cc: [u8; 2]) -> &[[u8; 2]] {
        self.neighbours.get(&cc).map_or(&[], Vec::as_slice)
    }

    /// A country code, or `@XX` for a continent (demonyms and aliases use both).
    pub(crate) fn country_place(&self, cc: &str) -> Option<u32> {
        if let Some(code) = cc.strip_prefix('@') {
            return self.continent(code);
        }
        let b = cc.as_bytes();
        (b.len() == 2).then(|| self.countries.get(&[b[0], b[1]]).copied()).flatten()
    }

    pub(crate) fn us_state(&self, code: &str) -> Option<u32> {
        self.index.lookup(&format!("{US_STATE_KEY_PREFIX}{}", code.to_ascii_lowercase())).next().map(|(id, _)| id)
    }

    pub(crate) fn place(&self, id: u32) -> PlaceRec {
        self.index.place(id)
    }

    /// The contract's view of a place.
    pub(crate) fn geo(&self, id: u32, confidence: f64) -> Geo {
        let p = self.place(id);
        let opt = |s: u32| (s != NO_PLACE).then(|| self.index.string(s).to_owned()).filter(|s| !s.is_empty());
        Geo {
            geonames_id: (p.geonames_id != 0).then_some(p.geonames_id),
            name: self.index.string(p.name).to_owned(),
            lat: round5(p.lat),
            lon: round5(p.lon),
            country: Some(String::from_utf8_lossy(&p.country).into_owned()),
            admin1: if matches!(p.kind, PlaceKind::Country | PlaceKind::Continent) { None } else { opt(p.admin1) },
            admin2: if matches!(p.kind, PlaceKind::City | PlaceKind::Admin2) { opt(p.admin2) } else { None },
            precision: match p.kind {
                PlaceKind::Country => GeoPrecision::Country,
                PlaceKind::Continent => GeoPrecision::Region,
                PlaceKind::Admin1 | PlaceKind::Admin2 => GeoPrecision::Region,
                PlaceKind::City => GeoPrecision::City,
            },
            confidence,
        }
    }

    pub(crate) fn has_key(&self, key: &str) -> bool {
        self.index.names.contains_key(key)
            || self.lex.aliases.contains_key(key)
            || compass_variants(key).iter().any(|v| self.index.names.contains_key(v))
    }

    pub(crate) fn has_longer_key(&self, key: &str) -> bool {
        self.index.has_longer_key(key)
    }
}

/// f32 coordinates printed as the decimal they were parsed from (5 places, ~1 m).
fn round5(v: f32) -> f64 {
    (f64::from(v) * 1e5).round() / 1e5
}

fn default_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(dir) = std::env::var_os("SITREP_GAZETTEER") {
        dirs.push(PathBuf::from(dir));
    }
    dirs.push(PathBuf::from("data/gazetteer"));
    if let Some(exe_dir) = std::env::current_exe().ok().and_then(|p| p.parent().map(Path::to_path_buf)) {
        dirs.push(exe_dir.join("../../data/gazetteer"));
    }
    // `cargo test` runs in the crate's folder, with the target dir anywhere: also look up
    // from the working directory, and in the repository this crate was built from.
    if let Ok(cwd) = std::env::current_dir() {
        dirs.extend(cwd.ancestors().skip(1).take(3).map(|d| d.join("data/gazetteer")));
    }
    dirs.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/gazetteer"));
    dirs
}

/// Great-circle distance in km.
#[must_use]
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0088 * a.sqrt().min(1.0).asin()
}

/// Loads the repository's gazetteer for tests: fails (never skips) with the setup hint.
#[doc(hidden)]
#[must_use]
pub fn test_gazetteer() -> &'static Gazetteer {
    static GAZ: std::sync::OnceLock<Gazetteer> = std::sync::OnceLock::new();
    GAZ.get_or_init(|| {
        let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/gazetteer");
        let dir = std::env::var_os("SITREP_GAZETTEER").map_or(repo, PathBuf::from);
        Gazetteer::load(&dir).unwrap_or_else(|e| panic!("{e}"))
    })
}

/// The other spellings of a folded name's leading compass word ("north darfur" → "northern
/// darfur", "nord darfur"); empty when it has none.
fn compass_variants(key: &str) -> Vec<String> {
    const FORMS: [&[&str]; 5] = [
        &["north", "northern", "nord"],
        &["south", "southern", "sud"],
        &["east", "eastern", "est"],
        &["west", "western", "ouest"],
        &["central", "centre", "center"],
    ];
    let Some((first, rest)) = key.split_once(' ') else { return Vec::new() };
    FORMS
        .iter()
        .find(|forms| forms.contains(&first))
        .map(|forms| forms.iter().filter(|f| **f != first).map(|f| format!("{f} {rest}")).collect())
        .unwrap_or_default()
}
