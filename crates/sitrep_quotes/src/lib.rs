//! Quotes and attributions: who said, reported or denied what.
//!
//! - `doc.quotes`: direct speech, the words inside quotation marks (straight or curly, across
//!   sentences and paragraphs, nested single marks kept inside), with the speaker. A short quoted
//!   phrase ("the “terrorists”") counts as speech only when a cue governs it; otherwise it is a
//!   scare quote or a title and is left out.
//! - `doc.attributions`: every attribution, direct or indirect ("state TV said …", "according to the
//!   Observatory, …", "he denied …"), with source, cue and content spans. The cue's stance
//!   (asserts / denies / disputes) is in `data/cues.tsv`; [`cue_stance`] reads it for the claims stage.
//!
//! Speakers: the source of the attribution whose content holds the quotation ("X said", "said X",
//! "X told Reuters", "according to X", "X said in an e-mailed statement", "“…” ― X", transcript
//! turns "X: …"), else the speaker of the one or two sentences before (a run of quotes), else, for a
//! cue-governed partial quote, the person or organisation that opens its sentence (entity layer).
//! Pronouns ("he said") resolve to the last compatible speaker, else the nearest compatible entity
//! mention (gender from titles and given names); `speaker_entity` is the entity with a mention
//! overlapping the speaker, or the pronoun's antecedent.
//!
//! Rules and word lists are data files under `data/` (`cues.tsv`, `words.tsv`, `pronouns.tsv`,
//! `titles.tsv`, `given_names.tsv`), each documenting its format in its header. The stage reads
//! `doc.sentences`, `doc.paragraphs` and `doc.dateline` (text stage) and `doc.entities` (entity
//! stage) when present; without sentences it reads lines. ACCURACY.md has the measured figures.

mod lexicon;
mod marks;
mod rules;
mod speaker;
mod tokens;

use std::sync::OnceLock;

use sitrep_core::{Attribution, Document, Entity, EntityKind, Quote, Span, Stance};

pub use lexicon::LexiconError;
pub use marks::{find_quotations, Quotation};

use lexicon::{Lexicon, Roles};
use rules::{Found, Sentence};
use speaker::{Resolver, Speaker};

/// A quotation with no cue and no speaker is kept as speech only from this many words up:
/// shorter ones are mostly scare quotes, titles and nicknames.
const MIN_UNATTRIBUTED_QUOTE_WORDS: usize = 6;

/// The stage: cue lexicon and word lists, loaded once.
#[derive(Debug, Clone)]
pub struct Quotes {
    lex: Lexicon,
    pronoun_mentions: bool,
}

impl Quotes {
    /// Parses the data files compiled into the crate.
    ///
    /// # Errors
    /// When a data file under `crates/sitrep_quotes/data/` breaks its documented format.
    pub fn load() -> Result<Self, LexiconError> {
        Ok(Self { lex: Lexicon::load()?, pronoun_mentions: false })
    }

    /// Also record each speaker pronoun resolved to an entity ("he" in "he said") as a mention of
    /// that entity, so `speaker_entity` has a mention where the text names the speaker; and give a
    /// speaker written as a proper name the tagger missed ("Batchelder said") a person entity for
    /// those pronouns to join. Off by default: the entity layer belongs to the entity stage; the
    /// pipeline turns it on.
    #[must_use]
    pub fn with_pronoun_mentions(mut self, on: bool) -> Self {
        self.pronoun_mentions = on;
        self
    }

    /// The stance of a cue phrase ("said" → asserts, "denied" → denies, "disputed" → disputes).
    #[must_use]
    pub fn stance(&self, cue: &str) -> Option<Stance> {
        self.lex.stance(cue)
    }

    /// Adds `quotes` and `attributions` to `doc`.
    pub fn annotate(&self, doc: &mut Document) {
        if !doc.is_codable() {
            return;
        }
        let quotations: Vec<Quotation> = find_quotations(&doc.text).into_iter().filter(|q| !doc.is_removed(q.outer)).collect();
        let sentences = reading_units(doc);
        let content_floor = doc.dateline.as_ref().map_or_else(|| dateline_end(&doc.text), |d| d.span.end);
        let mut found: Vec<(usize, Found)> = Vec::new();
        for (index, span) in sentences.iter().enumerate() {
            let toks = tokens::tokenize(&doc.text, *span, &self.lex);
            let sentence = Sentence { text: &doc.text, span: *span, content_floor, toks: &toks, lex: &self.lex, quotes: &quotations };
            found.extend(sentence.attributions().into_iter().map(|f| (index, f)));
        }
        for paragraph in paragraphs(doc) {
            if let Some((source, cue, content)) = rules::transcript_turn(&doc.text, paragraph, &self.lex) {
                // The turn replaces whatever the sentence rules read inside it.
                found.retain(|(_, f)| !paragraph.contains(f.content));
                let at = sentence_index(&sentences, content.start).unwrap_or(0);
                found.push((at, Found { source: Some(source), cue: Some(cue), content }));
            }
        }
        for q in &quotations {
            if let Some((cue, source)) = rules::dash_signature(&doc.text, q) {
                let at = sentence_index(&sentences, q.inner.start).unwrap_or(0);
                found.push((at, Found { source: Some(source), cue: Some(cue), content: q.inner }));
            }
        }
        found.retain(|(_, f)| !removed_any(doc, f));
        if self.pronoun_mentions {
            self.add_speaker_entities(doc, &found);
        }
        let (quotes, attributions) = self.assemble(doc, &sentences, &quotations, found);
        if self.pronoun_mentions {
            self.add_pronoun_mentions(doc, &attributions);
        }
        doc.quotes = quotes;
        doc.attributions = attributions;
    }

    /// A speaker written as a proper name the entity tagger missed ("Batchelder said") becomes a
    /// person entity, so later pronouns ("she added") can be mentions of it.
    fn add_speaker_entities(&self, doc: &mut Document, found: &[(usize, Found)]) {
        let mut next_id = doc.entities.iter().filter_map(|e| e.id.strip_prefix('E')?.parse::<usize>().ok()).max().unwrap_or(0) + 1;
        for (_, f) in found {
            let Some(span) = f.source else { continue };
            if doc.entities.iter().any(|e| e.mentions.iter().any(|m| m.overlaps(span))) {
                continue;
            }
            let text = doc.slice(span);
            let words: Vec<&str> = text.split_whitespace().collect();
            let proper = (1..=3).contains(&words.len())
                && words.iter().all(|w| {
                    let mut chars = w.chars();
                    chars.next().is_some_and(char::is_uppercase)
                        && chars.clone().any(char::is_lowercase)
                        && chars.all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’' | '.'))
                })
                && words.iter().all(|w| {
                    let lower = w.to_lowercase();
                    self.lex.pronoun(&lower).is_none() && !self.lex.roles(&lower).is_function_word() && !self.lex.roles(&lower).has(Roles::SOURCE_NOUN)
                });
            if !proper {
                continue;
            }
            doc.entities.push(Entity {
                id: format!("E{next_id}"),
                kind: EntityKind::Person,
                canonical: text.to_owned(),
                mentions: vec![span],
                title: None,
                actor_id: None,
                geo: None,
            });
            next_id += 1;
        }
    }

    fn add_pronoun_mentions(&self, doc: &mut Document, attributions: &[Attribution]) {
        for a in attributions {
            let (Some(span), Some(id)) = (a.source_span, a.source_entity.as_deref()) else { continue };
            if self.lex.pronoun(&doc.slice(span).to_lowercase()).is_none() {
                continue;
            }
            if let Some(entity) = doc.entities.iter_mut().find(|e| e.id == id) {
                // The first mention is the entity's surface form: a pronoun never goes before it.
                if let Err(at) = entity.mentions.binary_search(&span) {
                    if at > 0 {
                        entity.mentions.insert(at, span);
                    }
                }
            }
        }
    }

    /// Resolves speakers in text order, then gives each quotation its speaker: the source of the
    /// attribution whose content holds it, else the speaker of the sentence just before.
    fn assemble(
        &self,
        doc: &Document,
        sentences: &[Span],
        quotations: &[Quotation],
        found: Vec<(usize, Found)>,
    ) -> (Vec<Quote>, Vec<Attribution>) {
        let mut resolver = Resolver::new(doc, &self.lex);
        // (attribution, sentence index where its content ends, resolved speaker)
        let mut made: Vec<(Attribution, usize, Option<Speaker>)> = Vec::new();
        let mut pending: Vec<(usize, Found)> = found;
        pending.sort_by_key(|(_, f)| f.source.map_or(f.content.start, |s| s.start));
        for (_, f) in pending {
            let speaker = f.source.map(|s| resolver.resolve(s));
            let direct = quotations.iter().any(|q| covers_most(q.inner, f.content));
            let end_sentence = sentence_index(sentences, f.content.end.saturating_sub(1));
            made.push((
                Attribution {
                    source: speaker.as_ref().map(|s| s.name.clone()),
                    source_span: f.source,
                    source_entity: speaker.as_ref().and_then(|s| s.entity.clone()),
                    cue: f.cue,
                    content: f.content,
                    direct,
                },
                end_sentence.unwrap_or(usize::MAX),
                speaker,
            ));
        }
        let mut quotes = Vec::new();
        let mut carried: Vec<(Attribution, usize, Option<Speaker>)> = Vec::new();
        for q in quotations {
            let owner = made
                .iter()
                .chain(carried.iter())
                .filter(|(a, _, _)| a.content.contains(q.inner) || q.inner.contains(a.content) || covers_most(q.inner, a.content))
                .min_by_key(|(a, _, _)| a.content.len());
            if let Some((a, _, speaker)) = owner {
                quotes.push(quote(q.inner, speaker.as_ref(), a.source_span));
                continue;
            }
            let quote_sentence = sentence_index(sentences, q.inner.start);
            let opens_sentence = quote_sentence.is_some_and(|i| doc.text[sentences[i].start..q.outer.start].trim().is_empty());
            let words = doc.text[q.inner.start..q.inner.end].split_whitespace().count();
            let continued = if opens_sentence { quote_sentence.and_then(|qs| previous_speaker(&resolver, sentences, &made, &carried, qs, q)) } else { None };
            if let Some((speaker, source_span)) = continued {
                let attribution = Attribution {
                    source: Some(speaker.name.clone()),
                    source_span,
                    source_entity: speaker.entity.clone(),
                    cue: None,
                    content: q.inner,
                    direct: true,
                };
                quotes.push(quote(q.inner, Some(&speaker), source_span));
                let end = sentence_index(sentences, q.inner.end.saturating_sub(1)).unwrap_or(usize::MAX);
                carried.push((attribution, end, Some(speaker)));
            } else if !q.is_title(&doc.text)
                && (words >= MIN_UNATTRIBUTED_QUOTE_WORDS || quote_sentence.is_some_and(|i| self.cue_before(doc, sentences[i], q, quotations)))
            {
                // The speaker of a cue earlier in the same sentence, if one was found.
                let same_sentence = quote_sentence.and_then(|i| {
                    made.iter().rfind(|(a, _, s)| s.is_some() && a.cue.is_some_and(|c| sentences[i].contains(c) && c.end <= q.outer.start))
                });
                match same_sentence {
                    Some((a, _, speaker)) => quotes.push(quote(q.inner, speaker.as_ref(), a.source_span)),
                    None => {
                        // "Reid has long called Trump a “con artist”": the name opening the sentence.
                        let subject = quote_sentence.and_then(|i| resolver.opening_entity(sentences[i]));
                        match subject {
                            Some(span) if span.end <= q.outer.start => {
                                let speaker = resolver.resolve(span);
                                quotes.push(quote(q.inner, Some(&speaker), Some(span)));
                            }
                            _ => quotes.push(quote(q.inner, None, None)),
                        }
                    }
                }
            }
        }
        let mut attributions: Vec<Attribution> = made.into_iter().chain(carried).map(|(a, _, _)| a).collect();
        attributions.sort_by_key(|a| (a.content.start, a.content.end));
        quotes.sort_by_key(|q| q.span.start);
        (quotes, attributions)
    }

    /// Whether a speech cue stands before the quotation in its sentence, outside any quotation:
    /// "… described the plan as “a disgrace”" quotes someone; "the “terrorists” were farmers" does not.
    fn cue_before(&self, doc: &Document, sentence: Span, q: &Quotation, quotations: &[Quotation]) -> bool {
        let before = Span::new(sentence.start, q.outer.start.max(sentence.start));
        let toks = tokens::tokenize(&doc.text, before, &self.lex);
        (0..toks.len()).any(|i| {
            let t = &toks[i];
            let (words, n) = tokens::window(&toks, i);
            let window = &words[..n];
            t.word
                && !t.cap
                && !quotations.iter().any(|o| o.inner.start <= t.span.start && t.span.start < o.inner.end)
                && self.lex.cue_at(window).is_some()
        })
    }

}

/// The speaker of a quotation that has no cue of its own: the source of an attribution ending at
/// most two sentences before it (news runs a speaker's quotes on without repeating "he said"), or
/// a person named at the start of the sentence just before.
fn previous_speaker(
    resolver: &Resolver<'_>,
    sentences: &[Span],
    made: &[(Attribution, usize, Option<Speaker>)],
    carried: &[(Attribution, usize, Option<Speaker>)],
    quote_sentence: usize,
    q: &Quotation,
) -> Option<(Speaker, Option<Span>)> {
    let before = made
        .iter()
        .chain(carried.iter())
        .filter(|(a, end, s)| s.is_some() && a.content.end <= q.outer.start && *end + 2 >= quote_sentence)
        .max_by_key(|(a, _, _)| a.content.end);
    if let Some((a, _, Some(s))) = before {
        return Some((s.clone(), a.source_span));
    }
    let previous = quote_sentence.checked_sub(1)?;
    resolver.subject_person(sentences[previous]).map(|s| (s, None))
}

fn quote(span: Span, speaker: Option<&Speaker>, speaker_span: Option<Span>) -> Quote {
    Quote {
        span,
        speaker: speaker.map(|s| s.name.clone()),
        speaker_span: speaker.and(speaker_span),
        speaker_entity: speaker.and_then(|s| s.entity.clone()),
    }
}

/// True when `a` covers at least half of `b`.
fn covers_most(a: Span, b: Span) -> bool {
    let overlap = a.end.min(b.end).saturating_sub(a.start.max(b.start));
    !b.is_empty() && overlap * 2 >= b.len()
}

fn removed_any(doc: &Document, f: &Found) -> bool {
    doc.is_removed(f.content) || f.cue.is_some_and(|c| doc.is_removed(c)) || f.source.is_some_and(|s| doc.is_removed(s))
}

/// End of a wire dateline ("BANGUI, April 12 (Reuters) - ") at the start of the text, for
/// documents that come without the text stage's dateline: an upper-case place, a comma, and a
/// dash within the first line's opening characters. 0 when there is none.
fn dateline_end(text: &str) -> usize {
    let head: String = text.chars().take(100).collect();
    let first_word = head.split([',', ' ']).next().unwrap_or("");
    let shouted = first_word.chars().filter(|c| c.is_alphabetic()).count() >= 3 && first_word.chars().all(|c| !c.is_lowercase());
    if !shouted || !head.contains(',') {
        return 0;
    }
    for sep in [" - ", " \u{2014} ", " \u{2013} ", " -- "] {
        if let Some(at) = head.find(sep) {
            if !head[..at].contains('\n') {
                return at + sep.len();
            }
        }
    }
    0
}

fn sentence_index(sentences: &[Span], offset: usize) -> Option<usize> {
    let i = sentences.partition_point(|s| s.end <= offset);
    (i < sentences.len() && sentences[i].start <= offset).then_some(i)
}

/// Paragraphs outside removed text: the text stage's, or the text's non-blank lines.
fn paragraphs(doc: &Document) -> Vec<Span> {
    if !doc.paragraphs.is_empty() {
        return doc.paragraphs.iter().copied().filter(|p| !doc.is_removed(*p)).collect();
    }
    lines(doc)
}

/// Non-blank lines outside removed text, trimmed.
fn lines(doc: &Document) -> Vec<Span> {
    let mut units = Vec::new();
    let mut start = 0;
    for (i, c) in doc.text.char_indices().chain(std::iter::once((doc.text.len(), '\n'))) {
        if c == '\n' {
            let line = &doc.text[start..i];
            let lead = line.len() - line.trim_start().len();
            let span = Span::new(start + lead, start + line.trim_end().len());
            if !span.is_empty() && !doc.is_removed(span) {
                units.push(span);
            }
            start = i + 1;
        }
    }
    units
}

/// The sentences the rules read: the text stage's content sentences, or, when a document comes
/// without them, its lines (so the stage still finds line-level attributions).
fn reading_units(doc: &Document) -> Vec<Span> {
    if !doc.sentences.is_empty() {
        return doc.content_sentences().map(|(_, s)| s).collect();
    }
    lines(doc)
}

/// A stable hash of this stage's data files, for the output's `provenance.lexicons`.
#[must_use]
pub fn data_fingerprint() -> u64 {
    lexicon::fingerprint()
}

/// The stance of a cue phrase as written ("said", "denied", "according to"), from `data/cues.tsv`.
///
/// # Panics
/// Never on the shipped data: the lexicon's own tests load it.
#[must_use]
pub fn cue_stance(cue: &str) -> Option<Stance> {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| Lexicon::load().expect("sitrep_quotes data files are valid")).stance(cue)
}
