//! Character offsets (the contract's) beside UTF-16 offsets (what JavaScript strings index).

/// Maps character offsets of one text to UTF-16 code-unit offsets.
pub struct Utf16Map {
    /// `prefix[c]` = UTF-16 units before character `c`; one entry past the end.
    prefix: Vec<usize>,
}

impl Utf16Map {
    pub fn new(text: &str) -> Self {
        let mut prefix = Vec::with_capacity(text.len() + 1);
        let mut units = 0usize;
        prefix.push(0);
        for c in text.chars() {
            units += c.len_utf16();
            prefix.push(units);
        }
        Self { prefix }
    }

    /// Number of characters in the text.
    pub fn chars(&self) -> usize {
        self.prefix.len() - 1
    }

    /// UTF-16 offset of character offset `c`; `None` past the end.
    pub fn utf16(&self, c: usize) -> Option<usize> {
        self.prefix.get(c).copied()
    }
}

/// The characters `[start, end)` of `text`.
pub fn char_slice(text: &str, start: usize, end: usize) -> Option<&str> {
    let mut it = text.char_indices().map(|(i, _)| i).chain(std::iter::once(text.len()));
    let s = it.nth(start)?;
    let e = if end == start { s } else { it.nth(end - start - 1)? };
    text.get(s..e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn astral_characters_count_two_units_and_arabic_one() {
        // "🔥" is one char, two UTF-16 units; Arabic letters are one of each.
        let text = "🔥 عاجل: strike";
        let m = Utf16Map::new(text);
        let start = text.chars().position(|c| c == 's').unwrap();
        assert_eq!(m.utf16(start), Some(start + 1));
        assert_eq!(char_slice(text, start, start + 6), Some("strike"));
        assert_eq!(char_slice(text, 0, 1), Some("🔥"));
        assert_eq!(m.utf16(m.chars()), Some(text.encode_utf16().count()));
        assert_eq!(char_slice(text, 3, 100), None);
        assert_eq!(char_slice(text, 2, 2), Some(""));
    }
}
