//! Why an input could not become a document. Each message names the input and says what to do.

use std::path::PathBuf;

/// An input (or one record of it) that ingest could not turn into a [`sitrep_core::Document`].
///
/// The binary prints these as `sitrep: skipped SOURCE: MESSAGE`, so messages start with what
/// went wrong and end with what the user can do about it.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("cannot read it: {source} (check that the path exists and is readable)")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "invalid UTF-8 at byte offset {offset}: plain text must be UTF-8 (convert it with `iconv -f <encoding> -t UTF-8`, \
         or pass --lossy to replace bad bytes with U+FFFD)"
    )]
    InvalidUtf8 { offset: usize },

    #[error("the input is empty (or only whitespace): there is no text to extract from")]
    Empty,

    #[error(
        "the directory holds no .txt, .html, .htm, .jsonl or .ndjson files (optionally .gz); name other files directly"
    )]
    NoInputs,

    #[error(
        "over the limit of {limit} bytes (it has at least {size}); raise it with --max-bytes N if the input is genuine"
    )]
    TooLarge { size: u64, limit: u64 },

    #[error(
        "gzip bomb: {compressed} compressed bytes expand past {expanded} bytes ({reason}); \
         decompress it yourself if you trust it"
    )]
    GzipBomb { compressed: u64, expanded: u64, reason: &'static str },

    #[error("not valid gzip: {0} (is the file truncated, or misnamed .gz?)")]
    BadGzip(std::io::Error),

    #[error(
        "HTML nested more than {limit} levels deep: no article nests this deeply, so the page is malformed or \
         hostile (extract its text some other way if you need it)"
    )]
    TooDeep { limit: usize },

    #[error(
        "the page has {found} elements, over the limit of {limit}: not an article page (extract its text another way)"
    )]
    TooManyElements { found: usize, limit: usize },

    #[error("no article text found in the HTML page (is it a front page, a video page, or rendered by JavaScript?)")]
    NoArticle,

    #[error(
        "line {line}: {message} (each line must be a JSON object with \"text\" or \"html\"; \
         see `sitrep extract --help`)"
    )]
    JsonlRecord { line: usize, message: String },
}

impl IngestError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io { path: path.into(), source }
    }
}
