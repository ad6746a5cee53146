//! A stable fingerprint of a stage's data files, for the output's `provenance.lexicons`.

/// FNV-1a over each file's name and bytes: fixed across Rust versions and platforms, unlike
/// `DefaultHasher`, so the same lexicons always print the same provenance.
#[must_use]
pub fn data_fingerprint(files: &[(&str, &str)]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (name, text) in files {
        for byte in name.bytes().chain([0]).chain(text.bytes()).chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_with_content_and_name() {
        let a = data_fingerprint(&[("a.tsv", "x\ty")]);
        assert_eq!(a, data_fingerprint(&[("a.tsv", "x\ty")]));
        assert_ne!(a, data_fingerprint(&[("a.tsv", "x\tz")]));
        assert_ne!(a, data_fingerprint(&[("b.tsv", "x\ty")]));
    }
}
