//! Words of a sentence and the number phrases among them ("at least 12", "dozens", "two soldiers").

use sitrep_core::numbers::number_value;
use sitrep_core::Span;

use crate::lexicon::is_word_char;

#[derive(Debug, Clone, Copy)]
pub struct Word {
    pub span: Span,
    /// Punctuation that ends a clause or item (`,` `;` `:` `(` `)` `"` …) is kept as a one-character word.
    pub punct: bool,
}

/// Splits `text[span]` into words and punctuation marks. "1,200" and "U.S." stay one word.
pub fn words(text: &str, span: Span) -> Vec<Word> {
    let s = &text[span.start..span.end];
    let mut out = Vec::with_capacity(s.len() / 5);
    let mut iter = s.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if c.is_whitespace() {
            continue;
        }
        if is_word_char(c) || c == '\'' || c == '’' {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = iter.peek() {
                let joins = is_word_char(d)
                    || ((d == '\'' || d == '’') && s[j + d.len_utf8()..].chars().next().is_some_and(char::is_alphanumeric))
                    || ((d == ',' || d == '.')
                        && s[..j].chars().next_back().is_some_and(|p| p.is_ascii_digit())
                        && s[j + 1..].chars().next().is_some_and(|n| n.is_ascii_digit()))
                    || (d == '.'
                        && s[..j].chars().next_back().is_some_and(|p| p.is_ascii_uppercase())
                        && (s[j + 1..].chars().next().is_some_and(|n| n.is_ascii_uppercase())
                            || s[..j].chars().rev().nth(1) == Some('.')));
                if !joins {
                    break;
                }
                end = j + d.len_utf8();
                iter.next();
            }
            out.push(Word { span: Span::new(i, end).shifted(span.start), punct: false });
        } else {
            out.push(Word { span: Span::new(i, i + c.len_utf8()).shifted(span.start), punct: true });
        }
    }
    out
}

/// Index of the word containing byte `offset` (or the first word after it).
pub fn word_at(words: &[Word], offset: usize) -> usize {
    words.partition_point(|w| w.span.end <= offset)
}

/// A number phrase: its span (from the first word, qualifiers included, to the last number word), the word
/// index after it, and ACLED's conservative reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberPhrase {
    pub span: Span,
    pub next: usize,
    pub low: u64,
    pub high: Option<u64>,
}

const QUALIFIERS: [&[&str]; 17] = [
    &["at", "least"],
    &["more", "than"],
    &["fewer", "than"],
    &["less", "than"],
    &["as", "many", "as"],
    &["up", "to"],
    &["an", "estimated"],
    &["over"],
    &["nearly"],
    &["almost"],
    &["about"],
    &["around"],
    &["some"],
    &["approximately"],
    &["roughly"],
    &["all"],
    &["another"],
];

/// Vague quantities and the figure ACLED records for them.
const VAGUE: [(&[&str], u64); 10] = [
    (&["a", "dozen"], 12),
    (&["dozens"], 12),
    (&["scores"], 20),
    (&["several"], 3),
    // Read like "several": more than two, number unknown.
    (&["multiple"], 3),
    (&["a", "few"], 3),
    (&["hundreds"], 100),
    (&["a", "hundred"], 100),
    (&["thousands"], 1000),
    (&["a", "number", "of"], 3),
];

fn eq_words(text: &str, words: &[Word], at: usize, phrase: &[&str]) -> bool {
    phrase.iter().enumerate().all(|(k, p)| words.get(at + k).is_some_and(|w| !w.punct && w.span.of(text).eq_ignore_ascii_case(p)))
}

/// Reads a number phrase starting at word `at`, if there is one.
pub fn number_at(text: &str, words: &[Word], at: usize) -> Option<NumberPhrase> {
    let start = words.get(at)?.span.start;
    let mut i = at;
    for q in QUALIFIERS {
        if eq_words(text, words, i, q) {
            i += q.len();
            break;
        }
    }
    for (phrase, value) in VAGUE {
        if eq_words(text, words, i, phrase) {
            let end = words[i + phrase.len() - 1].span.end;
            return Some(NumberPhrase { span: Span::new(start, end), next: i + phrase.len(), low: value, high: None });
        }
    }
    let first = words.get(i).filter(|w| !w.punct)?;
    let mut value = number_value(first.span.of(text))?;
    let mut end = first.span.end;
    i += 1;
    // "two hundred", "3 thousand"
    if let Some(w) = words.get(i) {
        let lw = w.span.of(text).to_ascii_lowercase();
        let mult = match lw.as_str() {
            "hundred" => Some(100),
            "thousand" => Some(1000),
            _ => None,
        };
        if let Some(m) = mult {
            value *= m;
            end = w.span.end;
            i += 1;
        }
    }
    // "12 to 15", "12-15" is one word and read as its first number
    let mut high = None;
    if words.get(i).is_some_and(|w| matches!(w.span.of(text).to_ascii_lowercase().as_str(), "to" | "or")) {
        if let Some(w2) = words.get(i + 1).filter(|w| !w.punct) {
            if let Some(v2) = number_value(w2.span.of(text)).filter(|v2| *v2 > value) {
                high = Some(v2);
                end = w2.span.end;
                i += 2;
            }
        }
    }
    Some(NumberPhrase { span: Span::new(start, end), next: i, low: value, high })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Option<(u64, Option<u64>, String)> {
        let ws = words(text, Span::new(0, text.len()));
        number_at(text, &ws, 0).map(|n| (n.low, n.high, n.span.of(text).to_owned()))
    }

    #[test]
    fn numbers_and_number_words() {
        assert_eq!(read("at least 12 people"), Some((12, None, "at least 12".into())));
        assert_eq!(read("more than 1,200 people"), Some((1200, None, "more than 1,200".into())));
        assert_eq!(read("12 to 15 people"), Some((12, Some(15), "12 to 15".into())));
        assert_eq!(read("dozens of people"), Some((12, None, "dozens".into())));
        assert_eq!(read("a dozen soldiers"), Some((12, None, "a dozen".into())));
        assert_eq!(read("several people"), Some((3, None, "several".into())));
        assert_eq!(read("multiple suspects"), Some((3, None, "multiple".into())));
        assert_eq!(read("hundreds of people"), Some((100, None, "hundreds".into())));
        assert_eq!(read("twenty-five people"), Some((25, None, "twenty-five".into())));
        assert_eq!(read("two hundred people"), Some((200, None, "two hundred".into())));
        assert_eq!(read("people"), None);
    }

    #[test]
    fn words_keep_numerals_and_acronyms_whole() {
        let t = "U.S. troops killed 1,200, didn't they?";
        let ws: Vec<&str> = words(t, Span::new(0, t.len())).iter().map(|w| w.span.of(t)).collect();
        assert_eq!(ws, ["U.S.", "troops", "killed", "1,200", ",", "didn't", "they", "?"]);
    }
}
