//! The recogniser's word lists, compiled in from `data/` (each file documents its format).

use std::collections::{HashMap, HashSet};

use crate::fold::fold;

const CONTEXT_WORDS: &str = include_str!("../data/context_words.tsv");
const COMMON_WORDS: &str = include_str!("../data/common_words.txt");
const ENGLISH_WORDS: &str = include_str!("../data/english_words.txt");
const DEMONYMS: &str = include_str!("../data/demonyms.tsv");
const ALIASES: &str = include_str!("../data/aliases.tsv");
const CAPS_WORDS: &str = include_str!("../data/caps_words.txt");

/// An alias target from `aliases.tsv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AliasTarget {
    Country(String),
    UsState(String),
    /// A first-level region: country code and the region's folded GeoNames name.
    Admin1(String, String),
    /// A populated place: country code and its folded name (the most populous of that name).
    City(String, String),
}

#[derive(Debug, Default)]
pub struct Lexicon {
    pub title: HashSet<String>,
    pub calendar: HashSet<String>,
    pub locative: HashSet<String>,
    pub function: HashSet<String>,
    pub admin: HashSet<String>,
    pub subplace: HashSet<String>,
    pub facility: HashSet<String>,
    pub direction: HashSet<String>,
    pub follower: HashSet<String>,
    pub orghead: HashSet<String>,
    pub notplace: HashSet<String>,
    pub landmark: HashSet<String>,
    pub placenoun: HashSet<String>,
    /// Place nouns in apposition before a name ("the Syrian capital Damascus").
    pub appositive: HashSet<String>,
    /// Nouns after "X's" that only a place has ("Joliet's mayor").
    pub possessed: HashSet<String>,
    /// Municipal offices after "City" ("City Marshal", "City Manager"): "City" is theirs.
    pub office: HashSet<String>,
    /// The last word of a natural feature's name ("Red River", "Swat Valley").
    pub feature: HashSet<String>,
    pub street: HashSet<String>,
    pub common: HashSet<String>,
    /// Lowercase English words (modifier test for a town before a capitalised word).
    pub english: HashSet<String>,
    /// A broad English word list: in all-capitals text a gazetteer name that is one of these
    /// needs stronger evidence than a preposition.
    pub caps_words: HashSet<String>,
    /// Residents' name endings and the place-name ending each replaces ("ians" → "a").
    pub residents: Vec<(String, String)>,
    /// Folded demonym → country code.
    pub demonyms: HashMap<String, String>,
    /// Folded alias → (target, whether the text must write it with its final period).
    pub aliases: HashMap<String, (AliasTarget, bool)>,
    /// Folded multi-word aliases written with a final period ("W. Va."): the period is part of
    /// the name when the text writes the name's other periods too ("W. Va.", not the full stop
    /// after "Washington DC").
    pub period_closed: HashSet<String>,
    /// Leading words of multi-word aliases, so the recogniser keeps extending a phrase.
    pub alias_prefixes: HashSet<String>,
}

impl Lexicon {
    /// An English word as any list knows it (the broad list, everyday words, context words):
    /// what an all-capitals text cannot tell from a name by its case.
    #[must_use]
    pub fn is_word(&self, w: &str) -> bool {
        self.caps_words.contains(w)
            || self.english.contains(w)
            || self.common.contains(w)
            || self.function.contains(w)
            || self.calendar.contains(w)
            || self.direction.contains(w)
            || self.title.contains(w)
            || self.orghead.contains(w)
            || self.locative.contains(w)
            || self.admin.contains(w)
            || self.subplace.contains(w)
            || self.facility.contains(w)
            || self.landmark.contains(w)
            || self.placenoun.contains(w)
            || self.street.contains(w)
    }
}

/// The `owner` nouns alone, for `locate_events`, which needs no other list.
#[must_use]
pub fn owner_words() -> HashSet<String> {
    category_rows(CONTEXT_WORDS).filter(|(cat, _)| *cat == "owner").map(|(_, w)| w.to_owned()).collect()
}

fn data_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim_end).filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
}

/// The `category<TAB>word` rows of a word-list file (comments and blank lines skipped, the
/// word trimmed): `context_words.tsv`, `locate_words.tsv`.
pub(crate) fn category_rows(text: &str) -> impl Iterator<Item = (&str, &str)> {
    data_lines(text).filter_map(|l| l.split_once('\t')).map(|(category, word)| (category, word.trim()))
}

impl Lexicon {
    #[must_use]
    pub fn compiled() -> Self {
        let mut lex = Self::default();
        for (cat, word) in category_rows(CONTEXT_WORDS) {
            if cat == "residents" {
                let (ending, restored) = word.split_once(':').unwrap_or((word, ""));
                lex.residents.push((ending.to_owned(), restored.to_owned()));
                continue;
            }
            let set = match cat {
                "title" => &mut lex.title,
                "calendar" => &mut lex.calendar,
                "locative" => &mut lex.locative,
                "function" => &mut lex.function,
                "admin" => &mut lex.admin,
                "subplace" => &mut lex.subplace,
                "facility" => &mut lex.facility,
                "direction" => &mut lex.direction,
                "follower" => &mut lex.follower,
                "orghead" => &mut lex.orghead,
                "notplace" => &mut lex.notplace,
                "landmark" => &mut lex.landmark,
                "placenoun" => &mut lex.placenoun,
                "possessed" => &mut lex.possessed,
                "appositive" => &mut lex.appositive,
                "office" => &mut lex.office,
                "feature" => &mut lex.feature,
                "street" => &mut lex.street,
                _ => continue,
            };
            set.insert(word.to_owned());
        }
        lex.common = data_lines(COMMON_WORDS).map(|w| w.trim().to_owned()).collect();
        lex.english = data_lines(ENGLISH_WORDS).map(|w| w.trim().to_owned()).collect();
        lex.caps_words = data_lines(CAPS_WORDS).map(|w| w.trim().to_owned()).collect();
        for line in data_lines(DEMONYMS) {
            if let Some((name, cc)) = line.split_once('\t') {
                lex.demonyms.insert(fold(name), cc.trim().to_owned());
            }
        }
        for line in data_lines(ALIASES) {
            if let Some((alias, target)) = line.split_once('\t') {
                let target = target.trim();
                let t = match (target.strip_prefix("US-"), target.split_once('/'), target.split_once(':')) {
                    (Some(code), ..) => AliasTarget::UsState(code.to_ascii_lowercase()),
                    (None, Some((cc, region)), _) => AliasTarget::Admin1(cc.to_owned(), fold(region)),
                    (None, None, Some((cc, city))) => AliasTarget::City(cc.to_owned(), fold(city)),
                    (None, None, None) => AliasTarget::Country(target.to_owned()),
                };
                let alias = alias.trim().trim_start_matches("the ");
                let key = fold(alias);
                let words: Vec<&str> = key.split(' ').collect();
                for n in 1..words.len() {
                    lex.alias_prefixes.insert(words[..n].join(" "));
                }
                // "NSW" and "N.S.W." fold alike: the period is needed only if every spelling has it.
                let needs_period = alias.ends_with('.')
                    && !alias.contains(' ')
                    && lex.aliases.get(&key).is_none_or(|(_, needs)| *needs);
                if alias.ends_with('.') && alias.contains(' ') {
                    lex.period_closed.insert(key.clone());
                }
                lex.aliases.insert(key, (t, needs_period));
            }
        }
        lex
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_files_parse_into_every_list() {
        let lex = Lexicon::compiled();
        assert!(lex.title.contains("gen"));
        assert!(lex.calendar.contains("march"));
        assert!(lex.locative.contains("near"));
        assert!(lex.admin.contains("province"));
        assert!(lex.common.len() > 500);
        assert_eq!(lex.demonyms.get("syrian").map(String::as_str), Some("SY"));
        assert_eq!(lex.demonyms.get("afghan").map(String::as_str), Some("AF"));
        assert_eq!(lex.aliases.get("calif"), Some(&(AliasTarget::UsState("ca".into()), true)));
        assert_eq!(lex.aliases.get("us"), Some(&(AliasTarget::Country("US".into()), false)));
    }
}
