//! Name keys: the one normalisation both the index builder and the recogniser apply, so that
//! "Tall ‘Afar", "Tall Afar" and "TALL AFAR" meet on one key.

/// Lowercase ASCII key of a name: accents folded, periods and apostrophes dropped ("U.S." →
/// "us", "Sana'a" → "sanaa"), hyphens and other punctuation read as spaces, runs of spaces
/// collapsed.
#[must_use]
pub fn fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending_space = false;
    let push = |out: &mut String, piece: &str, pending_space: &mut bool| {
        for c in piece.chars() {
            if c.is_ascii_alphanumeric() {
                if *pending_space && !out.is_empty() {
                    out.push(' ');
                }
                *pending_space = false;
                out.push(c.to_ascii_lowercase());
            } else if is_dropped(c) {
            } else {
                *pending_space = true;
            }
        }
    };
    for c in name.chars() {
        if c.is_ascii() {
            let mut buf = [0u8; 4];
            push(&mut out, c.encode_utf8(&mut buf), &mut pending_space);
        } else if is_dropped(c) {
        } else if let Some(ascii) = deunicode::deunicode_char(c) {
            push(&mut out, ascii, &mut pending_space);
        } else {
            pending_space = true;
        }
    }
    out
}

/// Characters that vanish from a key rather than splitting it: abbreviation periods and the
/// apostrophes and ayn/hamza marks of transliterations.
fn is_dropped(c: char) -> bool {
    matches!(c, '.' | '\'' | '’' | '‘' | '`' | 'ʼ' | 'ʻ' | 'ʿ' | 'ʾ' | '´')
}

/// True when a name is written in Latin script (with accents): other scripts' alternate names
/// would only add transliteration noise to the keys.
#[must_use]
pub fn is_latin(name: &str) -> bool {
    name.chars().all(|c| {
        c.is_ascii()
            || matches!(c as u32, 0x00C0..=0x024F | 0x1E00..=0x1EFF | 0x0300..=0x036F | 0x02B0..=0x02FF)
            || matches!(c, '’' | '‘' | '‐' | '–' | '\u{a0}')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transliteration_variants_share_keys() {
        assert_eq!(fold("Tall ‘Afar"), "tall afar");
        assert_eq!(fold("Tall Afar"), "tall afar");
        assert_eq!(fold("U.S."), "us");
        assert_eq!(fold("Sana'a"), "sanaa");
        assert_eq!(fold("Al-Qaim"), "al qaim");
        assert_eq!(fold("  São  Paulo "), "sao paulo");
        assert_eq!(fold("Düsseldorf"), "dusseldorf");
        assert_eq!(fold("Ḥalab"), "halab");
    }

    #[test]
    fn latin_check_rejects_other_scripts() {
        assert!(is_latin("Ḥalab"));
        assert!(is_latin("São Paulo"));
        assert!(!is_latin("حلب"));
        assert!(!is_latin("Алеппо"));
    }
}
