//! A small static map for the digest: events as dots on an equirectangular grid, rendered to PNG
//! here so a message carries its own image (no remote images, nothing for a mail client to
//! fetch). Coastlines and borders come from `data/outlines.txt` (Natural Earth 1:110m).

/// Width and height of the image in pixels (2:1, like the projection of the whole world).
pub const WIDTH: u32 = 480;
pub const HEIGHT: u32 = 240;

/// A point to draw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dot {
    pub lat: f64,
    pub lon: f64,
    /// Fatalities (best estimate) size the dot.
    pub fatalities: u64,
}

/// The map's extent in degrees: west, south, east, north.
#[must_use]
pub fn extent(dots: &[Dot]) -> [f64; 4] {
    if dots.is_empty() {
        return [-180.0, -90.0, 180.0, 90.0];
    }
    let (mut w, mut s, mut e, mut n) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for d in dots {
        w = w.min(d.lon);
        e = e.max(d.lon);
        s = s.min(d.lat);
        n = n.max(d.lat);
    }
    // Padding, a minimum span so one event is not a dot on a blank square, then 2:1.
    // A tenth of the span (at least 2 degrees) keeps the outermost dots off the edges.
    let pad_x = ((e - w) * 0.1).max(2.0);
    let pad_y = ((n - s) * 0.1).max(2.0);
    let (mut w, mut s, mut e, mut n) = (w - pad_x, s - pad_y, e + pad_x, n + pad_y);
    let (cx, cy) = ((w + e) / 2.0, (s + n) / 2.0);
    let mut span_x = (e - w).max(16.0);
    let mut span_y = (n - s).max(8.0);
    if span_x < 2.0 * span_y {
        span_x = 2.0 * span_y;
    } else {
        span_y = span_x / 2.0;
    }
    span_x = span_x.min(360.0);
    span_y = span_y.min(180.0);
    w = (cx - span_x / 2.0).max(-180.0);
    e = (w + span_x).min(180.0);
    w = e - span_x;
    s = (cy - span_y / 2.0).max(-90.0);
    n = (s + span_y).min(90.0);
    s = n - span_y;
    [w, s, e, n]
}

struct Canvas {
    px: Vec<u8>,
}

impl Canvas {
    fn new(rgb: [u8; 3]) -> Self {
        let mut px = Vec::with_capacity((WIDTH * HEIGHT * 3) as usize);
        for _ in 0..WIDTH * HEIGHT {
            px.extend_from_slice(&rgb);
        }
        Self { px }
    }

    fn blend(&mut self, x: i64, y: i64, rgb: [u8; 3], alpha: f64) {
        if x < 0 || y < 0 || x >= i64::from(WIDTH) || y >= i64::from(HEIGHT) {
            return;
        }
        let i = ((y as u32 * WIDTH + x as u32) * 3) as usize;
        for (px, target) in self.px[i..i + 3].iter_mut().zip(rgb) {
            let old = f64::from(*px);
            *px = (old + (f64::from(target) - old) * alpha).round() as u8;
        }
    }

    fn line(&mut self, x0: f64, y0: f64, x1: f64, y1: f64, rgb: [u8; 3], alpha: f64) {
        let steps = (x1 - x0).abs().max((y1 - y0).abs()).ceil().max(1.0);
        let n = steps as i64;
        for i in 0..=n {
            let t = i as f64 / steps;
            self.blend((x0 + (x1 - x0) * t).floor() as i64, (y0 + (y1 - y0) * t).floor() as i64, rgb, alpha);
        }
    }

    fn disc(&mut self, cx: f64, cy: f64, r: f64, rgb: [u8; 3]) {
        let (x0, x1) = ((cx - r - 1.0).floor() as i64, (cx + r + 1.0).ceil() as i64);
        let (y0, y1) = ((cy - r - 1.0).floor() as i64, (cy + r + 1.0).ceil() as i64);
        for y in y0..=y1 {
            for x in x0..=x1 {
                let d = ((x as f64 + 0.5 - cx).powi(2) + (y as f64 + 0.5 - cy).powi(2)).sqrt();
                // One pixel of anti-aliasing at the rim; a darker ring outlines the dot.
                let fill = (r - d + 0.5).clamp(0.0, 1.0);
                if fill > 0.0 {
                    let ring = (d - (r - 1.5)).clamp(0.0, 1.0);
                    let colour = if ring > 0.5 { [rgb[0] / 2, rgb[1] / 2, rgb[2] / 2] } else { rgb };
                    self.blend(x, y, colour, 0.85 * fill);
                }
            }
        }
    }
}

/// Coastlines and borders as polylines of (lon, lat), parsed once from the data file.
fn outlines() -> &'static [Vec<(f64, f64)>] {
    static OUTLINES: std::sync::OnceLock<Vec<Vec<(f64, f64)>>> = std::sync::OnceLock::new();
    OUTLINES.get_or_init(|| {
        include_str!("../data/outlines.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| {
                l.split(';')
                    .filter_map(|p| {
                        let (lon, lat) = p.split_once(',')?;
                        Some((lon.trim().parse().ok()?, lat.trim().parse().ok()?))
                    })
                    .collect()
            })
            .collect()
    })
}

/// Renders the dots over coastlines and a grid of the given extent; returns PNG bytes.
///
/// # Errors
/// PNG encoding errors (none expected for an in-memory buffer).
pub fn render(dots: &[Dot], extent: [f64; 4]) -> Result<Vec<u8>, png::EncodingError> {
    let [w, s, e, n] = extent;
    let (width, height) = (f64::from(WIDTH), f64::from(HEIGHT));
    let x_of = |lon: f64| (lon - w) / (e - w) * width;
    let y_of = |lat: f64| (n - lat) / (n - s) * height;
    let mut c = Canvas::new([236, 240, 243]);
    // Graticule every 10 degrees (30 for a whole-world view), the equator and prime meridian darker.
    let step = if e - w > 120.0 { 30.0 } else { 10.0 };
    let mut lon = (w / step).ceil() * step;
    while lon <= e {
        let x = x_of(lon).floor() as i64;
        let strong = lon == 0.0;
        for y in 0..i64::from(HEIGHT) {
            c.blend(x, y, [150, 160, 170], if strong { 0.6 } else { 0.3 });
        }
        lon += step;
    }
    let mut lat = (s / step).ceil() * step;
    while lat <= n {
        let y = y_of(lat).floor() as i64;
        let strong = lat == 0.0;
        for x in 0..i64::from(WIDTH) {
            c.blend(x, y, [150, 160, 170], if strong { 0.6 } else { 0.3 });
        }
        lat += step;
    }
    for line in outlines() {
        for pair in line.windows(2) {
            let ((lon0, lat0), (lon1, lat1)) = (pair[0], pair[1]);
            // A segment across the antimeridian would streak across the whole map.
            if (lon1 - lon0).abs() > 180.0 {
                continue;
            }
            let outside = (lon0.max(lon1) < w) || (lon0.min(lon1) > e) || (lat0.max(lat1) < s) || (lat0.min(lat1) > n);
            if outside {
                continue;
            }
            c.line(x_of(lon0), y_of(lat0), x_of(lon1), y_of(lat1), [90, 100, 110], 0.7);
        }
    }
    // Smallest on top, so a large dot never hides a small one.
    let mut sorted: Vec<&Dot> = dots.iter().collect();
    sorted.sort_by_key(|d| std::cmp::Reverse(d.fatalities));
    for d in sorted {
        let r = 4.0 + (d.fatalities as f64 + 1.0).log2().min(6.0);
        let rgb = if d.fatalities == 0 { [40, 110, 200] } else { [200, 40, 40] };
        c.disc(x_of(d.lon), y_of(d.lat), r, rgb);
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, WIDTH, HEIGHT);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header()?;
        writer.write_image_data(&c.px)?;
        writer.finish()?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extent_is_two_to_one_and_contains_every_dot() {
        let dots = [Dot { lat: 18.4, lon: 1.4, fatalities: 5 }, Dot { lat: 2.0, lon: 45.3, fatalities: 0 }];
        let [w, s, e, n] = extent(&dots);
        assert!(((e - w) - 2.0 * (n - s)).abs() < 1e-9);
        for d in dots {
            assert!(w < d.lon && d.lon < e && s < d.lat && d.lat < n);
        }
        assert_eq!(extent(&[]), [-180.0, -90.0, 180.0, 90.0]);
    }

    #[test]
    fn a_dot_is_drawn_where_its_coordinates_fall() {
        let dots = [Dot { lat: 10.0, lon: 20.0, fatalities: 3 }];
        let ext = [0.0, 0.0, 40.0, 20.0];
        let png_bytes = render(&dots, ext).unwrap();
        assert_eq!(&png_bytes[1..4], b"PNG");
        let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        reader.next_frame(&mut buf).unwrap();
        let at = |x: u32, y: u32| {
            let i = ((y * WIDTH + x) * 3) as usize;
            [buf[i], buf[i + 1], buf[i + 2]]
        };
        // The centre of the map is red; a far corner is background.
        let centre = at(WIDTH / 2, HEIGHT / 2);
        assert!(centre[0] > 150 && centre[1] < 100, "{centre:?}");
        assert_eq!(at(5, 5), [236, 240, 243]);
    }

    #[test]
    fn coastlines_are_drawn_and_the_open_ocean_stays_blank() {
        assert!(outlines().len() > 500, "the outlines data file is loaded");
        let png_bytes = render(&[], [-180.0, -90.0, 180.0, 90.0]).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        reader.next_frame(&mut buf).unwrap();
        let background = [236u8, 240, 243];
        let drawn = buf.chunks(3).filter(|p| *p != background).count();
        // Lines cover some of the picture, but far from all of it.
        assert!(drawn > 2_000 && drawn < (WIDTH * HEIGHT / 3) as usize, "{drawn} pixels drawn");
    }
}
