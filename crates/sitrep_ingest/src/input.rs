//! Finding inputs and reading their bytes under the limits: `--max-bytes` and the gzip expansion cap.

use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

use crate::error::IngestError;
use crate::Format;

/// A gzip input may expand to at most this many times its compressed size (once past
/// [`GZIP_RATIO_FLOOR`]). Text and HTML compress 3–15×; deflate's ceiling is about 1,000×,
/// which only crafted or degenerate input reaches.
pub const GZIP_MAX_RATIO: u64 = 100;
/// Below this many expanded bytes the ratio is not checked: tiny files of repeated text are harmless.
const GZIP_RATIO_FLOOR: u64 = 1024 * 1024;

/// Where one input comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputPath {
    Stdin,
    File(PathBuf),
}

impl InputPath {
    /// How the input is named in messages and in `Document::source`.
    #[must_use]
    pub fn label(&self) -> String {
        match self {
            Self::Stdin => "<stdin>".to_owned(),
            Self::File(p) => p.display().to_string(),
        }
    }
}

/// One input's bytes (decompressed), with what its name says about its format.
#[derive(Debug, Clone)]
pub struct Input {
    /// Path as given, or `<stdin>`.
    pub source: String,
    /// The file's stem, for readable document ids (`bangui-wire` for `samples/bangui-wire.txt`).
    pub stem: Option<String>,
    /// Lower-cased extension with any `.gz` removed (`html` for `page.HTML.gz`).
    pub extension: Option<String>,
    pub bytes: Vec<u8>,
}

impl Input {
    /// An in-memory input (tests, library callers).
    #[must_use]
    pub fn from_bytes(source: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        let source = source.into();
        let (stem, extension) = name_parts(Path::new(&source));
        Self { source, stem, extension, bytes: bytes.into() }
    }
}

/// The inputs `path` stands for: itself, `-` for standard input, or for a directory every file
/// beneath it whose extension names a format (`.txt`, `.html`, `.htm`, `.jsonl`, `.ndjson`,
/// each optionally `.gz`), in sorted path order so runs are reproducible. Hidden files and
/// folders (`.git`) are left out. A problem with one entry is returned in its place.
#[must_use]
pub fn collect_inputs(path: &Path) -> Vec<Result<InputPath, (String, IngestError)>> {
    if path.as_os_str() == "-" {
        return vec![Ok(InputPath::Stdin)];
    }
    if !path.is_dir() {
        return vec![Ok(InputPath::File(path.to_path_buf()))];
    }
    let mut found = Vec::new();
    let walk = walkdir::WalkDir::new(path)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walk {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let (_, ext) = name_parts(e.path());
                if ext.as_deref().and_then(Format::from_extension).is_some() {
                    found.push(Ok(InputPath::File(e.into_path())));
                }
            }
            Ok(_) => {}
            Err(err) => {
                let at = err.path().unwrap_or(path).to_path_buf();
                let io = err.into_io_error().unwrap_or_else(|| std::io::Error::other("filesystem loop"));
                found.push(Err((at.display().to_string(), IngestError::io(at, io))));
            }
        }
    }
    if found.is_empty() {
        found.push(Err((path.display().to_string(), IngestError::NoInputs)));
    }
    found
}

/// The extension of an input path (lower-cased, through `.gz`), for choosing a format before reading.
#[must_use]
pub fn extension_of(path: &InputPath) -> Option<String> {
    match path {
        InputPath::Stdin => None,
        InputPath::File(p) => name_parts(p).1,
    }
}

/// Reads an input in full, refusing more than `max_bytes` (before and after decompression) and
/// gzip that expands past [`GZIP_MAX_RATIO`]. Never reads more than `max_bytes + 1` bytes.
///
/// # Errors
/// Unreadable, too large, empty (or only whitespace), corrupt gzip, or a gzip bomb.
pub fn load(path: &InputPath, max_bytes: u64) -> Result<Input, IngestError> {
    let (source, stem, extension, gz_name, raw) = match path {
        InputPath::Stdin => {
            let raw = read_capped(std::io::stdin().lock(), max_bytes).map_err(|e| IngestError::io("-", e))?;
            ("<stdin>".to_owned(), None, None, false, raw)
        }
        InputPath::File(p) => {
            let meta = std::fs::metadata(p).map_err(|e| IngestError::io(p, e))?;
            // Checked before reading so a huge file is refused at once, not after loading it.
            if meta.len() > max_bytes {
                return Err(IngestError::TooLarge { size: meta.len(), limit: max_bytes });
            }
            let file = std::fs::File::open(p).map_err(|e| IngestError::io(p, e))?;
            let raw = read_capped(file, max_bytes).map_err(|e| IngestError::io(p, e))?;
            let gz = p.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz"));
            let (stem, ext) = name_parts(p);
            (p.display().to_string(), stem, ext, gz, raw)
        }
    };
    if raw.len() as u64 > max_bytes {
        return Err(IngestError::TooLarge { size: raw.len() as u64, limit: max_bytes });
    }
    let bytes = if gz_name || raw.starts_with(&[0x1f, 0x8b]) { gunzip(&raw, max_bytes)? } else { raw };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(IngestError::Empty);
    }
    Ok(Input { source, stem, extension, bytes })
}

/// Reads at most `max_bytes + 1` bytes: one past the limit is enough to know it was exceeded.
fn read_capped(reader: impl Read, max_bytes: u64) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    reader.take(max_bytes.saturating_add(1)).read_to_end(&mut buf)?;
    Ok(buf)
}

/// Decompresses under both caps; stops reading as soon as either is passed.
fn gunzip(compressed: &[u8], max_bytes: u64) -> Result<Vec<u8>, IngestError> {
    let by_ratio = (compressed.len() as u64).saturating_mul(GZIP_MAX_RATIO).max(GZIP_RATIO_FLOOR);
    let cap = by_ratio.min(max_bytes);
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(compressed)
        .take(cap.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(IngestError::BadGzip)?;
    if out.len() as u64 > cap {
        let reason = if by_ratio < max_bytes {
            "more than 100 times its compressed size"
        } else {
            "over --max-bytes once decompressed"
        };
        return Err(IngestError::GzipBomb { compressed: compressed.len() as u64, expanded: cap, reason });
    }
    Ok(out)
}

/// Opens an input as a stream (for formats read record by record), decompressing gzip (by
/// name or magic bytes) under the ratio cap, counted as the stream is read.
///
/// # Errors
/// Unreadable input.
pub fn open_stream(path: &InputPath) -> Result<Stream, IngestError> {
    let (source, stem, gz_name, raw): (String, Option<String>, bool, Box<dyn Read>) = match path {
        InputPath::Stdin => ("<stdin>".to_owned(), None, false, Box::new(std::io::stdin())),
        InputPath::File(p) => {
            let file = std::fs::File::open(p).map_err(|e| IngestError::io(p, e))?;
            let gz = p.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz"));
            (p.display().to_string(), name_parts(p).0, gz, Box::new(file))
        }
    };
    let mut raw = std::io::BufReader::new(raw);
    let magic = raw.fill_buf().map_err(|e| IngestError::io(&source, e))?.starts_with(&[0x1f, 0x8b]);
    if !(gz_name || magic) {
        return Ok(Stream { source, stem, reader: Box::new(raw) });
    }
    let compressed = Counted { inner: raw, count: std::rc::Rc::new(std::cell::Cell::new(0)) };
    let compressed_count = compressed.count.clone();
    let decoder = flate2::read::MultiGzDecoder::new(compressed);
    let capped = RatioCapped { inner: decoder, compressed: compressed_count, expanded: 0 };
    Ok(Stream { source, stem, reader: Box::new(std::io::BufReader::new(capped)) })
}

/// An input opened for reading record by record.
pub struct Stream {
    /// Path as given, or `<stdin>`.
    pub source: String,
    pub stem: Option<String>,
    pub reader: Box<dyn BufRead>,
}

/// Counts the bytes read through it.
struct Counted<R> {
    inner: R,
    count: std::rc::Rc<std::cell::Cell<u64>>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// Fails the read, with a [`IngestError::GzipBomb`] inside the I/O error, once the output
/// passes [`GZIP_MAX_RATIO`] times the compressed bytes read so far.
struct RatioCapped<R> {
    inner: R,
    compressed: std::rc::Rc<std::cell::Cell<u64>>,
    expanded: u64,
}

impl<R: Read> Read for RatioCapped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf).map_err(|e| std::io::Error::other(IngestError::BadGzip(e)))?;
        self.expanded += n as u64;
        let compressed = self.compressed.get();
        if self.expanded > compressed.saturating_mul(GZIP_MAX_RATIO).max(GZIP_RATIO_FLOOR) {
            return Err(std::io::Error::other(IngestError::GzipBomb {
                compressed,
                expanded: self.expanded,
                reason: "more than 100 times its compressed size",
            }));
        }
        Ok(n)
    }
}

/// File stem and lower-cased format extension, looking through one `.gz`.
fn name_parts(path: &Path) -> (Option<String>, Option<String>) {
    let mut path = path.to_path_buf();
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz")) {
        path.set_extension("");
    }
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).filter(|s| !s.is_empty());
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
    (stem, ext)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn gzip_that_expands_past_the_ratio_is_a_bomb() {
        let bomb = gzip(&vec![b'a'; 8 * 1024 * 1024]);
        let err = gunzip(&bomb, 1 << 30).unwrap_err();
        assert!(matches!(err, IngestError::GzipBomb { .. }), "{err}");
        assert!(err.to_string().starts_with("gzip bomb"), "{err}");
    }

    #[test]
    fn gzip_that_expands_past_max_bytes_is_refused() {
        let text = gzip(&vec![b'a'; 4096]);
        let err = gunzip(&text, 1000).unwrap_err();
        assert!(err.to_string().contains("--max-bytes"), "{err}");
    }

    #[test]
    fn ordinary_gzip_round_trips() {
        let body = "KABUL, Afghanistan (Jan. 25, 2013) – Coalition forces detained two suspects.".repeat(20);
        assert_eq!(gunzip(&gzip(body.as_bytes()), 1 << 20).unwrap(), body.as_bytes());
    }

    #[test]
    fn corrupt_gzip_is_reported() {
        let mut bytes = gzip(b"some text that is long enough to matter");
        bytes.truncate(12);
        assert!(matches!(gunzip(&bytes, 1 << 20), Err(IngestError::BadGzip(_))));
    }

    #[test]
    fn name_parts_look_through_gz() {
        assert_eq!(name_parts(Path::new("dir/Page.HTML.gz")), (Some("Page".to_owned()), Some("html".to_owned())));
        assert_eq!(name_parts(Path::new("notes")), (Some("notes".to_owned()), None));
    }
}
