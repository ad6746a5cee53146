//! Publication dates as pages and feeds write them. The date is kept as written in the
//! timestamp's own offset: `2024-03-01T23:30:00-05:00` is March 1st, where the publisher was.

use sitrep_core::Date;

/// `YYYY-MM-DD`, or an RFC 3339 timestamp (its date part, as written). The JSON Lines rule.
#[must_use]
pub fn parse_strict_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if s.len() == 10 {
        return s.parse::<Date>().ok();
    }
    // jiff validates the whole timestamp (offset required); the date is then taken as written.
    s.parse::<jiff::Timestamp>().ok()?;
    iso_prefix(s)
}

/// A date as found in HTML metadata: ISO 8601 in its many variants (`2019-11-19`,
/// `2019-11-19T10:00:00-0500`, `2019-11-19 10:00`), `2019/11/19`, RFC 2822
/// (`Tue, 19 Nov 2019 10:00:00 GMT`), `November 19, 2019`, `19 November 2019`.
#[must_use]
pub fn parse_html_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if let Some(d) = iso_prefix(s) {
        return Some(d);
    }
    // Compact ISO: 20191119 or 20191119T100000Z.
    if s.len() >= 8
        && s.as_bytes()[..8].iter().all(u8::is_ascii_digit)
        && s.as_bytes().get(8).is_none_or(|b| !b.is_ascii_digit())
    {
        return ymd(&s[0..4], &s[4..6], &s[6..8]);
    }
    words_date(s)
}

fn iso_prefix(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() < 10 || !(b[4] == b'-' || b[4] == b'/') || b[7] != b[4] {
        return None;
    }
    if b.get(10).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    ymd(&s[0..4], &s[5..7], &s[8..10])
}

fn ymd(y: &str, m: &str, d: &str) -> Option<Date> {
    Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()
}

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/// `Tue, 19 Nov 2019 10:00:00 GMT`, `November 19, 2019`, `19 November 2019`: one month name,
/// one day number (1–31), one four-digit year, in any order.
fn words_date(s: &str) -> Option<Date> {
    let (mut year, mut month, mut day) = (None, None, None);
    for word in s.split(|c: char| c.is_whitespace() || c == ',' || c == '.').filter(|w| !w.is_empty()) {
        let lower = word.to_ascii_lowercase();
        if word.contains(':') {
            break; // the time: nothing after it is part of the date
        }
        if lower.len() >= 3 && lower.is_char_boundary(3) {
            if let Some(m) = MONTHS.iter().position(|m| lower.starts_with(m)) {
                month.get_or_insert(i8::try_from(m + 1).ok()?);
                continue;
            }
        }
        let digits = lower.trim_end_matches(|c: char| c.is_ascii_alphabetic()); // 19th
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            match digits.len() {
                4 => {
                    year.get_or_insert(digits.parse::<i16>().ok()?);
                }
                1 | 2 => {
                    day.get_or_insert(digits.parse::<i8>().ok()?);
                }
                _ => {}
            }
        }
    }
    Date::new(year?, month?, day?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn strict_accepts_dates_and_rfc3339_only() {
        assert_eq!(parse_strict_date("2026-04-12"), Some(d("2026-04-12")));
        assert_eq!(parse_strict_date("2026-04-12T23:30:00-05:00"), Some(d("2026-04-12")));
        assert_eq!(parse_strict_date("2026-04-12T23:30:00Z"), Some(d("2026-04-12")));
        assert_eq!(parse_strict_date("12 April 2026"), None);
        assert_eq!(parse_strict_date("2026-02-30"), None);
        assert_eq!(parse_strict_date("2026-04-12T23:30:00"), None, "a timestamp without offset is ambiguous");
    }

    #[test]
    fn html_dates_in_common_shapes() {
        for s in [
            "2019-11-19",
            "2019-11-19T10:00:00-0500",
            "2019-11-19 10:00:00",
            "2019/11/19",
            "20191119T100000Z",
            "Tue, 19 Nov 2019 10:00:00 GMT",
            "November 19, 2019",
            "19th November 2019 at 10:00",
        ] {
            assert_eq!(parse_html_date(s), Some(d("2019-11-19")), "{s}");
        }
        assert_eq!(parse_html_date("yesterday"), None);
        assert_eq!(parse_html_date("1574157600"), None, "unix seconds are not a date we guess at");
    }
}
