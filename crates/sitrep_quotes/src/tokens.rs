//! A small word tokenizer over one sentence: words (with inner apostrophes, hyphens and the full
//! stop of abbreviations such as "Sen." or "U.S.") and single punctuation marks. The cue rules need
//! only this much, and it keeps the stage independent of how the text stage tokenizes.

use sitrep_core::Span;

use crate::lexicon::{Lexicon, Roles};

#[derive(Debug, Clone)]
pub struct Tok {
    pub span: Span,
    pub lower: String,
    pub word: bool,
    /// Starts with an upper-case letter.
    pub cap: bool,
    /// The word's roles in `words.tsv`, looked up once.
    pub roles: Roles,
}

impl Tok {
    pub fn is(&self, punct: char) -> bool {
        !self.word && self.lower.starts_with(punct)
    }
}

fn joins_word(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '-' | '\u{2010}' | '\u{2011}' | '.' | '&' | '/')
}

/// Tokens of `text[span]`, with spans into `text`.
pub fn tokenize(text: &str, span: Span, lex: &Lexicon) -> Vec<Tok> {
    let piece = &text[span.start..span.end];
    let char_at = |at: usize| piece.get(at..).and_then(|rest| rest.chars().next());
    let mut toks = Vec::with_capacity(piece.len() / 5);
    let mut pos = 0;
    while let Some(c) = char_at(pos) {
        let clen = c.len_utf8();
        if c.is_whitespace() {
            pos += clen;
            continue;
        }
        if c.is_alphanumeric() {
            let mut end = pos + clen;
            while let Some(cj) = char_at(end) {
                let after = end + cj.len_utf8();
                if cj.is_alphanumeric() || (joins_word(cj) && char_at(after).is_some_and(char::is_alphanumeric)) {
                    end = after;
                } else {
                    break;
                }
            }
            let mut lower = piece[pos..end].to_lowercase();
            // Keep the full stop of an abbreviation ("Sen.", "U.S.", "J.") so it reads as one word.
            if char_at(end) == Some('.') {
                let single_letter = lower.chars().count() == 1 && c.is_uppercase();
                let before_bracket = char_at(end + 1).is_some_and(|n| matches!(n, ')' | ','));
                if single_letter || lower.contains('.') || lex.roles(&lower).has(Roles::ABBREV) || (before_bracket && lower.contains('-')) {
                    end += 1;
                    lower.push('.');
                }
            }
            toks.push(Tok {
                span: Span::new(span.start + pos, span.start + end),
                roles: lex.roles(bare(&lower)),
                lower,
                word: true,
                cap: c.is_uppercase(),
            });
            pos = end;
        } else if c == '\'' && char_at(pos + 1) == Some('\'') {
            // ''…'' quotes: one double mark.
            toks.push(Tok { span: Span::new(span.start + pos, span.start + pos + 2), lower: "\"".to_owned(), word: false, cap: false, roles: Roles::default() });
            pos += 2;
        } else {
            toks.push(Tok { span: Span::new(span.start + pos, span.start + pos + clen), lower: c.to_string(), word: false, cap: false, roles: Roles::default() });
            pos += clen;
        }
    }
    if shouting(piece) {
        // Upper-case wire text ("THE NEW JUDGE SAID"): case says nothing, so treat function words
        // and cue words as lower-case and everything else as a name, as mixed-case text reads.
        for t in toks.iter_mut().filter(|t| t.word) {
            let function = t.roles.is_function_word() || lex.cue_at(&[t.lower.as_str()]).is_some();
            t.cap = !function;
        }
    }
    toks
}

/// Whether a piece of text is written in capitals throughout.
fn shouting(piece: &str) -> bool {
    let (upper, lower) = piece.chars().filter(|c| c.is_alphabetic()).fold((0, 0), |(u, l), c| {
        if c.is_uppercase() {
            (u + 1, l)
        } else if c.is_lowercase() {
            (u, l + 1)
        } else {
            (u, l)
        }
    });
    upper >= 12 && lower * 10 < upper
}

/// The lower-case words starting at token `i`, as many as a cue phrase can have (no allocation).
pub fn window(toks: &[Tok], i: usize) -> ([&str; 4], usize) {
    let mut words = [""; 4];
    let mut n = 0;
    for t in toks[i..].iter().take(4) {
        words[n] = t.lower.as_str();
        n += 1;
    }
    (words, n)
}

/// Lower-case form without a trailing full stop ("sen." → "sen").
pub fn bare(lower: &str) -> &str {
    lower.strip_suffix('.').unwrap_or(lower)
}
