//! The publication date in the dateline's local time, for metadata that is a UTC timestamp: a
//! story filed in Kabul at 02:00 local time carries a UTC timestamp of the evening before, and its
//! "yesterday" means the day before the local date.

use std::collections::HashMap;

use jiff::civil::Date;
use jiff::tz::{self, TimeZone};
use jiff::Timestamp;

/// The zone for an IANA name, an ISO country code or a dateline place (see `data/zones.tsv`).
fn zone_for(zones: &HashMap<String, String>, key: &str) -> Option<TimeZone> {
    let key = key.trim();
    if key.contains('/') {
        if let Ok(zone) = tz::db().get(key) {
            return Some(zone);
        }
    }
    let lower = key.to_lowercase();
    // "KABUL, Afghanistan" → try the whole, then the first comma-separated part.
    let name = zones.get(&lower).or_else(|| lower.split(',').next().and_then(|first| zones.get(first.trim())))?;
    tz::db().get(name).ok()
}

/// The local calendar date of `utc` where `place_country_or_tz` is; the UTC date when the place is
/// unknown (the caller's date is kept rather than shifted by a guess).
#[must_use]
pub fn local_publication_date_with(zones: &HashMap<String, String>, utc: Timestamp, place_country_or_tz: &str) -> Date {
    let zone = zone_for(zones, place_country_or_tz).unwrap_or(TimeZone::UTC);
    utc.to_zoned_datetime(zone).date()
}
