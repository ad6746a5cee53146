//! Which place an event's own clause ties it to (`locate_events`), on invented sentences.

use sitrep_core::check::assert_spans;
use sitrep_core::{Document, Event, Span, SubEventType};
use sitrep_geo::{locate_events, test_gazetteer};

fn span_of(text: &str, needle: &str) -> Span {
    let start = text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in {text:?}"));
    Span::new(start, start + needle.len())
}

/// The name of the place `locate_events` gives the one event triggered by `trigger` in the
/// one-sentence `text`, or `None`.
fn located(text: &str, trigger: &str) -> Option<String> {
    let mut doc = Document::from_text("t", text);
    test_gazetteer().annotate(&mut doc);
    let event = Event::new("V1", SubEventType::Attack, span_of(text, trigger), vec![Span::new(0, text.len())]);
    doc.events.push(event);
    locate_events(&mut doc);
    assert_spans(&doc);
    doc.events[0].location.as_ref().map(|l| l.name.clone())
}

#[test]
fn the_place_a_container_names_by_its_kind_is_the_events_place() {
    let cases = [
        (
            "Police detonated two bombs found on Monday in Manila's neighboring province of Pampanga.",
            "detonated",
            "Pampanga",
        ),
        ("Gunmen shot a shopkeeper in the Los Angeles suburb of Rosemead on Friday.", "shot", "Rosemead"),
        ("A car bomb exploded in Baghdad's northern neighborhood of Kadhimiyah on Sunday.", "exploded", "Kadhimiyah"),
        ("Rebels shot dead five villagers in India's northeastern state of Assam.", "shot", "Assam"),
        ("A bomb killed two soldiers in the West Bank city of Nablus on Tuesday.", "killed", "Nablus"),
    ];
    for (text, trigger, want) in cases {
        assert_eq!(located(text, trigger).as_deref(), Some(want), "{text}");
    }
}

#[test]
fn a_name_with_its_own_kind_before_of_is_held_by_the_place_after() {
    let cases = [
        ("A teacher was shot in the Mayo district of Pattani province on Friday.", "shot", "Mayo"),
        ("Militants detonated a mine in Alishir district of Khost on Sunday.", "detonated", "Alishir"),
    ];
    for (text, trigger, want) in cases {
        assert_eq!(located(text, trigger).as_deref(), Some(want), "{text}");
    }
}

#[test]
fn a_place_that_only_says_where_the_first_one_is_gives_way() {
    let cases = [
        (
            "In Abu Ghraib, on the western edge of Baghdad, troops clashed with residents on Sunday.",
            "clashed",
            "Abu Ghraib",
        ),
        (
            "Troops captured five men on Jolo, about 940 kilometers (580 miles) south of Manila, last week.",
            "captured",
            "Jolo",
        ),
        (
            "Fighting centred on Panjwayi district, 24 kilometres (15 miles) west of Kandahar city, killed ten.",
            "killed",
            "Panjwayi",
        ),
        (
            "A truck bomb wounded forty people in Lashkar Gah, the capital of Helmand, on Wednesday.",
            "wounded",
            "Lashkar Gah",
        ),
        ("Police patrolled the streets of Veraval in Gujarat state after the riots.", "patrolled", "Veraval"),
        (
            "Gunmen dragged six farmers from their homes in San Alberto, in northern Cesar province.",
            "dragged",
            "San Alberto",
        ),
    ];
    for (text, trigger, want) in cases {
        assert_eq!(located(text, trigger).as_deref(), Some(want), "{text}");
    }
}

#[test]
fn a_district_beyond_a_comma_that_the_clause_does_not_tie_leaves_its_parent_the_place() {
    let text = "Rebels launched an attack on troops in southern Aleppo, leaving the Ramouseh district.";
    assert_eq!(located(text, "attack").as_deref(), Some("Aleppo"));
    // Named together, the district wins over its parent as before.
    let text = "Artillery shelled houses in Aleppo's Salaheddine district overnight.";
    assert_eq!(located(text, "shelled").as_deref(), Some("Salaheddine"));
}

#[test]
fn on_ties_a_town_but_not_a_country_it_names_as_a_target_or_topic() {
    let text = "Rebels launched their second assault on Souran after failing to take the town.";
    assert_eq!(located(text, "assault").as_deref(), Some("Souran"));
    let text = "Students protested against the war on Iraq outside the embassy.";
    assert_eq!(located(text, "protested"), None);
}

#[test]
fn adjectives_coordinated_directions_and_peoples_names_do_not_break_a_tie() {
    let cases = [
        ("A sniper shot a driver in divided Mostar on Sunday.", "shot", "Mostar"),
        ("In Serb-held Vogosca, north of Sarajevo, an officer was shot in the arm.", "shot", "Vogosca"),
        ("Two car bombs detonated in southern and western Baghdad on Monday.", "detonated", "Baghdad"),
        ("Thousands demonstrated in the centre of the Georgian capital Tbilisi on Tuesday.", "demonstrated", "Tbilisi"),
        ("Rebels shot down a fighter jet not far from Grozny on Saturday.", "shot", "Grozny"),
        ("About a hundred students demonstrated in Abuja's International Conference Centre.", "demonstrated", "Abuja"),
        (
            "Five women were killed at a wedding in the village of Sayadan, forty miles north of Kabul.",
            "killed",
            "Sayadan",
        ),
    ];
    for (text, trigger, want) in cases {
        assert_eq!(located(text, trigger).as_deref(), Some(want), "{text}");
    }
}

#[test]
fn a_place_naming_where_a_site_is_ties_the_event_after_a_determiner() {
    let cases = [
        ("The judge was shot dead after leaving his central Tehran office.", "shot", Some("Tehran")),
        ("The owner of a posh Sofia restaurant was shot dead last month.", "shot", Some("Sofia")),
        ("Gunmen stormed two buildings in a residential Baghdad compound.", "stormed", Some("Baghdad")),
        // No determiner: a destination, not where it happened.
        ("The two men were captured by police on their way to Sarajevo airport.", "captured", None),
    ];
    for (text, trigger, want) in cases {
        assert_eq!(located(text, trigger).as_deref(), want, "{text}");
    }
}

#[test]
fn a_relative_clause_about_something_else_names_no_place_of_the_event() {
    let text = "Protesters marched through the streets of Salonika, where organisers said a rally was held in France.";
    assert_eq!(located(text, "marched").as_deref(), Some("Salonika"));
    let text = "A pilot was shot dead by militants, whose leaders are hiding in Turkey.";
    assert_eq!(located(text, "shot"), None);
    // A clause about the event itself says where it was.
    let text = "Nine militants were killed during the clashes, which took place near a roundabout in Aleppo.";
    assert_eq!(located(text, "killed").as_deref(), Some("Aleppo"));
}

#[test]
fn compound_adjectives_owned_things_and_asides_are_no_place_of_the_event() {
    let text = "At least 23 people have been killed since Sunday in Syria-linked clashes.";
    assert_eq!(located(text, "killed"), None);
    let text = "Hundreds of Filipinos demonstrated in front of Singapore's embassy on Friday.";
    assert_eq!(located(text, "demonstrated"), None);
    let text = "Gunmen killed three policemen in Quetta -- one of Pakistan's most violent cities.";
    assert_eq!(located(text, "killed").as_deref(), Some("Quetta"));
    let text = "Troops clashed with rebels in Syria -- fighting was also reported in Aleppo later.";
    assert_eq!(located(text, "clashed").as_deref(), Some("Syria"));
    // A hyphen that goes on into a name is part of the name.
    let text = "Police shot at rebels occupying a station in Port-au-Prince last week.";
    assert!(located(text, "shot").is_some_and(|name| name.starts_with("Port")));
}

#[test]
fn a_place_a_verb_takes_as_its_object_is_where_it_happened_unless_it_only_modifies_a_noun() {
    let text = "Thousands of police patrolled New Delhi on Wednesday before the protests.";
    assert_eq!(located(text, "protests").as_deref(), Some("New Delhi"));
    let text = "Thirteen captured Savoy nobles were executed as brigands after the battle.";
    assert_eq!(located(text, "executed"), None);
}

#[test]
fn a_topic_is_no_place_and_a_report_frame_is_the_place_only_when_the_clause_names_none() {
    let text = "A crowd of some 500 people demonstrated in support of Kinshasa on Tuesday.";
    assert_eq!(located(text, "demonstrated"), None);
    let text = "According to a military source in Aleppo, troops killed a dozen fighters in Idlib.";
    assert_eq!(located(text, "killed").as_deref(), Some("Idlib"));
    let text = "According to a military source in Aleppo, troops killed a dozen fighters overnight.";
    assert_eq!(located(text, "killed").as_deref(), Some("Aleppo"));
}

#[test]
fn a_town_inside_a_country_named_in_the_same_phrase_is_the_place_but_a_reference_is_not_its_container() {
    let text = "Three sailors were killed at Iraq's key oil terminal in the southern city of Basra.";
    assert_eq!(located(text, "killed").as_deref(), Some("Basra"));
    let text = "Four soldiers were killed in separate attacks north of Baghdad in Samarra on Monday.";
    assert_eq!(located(text, "killed").as_deref(), Some("Samarra"));
}
