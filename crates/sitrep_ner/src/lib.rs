//! Named entities for sitrep: people, organisations (armed groups, parties, ministries,
//! agencies, outlets), places (GPE, LOC, FAC) and nationalities or groups (NORP), each with a
//! canonical name, an optional title, and all its mentions in the document.
//!
//! Three layers, in order:
//! 1. a BIO tagger ([`tagger`]), an averaged structured perceptron over hashed features
//!    ([`features`]) trained on GMB ([`gmb`], `sitrep train ner`), robust to all-caps and
//!    lower-case text;
//! 2. pattern rules over the tagger's spans ([`entities::Rules`]): organisation names by their
//!    head word ("… Brigade", "… Front", "Ministry of …"), "Name (ACRONYM)", place kinds by
//!    their last word, titles split from names — the word lists are data files under `data/`;
//! 3. coreference within the document ([`entities::cluster`]): same name, surname ("Mr Assad" →
//!    "Bashar al-Assad"), acronym, alias and country abbreviations, a head word alone ("the
//!    Observatory"), and "the brigade" back to the last organisation named with that head.

pub mod entities;
pub mod features;
pub mod gmb;
mod hash;
pub mod lexicon;
pub mod tagger;

use sitrep_core::{Document, EntityKind, Span};

use crate::entities::{Mention, Named, Rules};
use crate::features::{CaseMode, Featurizer};
use crate::hash::word_key;
use crate::lexicon::Lexicon;
use crate::tagger::{Model, TagKind};

pub use crate::gmb::gmb_heldout_start;
pub use crate::tagger::ModelError;

/// The committed model (see `data/MODEL.md`): rebuilt by `sitrep train ner`.
const MODEL: &[u8] = include_bytes!("../data/ner.model");

/// Where `sitrep train ner` writes the model, relative to the repository root.
pub const MODEL_PATH: &str = "crates/sitrep_ner/data/ner.model";

/// A stable hash of the model and the word lists, for the output's `provenance.lexicons`.
#[must_use]
pub fn data_fingerprint() -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    // Eight bytes a step: the model is megabytes and this runs at every pipeline load.
    for bytes in std::iter::once(MODEL).chain(lexicon::FILES.iter().map(|f| f.as_bytes())) {
        let chunks = bytes.chunks_exact(8);
        let tail = chunks.remainder();
        for c in chunks {
            let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            h = (h ^ w).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(29);
        }
        for &b in tail {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        h ^= bytes.len() as u64;
    }
    h
}

/// The entity stage's resources: the tagger's weights and the word lists, loaded once.
pub struct Ner {
    model: Model,
    lex: Lexicon,
}

/// Singular organisation heads that a lower-case "the …" can refer back with ("the brigade").
const NOMINAL_HEADS: [&str; 24] = [
    "army",
    "brigade",
    "battalion",
    "front",
    "movement",
    "militia",
    "regiment",
    "division",
    "legion",
    "group",
    "party",
    "council",
    "committee",
    "commission",
    "coalition",
    "alliance",
    "organisation",
    "organization",
    "observatory",
    "ministry",
    "agency",
    "union",
    "league",
    "federation",
];

/// Words after "the brigade" that make it part of another noun phrase, not a reference.
const NOT_AFTER_NOMINAL: [&str; 40] = [
    "of", "chief", "chiefs", "commander", "commanders", "spokesman", "spokeswoman", "spokesperson", "official",
    "officials", "leader", "leaders", "leadership", "member", "members", "officer", "officers", "fighters",
    "soldiers", "troops", "unit", "units", "base", "bases", "headquarters", "source", "sources", "statement",
    "post", "posts", "position", "positions", "general", "colonel", "staff", "command", "camp", "barracks",
    "checkpoint", "level",
];

/// Words a tagger sometimes pulls into a name at a sentence start.
const LEADING_NOT_NAME: [&str; 18] = [
    "near", "in", "at", "on", "from", "by", "for", "with", "during", "after", "before", "since", "outside", "inside",
    "and", "but", "when", "while",
];

impl Ner {
    /// Loads the committed model and the word lists.
    ///
    /// # Errors
    /// When the compiled-in model does not match this build's features (rebuild it with
    /// `sitrep train ner`).
    pub fn load() -> Result<Self, ModelError> {
        Self::from_model_bytes(MODEL)
    }

    /// Uses a model other than the committed one (a freshly trained one, in training and tests).
    ///
    /// # Errors
    /// When `bytes` are not a model of this build's feature version.
    pub fn from_model_bytes(bytes: &[u8]) -> Result<Self, ModelError> {
        Ok(Self { model: Model::from_bytes(bytes)?, lex: Lexicon::load() })
    }

    /// Fills `doc.entities` from the document's content sentences and tokens (ids `E1`.. in
    /// order of first mention). Does nothing on a document that is not codable.
    pub fn annotate(&self, doc: &mut Document) {
        doc.entities.clear();
        if !doc.is_codable() {
            return;
        }
        let rules = Rules { lex: &self.lex };
        let mut feat = Featurizer::new(&self.lex, self.model.bits);
        let (mut feats, mut offsets, mut scratch, mut labels) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut mentions: Vec<Mention> = Vec::new();
        let dateline_place = doc.dateline.as_ref().and_then(|d| d.place_span);
        for (_, sentence) in doc.content_sentences() {
            let tokens = doc.tokens_in(sentence);
            if tokens.is_empty() {
                continue;
            }
            let spans: Vec<Span> = tokens.iter().map(|t| t.span).collect();
            let words: Vec<&str> = spans.iter().map(|s| doc.slice(*s)).collect();
            let mode = feat.sentence(&words, &mut feats, &mut offsets);
            let keys = feat.keys();
            self.model.tag(&feats, &offsets, &mut scratch, &mut labels);
            let mut found: Vec<Mention> = gmb::label_spans(&labels)
                .into_iter()
                .filter_map(|(a, b, l)| {
                    let (kind, _) = tagger::decode(l)?;
                    let kind = match kind {
                        TagKind::Person => EntityKind::Person,
                        TagKind::Org => EntityKind::Org,
                        TagKind::Norp => EntityKind::Norp,
                        TagKind::Place => rules.place_kind(words[b - 1]),
                    };
                    Some(Mention { span: Span::new(spans[a].start, spans[b - 1].end), tokens: spans[a..b].to_vec(), kind, link: None, nominal: false })
                })
                .collect();
            // The dateline's place ("LIMA, 3 FEB 90 (EFE) --") is a place whatever the tagger thought.
            if let Some(place) = dateline_place.filter(|p| sentence.contains(*p)) {
                let toks: Vec<Span> = spans.iter().copied().filter(|s| place.contains(*s)).collect();
                if let (Some(first), Some(last)) = (toks.first(), toks.last()) {
                    let span = Span::new(first.start, last.end);
                    found.retain(|m| !m.span.overlaps(span));
                    found.push(Mention { span, tokens: toks, kind: EntityKind::Gpe, link: None, nominal: false });
                    found.sort_by_key(|m| m.span.start);
                }
            }
            rules.gazetteer(&words, keys, &spans, mode, &mut found);
            if mode == CaseMode::Mixed {
                rules.org_names(&words, &spans, &mut found);
            }
            rules.join_particles(&words, keys, &spans, &mut found);
            rules.extend_titles(&words, keys, &spans, mode, &mut found);
            rules.acronyms(&words, &spans, &mut found);
            self.nominal_mentions(&words, &spans, &mut found);
            mentions.append(&mut found);
        }
        let named: Vec<Named> = mentions
            .into_iter()
            .filter_map(|m| self.trim(doc, m))
            .filter(|n| !doc.is_removed(n.mention.span))
            .collect();
        doc.entities = entities::cluster(named, &self.lex);
    }

    /// "the brigade", "the Observatory" not already inside a mention: a candidate that
    /// coreference keeps only when an earlier organisation has that head word.
    fn nominal_mentions(&self, words: &[&str], spans: &[Span], found: &mut Vec<Mention>) {
        for i in 1..words.len() {
            if !words[i - 1].eq_ignore_ascii_case("the") {
                continue;
            }
            let head = words[i];
            if !NOMINAL_HEADS.iter().any(|h| h.eq_ignore_ascii_case(head)) {
                continue;
            }
            // "the brigade withdrew", "the brigade's commander" refer to the organisation; in
            // "the army chief", "the group of five" the head word modifies or is quantified.
            if let Some(next) = words.get(i + 1) {
                let lower = next.to_lowercase();
                if NOT_AFTER_NOMINAL.contains(&lower.as_str()) {
                    continue;
                }
            }
            let span = Span::new(spans[i - 1].start, spans[i].end);
            if found.iter().any(|m| m.span.overlaps(span)) {
                continue;
            }
            found.push(Mention { span, tokens: vec![spans[i - 1], spans[i]], kind: EntityKind::Org, link: None, nominal: true });
        }
        found.sort_by_key(|m| m.span.start);
    }

    /// Drops a trailing possessive and stray punctuation from a mention, and splits a person's
    /// title from the name.
    fn trim(&self, doc: &Document, mut m: Mention) -> Option<Named> {
        // "Near Palmyra", "In Syria" at a sentence start: the capitalised preposition is no part of the name.
        while m.tokens.len() > 1 && LEADING_NOT_NAME.iter().any(|w| w.eq_ignore_ascii_case(doc.slice(m.tokens[0]))) {
            m.tokens.remove(0);
            m.span.start = m.tokens[0].start;
        }
        while let Some(last) = m.tokens.last() {
            let w = doc.slice(*last);
            if w.chars().all(|c| !c.is_alphanumeric()) || matches!(w, "'s" | "\u{2019}s" | "'" | "\u{2019}") {
                m.tokens.pop();
            } else {
                break;
            }
        }
        let last = *m.tokens.last()?;
        let mut end = last.end;
        let w = doc.slice(last);
        for suffix in ["'s", "\u{2019}s", "'S", "\u{2019}S"] {
            if w.len() > suffix.len() + 1 && w.ends_with(suffix) {
                end -= suffix.len();
            }
        }
        m.span = Span::new(m.span.start, end);
        if m.span.is_empty() {
            return None;
        }
        let (name, title) = if m.kind == EntityKind::Person {
            let words: Vec<&str> = m.tokens.iter().map(|t| doc.slice(*t)).collect();
            let k = Rules { lex: &self.lex }.split_title(&words);
            let title = (k > 0).then(|| doc.text[m.span.start..m.tokens[k - 1].end].to_owned());
            (doc.text[m.tokens[k].start..m.span.end].to_owned(), title)
        } else {
            (doc.slice(m.span).to_owned(), None)
        };
        // A lone title or particle is no name.
        let key = word_key(&name);
        if m.kind == EntityKind::Person && !name.contains(' ') && (self.lex.titles.contains_word(key) || self.lex.particles.contains_word(key)) {
            return None;
        }
        Some(Named { mention: m, name: name.split_whitespace().collect::<Vec<_>>().join(" "), title })
    }
}
