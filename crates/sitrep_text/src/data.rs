//! The stage's data files: compiled in, parsed once, hashed for provenance.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// The compiled-in data files, by name (as under `crates/sitrep_text/data/`).
pub const FILES: &[(&str, &str)] = &[
    ("abbreviations.txt", include_str!("../data/abbreviations.txt")),
    ("sentence_words.txt", include_str!("../data/sentence_words.txt")),
    ("boilerplate.txt", include_str!("../data/boilerplate.txt")),
    ("dateline_words.txt", include_str!("../data/dateline_words.txt")),
    ("iso639.txt", include_str!("../data/iso639.txt")),
    ("english_words.txt", include_str!("../data/english_words.txt")),
];

/// The text of a compiled-in data file.
///
/// # Panics
/// When `name` is not one of [`FILES`]: a typo in this crate.
#[must_use]
pub fn file(name: &str) -> &'static str {
    FILES.iter().find(|(n, _)| *n == name).map_or_else(|| panic!("no data file {name}"), |(_, text)| *text)
}

/// A stable hash of every data file (FNV-1a over names and contents), for the output's
/// provenance: two runs with the same fingerprint used the same patterns and word lists.
#[must_use]
pub fn fingerprint() -> u64 {
    let mut hasher = Fnv1a::default();
    for (name, text) in FILES {
        name.hash(&mut hasher);
        text.hash(&mut hasher);
    }
    hasher.finish()
}

/// FNV-1a: fixed across Rust versions and platforms, unlike `DefaultHasher`, and fast on the
/// short keys of the word tables.
pub(crate) struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv1a {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// A malformed line in a data file.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}: {problem} (the file's header comment describes the format)")]
pub struct DataError {
    pub file: String,
    pub line: usize,
    pub problem: String,
}

impl DataError {
    pub(crate) fn new(file: &str, line: usize, problem: impl Into<String>) -> Self {
        Self { file: file.to_owned(), line, problem: problem.into() }
    }
}

/// The non-comment, non-blank lines of a data file with their 1-based line numbers, split on tabs.
pub(crate) fn records(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| (i + 1, l.split('\t').collect()))
}

/// A lower-cased word table keyed by bytes, so lookups from the text need no allocation.
#[derive(Debug)]
pub(crate) struct WordTable<K> {
    map: HashMap<Box<[u8]>, K, BuildHasherDefault<Fnv1a>>,
    max_len: usize,
}

impl<K> Default for WordTable<K> {
    fn default() -> Self {
        Self { map: HashMap::default(), max_len: 0 }
    }
}

impl<K: Copy> WordTable<K> {
    pub(crate) fn insert(&mut self, word: &str, kind: K) {
        self.max_len = self.max_len.max(word.len());
        self.map.insert(word.to_ascii_lowercase().into_bytes().into_boxed_slice(), kind);
    }

    /// Looks `word` up case-insensitively (ASCII); words longer than any entry miss at once.
    pub(crate) fn get(&self, word: &str) -> Option<K> {
        if word.len() > self.max_len || word.is_empty() {
            return None;
        }
        let mut buf = [0u8; 64];
        let bytes = word.as_bytes();
        if bytes.len() > buf.len() {
            return None;
        }
        for (dst, src) in buf.iter_mut().zip(bytes) {
            *dst = src.to_ascii_lowercase();
        }
        self.map.get(&buf[..bytes.len()]).copied()
    }

}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_stable_within_a_build_and_covers_every_file() {
        assert_eq!(fingerprint(), fingerprint());
        for (name, text) in FILES {
            assert!(text.starts_with('#'), "{name} must open with a header comment describing its format");
        }
    }

    #[test]
    fn word_table_matches_case_insensitively() {
        let mut t = WordTable::default();
        t.insert("Gen", 1);
        assert_eq!(t.get("GEN"), Some(1));
        assert_eq!(t.get("gen"), Some(1));
        assert_eq!(t.get("general"), None);
    }
}
