//! Toponym recognition: gazetteer names found in capitalised runs of the text, kept or rejected
//! by their context (entity types, titles, sentence position, prepositions, what follows).

use std::collections::HashSet;

use sitrep_core::{Document, EntityKind, Span};

use crate::fold::fold;
use crate::index::PlaceKind;
use crate::Gazetteer;

/// A word or punctuation mark, with whether whitespace (and a line break) came before it.
#[derive(Debug, Clone, Copy)]
pub struct Tok {
    pub span: Span,
    pub word: bool,
    pub space_before: bool,
    pub newline_before: bool,
    pub sentence_start: bool,
}

/// Splits `text` into words (alphanumeric runs) and single punctuation marks, marking which
/// begin a sentence (from `doc.sentences` when the text stage ran, else from punctuation).
pub fn tokenize(doc: &Document) -> Vec<Tok> {
    let text = &doc.text;
    let mut toks: Vec<Tok> = Vec::new();
    let mut space = true;
    let mut newline = true;
    let mut word_start: Option<usize> = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        if c.is_alphanumeric() {
            if word_start.is_none() {
                word_start = Some(i);
            }
            continue;
        }
        if let Some(s) = word_start.take() {
            toks.push(Tok {
                span: Span::new(s, i),
                word: true,
                space_before: space,
                newline_before: newline,
                sentence_start: false,
            });
            space = false;
            newline = false;
        }
        if i == text.len() {
            break;
        }
        if c.is_whitespace() {
            space = true;
            newline |= c == '\n';
        } else {
            toks.push(Tok {
                span: Span::new(i, i + c.len_utf8()),
                word: false,
                space_before: space,
                newline_before: newline,
                sentence_start: false,
            });
            space = false;
            newline = false;
        }
    }
    soften_line_wraps(doc, &mut toks);
    mark_sentence_starts(doc, &mut toks);
    toks
}

/// A single line break inside a paragraph is a hard wrap, not a boundary: wire copy breaks
/// "SAN\nSALVADOR" across lines. It counts as a break only where a blank line or a new
/// paragraph starts (without the text stage's paragraphs: only in all-capitals wire text).
fn soften_line_wraps(doc: &Document, toks: &mut [Tok]) {
    let text = &doc.text;
    let caps = doc.paragraphs.is_empty() && is_all_caps_text(text);
    if doc.paragraphs.is_empty() && !caps {
        return;
    }
    for k in 1..toks.len() {
        if !toks[k].newline_before {
            continue;
        }
        let gap = &text[toks[k - 1].span.end..toks[k].span.start];
        if gap.matches('\n').count() != 1 {
            continue;
        }
        let same_paragraph = caps || {
            // Paragraphs are in text order: the last one starting at or before the word.
            let at = doc.paragraphs.partition_point(|p| p.start <= toks[k].span.start);
            at > 0 && doc.paragraphs[at - 1].contains(toks[k - 1].span) && doc.paragraphs[at - 1].contains(toks[k].span)
        };
        if same_paragraph {
            toks[k].newline_before = false;
        }
    }
}

/// Wire copy written wholly in upper case (MUC-4 style): capitalisation marks no name there.
/// Lowercase letters are under 2% of the cased letters, over enough text to tell.
#[must_use]
pub fn is_all_caps_text(text: &str) -> bool {
    let (mut upper, mut lower) = (0usize, 0usize);
    for c in text.chars() {
        if c.is_uppercase() {
            upper += 1;
        } else if c.is_lowercase() {
            lower += 1;
        }
    }
    upper >= 200 && lower * 50 < upper
}

fn mark_sentence_starts(doc: &Document, toks: &mut [Tok]) {
    let text = &doc.text;
    if doc.sentences.is_empty() {
        let mut boundary = true;
        for t in toks.iter_mut() {
            if t.newline_before {
                boundary = true;
            }
            if t.word {
                t.sentence_start = boundary;
                boundary = false;
            } else {
                let c = t.span.of(text);
                if matches!(c, "." | "!" | "?" | ":") {
                    boundary = true;
                } else if !matches!(c, "\"" | "“" | "”" | "'" | "‘" | "’" | "(" | "[" | "-" | "—" | "–") {
                    boundary = false;
                }
            }
        }
    } else {
        let mut next = 0;
        for s in &doc.sentences {
            while next < toks.len() && toks[next].span.start < s.start {
                next += 1;
            }
            if let Some(t) = toks[next..].iter_mut().take_while(|t| t.span.start < s.end).find(|t| t.word) {
                t.sentence_start = true;
            }
        }
    }
}

/// A recognised toponym, before resolution.
#[derive(Debug, Clone)]
pub struct Mention {
    pub span: Span,
    pub key: String,
    /// Token range `[first, last]`.
    pub toks: (usize, usize),
    /// Places it may be, with whether each came from an alternate name.
    pub cands: Vec<(u32, bool)>,
    pub demonym: bool,
    /// The NER entity whose mention this is, if any.
    pub entity: Option<usize>,
    /// Followed by a region word ("Helmand province") or preceded by "city of".
    pub admin_suffix: bool,
    pub city_cue: bool,
    /// Places named right after it as its container ("Alexandria, Louisiana").
    pub qualifier: Vec<u32>,
    /// It is itself the container named after another place ("Bronx, New York").
    pub is_container: bool,
    pub dateline: bool,
}

/// The longest match from a token: (last token, key, candidates, is a demonym).
type Longest = (usize, String, Vec<(u32, bool)>, bool);

/// Lowercase connector words a multi-word place name may contain.
const CONNECTORS: [&str; 30] = [
    "of", "de", "del", "la", "le", "al", "el", "du", "des", "upon", "on", "the", "and", "da", "do", "dos", "das", "y",
    "ez", "es", "ad", "an", "ar", "as", "sur", "am", "e", "i", "ul", "ud",
];

fn is_cap(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_uppercase)
}

fn is_all_caps(s: &str) -> bool {
    s.chars().count() > 1 && s.chars().all(|c| !c.is_lowercase())
}

/// Why an all-capitals word is no place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CapsReject {
    /// An English word ("ADDITION", "THE CITY", "LET US").
    Word,
    /// Part of a longer name the gazetteer lacks ("IGNACIO ELLACURIA", "HECTOR DELGADO").
    NamePart,
}

/// Connectors that continue a Spanish or Portuguese name ("SAN CARLOS DE GUATEMALA").
pub(crate) const NAME_CONNECTORS: [&str; 9] = ["de", "del", "la", "las", "los", "da", "do", "dos", "y"];

impl Gazetteer {
    /// In all-capitals text, whether the match `toks[i..=end]` lacks the evidence a place
    /// needs there: an English word is a place only as a country's or region's own name, or a
    /// large place right after a place preposition ("IN PHOENIX", never "IN ADDITION"); a name
    /// with an unknown word beside it is part of that longer name; a short word ("US", "IN")
    /// only after "THE".
    #[allow(clippy::too_many_arguments)] // the recogniser's context, passed as it stands
    fn caps_evidence(
        &self,
        doc: &Document,
        toks: &[Tok],
        i: usize,
        end: usize,
        key: &str,
        cands: &[(u32, bool)],
        locative_before: bool,
        mentions: &[Mention],
    ) -> Option<CapsReject> {
        let text = &doc.text;
        let lex = &self.lex;
        let word_at = |k: usize| toks.get(k).filter(|t| t.word).map(|t| t.span.of(text).to_lowercase());
        let own = |kinds: &[PlaceKind]| cands.iter().any(|&(id, alt)| !alt && kinds.contains(&self.place(id).kind));
        let country = own(&[PlaceKind::Country, PlaceKind::Continent]);
        let region = own(&[PlaceKind::Admin1, PlaceKind::Admin2]);
        let large = cands.iter().any(|&(id, alt)| !alt && self.place(id).population >= 100_000);
        let words: Vec<&str> = key.split(' ').collect();
        let single = words.len() == 1;
        let prev = (0..i).rev().find(|&k| toks[k].word);
        let prev_lower = prev.and_then(word_at).unwrap_or_default();
        let next_lower = word_at(end + 1).unwrap_or_default();
        let admin_after = lex.admin.contains(&next_lower);
        if single && lex.is_word(key) {
            if key.len() <= 2 {
                return (prev_lower != "the").then_some(CapsReject::Word);
            }
            if country {
                return None;
            }
            // "THE CAPITAL", "THE NORTHERN AREA": words that qualify a place are never one.
            let qualifier = lex.function.contains(key)
                || lex.direction.contains(key)
                || lex.calendar.contains(key)
                || lex.admin.contains(key)
                || lex.subplace.contains(key)
                || lex.title.contains(key);
            if qualifier || !((locative_before || admin_after) && next_lower != "of" && (large || region)) {
                return Some(CapsReject::Word);
            }
        }
        if !single && !country && words.iter().all(|w| lex.is_word(w) || CONNECTORS.contains(w)) {
            return Some(CapsReject::Word);
        }
        if country {
            return None;
        }
        // A name only some place's alternate name matches ("FRANCISCO" for Amancio) needs a
        // place preposition or a region word.
        if cands.iter().all(|&(_, alt)| alt) && !locative_before && !admin_after {
            return Some(CapsReject::Word);
        }
        // A word the lists do not know, right beside the name in the same sentence, makes the
        // name part of a longer one: a person's ("HECTOR DELGADO") or a place the gazetteer
        // lacks ("PUERTO LIBERTADOR"). A facility or landmark word after it keeps it
        // ("BOGOTA EL DORADO AIRPORT": the facility stage places that one).
        let unknown = |k: usize| {
            toks.get(k).is_some_and(|t| {
                let w = t.span.of(text).to_lowercase();
                t.word && !w.chars().all(|c| c.is_ascii_digit()) && !lex.is_word(&w)
            })
        };
        let facility_follows = (end + 1..end + 5).filter_map(word_at).any(|w| {
            lex.facility.contains(&w)
                || lex.landmark.contains(&w)
                || lex.admin.contains(&w)
                || lex.subplace.contains(&w)
        });
        let next = toks.get(end + 1).filter(|n| n.word && n.space_before && !n.newline_before && !n.sentence_start);
        if let Some(n) = next {
            let nl = n.span.of(text).to_lowercase();
            let runs_on = unknown(end + 1)
                || NAME_CONNECTORS.contains(&nl.as_str())
                    && toks.get(end + 2).is_some_and(|t| t.space_before)
                    && unknown(end + 2);
            if runs_on && !facility_follows {
                return Some(CapsReject::NamePart);
            }
        }
        if let Some(p) =
            prev.filter(|&p| p + 1 == i && toks[i].space_before && !toks[i].newline_before && !toks[i].sentence_start)
        {
            let after_place = mentions.last().is_some_and(|m| m.toks.1 == p);
            if unknown(p) && !after_place {
                return Some(CapsReject::NamePart);
            }
        }
        None
    }

    /// The place whose people a name the gazetteer lacks calls by its ending ("Ohioans" →
    /// Ohio, "Londoners" → London): a country, a first-order region, or a town by its own
    /// name, of 20,000 or more (100,000 for "-ers": surnames end so too, "Stowers"). Words
    /// English uses otherwise ("Republicans", "Rangers") name none.
    pub(crate) fn residents_place(&self, key: &str) -> Option<u32> {
        let lex = &self.lex;
        // Most capitalised words end in no residents' ending: the cheap test first.
        if !lex.residents.iter().any(|(ending, _)| key.ends_with(ending.as_str())) || lex.is_word(key) {
            return None;
        }
        lex.residents.iter().find_map(|(ending, restored)| {
            let stem = key.strip_suffix(ending.as_str())?;
            let name = format!("{stem}{restored}");
            if name.chars().count() < 4 || lex.english.contains(&name) || lex.common.contains(&name) {
                return None;
            }
            let min_town: u64 = if ending.starts_with("er") { 100_000 } else { 20_000 };
            let rank = |kind: PlaceKind| match kind {
                PlaceKind::Country => 3,
                PlaceKind::Admin1 => 2,
                _ => 1,
            };
            self.index
                .lookup(&name)
                .filter(|&(id, alternate)| {
                    let p = self.place(id);
                    !alternate
                        && match p.kind {
                            PlaceKind::Country | PlaceKind::Admin1 => true,
                            PlaceKind::City => p.population >= min_town,
                            PlaceKind::Admin2 | PlaceKind::Continent => false,
                        }
                })
                .max_by_key(|&(id, _)| {
                    let p = self.place(id);
                    (rank(p.kind), p.population, std::cmp::Reverse(id))
                })
                .map(|(id, _)| id)
        })
    }

    /// Finds the toponyms in `doc`'s content (outside removed ranges).
    #[allow(clippy::too_many_lines)] // the context rules read best side by side
    pub(crate) fn recognise(&self, doc: &Document, toks: &[Tok]) -> Vec<Mention> {
        let text = &doc.text;
        let lex = &self.lex;
        let lower = |i: usize| toks[i].span.of(text).to_lowercase();
        let dateline_span = doc.dateline.as_ref().and_then(|d| d.place_span);
        // Entity-tagger spans by kind: places are candidates, people and organisations veto.
        let entity_at = |span: Span| -> Option<usize> {
            doc.entities.iter().position(|e| e.mentions.iter().any(|m| m.overlaps(span)))
        };
        let entity_exact =
            |span: Span| -> Option<usize> { doc.entities.iter().position(|e| e.mentions.contains(&span)) };
        let mut surnames: HashSet<String> = HashSet::new();
        let caps = is_all_caps_text(text);
        // All-capitals text: names seen as part of a person's or a longer name ("COLONEL RENE
        // EMILIO PONCE"); a later bare "PONCE" is a place only after a place preposition.
        let mut name_parts: HashSet<String> = HashSet::new();
        let mut mentions: Vec<Mention> = Vec::new();
        let mut deferred: Vec<Mention> = Vec::new();
        // Names the tagger called a person or organisation; places after all when another
        // mention of the same tagger entity had a place cue ("in Richmond" … "Richmond police").
        let mut tagger_vetoed: Vec<Mention> = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            let t = toks[i];
            let surface = t.span.of(text);
            if !t.word || !is_cap(surface) || doc.is_removed(t.span) {
                i += 1;
                continue;
            }
            // Longest gazetteer (or demonym) phrase starting here.
            let mut best: Option<Longest> = None;
            // The match before the longest one, for a name whose last word belongs to what
            // follows ("San Fernando City Council").
            let mut shorter: Option<Longest> = None;
            let mut j = i;
            while j < toks.len() && j < i + 10 {
                let tj = toks[j];
                // "Democratic People's Republic of Korea": a possessive inside a name goes on
                // to the name's end; a name never ends on it ("London's" is London).
                let possessive_s = j > i
                    && tj.span.of(text) == "s"
                    && !tj.space_before
                    && matches!(toks[j - 1].span.of(text), "'" | "’")
                    && !toks[j - 1].space_before;
                if j > i {
                    if tj.newline_before || doc.is_removed(tj.span) {
                        break;
                    }
                    let s = tj.span.of(text);
                    if tj.word {
                        if !is_cap(s)
                            && !possessive_s
                            && !CONNECTORS.contains(&s)
                            && !lex.admin.contains(s)
                            && !s.chars().all(|c| c.is_ascii_digit())
                        {
                            // A lowercase word ends a name unless it is a region word.
                            break;
                        }
                    } else if !matches!(s, "-" | "." | "'" | "’" | "‐") || (tj.space_before && s != ".") {
                        break;
                    }
                }
                let phrase = Span::new(t.span.start, tj.span.end);
                let key = fold(phrase.of(text));
                let ends_with_period = !tj.word;
                let period_ok = !ends_with_period
                    || (j > 0 && toks[j - 1].word && toks[j - 1].span.len() == 1)
                    || self.lex.aliases.get(&key).is_some_and(|(_, needs)| *needs)
                    || self.lex.period_closed.contains(&key) && text[t.span.start..tj.span.start].contains('.');
                if (tj.word || period_ok) && !possessive_s {
                    // Plurals of demonyms name the people of the country too ("Palestinians").
                    let demonym_key = if lex.demonyms.contains_key(&key) {
                        Some(key.clone())
                    } else {
                        key.strip_suffix('s').filter(|k| lex.demonyms.contains_key(*k)).map(str::to_owned)
                    };
                    let is_demonym = demonym_key.is_some()
                        && (j == i || toks[i..=j].iter().filter(|t| t.word).all(|t| is_cap(t.span.of(text))));
                    let mut cands = if is_demonym { Vec::new() } else { self.candidate_ids(&key, false) };
                    // Abbreviations that need their period ("Calif.") only count with it.
                    if let Some((_, true)) = self.lex.aliases.get(&key) {
                        if !ends_with_period && self.index.lookup(&key).next().is_none() {
                            cands.clear();
                        } else if !ends_with_period {
                            if let Some((target, _)) = self.lex.aliases.get(&key) {
                                let alias = self.alias_place(target);
                                cands.retain(|(id, _)| Some(*id) != alias);
                            }
                        }
                    }
                    if is_demonym {
                        if let Some(id) =
                            demonym_key.as_ref().and_then(|k| lex.demonyms.get(k)).and_then(|cc| self.country_place(cc))
                        {
                            shorter = best.replace((j, key.clone(), vec![(id, false)], true));
                        }
                    } else if !cands.is_empty() && (tj.word || period_ok) {
                        shorter = best.replace((j, key.clone(), cands, false));
                    } else if tj.word {
                        if let Some(id) = self.residents_place(&key) {
                            shorter = best.replace((j, key.clone(), vec![(id, false)], true));
                        }
                    }
                }
                // Abbreviations go on through their periods ("N.C.", "W.Va.", "Conn.").
                let attached_next = toks
                    .get(j + 1)
                    .is_some_and(|n| !n.word && !n.space_before && matches!(n.span.of(text), "." | "-" | "'" | "’"));
                if tj.word && !attached_next && !self.has_longer_key(&key) && !lex.alias_prefixes.contains(&key) {
                    break;
                }
                j += 1;
            }
            // "San Fernando City Councilwoman", "Las Vegas City Marshal": "City" opens the
            // office's name (City Council, City Marshal), so the place is the name before it
            // ("San Fernando City" is only another town's alternate name; "Kansas City" is a
            // city's own name and stays).
            if let (Some(b), Some(s)) = (&best, &shorter) {
                let city_last = toks[b.0].span.of(text).eq_ignore_ascii_case("city")
                    && s.0 + 1 == b.0
                    && b.2.iter().all(|&(_, alternate)| alternate);
                let office_next = toks.get(b.0 + 1).is_some_and(|n| {
                    let w = n.span.of(text);
                    let l = w.to_lowercase();
                    n.word
                        && n.space_before
                        && is_cap(w)
                        && (lex.orghead.contains(&l) || lex.title.contains(&l) || lex.office.contains(&l))
                });
                if city_last && office_next {
                    best = shorter.take();
                }
            }
            let prev_word = (0..i).rev().find(|&k| toks[k].word);
            let prev_tok = i.checked_sub(1).map(|k| toks[k]);
            let Some((end, key, cands, demonym)) = best else {
                // A capitalised word that is no place: remember surnames ("Tom Bakk" → "Bakk")
                // so that a later bare "Bakk" is not taken for a town.
                if let Some(p) = prev_word.filter(|&p| p + 1 == i && !t.sentence_start) {
                    let ps = toks[p].span.of(text);
                    if is_cap(ps) && !lex.function.contains(&ps.to_lowercase()) {
                        surnames.insert(fold(surface));
                    }
                }
                i += 1;
                continue;
            };
            // "Shi'ite", "Ba'ath": the name runs on past an apostrophe, so its first part is no
            // place ("Shi" is a village in Norway). The possessive "'s" ends it.
            let runs_on =
                toks.get(end + 1).is_some_and(|a| !a.word && !a.space_before && matches!(a.span.of(text), "'" | "’"))
                    && toks
                        .get(end + 2)
                        .is_some_and(|w| w.word && !w.space_before && !w.span.of(text).eq_ignore_ascii_case("s"));
            if runs_on {
                i = end + 1;
                continue;
            }
            let span = Span::new(t.span.start, toks[end].span.end);
            let single = toks[i..=end].iter().filter(|t| t.word).count() == 1;
            let next = toks.get(end + 1).copied();
            let next_word = next.filter(|n| n.word && !n.newline_before);
            let next_str = next_word.map(|n| n.span.of(text)).unwrap_or("");
            let next_lower = next_str.to_lowercase();
            let in_dateline = dateline_span.is_some_and(|d| d.overlaps(span));
            let ner = entity_at(span).map(|e| (e, doc.entities[e].kind));
            let ner_place = matches!(ner, Some((_, EntityKind::Gpe | EntityKind::Loc)));
            let prev_lower = prev_word.map(lower).unwrap_or_default();
            let locative_word = |k: usize| {
                let w = lower(k);
                lex.locative.contains(&w) || lex.direction.contains(&w)
            };
            // "in the Damascus suburbs", "in the Kabul area": the article may stand between
            // when the name modifies a noun of places ("in the White House" is a building).
            let modifies_noun = next_word.is_some_and(|n| {
                n.space_before
                    && !is_cap(next_str)
                    && (lex.possessed.contains(&next_lower)
                        || lex.placenoun.contains(&next_lower)
                        || lex.admin.contains(&next_lower)
                        || lex.subplace.contains(&next_lower))
            });
            let word_before_article = prev_word
                .filter(|&p| p + 1 == i && prev_lower == "the" && modifies_noun)
                .and_then(|p| (0..p).rev().find(|&k| toks[k].word).filter(|&k| k + 1 == p));
            let locative_before = prev_word.is_some_and(|p| p + 1 == i && locative_word(p))
                || word_before_article.is_some_and(locative_word);
            // "the Syrian capital Damascus", "the town Kidal": a lowercase place noun in
            // apposition ("City Council" is no city called Council).
            let appositive_before = prev_word.is_some_and(|p| {
                p + 1 == i && lex.appositive.contains(&prev_lower) && !is_cap(toks[p].span.of(text))
            }) && !lex.is_word(&key);
            let comma_after = next.is_some_and(|n| n.span.of(text) == ",");
            let admin_after = next_word.is_some_and(|n| !n.newline_before) && lex.admin.contains(&next_lower);
            // "New York Gov. Andrew Cuomo": a governor's title names the state.
            let governor_after =
                next_word.is_some_and(|n| !n.newline_before) && matches!(next_lower.as_str(), "gov" | "governor");
            let strong = cands.iter().any(|&(id, alt)| {
                let p = self.place(id);
                !alt && (matches!(p.kind, PlaceKind::Country | PlaceKind::Admin1 | PlaceKind::Continent)
                    || p.population >= 100_000)
            });
            let substantial = !single || cands.iter().any(|&(id, alt)| !alt || self.place(id).population >= 5_000);

            // A dateline without the text stage: "CORSICANA —", "HUDSON --".
            let dash_after = t.newline_before || t.sentence_start || i == 0;
            let dash_after = dash_after
                && next.is_some_and(|n| matches!(n.span.of(text), "—" | "–" | "-"))
                && toks.get(end + 2).is_some_and(|n| !n.word || n.space_before);
            // "Richmond, Va.", "Paris, Texas": a comma and then a named region or country that
            // contains one of the candidates.
            let container_after = comma_after
                && toks
                    .get(end + 2)
                    .is_some_and(|n| n.word && n.space_before && !n.newline_before && is_cap(n.span.of(text)))
                && {
                    let n = toks[end + 2];
                    let with_period =
                        toks.get(end + 3).is_some_and(|d| !d.word && !d.space_before && d.span.of(text) == ".");
                    let ckey = fold(n.span.of(text));
                    let alias = lex
                        .aliases
                        .get(&ckey)
                        .filter(|(_, needs)| !*needs || with_period)
                        .and_then(|(t, _)| self.alias_place(t));
                    let containers: Vec<u32> = alias
                        .into_iter()
                        .chain(self.candidate_ids(&ckey, false).into_iter().filter(|&(_, alt)| !alt).map(|(id, _)| id))
                        .collect();
                    containers.iter().any(|&q| {
                        let qp = self.place(q);
                        cands.iter().any(|&(id, _)| {
                            let p = self.place(id);
                            id != q
                                && match qp.kind {
                                    PlaceKind::Country => p.country == qp.country,
                                    PlaceKind::Admin1 => p.admin1_place == q,
                                    _ => false,
                                }
                        })
                    })
                };
            // "in Richmond": a place preposition right before a name the tagger called a person.
            let possessive_after =
                next.is_some_and(|n| !n.space_before && matches!(n.span.of(text), "'" | "’" | "'s" | "’s"));
            // "in Sharon, Cornwall and Salisbury": a name coordinated with the place just
            // before it is a place too.
            let coordinated = mentions.last().is_some_and(|m| {
                !m.demonym && {
                    let between: Vec<&str> = toks[m.toks.1 + 1..i].iter().map(|t| t.span.of(text)).collect();
                    matches!(between.as_slice(), [","] | ["and"] | ["or"] | [",", "and"] | [",", "or"])
                }
            });
            // "Chicopee residents", "Roselle police": a lowercase place noun after the name.
            // "Joliet's building inspector", "Kabul's governor": the same after a possessive,
            // the noun or the word after it.
            let place_noun = (next_word.is_some_and(|n| n.space_before && !is_cap(next_str))
                && lex.placenoun.contains(&next_lower))
                || (possessive_after && {
                    let after: Vec<&Tok> =
                        toks[end + 1..].iter().filter(|t| t.word && t.space_before).take(2).collect();
                    after.iter().take_while(|t| !t.newline_before && !is_cap(t.span.of(text))).any(|t| {
                        lex.possessed.contains(&t.span.of(text).to_lowercase())
                    })
                });
            let place_cue = container_after
                || ((locative_before || appositive_before) && !possessive_after)
                || (coordinated && !possessive_after);
            let mut weak_start = false;
            let mut vetoed_by_tagger = false;
            let reject = 'r: {
                // The tagger's place vouches for the name unless the name is an everyday word
                // inside the tagger's longer place ("Eastern" of "Eastern Ghouta"): the rules
                // below decide that one.
                let hyphen_on = next.is_some_and(|n| !n.space_before && matches!(n.span.of(text), "-" | "‐"))
                    && toks.get(end + 2).is_some_and(|n| n.word && !n.space_before);
                let inner_everyday = single
                    && ner.is_some_and(|(e, _)| !doc.entities[e].mentions.contains(&span))
                    && (hyphen_on
                        || lex.landmark.contains(&key)
                        || lex.orghead.contains(&key)
                        || lex.english.contains(&key)
                        || lex.common.contains(&key)
                        || lex.direction.contains(&key));
                // An agency after the dateline's place ("Moscow, SANA -") is no place either.
                if lex.notplace.contains(&key) {
                    break 'r true;
                }
                if in_dateline {
                    break 'r false;
                }
                // "Missing Ill. man found": a state abbreviation written with the period it
                // needs is the state, even where its letters spell an English word.
                let abbreviation = span.of(text).ends_with('.') && lex.aliases.get(&key).is_some_and(|(_, needs)| *needs);
                if abbreviation && !t.sentence_start && !caps {
                    break 'r false;
                }
                if caps && !demonym {
                    if let Some(reject) =
                        self.caps_evidence(doc, toks, i, end, &key, &cands, locative_before, &mentions)
                    {
                        if reject == CapsReject::NamePart {
                            name_parts.insert(key.clone());
                        }
                        break 'r true;
                    }
                    if single && name_parts.contains(&key) && !locative_before {
                        break 'r true;
                    }
                }
                // "APC", "CIS", "SA": a short all-capitals word is an abbreviation; it names a
                // place only as a listed alias or a country's or region's own name ("US", "UK").
                if single
                    && surface.chars().count() <= 3
                    && is_all_caps(surface)
                    && !lex.aliases.contains_key(&key)
                    && !cands.iter().any(|&(id, alt)| {
                        !alt && matches!(
                            self.place(id).kind,
                            PlaceKind::Country | PlaceKind::Admin1 | PlaceKind::Continent
                        )
                    })
                {
                    break 'r true;
                }
                // "Hertford Road": the tagger's place is the street, not the town.
                let street_after =
                    next_word.is_some_and(|n| n.space_before && is_cap(next_str)) && lex.street.contains(&next_lower);
                if ner_place && !inner_everyday && !street_after {
                    break 'r false;
                }
                // A country, region or big city inside an organisation's name is still a place
                // mention ("the Ohio Department of Transportation"); a person's name is not.
                let region = cands.iter().any(|&(id, alt)| {
                    !alt && matches!(
                        self.place(id).kind,
                        PlaceKind::Country | PlaceKind::Admin1 | PlaceKind::Admin2 | PlaceKind::Continent
                    )
                });
                // The tagger's types veto a town, not a named region or a big city: "Anderson
                // County" inside "the Anderson County Sheriff's Office" is still a place, and a
                // tagger calling "Jordan" NORP or "West Bank" ORG is less sure than the gazetteer.
                // "Mt. Pleasant" with "Mt." tagged a person: the tagger saw only part of the
                // gazetteer's longer name, so its type says nothing about the whole.
                let tagger_saw_a_part = !single
                    && ner.is_some_and(|(e, _)| {
                        doc.entities[e].mentions.iter().filter(|m| m.overlaps(span)).all(|m| span.contains(*m) && *m != span)
                    });
                if let Some((e, kind)) = ner.filter(|_| !tagger_saw_a_part) {
                    let known = region || strong;
                    let inside = doc.entities[e].mentions.iter().any(|m| m.contains(span) && *m != span);
                    let veto = match kind {
                        // "Jordan scored twice": a person, whatever the gazetteer says.
                        // The tagger's person gives way only to a place cue ("in Richmond",
                        // "Richmond, Va.").
                        // A first-order division the tagger's entity only ever names alone
                        // ("Kentucky's rate climbed") is the region; a country is not
                        // ("Jordan scored twice"), nor a name the entity also gives in full.
                        EntityKind::Person => {
                            let division =
                                cands.iter().any(|&(id, alt)| !alt && self.place(id).kind == PlaceKind::Admin1);
                            let alone = doc.entities[e].mentions.iter().all(|m| fold(m.of(text)) == key);
                            // No person is called "Macon County"; "Roselle police", "a Macon
                            // County man" use the name as a place; "Arkansas Gov. Mike
                            // Huckabee" holds a region before the title.
                            let county = !single && key.rsplit(' ').next().is_some_and(|w| lex.admin.contains(w));
                            // ("Manila Archbishop Luis Tagle": a big city before a title too.)
                            let region_before_title = (region || strong)
                                && inside
                                && (lex.follower.contains(&next_lower) || lex.title.contains(&next_lower));
                            // "Hardline Saudi clerics": a demonym modifying a lowercase noun
                            // is no person's name, whatever the tagger's span.
                            let demonym_modifier =
                                demonym && next_word.is_some_and(|n| n.space_before && !is_cap(next_str));
                            !(place_cue
                                || (division && alone)
                                || county
                                || place_noun
                                || region_before_title
                                || demonym_modifier)
                        }
                        EntityKind::Org => {
                            !((place_cue || (is_all_caps(surface) && dash_after)) && !inside)
                                && !(inside
                                    && (known
                                        || lex.orghead.contains(&next_lower)
                                        || lex.english.contains(&next_lower)))
                                && !known
                        }
                        // "An Alton funeral director … in Alton": the tagger's group name
                        // gives way to a place cue, as its person does.
                        EntityKind::Norp => !demonym && !known && !place_cue,
                        _ => false,
                    };
                    if veto {
                        vetoed_by_tagger = matches!(kind, EntityKind::Person | EntityKind::Org | EntityKind::Norp)
                            && doc.entities[e].mentions.contains(&span);
                        break 'r true;
                    }
                }
                if single && lex.calendar.contains(&key) {
                    break 'r true;
                }
                if lex.notplace.contains(&key) {
                    break 'r true;
                }
                // "Gen. Jackson", "Mayor Austin".
                if let Some(p) = prev_word {
                    let gap_ok = p + 1 == i || (p + 2 == i && prev_tok.is_some_and(|pt| pt.span.of(text) == "."));
                    if gap_ok && lex.title.contains(&prev_lower) {
                        break 'r true;
                    }
                }
                // "Manila Cathedral", "Rogers Centre", "University of Alberta", "Supreme People's
                // Court", "Eastern Ghouta": a name that is also an everyday word, inside a longer
                // capitalised name, belongs to that name (a facility, an organisation, a place
                // the gazetteer lacks), not a place of its own ("Cathedral", Saskatchewan).
                let everyday = lex.landmark.contains(&key)
                    || lex.direction.contains(&key)
                    || lex.orghead.contains(&key)
                    || lex.facility.contains(&key)
                    || lex.english.contains(&key)
                    || lex.common.contains(&key);
                let country = cands.iter().any(|&(id, alt)| !alt && self.place(id).kind == PlaceKind::Country);
                if single && everyday && !country && !demonym {
                    let prev_cap = prev_word.is_some_and(|p| {
                        p + 1 == i
                            && toks[i].space_before
                            && !toks[i].newline_before
                            && is_cap(toks[p].span.of(text))
                            && {
                                let pl = lower(p);
                                !lex.function.contains(&pl)
                                    && !lex.locative.contains(&pl)
                                    && !lex.direction.contains(&pl)
                                    && !lex.title.contains(&pl)
                                    && !lex.calendar.contains(&pl)
                            }
                    });
                    let of_name =
                        next_lower == "of" && toks.get(end + 2).is_some_and(|n| n.word && is_cap(n.span.of(text)));
                    let next_cap = next_word.is_some_and(|n| {
                        n.space_before
                            && is_cap(next_str)
                            && !lex.admin.contains(&next_lower)
                            && !lex.follower.contains(&next_lower)
                            && !lex.calendar.contains(&next_lower)
                            && !lex.orghead.contains(&next_lower)
                    });
                    if prev_cap || of_name || next_cap {
                        break 'r true;
                    }
                }
                // "Hampton Avenue", "Kingsley Road": a street's name, wherever the street is.
                if street_after && !region {
                    break 'r true;
                }
                // Part of a longer capitalised name ("Paris Hilton", "Washington Post").
                if let Some(n) = next_word.filter(|n| n.space_before && !n.newline_before) {
                    let ns = n.span.of(text);
                    // Only a region survives an unknown capitalised word after it ("Texas
                    // Rangers"); a town does not ("Eugene Hasenfus").
                    // A big city before a title too ("Manila Archbishop Luis Tagle").
                    // A place before an institution word is still a place ("Fargo Police
                    // Chief", "Tarrant County Public Health"), also a few capitalised words
                    // ahead ("Springfield Science Museum", "Woodstock General Hospital").
                    let institution_after = (end + 1..=end + 3)
                        .take_while(|&k| {
                            toks.get(k).is_some_and(|t| {
                                t.word && t.space_before && !t.newline_before && is_cap(t.span.of(text))
                            })
                        })
                        .any(|k| {
                            // Not a street ("Dean Woods Road" is no Dean).
                            let l = lower(k);
                            (lex.facility.contains(&l) || lex.orghead.contains(&l)) && !lex.street.contains(&l)
                        });
                    if !region
                        && !institution_after
                        && !lex.orghead.contains(&next_lower)
                        && !lex.english.contains(&next_lower)
                        && is_cap(ns)
                        && !is_all_caps(ns)
                        && !lex.follower.contains(&next_lower)
                        && !lex.calendar.contains(&next_lower)
                        && !lex.admin.contains(&next_lower)
                        && !(strong && lex.title.contains(&next_lower))
                        && !demonym
                    {
                        break 'r true;
                    }
                }
                if let Some(p) = prev_word.filter(|&p| p + 1 == i && toks[i].space_before) {
                    let ps = toks[p].span.of(text);
                    let pl = ps.to_lowercase();
                    let attached = mentions.last().is_some_and(|m| m.toks.1 == p);
                    if is_cap(ps)
                        && !region
                        && !attached
                        && !lex.function.contains(&pl)
                        && !lex.direction.contains(&pl)
                        && !lex.locative.contains(&pl)
                        && !lex.title.contains(&pl)
                        && !(toks[p].sentence_start && self.has_key(&fold(ps)))
                    {
                        break 'r true;
                    }
                }
                // "Korean Peninsula", "Syrian Army": the word after a demonym belongs to it.
                let after_demonym = mentions.last().is_some_and(|m| m.demonym && m.toks.1 + 1 == i);
                if single
                    && after_demonym
                    && (lex.landmark.contains(&key) || lex.english.contains(&key) || lex.orghead.contains(&key))
                {
                    break 'r true;
                }
                // "Al" of "Al-Anbar": part of a hyphenated name the gazetteer does not have.
                if key.len() <= 3
                    && next.is_some_and(|n| !n.space_before && matches!(n.span.of(text), "-" | "‐"))
                    && toks.get(end + 2).is_some_and(|n| n.word && !n.space_before && is_cap(n.span.of(text)))
                {
                    break 'r true;
                }
                if single && surnames.contains(&key) {
                    break 'r true;
                }
                let context = locative_before || comma_after || admin_after || dash_after || place_noun;
                if demonym {
                    break 'r false;
                }
                let abbreviation = toks[end].span.of(text) == ".";
                // "US" is not "us": a capitalised-throughout country or region name is no word.
                let caps_region = is_all_caps(surface) && region;
                if single
                    && !abbreviation
                    && !caps_region
                    && lex.common.contains(&key)
                    && !(locative_before || admin_after)
                {
                    break 'r true;
                }
                if (t.sentence_start || is_all_caps(surface)) && !strong && !context && !dash_after {
                    // Capitalisation says nothing here: decided once the document's other
                    // places are known.
                    weak_start = true;
                    break 'r true;
                }
                !substantial && !context
            };
            if reject {
                if vetoed_by_tagger {
                    tagger_vetoed.push(Mention {
                        span,
                        key: key.clone(),
                        toks: (i, end),
                        cands: cands.clone(),
                        demonym,
                        entity: ner.map(|(e, _)| e),
                        admin_suffix: admin_after,
                        city_cue: false,
                        qualifier: Vec::new(),
                        is_container: false,
                        dateline: false,
                    });
                }
                if weak_start {
                    deferred.push(Mention {
                        span,
                        key,
                        toks: (i, end),
                        cands,
                        demonym,
                        entity: entity_exact(span).or(ner.map(|(e, _)| e)),
                        admin_suffix: admin_after,
                        city_cue: false,
                        qualifier: Vec::new(),
                        is_container: false,
                        dateline: false,
                    });
                }
                i = end + 1;
                continue;
            }
            let city_cue = prev_word.is_some_and(|p| {
                p + 2 == i
                    && toks[p + 1].word
                    && toks[p + 1].span.of(text) == "of"
                    && matches!(lower(p).as_str(), "city" | "town" | "village")
            }) || prev_word
                .is_some_and(|p| p + 2 == i && matches!(lower(p).as_str(), "city" | "town") && lower(p + 1) == "of");
            mentions.push(Mention {
                span,
                key,
                toks: (i, end),
                cands,
                demonym,
                entity: entity_exact(span).or(ner.map(|(e, _)| e)),
                admin_suffix: admin_after || governor_after,
                city_cue,
                qualifier: Vec::new(),
                is_container: false,
                dateline: in_dateline,
            });
            i = end + 1;
        }
        let placed: HashSet<(String, usize)> =
            mentions.iter().filter_map(|m| m.entity.map(|e| (m.key.clone(), e))).collect();
        let same_entity: Vec<Mention> = tagger_vetoed
            .into_iter()
            .filter(|m| m.entity.is_some_and(|e| placed.contains(&(m.key.clone(), e))))
            .collect();
        if !same_entity.is_empty() {
            mentions.extend(same_entity);
            mentions.sort_by_key(|m| m.span.start);
        }
        self.accept_deferred(&mut mentions, deferred);
        self.attach_qualifiers(doc, toks, &mut mentions);
        // "Idlib and Hama provinces": a plural region word after a list makes each a region.
        for k in (1..mentions.len()).rev() {
            let plural_after = mentions[k].admin_suffix
                && toks.get(mentions[k].toks.1 + 1).is_some_and(|t| t.span.of(text).ends_with('s'));
            if !plural_after {
                continue;
            }
            let mut j = k;
            while j > 0 {
                let between: Vec<&str> =
                    toks[mentions[j - 1].toks.1 + 1..mentions[j].toks.0].iter().map(|t| t.span.of(text)).collect();
                if !matches!(between.as_slice(), [","] | ["and"] | [",", "and"]) {
                    break;
                }
                mentions[j - 1].admin_suffix = true;
                j -= 1;
            }
        }
        mentions
    }

    /// Sentence-initial and all-capitals names of small places, kept when the document's
    /// other places vouch for them: the same name accepted elsewhere, or a candidate inside a
    /// region (admin1) the document names ("Roselle police…" in an article about DuPage County).
    fn accept_deferred(&self, mentions: &mut Vec<Mention>, deferred: Vec<Mention>) {
        if deferred.is_empty() {
            return;
        }
        let keys: HashSet<&str> = mentions.iter().map(|m| m.key.as_str()).collect();
        let mut regions: HashSet<u32> = HashSet::new();
        for m in mentions.iter() {
            for &(id, alt) in &m.cands {
                let p = self.place(id);
                if alt {
                    continue;
                }
                match p.kind {
                    PlaceKind::Admin1 => {
                        regions.insert(id);
                    }
                    PlaceKind::Admin2 | PlaceKind::City if m.cands.len() == 1 => {
                        regions.insert(p.admin1_place);
                    }
                    _ => {}
                }
            }
        }
        regions.remove(&crate::index::NO_PLACE);
        let keep: Vec<Mention> = deferred
            .into_iter()
            .filter(|m| {
                keys.contains(m.key.as_str())
                    || m.cands.iter().any(|&(id, alt)| !alt && regions.contains(&self.place(id).admin1_place))
            })
            .collect();
        if !keep.is_empty() {
            mentions.extend(keep);
            mentions.sort_by_key(|m| m.span.start);
        }
    }

    /// "Alexandria, Louisiana", "Springfield, Ill.", "Springfield, IL": the second name is the
    /// first one's container. Postal codes become mentions of their own here, and only here.
    fn attach_qualifiers(&self, doc: &Document, toks: &[Tok], mentions: &mut Vec<Mention>) {
        let text = &doc.text;
        let caps = is_all_caps_text(text);
        let mut extra = Vec::new();
        for k in 0..mentions.len() {
            let end = mentions[k].toks.1;
            if toks.get(end + 1).is_none_or(|t| t.span.of(text) != ",") {
                continue;
            }
            let Some(q_tok) = toks.get(end + 2) else { continue };
            if let Some(next) = mentions.get(k + 1).filter(|m| m.toks.0 == end + 2) {
                let regions: Vec<u32> = next
                    .cands
                    .iter()
                    .map(|&(id, _)| id)
                    .filter(|&id| {
                        matches!(self.place(id).kind, PlaceKind::Country | PlaceKind::Admin1 | PlaceKind::Admin2)
                    })
                    .collect();
                if !regions.is_empty() {
                    mentions[k + 1].is_container = true;
                }
                mentions[k].qualifier = regions;
            } else if q_tok.word
                && q_tok.span.len() == 2
                && is_all_caps(q_tok.span.of(text))
                // "FLORES, IN THE NORTHERN…": in all-capitals text "IN", "OR", "ME" are words.
                && !(caps && self.lex.is_word(&q_tok.span.of(text).to_lowercase()))
            {
                if let Some(state) = self.us_state(q_tok.span.of(text)) {
                    mentions[k].qualifier = vec![state];
                    extra.push(Mention {
                        span: q_tok.span,
                        key: fold(q_tok.span.of(text)),
                        toks: (end + 2, end + 2),
                        cands: vec![(state, false)],
                        demonym: false,
                        entity: None,
                        admin_suffix: false,
                        city_cue: false,
                        qualifier: Vec::new(),
                        is_container: false,
                        dateline: false,
                    });
                }
            }
        }
        if !extra.is_empty() {
            mentions.extend(extra);
            mentions.sort_by_key(|m| m.span.start);
        }
    }
}
