//! Dating events: each event takes the date of the time expression that governs it.
//!
//! Rules, in order (the first that applies wins):
//! 1. **Its sentence.** Of the usable expressions in the sentence holding the event's trigger
//!    (else its first evidence span), the one in the same clause as the trigger, nearest to it.
//!    Clause breaks are `;`, dashes and the words "while", "but", "whereas", "who", "which",
//!    "that", "after", "before", "since"; an expression before the trigger that follows such a
//!    word sits in an embedded clause ("Militants who fled on Saturday ambushed…") and counts
//!    one break further away. Usable: resolved, not future-tense (events are things that
//!    happened), not the document's own header/dateline date, not a "since …" span (a state,
//!    not an occurrence), not beside a reporting verb ("today confirmed the arrest … Saturday":
//!    today is the report's date), not a date modifying a noun ("the July 2 attack").
//! 2. **A continuation.** A sentence with no usable expression continues the nearest earlier
//!    sentence that has one, and takes its last usable expression: a news paragraph without a
//!    date of its own elaborates what came before. Not across a sentence that announces another
//!    incident ("separate", "separately", "elsewhere", "meanwhile", "in another", "in a similar"
//!    among its first eight words): such a sentence, and the rest of its paragraph, only look
//!    back within that paragraph. A sentence stating someone's record ("He is responsible for the
//!    assassination … in January", `data/record_cues.txt`) is passed over: its date is the record's. An event in the title (a sentence ending before the
//!    dateline) takes the first usable expression after the dateline: the lead's date.
//! 3. **The document's date, widened.** The reference date P (dateline, publication or header
//!    date) with precision `week`, as the contract says: "a date that the text leaves open is the
//!    article's publication date with precision widened, never a guess presented as a day" —
//!    `start = end = P`, and `week` tells the reader the day is not known, only that the event was
//!    reported on P (ACLED's `time_precision` 2 with `event_date` P). A reference known only to the
//!    month gives that month with precision `month`.
//! 4. Nothing to anchor to: `DateRange::unknown()`.
//!
//! A multi-day expression ("from Sunday into Monday") keeps its range.

use sitrep_core::{DatePrecision, DateRange, Document, Span, TimeExpr};

use crate::resolve::Reference;

const CLAUSE_WORDS: &[&str] = &["while", "but", "whereas", "who", "which", "that", "after", "before", "since"];
/// Words that, among a sentence's first eight, announce another incident ("In a separate
/// operation…", "Elsewhere, …"); "in another" and "in a similar" count as phrases.
const NEW_INCIDENT: &[&str] = &["separate", "separately", "elsewhere", "meanwhile"];
const NEW_INCIDENT_PHRASES: &[&str] = &["in another", "in a similar"];

/// Verbs of reporting: an expression right beside one dates the report ("today confirmed the
/// arrest … Saturday", "said on Monday"), not the event reported.
const REPORT_VERBS: &[&str] = &[
    "said", "says", "confirmed", "confirms", "announced", "announces", "reported", "reports", "stated", "told",
    "added", "claimed", "denied", "disclosed", "released", "revealed", "acknowledged", "admitted", "declared",
];
const DETERMINERS: &[&str] = &["the", "a", "an", "its", "their", "his", "her", "this", "that", "last"];

fn word_before(text: &str, at: usize) -> String {
    let before = text[..at].trim_end_matches([' ', '\t', ',']);
    let start = before.char_indices().rev().take_while(|(_, c)| c.is_alphabetic()).last().map_or(before.len(), |(i, _)| i);
    before[start..].to_lowercase()
}

fn word_after(text: &str, at: usize) -> String {
    let after = text[at..].trim_start_matches([' ', '\t', ',']);
    let end = after.find(|c: char| !c.is_alphabetic()).unwrap_or(after.len());
    after[..end].to_lowercase()
}

/// True when the expression at `t` can date an event: resolved, not future, not the document's own
/// date, not "since …", not the date of a report ("said on Monday"), and not a date modifying a
/// noun ("the July 2 attack" dates that attack, not the clause it stands in).
#[must_use]
pub fn is_event_time(doc: &Document, t: &TimeExpr) -> bool {
    if t.future || t.range.precision == DatePrecision::Unknown || t.range.start.is_none() {
        return false;
    }
    let words = doc.slice(t.span).trim_start().to_lowercase();
    if words.starts_with("since") || crate::is_header_date(doc, t.span) {
        return false;
    }
    let (before, after) = (word_before(&doc.text, t.span.start), word_after(&doc.text, t.span.end));
    if REPORT_VERBS.contains(&before.as_str()) || REPORT_VERBS.contains(&after.as_str()) {
        return false;
    }
    // Only an absolute date names another event this way; "an overnight operation" is the event's own.
    let absolute = doc.slice(t.span).starts_with(|c: char| c.is_ascii_digit() || c.is_uppercase());
    let nominal = absolute
        && DETERMINERS.contains(&before.as_str())
        && !after.is_empty()
        && doc.text[t.span.end..].starts_with(' ')
        && after.chars().all(char::is_lowercase);
    !nominal
}

/// The sentence holding byte `pos`: from `doc.sentences`, else `fallback` (the evidence span).
fn sentence_of(doc: &Document, pos: usize, fallback: Span) -> (Option<usize>, Span) {
    doc.sentence_at(pos).map_or((None, fallback), |i| (Some(i), doc.sentences[i]))
}

fn clause_breaks(text: &str) -> usize {
    let punct = text.chars().filter(|c| matches!(c, ';' | '—' | '–')).count();
    let words = text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| CLAUSE_WORDS.iter().any(|cw| w.eq_ignore_ascii_case(cw)))
        .count();
    punct + words
}

fn paragraph_start(doc: &Document, pos: usize) -> usize {
    doc.paragraphs.iter().find(|p| p.start <= pos && pos < p.end.max(p.start + 1)).map_or(0, |p| p.start)
}

fn announces_new_incident(doc: &Document, sentence: Span) -> bool {
    let words: Vec<String> =
        doc.slice(sentence).split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()).take(8).map(str::to_lowercase).collect();
    let joined = format!(" {} ", words.join(" "));
    words.iter().any(|w| NEW_INCIDENT.contains(&w.as_str())) || NEW_INCIDENT_PHRASES.iter().any(|p| joined.contains(&format!(" {p} ")))
}

/// `data/record_cues.txt`, lower case.
static RECORD_CUES: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    crate::lexicon::RECORD_CUES.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
});

/// Whether the sentence states someone's record ("He is responsible for the assassination … in
/// January"): its date belongs to that record, not to the story a later sentence continues.
fn states_a_record(doc: &Document, sentence: Span) -> bool {
    let words: Vec<String> =
        doc.slice(sentence).split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    let joined = format!(" {} ", words.join(" "));
    RECORD_CUES.iter().any(|cue| joined.contains(&format!(" {cue} ")))
}

/// Gives every event its date against `reference`; see the module documentation for the rules.
pub fn date_events_with(doc: &mut Document, reference: Reference) {
    if !doc.is_codable() {
        return;
    }
    let usable_times: Vec<usize> = (0..doc.times.len()).filter(|&i| is_event_time(doc, &doc.times[i])).collect();
    let fallback = match reference {
        Reference::Day(p) => DateRange { start: Some(p), end: Some(p), precision: DatePrecision::Week },
        Reference::Month { year, month } => jiff::civil::Date::new(year, month, 1).map_or_else(
            |_| DateRange::unknown(),
            |first| DateRange { start: Some(first), end: Some(first.last_of_month()), precision: DatePrecision::Month },
        ),
        Reference::None => DateRange::unknown(),
    };
    let mut dated = Vec::with_capacity(doc.events.len());
    for ev in &doc.events {
        let evidence = ev.evidence.first().copied().unwrap_or_default();
        let anchor = ev.trigger.unwrap_or(evidence);
        let choice = govern(doc, &usable_times, anchor, evidence);
        dated.push(match choice {
            Some(i) => (doc.times[i].range.clone(), Some(doc.times[i].span)),
            None => (fallback.clone(), None),
        });
    }
    for (ev, (date, span)) in doc.events.iter_mut().zip(dated) {
        ev.date = date;
        ev.date_span = span;
    }
}

/// The index (into `doc.times`) of the expression governing an event at `anchor`.
fn govern(doc: &Document, usable_times: &[usize], anchor: Span, evidence: Span) -> Option<usize> {
    let (sentence_index, sentence) = sentence_of(doc, anchor.start, evidence);
    let in_span = |s: Span| usable_times.iter().copied().filter(move |&i| s.contains(doc.times[i].span));
    // 1. Its sentence: fewest clause breaks from the trigger, then nearest.
    let best = in_span(sentence).min_by_key(|&i| {
        let t = doc.times[i].span;
        let (lo, hi) = if t.end <= anchor.start { (t.end, anchor.start) } else { (anchor.end.min(t.start), t.start) };
        // An expression before the trigger but after a clause word sits in an embedded clause
        // ("Militants who had fled on Saturday ambushed…").
        let embedded = t.end <= anchor.start && clause_breaks(&doc.text[sentence.start.min(t.start)..t.start]) > 0;
        (clause_breaks(&doc.text[lo..hi]) + usize::from(embedded), hi - lo)
    });
    if best.is_some() {
        return best;
    }
    // 2. A continuation of an earlier sentence.
    let Some(si) = sentence_index else {
        // No sentence layer: the nearest usable expression before the evidence.
        return usable_times.iter().copied().rfind(|&i| doc.times[i].span.end <= evidence.start);
    };
    // A title event: the lead's date.
    if let Some(dateline) = doc.dateline.as_ref().filter(|d| sentence.end <= d.span.start) {
        return usable_times.iter().copied().find(|&i| doc.times[i].span.start >= dateline.span.end);
    }
    let para = paragraph_start(doc, sentence.start);
    // Within the paragraph, stop at a sentence announcing another incident (that sentence
    // included); across paragraphs, only when no sentence from here back to the paragraph's
    // start announces one.
    let mut within_only = false;
    for (k, prev) in doc.sentences[..=si].iter().enumerate().rev() {
        if prev.start < para && within_only {
            break;
        }
        if doc.is_removed(*prev) {
            continue;
        }
        if k < si && !states_a_record(doc, *prev) {
            if let Some(i) = in_span(*prev).next_back() {
                return Some(i);
            }
        }
        if prev.start >= para && announces_new_incident(doc, *prev) {
            within_only = true;
        }
    }
    None
}
