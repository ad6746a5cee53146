//! Byte spans into `Document::text`, and the one conversion to character offsets.

use serde::{Deserialize, Serialize};

/// A half-open byte range `[start, end)` into `Document::text`.
///
/// Stages work in bytes because that is what Rust strings index by; the contract speaks in
/// characters, and [`CharMap`] converts once, at the output edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    #[must_use]
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    #[must_use]
    pub const fn len(self) -> usize {
        self.end - self.start
    }

    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    #[must_use]
    pub const fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    #[must_use]
    pub const fn overlaps(self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    #[must_use]
    pub fn shifted(self, by: usize) -> Self {
        Self::new(self.start + by, self.end + by)
    }

    /// The slice of `text` this span covers.
    ///
    /// # Panics
    /// When the span is out of range or not on character boundaries: a bug in the stage that made it.
    #[must_use]
    pub fn of(self, text: &str) -> &str {
        &text[self.start..self.end]
    }
}

/// Byte-offset → character-offset conversion for one text, built once per document.
///
/// The contract's offsets are Unicode scalar values; the JavaScript front end also needs UTF-16
/// code units, so both are kept.
#[derive(Debug, Clone)]
pub struct CharMap {
    /// `char_starts[i]` is the byte offset of character `i`; a final entry holds `text.len()`.
    char_starts: Vec<usize>,
    ascii: bool,
}

impl CharMap {
    #[must_use]
    pub fn new(text: &str) -> Self {
        let ascii = text.is_ascii();
        let char_starts = if ascii {
            Vec::new()
        } else {
            text.char_indices().map(|(i, _)| i).chain(std::iter::once(text.len())).collect()
        };
        Self { char_starts, ascii }
    }

    /// Character offset of a byte offset. A byte offset inside a character maps to that
    /// character's start, so a stage bug shows up as a surface mismatch in the span check,
    /// not as a panic in the output writer.
    #[must_use]
    pub fn char_offset(&self, byte: usize) -> usize {
        if self.ascii {
            return byte;
        }
        match self.char_starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Byte offset of a character offset (clamped to the end of the text).
    #[must_use]
    pub fn byte_offset(&self, chr: usize) -> usize {
        if self.ascii {
            return chr;
        }
        self.char_starts[chr.min(self.char_starts.len() - 1)]
    }

    #[must_use]
    pub fn span_to_chars(&self, span: Span) -> (usize, usize) {
        (self.char_offset(span.start), self.char_offset(span.end))
    }

    #[must_use]
    pub fn span_from_chars(&self, start: usize, end: usize) -> Span {
        Span::new(self.byte_offset(start), self.byte_offset(end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_map_round_trips_multibyte_text() {
        let text = "Ḥalab – حلب, “Aleppo”";
        let map = CharMap::new(text);
        for (chr, (byte, _)) in text.char_indices().enumerate() {
            assert_eq!(map.char_offset(byte), chr);
            assert_eq!(map.byte_offset(chr), byte);
        }
        assert_eq!(map.char_offset(text.len()), text.chars().count());
    }

    #[test]
    fn ascii_text_maps_identically() {
        let map = CharMap::new("KABUL, Afghanistan");
        assert_eq!(map.span_to_chars(Span::new(0, 5)), (0, 5));
    }
}
