//! Random text built from time words, digits, punctuation and multi-byte characters: the stage
//! must never panic and every span must hold the invariant. A fixed-seed generator keeps failures
//! reproducible without a property-testing dependency.

use sitrep_core::check::assert_spans;
use sitrep_core::{Dateline, Document, Event, Removed, RemovedKind, Span, SubEventType};

const PIECES: &[&str] = &[
    "Monday", "MONDAY", "monday", "Sunday's", "night", "last", "next", "the", "past", "over", "in", "on", "from",
    "to", "and", "into", "between", "since", "ago", "days", "day", "weeks", "a", "few", "several", "three", "2",
    "24", "hours", "year", "years", "month", "March", "MAR", "Mar.", "May", "may", "Jan.", "25", "2013", "90",
    "4", "FEB", "3rd", "31st", "-", "–", "—", ",", ".", "(", ")", ":", ";", "'", "’", "\u{2028}", "\n", "é",
    "Ḥoms", "حلب", "2013-01-25", "2011-02-S-154", "1999", "yesterday", "YESTERDAY", "overnight", "today",
    "this", "week", "earlier", "later", "the next day", "will", "said", "of", "old", "35-year-old", "Dec", "30",
    "", " ", "  ",
];

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        usize::try_from(self.0 >> 33).unwrap_or(0)
    }
}

#[test]
fn random_time_word_soup_never_breaks_the_invariant() {
    let mut rng = Lcg(0x5175_7245_7031);
    for round in 0..3_000 {
        let n = rng.next() % 40;
        let mut text = String::new();
        for _ in 0..n {
            text.push_str(PIECES[rng.next() % PIECES.len()]);
            if rng.next() % 3 >= 1 {
                text.push(' ');
            }
        }
        let mut doc = Document::from_text(format!("soup-{round}"), text.clone());
        if round % 2 == 0 {
            doc.published = Some(jiff::civil::date(2013, 1, 28));
        }
        if round % 5 == 0 && text.len() > 10 {
            let mut end = text.len() / 3;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            doc.removed.push(Removed { span: Span::new(0, end), kind: RemovedKind::Other });
        }
        if round % 7 == 0 && text.len() > 4 {
            let mut end = 4;
            while !text.is_char_boundary(end) {
                end += 1;
            }
            doc.dateline = Some(Dateline { span: Span::new(0, end), place: None, place_span: None, date: None, agency: None });
        }
        let mut start = 0;
        for (i, _) in text.match_indices(". ") {
            doc.sentences.push(Span::new(start, i + 1));
            start = i + 2;
        }
        doc.sentences.push(Span::new(start, text.len()));
        sitrep_time::annotate(&mut doc);
        for (k, sentence) in doc.sentences.clone().into_iter().enumerate() {
            if sentence.is_empty() || doc.is_removed(sentence) {
                continue;
            }
            doc.events.push(event(&format!("V{k}"), sentence));
        }
        sitrep_time::date_events(&mut doc);
        assert_spans(&doc);
        for t in &doc.times {
            if let (Some(s), Some(e)) = (t.range.start, t.range.end) {
                assert!(s <= e, "inverted range for {:?} in {text:?}", doc.slice(t.span));
            }
        }
    }
}

fn event(id: &str, sentence: Span) -> Event {
    Event::new(id, SubEventType::Attack, sentence, vec![sentence])
}
