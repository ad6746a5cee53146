//! The data files the rules read, parsed once: cues with their stance, function words by role,
//! pronouns and the gender hints used to resolve them. Formats are documented in each file's header.

use std::collections::HashMap as StdHashMap;
use std::hash::{BuildHasherDefault, Hasher};

use sitrep_core::Stance;

/// FNV-1a: the tables are keyed by short words from our own data files, so a fast non-keyed hash
/// is safe here, and SipHash showed up as a tenth of the stage's time.
#[derive(Default)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

type HashMap<K, V> = StdHashMap<K, V, BuildHasherDefault<Fnv>>;

/// A data file line that does not follow its file's documented format.
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    #[error("{file}:{line}: {problem} (see the format in the file's header comment)")]
    BadLine { file: &'static str, line: usize, problem: String },
}

/// How a cue governs its source and content (the `class` column of `cues.tsv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CueClass {
    /// "X said …", "…, said X".
    Verb,
    /// "…, saying …": the source is the clause's subject.
    Participle,
    /// "according to X, …".
    Preposition,
    /// An attribution only when its content holds a quotation.
    Weak,
    /// A verb of belief: an attribution only before "that" or a colon.
    That,
    /// Punctuation introducing speech (transcript colon, signature dash): stance lookups only.
    Mark,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cue {
    pub stance: Stance,
    pub class: CueClass,
    /// Number of words in the cue phrase.
    pub words: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agreement {
    Male,
    Female,
    Person,
    Group,
    Thing,
}

/// Roles of function words (`words.tsv`); a word may hold several.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Roles(u16);

impl Roles {
    pub const DET: u16 = 1;
    pub const BOUNDARY: u16 = 1 << 1;
    pub const ADVERB: u16 = 1 << 2;
    pub const AUX: u16 = 1 << 3;
    pub const PASSIVE: u16 = 1 << 4;
    pub const PP_START: u16 = 1 << 5;
    pub const TIME: u16 = 1 << 6;
    pub const SOURCE_NOUN: u16 = 1 << 7;
    pub const TOLD_OBJECT: u16 = 1 << 8;
    pub const STATEMENT_NOUN: u16 = 1 << 9;
    pub const ABBREV: u16 = 1 << 10;
    pub const OBJECT_CUE: u16 = 1 << 11;
    pub const NEGATION: u16 = 1 << 12;
    pub const ADJUNCT: u16 = 1 << 13;
    pub const LABEL: u16 = 1 << 14;
    pub const CLAIM_NOUN: u16 = 1 << 15;

    #[must_use]
    pub const fn has(self, role: u16) -> bool {
        self.0 & role != 0
    }

    /// A grammatical word rather than a name or a content word.
    #[must_use]
    pub const fn is_function_word(self) -> bool {
        self.has(Self::DET | Self::BOUNDARY | Self::ADVERB | Self::AUX | Self::PP_START | Self::TIME | Self::NEGATION | Self::ADJUNCT | Self::SOURCE_NOUN | Self::TOLD_OBJECT | Self::STATEMENT_NOUN)
    }
}

/// Every table the stage reads.
#[derive(Debug, Clone)]
pub struct Lexicon {
    /// Cue phrases keyed by their first word; each entry lists the remaining words.
    cues: HashMap<String, Vec<(Vec<String>, Cue)>>,
    words: HashMap<String, Roles>,
    pronouns: HashMap<String, Agreement>,
    titles: HashMap<String, Agreement>,
    given_names: HashMap<String, Agreement>,
}

const CUES: &str = include_str!("../data/cues.tsv");
const WORDS: &str = include_str!("../data/words.tsv");
const PRONOUNS: &str = include_str!("../data/pronouns.tsv");
const TITLES: &str = include_str!("../data/titles.tsv");
const GIVEN_NAMES: &str = include_str!("../data/given_names.tsv");

/// A stable hash (FNV-1a, 64 bits) of every data file, for the output's `provenance.lexicons`.
#[must_use]
pub fn fingerprint() -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for file in [CUES, WORDS, PRONOUNS, TITLES, GIVEN_NAMES] {
        for byte in file.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

fn rows(file: &'static str, text: &'static str, columns: usize) -> Result<Vec<(usize, Vec<&'static str>)>, LexiconError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() != columns {
            return Err(LexiconError::BadLine {
                file,
                line: i + 1,
                problem: format!("expected {columns} tab-separated columns, found {}", fields.len()),
            });
        }
        out.push((i + 1, fields));
    }
    Ok(out)
}

fn agreement(file: &'static str, line: usize, value: &str) -> Result<Agreement, LexiconError> {
    Ok(match value {
        "male" => Agreement::Male,
        "female" => Agreement::Female,
        "person" => Agreement::Person,
        "group" => Agreement::Group,
        "thing" => Agreement::Thing,
        other => {
            return Err(LexiconError::BadLine { file, line, problem: format!("unknown agreement {other:?}") })
        }
    })
}

/// The stance a cue's `stance` column names.
///
/// # Errors
/// When the value is none of `asserts`, `denies`, `disputes`.
pub fn parse_stance(value: &str) -> Result<Stance, String> {
    match value {
        "asserts" => Ok(Stance::Asserts),
        "denies" => Ok(Stance::Denies),
        "disputes" => Ok(Stance::Disputes),
        other => Err(format!("unknown stance {other:?}: use asserts, denies or disputes")),
    }
}

impl Lexicon {
    /// Parses the data files compiled into the crate.
    ///
    /// # Errors
    /// When a data file breaks its documented format; the message names the file and line.
    pub fn load() -> Result<Self, LexiconError> {
        let mut cues: HashMap<String, Vec<(Vec<String>, Cue)>> = HashMap::default();
        for (line, f) in rows("cues.tsv", CUES, 3)? {
            let bad = |problem: String| LexiconError::BadLine { file: "cues.tsv", line, problem };
            let stance = parse_stance(f[1]).map_err(bad)?;
            let class = match f[2] {
                "verb" => CueClass::Verb,
                "ing" => CueClass::Participle,
                "prep" => CueClass::Preposition,
                "weak" => CueClass::Weak,
                "that" => CueClass::That,
                "mark" => CueClass::Mark,
                other => return Err(bad(format!("unknown class {other:?}"))),
            };
            let words: Vec<String> = f[0].split(' ').map(str::to_owned).collect();
            let cue = Cue { stance, class, words: words.len() };
            let entry = cues.entry(words[0].clone()).or_default();
            entry.push((words[1..].to_vec(), cue));
            // Longest phrase first, so matching takes "went on to say" over a shorter reading.
            entry.sort_by_key(|e| std::cmp::Reverse(e.0.len()));
        }
        let mut words: HashMap<String, Roles> = HashMap::default();
        for (line, f) in rows("words.tsv", WORDS, 2)? {
            let role = match f[1] {
                "det" => Roles::DET,
                "boundary" => Roles::BOUNDARY,
                "adverb" => Roles::ADVERB,
                "aux" => Roles::AUX,
                "passive" => Roles::PASSIVE,
                "pp_start" => Roles::PP_START,
                "time" => Roles::TIME,
                "source_noun" => Roles::SOURCE_NOUN,
                "told_object" => Roles::TOLD_OBJECT,
                "statement_noun" => Roles::STATEMENT_NOUN,
                "abbrev" => Roles::ABBREV,
                "object_cue" => Roles::OBJECT_CUE,
                "negation" => Roles::NEGATION,
                "adjunct" => Roles::ADJUNCT,
                "label" => Roles::LABEL,
                "claim_noun" => Roles::CLAIM_NOUN,
                other => {
                    return Err(LexiconError::BadLine {
                        file: "words.tsv",
                        line,
                        problem: format!("unknown role {other:?}"),
                    })
                }
            };
            words.entry(f[0].to_owned()).or_default().0 |= role;
        }
        let mut pronouns = HashMap::default();
        for (line, f) in rows("pronouns.tsv", PRONOUNS, 2)? {
            pronouns.insert(f[0].to_owned(), agreement("pronouns.tsv", line, f[1])?);
        }
        let mut titles = HashMap::default();
        for (line, f) in rows("titles.tsv", TITLES, 2)? {
            titles.insert(f[0].to_owned(), agreement("titles.tsv", line, f[1])?);
        }
        let mut given_names = HashMap::default();
        for (line, f) in rows("given_names.tsv", GIVEN_NAMES, 2)? {
            given_names.insert(f[0].to_owned(), agreement("given_names.tsv", line, f[1])?);
        }
        Ok(Self { cues, words, pronouns, titles, given_names })
    }

    /// The longest cue starting at `words[0]` (lowercase words), if any.
    #[must_use]
    pub fn cue_at(&self, words: &[&str]) -> Option<Cue> {
        let (first, rest) = words.split_first()?;
        let entries = self.cues.get(*first)?;
        entries
            .iter()
            .find(|(tail, _)| tail.len() <= rest.len() && tail.iter().zip(rest).all(|(a, b)| a == b))
            .map(|(_, cue)| *cue)
    }

    /// The stance of a cue phrase as written ("said", "Denied", "according to"), if it is a cue.
    #[must_use]
    pub fn stance(&self, phrase: &str) -> Option<Stance> {
        let lower = phrase.to_lowercase();
        let words: Vec<&str> = lower.split_whitespace().collect();
        let cue = self.cue_at(&words)?;
        (cue.words == words.len()).then_some(cue.stance)
    }

    #[must_use]
    pub fn roles(&self, lower: &str) -> Roles {
        self.words.get(lower).copied().unwrap_or_default()
    }

    #[must_use]
    pub fn pronoun(&self, lower: &str) -> Option<Agreement> {
        self.pronouns.get(lower).copied()
    }

    #[must_use]
    pub fn title_gender(&self, lower_without_dot: &str) -> Option<Agreement> {
        self.titles.get(lower_without_dot).copied()
    }

    #[must_use]
    pub fn given_name_gender(&self, lower: &str) -> Option<Agreement> {
        self.given_names.get(lower).copied()
    }
}
