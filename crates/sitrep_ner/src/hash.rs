//! Feature and word hashing without building strings: FNV-1a over lower-cased characters.

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

#[inline]
fn step(h: u64, byte: u8) -> u64 {
    (h ^ u64::from(byte)).wrapping_mul(PRIME)
}

#[inline]
fn push_char(mut h: u64, c: char) -> u64 {
    let c = match c {
        '\u{2019}' | '\u{2018}' | '`' => '\'',
        '\u{2010}' | '\u{2011}' => '-',
        c => c,
    };
    if c.is_ascii() {
        return step(h, c.to_ascii_lowercase() as u8);
    }
    for l in c.to_lowercase() {
        let mut buf = [0u8; 4];
        for &b in l.encode_utf8(&mut buf).as_bytes() {
            h = step(h, b);
        }
    }
    h
}

/// Hash of the lower-cased characters of `chars`.
#[inline]
pub fn lower_hash(chars: impl Iterator<Item = char>) -> u64 {
    chars.fold(OFFSET, push_char)
}

/// The identity of a word for lexicon lookups and features: lower case, curly apostrophes
/// straightened, a trailing full stop dropped ("Gen." = "Gen" = "GEN").
#[must_use]
pub fn word_key(word: &str) -> u64 {
    let trimmed = word.trim_end_matches('.');
    let w = if trimmed.is_empty() { word } else { trimmed };
    lower_hash(w.chars())
}

/// Mixes a feature template id with a value hash.
#[inline]
#[must_use]
pub fn mix(template: u64, value: u64) -> u64 {
    let mut x = value ^ template.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_key_ignores_case_and_trailing_stop() {
        assert_eq!(word_key("Gen."), word_key("GEN"));
        assert_eq!(word_key("Shi\u{2019}ite"), word_key("shi'ite"));
        assert_ne!(word_key("US"), word_key("U.S."));
        assert_eq!(word_key("."), lower_hash(".".chars()));
    }
}
