//! The contract JSON (`../shared/contract/`): the one place byte spans become character offsets.
//!
//! Field names and meanings here are a promise to users; add fields, never rename or remove.

use serde::{Deserialize, Serialize};

use crate::document::{Attribution, DatePrecision, Document, Entity, GeoPrecision, Place, Quote, Removed, TimeExpr};
use crate::event::{Actor, ActorKind, Count, Event, EventType, Stance, SubEventType};
use crate::span::{CharMap, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutSpan {
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Output {
    pub document: OutDocument,
    pub entities: Vec<OutEntity>,
    pub quotes: Vec<OutQuote>,
    pub events: Vec<OutEvent>,
    pub attributions: Vec<OutAttribution>,
    /// Extension: every toponym mention with its resolution (entities carry one `geo` per entity).
    pub places: Vec<OutPlace>,
    /// Extension: every time expression with the range it resolved to.
    pub times: Vec<OutTime>,
    /// Extension: sentence spans, so consumers can show evidence in context.
    pub sentences: Vec<OutSpan>,
    pub provenance: Provenance,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutDocument {
    pub id: String,
    pub source: Option<String>,
    pub url: Option<String>,
    pub title: Option<String>,
    pub published: Option<String>,
    pub outlet: Option<String>,
    pub text: String,
    pub removed: Vec<OutRemoved>,
    pub language: Option<String>,
    pub published_source: Option<String>,
    pub dateline: Option<OutDateline>,
    /// Extension: why no events were coded from this document (e.g. not English), or null.
    pub skipped: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutRemoved {
    pub start: usize,
    pub end: usize,
    pub kind: crate::document::RemovedKind,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutDateline {
    pub start: usize,
    pub end: usize,
    pub place: Option<String>,
    pub date: Option<String>,
    pub agency: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutEntity {
    pub id: String,
    pub text: String,
    pub kind: crate::document::EntityKind,
    pub canonical: Option<String>,
    pub mentions: Vec<OutSpan>,
    pub title: Option<String>,
    pub actor_id: Option<String>,
    pub geo: Option<OutGeo>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutGeo {
    pub geonames_id: Option<u64>,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    pub country: Option<String>,
    pub admin1: Option<String>,
    pub admin2: Option<String>,
    pub precision: GeoPrecision,
    pub confidence: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutPlace {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub entity: Option<String>,
    pub geo: Option<OutGeo>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutTime {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub date: OutDate,
    pub future: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutQuote {
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub speaker: Option<String>,
    pub speaker_entity: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutAttribution {
    pub source: Option<String>,
    pub source_entity: Option<String>,
    /// Extension: where the source is named.
    pub source_span: Option<OutSpan>,
    pub cue: Option<OutSpan>,
    pub content: OutSpan,
    pub direct: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutDate {
    pub start: Option<String>,
    pub end: Option<String>,
    pub precision: DatePrecision,
    pub text: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutLocation {
    pub name: String,
    pub place: Option<String>,
    pub admin1: Option<String>,
    pub admin2: Option<String>,
    pub country: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub geonames_id: Option<u64>,
    pub precision: GeoPrecision,
    /// Extension: where the place is named.
    pub start: Option<usize>,
    pub end: Option<usize>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutActor {
    pub name: String,
    pub kind: ActorKind,
    pub country: Option<String>,
    pub text: Option<String>,
    pub start: Option<usize>,
    pub end: Option<usize>,
    pub actor_id: Option<String>,
    /// `reported`, `claimed` or `accused`: how the text ties this perpetrator to the event
    /// (an extension of the contract; actor1 only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<crate::Basis>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutCount {
    pub low: Option<u64>,
    pub best: Option<u64>,
    pub high: Option<u64>,
    pub text: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutTextSpan {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutClaim {
    pub source: String,
    pub source_entity: Option<String>,
    pub stance: Stance,
    pub start: usize,
    pub end: usize,
    /// The death toll this source gives (an extension of the contract; absent when it gives none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fatalities: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutEvent {
    pub id: String,
    pub event_type: EventType,
    pub sub_event_type: SubEventType,
    pub date: OutDate,
    pub location: Option<OutLocation>,
    pub actor1: Option<OutActor>,
    pub actor2: Option<OutActor>,
    pub fatalities: Option<OutCount>,
    pub injured: Option<OutCount>,
    pub detained: Option<OutCount>,
    pub target: Option<OutTextSpan>,
    pub instrument: Option<OutTextSpan>,
    /// Extension: the trigger word or phrase that typed the event.
    pub trigger: Option<OutTextSpan>,
    pub civilian_targeting: bool,
    pub aggregate: bool,
    pub claims: Vec<OutClaim>,
    pub contested: bool,
    pub evidence: Vec<OutSpan>,
    pub notes: Option<String>,
    pub confidence: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Provenance {
    pub sitrep_version: String,
    pub gazetteer: String,
    pub lexicons: String,
}

/// Converts one document to the contract's shape, byte spans to character offsets.
#[must_use]
pub fn to_output(doc: &Document, provenance: &Provenance) -> Output {
    let conv = Converter { doc, map: CharMap::new(&doc.text) };
    Output {
        document: conv.document(),
        entities: doc.entities.iter().map(|e| conv.entity(e)).collect(),
        quotes: doc.quotes.iter().map(|q| conv.quote(q)).collect(),
        events: doc.events.iter().map(|e| conv.event(e)).collect(),
        attributions: doc.attributions.iter().map(|a| conv.attribution(a)).collect(),
        places: doc.places.iter().map(|p| conv.place(p)).collect(),
        times: doc.times.iter().map(|t| conv.time(t)).collect(),
        sentences: doc.sentences.iter().map(|s| conv.span(*s)).collect(),
        provenance: provenance.clone(),
    }
}

struct Converter<'a> {
    doc: &'a Document,
    map: CharMap,
}

fn snake<T: Serialize>(value: T) -> Option<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Some(s),
        _ => None,
    }
}

impl Converter<'_> {
    fn span(&self, span: Span) -> OutSpan {
        let (start, end) = self.map.span_to_chars(span);
        OutSpan { start, end }
    }

    fn text_span(&self, span: Span) -> OutTextSpan {
        let OutSpan { start, end } = self.span(span);
        OutTextSpan { text: self.doc.slice(span).to_owned(), start, end }
    }

    fn document(&self) -> OutDocument {
        let d = self.doc;
        OutDocument {
            id: d.id.clone(),
            source: d.source.clone(),
            url: d.url.clone(),
            title: d.title.clone(),
            published: d.published.map(|p| p.to_string()),
            outlet: d.outlet.clone(),
            text: d.text.clone(),
            removed: d
                .removed
                .iter()
                .map(|Removed { span, kind }| {
                    let s = self.span(*span);
                    OutRemoved { start: s.start, end: s.end, kind: *kind }
                })
                .collect(),
            language: d.language.clone(),
            published_source: snake(d.published_source),
            dateline: d.dateline.as_ref().map(|dl| {
                let s = self.span(dl.span);
                OutDateline {
                    start: s.start,
                    end: s.end,
                    place: dl.place.clone(),
                    date: dl.date.map(|x| x.to_string()),
                    agency: dl.agency.clone(),
                }
            }),
            skipped: d.skipped.clone(),
        }
    }

    fn geo(geo: &crate::document::Geo) -> OutGeo {
        OutGeo {
            geonames_id: geo.geonames_id,
            name: geo.name.clone(),
            lat: geo.lat,
            lon: geo.lon,
            country: geo.country.clone(),
            admin1: geo.admin1.clone(),
            admin2: geo.admin2.clone(),
            precision: geo.precision,
            confidence: geo.confidence,
        }
    }

    fn entity(&self, e: &Entity) -> OutEntity {
        OutEntity {
            id: e.id.clone(),
            text: e.mentions.first().map(|m| self.doc.slice(*m).to_owned()).unwrap_or_default(),
            kind: e.kind,
            canonical: Some(e.canonical.clone()),
            mentions: e.mentions.iter().map(|m| self.span(*m)).collect(),
            title: e.title.clone(),
            actor_id: e.actor_id.clone(),
            geo: e.geo.as_ref().map(Self::geo),
        }
    }

    fn place(&self, p: &Place) -> OutPlace {
        let s = self.span(p.span);
        OutPlace {
            start: s.start,
            end: s.end,
            text: self.doc.slice(p.span).to_owned(),
            entity: p.entity.clone(),
            geo: p.geo.as_ref().map(Self::geo),
        }
    }

    fn date(&self, range: &crate::document::DateRange, span: Option<Span>) -> OutDate {
        OutDate {
            start: range.start.map(|d| d.to_string()),
            end: range.end.map(|d| d.to_string()),
            precision: range.precision,
            text: span.map(|s| self.doc.slice(s).to_owned()),
        }
    }

    fn time(&self, t: &TimeExpr) -> OutTime {
        let s = self.span(t.span);
        OutTime {
            start: s.start,
            end: s.end,
            text: self.doc.slice(t.span).to_owned(),
            date: self.date(&t.range, Some(t.span)),
            future: t.future,
        }
    }

    fn quote(&self, q: &Quote) -> OutQuote {
        let s = self.span(q.span);
        OutQuote {
            text: self.doc.slice(q.span).to_owned(),
            start: s.start,
            end: s.end,
            speaker: q.speaker.clone(),
            speaker_entity: q.speaker_entity.clone(),
        }
    }

    fn attribution(&self, a: &Attribution) -> OutAttribution {
        OutAttribution {
            source: a.source.clone(),
            source_entity: a.source_entity.clone(),
            source_span: a.source_span.map(|s| self.span(s)),
            cue: a.cue.map(|s| self.span(s)),
            content: self.span(a.content),
            direct: a.direct,
        }
    }

    fn actor(&self, a: &Actor) -> OutActor {
        let s = a.span.map(|s| self.span(s));
        OutActor {
            name: a.name.clone(),
            kind: a.kind,
            country: a.country.clone(),
            text: a.span.map(|s| self.doc.slice(s).to_owned()),
            start: s.map(|s| s.start),
            end: s.map(|s| s.end),
            actor_id: a.actor_id.clone(),
            basis: a.basis,
        }
    }

    fn count(&self, c: &Count) -> OutCount {
        OutCount { low: c.low, best: c.best, high: c.high, text: c.span.map(|s| self.doc.slice(s).to_owned()) }
    }

    fn event(&self, e: &Event) -> OutEvent {
        OutEvent {
            id: e.id.clone(),
            event_type: e.event_type(),
            sub_event_type: e.sub_event_type,
            date: self.date(&e.date, e.date_span),
            location: e.location.as_ref().map(|l| {
                let s = l.span.map(|s| self.span(s));
                OutLocation {
                    name: l.name.clone(),
                    place: Some(l.geo.name.clone()),
                    admin1: l.geo.admin1.clone(),
                    admin2: l.geo.admin2.clone(),
                    country: l.geo.country.clone(),
                    lat: Some(l.geo.lat),
                    lon: Some(l.geo.lon),
                    geonames_id: l.geo.geonames_id,
                    precision: l.precision,
                    start: s.map(|s| s.start),
                    end: s.map(|s| s.end),
                }
            }),
            actor1: e.actor1.as_ref().map(|a| self.actor(a)),
            actor2: e.actor2.as_ref().map(|a| self.actor(a)),
            fatalities: e.fatalities.as_ref().map(|c| self.count(c)),
            injured: e.injured.as_ref().map(|c| self.count(c)),
            detained: e.detained.as_ref().map(|c| self.count(c)),
            target: e.target.map(|s| self.text_span(s)),
            instrument: e.instrument.map(|s| self.text_span(s)),
            trigger: e.trigger.map(|s| self.text_span(s)),
            civilian_targeting: e.civilian_targeting,
            aggregate: e.aggregate,
            claims: e
                .claims
                .iter()
                .map(|c| {
                    let s = self.span(c.span);
                    OutClaim {
                        source: c.source.clone(),
                        source_entity: c.source_entity.clone(),
                        stance: c.stance,
                        start: s.start,
                        end: s.end,
                        fatalities: c.fatalities,
                    }
                })
                .collect(),
            contested: e.contested,
            evidence: e.evidence.iter().map(|s| self.span(*s)).collect(),
            notes: e.notes.clone(),
            confidence: e.confidence,
        }
    }
}
