//! Ingest: files, directories and standard input in, [`sitrep_core::Document`]s out.
//!
//! The seam is [`Reader`]: one implementation per input format (plain text, HTML, JSON Lines;
//! WARC can join them). Everything before it is shared: finding the inputs
//! ([`collect_inputs`]), reading bytes under the size limit and undoing gzip under an expansion
//! cap ([`load`]), and choosing the format ([`Format::detect`]). Everything after it is the
//! caller's: the pipeline, printing.
//!
//! Nothing here prints; problems come back as [`Item::Skipped`] and [`Item::Warning`] in the
//! order they happened, so the binary can report them next to the documents.

mod date;
mod error;
mod html;
mod id;
mod input;
mod jsonl;
mod text;

use std::path::Path;

use sitrep_core::{Date, Document, PublishedSource};

pub use date::{parse_html_date, parse_strict_date};
pub use error::IngestError;
pub use html::{check_depth, decode_html_bytes, HtmlReader, MAX_HTML_DEPTH};
pub use id::stable_id;
pub use input::{collect_inputs, load, Input, InputPath, GZIP_MAX_RATIO};
pub use jsonl::JsonlReader;
pub use text::TextReader;

/// Default `--max-bytes`: larger than any news article, small enough to bound memory.
pub const DEFAULT_MAX_BYTES: u64 = 20 * 1024 * 1024;

/// How inputs are read.
#[derive(Debug, Clone)]
pub struct Options {
    /// The format to read every input as; `Auto` decides per input.
    pub format: Format,
    /// Inputs (and JSON Lines records) larger than this are skipped. Also caps gzip expansion.
    pub max_bytes: u64,
    /// Replace invalid UTF-8 in plain text with U+FFFD (and warn) instead of skipping the input.
    pub lossy: bool,
    /// Publication date given on the command line: overrides every date found in the input.
    pub published: Option<Date>,
}

impl Default for Options {
    fn default() -> Self {
        Self { format: Format::Auto, max_bytes: DEFAULT_MAX_BYTES, lossy: false, published: None }
    }
}

/// Input formats. `Auto` picks one per input from its file name, else from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Auto,
    Text,
    Html,
    Jsonl,
}

impl Format {
    /// The format of `input`: the one asked for, else the file extension (`.html`, `.jsonl`,
    /// `.txt`, under an optional `.gz`), else a look at the first bytes.
    #[must_use]
    pub fn detect(self, input: &Input) -> Self {
        if self != Self::Auto {
            return self;
        }
        if let Some(by_name) = input.extension.as_deref().and_then(Self::from_extension) {
            return by_name;
        }
        Self::sniff(&input.bytes)
    }

    /// The format an extension (without the dot, `.gz` already stripped) names, if any.
    #[must_use]
    pub fn from_extension(ext: &str) -> Option<Self> {
        match ext.to_ascii_lowercase().as_str() {
            "html" | "htm" | "xhtml" | "shtml" => Some(Self::Html),
            "jsonl" | "ndjson" => Some(Self::Jsonl),
            "txt" | "text" => Some(Self::Text),
            _ => None,
        }
    }

    /// Guess from content: markup that starts like a page is HTML, a first line holding a JSON
    /// object is JSON Lines, anything else is plain text.
    #[must_use]
    pub fn sniff(bytes: &[u8]) -> Self {
        let head = &bytes[..bytes.len().min(2048)];
        let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
        let start = head.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(head.len());
        let head = &head[start..];
        let lower: Vec<u8> = head.iter().take(512).map(u8::to_ascii_lowercase).collect();
        let markup = [&b"<!doctype html"[..], b"<html", b"<head", b"<body", b"<article", b"<!--", b"<meta", b"<?xml"];
        if markup.iter().any(|m| lower.starts_with(m)) {
            return Self::Html;
        }
        if head.first() == Some(&b'{') {
            let first_line = head.split(|&b| b == b'\n').next().unwrap_or(head);
            if serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(first_line).is_ok() {
                return Self::Jsonl;
            }
        }
        Self::Text
    }

    #[must_use]
    pub fn reader(self) -> &'static dyn Reader {
        match self {
            Self::Html => &HtmlReader,
            Self::Jsonl => &JsonlReader,
            Self::Text | Self::Auto => &TextReader,
        }
    }
}

/// What reading an input produced, in input order.
#[derive(Debug)]
pub enum Item {
    /// A document, ready for the pipeline.
    Document(Box<Document>),
    /// An input, or one record of it, that was not turned into a document.
    Skipped { source: String, error: IngestError },
    /// A document was produced, but something about it deserves a word (lossy decoding, …).
    Warning { source: String, message: String },
}

/// One input format: bytes in, documents (or the reasons there are none) out.
///
/// Implementations read the whole input they are given (already bounded by `--max-bytes`), never
/// panic on any bytes, and push one [`Item`] per document or problem.
pub trait Reader {
    fn read(&self, input: &Input, opts: &Options, out: &mut Vec<Item>);
}

/// Reads one input path (a file, or `-` for standard input) in full: load, detect, read, and
/// apply the command-line publication date.
#[must_use]
pub fn read_path(path: &InputPath, opts: &Options) -> Vec<Item> {
    let mut items = Vec::new();
    let jsonl_by_name = input::extension_of(path).as_deref().and_then(Format::from_extension) == Some(Format::Jsonl);
    if opts.format == Format::Jsonl || (opts.format == Format::Auto && jsonl_by_name) {
        // Feeds are read record by record: the file may be larger than --max-bytes.
        let streamed = input::open_stream(path)
            .and_then(|s| jsonl::read_stream(&s.source, s.stem.as_deref(), s.reader, opts, &mut items));
        if let Err(error) = streamed {
            items.push(Item::Skipped { source: path.label(), error });
        }
        apply_cli_date(opts, &mut items);
        return items;
    }
    match load(path, opts.max_bytes) {
        Ok(input) => read_input(&input, opts, &mut items),
        Err(error) => items.push(Item::Skipped { source: path.label(), error }),
    }
    items
}

/// Reads an already loaded input.
pub fn read_input(input: &Input, opts: &Options, out: &mut Vec<Item>) {
    let first = out.len();
    opts.format.detect(input).reader().read(input, opts, out);
    apply_cli_date(opts, &mut out[first..]);
}

fn apply_cli_date(opts: &Options, items: &mut [Item]) {
    if let Some(date) = opts.published {
        for item in items {
            if let Item::Document(doc) = item {
                doc.published = Some(date);
                doc.published_source = PublishedSource::Cli;
            }
        }
    }
}

/// Reads every input under `paths` (directories walked in sorted order), in order.
pub fn read_paths<'a>(paths: impl IntoIterator<Item = &'a Path>, opts: &Options) -> Vec<Item> {
    let mut items = Vec::new();
    for p in paths {
        for found in collect_inputs(p) {
            match found {
                Ok(input) => items.extend(read_path(&input, opts)),
                Err((source, error)) => items.push(Item::Skipped { source, error }),
            }
        }
    }
    items
}

/// One HTML page (already a string) → a document with text, removed ranges and metadata, as
/// the HTML reader makes it; id from the content, source from `url`.
///
/// # Errors
/// As [`Reader::read`] would skip the page: too deep, too many elements, no article.
pub fn html_article(html: &str, url: Option<&str>) -> Result<Document, IngestError> {
    let mut doc = html::article_from_html(html, url, DEFAULT_MAX_BYTES)?.into_document();
    doc.id = stable_id(None, html.as_bytes());
    doc.source = url.map(str::to_owned);
    doc.url = url.map(str::to_owned);
    Ok(doc)
}

/// The fallback alone (page `<article>` or `<body>` minus chrome, no readability), for
/// measuring what readability adds. Not used by the readers except when readability fails.
#[doc(hidden)]
#[must_use]
pub fn html_body_without_readability(html: &str) -> Document {
    html::fallback_document(html)
}
