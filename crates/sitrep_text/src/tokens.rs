//! Tokens: words, numbers and punctuation, in one pass, on character boundaries, sorted.
//!
//! A word is a run of letters and digits joined by hyphens ("al-Assad", "AK-47"), apostrophes
//! between letters ("O'Brien"), or periods inside dotted acronyms ("U.S."); a possessive `'s`
//! is its own token ("Assad" "'s"). A number is digits joined by `,` `.` `/` `-` between digits
//! ("1,200", "3.5", "12/04/2011"). Listed abbreviations keep their period ("Gen."). Every other
//! non-space character is a punctuation token; runs of the same one ("--", "...") stay together.

use sitrep_core::{Span, Token, TokenKind};

use crate::sentences::SentenceRules;

/// Appends the tokens of `text[span]` to `out`.
pub fn tokenize(text: &str, span: Span, rules: &SentenceRules, out: &mut Vec<Token>) {
    let s = &text[span.start..span.end];
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c.is_whitespace() {
            continue;
        }
        if c.is_alphanumeric() {
            let end = push_word(text, span.start + i, span.start + word_end(s, i), rules, out) - span.start;
            while it.peek().is_some_and(|&(j, _)| j < end) {
                it.next();
            }
            continue;
        }
        // Punctuation: a run of the same character is one token.
        let mut end = i + c.len_utf8();
        while let Some(&(j, d)) = it.peek() {
            if d != c {
                break;
            }
            end = j + d.len_utf8();
            it.next();
        }
        out.push(Token { span: Span::new(span.start + i, span.start + end), kind: TokenKind::Punct });
    }
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// End of the word or number starting at `i`: alphanumerics and the connectors allowed between them.
fn word_end(s: &str, i: usize) -> usize {
    let mut end = i;
    let mut prev_digit = false;
    let mut chars = s[i..].char_indices().peekable();
    while let Some((off, c)) = chars.next() {
        if c.is_alphanumeric() {
            end = i + off + c.len_utf8();
            prev_digit = c.is_ascii_digit();
            continue;
        }
        let Some(&(_, next)) = chars.peek() else { break };
        let joins = if is_hyphen(c) {
            next.is_alphanumeric()
        } else if is_apostrophe(c) {
            // Not the possessive: "'s" at the word's end is split off by `push_word`.
            next.is_alphabetic() && !prev_digit
        } else if matches!(c, ',' | '.' | '/' | ':') {
            prev_digit && next.is_ascii_digit()
        } else {
            false
        };
        if !joins {
            break;
        }
    }
    end
}

/// Pushes the word's token(s); returns where the last one ends.
fn push_word(text: &str, start: usize, end: usize, rules: &SentenceRules, out: &mut Vec<Token>) -> usize {
    let word = &text[start..end];
    // The possessive 's ("Assad's", "ASSAD'S") is its own token.
    let stem = word.strip_suffix(['s', 'S']).and_then(|w| w.strip_suffix(is_apostrophe));
    if let Some(stem) = stem.filter(|s| !s.is_empty()) {
        let split = start + stem.len();
        push_word(text, start, split, rules, out);
        out.push(Token { span: Span::new(split, end), kind: TokenKind::Word });
        return end;
    }
    let is_number = word.bytes().all(|b| b.is_ascii_digit() || matches!(b, b',' | b'.' | b'/' | b':' | b'-'))
        && word.as_bytes()[0].is_ascii_digit();
    if is_number {
        out.push(Token { span: Span::new(start, end), kind: TokenKind::Number });
        return end;
    }
    // Dotted acronyms ("U.S.", "a.m.") and listed abbreviations ("Gen.") keep their periods.
    let end = acronym_end(text, start, end, rules);
    out.push(Token { span: Span::new(start, end), kind: TokenKind::Word });
    end
}

/// Extends a word over "X.Y." dotted-acronym periods and a listed abbreviation's final period.
fn acronym_end(text: &str, start: usize, mut end: usize, rules: &SentenceRules) -> usize {
    let bytes = text.as_bytes();
    let word_len = end - start;
    // Dotted acronym: single letters or pairs, each followed by a period ("U.S.", "a.m.", "Ph.D.").
    if word_len <= 2 && bytes.get(end) == Some(&b'.') {
        let mut probe = end + 1;
        let mut groups = 1;
        loop {
            let group_end = text[probe..]
                .char_indices()
                .find(|&(_, c)| !c.is_alphabetic())
                .map_or(text.len(), |(o, _)| probe + o);
            let len = group_end - probe;
            if len == 0 || len > 2 || bytes.get(group_end) != Some(&b'.') {
                break;
            }
            groups += 1;
            probe = group_end + 1;
        }
        if groups > 1 {
            return probe;
        }
    }
    if bytes.get(end) == Some(&b'.') && rules.abbreviation(&text[start..end]).is_some() {
        end += 1;
    } else if bytes.get(end) == Some(&b'.') && word_len == 1 && text[start..end].chars().all(char::is_uppercase) {
        // An initial: "J." in "J. R. Smith".
        let after = &text[end + 1..];
        if after.starts_with(' ') && after[1..].starts_with(char::is_uppercase) {
            end += 1;
        }
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data;

    fn toks(text: &str) -> Vec<(&str, TokenKind)> {
        let rules = SentenceRules::parse(data::file("abbreviations.txt"), data::file("sentence_words.txt")).unwrap();
        let mut out = Vec::new();
        tokenize(text, Span::new(0, text.len()), &rules, &mut out);
        out.iter().map(|t| (t.span.of(text), t.kind)).collect()
    }

    fn words(text: &str) -> Vec<&str> {
        toks(text).into_iter().map(|(w, _)| w).collect()
    }

    #[test]
    fn hyphens_apostrophes_and_possessives() {
        assert_eq!(words("al-Assad's forces, O'Brien’s men"), ["al-Assad", "'s", "forces", ",", "O'Brien", "’s", "men"]);
        assert_eq!(words("ASSAD'S TROOPS"), ["ASSAD", "'S", "TROOPS"]);
    }

    #[test]
    fn numbers_keep_their_separators() {
        let t = toks("1,200 people, 3.5 km, on 12/04/2011 at 14:30.");
        assert_eq!(t[0], ("1,200", TokenKind::Number));
        assert_eq!(t[3], ("3.5", TokenKind::Number));
        assert_eq!(t[7], ("12/04/2011", TokenKind::Number));
        assert_eq!(t[9], ("14:30", TokenKind::Number));
        assert_eq!(t[10], (".", TokenKind::Punct));
    }

    #[test]
    fn abbreviations_acronyms_and_initials_keep_periods() {
        assert_eq!(words("Gen. J. R. Smith of the U.S. Army at 5 p.m."), [
            "Gen.", "J.", "R.", "Smith", "of", "the", "U.S.", "Army", "at", "5", "p.m."
        ]);
        assert_eq!(words("He left."), ["He", "left", "."]);
    }

    #[test]
    fn punctuation_runs_and_multibyte_text() {
        assert_eq!(words("SAN SALVADOR -- Ḥoms — “Aleppo”..."), [
            "SAN", "SALVADOR", "--", "Ḥoms", "—", "“", "Aleppo", "”", "..."
        ]);
    }
}
