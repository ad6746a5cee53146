//! How a report ties an event's perpetrator to it — stated as fact, claimed by the perpetrator,
//! or suspected / blamed — read from `data/perpetrator_cues.txt` (its header has the format).

use sitrep_core::{Attribution, Basis, Document, Event, Span};

use crate::{words_lower, DataError, STOPWORDS};

/// Sentences after an event's last evidence sentence in which a claim of responsibility still
/// answers it: wire reports put "the FMLN claimed responsibility" a sentence or two on.
const CLAIM_WINDOW_SENTENCES: usize = 3;

/// Words before a claim phrase that cancel it ("no group has claimed", "did not claim").
const NEGATIONS: &[&str] = &["no", "not", "never", "nobody", "none", "yet", "denied", "without"];

/// Actor words too generic to tie a sentence to one perpetrator.
const GENERIC_ACTOR_WORDS: &[&str] = &["unidentified", "unknown", "armed", "group", "groups", "forces", "force", "men", "members"];

#[derive(Debug, Clone)]
pub(crate) struct BasisRules {
    claimed: Vec<Vec<String>>,
    accused: Vec<Vec<String>>,
}

impl BasisRules {
    pub(crate) fn parse(source: &str) -> Result<Self, DataError> {
        let mut rules = Self { claimed: Vec::new(), accused: Vec::new() };
        for (i, line) in source.lines().enumerate() {
            let line = line.trim_end();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |problem: &str| DataError { file: "perpetrator_cues.txt", line: i + 1, problem: problem.to_owned() };
            let (Some((basis, phrase)), false) = (line.split_once('\t'), line.matches('\t').count() > 1) else {
                return Err(err("expected two tab-separated columns"));
            };
            let words: Vec<String> = phrase.split(' ').map(str::to_owned).collect();
            if words.iter().any(String::is_empty) {
                return Err(err("phrase words are separated by exactly one space"));
            }
            match basis {
                "claimed" => rules.claimed.push(words),
                "accused" => rules.accused.push(words),
                _ => return Err(err("basis must be claimed or accused")),
            }
        }
        Ok(rules)
    }

    /// The basis of `event`'s perpetrator; `None` when it has none.
    pub(crate) fn basis_of(&self, doc: &Document, event: &Event) -> Option<Basis> {
        let actor = event.actor1.as_ref()?;
        let actor_words = actor_words(doc, actor.span, &actor.name);
        let evidence_sentences: Vec<usize> = event.evidence.iter().filter_map(|s| doc.sentence_at(s.start)).collect();
        let (first, last) = (*evidence_sentences.iter().min()?, *evidence_sentences.iter().max()?);
        let window = first..=(last + CLAIM_WINDOW_SENTENCES).min(doc.sentences.len().saturating_sub(1));
        for i in window.clone() {
            let Some(&sentence) = doc.sentences.get(i) else { continue };
            if doc.is_removed(sentence) {
                continue;
            }
            let words = words_lower(doc.slice(sentence));
            if names_any(&words, &actor_words) && self.claimed.iter().any(|p| find_unnegated(&words, p)) {
                return Some(Basis::Claimed);
            }
        }
        if doc.attributions.iter().any(|a| perpetrator_speaks(doc, a, event, &actor_words, &window)) {
            return Some(Basis::Claimed);
        }
        let own = actor.span.or(event.trigger).and_then(|s| doc.sentence_at(s.start)).and_then(|i| doc.sentences.get(i));
        let words = own.map(|s| words_lower(doc.slice(*s))).unwrap_or_default();
        if self.accused.iter().any(|p| find(&words, p).is_some()) {
            return Some(Basis::Accused);
        }
        Some(Basis::Reported)
    }
}

/// An attribution by the perpetrator itself, asserting something of the event.
fn perpetrator_speaks(
    doc: &Document,
    a: &Attribution,
    event: &Event,
    actor_words: &[String],
    window: &std::ops::RangeInclusive<usize>,
) -> bool {
    let Some(source) = a.source_span else { return false };
    let about_event = event.trigger.is_some_and(|t| a.content.overlaps(t)) || event.evidence.iter().any(|e| a.content.overlaps(*e));
    about_event
        && doc.sentence_at(a.content.start).is_some_and(|i| window.contains(&i))
        && names_any(&words_lower(doc.slice(source)), actor_words)
        && !doc.is_removed(a.content)
        && a.cue.is_none_or(|c| !doc.slice(c).to_lowercase().starts_with("den"))
}

fn actor_words(doc: &Document, span: Option<Span>, name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let from_text = span.map(|s| words_lower(doc.slice(s))).unwrap_or_default();
    for w in from_text.into_iter().chain(words_lower(name)) {
        if w.len() > 2 && !STOPWORDS.contains(&w.as_str()) && !GENERIC_ACTOR_WORDS.contains(&w.as_str()) && !words.contains(&w) {
            words.push(w);
        }
    }
    words
}

fn names_any(words: &[String], actor_words: &[String]) -> bool {
    words.iter().any(|w| actor_words.contains(w))
}

fn find(words: &[String], phrase: &[String]) -> Option<usize> {
    words.windows(phrase.len()).position(|w| w == phrase)
}

fn find_unnegated(words: &[String], phrase: &[String]) -> bool {
    words.windows(phrase.len()).enumerate().any(|(i, w)| {
        w == phrase && !words[i.saturating_sub(3)..i].iter().any(|x| NEGATIONS.contains(&x.as_str()) || x.ends_with("n't"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        words_lower(s)
    }

    #[test]
    fn a_negated_claim_is_no_claim() {
        let phrase = words("claimed responsibility");
        assert!(find_unnegated(&words("The FMLN claimed responsibility for it"), &phrase));
        assert!(!find_unnegated(&words("No group has claimed responsibility"), &phrase));
        assert!(!find_unnegated(&words("The FMLN didn't claimed responsibility"), &phrase));
    }

    #[test]
    fn malformed_lines_are_named() {
        let err = BasisRules::parse("claimed\tclaimed responsibility\nblamed\n").unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
        let err = BasisRules::parse("reported\tsaid\n").unwrap_err();
        assert!(err.to_string().contains("claimed or accused"), "{err}");
    }
}
