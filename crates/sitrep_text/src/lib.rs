//! sitrep's cleaning stage, the first over every document. In order it adds:
//!
//! 1. `language` — and `skipped` when the text is confidently not English (then only paragraphs
//!    and sentences follow, so the document still displays);
//! 2. `removed` — boilerplate (newsletter blocks, consent notices, captions, credits, bylines,
//!    navigation, related links, share prompts, ads, comments), marked, never deleted;
//! 3. `dateline` — `BANGUI, April 12 (Reuters) -`: place, date, agency; it fills `published` when
//!    nothing better did;
//! 4. `paragraphs`, 5. `sentences` and `tokens` — lossless: only whitespace lies outside sentences.
//!
//! Patterns and word lists are data files under `data/`, compiled in and parsed once by
//! [`Cleaner::new`]; [`data_fingerprint`] hashes them for the output's provenance.

pub mod boilerplate;
pub mod data;
pub mod dateline;
pub mod language;
pub mod lines;
pub mod sentences;
pub mod tokens;

use std::sync::OnceLock;

use sitrep_core::{Document, PublishedSource};

pub use data::DataError;
use boilerplate::Boilerplate;
use dateline::DatelineRules;
use language::LanguageRules;
use sentences::SentenceRules;

/// The cleaning stage's compiled resources: load once, share across threads.
#[derive(Debug)]
pub struct Cleaner {
    language: LanguageRules,
    boilerplate: Boilerplate,
    datelines: DatelineRules,
    sentences: SentenceRules,
}

impl Cleaner {
    /// The stage with its compiled-in data.
    ///
    /// # Panics
    /// Never for a released build: the compiled-in data files are parsed by this crate's tests.
    #[must_use]
    pub fn new() -> Self {
        Self::load().expect("compiled-in data files of sitrep_text are valid")
    }

    /// The stage with its compiled-in data, reporting a malformed data file as an error.
    ///
    /// # Errors
    /// On a malformed line in a data file (an edit to `data/` that broke its format).
    pub fn load() -> Result<Self, DataError> {
        Self::from_data(data::file)
    }

    /// The stage with data files supplied by `file(name)` (same names and formats as under `data/`).
    ///
    /// # Errors
    /// On a malformed line in any file, naming the file and the line.
    pub fn from_data<'a>(file: impl Fn(&str) -> &'a str) -> Result<Self, DataError> {
        Ok(Self {
            language: LanguageRules::parse(file("english_words.txt"), file("iso639.txt"))?,
            boilerplate: Boilerplate::parse(file("boilerplate.txt"))?,
            datelines: DatelineRules::parse(file("dateline_words.txt"))?,
            sentences: SentenceRules::parse(file("abbreviations.txt"), file("sentence_words.txt"))?,
        })
    }

    /// Adds language, removed, dateline, paragraphs, sentences and tokens to `doc`.
    pub fn annotate(&self, doc: &mut Document) {
        let verdict = self.language.judge(&doc.text);
        doc.language = verdict.language;
        if doc.skipped.is_none() {
            doc.skipped = verdict.skip;
        }
        doc.paragraphs = lines::paragraphs(&doc.text);
        if !doc.is_codable() {
            doc.sentences = self.sentences.split(&doc.text, &doc.paragraphs, &[]);
            return;
        }
        // Ingest may already have marked boilerplate from the page's structure (figcaptions,
        // share bars): add to it, and keep the list sorted with no range inside another.
        doc.removed.extend(self.boilerplate.find(&doc.text, &doc.paragraphs));
        doc.removed.sort_by_key(|r| (r.span.start, std::cmp::Reverse(r.span.end)));
        let mut kept: Vec<sitrep_core::Removed> = Vec::with_capacity(doc.removed.len());
        for r in doc.removed.drain(..) {
            if !kept.last().is_some_and(|k| k.span.contains(r.span)) {
                kept.push(r);
            }
        }
        doc.removed = kept;
        let found = self.datelines.find(&doc.text, doc.published, |span| doc.is_removed(span));
        if let Some(found) = found {
            if doc.published.is_none() && found.year_stated {
                doc.published = found.dateline.date;
                doc.published_source = PublishedSource::Dateline;
            }
            doc.dateline = Some(found.dateline);
        }
        // The dateline is not part of the first sentence: "KABUL, Afghanistan (June 14) —" names
        // where the report was filed, not where its first event happened.
        // Nor does boilerplate share a sentence with article text, or the whole sentence would
        // count as removed.
        let mut forced: Vec<usize> = doc.dateline.iter().flat_map(|d| [d.span.start, d.span.end]).collect();
        forced.extend(doc.removed.iter().flat_map(|r| [r.span.start, r.span.end]));
        forced.sort_unstable();
        doc.sentences = self.sentences.split(&doc.text, &doc.paragraphs, &forced);
        let mut tokens = Vec::with_capacity(doc.text.len() / 5);
        for &para in &doc.paragraphs {
            tokens::tokenize(&doc.text, para, &self.sentences, &mut tokens);
        }
        doc.tokens = tokens;
    }
}

impl Default for Cleaner {
    fn default() -> Self {
        Self::new()
    }
}

/// A shared, lazily built [`Cleaner`] (for tests and one-off callers; the pipeline holds its own).
#[must_use]
pub fn default_cleaner() -> &'static Cleaner {
    static CLEANER: OnceLock<Cleaner> = OnceLock::new();
    CLEANER.get_or_init(Cleaner::new)
}

/// Runs the stage with the shared default resources.
pub fn annotate(doc: &mut Document) {
    default_cleaner().annotate(doc);
}

/// A stable hash of this stage's data files, for the output's `provenance.lexicons`.
#[must_use]
pub fn data_fingerprint() -> u64 {
    data::fingerprint()
}
