//! The time stage: finds time expressions in a document, resolves each against the publication
//! date to a [`DateRange`] with honest precision (`doc.times`), and gives each event the date of
//! the expression that governs it ([`date_events`]).
//!
//! The grammar's vocabulary (months, weekdays, number words, relative phrases, future-tense cues,
//! time zones) is data under `data/`, compiled in; `scan` reads expressions around the anchors an
//! Aho-Corasick automaton finds, `resolve` turns them into dates. The resolution rules are listed
//! in `resolve.rs`, the event-dating rules in `events.rs`.
//!
//! The reference date is, in order: the dateline's date; `doc.published`; a date in the
//! document's header (see [`header_reference`]). Without one, relative expressions stay
//! unresolved: nothing is ever resolved against the clock.

mod events;
mod lexicon;
mod resolve;
mod scan;
mod zone;

use std::sync::OnceLock;

use jiff::civil::Date;
use sitrep_core::{DatePrecision, Document, Span, TimeExpr};

pub use events::{date_events_with, is_event_time};
pub use lexicon::data_fingerprint;
pub use resolve::Reference;
pub use zone::local_publication_date_with;

use lexicon::{Lexicon, RelKind};
use scan::{Point, RawExpr, Scanner};

/// A data file under `data/` that does not parse: a bug in the file, reported with its line.
#[derive(Debug, thiserror::Error)]
pub enum TimeDataError {
    #[error("sitrep_time data file {file}, line {line}: {why} (see the format in the file's header)")]
    BadLine { file: &'static str, line: usize, why: String },
    #[error("sitrep_time could not compile its anchor automaton: {0}")]
    Automaton(String),
}

/// The compiled grammar, loaded once and shared (read-only) across documents and threads.
pub struct TimeStage {
    lex: Lexicon,
}

/// How far into a document without a dateline its header may reach, in bytes.
const HEADER_BYTES: usize = 400;

impl TimeStage {
    /// Compiles the grammar from the data files.
    ///
    /// # Errors
    /// When a data file under `data/` is malformed.
    pub fn load() -> Result<Self, TimeDataError> {
        Ok(Self { lex: Lexicon::load()? })
    }

    /// The stage shared by the free functions, compiled on first use.
    ///
    /// # Panics
    /// When the compiled-in data files are malformed (caught by this crate's tests).
    pub fn shared() -> &'static Self {
        static STAGE: OnceLock<TimeStage> = OnceLock::new();
        STAGE.get_or_init(|| Self::load().unwrap_or_else(|e| panic!("{e}")))
    }

    /// Finds and resolves every time expression outside removed ranges, replacing `doc.times`.
    pub fn annotate(&self, doc: &mut Document) {
        doc.times.clear();
        if !doc.is_codable() {
            return;
        }
        let mut raw = Scanner { lex: &self.lex }.scan(&doc.text);
        raw.retain(|x| !doc.is_removed(Span::new(x.start, x.end)));
        drop_weak_modifiers(doc, &mut raw);
        let reference = reference_date(doc, &raw);
        let mut previous_day: Option<Date> = None;
        for x in &raw {
            let range = resolve::resolve(x, reference, previous_day);
            if range.precision == DatePrecision::Day && !x.future {
                previous_day = range.start;
            }
            doc.times.push(TimeExpr { span: Span::new(x.start, x.end), range, future: x.future });
        }
    }

    /// Gives every event in `doc.events` its date; see `events.rs` for the rules.
    pub fn date_events(&self, doc: &mut Document) {
        let reference = self.reference(doc);
        events::date_events_with(doc, reference);
    }

    /// The reference date relative expressions in `doc` are resolved against.
    #[must_use]
    pub fn reference(&self, doc: &Document) -> Reference {
        let raw = Scanner { lex: &self.lex }.scan(&doc.text);
        reference_date(doc, &raw)
    }

    /// The local calendar date of a UTC timestamp at a dateline place; see [`local_publication_date`].
    #[must_use]
    pub fn local_publication_date(&self, utc: jiff::Timestamp, place_country_or_tz: &str) -> Date {
        zone::local_publication_date_with(&self.lex.zones, utc, place_country_or_tz)
    }
}

/// Finds and resolves every time expression in `doc` (the pipeline's time stage).
pub fn annotate(doc: &mut Document) {
    TimeStage::shared().annotate(doc);
}

/// Gives every event its date (run after the events stage).
pub fn date_events(doc: &mut Document) {
    TimeStage::shared().date_events(doc);
}

/// The publication date in the dateline's local time, for metadata that is a UTC timestamp:
/// `place_country_or_tz` is an IANA zone ("Asia/Kabul"), an ISO country code ("AF") or a
/// dateline place ("KABUL"); anything unknown keeps the UTC date.
#[must_use]
pub fn local_publication_date(utc: jiff::Timestamp, place_country_or_tz: &str) -> Date {
    TimeStage::shared().local_publication_date(utc, place_country_or_tz)
}

/// "Overnight" names the night before publication only when nothing more exact is said: in "an
/// overnight raid on Monday" it is a modifier of Monday, and dating by it would be a day off.
fn drop_weak_modifiers(doc: &Document, raw: &mut Vec<RawExpr>) {
    let context = |at: usize| -> (usize, usize) {
        if let Some(i) = doc.sentence_at(at) {
            let s = doc.sentences[i];
            return (s.start, s.end);
        }
        let is_break = |c: char| matches!(c, '\n' | '\u{2028}' | '\u{2029}');
        let lo = doc.text[..at].rfind(is_break).map_or(0, |p| p + 1);
        let hi = doc.text[at..].find(is_break).map_or(doc.text.len(), |p| at + p);
        (lo, hi)
    };
    let exact = |x: &RawExpr| {
        matches!(x.first, Point::Weekday { .. } | Point::Date { .. })
            || matches!(x.first, Point::Relative { kind: RelKind::Day, .. })
    };
    let in_dateline = |x: &RawExpr| doc.dateline.as_ref().is_some_and(|d| d.span.overlaps(Span::new(x.start, x.end)));
    let keep: Vec<bool> = raw
        .iter()
        .map(|x| {
            if !matches!(x.first, Point::Relative { kind: RelKind::WeakDay, .. }) {
                return true;
            }
            let (lo, hi) = context(x.start);
            !raw.iter().any(|y| {
                y.start >= lo
                    && y.end <= hi
                    && exact(y)
                    && !y.future
                    && !in_dateline(y)
                    && !header_shaped_date(doc, Span::new(y.start, y.end))
            })
        })
        .collect();
    let mut k = keep.iter();
    raw.retain(|_| *k.next().unwrap_or(&true));
}

/// The reference date: the dateline's date, else `published`, else the header's date.
fn reference_date(doc: &Document, raw: &[RawExpr]) -> Reference {
    // The dateline's date first: it is the date the text was written on, which its "yesterday"
    // counts from, even when a newspaper re-runs the wire story a day later.
    if let Some(d) = doc.dateline.as_ref().and_then(|d| d.date) {
        return Reference::Day(d);
    }
    if let Some(p) = doc.published {
        return Reference::Day(p);
    }
    header_reference(doc, raw)
}

/// End of the document's header: the dateline's end, else the first `HEADER_BYTES` bytes.
fn header_end(doc: &Document) -> usize {
    let mut end = doc.dateline.as_ref().map_or(HEADER_BYTES, |d| d.span.end.max(HEADER_BYTES)).min(doc.text.len());
    while !doc.text.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// True when a date at `span` stands as a header date: what follows it on its line is a closing
/// bracket, a colon, an opening bracket, a dash or the line's end ("KABUL, Afghanistan (Feb. 21,
/// 2011)", "Apr. 23: Afghan-ISAF operations…", "GUATEMALA CITY, 4 FEB 90 (ACAN-EFE) --"), never
/// a comma or a word, as a date in a sentence is.
fn header_shaped(text: &str, span: Span) -> bool {
    let after = text[span.end..].trim_start_matches([' ', '\t']);
    after.chars().next().is_none_or(|c| matches!(c, ')' | ':' | '(' | '-' | '–' | '—' | '\n' | '\r' | '\u{2028}' | '\u{2029}'))
}

/// True when an expression at `span` stands as a date of the document itself: in its header, with
/// a digit (a day number: "TODAY" at the end of a wrapped line is no header date), header-shaped.
fn header_shaped_date(doc: &Document, span: Span) -> bool {
    span.end <= header_end(doc) && doc.slice(span).bytes().any(|b| b.is_ascii_digit()) && header_shaped(&doc.text, span)
}

/// The span of the document's own date: the first header-shaped date (see [`header_shaped_date`]).
fn header_date_span(doc: &Document, spans: impl IntoIterator<Item = Span>) -> Option<Span> {
    spans.into_iter().find(|s| header_shaped_date(doc, *s))
}

/// True when `span` is a date of the document itself (in the dateline, or a header-shaped date in
/// its header: a title's date and the dateline's both count), not an event's.
#[must_use]
pub fn is_header_date(doc: &Document, span: Span) -> bool {
    doc.dateline.as_ref().is_some_and(|d| d.span.overlaps(span)) || header_shaped_date(doc, span)
}

/// The date of a document that has neither metadata nor a dateline date, read from its header:
/// the first header-shaped date (see [`is_header_date`]) in the header; a date without a year
/// takes its year from a four-digit year in the header (a release number "2010-04-CA-067" whose
/// month agrees is preferred). Failing a date, a year-month release number alone gives a
/// reference known to the month.
fn header_reference(doc: &Document, raw: &[RawExpr]) -> Reference {
    let end = header_end(doc);
    let header = &doc.text[..end];
    let years = header_years(header);
    let header = header_date_span(doc, raw.iter().map(|x| Span::new(x.start, x.end)));
    if let Some(x) = raw.iter().find(|x| header == Some(Span::new(x.start, x.end)) && x.last.is_none()) {
        if let Point::Date { year, month, day } = x.first {
            let year = year.or_else(|| years.iter().find(|(_, m)| *m == Some(month)).or(years.first()).map(|(y, _)| *y));
            if let Some(date) = year.and_then(|y| Date::new(y, month, day).ok()) {
                return Reference::Day(date);
            }
        }
    }
    years
        .iter()
        .find_map(|(y, m)| m.map(|month| Reference::Month { year: *y, month }))
        .unwrap_or(Reference::None)
}

/// Four-digit years 1950–2049 standing as their own token in `header`, each with the month that
/// follows it as "YYYY-MM" when it does.
fn header_years(header: &str) -> Vec<(i16, Option<i8>)> {
    let b = header.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 4 <= b.len() {
        let starts = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        if starts && b[i..i + 4].iter().all(u8::is_ascii_digit) && b.get(i + 4).is_none_or(|c| !c.is_ascii_digit()) {
            if let Ok(y) = header[i..i + 4].parse::<i16>() {
                if (1950..=2049).contains(&y) {
                    let month = (b.get(i + 4) == Some(&b'-'))
                        .then(|| header.get(i + 5..i + 7))
                        .flatten()
                        .filter(|m| m.bytes().all(|c| c.is_ascii_digit()) && b.get(i + 7).is_none_or(|c| !c.is_ascii_digit()))
                        .and_then(|m| m.parse::<i8>().ok())
                        .filter(|m| (1..=12).contains(m));
                    out.push((y, month));
                }
            }
            i += 4;
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_files_load() {
        let stage = TimeStage::load().expect("data files parse");
        assert!(stage.lex.words.contains_key("january"));
        assert!(stage.lex.zones.contains_key("af"));
    }

    #[test]
    fn header_years_reads_release_numbers() {
        assert_eq!(header_years("Command|2010-04-CA-067 |"), vec![(2010, Some(4))]);
        assert_eq!(header_years("id 12010-04 and 2011"), vec![(2011, None)]);
    }
}
