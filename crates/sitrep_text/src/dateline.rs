//! Datelines: the place, date and agency a wire story opens with.
//!
//! The grammar, tried at the start of each of the first lines of the text:
//!
//! ```text
//! dateline := PLACE [", " REGION | " (" REGION ")"] TAIL
//!           | "(" AGENCY ")" DASH                       -- "(Reuters) — …", no place
//! TAIL     := ", " DATE [" (" AGENCY ")"] [DASH]        -- "BANGUI, April 12 (Reuters) -"
//!           | " (" DATE ")" [DASH]                      -- "KABUL, Afghanistan (Jan. 25, 2013)"
//!           | " (" AGENCY ")" DASH                      -- "WASHINGTON (AP) —"
//!           | DASH                                      -- "LONDON —", "Kabul, Afghanistan - "
//!           | ":"                                       -- "NEW DELHI: …" (upper case or all-lower text)
//! DATE     := MONTH ["."] DAY [[","] YEAR] | DAY MONTH ["."] [YEAR] | WEEKDAY | "NO DATE"
//! DASH     := "-" | "--" | "—" | "–"
//! ```
//!
//! The place is one to four capitalised words ("SAN SALVADOR", "Dar es Salaam"). The bare forms
//! (`DASH`, `":"`) are weaker evidence and need an upper-case place (or a region), and only count
//! before the first line of prose. A headline glued to the dateline by text extraction
//! (`…Bomb ProbeBOSTON —`) is also found.

use jiff::civil::Date;
use sitrep_core::{Dateline, Span};

use crate::data::{self, DataError, WordTable};
use crate::lines::Lines;

/// How far into the text a dateline may start.
const MAX_START: usize = 2_000;
/// How many lines from the top are tried.
const MAX_LINES: usize = 16;
/// A dateline date more than this many days after the publication date belongs to the year before.
const MAX_DAYS_AHEAD: i32 = 7;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WordKind {
    NotPlace,
    NotDateline,
}

/// The dateline word lists, parsed once.
#[derive(Debug)]
pub struct DatelineRules {
    words: WordTable<WordKind>,
}

/// A dateline found in the text, with whether its date stated the year (so it may stand in for
/// a missing publication date).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub dateline: Dateline,
    pub year_stated: bool,
}

impl DatelineRules {
    /// Parses `dateline_words.txt`.
    ///
    /// # Errors
    /// On a malformed line, naming the line.
    pub fn parse(dateline_words: &str) -> Result<Self, DataError> {
        let mut words = WordTable::default();
        for (line, fields) in data::records(dateline_words) {
            let [kind, phrase] = fields[..] else {
                return Err(DataError::new("dateline_words.txt", line, "expected `kind<TAB>phrase`"));
            };
            let kind = match kind {
                "not_place" => WordKind::NotPlace,
                "not_dateline" => WordKind::NotDateline,
                other => {
                    return Err(DataError::new(
                        "dateline_words.txt",
                        line,
                        format!("unknown kind {other:?}; use not_place or not_dateline"),
                    ))
                }
            };
            words.insert(phrase, kind);
        }
        Ok(Self { words })
    }

    /// The dateline of `text`, if it has one; `skip(span)` tells which lines are boilerplate.
    /// A date without a year takes it from `published`.
    #[must_use]
    pub fn find(&self, text: &str, published: Option<Date>, skip: impl Fn(Span) -> bool) -> Option<Found> {
        let mut prose_seen = false;
        let transcript = is_transcript(text);
        for (n, line) in Lines::new(text).enumerate() {
            if n >= MAX_LINES || line.start >= MAX_START {
                break;
            }
            let content = &text[line.start..line.end];
            let lead = content.len() - content.trim_start().len();
            let start = line.start + lead;
            if start >= line.end || skip(Span::new(start, line.end)) {
                continue;
            }
            let lowercase_text = !text[start..line.end].chars().take(200).any(char::is_uppercase);
            let ctx = Ctx { text, line_end: line.end, published, lowercase_text, weak_allowed: !prose_seen, transcript };
            if let Some(found) = self.parse_at(&ctx, start) {
                return Some(found);
            }
            // A headline glued to the dateline by text extraction: "…ProbeBOSTON —".
            if n < 3 {
                for glued in glued_starts(text, start, line.end) {
                    let strict = Ctx { weak_allowed: false, ..ctx };
                    if let Some(found) = self.parse_at(&strict, glued).filter(|f| f.dateline.place.is_some()) {
                        return Some(found);
                    }
                    let dash_ctx = Ctx { weak_allowed: true, lowercase_text: false, ..ctx };
                    if let Some(found) = self.parse_at(&dash_ctx, glued).filter(|f| f.dateline.place.is_some()) {
                        return Some(found);
                    }
                }
            }
            let trimmed = content.trim_end();
            if trimmed.ends_with(['.', '!', '?']) || trimmed.len() > 150 {
                prose_seen = true;
            }
        }
        None
    }

    fn kind_of(&self, phrase: &str) -> Option<WordKind> {
        self.words.get(phrase)
    }

    /// Tries the grammar at `start`.
    fn parse_at(&self, ctx: &Ctx<'_>, start: usize) -> Option<Found> {
        let text = ctx.text;
        let limit = ctx.line_end;
        // "(Reuters) — …": an agency without a place.
        if text[start..].starts_with('(') {
            let (agency, after) = agency_at(text, start, limit)?;
            let end = dash_at(text, after, limit)?;
            return Some(Found {
                dateline: Dateline { span: Span::new(start, end), place: None, place_span: None, date: None, agency: Some(agency) },
                year_stated: false,
            });
        }
        let place = place_at(text, start, limit, ctx.lowercase_text)?;
        let place_text = &text[place.span.start..place.span.end];
        let kind = self.kind_of(place_text);
        if kind == Some(WordKind::NotDateline) {
            return None;
        }
        let mut found = Found {
            dateline: Dateline {
                span: Span::new(start, place.span.end),
                place: Some(place_text.to_owned()),
                place_span: Some(place.span),
                date: None,
                agency: None,
            },
            year_stated: false,
        };
        if kind == Some(WordKind::NotPlace) {
            found.dateline.place = None;
            found.dateline.place_span = None;
        }
        let mut pos = place.span.end;
        let mut has_region = false;

        // ", DATE …" straight after the place.
        if let Some(after_comma) = eat(text, pos, limit, ", ") {
            if let Some(date) = date_at(text, after_comma, limit) {
                return finish_after_date(ctx, found, date, limit);
            }
            // ", REGION"
            if let Some(region) = place_at(text, after_comma, limit, ctx.lowercase_text).filter(|r| r.words <= 4) {
                pos = region.span.end;
                has_region = true;
                // A trailing period belongs to an abbreviated region ("Ky.", "N.Y.") and is in its span.
                if let Some(after_comma) = eat(text, pos, limit, ", ") {
                    if let Some(date) = date_at(text, after_comma, limit) {
                        return finish_after_date(ctx, found, date, limit);
                    }
                }
            }
        }
        // " (…)": a date, a region ("MANAGUA (NICARAGUA), 11 DEC 89"), or an agency.
        if let Some(open) = eat(text, pos, limit, " (") {
            let open = open - 1;
            if let Some(date) = date_at(text, open + 1, limit) {
                if let Some(close) = eat(text, date.end, limit, ")") {
                    found.dateline.span.end = close;
                    let date = resolve(&date, ctx.published);
                    found.dateline.date = date.0;
                    found.year_stated = date.1;
                    if let Some(end) = dash_at(text, close, limit) {
                        found.dateline.span.end = end;
                    }
                    return Some(found);
                }
            }
            let (inside, after) = agency_at(text, open, limit)?;
            if !has_region {
                if let Some(after_comma) = eat(text, after, limit, ", ") {
                    if let Some(date) = date_at(text, after_comma, limit) {
                        return finish_after_date(ctx, found, date, limit);
                    }
                }
            }
            // "Washington (CNN) —" yes, "Sen. John Smith (R-Ariz.) -" no.
            if !(has_region || place.upper || place.words <= 2) {
                return None;
            }
            let end = dash_at(text, after, limit)?;
            found.dateline.agency = Some(inside);
            found.dateline.span.end = end;
            return Some(found);
        }
        bare_form(ctx, found, &place, pos, has_region)
    }
}

/// The bare forms, "PLACE —", "PLACE, Region —" and "PLACE: …": weaker evidence, so only before
/// the first line of prose, with an upper-case place (or a region), and the article's first
/// word after them.
fn bare_form(ctx: &Ctx<'_>, mut found: Found, place: &PlaceMatch, pos: usize, has_region: bool) -> Option<Found> {
    let (text, limit) = (ctx.text, ctx.line_end);
    if !ctx.weak_allowed || found.dateline.place.is_none() {
        return None;
    }
    if ctx.lowercase_text {
        // Lower-cased corpora keep only the "new delhi: …" form, and short places.
        if place.words <= 2 && text[pos..limit].starts_with(": ") {
            found.dateline.span.end = pos + 1;
            return Some(found);
        }
        return None;
    }
    let strong_place = has_region || (place.upper && place.letters >= 3);
    if !strong_place || place.words > 3 {
        return None;
    }
    // The article's first word follows a bare dateline: "HUDSON -- Officials", not "-- we".
    let starts_article = |at: usize| {
        let next = text[at..].trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '"' | '“' | '‘' | '\''));
        next.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
    };
    if let Some(end) = dash_at(text, pos, limit).filter(|&end| starts_article(end)) {
        found.dateline.span.end = end;
        return Some(found);
    }
    if !has_region && !ctx.transcript && text[pos..limit].starts_with(": ") && starts_article(pos + 1) {
        found.dateline.span.end = pos + 1;
        return Some(found);
    }
    None
}

#[derive(Clone, Copy)]
struct Ctx<'a> {
    text: &'a str,
    line_end: usize,
    published: Option<Date>,
    /// The line has no capital letters (a lower-cased corpus): places may be lower case too.
    lowercase_text: bool,
    /// Several lines open with "NAME:": speaker labels of a transcript, not a "PLACE:" dateline.
    transcript: bool,
    /// Whether the bare "PLACE —" and "PLACE:" forms may match here.
    weak_allowed: bool,
}

fn finish_after_date(ctx: &Ctx<'_>, mut found: Found, date: DateMatch, limit: usize) -> Option<Found> {
    let text = ctx.text;
    let (resolved, year_stated) = resolve(&date, ctx.published);
    found.dateline.date = resolved;
    found.year_stated = year_stated;
    let mut end = date.end;
    let mut agency = None;
    if let Some((name, after)) = eat(text, end, limit, " ").and_then(|p| agency_at(text, p, limit)) {
        agency = Some(name);
        end = after;
    }
    let dash = dash_at(text, end, limit);
    let at_line_end = text[end..limit].trim().is_empty();
    if dash.is_none() && agency.is_none() && !at_line_end {
        return None;
    }
    found.dateline.agency = agency;
    found.dateline.span.end = dash.unwrap_or(end);
    Some(found)
}

/// A place name's span and shape.
struct PlaceMatch {
    span: Span,
    words: usize,
    letters: usize,
    upper: bool,
}

/// Lower-case words allowed inside a place name ("Dar es Salaam", "Ciudad del Este").
const PLACE_CONNECTORS: &[&str] = &["de", "del", "la", "el", "es", "al", "of", "upon", "sur", "da", "do", "dos", "di", "du", "le", "y"];

/// One to four capitalised words from `start` (lower-case ones too in a lower-cased text).
fn place_at(text: &str, start: usize, limit: usize, lowercase_text: bool) -> Option<PlaceMatch> {
    let mut pos = start;
    let mut words = 0;
    let mut letters = 0;
    let mut upper = true;
    let mut end = start;
    loop {
        let Some((word_end, word_letters, word_upper)) = place_word(text, pos, limit, lowercase_text) else {
            // A connector must be followed by a word: "Dar es Salaam".
            if words > 0 {
                if let Some(after) = connector(text, pos, limit) {
                    if let Some((word_end, word_letters, word_upper)) = place_word(text, after, limit, lowercase_text) {
                        end = word_end;
                        words += 1;
                        letters += word_letters;
                        upper &= word_upper;
                        pos = word_end;
                        if let Some(next) = eat(text, pos, limit, " ") {
                            pos = next;
                            continue;
                        }
                    }
                }
            }
            break;
        };
        end = word_end;
        words += 1;
        letters += word_letters;
        upper &= word_upper;
        if words == 4 {
            break;
        }
        match eat(text, word_end, limit, " ") {
            Some(next) => pos = next,
            None => break,
        }
    }
    (words > 0).then_some(PlaceMatch { span: Span::new(start, end), words, letters, upper })
}

fn connector(text: &str, pos: usize, limit: usize) -> Option<usize> {
    let rest = &text[pos..limit];
    PLACE_CONNECTORS.iter().find_map(|c| {
        let after = rest.strip_prefix(c)?;
        after.starts_with(' ').then(|| pos + c.len() + 1)
    })
}

/// A capitalised word: letters with inner `.` `'` `’` `-`, and a final period when it is an
/// abbreviation ("St.", "Ky.", "N.Y."). Returns its end, letter count and whether it is upper case.
fn place_word(text: &str, pos: usize, limit: usize, lowercase_text: bool) -> Option<(usize, usize, bool)> {
    let rest = &text[pos..limit];
    let first = rest.chars().next()?;
    if !(first.is_uppercase() || (lowercase_text && first.is_lowercase())) {
        return None;
    }
    let mut end = 0;
    let mut letters = 0;
    let mut upper = true;
    let mut chars = rest.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_alphabetic() {
            letters += 1;
            upper &= !c.is_lowercase();
            end = i + c.len_utf8();
        } else if matches!(c, '.' | '\'' | '’' | '-') {
            let next_is_letter = chars.peek().is_some_and(|&(_, n)| n.is_alphabetic());
            if next_is_letter {
                continue;
            }
            // A final period only after a short or dotted abbreviation ("Ky.", "N.Y.", "St.").
            if c == '.' && (letters <= 4 || rest[..end].contains('.')) && letters > 0 {
                end = i + 1;
            }
            break;
        } else {
            break;
        }
    }
    (letters > 0).then_some((pos + end, letters, upper))
}

/// Whether two or more of the first lines open with an upper-case "NAME:" speaker label.
fn is_transcript(text: &str) -> bool {
    let labelled = Lines::new(text)
        .take(80)
        .filter(|l| {
            let line = text[l.start..l.end].trim_start();
            line.split_once(": ").is_some_and(|(label, _)| {
                (2..=30).contains(&label.len())
                    && label.starts_with(|c: char| c.is_ascii_uppercase())
                    && label.chars().all(|c| c.is_ascii_uppercase() || matches!(c, ' ' | '.' | '\'' | '-'))
            })
        })
        .count();
    labelled >= 2
}

/// "(AGENCY)" at `open` (which holds the "("): one to six words, no sentence punctuation.
/// Returns the agency text and the offset past ")".
fn agency_at(text: &str, open: usize, limit: usize) -> Option<(String, usize)> {
    let rest = &text[open..limit];
    let rest = rest.strip_prefix('(')?;
    let close = rest.find(')')?;
    let inside = &rest[..close];
    let trimmed = inside.trim();
    let words = trimmed.split_whitespace().count();
    let ok = !trimmed.is_empty()
        && close <= 60
        && words <= 6
        && trimmed.starts_with(char::is_uppercase)
        && trimmed.chars().all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '&' | '/' | '\'' | '’' | '.'))
        && dots_only_in_acronyms(trimmed)
        && !trimmed.bytes().all(|b| b.is_ascii_digit() || b == b' ');
    ok.then(|| (trimmed.to_owned(), open + 1 + close + 1))
}

/// "U.P.I." may have periods; "R-Ariz." may not.
fn dots_only_in_acronyms(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().all(|(i, &c)| c != b'.' || (i > 0 && b[i - 1].is_ascii_uppercase() && (i < 2 || !b[i - 2].is_ascii_alphabetic())))
}

/// Optional spaces, then a dash, then whitespace or the line end. Returns the offset past the dash.
fn dash_at(text: &str, pos: usize, limit: usize) -> Option<usize> {
    let rest = &text[pos..limit];
    let trimmed = rest.trim_start_matches([' ', '\u{a0}', '\t']);
    let at = pos + (rest.len() - trimmed.len());
    // U+0097 is an em dash decoded from windows-1252 as Latin-1.
    for dash in ["--", "—", "–", "―", "\u{97}", "-"] {
        if let Some(after) = trimmed.strip_prefix(dash) {
            let spaced = after.is_empty() || after.starts_with(char::is_whitespace);
            // An em or en dash may touch its words ("FALLS VILLAGE—The"); a hyphen may not.
            if spaced || !dash.starts_with('-') {
                return Some(at + dash.len());
            }
            return None;
        }
    }
    None
}

fn eat(text: &str, pos: usize, limit: usize, what: &str) -> Option<usize> {
    text[pos..limit].starts_with(what).then(|| pos + what.len())
}

/// A date as written: month and day always, the year when stated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct DateMatch {
    month: Option<i8>,
    day: Option<i8>,
    year: Option<i16>,
    end: usize,
}

const MONTHS: &[(&str, i8)] = &[
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("sept", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
];

const WEEKDAYS: &[&str] = &["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// An alphabetic word at `pos`: its end.
fn alpha_end(text: &str, pos: usize, limit: usize) -> usize {
    pos + text[pos..limit].find(|c: char| !c.is_alphabetic()).unwrap_or(limit - pos)
}

fn month_at(text: &str, pos: usize, limit: usize) -> Option<(i8, usize)> {
    let end = alpha_end(text, pos, limit);
    let word = &text[pos..end];
    let month = MONTHS.iter().find(|(name, _)| name.eq_ignore_ascii_case(word))?.1;
    let end = if text[end..limit].starts_with('.') { end + 1 } else { end };
    Some((month, end))
}

/// Up to `max` ASCII digits at `pos`, not followed by another digit or letter (ordinal suffixes aside).
fn number_at(text: &str, pos: usize, limit: usize, min: usize, max: usize) -> Option<(i16, usize)> {
    let digits = text[pos..limit].bytes().take_while(u8::is_ascii_digit).count();
    if digits < min || digits > max {
        return None;
    }
    let end = pos + digits;
    let value = text[pos..end].parse().ok()?;
    let after = &text[end..limit];
    if after.starts_with(|c: char| c.is_alphanumeric()) {
        for suffix in ["st", "nd", "rd", "th"] {
            if let Some(rest) = after.strip_prefix(suffix) {
                if !rest.starts_with(char::is_alphanumeric) {
                    return Some((value, end + 2));
                }
            }
        }
        return None;
    }
    Some((value, end))
}

fn date_at(text: &str, pos: usize, limit: usize) -> Option<DateMatch> {
    // MONTH ["."] DAY [[","] YEAR]
    if let Some((month, after)) = month_at(text, pos, limit) {
        let day_pos = eat(text, after, limit, " ")?;
        let (day, end) = number_at(text, day_pos, limit, 1, 2)?;
        let mut m = DateMatch { month: Some(month), day: i8::try_from(day).ok(), year: None, end };
        let year_pos = eat(text, end, limit, ", ").or_else(|| eat(text, end, limit, " "));
        if let Some((year, end)) = year_pos.and_then(|p| number_at(text, p, limit, 4, 4)) {
            m.year = Some(year);
            m.end = end;
        }
        return Some(m);
    }
    // DAY MONTH ["."] [YEAR]
    if let Some((day, after)) = number_at(text, pos, limit, 1, 2) {
        let month_pos = eat(text, after, limit, " ")?;
        let (month, end) = month_at(text, month_pos, limit)?;
        let mut m = DateMatch { month: Some(month), day: i8::try_from(day).ok(), year: None, end };
        if let Some(year_pos) = eat(text, end, limit, " ") {
            if let Some((year, end)) = number_at(text, year_pos, limit, 2, 4).filter(|&(_, e)| e - year_pos != 3) {
                m.year = Some(if year >= 100 {
                    year
                } else if year >= 50 {
                    1900 + year
                } else {
                    2000 + year
                });
                m.end = end;
            }
        }
        return Some(m);
    }
    // "NO DATE" (the FBIS wire's own filler) and WEEKDAY: a date the text does not state outright.
    if text[pos..limit].starts_with("NO DATE") {
        return Some(DateMatch { month: None, day: None, year: None, end: pos + "NO DATE".len() });
    }
    let end = alpha_end(text, pos, limit);
    let word = &text[pos..end];
    WEEKDAYS.iter().any(|d| d.eq_ignore_ascii_case(word)).then_some(DateMatch { month: None, day: None, year: None, end })
}

/// The calendar date of a match (year from `published` when unstated), and whether the year was stated.
fn resolve(m: &DateMatch, published: Option<Date>) -> (Option<Date>, bool) {
    let (Some(month), Some(day)) = (m.month, m.day) else {
        return (None, false);
    };
    if let Some(year) = m.year {
        return (Date::new(year, month, day).ok(), true);
    }
    let Some(published) = published else {
        return (None, false);
    };
    let Ok(date) = Date::new(published.year(), month, day) else {
        return (None, false);
    };
    let ahead = (date - published).get_days();
    if ahead > MAX_DAYS_AHEAD {
        return (Date::new(published.year() - 1, month, day).ok(), false);
    }
    (Some(date), false)
}

/// Offsets early in a line where an upper-case word follows a headline run into the dateline,
/// directly (`…ProbeBOSTON —`) or after the headline's final stop ("… in lake. HUDSON -- …").
fn glued_starts(text: &str, start: usize, end: usize) -> impl Iterator<Item = usize> + '_ {
    const MAX_HEADLINE: usize = 300;
    let line = &text[start..end];
    let mut prev = ' ';
    let mut before_prev = ' ';
    // Only after a mixed-case headline: in upper-case wire text every sentence would qualify.
    let mut lowercase_seen = false;
    line.char_indices().take_while(|&(i, _)| i < MAX_HEADLINE).filter_map(move |(i, c)| {
        let upper_word = c.is_uppercase() && line[i..].chars().nth(1).is_some_and(char::is_uppercase);
        let glued = prev.is_lowercase() || matches!(prev, '.' | '?' | '!' | '”' | '"');
        let after_stop = prev == ' ' && matches!(before_prev, '.' | '?' | '!');
        let hit = lowercase_seen && upper_word && (glued || after_stop);
        lowercase_seen |= c.is_lowercase();
        before_prev = prev;
        prev = c;
        hit.then_some(start + i)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(text: &str, published: Option<Date>) -> Option<Found> {
        let rules = DatelineRules::parse(data::file("dateline_words.txt")).unwrap();
        rules.find(text, published, |_| false)
    }

    fn parts(text: &str, published: Option<Date>) -> (String, Option<String>, Option<String>, Option<String>) {
        let f = find(text, published).unwrap_or_else(|| panic!("no dateline in {text:?}"));
        let d = f.dateline;
        if let Some(p) = d.place_span {
            assert_eq!(Some(p.of(text)), d.place.as_deref());
        }
        (d.span.of(text).to_owned(), d.place, d.date.map(|d| d.to_string()), d.agency)
    }

    fn s(x: &str) -> Option<String> {
        Some(x.to_owned())
    }

    #[test]
    fn wire_datelines() {
        let published = Some(jiff::civil::date(2014, 4, 13));
        assert_eq!(
            parts("BANGUI, April 12 (Reuters) - Gunmen attacked", published),
            ("BANGUI, April 12 (Reuters) -".to_owned(), s("BANGUI"), s("2014-04-12"), s("Reuters"))
        );
        assert_eq!(
            parts("   GUATEMALA CITY, 4 FEB 90 (ACAN-EFE) -- [TEXT] THE ARMY", None),
            ("GUATEMALA CITY, 4 FEB 90 (ACAN-EFE) --".to_owned(), s("GUATEMALA CITY"), s("1990-02-04"), s("ACAN-EFE"))
        );
        assert_eq!(
            parts("SAN SALVADOR, 12 APR 89 (RADIO VENCEREMOS) -- [TEXT]", None).2,
            s("1989-04-12")
        );
        assert_eq!(
            parts("WASHINGTON (AP) — The Senate", None),
            ("WASHINGTON (AP) —".to_owned(), s("WASHINGTON"), None, s("AP"))
        );
        assert_eq!(
            parts("MANAGUA (NICARAGUA), 11 DEC 89 (RADIO SANDINO) -- [TEXT]", None),
            ("MANAGUA (NICARAGUA), 11 DEC 89 (RADIO SANDINO) --".to_owned(), s("MANAGUA"), s("1989-12-11"), s("RADIO SANDINO"))
        );
    }

    #[test]
    fn press_release_datelines() {
        assert_eq!(
            parts("Title line\nKABUL, Afghanistan (Jan. 25, 2013)\nAn Afghan force", None),
            ("KABUL, Afghanistan (Jan. 25, 2013)".to_owned(), s("KABUL"), s("2013-01-25"), None)
        );
        assert_eq!(
            parts("KABUL, Afghanistan (June 14) — A force", Some(jiff::civil::date(2012, 6, 15))),
            ("KABUL, Afghanistan (June 14) —".to_owned(), s("KABUL"), s("2012-06-14"), None)
        );
        assert_eq!(parts("Kabul, Afghanistan - The", None), ("Kabul, Afghanistan -".to_owned(), s("Kabul"), None, None));
        assert_eq!(parts("COLUMBIA, Ky. (WBKO) - A man", None).3, s("WBKO"));
        assert_eq!(
            parts("HEMPSTEAD, N.Y., Sept. 26 (UPI) — G", Some(jiff::civil::date(2016, 9, 27))),
            ("HEMPSTEAD, N.Y., Sept. 26 (UPI) —".to_owned(), s("HEMPSTEAD"), s("2016-09-26"), s("UPI"))
        );
    }

    #[test]
    fn a_date_without_a_year_after_the_publication_date_is_last_year() {
        assert_eq!(parts("LONDON, Dec. 30 (AFP) - x", Some(jiff::civil::date(2015, 1, 2))).2, s("2014-12-30"));
        assert_eq!(parts("LONDON, Dec. 30 (AFP) - x", None).2, None);
    }

    #[test]
    fn bare_and_glued_forms() {
        assert_eq!(parts("LONDON —\u{a0}For the second time", None).0, "LONDON —");
        assert_eq!(parts("Bomb Probe PleaBOSTON —\u{a0}A citizen", None).1, s("BOSTON"));
        assert_eq!(parts("Man found in car sunk in lake. HUDSON -- Officials said", None).0, "HUDSON --");
        assert_eq!(parts("Budget approved. FALLS VILLAGE\u{2014}The board", None).1, s("FALLS VILLAGE"));
        assert_eq!(parts("Photo by A. Silva. MANILA, Philippines \u{2013} Ahead of", None).0, "MANILA, Philippines \u{2013}");
        assert_eq!(parts("new delhi: the government said", None).1, s("new delhi"));
        assert_eq!(parts("BEIRUT: Syrian troops", None).1, s("BEIRUT"));
        assert_eq!(parts("(Reuters) — The attorney", None), ("(Reuters) —".to_owned(), None, None, s("Reuters")));
        assert_eq!(parts("CLANDESTINE, 23 NOV 89 (RADIO VENCEREMOS) -- [TEXT]", None).1, None);
    }

    #[test]
    fn things_that_are_not_datelines() {
        for text in [
            "UPDATE: Taliban leader captured",
            "Analysis: the war goes on",
            "The army said on Tuesday - as expected - that",
            "REBELS SEIZED THE TOWN. NEWS AGENCY -- MOUTHPIECE",
            "JEWELL: Thank you for having me.\nHOST: Welcome back.",
            "ISAF Joint Command - Afghanistan\n2011-10-S-020",
            "Sen. John McCain (R-Ariz.) - said",
            "He has been mayor of Ozark twice -- from 1990",
            "We have a natural asset here. THE CITY -- we have to",
        ] {
            assert_eq!(find(text, None).map(|f| f.dateline.span.of(text).to_owned()), None, "{text}");
        }
    }
}
