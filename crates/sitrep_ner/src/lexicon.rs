//! The word lists under `data/` (titles, particles, organisation heads, place heads, countries,
//! demonyms, aliases), compiled in and looked up by hashed lower-case token.

use std::collections::HashMap;

use crate::hash::word_key;

const TITLES: &str = include_str!("../data/titles.txt");
const PARTICLES: &str = include_str!("../data/particles.txt");
const ORG_HEADS: &str = include_str!("../data/org_heads.txt");
const LOC_HEADS: &str = include_str!("../data/loc_heads.txt");
const FAC_HEADS: &str = include_str!("../data/fac_heads.txt");
const COUNTRIES: &str = include_str!("../data/countries.tsv");
const DEMONYMS: &str = include_str!("../data/demonyms.tsv");
const ALIASES: &str = include_str!("../data/aliases.tsv");

/// Every compiled-in list, for the output's provenance.
pub(crate) const FILES: [&str; 8] = [TITLES, PARTICLES, ORG_HEADS, LOC_HEADS, FAC_HEADS, COUNTRIES, DEMONYMS, ALIASES];

/// Data lines of a list file: comments (`#`) and blank lines dropped.
fn entries(src: &str) -> impl Iterator<Item = &str> {
    src.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Keys are already well-mixed word hashes: hashing them again would be wasted work per token.
#[derive(Debug, Default, Clone, Copy)]
pub struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) ^ u64::from(b) ^ (self.0 >> 56);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type KeyMap<V> = HashMap<u64, V, std::hash::BuildHasherDefault<KeyHasher>>;

/// Multi-word phrases keyed by their first word, matched longest first over token keys.
#[derive(Debug)]
pub struct PhraseTable<V> {
    by_first: KeyMap<Vec<(Vec<u64>, V)>>,
}

impl<V> Default for PhraseTable<V> {
    fn default() -> Self {
        Self { by_first: KeyMap::default() }
    }
}

impl<V: Clone> PhraseTable<V> {
    fn insert(&mut self, phrase: &str, value: V) {
        let keys: Vec<u64> = phrase.split(' ').filter(|w| !w.is_empty()).map(word_key).collect();
        if let Some(&first) = keys.first() {
            let list = self.by_first.entry(first).or_default();
            list.push((keys, value));
            list.sort_by_key(|(k, _)| std::cmp::Reverse(k.len()));
        }
    }

    /// The longest phrase starting at `keys[0]`: its length in tokens and value.
    pub fn longest_at(&self, keys: &[u64]) -> Option<(usize, &V)> {
        let first = *keys.first()?;
        self.by_first.get(&first)?.iter().find(|(k, _)| keys.len() >= k.len() && keys[..k.len()] == k[..]).map(|(k, v)| (k.len(), v))
    }

    pub fn contains_word(&self, key: u64) -> bool {
        self.by_first.get(&key).is_some_and(|l| l.iter().any(|(k, _)| k.len() == 1))
    }
}

/// Every list the tagger's features and the entity rules consult.
#[derive(Debug)]
pub struct Lexicon {
    pub titles: PhraseTable<()>,
    pub particles: PhraseTable<()>,
    pub org_heads: PhraseTable<()>,
    pub loc_heads: PhraseTable<()>,
    pub fac_heads: PhraseTable<()>,
    /// Country name → ISO code.
    pub countries: PhraseTable<String>,
    /// Demonym or group word → ISO code or "-".
    pub demonyms: PhraseTable<String>,
    /// Lower-case alias → canonical name.
    pub aliases: HashMap<String, String>,
    /// Every name in the alias file, matched in text as a known organisation.
    pub orgs: PhraseTable<String>,
}

impl Lexicon {
    #[must_use]
    pub fn load() -> Self {
        let words = |src: &str| {
            let mut t = PhraseTable::default();
            for e in entries(src) {
                t.insert(e, ());
            }
            t
        };
        let coded = |src: &str| {
            let mut t = PhraseTable::default();
            for e in entries(src) {
                if let Some((name, code)) = e.split_once('\t') {
                    t.insert(name.trim(), code.trim().to_owned());
                }
            }
            t
        };
        let mut aliases = HashMap::new();
        let mut orgs = PhraseTable::default();
        for e in entries(ALIASES) {
            if let Some((canonical, alias)) = e.split_once('\t') {
                let (canonical, alias) = (canonical.trim(), alias.trim());
                aliases.insert(alias.to_lowercase(), canonical.to_owned());
                aliases.insert(canonical.to_lowercase(), canonical.to_owned());
                orgs.insert(alias, canonical.to_owned());
                orgs.insert(canonical, canonical.to_owned());
            }
        }
        Self {
            titles: words(TITLES),
            particles: words(PARTICLES),
            org_heads: words(ORG_HEADS),
            loc_heads: words(LOC_HEADS),
            fac_heads: words(FAC_HEADS),
            countries: coded(COUNTRIES),
            demonyms: coded(DEMONYMS),
            aliases,
            orgs,
        }
    }

    /// True when `word` is a particle, or starts with one joined by a hyphen ("al-Assad").
    #[must_use]
    pub fn has_particle_prefix(&self, word: &str) -> bool {
        word.split_once(['-', '\u{2011}']).is_some_and(|(head, rest)| !rest.is_empty() && self.particles.contains_word(word_key(head)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_word_entries_match_longest_first() {
        let lex = Lexicon::load();
        let keys: Vec<u64> = ["Lieutenant", "General", "Smith"].iter().map(|w| word_key(w)).collect();
        assert_eq!(lex.titles.longest_at(&keys).map(|(n, ())| n), Some(2));
        let keys: Vec<u64> = ["SAUDI", "ARABIA"].iter().map(|w| word_key(w)).collect();
        assert_eq!(lex.countries.longest_at(&keys), Some((2, &"SA".to_owned())));
    }

    #[test]
    fn hyphenated_particles_are_recognised() {
        let lex = Lexicon::load();
        assert!(lex.has_particle_prefix("al-Assad"));
        assert!(lex.has_particle_prefix("AL-BAGHDADI"));
        assert!(!lex.has_particle_prefix("cease-fire"));
        assert!(lex.titles.contains_word(word_key("Gen.")));
    }
}
