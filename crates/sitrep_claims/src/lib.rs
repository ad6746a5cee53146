//! According to whom: each event's claims — the sources that assert it, and those that deny or
//! dispute it — and the `contested` flag.
//!
//! Input layers: `attributions` (sitrep_quotes: source, cue, content) and `events` (sitrep_events:
//! trigger, evidence, actors). An attribution whose content covers an event's trigger or evidence
//! is a claim about that event, with the stance of its cue. A denial elsewhere in the article
//! ("Some rebels denied retreating") is a claim about the event when it sits close to the event's
//! evidence and speaks of the same thing (shares a content word with the evidence, or names one of
//! the event's actors). An event no source is named for is asserted by the outlet itself.
//! Each event's perpetrator (`actor1`) also gets a `basis`: reported as fact, claimed by the
//! perpetrator, or suspected / blamed (module `basis`).

mod basis;

use sitrep_core::{Attribution, Claim, Document, Event, Span, Stance};

/// How many sentences after an event's last evidence sentence a denial may stand and still be
/// read as answering it. Reports put denials right after the claim they answer, or at the end of
/// a short article; further away, a denial is more often about something else.
const DENIAL_WINDOW_SENTENCES: usize = 4;

/// Within this many sentences a denial that speaks of events in general ("denied any
/// involvement", "could not confirm the toll") answers the event; further away it must name
/// something of this event (its actors, a content word of its evidence).
const ADJACENT_SENTENCES: usize = 1;

/// How many opening words of an attribution's content still belong to its cue for the stance
/// rules: "said it could not confirm" reads as one negated cue.
const CONTENT_WORDS_NEAR_CUE: usize = 6;

/// How many opening words of a content `within` rules read: further on, a long content is often
/// another clause ("15 died in clashes…, a figure parliamentarians called an undercount").
const CONTENT_WORDS_WITHIN: usize = 12;

/// Words too common to tie a denial to an event.
const STOPWORDS: &[&str] = &[
    "the", "and", "that", "this", "with", "from", "were", "was", "have", "had", "has", "been", "they", "their",
    "them", "there", "which", "would", "could", "said", "says", "also", "into", "after", "before", "about", "over",
    "more", "than", "some", "other", "when", "where", "while", "what", "will", "being", "those", "these", "his",
    "her", "its", "our", "any", "all", "not", "but", "for", "are", "who", "whom", "people", "government",
];

/// Words by which a denial speaks of an event in general, whatever its wording.
const EVENT_WORDS: &[&str] = &[
    "attack", "attacks", "involvement", "involved", "responsibility", "responsible", "toll", "casualties", "killed",
    "died", "dead", "bodies",
    "killing", "killings", "deaths", "report", "reports", "reported", "claim", "claims", "retreat", "retreating",
    "retreated", "withdrawal", "withdrew", "captured", "control", "strike", "strikes", "bombing", "shelling",
    "incident", "massacre", "abduction", "kidnapping",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Around the attribution's cue: the words before it, the cue, the content's first words.
    Cue,
    /// The content starts with the phrase.
    ContentStart,
    /// The phrase is anywhere in the content.
    Content,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct StanceRule {
    stance: Stance,
    place: Place,
    words: Vec<String>,
}

/// The claims stage: the stance rules, parsed once.
#[derive(Debug, Clone)]
pub struct Claims {
    rules: Vec<StanceRule>,
    basis: basis::BasisRules,
}

#[derive(Debug, thiserror::Error)]
#[error("crates/sitrep_claims/data/{file} line {line}: {problem} (the file's header documents the format)")]
pub struct DataError {
    file: &'static str,
    line: usize,
    problem: String,
}

impl Claims {
    /// Parses `data/stance_cues.txt`, compiled into the crate.
    ///
    /// # Errors
    /// When a line breaks the documented format.
    pub fn load() -> Result<Self, DataError> {
        Self::parse(include_str!("../data/stance_cues.txt"), include_str!("../data/perpetrator_cues.txt"))
    }

    fn parse(source: &str, perpetrator_cues: &str) -> Result<Self, DataError> {
        let mut rules = Vec::new();
        for (i, line) in source.lines().enumerate() {
            let line = line.trim_end();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |problem: &str| DataError { file: "stance_cues.txt", line: i + 1, problem: problem.to_owned() };
            let mut cols = line.split('\t');
            let (Some(stance), Some(place), Some(phrase), None) = (cols.next(), cols.next(), cols.next(), cols.next())
            else {
                return Err(err("expected three tab-separated columns"));
            };
            let stance = match stance {
                "denies" => Stance::Denies,
                "disputes" => Stance::Disputes,
                _ => return Err(err("stance must be denies or disputes")),
            };
            let place = match place {
                "cue" => Place::Cue,
                "content" => Place::ContentStart,
                "within" => Place::Content,
                _ => return Err(err("where must be cue, content or within")),
            };
            let words: Vec<String> = phrase.split(' ').map(str::to_owned).collect();
            if words.iter().any(String::is_empty) {
                return Err(err("phrase words are separated by exactly one space"));
            }
            rules.push(StanceRule { stance, place, words });
        }
        Ok(Self { rules, basis: basis::BasisRules::parse(perpetrator_cues)? })
    }

    /// A fingerprint of the rules, folded into the output's provenance.
    #[must_use]
    pub fn data_fingerprint() -> u64 {
        sitrep_core::fingerprint::data_fingerprint(&[
            ("stance_cues.txt", include_str!("../data/stance_cues.txt")),
            ("perpetrator_cues.txt", include_str!("../data/perpetrator_cues.txt")),
        ])
    }

    /// Adds `claims` and `contested` to every event in `doc`.
    ///
    /// `cue_stance` reads a cue phrase's own stance (sitrep_quotes' lexicon), so this crate does
    /// not depend on how attributions are found.
    pub fn annotate(&self, doc: &mut Document, cue_stance: &dyn Fn(&str) -> Option<Stance>) {
        if !doc.is_codable() || doc.events.is_empty() {
            return;
        }
        let stances: Vec<Stance> = doc.attributions.iter().map(|a| self.stance_of(doc, a, cue_stance)).collect();
        let mut events = std::mem::take(&mut doc.events);
        for event in &mut events {
            let claims = claims_for(doc, event, &stances);
            let tolls: Vec<u64> = claims.iter().filter(|c| c.stance == Stance::Asserts).filter_map(|c| c.fatalities).collect();
            event.contested = claims.iter().any(|c| c.stance != Stance::Asserts) || tolls.iter().any(|t| *t != tolls[0]);
            widen_to_sources(event, &tolls);
            event.claims = claims;
            let basis = self.basis.basis_of(doc, event);
            if let Some(actor) = &mut event.actor1 {
                actor.basis = basis;
            }
        }
        doc.events = events;
    }

    fn stance_of(&self, doc: &Document, a: &Attribution, cue_stance: &dyn Fn(&str) -> Option<Stance>) -> Stance {
        let cue_text = a.cue.map(|c| doc.slice(c).to_lowercase());
        let own = cue_text.as_deref().and_then(cue_stance).unwrap_or(Stance::Asserts);
        if own != Stance::Asserts {
            return own;
        }
        // Around the cue: the words just before it, the cue, and the opening words of its
        // content ("the army said it could not confirm the toll").
        let mut around_cue: Vec<String> = a
            .cue
            .map(|cue| {
                let from = a.source_span.map_or(cue.start.saturating_sub(40), |s| s.end.min(cue.start));
                let from = floor_char_boundary(&doc.text, from);
                words_lower(&doc.text[from..cue.end])
            })
            .unwrap_or_default();
        let content_words = words_lower(doc.slice(a.content));
        around_cue.extend(content_words.iter().take(CONTENT_WORDS_NEAR_CUE).cloned());
        let content_head = &content_words[..content_words.len().min(CONTENT_WORDS_WITHIN)];
        for rule in &self.rules {
            let hit = match rule.place {
                Place::Cue => around_cue.windows(rule.words.len()).any(|w| w == rule.words.as_slice()),
                Place::ContentStart => content_words.starts_with(&rule.words),
                Place::Content => content_head.windows(rule.words.len()).any(|w| w == rule.words.as_slice()),
            };
            if hit {
                return rule.stance;
            }
        }
        Stance::Asserts
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn words_lower(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn claim_from(doc: &Document, a: &Attribution, stance: Stance) -> Claim {
    let mut span = a.content;
    for part in [a.source_span, a.cue].into_iter().flatten() {
        span = Span::new(span.start.min(part.start), span.end.max(part.end));
    }
    let source = a
        .source
        .clone()
        .or_else(|| a.source_span.map(|s| doc.slice(s).to_owned()))
        .unwrap_or_else(|| "unnamed source".to_owned());
    let fatalities = toll_in(&words_lower(doc.slice(a.content)));
    Claim { source, source_entity: a.source_entity.clone(), stance, span, fatalities }
}

/// Sources that give different tolls widen the event's range: ACLED records the lowest, the
/// highest stays visible; the text's own best reading is kept.
fn widen_to_sources(event: &mut Event, tolls: &[u64]) {
    let (Some(&min), Some(&max)) = (tolls.iter().min(), tolls.iter().max()) else { return };
    if min == max {
        return;
    }
    let count = event.fatalities.get_or_insert(sitrep_core::Count { low: None, best: None, high: None, span: None });
    count.low = Some(count.low.map_or(min, |l| l.min(min)));
    count.high = Some(count.high.map_or(max, |h| h.max(max)));
    if count.best.is_none() {
        count.best = count.low;
    }
}

/// Words a death toll stands next to.
const DEATH_WORDS: &[&str] = &["killed", "dead", "died", "deaths", "death", "bodies", "fatalities", "lives", "killing"];

/// The death toll a source's words give: a number within four words before a death word
/// ("16 people were killed", "nine dead"), or after "toll" ("put the toll at 18").
fn toll_in(words: &[String]) -> Option<u64> {
    let number = |w: &str| -> Option<u64> {
        // Beyond the shared number words: "no one was killed", "dozens dead", "a hundred killed".
        sitrep_core::numbers::number_value(w).or(match w {
            "no" => Some(0),
            "dozen" | "dozens" => Some(12),
            "hundred" => Some(100),
            _ => None,
        })
    };
    for (i, w) in words.iter().enumerate() {
        let Some(n) = number(w) else { continue };
        let after = &words[i + 1..words.len().min(i + 5)];
        let before = &words[i.saturating_sub(4)..i];
        if after.iter().any(|x| DEATH_WORDS.contains(&x.as_str())) || before.iter().any(|x| x == "toll") {
            return Some(n);
        }
    }
    None
}

/// The event's claims: attributions covering it, denials answering it, else the outlet.
fn claims_for(doc: &Document, event: &Event, stances: &[Stance]) -> Vec<Claim> {
    let anchor = event.trigger.into_iter().chain(event.evidence.iter().copied()).collect::<Vec<_>>();
    let evidence_sentences: Vec<usize> = event.evidence.iter().filter_map(|s| doc.sentence_at(s.start)).collect();
    let last_sentence = evidence_sentences.iter().max().copied();
    let first_sentence = evidence_sentences.iter().min().copied();
    let keywords = event_keywords(doc, event);

    let mut claims: Vec<Claim> = Vec::new();
    for (a, &stance) in doc.attributions.iter().zip(stances) {
        if doc.is_removed(a.content) {
            continue;
        }
        let covers = event.trigger.map_or_else(
            || anchor.iter().any(|s| a.content.overlaps(*s)),
            |t| a.content.overlaps(t) || a.content.contains(t),
        );
        let answers = !covers
            && stance != Stance::Asserts
            && match sentences_after(doc, a, first_sentence, last_sentence) {
                Some(d) if d <= ADJACENT_SENTENCES => speaks_of(doc, a, &keywords, true),
                Some(d) if d <= DENIAL_WINDOW_SENTENCES => speaks_of(doc, a, &keywords, false),
                _ => false,
            };
        // A second source's toll for the same event, in the next sentence ("the ombudsman said at
        // least 12 had been killed"): a claim, and a conflict when the figures differ.
        let second_toll = !covers
            && !answers
            && stance == Stance::Asserts
            && toll_in(&words_lower(doc.slice(a.content))).is_some()
            && matches!(sentences_after(doc, a, first_sentence, last_sentence), Some(d) if (1..=ADJACENT_SENTENCES).contains(&d))
            && speaks_of(doc, a, &keywords, true);
        if covers || answers || second_toll {
            let claim = claim_from(doc, a, stance);
            if !claims.iter().any(|c| c.span == claim.span && c.stance == claim.stance) {
                claims.push(claim);
            }
        }
    }
    if !claims.iter().any(|c| c.stance == Stance::Asserts) {
        // Nobody named reports it: the outlet asserts it in its own voice.
        let span = event.trigger.or_else(|| event.evidence.first().copied()).unwrap_or_default();
        let source = doc.outlet.clone().unwrap_or_else(|| sitrep_core::OUTLET_VOICE.to_owned());
        let fatalities = event.fatalities.as_ref().and_then(|f| f.low);
        claims.insert(0, Claim { source, source_entity: None, stance: Stance::Asserts, span, fatalities });
    }
    claims
}

/// How many sentences after the event's last evidence sentence the attribution stands (0 when
/// inside the evidence); `None` when before it — a denial just before a new report answers the
/// report before that.
fn sentences_after(doc: &Document, a: &Attribution, first: Option<usize>, last: Option<usize>) -> Option<usize> {
    let (first, last) = (first?, last?);
    let at = doc.sentence_at(a.content.start)?;
    (at >= first).then(|| at.saturating_sub(last))
}

/// Content words of the event's evidence and the words of its actors.
fn event_keywords(doc: &Document, event: &Event) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let spans = event
        .evidence
        .iter()
        .copied()
        .chain([&event.actor1, &event.actor2].into_iter().flatten().filter_map(|a| a.span));
    for span in spans {
        for w in words_lower(doc.slice(span)) {
            if w.len() > 3 && !STOPWORDS.contains(&w.as_str()) && !words.contains(&w) {
                words.push(w);
            }
        }
    }
    for actor in [&event.actor1, &event.actor2].into_iter().flatten() {
        for w in words_lower(&actor.name) {
            if w.len() > 3 && !STOPWORDS.contains(&w.as_str()) && !words.contains(&w) {
                words.push(w);
            }
        }
    }
    words
}

fn speaks_of(doc: &Document, a: &Attribution, keywords: &[String], generic_words_suffice: bool) -> bool {
    let mut words = words_lower(doc.slice(a.content));
    if let Some(source) = a.source_span {
        words.extend(words_lower(doc.slice(source)));
    }
    words.iter().any(|w| {
        (generic_words_suffice && EVENT_WORDS.contains(&w.as_str())) || keywords.iter().any(|k| stem_eq(k, w))
    })
}

/// Same word up to a short inflection ("retreat" ~ "retreating", "rebels" ~ "rebel").
fn stem_eq(a: &str, b: &str) -> bool {
    let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    common >= 5.min(a.len().min(b.len())) && a.len().abs_diff(common) <= 3 && b.len().abs_diff(common) <= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_rules_parse() {
        let claims = Claims::load().unwrap();
        assert!(claims.rules.len() > 20);
    }

    #[test]
    fn a_malformed_rule_names_its_line() {
        let err = Claims::parse("# header\ndenies\tcue\n", "").unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }

    #[test]
    fn stems_match_inflections_only() {
        assert!(stem_eq("retreat", "retreating"));
        assert!(stem_eq("rebels", "rebel"));
        assert!(!stem_eq("army", "armoured"));
        assert!(!stem_eq("salaheddine", "sala"));
    }
}
