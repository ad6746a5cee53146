#!/usr/bin/env bash
# Installs the page's third-party browser assets for `sitrep serve` from the npm registry, pinned by
# web/package-lock.json (npm ci: exact versions, checksums verified), and copies the files the page
# uses into web/vendor/ (gitignored). crates/sitrep_serve embeds web/vendor/ at build time, so run
# this BEFORE `cargo build`; without it the binary still builds, but its page says the map
# assets are missing and names this script. Nothing is fetched at run time.
#   Leaflet (BSD-2-Clause), Leaflet.markercluster (MIT), topojson-client (ISC),
#   world-atlas (ISC; Natural Earth country shapes, public domain) — licences copied beside them.
set -euo pipefail
cd "$(dirname "$0")/../web"

command -v npm >/dev/null || { echo "setup-web: npm is missing (Debian: apt-get install npm)" >&2; exit 1; }
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

rm -rf vendor
mkdir -p vendor/licenses
nm=node_modules
cp "$nm/leaflet/dist/leaflet.js" "$nm/leaflet/dist/leaflet.css" vendor/
cp "$nm/leaflet.markercluster/dist/leaflet.markercluster.js" vendor/
cp "$nm/leaflet.markercluster/dist/MarkerCluster.css" "$nm/leaflet.markercluster/dist/MarkerCluster.Default.css" vendor/
cp "$nm/topojson-client/dist/topojson-client.min.js" vendor/
# 1:110m country shapes: enough to shade a country, ~105 KB (the 1:50m file is 740 KB).
cp "$nm/world-atlas/countries-110m.json" vendor/
cp "$nm/leaflet/LICENSE" vendor/licenses/leaflet.txt
cp "$nm/topojson-client/LICENSE" vendor/licenses/topojson-client.txt
cp "$nm/world-atlas/LICENSE" vendor/licenses/world-atlas.txt
# The markercluster package ships no licence file; its package.json says MIT.
cp LICENSE-leaflet.markercluster.txt vendor/licenses/leaflet.markercluster.txt
echo "setup-web: $(ls vendor | wc -l) files in web/vendor ($(du -sk vendor | cut -f1) KB)" >&2
