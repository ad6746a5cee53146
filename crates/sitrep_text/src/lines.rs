//! Lines and paragraphs. A line ends at `\n`, `\r\n`, `\r`, U+2028 (LINE SEPARATOR, which the
//! ISAF releases use throughout) or U+2029 (PARAGRAPH SEPARATOR, which also ends a paragraph).

use sitrep_core::Span;

/// One line of the text, its terminator excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    /// Byte offset of the line's first byte.
    pub start: usize,
    /// Byte offset just past the line's content (where its terminator starts).
    pub end: usize,
    /// Byte offset where the next line starts (past the terminator).
    pub next: usize,
    /// The terminator was U+2029, which closes a paragraph on its own.
    pub ends_paragraph: bool,
}

impl Line {
    #[must_use]
    pub fn span(self) -> Span {
        Span::new(self.start, self.end)
    }
}

/// Iterates the lines of a text in one pass (a trailing terminator yields no extra empty line).
pub struct Lines<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Lines<'a> {
    #[must_use]
    pub fn new(text: &'a str) -> Self {
        Self { bytes: text.as_bytes(), pos: 0 }
    }

    /// Lines starting at byte `pos` (which must be a line start for the result to make sense).
    #[must_use]
    pub fn from(text: &'a str, pos: usize) -> Self {
        Self { bytes: text.as_bytes(), pos }
    }
}

impl Iterator for Lines<'_> {
    type Item = Line;

    fn next(&mut self) -> Option<Line> {
        let bytes = self.bytes;
        let start = self.pos;
        if start >= bytes.len() {
            return None;
        }
        let mut i = start;
        loop {
            let Some(off) = memchr::memchr3(b'\n', b'\r', 0xE2, &bytes[i..]) else {
                self.pos = bytes.len();
                return Some(Line { start, end: bytes.len(), next: bytes.len(), ends_paragraph: false });
            };
            let at = i + off;
            match bytes[at] {
                b'\n' => {
                    self.pos = at + 1;
                    return Some(Line { start, end: at, next: at + 1, ends_paragraph: false });
                }
                b'\r' => {
                    let next = if bytes.get(at + 1) == Some(&b'\n') { at + 2 } else { at + 1 };
                    self.pos = next;
                    return Some(Line { start, end: at, next, ends_paragraph: false });
                }
                _ => {
                    // 0xE2 leads U+2028 (E2 80 A8) and U+2029 (E2 80 A9), and many other characters.
                    if bytes.get(at + 1) == Some(&0x80) && matches!(bytes.get(at + 2), Some(0xA8 | 0xA9)) {
                        let ends_paragraph = bytes[at + 2] == 0xA9;
                        self.pos = at + 3;
                        return Some(Line { start, end: at, next: at + 3, ends_paragraph });
                    }
                    i = at + 1;
                }
            }
        }
    }
}

/// The span of `line` without leading and trailing whitespace, or `None` for a blank line.
#[must_use]
pub fn trimmed(text: &str, span: Span) -> Option<Span> {
    let s = &text[span.start..span.end];
    let lead = s.len() - s.trim_start().len();
    let rest = s[lead..].trim_end();
    (!rest.is_empty()).then(|| Span::new(span.start + lead, span.start + lead + rest.len()))
}

/// Paragraphs: runs of non-blank lines between blank lines (or U+2029), trimmed of surrounding
/// whitespace. Sorted, non-overlapping, and everything outside them is whitespace.
#[must_use]
pub fn paragraphs(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut current: Option<Span> = None;
    for line in Lines::new(text) {
        match trimmed(text, line.span()) {
            None => {
                out.extend(current.take());
            }
            Some(content) => {
                current = Some(match current {
                    Some(p) => Span::new(p.start, content.end),
                    None => content,
                });
                if line.ends_paragraph {
                    out.extend(current.take());
                }
            }
        }
    }
    out.extend(current);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_texts(text: &str) -> Vec<&str> {
        Lines::new(text).map(|l| &text[l.start..l.end]).collect()
    }

    #[test]
    fn every_kind_of_line_break_ends_a_line() {
        assert_eq!(line_texts("a\nb\r\nc\rd\u{2028}e\u{2029}f"), ["a", "b", "c", "d", "e", "f"]);
        assert_eq!(line_texts("a\n"), ["a"]);
        assert_eq!(line_texts("\n\n"), ["", ""]);
        assert_eq!(line_texts("é—x"), ["é—x"], "other characters led by 0xE2 are not breaks");
    }

    #[test]
    fn paragraphs_are_trimmed_runs_between_blank_lines() {
        let text = "  Title line\nsecond\n \t\nBody one.\u{2028}\u{2028}Body two\u{2029}Body three\n";
        let got: Vec<&str> = paragraphs(text).iter().map(|p| p.of(text)).collect();
        assert_eq!(got, ["Title line\nsecond", "Body one.", "Body two", "Body three"]);
    }
}
