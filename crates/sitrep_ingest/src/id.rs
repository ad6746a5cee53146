//! Stable document ids for inputs that do not bring their own.

/// `{stem}-{hash}`: readable (the file name) and stable (a hash of the content, FNV-1a 64, a
/// fixed algorithm so ids survive Rust upgrades, unlike `std`'s hasher). Moving or renaming the
/// file keeps the hash; the same text under two names gets two ids only by stem.
#[must_use]
pub fn stable_id(stem: Option<&str>, content: &[u8]) -> String {
    let hash = fnv1a64(content);
    match stem {
        Some(stem) => format!("{stem}-{hash:016x}"),
        None => format!("doc-{hash:016x}"),
    }
}

fn fnv1a64(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.iter().fold(OFFSET, |h, &b| (h ^ u64::from(b)).wrapping_mul(PRIME))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_depend_on_content_and_stem_only() {
        assert_eq!(stable_id(Some("a"), b"text"), stable_id(Some("a"), b"text"));
        assert_ne!(stable_id(Some("a"), b"text"), stable_id(Some("a"), b"text!"));
        // Pinned so a change of algorithm (which would re-key stored documents) is noticed.
        assert_eq!(stable_id(None, b""), "doc-cbf29ce484222325");
    }
}
