//! Near-duplicate detection for syndication: MinHash signatures over word shingles, banded for
//! LSH lookup. A wire story re-run by another outlet keeps nearly all its 5-word shingles even
//! when the dateline, a headline or a sentence changes, so the estimated Jaccard stays high.

/// Hash functions in a signature.
pub const NUM_HASHES: usize = 64;
/// Rows per LSH band: 16 bands of 4 rows find pairs with Jaccard ≳ 0.5 with high probability.
pub const ROWS_PER_BAND: usize = 4;
/// Words per shingle.
const SHINGLE_WORDS: usize = 5;
/// Estimated Jaccard at or above which a document is a re-run of another.
pub const SYNDICATION_THRESHOLD: f64 = 0.8;

/// A MinHash signature.
pub type Signature = [u64; NUM_HASHES];

/// FNV-1a, stable across builds and platforms (std's hasher is not promised to be).
#[must_use]
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn mix(mut x: u64) -> u64 {
    // splitmix64 finaliser: turns one shingle hash into NUM_HASHES independent-looking ones.
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The signature of `text` (words lower-cased, punctuation ignored); `None` when the text has
/// fewer words than one shingle.
#[must_use]
pub fn signature(text: &str) -> Option<Signature> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.len() < SHINGLE_WORDS {
        return None;
    }
    let mut sig = [u64::MAX; NUM_HASHES];
    for window in words.windows(SHINGLE_WORDS) {
        let base = fnv1a(window.join(" ").as_bytes());
        for (i, slot) in sig.iter_mut().enumerate() {
            let h = mix(base ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
            if h < *slot {
                *slot = h;
            }
        }
    }
    Some(sig)
}

/// Estimated Jaccard similarity of the two shingle sets.
#[must_use]
pub fn similarity(a: &Signature, b: &Signature) -> f64 {
    let same = a.iter().zip(b).filter(|(x, y)| x == y).count();
    same as f64 / NUM_HASHES as f64
}

/// The LSH band keys of a signature, as `(band, hash)`; hashes fit SQLite's signed integers.
#[must_use]
pub fn bands(sig: &Signature) -> Vec<(i64, i64)> {
    sig.chunks(ROWS_PER_BAND)
        .enumerate()
        .map(|(band, rows)| {
            let mut bytes = Vec::with_capacity(ROWS_PER_BAND * 8);
            for r in rows {
                bytes.extend_from_slice(&r.to_le_bytes());
            }
            (band as i64, (fnv1a(&bytes) >> 1) as i64)
        })
        .collect()
}

/// Signature as bytes for storage.
#[must_use]
pub fn to_bytes(sig: &Signature) -> Vec<u8> {
    sig.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// Signature from stored bytes; `None` when the blob is not one.
#[must_use]
pub fn from_bytes(bytes: &[u8]) -> Option<Signature> {
    if bytes.len() != NUM_HASHES * 8 {
        return None;
    }
    let mut sig = [0u64; NUM_HASHES];
    for (slot, chunk) in sig.iter_mut().zip(bytes.chunks_exact(8)) {
        *slot = u64::from_le_bytes(chunk.try_into().ok()?);
    }
    Some(sig)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rerun_with_a_new_dateline_is_near_identical_and_a_different_story_is_not() {
        let wire = "A car bomb exploded at a busy market in the city on Monday, killing seven people, \
                    police said. Rescue teams searched the rubble for survivors through the night.";
        let rerun = format!("MOSUL (Daily Example) - {wire}");
        let other = "Hundreds of teachers marched through the city on Monday to demand higher wages, \
                     officials said. The protest ended peacefully after two hours.";
        let (a, b, c) = (signature(wire).unwrap(), signature(&rerun).unwrap(), signature(other).unwrap());
        assert!(similarity(&a, &b) >= SYNDICATION_THRESHOLD, "{}", similarity(&a, &b));
        assert!(similarity(&a, &c) < 0.2, "{}", similarity(&a, &c));
        assert!(bands(&a).iter().zip(bands(&b)).any(|(x, y)| *x == y));
        assert_eq!(from_bytes(&to_bytes(&a)), Some(a));
    }
}
