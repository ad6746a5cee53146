//! The gazetteer index file: a flat place table, a string pool, postings and an `fst` map from
//! name key to postings.
//!
//! Layout (all integers little-endian):
//! ```text
//! magic "SRGZ" | u32 format version | u64 FNV-1a hash of everything after this field
//! u32 source-label length | source label (UTF-8)
//! u32 place count | places (PLACE_BYTES each, see `Place::write`)
//! u32 string count | u32 byte length | string bytes | u32 end offset per string
//! u32 posting words | u32 words (per key: count, then place ids; the high bit marks an
//!                       alternate name rather than the place's own name)
//! rest: fst map bytes (key → offset of its count word in the postings)
//! ```
//! Building the same sources gives the same bytes, so the hash names the index.

use std::fmt::Write as _;

use crate::GazetteerError;

pub const MAGIC: &[u8; 4] = b"SRGZ";
pub const FORMAT_VERSION: u32 = 2;
/// Marks a posting that came from an alternate name.
pub const ALTERNATE_BIT: u32 = 1 << 31;
/// `admin1_place` when a place has no admin1 region in the table.
pub const NO_PLACE: u32 = u32::MAX;
const PLACE_BYTES: usize = 8 + 4 + 4 + 8 + 2 + 1 + 1 + 4 + 4 + 4 + 4;
/// Offset of the kind byte in a place record (after id, lat, lon, population, country).
const KIND_OFFSET: usize = 8 + 4 + 4 + 8 + 2;
/// `PlaceRec::flags` bit: the place is its country's capital.
pub const FLAG_CAPITAL: u8 = 1;

/// What kind of GeoNames feature a place is (GeoNames class and code in the comment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PlaceKind {
    /// A/PCLI: an independent political entity.
    Country = 0,
    /// A/ADM1: first-order administrative division.
    Admin1 = 1,
    /// A/ADM2: second-order division (US counties only).
    Admin2 = 2,
    /// P/PPL*: a populated place.
    City = 3,
    /// L/CONT: a continent.
    Continent = 4,
}

impl PlaceKind {
    fn from_u8(v: u8) -> Option<Self> {
        Some(match v {
            0 => Self::Country,
            1 => Self::Admin1,
            2 => Self::Admin2,
            3 => Self::City,
            4 => Self::Continent,
            _ => return None,
        })
    }
}

/// One gazetteer place. Strings are indices into the string pool.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlaceRec {
    /// 0 when the sources give no GeoNames id (computed admin regions).
    pub geonames_id: u64,
    pub lat: f32,
    pub lon: f32,
    pub population: u64,
    pub country: [u8; 2],
    pub kind: PlaceKind,
    /// `FLAG_*` bits.
    pub flags: u8,
    pub name: u32,
    /// String index of the admin1 name, `NO_PLACE` when unknown.
    pub admin1: u32,
    /// For countries: their neighbours' codes, comma-separated (GeoNames `neighbours`).
    pub admin2: u32,
    /// Index of the admin1 region place, `NO_PLACE` when unknown.
    pub admin1_place: u32,
}

impl PlaceRec {
    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.geonames_id.to_le_bytes());
        out.extend_from_slice(&self.lat.to_le_bytes());
        out.extend_from_slice(&self.lon.to_le_bytes());
        out.extend_from_slice(&self.population.to_le_bytes());
        out.extend_from_slice(&self.country);
        out.push(self.kind as u8);
        out.push(self.flags);
        out.extend_from_slice(&self.name.to_le_bytes());
        out.extend_from_slice(&self.admin1.to_le_bytes());
        out.extend_from_slice(&self.admin2.to_le_bytes());
        out.extend_from_slice(&self.admin1_place.to_le_bytes());
    }

    fn read(b: &[u8]) -> Option<Self> {
        let mut r = Reader { bytes: b, pos: 0 };
        Some(Self {
            geonames_id: r.u64()?,
            lat: f32::from_bits(r.u32()?),
            lon: f32::from_bits(r.u32()?),
            population: r.u64()?,
            country: [r.u8()?, r.u8()?],
            kind: PlaceKind::from_u8(r.u8()?)?,
            flags: r.u8()?,
            name: r.u32()?,
            admin1: r.u32()?,
            admin2: r.u32()?,
            admin1_place: r.u32()?,
        })
    }
}

/// Everything the builder hands to the writer.
pub struct IndexParts {
    pub source_label: String,
    pub places: Vec<PlaceRec>,
    pub strings: Vec<String>,
    pub postings: Vec<u32>,
    pub fst_bytes: Vec<u8>,
}

/// The decoded index, ready to query.
pub struct Index {
    pub version: String,
    /// Place records, decoded on access: nothing to decode at load.
    place_bytes: Vec<u8>,
    string_bytes: Vec<u8>,
    string_ends: Vec<u32>,
    pub postings: Vec<u32>,
    pub names: fst::Map<Vec<u8>>,
}

impl Index {
    #[must_use]
    pub fn place_count(&self) -> usize {
        self.place_bytes.len() / PLACE_BYTES
    }

    /// Place `i`.
    ///
    /// # Panics
    /// When `i` is not a place index from this index's own postings (a bug).
    #[must_use]
    pub fn place(&self, i: u32) -> PlaceRec {
        let at = i as usize * PLACE_BYTES;
        PlaceRec::read(&self.place_bytes[at..at + PLACE_BYTES]).expect("place records are checked at load")
    }

    pub fn places(&self) -> impl Iterator<Item = PlaceRec> + '_ {
        self.place_bytes.chunks_exact(PLACE_BYTES).filter_map(PlaceRec::read)
    }

    #[must_use]
    pub fn string(&self, i: u32) -> &str {
        if i == NO_PLACE {
            return "";
        }
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.string_ends[i - 1] as usize };
        let end = self.string_ends[i] as usize;
        std::str::from_utf8(&self.string_bytes[start..end]).unwrap_or("")
    }

    /// Postings of a key: (place index, from an alternate name).
    pub fn lookup(&self, key: &str) -> impl Iterator<Item = (u32, bool)> + '_ {
        let slice: &[u32] = match self.names.get(key) {
            Some(off) => {
                let off = usize::try_from(off).unwrap_or(usize::MAX);
                match self.postings.get(off) {
                    Some(&n) => self.postings.get(off + 1..off + 1 + n as usize).unwrap_or(&[]),
                    None => &[],
                }
            }
            None => &[],
        };
        slice.iter().map(|&w| (w & !ALTERNATE_BIT, w & ALTERNATE_BIT != 0))
    }

    /// Whether any key starts with `prefix` followed by a space: lets the recogniser stop
    /// extending a phrase early.
    #[must_use]
    pub fn has_longer_key(&self, prefix: &str) -> bool {
        use fst::{IntoStreamer, Streamer};
        let mut lo = prefix.as_bytes().to_vec();
        lo.push(b' ');
        let mut hi = prefix.as_bytes().to_vec();
        hi.push(b' ' + 1);
        let mut stream = self.names.range().ge(&lo).lt(&hi).into_stream();
        stream.next().is_some()
    }
}

pub fn write(parts: &IndexParts) -> Vec<u8> {
    let mut body = Vec::new();
    put_u32(&mut body, len_u32(parts.source_label.len()));
    body.extend_from_slice(parts.source_label.as_bytes());
    put_u32(&mut body, len_u32(parts.places.len()));
    for p in &parts.places {
        p.write(&mut body);
    }
    put_u32(&mut body, len_u32(parts.strings.len()));
    let total: usize = parts.strings.iter().map(String::len).sum();
    put_u32(&mut body, len_u32(total));
    let mut ends = Vec::with_capacity(parts.strings.len());
    let mut acc = 0usize;
    for s in &parts.strings {
        body.extend_from_slice(s.as_bytes());
        acc += s.len();
        ends.push(len_u32(acc));
    }
    for e in ends {
        put_u32(&mut body, e);
    }
    put_u32(&mut body, len_u32(parts.postings.len()));
    for &w in &parts.postings {
        put_u32(&mut body, w);
    }
    body.extend_from_slice(&parts.fst_bytes);

    let mut out = Vec::with_capacity(body.len() + 16);
    out.extend_from_slice(MAGIC);
    put_u32(&mut out, FORMAT_VERSION);
    out.extend_from_slice(&fnv1a(&body).to_le_bytes());
    out.extend_from_slice(&body);
    out
}

pub fn read(mut owned: Vec<u8>) -> Result<Index, GazetteerError> {
    let bytes = &owned[..];
    let bad = |what: &str| GazetteerError::Corrupt(what.to_owned());
    if bytes.len() < 16 || &bytes[..4] != MAGIC {
        return Err(bad("not a sitrep gazetteer index (bad magic)"));
    }
    let mut r = Reader { bytes, pos: 4 };
    let version = r.u32().ok_or_else(|| bad("truncated header"))?;
    if version != FORMAT_VERSION {
        return Err(GazetteerError::Corrupt(format!(
            "index format {version}, this sitrep reads format {FORMAT_VERSION}: rebuild it"
        )));
    }
    let hash = r.u64().ok_or_else(|| bad("truncated header"))?;
    let label_len = r.u32().ok_or_else(|| bad("truncated label"))? as usize;
    let label = std::str::from_utf8(r.take(label_len).ok_or_else(|| bad("truncated label"))?)
        .map_err(|_| bad("label is not UTF-8"))?;
    let mut version_str = String::new();
    let _ = write!(version_str, "{label}/{hash:016x}");

    let n_places = r.u32().ok_or_else(|| bad("truncated places"))? as usize;
    let place_bytes = r.take(n_places * PLACE_BYTES).ok_or_else(|| bad("truncated places"))?.to_vec();
    // Only the kind byte can be invalid; checking it here lets `place` decode without failing.
    if place_bytes.chunks_exact(PLACE_BYTES).any(|b| PlaceKind::from_u8(b[KIND_OFFSET]).is_none()) {
        return Err(bad("bad place record"));
    }

    let n_strings = r.u32().ok_or_else(|| bad("truncated strings"))? as usize;
    let total = r.u32().ok_or_else(|| bad("truncated strings"))? as usize;
    let string_bytes = r.take(total).ok_or_else(|| bad("truncated strings"))?.to_vec();
    let string_ends = r.u32s(n_strings).ok_or_else(|| bad("truncated strings"))?;
    if std::str::from_utf8(&string_bytes).is_err() {
        return Err(bad("string pool is not UTF-8"));
    }

    let n_postings = r.u32().ok_or_else(|| bad("truncated postings"))? as usize;
    let postings = r.u32s(n_postings).ok_or_else(|| bad("truncated postings"))?;
    let fst_start = r.pos;
    // The name map is the file's tail: split it off rather than copy ~15 MB at every load.
    let fst_bytes = owned.split_off(fst_start);
    drop(owned);
    let names = fst::Map::new(fst_bytes).map_err(|e| GazetteerError::Corrupt(format!("name map: {e}")))?;
    Ok(Index { version: version_str, place_bytes, string_bytes, string_ends, postings, names })
}

/// FNV-1a, 64-bit: a stable content hash with no dependency.
#[must_use]
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn len_u32(n: usize) -> u32 {
    u32::try_from(n).expect("gazetteer tables stay below 4 GiB")
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.bytes.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(s)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self) -> Option<u64> {
        self.take(8).map(|b| u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
    }
    fn u32s(&mut self, n: usize) -> Option<Vec<u32>> {
        let b = self.take(n.checked_mul(4)?)?;
        Some(b.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
    }
}
