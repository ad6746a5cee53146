//! A minimal sentence splitter and tokeniser with the text stage's conventions (possessive
//! `'s` split off, "U.S." and "Gen." kept whole, hyphenated words whole), so this crate's tests
//! do not depend on another stage's build.

#![allow(dead_code)]

use sitrep_core::{Document, Span, Token, TokenKind};

const ABBREVIATIONS: [&str; 28] = [
    "mr", "mrs", "ms", "dr", "gen", "col", "lt", "st", "sgt", "capt", "maj", "brig", "adm", "gov", "sen", "rep", "jr",
    "inc", "co", "corp", "no", "mt", "prof", "rev", "vs", "cpl", "pvt", "cmdr",
];

fn word_end(s: &str, i: usize) -> usize {
    let b = s.as_bytes();
    let chars: Vec<(usize, char)> = s[i..].char_indices().map(|(o, c)| (i + o, c)).collect();
    let mut end = i;
    let mut k = 0;
    while k < chars.len() {
        let (o, c) = chars[k];
        if c.is_alphanumeric() {
            end = o + c.len_utf8();
            k += 1;
            continue;
        }
        let next_alnum = chars.get(k + 1).is_some_and(|(_, d)| d.is_alphanumeric());
        let joins = match c {
            '-' | '\u{2011}' => next_alnum,
            '\'' | '\u{2019}' => {
                // "O'Brien", "Shi'ite" join; the possessive "'s" does not.
                let rest = &s[o + c.len_utf8()..];
                let possessive = rest.starts_with(['s', 'S']) && !rest[1..].starts_with(char::is_alphanumeric);
                next_alnum && !possessive
            }
            // "U.S.", "3.5": a period between letters/digits of a dotted form.
            '.' => next_alnum && chars.get(k + 2).is_some_and(|(_, d)| *d == '.' || !d.is_alphanumeric()) && end - i <= 2,
            ',' => next_alnum && b[end - 1].is_ascii_digit() && chars[k + 1].1.is_ascii_digit(),
            _ => false,
        };
        if !joins {
            break;
        }
        k += 1;
    }
    // Keep a final period of a dotted acronym ("U.S.") or a listed abbreviation ("Gen.").
    let word = &s[i..end];
    if s[end..].starts_with('.') {
        let dotted = word.contains('.');
        let initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
        if dotted || initial || ABBREVIATIONS.contains(&word.to_lowercase().as_str()) {
            end += 1;
        }
    }
    end
}

/// Tokens of `text` (byte spans), and sentence spans.
pub fn segment(doc: &mut Document) {
    let text = doc.text.clone();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let c = text[i..].chars().next().unwrap();
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        if c.is_alphanumeric() {
            let end = word_end(&text, i);
            let kind = if text[i..end].chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.') {
                TokenKind::Number
            } else {
                TokenKind::Word
            };
            tokens.push(Token { span: Span::new(i, end), kind });
            i = end;
            continue;
        }
        if (c == '\'' || c == '\u{2019}') && text[i + c.len_utf8()..].starts_with(['s', 'S']) {
            let end = i + c.len_utf8() + 1;
            if !text[end..].starts_with(char::is_alphanumeric) {
                tokens.push(Token { span: Span::new(i, end), kind: TokenKind::Word });
                i = end;
                continue;
            }
        }
        tokens.push(Token { span: Span::new(i, i + c.len_utf8()), kind: TokenKind::Punct });
        i += c.len_utf8();
    }
    // Sentences end at . ! ? (a token of their own) before a capital or the end, and at blank lines.
    let mut sentences = Vec::new();
    let mut start: Option<usize> = None;
    for (k, t) in tokens.iter().enumerate() {
        let s = start.get_or_insert(t.span.start);
        let w = &text[t.span.start..t.span.end];
        let next = tokens.get(k + 1);
        let gap = next.map_or("", |n| &text[t.span.end..n.span.start]);
        let ends = matches!(w, "." | "!" | "?") && next.is_none_or(|n| !gap.is_empty() && !text[n.span.start..].starts_with(char::is_lowercase));
        if ends || gap.contains("\n\n") || next.is_none() {
            sentences.push(Span::new(*s, t.span.end));
            start = None;
        }
    }
    doc.tokens = tokens;
    doc.sentences = sentences;
}

#[test]
fn segment_keeps_the_text_stage_conventions() {
    let mut doc = Document::from_text("t", "Gen. Smith met U.S. envoys in al-Bab. Assad's forces lost 1,200 men.");
    segment(&mut doc);
    let words: Vec<&str> = doc.tokens.iter().map(|t| doc.slice(t.span)).collect();
    assert_eq!(words, ["Gen.", "Smith", "met", "U.S.", "envoys", "in", "al-Bab", ".", "Assad", "'s", "forces", "lost", "1,200", "men", "."]);
    assert_eq!(doc.sentences.len(), 2);
}
