//! The `Document` and the layers stages add to it. All spans are byte spans into `Document::text`.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::event::Event;
use crate::span::Span;

/// One article as it flows through the pipeline.
///
/// Ingest fills the metadata and `text`; every later stage adds one layer and never edits
/// `text`. Boilerplate is marked in `removed`, never deleted, so every offset stays valid.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Document {
    /// Stable for the same input: the caller's id, else a hash of source and text.
    pub id: String,
    /// Path or URL the document was read from.
    pub source: Option<String>,
    pub url: Option<String>,
    pub title: Option<String>,
    pub published: Option<Date>,
    pub published_source: PublishedSource,
    pub outlet: Option<String>,
    pub text: String,
    /// Language of the text (ISO 639-1), once detected.
    pub language: Option<String>,
    /// Why the pipeline stopped coding this document (non-English, …), if it did.
    pub skipped: Option<String>,

    // Layers, in pipeline order.
    pub removed: Vec<Removed>,
    pub dateline: Option<Dateline>,
    /// Paragraph spans (non-empty runs of text between blank lines), cleaning stage.
    pub paragraphs: Vec<Span>,
    pub sentences: Vec<Span>,
    pub tokens: Vec<Token>,
    pub entities: Vec<Entity>,
    pub places: Vec<Place>,
    pub times: Vec<TimeExpr>,
    pub quotes: Vec<Quote>,
    pub attributions: Vec<Attribution>,
    pub events: Vec<Event>,
}

impl Document {
    /// A document holding only its text, for tests and plain-text input.
    #[must_use]
    pub fn from_text(id: impl Into<String>, text: impl Into<String>) -> Self {
        Self { id: id.into(), text: text.into(), ..Self::default() }
    }

    /// The text a span covers.
    #[must_use]
    pub fn slice(&self, span: Span) -> &str {
        span.of(&self.text)
    }

    /// True when any part of `span` lies inside a removed (boilerplate) range.
    #[must_use]
    pub fn is_removed(&self, span: Span) -> bool {
        self.removed.iter().any(|r| r.span.overlaps(span))
    }

    /// Sentences that are not inside removed ranges: what extraction stages read.
    pub fn content_sentences(&self) -> impl Iterator<Item = (usize, Span)> + '_ {
        self.sentences.iter().copied().enumerate().filter(|(_, s)| !self.is_removed(*s))
    }

    /// Index of the sentence containing byte `offset`, if any.
    #[must_use]
    pub fn sentence_at(&self, offset: usize) -> Option<usize> {
        let i = self.sentences.partition_point(|s| s.end <= offset);
        (i < self.sentences.len() && self.sentences[i].start <= offset).then_some(i)
    }

    /// Tokens within `span`, as a slice of `tokens` (tokens are sorted by position).
    #[must_use]
    pub fn tokens_in(&self, span: Span) -> &[Token] {
        let lo = self.tokens.partition_point(|t| t.span.start < span.start);
        let hi = self.tokens.partition_point(|t| t.span.end <= span.end);
        if lo >= hi {
            &[]
        } else {
            &self.tokens[lo..hi]
        }
    }

    #[must_use]
    pub fn entity(&self, id: &str) -> Option<&Entity> {
        self.entities.iter().find(|e| e.id == id)
    }

    /// Sorts entities by first mention and renames them `E1`, `E2`, … in that order, updating
    /// every reference (places, quotes, attributions, claims). Stages that add entities late (the
    /// gazetteer adds toponyms the tagger missed) append them; this restores the contract's order.
    pub fn renumber_entities(&mut self) {
        for e in &mut self.entities {
            e.mentions.sort_unstable();
            e.mentions.dedup();
        }
        self.entities.sort_by_key(|e| e.mentions.first().map_or((usize::MAX, 0), |m| (m.start, m.end)));
        let renames: std::collections::HashMap<String, String> = self
            .entities
            .iter_mut()
            .enumerate()
            .map(|(i, e)| {
                let new = format!("E{}", i + 1);
                (std::mem::replace(&mut e.id, new.clone()), new)
            })
            .collect();
        let rename = |id: &mut Option<String>| {
            if let Some(old) = id.as_ref() {
                *id = renames.get(old).cloned();
            }
        };
        self.places.iter_mut().for_each(|p| rename(&mut p.entity));
        self.quotes.iter_mut().for_each(|q| rename(&mut q.speaker_entity));
        self.attributions.iter_mut().for_each(|a| rename(&mut a.source_entity));
        for ev in &mut self.events {
            ev.claims.iter_mut().for_each(|c| rename(&mut c.source_entity));
        }
    }

    /// Whether the pipeline should extract from this document at all.
    #[must_use]
    pub fn is_codable(&self) -> bool {
        self.skipped.is_none()
    }
}

/// Where `Document::published` came from, in the order of trust the spine applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublishedSource {
    Cli,
    Jsonl,
    HtmlMeta,
    Jsonld,
    TimeTag,
    Dateline,
    #[default]
    None,
}

/// A boilerplate range: kept in the text, never extracted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removed {
    pub span: Span,
    pub kind: RemovedKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemovedKind {
    Newsletter,
    Consent,
    Caption,
    Credit,
    Byline,
    Navigation,
    Related,
    Share,
    Advertisement,
    Comment,
    Other,
}

/// `BANGUI, April 12 (Reuters) -`: the place, date and agency an article opens with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dateline {
    pub span: Span,
    pub place: Option<String>,
    /// Span of the place name inside the dateline.
    pub place_span: Option<Span>,
    pub date: Option<Date>,
    pub agency: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    Word,
    Number,
    Punct,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Token {
    pub span: Span,
    pub kind: TokenKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum EntityKind {
    Person,
    Org,
    Loc,
    Gpe,
    Fac,
    Norp,
}

/// An entity with all its mentions (coreference resolved within the document).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// `E1`, `E2`, … in order of first mention.
    pub id: String,
    pub kind: EntityKind,
    /// Normalised name ("Bashar al-Assad" for "Mr Assad").
    pub canonical: String,
    /// Mentions sorted by position; the first is the entity's surface form.
    pub mentions: Vec<Span>,
    /// Title kept apart from the name ("Gen.", "Sheikh").
    pub title: Option<String>,
    /// Id in the actor dictionary, when the entity is a known actor.
    pub actor_id: Option<String>,
    /// Resolution in the gazetteer, for places.
    pub geo: Option<Geo>,
}

/// A gazetteer resolution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Geo {
    pub geonames_id: Option<u64>,
    /// The gazetteer place's name ("Aleppo").
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    pub admin1: Option<String>,
    pub admin2: Option<String>,
    pub precision: GeoPrecision,
    /// 0–1: how sure the resolver is among the candidates it had.
    pub confidence: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GeoPrecision {
    Point,
    District,
    City,
    Region,
    Country,
}

/// One toponym mention and where it resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    pub span: Span,
    /// The entity this mention belongs to (`E3`).
    pub entity: Option<String>,
    /// Resolution; `None` when recognised but not resolved.
    pub geo: Option<Geo>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatePrecision {
    Day,
    Week,
    Month,
    Year,
    Unknown,
}

/// A date range with its precision: what a time expression, or an event, is resolved to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateRange {
    pub start: Option<Date>,
    pub end: Option<Date>,
    pub precision: DatePrecision,
}

impl DateRange {
    #[must_use]
    pub const fn unknown() -> Self {
        Self { start: None, end: None, precision: DatePrecision::Unknown }
    }

    #[must_use]
    pub const fn day(date: Date) -> Self {
        Self { start: Some(date), end: Some(date), precision: DatePrecision::Day }
    }
}

/// A time expression in the text and the range it resolves to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeExpr {
    pub span: Span,
    /// `unknown` when it could not be anchored (relative, and no publication date).
    pub range: DateRange,
    /// True for future reference ("will meet on Friday").
    pub future: bool,
}

/// Direct speech: the words inside quotation marks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// The words inside the marks (marks excluded).
    pub span: Span,
    pub speaker: Option<String>,
    pub speaker_span: Option<Span>,
    pub speaker_entity: Option<String>,
}

/// Every attribution, direct or indirect: who said, reported or denied what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribution {
    pub source: Option<String>,
    pub source_span: Option<Span>,
    pub source_entity: Option<String>,
    /// The cue word or phrase ("said", "according to", "denied").
    pub cue: Option<Span>,
    pub content: Span,
    pub direct: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(id: &str, at: usize) -> Entity {
        Entity {
            id: id.into(),
            kind: EntityKind::Gpe,
            canonical: id.into(),
            mentions: vec![Span::new(at, at + 1)],
            title: None,
            actor_id: None,
            geo: None,
        }
    }

    #[test]
    fn renumbering_restores_first_mention_order_and_every_reference() {
        let mut doc = Document::from_text("t", "a b c d");
        doc.entities = vec![entity("E1", 4), entity("E2", 0)];
        doc.places.push(Place { span: Span::new(0, 1), entity: Some("E2".into()), geo: None });
        doc.quotes.push(Quote { span: Span::new(6, 7), speaker: None, speaker_span: None, speaker_entity: Some("E1".into()) });
        doc.renumber_entities();
        assert_eq!(doc.entities[0].mentions[0], Span::new(0, 1));
        assert_eq!(doc.entities[0].id, "E1");
        assert_eq!(doc.places[0].entity.as_deref(), Some("E1"));
        assert_eq!(doc.quotes[0].speaker_entity.as_deref(), Some("E2"));
    }
}
