//! Who a speaker is: linking a source phrase to an entity, and resolving "he", "she", "they", "it"
//! to the nearest earlier compatible speaker or entity mention.

use sitrep_core::{Document, EntityKind, Span};

use crate::lexicon::{Agreement, Lexicon, Roles};

/// How far back (in bytes) a pronoun looks for its antecedent: a few paragraphs of news text.
const ANTECEDENT_WINDOW: usize = 1500;

/// A speaker named earlier in the document, a candidate antecedent for later pronouns.
#[derive(Debug, Clone)]
pub struct Named {
    pub at: usize,
    pub name: String,
    pub entity: Option<String>,
    pub agreement: Option<Agreement>,
}

/// The resolved speaker of one source phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Speaker {
    pub name: String,
    pub entity: Option<String>,
}

pub struct Resolver<'a> {
    doc: &'a Document,
    lex: &'a Lexicon,
    /// Every entity mention, sorted by start: (mention, entity index).
    mentions: Vec<(Span, usize)>,
    /// Speakers named so far, in text order.
    history: Vec<Named>,
}

impl<'a> Resolver<'a> {
    pub fn new(doc: &'a Document, lex: &'a Lexicon) -> Self {
        let mut mentions: Vec<(Span, usize)> =
            doc.entities.iter().enumerate().flat_map(|(i, e)| e.mentions.iter().map(move |m| (*m, i))).collect();
        mentions.sort_by_key(|(m, _)| (m.start, m.end));
        Self { doc, lex, mentions, history: Vec::new() }
    }

    /// The entity whose mention overlaps `span` most (ties to the longer mention).
    fn entity_in(&self, span: Span) -> Option<usize> {
        // The speaker is named before any appositive ("Schiff, 56, who has served …") or party
        // bracket; a person or organisation there wins over a nationality or place ("Democratic").
        let text = span.of(&self.doc.text);
        let core_len = text.find([',', '(']).map_or(text.len(), |at| text[..at].trim_end().len());
        let core = Span::new(span.start, span.start + core_len.max(1).min(span.len()));
        let speaking = |e: usize| matches!(self.doc.entities[e].kind, EntityKind::Person | EntityKind::Org);
        let best = |within: Span| {
            self.mentions
                .iter()
                .filter(|(m, _)| m.overlaps(within))
                .max_by_key(|(m, e)| (speaking(*e), m.end.min(within.end) - m.start.max(within.start), m.len()))
                .map(|(_, e)| *e)
        };
        best(core).or_else(|| best(span))
    }

    fn entity_agreement(&self, e: usize) -> Option<Agreement> {
        let entity = &self.doc.entities[e];
        match entity.kind {
            EntityKind::Person => {
                if let Some(title) = &entity.title {
                    if let Some(g) = self.lex.title_gender(title.trim_end_matches('.').to_lowercase().as_str()) {
                        return Some(g);
                    }
                }
                for m in &entity.mentions {
                    let before = self.doc.text[..m.start].trim_end();
                    let word = before.rsplit(|c: char| !c.is_alphabetic() && c != '.').next().unwrap_or("");
                    if let Some(g) = self.lex.title_gender(word.trim_end_matches('.').to_lowercase().as_str()) {
                        return Some(g);
                    }
                }
                self.name_agreement(&entity.canonical).or(Some(Agreement::Person))
            }
            EntityKind::Org | EntityKind::Norp => Some(Agreement::Group),
            // Countries speak as "it" ("Russia said it …"), rarely as "they".
            EntityKind::Gpe => Some(Agreement::Thing),
            EntityKind::Loc | EntityKind::Fac => None,
        }
    }

    fn name_agreement(&self, name: &str) -> Option<Agreement> {
        let mut words = name.split_whitespace();
        let first = words.next()?.trim_end_matches('.').to_lowercase();
        self.lex.title_gender(&first).or_else(|| {
            let given = if self.lex.title_gender(&first).is_some() { words.next()?.to_lowercase() } else { first };
            self.lex.given_name_gender(&given)
        })
    }

    /// What a source phrase refers to, remembering it as a candidate antecedent.
    pub fn resolve(&mut self, span: Span) -> Speaker {
        let text = span.of(&self.doc.text);
        let lower = text.to_lowercase();
        if let Some(want) = self.lex.pronoun(&lower) {
            if let Some(found) = self.antecedent(span.start, want) {
                return found;
            }
            return Speaker { name: text.to_owned(), entity: None };
        }
        let entity = self.entity_in(span);
        let (name, agreement) = match entity {
            Some(e) => {
                let ent = &self.doc.entities[e];
                let name = if ent.kind == EntityKind::Person || text.len() < ent.canonical.len() { ent.canonical.clone() } else { text.to_owned() };
                (name, self.entity_agreement(e))
            }
            None => (text.to_owned(), self.phrase_agreement(text)),
        };
        let id = entity.map(|e| self.doc.entities[e].id.clone());
        self.history.push(Named { at: span.start, name: name.clone(), entity: id.clone(), agreement });
        Speaker { name, entity: id }
    }

    /// Agreement of a speaker phrase with no entity: a capitalised name is one person, a plural
    /// common noun ("officials") a group.
    fn phrase_agreement(&self, text: &str) -> Option<Agreement> {
        let head = text.split([',', '(']).next().unwrap_or(text).split_whitespace().last()?;
        let head_lower = head.to_lowercase();
        if head.chars().next().is_some_and(char::is_uppercase) {
            return self.name_agreement(text).or(Some(Agreement::Person));
        }
        if self.lex.roles(&head_lower).has(Roles::SOURCE_NOUN) {
            return Some(if head_lower.ends_with('s') { Agreement::Group } else { Agreement::Person });
        }
        None
    }

    fn compatible(want: Agreement, have: Option<Agreement>) -> bool {
        matches!(
            (want, have),
            (Agreement::Male, Some(Agreement::Male | Agreement::Person))
                | (Agreement::Female, Some(Agreement::Female | Agreement::Person))
                | (Agreement::Person, Some(Agreement::Male | Agreement::Female | Agreement::Person))
                | (Agreement::Group, Some(Agreement::Group))
                | (Agreement::Thing, Some(Agreement::Group | Agreement::Thing))
        )
    }

    /// The nearest earlier compatible speaker, else the nearest compatible entity mention.
    fn antecedent(&self, at: usize, want: Agreement) -> Option<Speaker> {
        if want == Agreement::Person {
            // "I" as a source is the writer or an unnamed first-person speaker: not resolved.
            return None;
        }
        let floor = at.saturating_sub(ANTECEDENT_WINDOW);
        let from_history = self
            .history
            .iter()
            .rev()
            .filter(|n| n.at < at && n.at >= floor)
            .find(|n| Self::compatible(want, n.agreement))
            .map(|n| (n.at, Speaker { name: n.name.clone(), entity: n.entity.clone() }));
        let from_mentions = self
            .mentions
            .iter()
            .rev()
            .filter(|(m, _)| m.end <= at && m.start >= floor)
            .find(|(_, e)| Self::compatible(want, self.entity_agreement(*e)))
            .map(|(m, e)| {
                let ent = &self.doc.entities[*e];
                (m.start, Speaker { name: ent.canonical.clone(), entity: Some(ent.id.clone()) })
            });
        // News goes on quoting the last speaker: a compatible earlier speaker wins over a later
        // mention of someone else; mentions only decide when no speaker fits.
        from_history.or(from_mentions).map(|x| x.1)
    }

    /// The person or organisation named at the start of `sentence` ("Reid has long called Trump
    /// a “con artist”"), read from the entity layer: without entities, no guess is made.
    pub fn opening_entity(&self, sentence: Span) -> Option<Span> {
        let text = sentence.of(&self.doc.text);
        let lead = text.len() - text.trim_start().len();
        let (m, e) = self.mentions.iter().find(|(m, _)| m.start >= sentence.start && m.start < sentence.end)?;
        let kind = self.doc.entities[*e].kind;
        let opens = self.doc.text[sentence.start + lead..m.start].split_whitespace().count() <= 1;
        (opens && matches!(kind, EntityKind::Person | EntityKind::Org)).then_some(*m)
    }

    /// The first person named at the start of the sentence `sentence`, as a speaker for a quote
    /// that follows it with no cue of its own.
    pub fn subject_person(&self, sentence: Span) -> Option<Speaker> {
        let text = sentence.of(&self.doc.text);
        let lead = text.len() - text.trim_start().len();
        let (m, e) = self.mentions.iter().find(|(m, _)| m.start >= sentence.start && m.start < sentence.end)?;
        let ent = &self.doc.entities[*e];
        let opens = m.start <= sentence.start + lead + 4;
        (opens && ent.kind == EntityKind::Person).then(|| Speaker { name: ent.canonical.clone(), entity: Some(ent.id.clone()) })
    }
}
