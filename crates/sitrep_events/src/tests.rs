use super::*;
use sitrep_core::check::assert_spans;

fn events() -> Events {
    Events::load().expect("the shipped lexicons parse")
}

fn run(ev: &Events, text: &str) -> Document {
    let mut doc = Document::from_text("t", text);
    ev.annotate(&mut doc);
    assert_spans(&doc);
    doc
}

#[test]
fn negated_modal_and_accused_triggers_are_not_events() {
    let ev = events();
    for text in [
        "Rebels did not attack the convoy.",
        "The army plans to retake the town next month.",
        "If troops shelled the city, hundreds could die.",
        "The government accused rebels of shelling the city.",
        "Rebels have never attacked the capital.",
    ] {
        assert!(run(&ev, text).events.is_empty(), "{text}");
    }
}

#[test]
fn clash_with_toll_and_actors() {
    let ev = events();
    let doc = run(&ev, "DAMASCUS - Syrian troops clashed with rebels near Aleppo on Tuesday, leaving at least 12 fighters dead.");
    assert_eq!(doc.events.len(), 1);
    let e = &doc.events[0];
    assert_eq!(e.sub_event_type, SubEventType::ArmedClash);
    let a1 = e.actor1.as_ref().unwrap();
    assert_eq!((a1.kind, a1.country.as_deref()), (ActorKind::StateForces, Some("SY")));
    assert_eq!(doc.slice(a1.span.unwrap()), "Syrian troops");
    assert_eq!(e.actor2.as_ref().unwrap().kind, ActorKind::RebelGroup);
    let f = e.fatalities.as_ref().unwrap();
    assert_eq!((f.low, doc.slice(f.span.unwrap())), (Some(12), "at least 12"));
    assert_eq!(doc.slice(e.trigger.unwrap()), "clashed");
    assert!(e.notes.as_ref().unwrap().contains("clashed with"));
}

#[test]
fn sentences_about_one_event_merge_and_figures_join_it() {
    let ev = events();
    let doc = run(
        &ev,
        "Gunmen attacked a village in Zamfara state, Nigeria, on Sunday. The gunmen killed five villagers and abducted several women. Three more people were wounded.",
    );
    assert_eq!(doc.events.len(), 1, "{:#?}", doc.events);
    let e = &doc.events[0];
    assert_eq!(e.sub_event_type, SubEventType::Attack);
    assert!(e.civilian_targeting);
    assert_eq!(e.actor1.as_ref().unwrap().name, "Unidentified Armed Group (Nigeria)");
    assert_eq!(e.evidence.len(), 3);
    assert_eq!(e.fatalities.as_ref().unwrap().low, Some(5));
    assert_eq!(e.injured.as_ref().unwrap().low, Some(3));
}

#[test]
fn aggregates_are_flagged_not_daily() {
    let ev = events();
    let doc = run(&ev, "Militants have killed more than 300 people since January in attacks across the region.");
    assert!(doc.events.iter().all(|e| e.aggregate), "{:#?}", doc.events);
}

#[test]
fn protests_take_their_intervention() {
    let ev = events();
    let doc = run(&ev, "Police fired tear gas to disperse protesters who had gathered outside parliament.");
    assert_eq!(doc.events.len(), 1);
    assert_eq!(doc.events[0].sub_event_type, SubEventType::ProtestWithIntervention);
}

#[test]
fn removed_text_and_skipped_documents_yield_nothing() {
    let ev = events();
    let text = "Related: Rebels clashed with troops in the north. Troops clashed with rebels near the border.";
    let mut doc = Document::from_text("t", text);
    doc.removed.push(sitrep_core::Removed { span: Span::new(0, 48), kind: sitrep_core::RemovedKind::Related });
    ev.annotate(&mut doc);
    assert_spans(&doc);
    assert_eq!(doc.events.len(), 1);
    assert!(doc.events[0].evidence.iter().all(|s| s.start >= 48));
    let mut skipped = Document::from_text("t", "Troops clashed with rebels.");
    skipped.skipped = Some("language".into());
    ev.annotate(&mut skipped);
    assert!(skipped.events.is_empty());
}

#[test]
fn lower_cased_copy_is_split_into_sentences() {
    let ev = events();
    let doc = run(
        &ev,
        "ahmedabad: police arrested 12 rioters after the communal violence on sunday. in another incident, a mob torched four shops in the old city.",
    );
    assert_eq!(doc.events.len(), 2, "{:#?}", doc.events);
    assert_eq!(doc.events[0].sub_event_type, SubEventType::Arrests);
    assert_eq!(doc.events[0].detained.as_ref().unwrap().low, Some(12));
    assert_eq!(doc.events[1].event_type(), EventType::Riots);
}

#[test]
fn record_descriptions_block_their_own_acts_but_not_the_main_verb() {
    let ev = events();
    // The record's act ("attacks that killed") is not an event; the arrest is.
    let doc = run(&ev, "Troops arrested a commander wanted for attacks that killed ten civilians in the province on Monday.");
    assert_eq!(doc.events.len(), 1, "{:#?}", doc.events);
    assert_eq!(doc.events[0].sub_event_type, SubEventType::Arrests);
    // A past-tense verb after the relative clause is the sentence's own act.
    let doc = run(&ev, "Gunmen who took part in earlier raids killed three farmers in the village on Friday.");
    assert_eq!(doc.events.len(), 1, "{:#?}", doc.events);
    assert_eq!(doc.events[0].sub_event_type, SubEventType::Attack);
    assert_eq!(doc.slice(doc.events[0].trigger.unwrap()), "killed");
    // A record alone is no event.
    assert!(run(&ev, "The faction has been associated with kidnappings of foreign engineers in the region.").events.is_empty());
}

#[test]
fn returning_fire_is_a_clash_not_an_attack_on_civilians() {
    let ev = events();
    let doc = run(&ev, "The security force returned fire, killing both men near the village on Monday.");
    assert_eq!(doc.events.len(), 1, "{:#?}", doc.events);
    let e = &doc.events[0];
    assert_eq!(e.sub_event_type, SubEventType::ArmedClash);
    assert!(!e.civilian_targeting);
    assert!(e.actor2.as_ref().is_none_or(|a| a.kind != ActorKind::Civilians));
    assert!(run(&ev, "The soldiers did not return fire, the ministry said.").events.is_empty());
}

#[test]
fn a_reference_back_to_the_attack_is_not_a_second_event() {
    let ev = events();
    let doc = run(
        &ev,
        "Gunmen attacked a bus of traders near Kaga Bandoro, Central African Republic, on Monday, killing three drivers. \
         Soldiers reached the road an hour after the attack and found the burned vehicles.",
    );
    assert_eq!(doc.events.len(), 1, "{:#?}", doc.events);
    assert_eq!(doc.events[0].fatalities.as_ref().and_then(|f| f.low), Some(3), "drivers are people");
}

#[test]
fn a_past_too_vague_to_date_is_background_but_a_counted_one_is_not() {
    let ev = events();
    assert!(run(&ev, "The rebels said they had withdrawn from the town weeks ago.").events.is_empty());
    assert!(run(&ev, "Rebels attacked the town of Kidal, Mali, years ago.").events.is_empty());
    assert_eq!(run(&ev, "Rebels attacked the town of Kidal, Mali, two weeks ago.").events.len(), 1);
}

#[test]
fn a_speaker_qualified_by_a_place_is_not_an_actor() {
    let ev = events();
    let doc = run(&ev, "Authorities in Chiapas said gunmen ambushed a police patrol near Frontera Comalapa, Mexico, on Friday, killing three officers.");
    assert_eq!(doc.events.len(), 1, "{:#?}", doc.events);
    assert_eq!(doc.events[0].sub_event_type, SubEventType::ArmedClash);
}

#[test]
fn every_casualty_word_line_parses() {
    let lines = include_str!("../data/casualty_words.tsv").lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')).count();
    assert_eq!(CASUALTY_WORDS.len(), lines, "a line of data/casualty_words.tsv breaks its format");
    assert_eq!(category_of("Wounded"), Some(Category::Injured));
    assert_eq!(category_of("abducted"), Some(Category::Detained));
    assert_eq!(category_of("market"), None);
}

#[test]
fn the_unnamed_side_comes_from_the_sentences_before() {
    let ev = events();
    let doc = run(&ev, "Troops raided a hideout near Kandahar, Afghanistan, on Monday. Five militants were killed.");
    assert_eq!(doc.events.len(), 1, "{:#?}", doc.events);
    let e = &doc.events[0];
    assert_eq!(e.sub_event_type, SubEventType::ArmedClash);
    assert_eq!(e.actor1.as_ref().map(|a| a.kind), Some(ActorKind::StateForces));
    assert_eq!(e.fatalities.as_ref().and_then(|f| f.low), Some(5));
    // With nobody named before, armed men killed by no one are not coded.
    assert!(run(&ev, "Five militants were killed.").events.is_empty());
}

#[test]
fn a_force_named_before_makes_a_passive_arrest_political() {
    let ev = events();
    let doc = run(
        &ev,
        "Afghan and coalition forces searched a compound in Nad Ali district, Helmand province, on Monday. \
         Four men were detained during the operation.",
    );
    assert_eq!(doc.events.len(), 1, "{:#?}", doc.events);
    assert_eq!(doc.events[0].sub_event_type, SubEventType::Arrests);
    assert_eq!(doc.events[0].actor1.as_ref().map(|a| a.kind), Some(ActorKind::ExternalForces));
    // The police searching a house is not an armed conflict: an ordinary arrest is not coded.
    assert!(run(&ev, "Police searched a house in Leeds, England, on Monday. Four men were detained.").events.is_empty());
}

#[test]
fn a_force_killing_the_man_it_was_after_is_a_clash() {
    let ev = events();
    let doc = run(
        &ev,
        "A security force searched a compound in Helmand, Afghanistan, for a Taliban commander. \
         The force responded to the threat, killing him.",
    );
    let e = doc.events.iter().find(|e| e.trigger.is_some_and(|t| doc.slice(t) == "killing")).expect("the killing is coded");
    assert_eq!(e.sub_event_type, SubEventType::ArmedClash);
    assert!(!e.civilian_targeting);
}

#[test]
fn a_sentence_naming_the_attack_tells_more_of_it() {
    let ev = events();
    let doc = run(
        &ev,
        "Gunmen attacked a bus near Kaga Bandoro, Central African Republic, on Monday, killing three drivers. \
         A policeman was killed during the terrorist attack. The attack was condemned by the government.",
    );
    assert_eq!(doc.events.len(), 1, "{:#?}", doc.events);
    assert_eq!(doc.events[0].evidence.len(), 2, "the policeman's sentence is evidence of the attack");
}

#[test]
fn a_bomb_named_later_makes_the_attack_a_bombing() {
    let ev = events();
    let doc = run(
        &ev,
        "Gunmen attacked a market in Medellin, Colombia, yesterday, killing 20 shoppers. \
         Police said the car bomb used in the attack was set off by remote control.",
    );
    assert_eq!(doc.events.len(), 1, "{:#?}", doc.events);
    assert_eq!(doc.events[0].event_type(), EventType::ExplosionsRemoteViolence, "{:#?}", doc.events);
}

#[test]
fn a_protest_about_a_crime_is_a_protest_and_the_crime_is_not_coded() {
    let ev = events();
    let doc = run(&ev, "Thousands of people marched in Bratislava, Slovakia, against corruption on Friday.");
    assert_eq!(doc.events.len(), 1, "{:#?}", doc.events);
    assert_eq!(doc.events[0].sub_event_type, SubEventType::PeacefulProtest);
    assert!(run(&ev, "Police said two men stole a car and killed the driver in Lagos on Monday.").events.is_empty());
}

#[test]
fn a_full_date_is_the_events_own_not_the_past() {
    let ev = events();
    let text = "Demonstrators staged a sit-in at the Capitol in Washington on Monday, April 11, 2016.";
    let mut doc = Document::from_text("t", text);
    // The time stage's reading of the date, as it runs before this stage.
    let at = text.find("April").expect("date in text");
    let day = sitrep_core::Date::constant(2016, 4, 11);
    doc.times.push(sitrep_core::TimeExpr {
        span: Span::new(at, text.len() - 1),
        range: DateRange::day(day),
        future: false,
    });
    ev.annotate(&mut doc);
    assert_spans(&doc);
    assert_eq!(doc.events.len(), 1, "{:#?}", doc.events);
    // A bare year with no date of the article stays background.
    assert!(run(&ev, "Demonstrators staged a sit-in at the Capitol in Washington in 2016.").events.is_empty());
}

#[test]
fn a_crowd_fighting_the_police_is_a_violent_demonstration() {
    let ev = events();
    let doc = run(&ev, "Stone-throwing protesters clashed with police in Santiago, Chile, on Friday.");
    assert_eq!(doc.events.len(), 1, "{:#?}", doc.events);
    let e = &doc.events[0];
    assert_eq!(e.sub_event_type, SubEventType::ViolentDemonstration);
    assert_eq!(e.actor1.as_ref().map(|a| a.kind), Some(ActorKind::Protesters));
    assert_eq!(e.actor2.as_ref().map(|a| a.kind), Some(ActorKind::StateForces));
}

#[test]
fn weapons_seized_by_unnamed_authorities_are_disrupted_weapons_use() {
    let ev = events();
    let doc = run(&ev, "Twelve firearms and 108 rounds of ammunition were seized in Montego Bay, Jamaica, on Sunday.");
    assert_eq!(doc.events.len(), 1, "{:#?}", doc.events);
    assert_eq!(doc.events[0].sub_event_type, SubEventType::DisruptedWeaponsUse);
    // Captured people still need an armed captor.
    assert!(run(&ev, "Two men were seized in Montego Bay, Jamaica, on Sunday.").events.is_empty());
}

#[test]
fn a_headline_drops_the_auxiliary_of_a_passive_capture() {
    let ev = events();
    let doc = run(&ev, "Taliban Commander Captured in Kandahar, Afghanistan");
    assert_eq!(doc.events.len(), 1, "{:#?}", doc.events);
    assert_eq!(doc.events[0].sub_event_type, SubEventType::Arrests);
    let active = run(&ev, "Rebels Captured Kidal, Mali, on Monday");
    assert_eq!(active.events.len(), 1, "{:#?}", active.events);
    assert_eq!(active.events[0].sub_event_type, SubEventType::NonStateActorOvertakesTerritory);
}

#[test]
fn a_member_of_an_armed_group_is_not_a_civilian() {
    let ev = events();
    let doc = run(&ev, "Soldiers killed a Taliban leader in Kandahar, Afghanistan, on Monday.");
    assert_eq!(doc.events.len(), 1, "{:#?}", doc.events);
    assert_eq!(doc.events[0].sub_event_type, SubEventType::ArmedClash);
    assert!(!doc.events[0].civilian_targeting);
}

#[test]
fn weapons_destroyed_on_site_are_no_property_destruction() {
    let ev = events();
    let doc = run(&ev, "Troops detained two insurgents in Helmand, Afghanistan, on Monday and the explosives were destroyed on site.");
    assert!(doc.events.iter().all(|e| e.sub_event_type != SubEventType::LootingPropertyDestruction), "{:#?}", doc.events);
}

#[test]
fn a_separate_attack_is_not_folded_into_the_one_before() {
    let ev = events();
    let doc = run(
        &ev,
        "Gunmen attacked a bus near Kaga Bandoro, Central African Republic, on Monday, killing three drivers. \
         In a separate attack, gunmen killed two farmers near Bambari.",
    );
    assert_eq!(doc.events.len(), 2, "{:#?}", doc.events);
}

#[test]
fn offensives_launched_and_people_shot_are_events_assault_forces_are_not() {
    let ev = events();
    let doc = run(&ev, "The Islamic State launched a powerful assault on Monday near Deir Ezzor, Syria.");
    assert_eq!(doc.events.len(), 1, "{:#?}", doc.events);
    let shot = run(&ev, "A local councillor was shot in the chest at his home in Belfast, Northern Ireland, on Monday.");
    assert_eq!(shot.events.len(), 1, "{:#?}", shot.events);
    assert!(run(&ev, "The assault force found a rifle at the scene in Khost, Afghanistan.").events.is_empty());
}

#[test]
fn a_ceasefire_agreed_is_an_agreement_one_called_for_or_collapsed_is_not() {
    let ev = events();
    let doc = run(&ev, "Rebel groups and pro-government forces agreed a 48-hour ceasefire in three towns of Idlib, Syria, on Monday.");
    assert_eq!(doc.events.len(), 1, "{:#?}", doc.events);
    assert_eq!(doc.events[0].sub_event_type, SubEventType::Agreement);
    assert!(run(&ev, "The ceasefire in Nagorno-Karabakh collapsed on Sunday.").events.is_empty());
}

#[test]
fn a_single_persons_plural_attacks_and_a_records_participle_are_no_event() {
    let ev = events();
    for text in [
        "The captured leader conducted rocket-propelled grenade attacks against Afghan and coalition troops.",
        "He is believed to be responsible for the deaths of several civilians, killed by roadside bombs planted by his cell.",
        "The detainee is extremely active in conducting improvised explosive device attacks on the highway.",
    ] {
        assert!(run(&ev, text).events.is_empty(), "{text}: {:#?}", run(&ev, text).events);
    }
    // The plural is the subject of one act's verb: one event.
    let doc = run(&ev, "Precision Air Strikes Kill Taliban Commander in Baghlan");
    assert_eq!(doc.events.len(), 1, "{:#?}", doc.events);
    assert_eq!(doc.events[0].sub_event_type, SubEventType::AirDroneStrike);
}

#[test]
fn weapons_seized_during_an_arrest_operation_are_that_operations_evidence() {
    let ev = events();
    let doc = run(
        &ev,
        "Afghan and coalition forces detained a Taliban leader during an operation in Ghazni province. \
         The leader, who ordered attacks against Afghan forces, was detained without incident. \
         During the operation, the security force also seized multiple weapons.",
    );
    assert_eq!(doc.events.len(), 1, "{:#?}", doc.events);
    assert_eq!(doc.events[0].sub_event_type, SubEventType::Arrests);
    assert_eq!(doc.events[0].evidence.len(), 3);
    // A cache found before any operation was reported is an event of its own.
    let doc = run(
        &ev,
        "Police in Kandahar seized a cache of 40 rifles. \
         Afghan forces detained two suspected insurgents in Ghazni province.",
    );
    assert_eq!(doc.events.iter().map(|e| e.sub_event_type).collect::<Vec<_>>(), [SubEventType::DisruptedWeaponsUse, SubEventType::Arrests]);
}

#[test]
fn rocket_propelled_grenades_fired_with_small_arms_at_a_force_are_a_clash() {
    let ev = events();
    let doc = run(&ev, "Insurgents attacked the Afghan army patrol with rocket-propelled grenades and machine guns.");
    assert_eq!(doc.events.len(), 1, "{:#?}", doc.events);
    assert_eq!(doc.events[0].sub_event_type, SubEventType::ArmedClash);
    // Fired at a village with no force answering, rockets are shelling.
    let doc = run(&ev, "Rebels fired rocket-propelled grenades at the village of Kafr Nabl, wounding three villagers.");
    assert_eq!(doc.events.iter().map(|e| e.sub_event_type).collect::<Vec<_>>(), [SubEventType::ShellingArtilleryMissileAttack]);
}

#[test]
fn a_cache_destroyed_at_the_scene_of_arrests_is_not_property_destruction() {
    let ev = events();
    let doc = run(&ev, "Several insurgents were detained by Afghan forces and all of the cache's components were destroyed at the scene.");
    assert_eq!(doc.events.iter().map(|e| e.sub_event_type).collect::<Vec<_>>(), [SubEventType::Arrests], "{:#?}", doc.events);
}

#[test]
fn a_death_in_police_firing_names_the_police_and_firing_on_a_stoning_crowd_is_the_riot() {
    let ev = events();
    let doc = run(&ev, "A Congress supporter was killed in police firing at Taldi on Sunday.");
    assert_eq!(doc.events.len(), 1, "{:#?}", doc.events);
    let a1 = doc.events[0].actor1.as_ref().expect("the police fired");
    assert_eq!(a1.kind, ActorKind::StateForces);
    let doc = run(&ev, "One man was killed in Ahmedabad on Tuesday when the police fired to disperse mobs pelting stones.");
    assert_eq!(doc.events.len(), 1, "{:#?}", doc.events);
    let e = &doc.events[0];
    assert_eq!(e.sub_event_type, SubEventType::ViolentDemonstration);
    assert_eq!(e.actor2.as_ref().map(|a| a.kind), Some(ActorKind::StateForces));
    assert!(!e.civilian_targeting);
    assert_eq!(e.fatalities.as_ref().and_then(|f| f.low), Some(1));
}

#[test]
fn generic_attacks_in_a_record_and_bare_verbs_outside_headlines_are_no_event() {
    let ev = events();
    for text in [
        "The leader conducted rocket-propelled grenade (RPG) attacks against Afghan and coalition troops.",
        "The facilitator distributed weapons to insurgents throughout the area for attacks against Afghan forces.",
        "The court should order the government to restrain the pilgrims and detain them until Friday.",
    ] {
        assert!(run(&ev, text).events.is_empty(), "{text}: {:#?}", run(&ev, text).events);
    }
    let doc = run(&ev, "Afghan Forces Detain Taliban Commander in Kunduz");
    assert_eq!(doc.events.iter().map(|e| e.sub_event_type).collect::<Vec<_>>(), [SubEventType::Arrests]);
}

#[test]
fn the_month_may_is_no_modal_and_people_who_demonstrated_protested() {
    let ev = events();
    let doc = run(&ev, "On May 10, ISIS shelled the Tiyas airbase with artillery.");
    assert_eq!(doc.events.iter().map(|e| e.sub_event_type).collect::<Vec<_>>(), [SubEventType::ShellingArtilleryMissileAttack]);
    assert!(run(&ev, "Officials said rebels may shell the airbase.").events.is_empty());
    let doc = run(&ev, "Some 1,500 people demonstrated in Copenhagen on Saturday against the war.");
    assert_eq!(doc.events.iter().map(|e| e.sub_event_type).collect::<Vec<_>>(), [SubEventType::PeacefulProtest]);
    assert!(run(&ev, "The minister demonstrated the new voting machines on Monday.").events.is_empty());
    let doc = run(&ev, "The Islamic State stormed the hospital on Wednesday afternoon.");
    assert_eq!(doc.events.iter().map(|e| e.sub_event_type).collect::<Vec<_>>(), [SubEventType::ArmedClash]);
}

#[test]
fn a_killing_in_an_attack_or_during_operations_had_a_perpetrator() {
    let ev = events();
    let doc = run(&ev, "At least nine people were killed on Saturday in an attack in the city of Diyarbakir.");
    assert_eq!(doc.events.iter().map(|e| (e.sub_event_type, e.civilian_targeting)).collect::<Vec<_>>(), [(SubEventType::Attack, true)]);
    let doc = run(&ev, "At least two YPG fighters were killed during Friday's operations in Sere Kaniye.");
    assert_eq!(doc.events.iter().map(|e| e.sub_event_type).collect::<Vec<_>>(), [SubEventType::ArmedClash]);
    for text in [
        "Two workers were killed in an accident during operations at the mine.",
        "No women or children were injured or detained during the operation.",
    ] {
        assert!(run(&ev, text).events.is_empty(), "{text}");
    }
}

#[test]
fn an_aid_convoy_attacked_is_violence_against_civilians_a_military_convoy_a_clash() {
    let ev = events();
    let doc = run(&ev, "Gunmen attacked a convoy of trucks carrying food aid near Bambari, killing four drivers.");
    assert_eq!(doc.events.iter().map(|e| (e.sub_event_type, e.civilian_targeting)).collect::<Vec<_>>(), [(SubEventType::Attack, true)]);
    let doc = run(&ev, "Al-Shabaab militants attacked a military convoy near Afgoye on Monday.");
    assert_eq!(doc.events.iter().map(|e| e.sub_event_type).collect::<Vec<_>>(), [SubEventType::ArmedClash]);
}

#[test]
fn a_nationality_before_forces_names_that_countrys_army_and_shot_to_death_is_a_killing() {
    let ev = events();
    let doc = run(&ev, "Civilians were killed by Syrian forces in Homs.");
    let e = doc.events.first().expect("an attack");
    assert_eq!(e.actor1.as_ref().map(|a| (a.kind, a.country.as_deref())), Some((ActorKind::StateForces, Some("SY"))));
    // A longer actor phrase from "forces" on keeps its own reading.
    let doc = run(&ev, "Syrian forces loyal to President Bashar al-Assad killed dozens of rebel fighters near Homs.");
    assert_eq!(doc.events.iter().map(|e| e.sub_event_type).collect::<Vec<_>>(), [SubEventType::ArmedClash]);
    let doc = run(&ev, "A French aid worker was shot to death on Thursday in eastern Chad.");
    assert_eq!(doc.events.iter().map(|e| e.sub_event_type).collect::<Vec<_>>(), [SubEventType::Attack]);
    assert_eq!(doc.events[0].fatalities.as_ref().and_then(|f| f.low), Some(1));
}

#[test]
fn a_person_captured_in_a_political_story_is_arrested_a_fugitive_or_a_photo_is_not() {
    let ev = events();
    let doc = run(&ev, "Separatist rebels attacked a checkpoint near Quetta on Sunday. He was captured during a raid in Turbat on Monday.");
    let arrest = doc.events.iter().find(|e| e.sub_event_type == SubEventType::Arrests).expect("the capture is an arrest");
    assert_eq!(doc.slice(arrest.trigger.unwrap()), "captured");
    assert_eq!(arrest.actor1.as_ref().unwrap().kind, ActorKind::StateForces);
    for text in [
        "He was captured in Lyon on Monday after two years on the run.",
        "The activist was captured by surveillance cameras entering the ministry in Minsk.",
        "The wolf suspected of killing sheep was captured in the hills above Grenoble.",
    ] {
        assert!(run(&ev, text).events.is_empty(), "{text}: {:#?}", run(&ev, text).events);
    }
}

#[test]
fn fatally_shot_is_a_killing_unless_self_inflicted_or_an_animal() {
    let ev = events();
    for text in [
        "The candidate was fatally shot outside his office in Lagos on Friday.",
        "Two men on a motorcycle fatally shot a journalist in Karachi on Friday.",
    ] {
        let doc = run(&ev, text);
        assert_eq!(doc.events.len(), 1, "{text}");
        assert_eq!(doc.events[0].sub_event_type, SubEventType::Attack, "{text}");
    }
    for text in [
        "A hunter fatally shot himself while cleaning his rifle at his cabin on Sunday.",
        "A park ranger fatally shot a bear near the campsite on Sunday.",
        "The final scene was mostly shot in the desert outside Marrakesh.",
        "Oil prices shot up in London on Monday.",
    ] {
        assert!(run(&ev, text).events.is_empty(), "{text}");
    }
}

#[test]
fn a_hyphenated_explosive_is_the_instrument_a_demolition_is_no_event() {
    let ev = events();
    let doc = run(&ev, "A driver detonated his explosives-laden car at a police checkpoint in Baghdad on Monday.");
    assert_eq!(doc.events.len(), 1);
    assert_eq!(doc.events[0].event_type(), EventType::ExplosionsRemoteViolence);
    assert!(run(&ev, "Engineers detonated explosive charges to demolish the old stadium on Sunday.").events.is_empty());
}

#[test]
fn an_acronym_or_an_ally_is_actor1s_side_and_an_air_force_strikes() {
    let ev = events();
    let doc = run(&ev, "The Syrian Arab Army (SAA) launched a new assault near Aleppo on Thursday.");
    assert_eq!(doc.events.len(), 1, "{:#?}", doc.events);
    assert_eq!(doc.events[0].sub_event_type, SubEventType::ArmedClash);
    assert!(doc.events[0].actor2.is_none());
    let doc = run(&ev, "The Russian Air Force struck rebel positions near Idlib on Monday.");
    assert_eq!(doc.events.len(), 1, "{:#?}", doc.events);
    assert_eq!(doc.events[0].sub_event_type, SubEventType::AirDroneStrike);
    for text in [
        "Fighter jets struck a dramatic pose over the crowd at the air show on Sunday.",
        "Air force jets targeted by budget cuts will be retired next year, the ministry said.",
    ] {
        assert!(run(&ev, text).events.is_empty(), "{text}");
    }
}

#[test]
fn a_bridge_or_strongholds_captured_by_an_armed_group_is_territory() {
    let ev = events();
    let doc = run(&ev, "Rebels captured the bridge over the river north of Goma on Monday.");
    assert_eq!(doc.events.len(), 1, "{:#?}", doc.events);
    assert_eq!(doc.events[0].sub_event_type, SubEventType::NonStateActorOvertakesTerritory);
    assert!(run(&ev, "Army engineers captured the rainwater in new cisterns near Kabul on Monday.").events.is_empty());
}

#[test]
fn an_armed_agent_late_in_a_passive_clause_is_the_killer_a_bill_killed_is_no_one() {
    let ev = events();
    let doc = run(&ev, "The chairman was killed on Monday at a filling station near the market by unknown gunmen.");
    assert_eq!(doc.events.len(), 1, "{:#?}", doc.events);
    assert_eq!(doc.events[0].sub_event_type, SubEventType::Attack);
    assert!(doc.events[0].actor1.as_ref().unwrap().span.is_some(), "the gunmen named are actor1");
    assert!(run(&ev, "The reform bill was killed in the senate on Tuesday by rebel lawmakers of the ruling party.").events.is_empty());
}

#[test]
fn present_and_participle_captures_are_events_a_gerund_topic_or_a_mood_is_not() {
    let ev = events();
    for text in [
        "Rebels advanced into the province on Monday, capturing the airbase near the border.",
        "Rebels Captures Town Of Kidal",
    ] {
        let doc = run(&ev, text);
        assert_eq!(doc.events.len(), 1, "{text}: {:#?}", doc.events);
        assert_eq!(doc.events[0].sub_event_type, SubEventType::NonStateActorOvertakesTerritory, "{text}");
    }
    assert_eq!(run(&ev, "Rebels managed to attack the army base near Kidal on Monday.").events.len(), 1, "'managed to' tells the act");
    for text in [
        "Capturing this Taliban commander degrades the group's capabilities, the colonel said.",
        "Rebel songs are capturing the mood of young people in Bamako this summer.",
        "The army plans to capture the town of Kidal before the rains.",
    ] {
        assert!(run(&ev, text).events.is_empty(), "{text}: {:#?}", run(&ev, text).events);
    }
}

#[test]
fn people_who_demonstrated_to_demand_protested_and_a_car_that_detonated_is_a_bomb() {
    let ev = events();
    let doc = run(&ev, "Dozens of people demonstrated to demand his release in Awja on Friday.");
    assert_eq!(doc.events.len(), 1, "{:#?}", doc.events);
    assert_eq!(doc.events[0].sub_event_type, SubEventType::PeacefulProtest);
    assert!(run(&ev, "The minister demonstrated to the delegates how the new voting machines work.").events.is_empty());
    let doc = run(&ev, "A car parked near the market in the Baiyaa district detonated at about 10 a.m., wounding two people.");
    assert_eq!(doc.events.len(), 1, "{:#?}", doc.events);
    assert_eq!(doc.events[0].sub_event_type, SubEventType::RemoteExplosiveLandmineIed);
    for text in [
        "A truck carrying fireworks exploded on the highway near Naples on Monday.",
        "An old car parked outside the garage exploded after its fuel line caught fire on Monday.",
    ] {
        assert!(run(&ev, text).events.is_empty(), "{text}");
    }
}

#[test]
fn a_relative_or_a_rank_captured_by_a_force_is_a_person_taken() {
    let ev = events();
    let doc = run(&ev, "Soldiers captured his younger brother during a raid near Quetta on Saturday.");
    assert_eq!(doc.events.len(), 1, "{:#?}", doc.events);
    assert_eq!(doc.events[0].sub_event_type, SubEventType::Arrests);
    assert!(run(&ev, "Sales forces captured a larger share of the market in Lagos last quarter.").events.is_empty());
}
