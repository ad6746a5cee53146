//! Events as ACLED codes them: six types, twenty-five sub-types, eight actor kinds.

use serde::{Deserialize, Serialize};

use crate::document::{DateRange, Geo, GeoPrecision};
use crate::span::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    Battles,
    ExplosionsRemoteViolence,
    ViolenceAgainstCivilians,
    Protests,
    Riots,
    StrategicDevelopments,
}

/// ACLED's sub-event types; each belongs to exactly one [`EventType`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubEventType {
    ArmedClash,
    GovernmentRegainsTerritory,
    NonStateActorOvertakesTerritory,
    ChemicalWeapon,
    AirDroneStrike,
    SuicideBomb,
    ShellingArtilleryMissileAttack,
    RemoteExplosiveLandmineIed,
    Grenade,
    SexualViolence,
    Attack,
    AbductionForcedDisappearance,
    PeacefulProtest,
    ProtestWithIntervention,
    ExcessiveForceAgainstProtesters,
    ViolentDemonstration,
    MobViolence,
    Agreement,
    Arrests,
    ChangeToGroupActivity,
    DisruptedWeaponsUse,
    HeadquartersOrBaseEstablished,
    LootingPropertyDestruction,
    NonViolentTransferOfTerritory,
    Other,
}

impl SubEventType {
    pub const ALL: [SubEventType; 25] = [
        Self::ArmedClash,
        Self::GovernmentRegainsTerritory,
        Self::NonStateActorOvertakesTerritory,
        Self::ChemicalWeapon,
        Self::AirDroneStrike,
        Self::SuicideBomb,
        Self::ShellingArtilleryMissileAttack,
        Self::RemoteExplosiveLandmineIed,
        Self::Grenade,
        Self::SexualViolence,
        Self::Attack,
        Self::AbductionForcedDisappearance,
        Self::PeacefulProtest,
        Self::ProtestWithIntervention,
        Self::ExcessiveForceAgainstProtesters,
        Self::ViolentDemonstration,
        Self::MobViolence,
        Self::Agreement,
        Self::Arrests,
        Self::ChangeToGroupActivity,
        Self::DisruptedWeaponsUse,
        Self::HeadquartersOrBaseEstablished,
        Self::LootingPropertyDestruction,
        Self::NonViolentTransferOfTerritory,
        Self::Other,
    ];

    /// The event type this sub-type belongs to (ACLED's hierarchy).
    #[must_use]
    pub const fn event_type(self) -> EventType {
        use SubEventType as S;
        match self {
            S::ArmedClash | S::GovernmentRegainsTerritory | S::NonStateActorOvertakesTerritory => EventType::Battles,
            S::ChemicalWeapon
            | S::AirDroneStrike
            | S::SuicideBomb
            | S::ShellingArtilleryMissileAttack
            | S::RemoteExplosiveLandmineIed
            | S::Grenade => EventType::ExplosionsRemoteViolence,
            S::SexualViolence | S::Attack | S::AbductionForcedDisappearance => EventType::ViolenceAgainstCivilians,
            S::PeacefulProtest | S::ProtestWithIntervention | S::ExcessiveForceAgainstProtesters => EventType::Protests,
            S::ViolentDemonstration | S::MobViolence => EventType::Riots,
            S::Agreement
            | S::Arrests
            | S::ChangeToGroupActivity
            | S::DisruptedWeaponsUse
            | S::HeadquartersOrBaseEstablished
            | S::LootingPropertyDestruction
            | S::NonViolentTransferOfTerritory
            | S::Other => EventType::StrategicDevelopments,
        }
    }

    const NAMES: [&'static str; 25] = [
        "armed_clash",
        "government_regains_territory",
        "non_state_actor_overtakes_territory",
        "chemical_weapon",
        "air_drone_strike",
        "suicide_bomb",
        "shelling_artillery_missile_attack",
        "remote_explosive_landmine_ied",
        "grenade",
        "sexual_violence",
        "attack",
        "abduction_forced_disappearance",
        "peaceful_protest",
        "protest_with_intervention",
        "excessive_force_against_protesters",
        "violent_demonstration",
        "mob_violence",
        "agreement",
        "arrests",
        "change_to_group_activity",
        "disrupted_weapons_use",
        "headquarters_or_base_established",
        "looting_property_destruction",
        "non_violent_transfer_of_territory",
        "other",
    ];

    /// The contract's snake_case name (the same string serde writes; a test keeps them equal).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// Parses the contract's snake_case name.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::NAMES.iter().position(|n| *n == name).map(|i| Self::ALL[i])
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    StateForces,
    RebelGroup,
    PoliticalMilitia,
    IdentityMilitia,
    Rioters,
    Protesters,
    Civilians,
    ExternalForces,
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    /// Normalised name ("Military Forces of Syria (2000-)").
    pub name: String,
    pub kind: ActorKind,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    /// The words in the text, and where.
    pub span: Option<Span>,
    /// Id in the actor dictionary.
    pub actor_id: Option<String>,
    /// How the text ties a perpetrator to the event (set on `actor1` by the claims stage).
    #[serde(default)]
    pub basis: Option<Basis>,
}

/// How a report ties a perpetrator to an event, as MUC-4's perpetrator confidence does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Stated as fact, in the outlet's voice or a source's.
    Reported,
    /// The perpetrator claimed or admitted it.
    Claimed,
    /// Someone suspects, accuses or blames it; or the text hedges ("suspected", "allegedly").
    Accused,
}

/// A count with ACLED's conservative reading: `low` is what ACLED records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub low: Option<u64>,
    pub best: Option<u64>,
    pub high: Option<u64>,
    pub span: Option<Span>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stance {
    Asserts,
    Denies,
    Disputes,
}

/// The `source` of the claim an outlet makes in its own voice, when the document names no
/// outlet: the event is reported with no source named.
pub const OUTLET_VOICE: &str = "the reporting outlet";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    pub source: String,
    pub source_entity: Option<String>,
    pub stance: Stance,
    pub span: Span,
    /// The death toll this source gives, when it gives one (merging combines sources' tolls).
    #[serde(default)]
    pub fatalities: Option<u64>,
}

/// Where an event happened: the place named, and the gazetteer place it resolved to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// The most specific place named ("Salaheddine").
    pub name: String,
    pub span: Option<Span>,
    /// The gazetteer resolution (possibly of a parent: "Aleppo" for "Salaheddine").
    pub geo: Geo,
    /// Precision of the event's location, which may be coarser than the name.
    pub precision: GeoPrecision,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// `V1`, `V2`, … in text order.
    pub id: String,
    pub sub_event_type: SubEventType,
    pub date: DateRange,
    /// Span of the time expression the date came from.
    pub date_span: Option<Span>,
    pub location: Option<Location>,
    pub actor1: Option<Actor>,
    pub actor2: Option<Actor>,
    pub fatalities: Option<Count>,
    pub injured: Option<Count>,
    pub detained: Option<Count>,
    pub target: Option<Span>,
    pub instrument: Option<Span>,
    pub civilian_targeting: bool,
    pub aggregate: bool,
    /// The trigger word or phrase that typed the event.
    pub trigger: Option<Span>,
    pub claims: Vec<Claim>,
    pub contested: bool,
    /// Non-empty: the sentences (or clauses) the event was read from.
    pub evidence: Vec<Span>,
    pub notes: Option<String>,
    pub confidence: Option<f64>,
}

impl Event {
    /// An event read from `evidence` (never empty), triggered by `trigger`: undated, unplaced,
    /// with no actors or counts yet — the later stages and fields fill the rest.
    #[must_use]
    pub fn new(id: impl Into<String>, sub_event_type: SubEventType, trigger: Span, evidence: Vec<Span>) -> Self {
        Self {
            id: id.into(),
            sub_event_type,
            date: DateRange::unknown(),
            date_span: None,
            location: None,
            actor1: None,
            actor2: None,
            fatalities: None,
            injured: None,
            detained: None,
            target: None,
            instrument: None,
            civilian_targeting: false,
            aggregate: false,
            trigger: Some(trigger),
            claims: Vec::new(),
            contested: false,
            evidence,
            notes: None,
            confidence: None,
        }
    }

    #[must_use]
    pub const fn event_type(&self) -> EventType {
        self.sub_event_type.event_type()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sub_type_round_trips_its_contract_name() {
        for sub in SubEventType::ALL {
            assert_eq!(SubEventType::parse(sub.as_str()), Some(sub));
            assert_eq!(serde_json::to_value(sub).unwrap(), sub.as_str());
        }
        assert_eq!(SubEventType::AirDroneStrike.as_str(), "air_drone_strike");
        assert_eq!(SubEventType::parse("air_drone_strike").map(SubEventType::event_type), Some(EventType::ExplosionsRemoteViolence));
    }
}
