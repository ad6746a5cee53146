//! The pipeline: one [`Document`] in, every stage's layer added, in a fixed order.
//!
//! Stages are plain functions over `&mut Document` (plus the resources they need, loaded once
//! here). Adding a stage means adding one call in [`Pipeline::annotate`] and its resource in
//! [`Pipeline::load`]; ARCHITECTURE.md lists the order and why.

use sitrep_core::contract::{self, Output, Provenance};
use sitrep_core::Document;

/// Everything the stages load once and share across documents (read-only, so one `Pipeline`
/// serves every thread).
pub struct Pipeline {
    provenance: Provenance,
    text: sitrep_text::Cleaner,
    ner: sitrep_ner::Ner,
    gazetteer: sitrep_geo::Gazetteer,
    quotes: sitrep_quotes::Quotes,
    events: sitrep_events::Events,
    claims: sitrep_claims::Claims,
    confidence: sitrep_confidence::Confidence,
}

impl Pipeline {
    /// Loads every stage's resources.
    ///
    /// # Errors
    /// When a resource (gazetteer, lexicon) is missing or unreadable; the message says how to
    /// build or restore it.
    pub fn load() -> Result<Self, String> {
        let text = sitrep_text::Cleaner::load().map_err(|e| e.to_string())?;
        let ner = sitrep_ner::Ner::load().map_err(|e| e.to_string())?;
        let gazetteer = sitrep_geo::Gazetteer::load_default().map_err(|e| e.to_string())?;
        // Resolved speaker pronouns ("he said") become mentions of their antecedent: coreference the
        // claims stage and the speaker figures read.
        let quotes = sitrep_quotes::Quotes::load().map_err(|e| e.to_string())?.with_pronoun_mentions(true);
        let events = sitrep_events::Events::load().map_err(|e| e.to_string())?;
        let claims = sitrep_claims::Claims::load().map_err(|e| e.to_string())?;
        let confidence = sitrep_confidence::Confidence::load().map_err(|e| e.to_string())?;
        let provenance = Provenance {
            sitrep_version: env!("CARGO_PKG_VERSION").to_owned(),
            gazetteer: gazetteer.version().to_owned(),
            lexicons: format!(
                "text:{:016x} ner:{:016x} time:{:016x} quotes:{:016x} events:{:016x} claims:{:016x} confidence:{:016x}",
                sitrep_text::data_fingerprint(),
                sitrep_ner::data_fingerprint(),
                sitrep_time::data_fingerprint(),
                sitrep_quotes::data_fingerprint(),
                sitrep_events::data_fingerprint(),
                sitrep_claims::Claims::data_fingerprint(),
                sitrep_confidence::data_fingerprint(),
            ),
        };
        Ok(Self { provenance, text, ner, gazetteer, quotes, events, claims, confidence })
    }

    #[must_use]
    pub fn provenance(&self) -> &Provenance {
        &self.provenance
    }

    /// Runs every stage over `doc`, in order.
    pub fn annotate(&self, doc: &mut Document) {
        self.run_stages(doc, &mut |_, _| {});
    }

    /// Runs every stage like [`Self::annotate`], returning each stage's name and wall time in
    /// order (`sitrep bench` reports per-stage speed from it).
    pub fn annotate_timed(&self, doc: &mut Document) -> Vec<(&'static str, std::time::Duration)> {
        let mut times = Vec::new();
        self.run_stages(doc, &mut |name, took| times.push((name, took)));
        times
    }

    /// The stages, in order, each reported to `on_stage` with its time: one list, so `annotate`
    /// and `annotate_timed` cannot drift apart.
    fn run_stages(&self, doc: &mut Document, on_stage: &mut dyn FnMut(&'static str, std::time::Duration)) {
        let mut stage = |name: &'static str, run: &dyn Fn(&mut Document)| {
            let started = std::time::Instant::now();
            run(doc);
            on_stage(name, started.elapsed());
        };
        // Language, boilerplate, dateline, paragraphs, sentences, tokens: every later stage reads them.
        stage("text", &|d| self.text.annotate(d));
        // Entities with in-document coreference (reads sentences and tokens).
        stage("ner", &|d| self.ner.annotate(d));
        // Places: gazetteer matches filtered by context, NER's GPE/LOC entities as candidates;
        // sets entity.geo and creates entities for toponyms NER missed.
        // The gazetteer appends the toponyms the tagger missed: restore first-mention order before
        // anything refers to entity ids.
        stage("geo", &|d| {
            self.gazetteer.annotate(d);
            d.renumber_entities();
        });
        // Time expressions, resolved against the dateline or publication date (reads sentences).
        stage("time", &|d| sitrep_time::annotate(d));
        // Quotes and attributions read sentences and entities: after text, NER, geo and time.
        stage("quotes", &|d| self.quotes.annotate(d));
        // Events read every layer above; their dates and places are filled after this.
        stage("events", &|d| self.events.annotate(d));
        // Each event's date: the expression governing its clause, else sentence, else the
        // publication date with precision widened.
        stage("event_dates", &|d| sitrep_time::date_events(d));
        // Each event's place: the one its clause or sentence ties it to, else the dateline.
        stage("event_places", &|d| sitrep_geo::locate_events(d));
        stage("consolidate", &|d| sitrep_events::consolidate(d));
        // Who asserts, denies or disputes each event (reads attributions and events).
        stage("claims", &|d| self.claims.annotate(d, &|cue| self.quotes.stance(cue)));
        // Last: confidence reads everything the event carries, claims included.
        stage("confidence", &|d| self.confidence.annotate(d));
    }

    /// Runs the pipeline and converts to the contract's JSON shape.
    #[must_use]
    pub fn extract(&self, mut doc: Document) -> Output {
        self.annotate(&mut doc);
        contract::to_output(&doc, &self.provenance)
    }
}
