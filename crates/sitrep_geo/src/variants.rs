//! Spelling variants of first-order regions. The cities-1000 table names regions as their
//! government writes them in Latin letters ("Lowgar", "Vardak", "Wilayat-e Baghlan",
//! "Muhafazat Kirkuk", "Salah ad Din Governorate"), while the news writes "Logar province",
//! "Wardak", "Baghlan", "Kirkuk", "Salahuddin". A region word after an unknown name ("Logar
//! province") says a region is meant, and its consonant skeleton, looked up among the
//! regions of the countries in play, finds it.

use std::collections::HashMap;

use crate::fold::fold;

/// Words of a region's official name that are its administrative title, not its name.
const TITLES: &[&str] = &[
    "wilayat e", "wilayat", "muhafazat", "muhafazah", "mayorality of", "governorate", "province", "provincia de",
    "provincia del", "provincia", "region", "oblast", "state", "estado de", "departamento de", "departamento del",
    "departement de", "department", "district", "prefecture", "county", "city of",
];

/// The consonant skeleton of a name: its folded letters with vowels and the glides that
/// transliterations add or drop (w, y, h) removed, "v" read as "w", "q" as "k", "ou" and "oo"
/// as vowels, doubled letters collapsed. "Lowgar" and "Logar" → "lgr"; "Vardak" and "Wardak"
/// → "rdk"; "Paktia", "Paktiya" and "Paktya" → "pkt"; "Konar" and "Kunar" → "knr".
#[must_use]
pub fn skeleton(name: &str) -> String {
    let folded = fold(name);
    let mut out = String::with_capacity(folded.len());
    for c in folded.chars() {
        let c = match c {
            'v' | 'w' | 'y' | 'h' | 'a' | 'e' | 'i' | 'o' | 'u' | ' ' => continue,
            'q' => 'k',
            c => c,
        };
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

/// The name without its administrative title ("Wilayat-e Baghlan" → "baghlan", "Basra
/// Governorate" → "basra"), folded.
#[must_use]
pub fn untitled(name: &str) -> String {
    let mut key = fold(name);
    for t in TITLES {
        if let Some(rest) = key.strip_prefix(t).filter(|r| r.starts_with(' ')) {
            key = rest.trim_start().to_owned();
        }
        if let Some(rest) = key.strip_suffix(t).filter(|r| r.ends_with(' ')) {
            key = rest.trim_end().to_owned();
        }
    }
    key
}

/// Regions by (country, skeleton of the untitled name). A skeleton two regions of one country
/// share finds neither: the variant would be a guess.
#[derive(Debug, Default)]
pub struct RegionVariants {
    by_skeleton: HashMap<([u8; 2], String), Option<u32>>,
}

impl RegionVariants {
    pub fn build<'a>(regions: impl Iterator<Item = (u32, [u8; 2], &'a str)>) -> Self {
        let mut by_skeleton: HashMap<([u8; 2], String), Option<u32>> = HashMap::new();
        for (place, country, name) in regions {
            let key = skeleton(&untitled(name));
            // Too short a skeleton ("Ha'il" → "l") matches too much.
            if key.len() < 3 {
                continue;
            }
            by_skeleton
                .entry((country, key))
                .and_modify(|seen| {
                    if *seen != Some(place) {
                        *seen = None;
                    }
                })
                .or_insert(Some(place));
        }
        Self { by_skeleton }
    }

    /// The one region of `country` whose name is a variant spelling of `name`.
    #[must_use]
    pub fn find(&self, country: [u8; 2], name: &str) -> Option<u32> {
        let key = skeleton(&untitled(name));
        if key.len() < 3 {
            return None;
        }
        self.by_skeleton.get(&(country, key)).copied().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transliterations_share_a_skeleton_and_neighbours_do_not() {
        for (a, b) in [
            ("Lowgar", "Logar"),
            ("Vardak", "Wardak"),
            ("Paktia", "Paktiya"),
            ("Paktia", "Paktya"),
            ("Konar", "Kunar"),
            ("Khowst", "Khost"),
            ("Oruzgan", "Uruzgan"),
            ("Parvan", "Parwan"),
            ("Bamian", "Bamyan"),
            ("Nurestan", "Nuristan"),
        ] {
            assert_eq!(skeleton(a), skeleton(b), "{a} / {b}");
        }
        assert_ne!(skeleton("Paktia"), skeleton("Paktika"));
        assert_ne!(skeleton("Kunar"), skeleton("Kunduz"));
    }

    #[test]
    fn titles_are_not_names() {
        assert_eq!(untitled("Wilayat-e Baghlan"), "baghlan");
        assert_eq!(untitled("Muhafazat Kirkuk"), "kirkuk");
        assert_eq!(untitled("Salah ad Din Governorate"), "salah ad din");
        assert_eq!(untitled("Mayorality of Baghdad"), "baghdad");
        assert_eq!(untitled("Helmand"), "helmand");
    }

    #[test]
    fn a_variant_finds_its_region_only_in_its_country_and_only_when_unambiguous() {
        let regions = [(1, *b"AF", "Lowgar"), (2, *b"AF", "Wilayat-e Baghlan"), (3, *b"IQ", "Muhafazat Kirkuk"), (4, *b"XX", "Lagar"), (5, *b"XX", "Legir")];
        let v = RegionVariants::build(regions.iter().map(|&(p, c, n)| (p, c, n)));
        assert_eq!(v.find(*b"AF", "Logar"), Some(1));
        assert_eq!(v.find(*b"AF", "Baghlan"), Some(2));
        assert_eq!(v.find(*b"IQ", "Kirkuk"), Some(3));
        assert_eq!(v.find(*b"IQ", "Logar"), None);
        assert_eq!(v.find(*b"XX", "Lgr"), None, "two regions share the skeleton");
    }
}
