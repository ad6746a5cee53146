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
    let chars: Vec<(usize, char)> = piece.char_indices().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_alphanumeric() {
            let mut j = i + 1;
            while j < chars.len() {
                let cj = chars[j].1;
                if cj.is_alphanumeric() || (joins_word(cj) && chars.get(j + 1).is_some_and(|x| x.1.is_alphanumeric())) {
                    j += 1;
                } else {
                    break;
                }
            }
            let mut end = chars.get(j).map_or(piece.len(), |x| x.0);
            let lower = piece[pos..end].to_lowercase();
            // Keep the full stop of an abbreviation ("Sen.", "U.S.", "J.") so it reads as one word.
            if chars.get(j).is_some_and(|x| x.1 == '.') {
                let single_letter = lower.chars().count() == 1 && c.is_uppercase();
                let before_bracket = chars.get(j + 1).is_some_and(|x| matches!(x.1, ')' | ','));
                if single_letter || lower.contains('.') || lex.roles(&lower).has(Roles::ABBREV) || (before_bracket && lower.contains('-')) {
                    end += 1;
                    j += 1;
                }
            }
            toks.push(Tok {
                span: Span::new(span.start + pos, span.start + end),
                lower: piece[pos..end].to_lowercase(),
                word: true,
                cap: c.is_uppercase(),
            });
            i = j;
        } else if c == '\'' && chars.get(i + 1).is_some_and(|x| x.1 == '\'') {
            // ''…'' quotes: one double mark.
            toks.push(Tok { span: Span::new(span.start + pos, span.start + pos + 2), lower: "\"".to_owned(), word: false, cap: false });
            i += 2;
        } else {
            let end = pos + c.len_utf8();
            toks.push(Tok { span: Span::new(span.start + pos, span.start + end), lower: c.to_string(), word: false, cap: false });
            i += 1;
        }
    }
    if shouting(piece) {
        // Upper-case wire text ("THE NEW JUDGE SAID"): case says nothing, so treat function words
        // and cue words as lower-case and everything else as a name, as mixed-case text reads.
        for t in toks.iter_mut().filter(|t| t.word) {
            let function = lex.roles(bare(&t.lower)).is_function_word() || lex.cue_at(&[t.lower.as_str()]).is_some();
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

/// Lower-case form without a trailing full stop ("sen." → "sen").
pub fn bare(lower: &str) -> &str {
    lower.strip_suffix('.').unwrap_or(lower)
}
