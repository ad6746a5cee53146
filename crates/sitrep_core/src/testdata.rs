//! Where the shared gold data lives, for tests and the evaluator.

use std::path::PathBuf;

/// The shared data folder: `$SITREP_DATA`, else `../shared/data` beside the repository root.
#[must_use]
pub fn shared_data_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("SITREP_DATA") {
        return Some(PathBuf::from(dir));
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    root.is_dir().then(|| root.canonicalize().unwrap_or(root))
}

/// The shared data folder, or a panic that says how to provide it. Tests that read gold data
/// call this: they fail, never skip, when the data is missing.
///
/// # Panics
/// When the folder is missing.
#[must_use]
pub fn require_shared_data() -> PathBuf {
    shared_data_dir().unwrap_or_else(|| {
        panic!("../shared/data is missing: clone sitrep beside the shared/ folder, or set SITREP_DATA to its data/ folder")
    })
}
