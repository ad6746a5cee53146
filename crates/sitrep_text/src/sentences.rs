//! Sentence boundaries, one pass over each paragraph.
//!
//! A sentence ends at `.`, `!`, `?` or `…` (plus any closing quotes and brackets after them) when
//! whitespace and a word that is not lower case follow, unless the period closes an abbreviation
//! that cannot end a sentence there. Paragraph breaks always end a sentence; inside a paragraph a
//! line break ends one when the line looks like a headline or a list item rather than wrapped
//! prose. Sentence spans are trimmed, sorted and non-overlapping, and only whitespace lies outside
//! them: the segmentation is lossless.

use sitrep_core::Span;

use crate::data::{self, DataError, WordTable};
use crate::lines::{trimmed, Lines};

/// How an abbreviation's period behaves at a possible sentence end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AbbrevKind {
    /// Precedes a name ("Gen.", "Mr."): never ends a sentence.
    Title,
    /// Precedes a number ("No. 5"): ends a sentence only when no digit follows.
    Number,
    /// May end a sentence ("U.S."): does when a usual sentence starter follows.
    Any,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WordRole {
    Starter,
    Continuer,
    Both,
}

/// Abbreviations and sentence-start words, parsed from the data files once.
#[derive(Debug)]
pub struct SentenceRules {
    abbreviations: WordTable<AbbrevKind>,
    words: WordTable<WordRole>,
}

impl SentenceRules {
    /// Parses the word lists (formats in their header comments).
    ///
    /// # Errors
    /// On a malformed line, naming file and line.
    pub fn parse(abbreviations: &str, sentence_words: &str) -> Result<Self, DataError> {
        let mut abbrevs = WordTable::default();
        for (line, fields) in data::records(abbreviations) {
            let [word, kind] = fields[..] else {
                return Err(DataError::new("abbreviations.txt", line, "expected `abbreviation<TAB>kind`"));
            };
            let kind = match kind {
                "title" => AbbrevKind::Title,
                "number" => AbbrevKind::Number,
                "any" => AbbrevKind::Any,
                other => {
                    return Err(DataError::new(
                        "abbreviations.txt",
                        line,
                        format!("unknown kind {other:?}; use title, number or any"),
                    ))
                }
            };
            if word.ends_with('.') {
                return Err(DataError::new("abbreviations.txt", line, "write the abbreviation without its final period"));
            }
            abbrevs.insert(word, kind);
        }
        let mut words: WordTable<WordRole> = WordTable::default();
        for (line, fields) in data::records(sentence_words) {
            let [word, kind] = fields[..] else {
                return Err(DataError::new("sentence_words.txt", line, "expected `word<TAB>kind`"));
            };
            let role = match kind {
                "starter" => WordRole::Starter,
                "continuer" => WordRole::Continuer,
                other => {
                    return Err(DataError::new(
                        "sentence_words.txt",
                        line,
                        format!("unknown kind {other:?}; use starter or continuer"),
                    ))
                }
            };
            let role = match (words.get(word), role) {
                (Some(old), new) if old != new => WordRole::Both,
                (_, new) => new,
            };
            words.insert(word, role);
        }
        Ok(Self { abbreviations: abbrevs, words })
    }

    /// The kind of a listed abbreviation (`word` without its final period), case-insensitively.
    #[must_use]
    pub fn abbreviation(&self, word: &str) -> Option<AbbrevKind> {
        self.abbreviations.get(word)
    }

    fn is_starter(&self, word: &str) -> bool {
        matches!(self.words.get(word), Some(WordRole::Starter | WordRole::Both))
    }

    fn is_continuer(&self, word: &str) -> bool {
        matches!(self.words.get(word), Some(WordRole::Continuer | WordRole::Both))
    }

    /// Sentence spans of `text`, paragraph by paragraph; `forced` holds extra byte offsets where
    /// a sentence must end (the end of a dateline), sorted.
    #[must_use]
    pub fn split(&self, text: &str, paragraphs: &[Span], forced: &[usize]) -> Vec<Span> {
        let mut out = Vec::with_capacity(text.len() / 120 + 1);
        let mut ends = Vec::new();
        for &para in paragraphs {
            ends.clear();
            self.line_breaks(text, para, &mut ends);
            self.punctuation_ends(text, para, &mut ends);
            ends.extend(forced.iter().copied().filter(|&f| para.start < f && f < para.end));
            ends.sort_unstable();
            ends.dedup();
            let mut start = para.start;
            for &end in &ends {
                if let Some(s) = trimmed(text, Span::new(start, end)) {
                    out.push(s);
                }
                start = end;
            }
            if let Some(s) = trimmed(text, Span::new(start, para.end)) {
                out.push(s);
            }
        }
        out
    }

    /// Line breaks inside a paragraph that end a sentence: after a headline, a list item, a
    /// label line — lines that are not wrapped prose.
    fn line_breaks(&self, text: &str, para: Span, ends: &mut Vec<usize>) {
        let body = &text[para.start..para.end];
        if !body.contains(['\n', '\r', '\u{2028}']) {
            return;
        }
        let mut lines: Vec<Span> = Vec::new();
        for line in Lines::from(text, para.start) {
            if line.start >= para.end {
                break;
            }
            let end = line.end.min(para.end);
            if let Some(t) = trimmed(text, Span::new(line.start, end)) {
                lines.push(t);
            }
        }
        let widest = lines.iter().map(|l| text[l.start..l.end].chars().count()).max().unwrap_or(0);
        for pair in lines.windows(2) {
            let (line, next) = (pair[0], pair[1]);
            let content = &text[line.start..line.end];
            let next_first = text[next.start..].chars().next().unwrap_or(' ');
            if next_first.is_lowercase() {
                continue;
            }
            let last = content.chars().next_back().unwrap_or(' ');
            if matches!(last, ',' | ';' | '-' | '(' | '/' | '&') {
                continue;
            }
            let last_word = content.rsplit(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
            if self.is_continuer(last_word) {
                continue;
            }
            // Wrapped prose fills its lines to about the same width; a line well short of the
            // widest one in its paragraph, or a paragraph of only short lines, is line-oriented.
            let width = content.chars().count();
            if widest < 60 || width * 10 < widest * 6 {
                ends.push(line.end);
            }
        }
    }

    /// Ends after sentence-final punctuation.
    fn punctuation_ends(&self, text: &str, para: Span, ends: &mut Vec<usize>) {
        let bytes = text.as_bytes();
        let mut i = para.start;
        while i < para.end {
            let b = bytes[i];
            let is_terminal = matches!(b, b'.' | b'!' | b'?') || (b == 0xE2 && text[i..].starts_with('…'));
            if !is_terminal {
                i += 1;
                continue;
            }
            let run_start = i;
            let (end, only_period) = terminal_run(text, i, para.end);
            i = end.max(i + 1);
            // Whitespace must follow (or the paragraph end): "U.S.", "3.5" and "example.com" have none.
            if end < para.end && !text[end..].starts_with(char::is_whitespace) {
                continue;
            }
            if end >= para.end {
                continue; // the paragraph end closes this sentence anyway
            }
            let next_start = end + (text[end..para.end].len() - text[end..para.end].trim_start().len());
            let next_word = first_word(&text[next_start..para.end]);
            let next_char = text[next_start..].chars().next().unwrap_or(' ');
            if next_char.is_lowercase() {
                continue;
            }
            if only_period && !self.period_ends_sentence(text, para.start, run_start, next_char, next_word) {
                continue;
            }
            ends.push(end);
        }
    }

    /// Whether a lone period at `dot` ends a sentence, given what follows it.
    fn period_ends_sentence(&self, text: &str, para_start: usize, dot: usize, next_char: char, next_word: &str) -> bool {
        let before = &text[para_start..dot];
        let word_start = before
            .rfind(|c: char| c.is_whitespace() || matches!(c, '(' | '[' | '"' | '“' | '‘' | '\''))
            .map_or(0, |i| i + before[i..].chars().next().map_or(1, char::len_utf8));
        let word = &before[word_start..];
        if word.is_empty() {
            return true;
        }
        let kind = self.abbreviation(word).or_else(|| {
            let mut chars = word.chars();
            let first = chars.next()?;
            let single_capital = first.is_uppercase() && chars.next().is_none();
            (single_capital || is_dotted_acronym(word)).then_some(AbbrevKind::Any)
        });
        match kind {
            None => true,
            Some(AbbrevKind::Title) => false,
            Some(AbbrevKind::Number) => !next_char.is_ascii_digit(),
            Some(AbbrevKind::Any) => self.is_starter(next_word),
        }
    }
}

/// Past a run of terminal punctuation starting at `i` and the closing quotes and brackets after
/// it ("?!", "...", `."`, `.)`, and the wire's "SAID... ."); also whether the run is one period.
fn terminal_run(text: &str, i: usize, limit: usize) -> (usize, bool) {
    let mut end = i;
    let mut periods = 0usize;
    let mut others = 0usize;
    loop {
        let rest = &text[end..limit];
        let Some(c) = rest.chars().next() else { break };
        match c {
            '.' => periods += 1,
            '!' | '?' | '…' => others += 1,
            '"' | '\'' | '”' | '’' | ')' | ']' | '»' => {}
            ' ' => {
                // "SAID... ." and "WAR ." in wire text: a period standing alone after a space
                // still belongs to this sentence.
                let after = &rest[1..];
                if after.starts_with('.') && after[1..].chars().next().is_none_or(char::is_whitespace) && periods + others > 0 {
                    end += 1;
                    continue;
                }
                break;
            }
            _ => break,
        }
        end += c.len_utf8();
    }
    (end, periods == 1 && others == 0)
}

/// The leading word of `s` (letters, digits and apostrophes), without punctuation before it.
fn first_word(s: &str) -> &str {
    let s = s.trim_start_matches(['"', '\'', '“', '‘', '(', '[']);
    let end = s.find(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’')).unwrap_or(s.len());
    &s[..end]
}

/// "U.S", "a.m", "Ph.D" (the final period already cut): letters in groups of at most two,
/// joined by periods.
fn is_dotted_acronym(word: &str) -> bool {
    word.contains('.')
        && word.split('.').all(|part| !part.is_empty() && part.len() <= 2 && part.chars().all(char::is_alphabetic))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lines::paragraphs;

    fn rules() -> SentenceRules {
        SentenceRules::parse(data::file("abbreviations.txt"), data::file("sentence_words.txt")).unwrap()
    }

    fn split(text: &str) -> Vec<&str> {
        rules().split(text, &paragraphs(text), &[]).iter().map(|s| s.of(text)).collect()
    }

    #[test]
    fn titles_and_initials_do_not_end_sentences() {
        assert_eq!(
            split("Lt. Col. J. R. Smith met Gen. Ali in St. Louis. He left."),
            ["Lt. Col. J. R. Smith met Gen. Ali in St. Louis.", "He left."]
        );
    }

    #[test]
    fn ambiguous_abbreviations_end_sentences_before_a_starter() {
        assert_eq!(
            split("Troops left the U.S. The U.N. Security Council met on Jan. 5 in Washington."),
            ["Troops left the U.S.", "The U.N. Security Council met on Jan. 5 in Washington."]
        );
    }

    #[test]
    fn decimals_and_numbers_stay_whole() {
        assert_eq!(split("Prices rose 3.5 percent in No. 4 district. Then 1,200 fled."), [
            "Prices rose 3.5 percent in No. 4 district.",
            "Then 1,200 fled."
        ]);
    }

    #[test]
    fn a_closing_quote_after_the_period_belongs_to_the_sentence() {
        assert_eq!(
            split("\u{201c}We will fight. We will win.\u{201d} He spoke. \"Go.\" (They went.) Done!"),
            ["\u{201c}We will fight.", "We will win.\u{201d}", "He spoke.", "\"Go.\"", "(They went.)", "Done!"]
        );
    }

    #[test]
    fn upper_case_wire_text_splits() {
        assert_eq!(
            split("THE ARMY SAID... . GEN. VARGAS DENIED IT.  HE WAS IN THE U.S. THE PRESIDENT SPOKE."),
            ["THE ARMY SAID... .", "GEN. VARGAS DENIED IT.", "HE WAS IN THE U.S.", "THE PRESIDENT SPOKE."]
        );
    }

    #[test]
    fn headlines_without_periods_end_at_their_line_break() {
        let text = "Rebels seize town in north\nBy the end of the day, the rebels held the market. Troops left.\n\nNext paragraph";
        assert_eq!(
            split(text),
            ["Rebels seize town in north", "By the end of the day, the rebels held the market.", "Troops left.", "Next paragraph"]
        );
    }

    #[test]
    fn wrapped_prose_does_not_split_at_line_breaks() {
        let text = "THE GUERRILLAS ATTACKED THE FARM AND BURNED THE BUILDINGS THAT THEY\nFOUND THERE, THE ARMY SAID IN A STATEMENT ISSUED IN THE CAPITAL\nTODAY.";
        assert_eq!(split(text).len(), 1);
    }

    #[test]
    fn lowercase_after_a_period_continues() {
        assert_eq!(split("He went to example.com and said approx. five."), ["He went to example.com and said approx. five."]);
    }
}
