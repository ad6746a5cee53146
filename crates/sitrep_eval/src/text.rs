//! Surface comparison and character-offset helpers shared by the scorers.

/// METRICS.md's surface comparison: case, a leading "the", curly vs straight quotes and
/// surrounding punctuation or spaces are ignored.
#[must_use]
pub fn norm_surface(s: &str) -> String {
    let straight: String = s
        .chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{201B}' | '`' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201F}' => '"',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect();
    let words: Vec<&str> = straight.split_whitespace().collect();
    let mut joined = words.join(" ");
    if let Some(rest) = joined.strip_prefix("the ") {
        joined = rest.to_owned();
    }
    joined.trim_matches(|c: char| !c.is_alphanumeric()).to_owned()
}

/// The GTT/GRIT scorers' `normalize_string`: lower case, ASCII punctuation removed, the words
/// "a", "an", "the" removed, whitespace collapsed.
#[must_use]
pub fn gtt_normalize(s: &str) -> String {
    let lowered: String = s.chars().flat_map(char::to_lowercase).filter(|c| !c.is_ascii_punctuation()).collect();
    lowered.split_whitespace().filter(|w| !matches!(*w, "a" | "an" | "the")).collect::<Vec<_>>().join(" ")
}

/// Head noun of a noun phrase, approximated as the last word before a post-modifier
/// ("of", "in", "from", "who", "that", a comma) — the rule GRIT's head-noun match uses in spirit.
#[must_use]
pub fn head_word(phrase: &str) -> Option<String> {
    let norm = phrase.split(',').next().unwrap_or("").to_lowercase();
    let mut words = Vec::new();
    for w in norm.split_whitespace() {
        if matches!(w, "of" | "in" | "from" | "who" | "that" | "which" | "at" | "on" | "with") && !words.is_empty() {
            break;
        }
        words.push(w);
    }
    let last = words.last()?;
    let w = last.trim_matches(|c: char| !c.is_alphanumeric());
    let w = w.strip_suffix("'s").or_else(|| w.strip_suffix("\u{2019}s")).unwrap_or(w);
    (!w.is_empty()).then(|| w.to_owned())
}

/// Characters `[start, end)` of `text`.
#[must_use]
pub fn slice_chars(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end.saturating_sub(start)).collect()
}

/// Overlap in characters of two half-open ranges.
#[must_use]
pub const fn overlap(a: (usize, usize), b: (usize, usize)) -> usize {
    let lo = if a.0 > b.0 { a.0 } else { b.0 };
    let hi = if a.1 < b.1 { a.1 } else { b.1 };
    hi.saturating_sub(lo)
}

/// True when the ranges share at least one character.
#[must_use]
pub const fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    overlap(a, b) > 0
}

/// Overlap of at least half the shorter range (the quote and attribution rule).
#[must_use]
pub fn half_overlap(a: (usize, usize), b: (usize, usize)) -> bool {
    let shorter = (a.1 - a.0).min(b.1 - b.0);
    shorter > 0 && 2 * overlap(a, b) >= shorter
}

/// Builds a document text piece by piece, recording each piece's character range.
#[derive(Debug, Default)]
pub struct TextBuilder {
    pub text: String,
    chars: usize,
}

impl TextBuilder {
    /// Appends `piece`, returning its character range.
    pub fn push(&mut self, piece: &str) -> (usize, usize) {
        let start = self.chars;
        self.text.push_str(piece);
        self.chars += piece.chars().count();
        (start, self.chars)
    }

    #[must_use]
    pub const fn chars(&self) -> usize {
        self.chars
    }
}


/// Personal and possessive pronouns: mentions a coreference layer adds, which no named-entity
/// gold annotates.
#[must_use]
pub fn is_pronoun(word: &str) -> bool {
    const PRONOUNS: &[&str] = &[
        "he", "she", "it", "they", "we", "i", "you", "him", "her", "them", "us", "me", "his", "hers", "its", "their",
        "theirs", "our", "ours", "my", "mine", "your", "yours", "himself", "herself", "themselves", "itself",
    ];
    // "US" is a country, "us" a pronoun: capitals beyond the first letter are a name.
    let shouting = word.chars().skip(1).any(char::is_uppercase);
    !shouting && PRONOUNS.contains(&word.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pronouns_are_told_from_names_that_spell_like_them() {
        assert!(is_pronoun("He") && is_pronoun("they") && is_pronoun("us"));
        assert!(!is_pronoun("US") && !is_pronoun("IT") && !is_pronoun("Hezbollah"));
    }

    #[test]
    fn surfaces_compare_without_case_article_or_curly_quotes() {
        assert_eq!(norm_surface("The  \u{201C}Santo Tomas\u{201D} farm"), norm_surface("\"santo tomas\" Farm"));
        assert_eq!(norm_surface("the Islamic State"), "islamic state");
    }

    #[test]
    fn gtt_normalisation_drops_articles_and_punctuation() {
        assert_eq!(gtt_normalize("The \"Santo Tomas\" presidential farm."), "santo tomas presidential farm");
    }

    #[test]
    fn head_word_stops_at_post_modifiers() {
        assert_eq!(head_word("a group of armed men").as_deref(), Some("group"));
        assert_eq!(head_word("the mayor's bodyguards").as_deref(), Some("bodyguards"));
        assert_eq!(head_word("Sen. Bernie Sanders, who").as_deref(), Some("sanders"));
    }

    #[test]
    fn half_overlap_uses_the_shorter_range() {
        assert!(half_overlap((0, 10), (5, 100)));
        assert!(!half_overlap((0, 10), (6, 100)));
    }
}
