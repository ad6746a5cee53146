//! All-capitals wire text (MUC-4 style): capitalisation marks no name there, so a toponym needs
//! stronger evidence. Invented sentences, then the share of English words among the places
//! found on MUC-4's dev texts (tst1 + tst2), with the text and entity stages run first.

use sitrep_core::check::assert_spans;
use sitrep_core::{Document, Event, Span, SubEventType};
use sitrep_geo::{locate_events, test_gazetteer};

/// Wraps `body` in enough invented upper-case wire copy to read as an all-capitals text, with a
/// dateline, hard-wrapped at 70 columns as the wire did.
fn wire(body: &str) -> String {
    let text = format!(
        "SAN SALVADOR, 12 MAR 90 (ACAN-EFE) -- [TEXT] {body} THE ARMED FORCES PRESS COMMITTEE \
         ISSUED A COMMUNIQUE TODAY ABOUT THE INCIDENTS REPORTED OVER THE WEEKEND AND SAID THAT \
         THE SITUATION REMAINS UNDER CONTROL ACCORDING TO OFFICIAL SOURCES."
    );
    let mut out = String::new();
    let mut line = 0;
    for word in text.split(' ') {
        if line > 0 && line + word.len() > 70 {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += word.len();
    }
    out
}

fn annotated(text: &str) -> Document {
    let mut doc = Document::from_text("t", text);
    test_gazetteer().annotate(&mut doc);
    assert_spans(&doc);
    doc
}

fn names(doc: &Document) -> Vec<String> {
    doc.places.iter().map(|p| doc.slice(p.span).replace('\n', " ")).collect()
}

#[test]
fn english_words_are_no_places_in_all_capitals_text() {
    let doc = annotated(&wire(
        "IN ADDITION, THE REBELS ATTACKED A POST IN THE CAPITAL AND IN FRONT OF THE CENTER OF THE \
         CITY. IN OTHER WORDS, THEY TOLD US THAT THE WAR WILL GO ON UNTIL DAWN IN THE SOUTHERN AREA.",
    ));
    let found = names(&doc);
    for word in [
        "ADDITION",
        "CAPITAL",
        "FRONT",
        "CENTER",
        "THE CITY",
        "THE CENTER",
        "OTHER WORDS",
        "US",
        "WAR",
        "DAWN",
        "SOUTHERN",
        "IN",
        "AN",
        "ONE",
        "UP",
    ] {
        assert!(!found.iter().any(|f| f == word), "{word} taken for a place: {found:?}");
    }
    assert!(found.iter().any(|f| f == "SAN SALVADOR"), "the dateline stays a place: {found:?}");
}

#[test]
fn multi_word_names_are_taken_whole_across_a_line_wrap() {
    // "SAN" ends a line: the name is still "SAN SALVADOR", never "SAN" or "SALVADOR".
    let text = "BOGOTA, 3 APR 90 (EFE) -- [TEXT] HEAVY FIGHTING RAGED LAST NIGHT IN NORTHWESTERN SAN\n\
                SALVADOR WHEN MEMBERS OF THE URBAN COMMANDOS ATTACKED A POLICE POST NEAR THE\n\
                MARKET, AND THE ARMY SENT REINFORCEMENTS FROM SAN MIGUEL TO THE AREA OVERNIGHT.\n\
                THE AUTHORITIES SAID THAT THE SITUATION REMAINS UNDER CONTROL IN THE CITY TODAY.";
    let doc = annotated(text);
    let found = names(&doc);
    assert!(found.iter().any(|f| f == "SAN SALVADOR"), "{found:?}");
    assert!(!found.iter().any(|f| f == "SAN" || f == "SALVADOR"), "{found:?}");
    let ss = doc.places.iter().find(|p| doc.slice(p.span).starts_with("SAN\n")).expect("wrapped name");
    assert_eq!(ss.geo.as_ref().and_then(|g| g.country.as_deref()), Some("SV"));
    assert_eq!(ss.span, Span::new(text.find("SAN\n").unwrap(), text.find("SAN\n").unwrap() + 12));
    assert!(found.iter().any(|f| f == "SAN MIGUEL"), "{found:?}");
}

#[test]
fn name_parts_of_people_and_unknown_places_are_no_places() {
    let doc = annotated(&wire(
        "THE BLOOD OF IGNACIO ELLACURIA WILL NOT BE FORGOTTEN, SAID HECTOR DELGADO PARKER, WHO \
         MARCHED ALONG BERNARDO O'HIGGINS AVENUE WITH COLONEL RENE EMILIO PONCE. PONCE SAID THE \
         ARMY IS READY.",
    ));
    let found = names(&doc);
    for part in ["IGNACIO", "HECTOR", "DELGADO", "BERNARDO", "PONCE", "IGNACIO ELLACURIA"] {
        assert!(!found.iter().any(|f| f == part), "{part} taken for a place: {found:?}");
    }
}

#[test]
fn places_with_a_preposition_or_region_word_stay_places() {
    let doc = annotated(&wire(
        "GUERRILLAS KILLED A PEASANT IN THE CITY OF FLORES, IN THE NORTHERN EL PETEN DEPARTMENT, \
         AND ATTACKED A POST IN ZACATECOLUCA, LA PAZ DEPARTMENT, AND IN MEDELLIN.",
    ));
    let found = names(&doc);
    for name in ["FLORES", "ZACATECOLUCA", "MEDELLIN"] {
        assert!(found.iter().any(|f| f == name), "{name} missed: {found:?}");
    }
    // "FLORES, IN THE…": "IN" after a comma is a word, not Indiana's postal code.
    assert!(!found.iter().any(|f| f == "IN"), "{found:?}");
    let medellin = doc.places.iter().find(|p| doc.slice(p.span) == "MEDELLIN").unwrap();
    assert_eq!(medellin.geo.as_ref().and_then(|g| g.country.as_deref()), Some("CO"));
}

#[test]
fn an_event_in_all_capitals_text_takes_the_named_place_not_a_word() {
    let text = wire("IN ADDITION, TERRORISTS BOMBED A RADIO STATION IN ZACATECOLUCA LAST NIGHT.");
    let mut doc = annotated(&text);
    let trigger = Span::new(text.find("BOMBED").unwrap(), text.find("BOMBED").unwrap() + 6);
    let sentence = Span::new(text.find("IN ADDITION").unwrap(), text.find("NIGHT.").unwrap() + 6);
    doc.events.push(Event::new("V1", SubEventType::RemoteExplosiveLandmineIed, trigger, vec![sentence]));
    locate_events(&mut doc);
    assert_spans(&doc);
    let loc = doc.events[0].location.as_ref().expect("located");
    assert_eq!(loc.name, "ZACATECOLUCA");
    assert_eq!(loc.geo.country.as_deref(), Some("SV"));
}

#[test]
fn mixed_case_text_is_read_as_before() {
    // The all-capitals rules never touch ordinary text: "Reading" after "in" is the town.
    let doc = annotated("Police said two men were arrested in Reading on Tuesday after a stabbing in Phoenix.");
    let found = names(&doc);
    assert!(found.iter().any(|f| f == "Reading"), "{found:?}");
    assert!(found.iter().any(|f| f == "Phoenix"), "{found:?}");
}

/// On MUC-4's dev texts (all capitals), few places found are English words: before the
/// all-capitals rules 13% of the places were ("US", "CAPITAL", "FRONT", "IN", "JUSTICE"…).
#[test]
fn muc4_dev_places_are_rarely_english_words() {
    let dir = sitrep_core::testdata::require_shared_data().join("muc4/raw");
    let text_stage = sitrep_text::Cleaner::load().unwrap();
    let ner = sitrep_ner::Ner::load().unwrap();
    let gaz = test_gazetteer();
    let lex_words: std::collections::HashSet<&str> =
        include_str!("../data/caps_words.txt").lines().filter(|l| !l.starts_with('#')).collect();
    let (mut places, mut words, mut docs) = (0usize, 0usize, 0usize);
    for file in ["tst1/tst1-muc3", "tst2/tst2-muc4"] {
        let raw = std::fs::read(dir.join(file)).unwrap();
        let raw = String::from_utf8_lossy(&raw);
        let mut texts: Vec<String> = Vec::new();
        for line in raw.lines() {
            if line.starts_with("TST") && line.trim().len() == 14 {
                texts.push(String::new());
            } else if let Some(t) = texts.last_mut() {
                t.push_str(line);
                t.push('\n');
            }
        }
        for (k, t) in texts.iter().enumerate() {
            let mut doc = Document::from_text(format!("{file}-{k}"), t.trim_matches('\n'));
            text_stage.annotate(&mut doc);
            ner.annotate(&mut doc);
            gaz.annotate(&mut doc);
            assert_spans(&doc);
            docs += 1;
            for p in &doc.places {
                places += 1;
                let name = doc.slice(p.span).to_lowercase();
                // Country names that are also words ("CHILE", "TURKEY") are places all the same.
                let country = p.geo.as_ref().is_some_and(|g| g.precision == sitrep_core::GeoPrecision::Country);
                if lex_words.contains(name.as_str()) && !country {
                    words += 1;
                }
            }
        }
    }
    assert_eq!(docs, 200);
    assert!(places > 1500, "{places} places");
    #[allow(clippy::cast_precision_loss)]
    let share = words as f64 / places as f64;
    // Measured 2026-11-26: 0.002 (4 of 2,099: regions named like words, "META", "CABANAS").
    assert!(share <= 0.01, "{words} of {places} places are English words ({share:.3})");
}
