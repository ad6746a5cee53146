//! The `notes` sentence, written only from coded fields: actor names are organisations or generic groups,
//! never the names of private individuals.

use sitrep_core::{Event, SubEventType};

fn verb(sub: SubEventType) -> &'static str {
    use SubEventType as S;
    match sub {
        S::ArmedClash => "clashed with",
        S::GovernmentRegainsTerritory => "regained territory from",
        S::NonStateActorOvertakesTerritory => "took territory from",
        S::ChemicalWeapon => "used chemical weapons against",
        S::AirDroneStrike => "carried out an air or drone strike on",
        S::SuicideBomb => "carried out a suicide bombing against",
        S::ShellingArtilleryMissileAttack => "shelled or fired missiles at",
        S::RemoteExplosiveLandmineIed => "used a remote explosive against",
        S::Grenade => "threw a grenade at",
        S::SexualViolence => "committed sexual violence against",
        S::Attack => "attacked",
        S::AbductionForcedDisappearance => "abducted",
        S::PeacefulProtest => "protested peacefully",
        S::ProtestWithIntervention => "protested and were met by",
        S::ExcessiveForceAgainstProtesters => "used excessive force against",
        S::ViolentDemonstration => "demonstrated violently",
        S::MobViolence => "engaged in mob violence against",
        S::Agreement => "reached an agreement with",
        S::Arrests => "arrested",
        S::ChangeToGroupActivity => "changed group activity",
        S::DisruptedWeaponsUse => "disrupted weapons use by",
        S::HeadquartersOrBaseEstablished => "established a base",
        S::LootingPropertyDestruction => "looted or destroyed property of",
        S::NonViolentTransferOfTerritory => "took over territory without fighting from",
        S::Other => "was involved in a strategic development with",
    }
}

fn number(c: Option<&sitrep_core::Count>) -> Option<u64> {
    c.and_then(|c| c.low).filter(|n| *n > 0)
}

/// One sentence in the style of an event dataset's notes field.
#[must_use]
pub fn notes_for(ev: &Event) -> String {
    let a1 = ev.actor1.as_ref().map_or("Unidentified actor", |a| a.name.as_str());
    let mut s = format!("{a1} {}", verb(ev.sub_event_type));
    let intransitive = matches!(
        ev.sub_event_type,
        SubEventType::PeacefulProtest
            | SubEventType::ViolentDemonstration
            | SubEventType::ChangeToGroupActivity
            | SubEventType::HeadquartersOrBaseEstablished
    );
    match (&ev.actor2, intransitive) {
        (Some(a2), false) => {
            s.push(' ');
            s.push_str(&a2.name);
        }
        (Some(a2), true) => {
            s.push_str(" (with ");
            s.push_str(&a2.name);
            s.push(')');
        }
        (None, false) => s.push_str(if ev.sub_event_type == SubEventType::ProtestWithIntervention {
            " an intervention"
        } else {
            " an unnamed target"
        }),
        (None, true) => {}
    }
    let mut figures = Vec::new();
    if let Some(n) = number(ev.fatalities.as_ref()) {
        figures.push(format!("{n} reported fatalities"));
    }
    if let Some(n) = number(ev.injured.as_ref()) {
        figures.push(format!("{n} injured"));
    }
    if let Some(n) = number(ev.detained.as_ref()) {
        figures.push(format!("{n} detained"));
    }
    if !figures.is_empty() {
        s.push_str("; ");
        s.push_str(&figures.join(", "));
    }
    if ev.aggregate {
        s.push_str(" (a total over a period, not a single event)");
    }
    s.push('.');
    s
}
