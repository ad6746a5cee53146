//! Golden tests: invented sentences in, the expressions found and the dates they resolve to out.
//! One test per pattern; each also checks the span invariant.

use jiff::civil::{date, Date};
use sitrep_core::check::assert_spans;
use sitrep_core::{
    DatePrecision, DateRange, Dateline, Document, Event, Removed, RemovedKind, Span, SubEventType,
};
use sitrep_time::{annotate, date_events, local_publication_date};

fn doc(text: &str, published: Option<Date>) -> Document {
    let mut d = Document::from_text("golden", text);
    d.published = published;
    d
}

/// The expressions found in `text` published on `published`: (surface, start, end, precision).
fn times(text: &str, published: Option<Date>) -> Vec<(String, Option<Date>, Option<Date>, DatePrecision)> {
    let mut d = doc(text, published);
    annotate(&mut d);
    assert_spans(&d);
    d.times.iter().map(|t| (d.slice(t.span).to_owned(), t.range.start, t.range.end, t.range.precision)).collect()
}

macro_rules! time_test {
    ($name:ident, $text:expr, $published:expr, [$(($surface:expr, $start:expr, $end:expr, $precision:ident)),* $(,)?]) => {
        #[test]
        fn $name() {
            let got = times($text, $published);
            let want: Vec<(String, Option<Date>, Option<Date>, DatePrecision)> =
                vec![$(($surface.to_owned(), $start, $end, DatePrecision::$precision)),*];
            assert_eq!(got, want, "text: {:?}", $text);
        }
    };
}

// 2013-01-28 is a Monday.
const MONDAY: Option<Date> = Some(date(2013, 1, 28));

time_test!(yesterday_is_the_day_before_publication, "Rebels attacked the base yesterday.", MONDAY, [
    ("yesterday", Some(date(2013, 1, 27)), Some(date(2013, 1, 27)), Day)
]);

time_test!(upper_case_wire_forms, "GUERRILLAS ATTACKED THE FARM YESTERDAY AND LAST NIGHT.", MONDAY, [
    ("YESTERDAY", Some(date(2013, 1, 27)), Some(date(2013, 1, 27)), Day),
    ("LAST NIGHT", Some(date(2013, 1, 27)), Some(date(2013, 1, 27)), Day),
]);

time_test!(today_and_last_night, "Shelling resumed today after clashes last night.", MONDAY, [
    ("today", MONDAY, MONDAY, Day),
    ("last night", Some(date(2013, 1, 27)), Some(date(2013, 1, 27)), Day),
]);

time_test!(overnight_alone_is_the_night_before, "Militants were detained in an overnight raid.", MONDAY, [
    ("overnight", Some(date(2013, 1, 27)), Some(date(2013, 1, 27)), Day)
]);

time_test!(overnight_yields_to_a_weekday, "Militants were detained in an overnight raid on Friday.", MONDAY, [
    ("Friday", Some(date(2013, 1, 25)), Some(date(2013, 1, 25)), Day)
]);

time_test!(monday_paper_friday_is_three_days_earlier, "The convoy was ambushed on Friday.", MONDAY, [
    ("Friday", Some(date(2013, 1, 25)), Some(date(2013, 1, 25)), Day)
]);

time_test!(publication_weekday_is_that_day, "Protesters gathered on Monday.", MONDAY, [
    ("Monday", MONDAY, MONDAY, Day)
]);

time_test!(last_monday_is_a_week_earlier_on_a_monday, "Protesters gathered last Monday.", MONDAY, [
    ("last Monday", Some(date(2013, 1, 21)), Some(date(2013, 1, 21)), Day)
]);

time_test!(future_weekday_looks_forward, "The envoys will meet on Friday.", MONDAY, [
    ("Friday", Some(date(2013, 2, 1)), Some(date(2013, 2, 1)), Day)
]);

time_test!(next_weekday_is_strictly_after, "Talks resume next Monday.", MONDAY, [
    ("next Monday", Some(date(2013, 2, 4)), Some(date(2013, 2, 4)), Day)
]);

time_test!(weekday_night, "Gunmen struck the village Sunday night.", MONDAY, [
    ("Sunday night", Some(date(2013, 1, 27)), Some(date(2013, 1, 27)), Day)
]);

time_test!(weekday_and_into_weekday_is_a_range, "Fighting raged on Sunday and into Monday.", MONDAY, [
    ("Sunday and into Monday", Some(date(2013, 1, 27)), MONDAY, Day)
]);

time_test!(between_weekdays_is_a_range, "Airstrikes hit the town between Thursday and Saturday.", MONDAY, [
    ("between Thursday and Saturday", Some(date(2013, 1, 24)), Some(date(2013, 1, 26)), Day)
]);

time_test!(month_day_without_year, "The bridge was blown up on August 4.", Some(date(2013, 9, 2)), [
    ("August 4", Some(date(2013, 8, 4)), Some(date(2013, 8, 4)), Day)
]);

time_test!(january_paper_december_is_last_year, "Troops withdrew on December 28.", Some(date(2013, 1, 3)), [
    ("December 28", Some(date(2012, 12, 28)), Some(date(2012, 12, 28)), Day)
]);

time_test!(wire_day_month_two_digit_year, "SAN SALVADOR, 4 FEB 90 (AGENCY) -- A BOMB EXPLODED.", None, [
    ("4 FEB 90", Some(date(1990, 2, 4)), Some(date(1990, 2, 4)), Day)
]);

time_test!(abbreviated_month_with_year, "The ceasefire signed on Jan. 25, 2013 collapsed.", None, [
    ("Jan. 25, 2013", Some(date(2013, 1, 25)), Some(date(2013, 1, 25)), Day)
]);

time_test!(iso_date, "Report dated 2013-01-25 lists the casualties.", None, [
    ("2013-01-25", Some(date(2013, 1, 25)), Some(date(2013, 1, 25)), Day)
]);

time_test!(month_and_year, "The offensive began in March 2011.", None, [
    ("March 2011", Some(date(2011, 3, 1)), Some(date(2011, 3, 31)), Month)
]);

time_test!(year_only, "The group was founded in 2009.", None, [
    ("2009", Some(date(2009, 1, 1)), Some(date(2009, 12, 31)), Year)
]);

time_test!(bare_month_needs_a_modifier, "Officials may march on the capital in May.", Some(date(2013, 6, 10)), [
    ("May", Some(date(2013, 5, 1)), Some(date(2013, 5, 31)), Month)
]);

time_test!(last_november, "The town fell last November.", Some(date(2013, 11, 20)), [
    ("last November", Some(date(2012, 11, 1)), Some(date(2012, 11, 30)), Month)
]);

time_test!(day_range_in_one_month, "Clashes went on from March 3 to 5.", Some(date(2013, 3, 10)), [
    ("from March 3 to 5", Some(date(2013, 3, 3)), Some(date(2013, 3, 5)), Day)
]);

time_test!(three_weeks_ago_is_a_week, "The mine exploded three weeks ago.", MONDAY, [
    ("three weeks ago", Some(date(2013, 1, 7)), Some(date(2013, 1, 13)), Week)
]);

time_test!(two_days_ago_is_a_day, "A GUERRILLA COLUMN ATTACKED THE FARM 2 DAYS AGO.", Some(date(1990, 2, 4)), [
    ("2 DAYS AGO", Some(date(1990, 2, 2)), Some(date(1990, 2, 2)), Day)
]);

time_test!(this_week_is_clipped_to_publication, "Several raids took place this week.", Some(date(2013, 1, 30)), [
    ("this week", MONDAY, Some(date(2013, 1, 30)), Week)
]);

time_test!(earlier_this_week, "Aid convoys arrived earlier this week.", Some(date(2013, 1, 31)), [
    ("earlier this week", MONDAY, Some(date(2013, 1, 30)), Week)
]);

time_test!(over_the_past_week, "Dozens were arrested over the past week.", MONDAY, [
    ("the past week", Some(date(2013, 1, 21)), MONDAY, Week)
]);

time_test!(in_recent_days, "Tensions rose in recent days.", MONDAY, [
    ("in recent days", Some(date(2013, 1, 21)), MONDAY, Week)
]);

time_test!(last_year, "The prison was stormed last year.", MONDAY, [
    ("last year", Some(date(2012, 1, 1)), Some(date(2012, 12, 31)), Year)
]);

time_test!(ages_are_not_durations, "A 35-year-old man was shot in a two-day siege.", MONDAY, []);

time_test!(anaphor_follows_the_previous_day, "The raid began on Friday. The next day, troops withdrew.", MONDAY, [
    ("Friday", Some(date(2013, 1, 25)), Some(date(2013, 1, 25)), Day),
    ("The next day", Some(date(2013, 1, 26)), Some(date(2013, 1, 26)), Day),
]);

#[test]
fn no_publication_date_leaves_relative_expressions_unresolved() {
    let got = times("Rebels attacked the base yesterday and shelled it on Sunday.", None);
    assert_eq!(got.len(), 2);
    assert!(got.iter().all(|(_, s, e, p)| s.is_none() && e.is_none() && *p == DatePrecision::Unknown), "{got:?}");
}

#[test]
fn dateline_date_is_the_reference() {
    let text = "BANGUI, April 12 (Reuters) - Militiamen burned homes yesterday.";
    let mut d = doc(text, Some(date(2014, 4, 13)));
    d.dateline = Some(Dateline { span: Span::new(0, 26), place: Some("BANGUI".into()), place_span: Some(Span::new(0, 6)), date: Some(date(2014, 4, 12)), agency: Some("Reuters".into()) });
    annotate(&mut d);
    assert_spans(&d);
    let yesterday = d.times.iter().find(|t| d.slice(t.span) == "yesterday").expect("yesterday found");
    assert_eq!(yesterday.range, DateRange::day(date(2014, 4, 11)));
}

#[test]
fn header_date_is_the_reference_without_metadata() {
    let text = "KABUL, Afghanistan (Feb. 21, 2011)\nForces detained two men in Khost province yesterday.";
    let got = times(text, None);
    assert_eq!(got[0].0, "Feb. 21, 2011");
    assert_eq!(got[1], ("yesterday".to_owned(), Some(date(2011, 2, 20)), Some(date(2011, 2, 20)), DatePrecision::Day));
}

#[test]
fn yearless_header_date_takes_the_release_number_year() {
    let text = "Release 2010-10-CA-127\nKABUL, Afghanistan (Oct. 13) - Forces captured a leader Monday.";
    let got = times(text, None);
    let monday = got.iter().find(|t| t.0 == "Monday").expect("Monday found");
    assert_eq!(monday.1, Some(date(2010, 10, 11)));
}

#[test]
fn expressions_in_removed_ranges_are_ignored() {
    let text = "Sign up today for our newsletter. Rebels attacked on Friday.";
    let mut d = doc(text, MONDAY);
    d.removed.push(Removed { span: Span::new(0, 33), kind: RemovedKind::Newsletter });
    annotate(&mut d);
    assert_spans(&d);
    let found: Vec<&str> = d.times.iter().map(|t| d.slice(t.span)).collect();
    assert_eq!(found, vec!["Friday"]);
}

#[test]
fn skipped_documents_get_nothing() {
    let mut d = doc("Los rebeldes atacaron ayer, yesterday.", MONDAY);
    d.skipped = Some("language: es".into());
    annotate(&mut d);
    assert!(d.times.is_empty());
}

#[test]
fn utc_timestamp_late_evening_is_the_next_day_in_kabul() {
    let ts: jiff::Timestamp = "2013-01-24T22:30:00Z".parse().unwrap();
    assert_eq!(local_publication_date(ts, "KABUL"), date(2013, 1, 25));
    assert_eq!(local_publication_date(ts, "AF"), date(2013, 1, 25));
    assert_eq!(local_publication_date(ts, "Asia/Kabul"), date(2013, 1, 25));
    // West of Greenwich the same instant is still the 24th; an unknown place keeps the UTC date.
    assert_eq!(local_publication_date(ts, "Bogota"), date(2013, 1, 24));
    assert_eq!(local_publication_date(ts, "Atlantis"), date(2013, 1, 24));
}

fn event(id: &str, trigger: Span, evidence: Span) -> Event {
    Event::new(id, SubEventType::ArmedClash, trigger, vec![evidence])
}

/// A document with sentences split at ". " and events on the given trigger words.
fn event_doc(text: &str, published: Option<Date>, triggers: &[&str]) -> Document {
    let mut d = doc(text, published);
    let mut start = 0;
    for (i, _) in text.match_indices(". ") {
        d.sentences.push(Span::new(start, i + 1));
        start = i + 2;
    }
    d.sentences.push(Span::new(start, text.len()));
    d.paragraphs.push(Span::new(0, text.len()));
    annotate(&mut d);
    for (n, word) in triggers.iter().enumerate() {
        let at = text.find(word).expect("trigger in text");
        let trigger = Span::new(at, at + word.len());
        let sentence = d.sentences[d.sentence_at(at).expect("in a sentence")];
        d.events.push(event(&format!("V{}", n + 1), trigger, sentence));
    }
    date_events(&mut d);
    assert_spans(&d);
    d
}

#[test]
fn event_takes_the_expression_in_its_clause() {
    let d = event_doc(
        "Militants who had fled on Saturday ambushed a patrol on Sunday near the border.",
        MONDAY,
        &["ambushed"],
    );
    assert_eq!(d.events[0].date, DateRange::day(date(2013, 1, 27)));
    assert_eq!(d.events[0].date_span.map(|s| d.slice(s)), Some("Sunday"));
}

#[test]
fn event_skips_future_expressions() {
    let d = event_doc("Rebels who will face trial on Friday shelled the town.", MONDAY, &["shelled"]);
    assert_eq!(d.events[0].date, DateRange { start: MONDAY, end: MONDAY, precision: DatePrecision::Week });
    assert_eq!(d.events[0].date_span, None);
}

#[test]
fn continuation_sentence_takes_the_earlier_date() {
    let d = event_doc(
        "Gunmen attacked a checkpoint yesterday. The soldiers returned fire, killing two attackers.",
        MONDAY,
        &["attacked", "killing"],
    );
    assert_eq!(d.events[1].date, DateRange::day(date(2013, 1, 27)));
    assert_eq!(d.events[1].date_span.map(|s| d.slice(s)), Some("yesterday"));
}

#[test]
fn continuation_passes_over_a_sentence_stating_a_record() {
    let d = event_doc(
        "Troops captured a rebel commander yesterday. He is responsible for the assassination of a mayor in \
         November. The troops then detained two of his guards.",
        MONDAY,
        &["captured", "detained"],
    );
    assert_eq!(d.events[1].date, DateRange::day(date(2013, 1, 27)), "not the record's November");
    assert_eq!(d.events[1].date_span.map(|s| d.slice(s)), Some("yesterday"));
}

#[test]
fn multi_day_event_keeps_its_range() {
    let d = event_doc("Fighting raged on Sunday and into Monday in the north.", MONDAY, &["Fighting"]);
    assert_eq!(d.events[0].date.start, Some(date(2013, 1, 27)));
    assert_eq!(d.events[0].date.end, MONDAY);
}

#[test]
fn undated_event_gets_the_publication_date_widened_never_a_day() {
    let d = event_doc("Gunmen attacked a checkpoint near the border.", MONDAY, &["attacked"]);
    assert_eq!(d.events[0].date, DateRange { start: MONDAY, end: MONDAY, precision: DatePrecision::Week });
    assert_eq!(d.events[0].date_span, None);
}

#[test]
fn report_date_does_not_date_the_event() {
    let d = event_doc("Police today confirmed the arrest of a bomb maker in the north on Saturday.", MONDAY, &["arrest"]);
    assert_eq!(d.events[0].date_span.map(|s| d.slice(s)), Some("Saturday"));
    assert_eq!(d.events[0].date, DateRange::day(date(2013, 1, 26)));
}

#[test]
fn a_date_naming_another_event_does_not_date_this_one() {
    let d = event_doc("Troops raided the hideout of a commander behind the July 2 bombing yesterday.", MONDAY, &["raided"]);
    assert_eq!(d.events[0].date_span.map(|s| d.slice(s)), Some("yesterday"));
}

#[test]
fn new_paragraph_about_another_incident_is_no_continuation() {
    let text = "Gunmen attacked a checkpoint yesterday.\n\nIn a separate incident, a mine killed two farmers.";
    let mut d = doc(text, MONDAY);
    let split = text.find("\n\n").unwrap();
    d.sentences = vec![Span::new(0, split), Span::new(split + 2, text.len())];
    d.paragraphs = d.sentences.clone();
    annotate(&mut d);
    let at = text.find("killed").unwrap();
    d.events.push(event("V1", Span::new(at, at + 6), d.sentences[1]));
    date_events(&mut d);
    assert_spans(&d);
    assert_eq!(d.events[0].date, DateRange { start: MONDAY, end: MONDAY, precision: DatePrecision::Week });
}

#[test]
fn article_with_no_date_at_all_leaves_events_unknown() {
    let d = event_doc("Gunmen attacked a checkpoint yesterday near the border.", None, &["attacked"]);
    assert_eq!(d.events[0].date, DateRange::unknown());
    assert!(d.times.iter().all(|t| t.range.precision == DatePrecision::Unknown));
}

time_test!(newspaper_names_are_not_weekdays, "The Sunday Times reported the raid on Friday.", MONDAY, [
    ("Friday", Some(date(2013, 1, 25)), Some(date(2013, 1, 25)), Day)
]);

time_test!(the_last_days_of_is_no_duration, "Civilians fled in the last days of the siege.", MONDAY, []);

time_test!(possessive_weekday_and_phrase, "Sunday's blast followed last night's raid.", MONDAY, [
    ("Sunday's", Some(date(2013, 1, 27)), Some(date(2013, 1, 27)), Day),
    ("last night's", Some(date(2013, 1, 27)), Some(date(2013, 1, 27)), Day),
]);

time_test!(since_runs_to_publication, "More than 300 people have been killed since March 3.", Some(date(2013, 3, 10)), [
    ("since March 3", Some(date(2013, 3, 3)), Some(date(2013, 3, 10)), Day)
]);

time_test!(weekday_with_its_date_is_the_date, "Polls opened on Monday, March 4, 2013.", Some(date(2013, 3, 10)), [
    ("Monday, March 4, 2013", Some(date(2013, 3, 4)), Some(date(2013, 3, 4)), Day)
]);

time_test!(month_of_this_year, "Elections were moved to December of this year.", Some(date(2016, 6, 15)), [
    ("December of this year", Some(date(2016, 12, 1)), Some(date(2016, 12, 31)), Month)
]);

#[test]
fn lower_cased_archive_text_still_has_weekdays_and_months() {
    let filler = "the police said the situation in the district remained tense and that more forces were deployed. ".repeat(4);
    let text = format!("{filler}violence was reported overnight and on tuesday, after clashes on march 3.");
    let got = times(&text, Some(date(2002, 3, 7)));
    let surfaces: Vec<&str> = got.iter().map(|t| t.0.as_str()).collect();
    assert_eq!(surfaces, vec!["tuesday", "march 3"], "{got:?}");
    assert_eq!(got[0].1, Some(date(2002, 3, 5)));
}

time_test!(may_the_verb_and_the_surname_are_no_months, "Trump and May met; rebels may attack and may retreat.", MONDAY, []);

time_test!(month_this_year_without_of, "The summit is planned in November this year.", Some(date(2016, 6, 15)), [
    ("November this year", Some(date(2016, 11, 1)), Some(date(2016, 11, 30)), Month)
]);

time_test!(end_of_march, "The offensive stalled at the end of March.", Some(date(2016, 6, 15)), [
    ("March", Some(date(2016, 3, 1)), Some(date(2016, 3, 31)), Month)
]);
