//! Embeds the page: `web/src/` (sitrep's own HTML, JS and CSS, committed) and `web/vendor/`
//! (Leaflet, markercluster, topojson-client, world-atlas shapes and their licences, installed
//! by `scripts/setup-web.sh` from the npm lockfile). Nothing is downloaded here: when
//! `web/vendor/` is missing the build still succeeds (other crates' builds must not depend on
//! npm), prints a warning naming the script, and the page says the map assets are missing.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The vendor files the page loads; all must be present for the map to work.
const VENDOR: &[&str] = &[
    "leaflet.js",
    "leaflet.css",
    "leaflet.markercluster.js",
    "MarkerCluster.css",
    "MarkerCluster.Default.css",
    "topojson-client.min.js",
    "countries-110m.json",
];

fn files(dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        let Some(name) = p.file_name().and_then(|n| n.to_str()).map(str::to_owned) else { continue };
        if name.starts_with('.') {
            continue;
        }
        if p.is_dir() {
            files(&p, &format!("{prefix}{name}/"), out);
        } else {
            out.push((format!("{prefix}{name}"), p));
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let web = manifest.join("../../web");
    let src = web.join("src");
    let vendor = web.join("vendor");
    println!("cargo:rerun-if-changed={}", src.display());
    println!("cargo:rerun-if-changed={}", vendor.display());
    println!("cargo:rerun-if-changed=build.rs");

    let mut assets = Vec::new();
    files(&src, "/static/", &mut assets);
    let missing: Vec<&str> = VENDOR.iter().copied().filter(|f| !vendor.join(f).is_file()).collect();
    if missing.is_empty() {
        files(&vendor, "/vendor/", &mut assets);
    } else {
        println!(
            "cargo:warning=sitrep_serve: web/vendor/ lacks {} — the page will show no map. Run scripts/setup-web.sh, then build again.",
            missing.join(", ")
        );
    }
    let mut code = String::from("/// Embedded files: (URL path, bytes).\npub static ASSETS: &[(&str, &[u8])] = &[\n");
    for (url, path) in &assets {
        let abs = path.canonicalize().unwrap_or_else(|_| path.clone());
        writeln!(code, "    ({url:?}, include_bytes!({:?})),", abs.display().to_string()).expect("write to String");
    }
    code.push_str("];\n");
    writeln!(code, "/// True when `scripts/setup-web.sh` had installed the map libraries at build time.").expect("write");
    writeln!(code, "pub const VENDOR_INSTALLED: bool = {};", missing.is_empty()).expect("write");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("assets.rs");
    std::fs::write(out, code).expect("write assets.rs into OUT_DIR");
}
