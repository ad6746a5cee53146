//! Where a country's point goes.
//!
//! GeoNames puts a country's feature near the geographic centre of its main territory (the
//! United States in Kansas near Lebanon, the centre of the lower 48; India at 22° N 79° E).
//! No registry package ships those points. world-countries gives two estimates of the same
//! thing: a rounded reference point (`latlng`, often GeoNames' own, but for the United States
//! 38° N 97° W, 235 km away) and the country's outline. Neither alone is reliable: the
//! reference point is off for large countries news mentions often, and the outline's centroid
//! is off wherever the reference point was already right (China, Brazil). So the reference
//! point stands while the outline agrees with it within the field's tolerance for a right
//! place (161 km, 100 miles); when they disagree by more, the point is their midpoint, within
//! tolerance of either if the two are less than 322 km apart
//! (`country_points_land_near_geonames_own_points` in tests/geo.rs checks real countries).

use serde::Deserialize;

/// One world-countries `data/<cca3>.geo.json` file.
#[derive(Deserialize)]
pub(crate) struct Outline {
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    geometry: Option<Geometry>,
}

#[derive(Deserialize)]
#[serde(tag = "type", content = "coordinates")]
enum Geometry {
    Polygon(Vec<Vec<Vec<f64>>>),
    MultiPolygon(Vec<Vec<Vec<Vec<f64>>>>),
}

impl Outline {
    /// The outer rings of every polygon, as (lon, lat) pairs.
    fn outer_rings(&self) -> impl Iterator<Item = &Vec<Vec<f64>>> {
        self.features.iter().filter_map(|f| f.geometry.as_ref()).flat_map(|g| match g {
            Geometry::Polygon(rings) => rings.first().into_iter().collect::<Vec<_>>(),
            Geometry::MultiPolygon(polys) => polys.iter().filter_map(|rings| rings.first()).collect(),
        })
    }

    /// The centroid (lat, lon) of the mainland: the largest polygon, when it holds most of
    /// the territory (not the islands and overseas territories that pull an all-parts
    /// centroid out to sea, Alaska and Hawaii). An archipelago (the Philippines, Indonesia)
    /// has no mainland.
    pub(crate) fn mainland_centroid(&self) -> Option<(f64, f64)> {
        let parts: Vec<(f64, f64, f64)> = self.outer_rings().filter_map(|ring| ring_centroid(ring)).collect();
        let total: f64 = parts.iter().map(|p| p.0).sum();
        parts
            .into_iter()
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .filter(|largest| largest.0 > total / 2.0)
            .map(|(_, lat, lon)| (lat, lon))
    }
}

/// (ground area weight, lat, lon) of one ring by the shoelace formula on degrees; longitudes
/// are unwrapped so a ring across the antimeridian stays one shape.
fn ring_centroid(ring: &[Vec<f64>]) -> Option<(f64, f64, f64)> {
    let first_lon = ring.first()?.first().copied()?;
    let points: Vec<(f64, f64)> = ring
        .iter()
        .filter_map(|p| {
            let (lon, lat) = (*p.first()?, *p.get(1)?);
            let mut lon = lon;
            if lon - first_lon > 180.0 {
                lon -= 360.0;
            } else if first_lon - lon > 180.0 {
                lon += 360.0;
            }
            Some((lon, lat))
        })
        .collect();
    let (mut area, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for (i, &(x0, y0)) in points.iter().enumerate() {
        let (x1, y1) = points[(i + 1) % points.len()];
        let cross = x0 * y1 - x1 * y0;
        area += cross;
        cx += (x0 + x1) * cross;
        cy += (y0 + y1) * cross;
    }
    if area.abs() < 1e-12 {
        return None;
    }
    let (lon, lat) = (cx / (3.0 * area), cy / (3.0 * area));
    let lon = if lon > 180.0 {
        lon - 360.0
    } else if lon < -180.0 {
        lon + 360.0
    } else {
        lon
    };
    Some(((area / 2.0).abs() * lat.to_radians().cos(), lat, lon))
}

/// Beyond this, a place is wrong by the field's usual measure (accuracy within 100 miles).
const TOLERANCE_KM: f64 = 161.0;

/// The country's point: the reference point, unless the mainland centroid is more than the
/// tolerance away from it; then the great-circle midpoint of the two.
pub(crate) fn country_point(reference: (f64, f64), outline: &Outline) -> (f64, f64) {
    match outline.mainland_centroid() {
        Some(centroid) if crate::distance_km(reference.0, reference.1, centroid.0, centroid.1) > TOLERANCE_KM => {
            great_circle_midpoint(reference, centroid)
        }
        _ => reference,
    }
}

fn great_circle_midpoint(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    let unit = |(lat, lon): (f64, f64)| {
        let (lat, lon) = (lat.to_radians(), lon.to_radians());
        [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
    };
    let (u, v) = (unit(a), unit(b));
    let m = [u[0] + v[0], u[1] + v[1], u[2] + v[2]];
    let horizontal = m[0].hypot(m[1]);
    if horizontal < 1e-12 && m[2].abs() < 1e-12 {
        return a; // antipodes: no midpoint
    }
    (m[2].atan2(horizontal).to_degrees(), m[1].atan2(m[0]).to_degrees())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outline(json: &str) -> Outline {
        serde_json::from_str(json).expect("valid outline")
    }

    #[test]
    fn the_mainland_wins_over_a_far_island() {
        // A 10°×10° square and a 1°×1° island far to the east.
        let o = outline(
            r#"{"features":[{"geometry":{"type":"MultiPolygon","coordinates":[
                [[[0,0],[10,0],[10,10],[0,10],[0,0]]],
                [[[50,0],[51,0],[51,1],[50,1],[50,0]]]]}}]}"#,
        );
        let (lat, lon) = o.mainland_centroid().unwrap();
        assert!((lat - 5.0).abs() < 1e-9 && (lon - 5.0).abs() < 1e-9, "{lat},{lon}");
    }

    #[test]
    fn an_archipelago_has_no_mainland() {
        // Three islands of 4, 3 and 3 square degrees: the largest holds 40%.
        let o = outline(
            r#"{"features":[{"geometry":{"type":"MultiPolygon","coordinates":[
                [[[0,0],[2,0],[2,2],[0,2],[0,0]]],
                [[[5,0],[8,0],[8,1],[5,1],[5,0]]],
                [[[10,0],[13,0],[13,1],[10,1],[10,0]]]]}}]}"#,
        );
        assert_eq!(o.mainland_centroid(), None);
        assert_eq!(country_point((1.0, 6.0), &o), (1.0, 6.0));
    }

    #[test]
    fn a_ring_across_the_antimeridian_stays_one_shape() {
        let o = outline(
            r#"{"features":[{"geometry":{"type":"Polygon","coordinates":[
                [[178,-10],[-178,-10],[-178,-6],[178,-6],[178,-10]]]}}]}"#,
        );
        let (lat, lon) = o.mainland_centroid().unwrap();
        assert!((lat + 8.0).abs() < 1e-9, "{lat}");
        assert!((lon.abs() - 180.0).abs() < 1e-9, "{lon}");
    }

    #[test]
    fn a_reference_point_the_outline_contradicts_moves_halfway_to_the_mainland() {
        let o = outline(
            r#"{"features":[{"geometry":{"type":"Polygon","coordinates":[
                [[0,0],[10,0],[10,10],[0,10],[0,0]]]}}]}"#,
        );
        // 10° of longitude (~1,100 km) from the centroid: halfway.
        let (lat, lon) = country_point((5.0, 15.0), &o);
        assert!((lat - 5.0).abs() < 0.1 && (lon - 10.0).abs() < 0.01, "{lat},{lon}");
        // 1° (~110 km): the outline agrees, the reference point stands.
        assert_eq!(country_point((5.0, 6.0), &o), (5.0, 6.0));
    }
}
