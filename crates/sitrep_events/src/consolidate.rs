//! One event per place and day across the whole story. The events stage merges the sentences of
//! one telling; an article often tells the same event again further down ("The bombing at the
//! bank …" three paragraphs later), and ACLED codes one event per type, place, day and actors.
//! This runs after the time and geography stages have dated and placed every event.

use sitrep_core::{DatePrecision, Document, Event, Location};

use crate::{absorb, compatible, notes_for};

/// Folds each event into an earlier one of the same sub-type, at the same place, on the same day,
/// with compatible actors. Events without a day-precise date or a place are left alone: "the same
/// place and day" cannot be shown for them. Aggregates are never folded.
pub fn consolidate(doc: &mut Document) {
    if !doc.is_codable() || doc.events.len() < 2 {
        return;
    }
    // A place that is only the dateline's (the event named none of its own) does not show that
    // two events happened at one place: two raids on unnamed villages both fall back to the city
    // the report was filed from.
    let dateline = doc.dateline.as_ref().map(|d| d.span);
    let own_place = |e: &Event| e.location.as_ref().and_then(|l| l.span).is_some_and(|s| dateline.is_none_or(|d| !d.contains(s)));
    let mut kept: Vec<Event> = Vec::with_capacity(doc.events.len());
    for ev in std::mem::take(&mut doc.events) {
        match kept.iter_mut().find(|k| own_place(k) && own_place(&ev) && same_event(k, &ev)) {
            Some(k) => fold(k, ev),
            None => kept.push(ev),
        }
    }
    for (i, ev) in kept.iter_mut().enumerate() {
        ev.id = format!("V{}", i + 1);
        ev.notes = Some(notes_for(ev));
    }
    doc.events = kept;
}

fn same_event(a: &Event, b: &Event) -> bool {
    a.sub_event_type == b.sub_event_type
        && !a.aggregate
        && !b.aggregate
        && same_day(a, b)
        && a.location.as_ref().zip(b.location.as_ref()).is_some_and(|(x, y)| same_place(x, y))
        && compatible(&a.actor1, &b.actor1)
        && compatible(&a.actor2, &b.actor2)
}

fn same_day(a: &Event, b: &Event) -> bool {
    a.date.precision == DatePrecision::Day
        && b.date.precision == DatePrecision::Day
        && a.date.start.is_some()
        && a.date.start == b.date.start
        && a.date.end == b.date.end
}

/// The same gazetteer place at the same precision: a district placed at its town's point is not
/// the town itself.
fn same_place(a: &Location, b: &Location) -> bool {
    a.precision == b.precision && a.geo.geonames_id == b.geo.geonames_id && a.geo.name == b.geo.name
}

fn fold(into: &mut Event, from: Event) {
    let civilians = from.civilian_targeting;
    absorb(into, from);
    // Tellings far apart in the story: their evidence is put back in text order.
    into.evidence.sort();
    into.evidence.dedup();
    into.civilian_targeting |= civilians;
}

#[cfg(test)]
mod tests {
    use super::*;
    use sitrep_core::{DateRange, Geo, GeoPrecision, Span, SubEventType};

    fn event(doc: &Document, sentence: &str, place: &str, day: i8, sub: SubEventType) -> Event {
        let at = doc.text.find(sentence).expect("sentence in text");
        let span = Span::new(at, at + sentence.len());
        let place_at = doc.text[at..].find(place).map(|p| at + p).expect("place in sentence");
        let mut e = Event::new("V", sub, span, vec![span]);
        e.date = DateRange::day(sitrep_core::Date::new(2024, 3, day).expect("a real day"));
        e.location = Some(Location {
            name: place.into(),
            span: Some(Span::new(place_at, place_at + place.len())),
            geo: Geo {
                geonames_id: Some(if place == "Mosul" { 99_072 } else { 98_182 }),
                name: place.into(),
                lat: 0.0,
                lon: 0.0,
                country: Some("IQ".into()),
                admin1: None,
                admin2: None,
                precision: GeoPrecision::City,
                confidence: 0.9,
            },
            precision: GeoPrecision::City,
        });
        e
    }

    const TEXT: &str = "A car bomb exploded in Mosul on Monday. Officials met. Markets closed. Schools shut. \
                        The Mosul car bomb was the third this month. A car bomb exploded in Baghdad on Monday.";

    #[test]
    fn the_same_event_told_again_later_is_one_event_and_other_places_or_days_stay_apart() {
        let mut doc = Document::from_text("t", TEXT);
        let ied = SubEventType::RemoteExplosiveLandmineIed;
        doc.events = vec![
            event(&doc, "A car bomb exploded in Mosul on Monday.", "Mosul", 4, ied),
            event(&doc, "The Mosul car bomb was the third this month.", "Mosul", 4, ied),
            event(&doc, "A car bomb exploded in Baghdad on Monday.", "Baghdad", 4, ied),
        ];
        consolidate(&mut doc);
        assert_eq!(doc.events.len(), 2, "{:#?}", doc.events);
        assert_eq!(doc.events[0].evidence.len(), 2);
        assert_eq!(doc.events.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), ["V1", "V2"]);

        let mut doc = Document::from_text("t", TEXT);
        doc.events = vec![
            event(&doc, "A car bomb exploded in Mosul on Monday.", "Mosul", 4, ied),
            event(&doc, "The Mosul car bomb was the third this month.", "Mosul", 5, ied),
        ];
        consolidate(&mut doc);
        assert_eq!(doc.events.len(), 2, "another day is another event");
    }
}
