//! From tagged spans to entities: pattern rules (organisation names, acronyms, place kinds,
//! titles), then coreference within the document.

use sitrep_core::{Entity, EntityKind, Span};

use crate::features::CaseMode;
use crate::hash::word_key;
use crate::lexicon::Lexicon;

/// One mention before coreference: a token range of one sentence and what it is.
#[derive(Debug, Clone)]
pub struct Mention {
    pub span: Span,
    /// Byte spans of the mention's tokens.
    pub tokens: Vec<Span>,
    pub kind: EntityKind,
    /// For an acronym defined by "Name (ACR)": where its expansion starts (byte offset), so
    /// coreference puts both in one entity whatever else is added or dropped around them.
    pub link: Option<usize>,
    /// A description ("the brigade") kept only when it refers back to a named organisation.
    pub nominal: bool,
}

/// Connector words allowed inside a capitalised name ("Ministry of Defence", "Observatory for
/// Human Rights", "Convention of Patriots for Justice and Peace").
const CONNECTORS: [&str; 6] = ["of", "for", "and", "the", "on", "&"];
/// Words that never start a name even when capitalised at a sentence start.
const NEVER_START: [&str; 12] = ["the", "a", "an", "this", "that", "these", "those", "its", "his", "her", "their", "our"];

fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

fn is_connector(word: &str) -> bool {
    CONNECTORS.iter().any(|c| c.eq_ignore_ascii_case(word))
}

/// Title-cases a name written all in capitals or all in lower case ("AL-ASSAD" → "al-Assad");
/// other names are kept as written.
#[must_use]
pub fn normalise_case(name: &str, lex: &Lexicon) -> String {
    let has_upper = name.chars().any(char::is_uppercase);
    let has_lower = name.chars().any(char::is_lowercase);
    let letters = name.chars().filter(|c| c.is_alphabetic()).count();
    if has_upper && has_lower || (has_upper && letters <= 4 && !name.contains(' ')) {
        return name.to_owned();
    }
    let mut out = String::with_capacity(name.len());
    for (i, word) in name.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let lower = word.to_lowercase();
        if i > 0 && (lex.particles.contains_word(word_key(word)) || is_connector(word)) {
            out.push_str(&lower);
            continue;
        }
        let mut parts = lower.split('-').peekable();
        let mut first = true;
        while let Some(part) = parts.next() {
            if !first {
                out.push('-');
            }
            let is_particle = parts.peek().is_some() && lex.particles.contains_word(word_key(part));
            if is_particle {
                out.push_str(part);
            } else {
                let mut cs = part.chars();
                if let Some(c) = cs.next() {
                    out.extend(c.to_uppercase());
                    out.push_str(cs.as_str());
                }
            }
            first = false;
        }
    }
    out
}

/// Pattern rules over one sentence's tokens, on top of the tagger's mentions.
pub struct Rules<'a> {
    pub lex: &'a Lexicon,
}

impl Rules<'_> {
    /// Capitalised names holding an organisation head word ("Tawheed Brigade", "Syrian
    /// Observatory for Human Rights") become ORG mentions, replacing what the tagger made of
    /// them. Only in mixed-case text, where capitals mean something.
    pub fn org_names(&self, words: &[&str], spans: &[Span], mentions: &mut Vec<Mention>) {
        let n = words.len();
        let mut i = 0;
        while i < n {
            let starts_name = is_capitalised(words[i]) || self.lex.has_particle_prefix(words[i]);
            if !starts_name || NEVER_START.iter().any(|w| w.eq_ignore_ascii_case(words[i])) {
                i += 1;
                continue;
            }
            // A run of capitalised words, joined by "of", "for", "on", "of the", "and" or a
            // possessive between capitalised words ("Justice and Peace", "People's Liberation"),
            // but not by "and the", which joins two names.
            let start = i;
            let mut end = i + 1;
            let mut j = i + 1;
            while j < n {
                let w = words[j];
                if is_capitalised(w) || self.lex.has_particle_prefix(w) {
                    j += 1;
                    end = j;
                    continue;
                }
                let joined = |k: usize| words.get(k).is_some_and(|w| is_capitalised(w) || self.lex.has_particle_prefix(w));
                let lw = w.to_lowercase();
                let step = match lw.as_str() {
                    "of" | "for" | "on" if words.get(j + 1).is_some_and(|w| w.eq_ignore_ascii_case("the")) && joined(j + 2) => 2,
                    "of" | "for" | "on" | "and" | "&" | "'s" | "\u{2019}s" if joined(j + 1) => 1,
                    _ if self.lex.particles.contains_word(word_key(w)) && joined(j + 1) => 1,
                    _ => 0,
                };
                if step == 0 {
                    break;
                }
                j += step;
            }
            i = end.max(i + 1);
            let run = &words[start..end];
            let is_head = |w: &str| is_capitalised(w) && self.lex.org_heads.contains_word(word_key(w));
            let Some(first_head) = run.iter().position(|w| is_head(w)) else { continue };
            // A person with a title inside the run ("Foreign Office Minister Tobias Ellwood") is
            // the tagger's call: the organisation ends before the title.
            let mut stop = run.len();
            for (k, w) in run.iter().enumerate().skip(first_head + 1) {
                if self.lex.titles.contains_word(word_key(w)) && !is_head(w) {
                    stop = k;
                    break;
                }
            }
            let run = &run[..stop];
            let Some(last_head) = run.iter().rposition(|w| is_head(w)) else { continue };
            let mut org_end = last_head + 1;
            // "Observatory for Human Rights", "Ministry of Defence": the complement belongs to the name.
            if org_end + 1 < run.len() && is_connector(run[org_end]) && !run[org_end].eq_ignore_ascii_case("and") {
                org_end = run.len();
            }
            while org_end > 0 && is_connector(run[org_end - 1]) {
                org_end -= 1;
            }
            // A lone head word ("Army" at a sentence start, "Police") is not a name by itself.
            if org_end == 1 && run.len() == 1 {
                continue;
            }
            let (a, b) = (start, start + org_end);
            let span = Span::new(spans[a].start, spans[b - 1].end);
            // Where the tagger already has an organisation ending at the same word, its
            // segmentation stands ("Iraqi" NORP + "Foreign Ministry" ORG).
            if mentions.iter().any(|m| m.kind == EntityKind::Org && m.span.end == span.end && span.contains(m.span)) {
                continue;
            }
            let kept: Vec<Mention> = mentions
                .iter()
                .filter(|m| {
                    !m.span.overlaps(span)
                        // A person before the organisation's head keeps its place only when it
                        // is the tagger's person outside the name proper.
                        || (m.kind == EntityKind::Person && m.span.start >= spans[start + first_head].end)
                })
                .cloned()
                .collect();
            if kept.iter().any(|m| m.span.overlaps(span)) {
                continue;
            }
            *mentions = kept;
            mentions.push(Mention { span, tokens: spans[a..b].to_vec(), kind: EntityKind::Org, link: None, nominal: false });
        }
        mentions.sort_by_key(|m| m.span.start);
    }

    /// "Convention of Patriots for Justice and Peace (CPJP)": the expansion is found by the
    /// acronym's letters, made one ORG mention (or kept as the tagger's kind when it agrees on
    /// the span), and the acronym becomes a mention linked to it.
    pub fn acronyms(&self, words: &[&str], spans: &[Span], mentions: &mut Vec<Mention>) {
        for k in 2..words.len().saturating_sub(1) {
            if words[k - 1] != "(" || words[k + 1] != ")" {
                continue;
            }
            let acr = words[k];
            let letters: Vec<char> = acr.chars().filter(char::is_ascii_alphabetic).collect();
            if letters.len() < 2 || letters.len() > 10 || !acr.chars().all(|c| c.is_ascii_uppercase() || c == '-' || c == '.')
            {
                continue;
            }
            let Some(start) = self.expansion_start(&words[..k - 1], &letters) else { continue };
            let span = Span::new(spans[start].start, spans[k - 2].end);
            let kind = mentions.iter().find(|m| m.span == span).map_or(EntityKind::Org, |m| m.kind);
            mentions.retain(|m| !m.span.overlaps(span) && !m.span.overlaps(spans[k]));
            mentions.push(Mention { span, tokens: spans[start..k - 1].to_vec(), kind, link: None, nominal: false });
            mentions.push(Mention { span: spans[k], tokens: vec![spans[k]], kind, link: Some(span.start), nominal: false });
            mentions.sort_by_key(|m| m.span.start);
        }
    }

    /// Start of the shortest run of words before the parenthesis whose initials (connectors and
    /// particles skipped) spell `letters`.
    fn expansion_start(&self, before: &[&str], letters: &[char]) -> Option<usize> {
        let mut want = letters.len();
        let mut i = before.len();
        while i > 0 && want > 0 {
            i -= 1;
            let w = before[i];
            if is_connector(w) || self.lex.particles.contains_word(word_key(w)) {
                continue;
            }
            // A hyphenated word may give one initial per part ("al-Sham").
            let initial = w.rsplit('-').next().and_then(|p| p.chars().next())?;
            if !initial.to_uppercase().eq(letters[want - 1].to_uppercase()) {
                // Skip a lower-case article inside ("of the"), fail on anything else.
                return None;
            }
            if !is_capitalised(w.rsplit('-').next().unwrap_or(w)) {
                return None;
            }
            want -= 1;
        }
        (want == 0).then_some(i)
    }

    /// Titles right before a person ("COLONEL JOSE GARCIA", "Prime Minister Haider al-Abadi")
    /// belong to the mention, as GMB and re3d annotate it; in mixed-case text only capitalised ones.
    ///
    /// A name the tagger took for an organisation or place but that opens with a personal
    /// title ("Sheikh Abu Omar al-Ansari") is a person, and a title it tagged on its own right
    /// before a person ("Mullah" | "Mohammad Omar") joins that person.
    pub fn extend_titles(&self, words: &[&str], keys: &[u64], spans: &[Span], mode: CaseMode, mentions: &mut Vec<Mention>) {
        let index = |s: Span| spans.binary_search(&s).ok();
        for m in mentions.iter_mut().filter(|m| m.kind != EntityKind::Person) {
            let (Some(a), Some(b)) = (index(m.tokens[0]), m.tokens.last().and_then(|t| index(*t))) else { continue };
            let last = keys[b];
            let named_place_or_org = self.lex.org_heads.contains_word(last)
                || self.lex.loc_heads.contains_word(last)
                || self.lex.fac_heads.contains_word(last);
            if let Some((len, ())) = self.lex.titles.longest_at(&keys[a..=b]) {
                if a + len <= b && !named_place_or_org {
                    m.kind = EntityKind::Person;
                }
            }
        }
        let lone_titles: Vec<Span> = mentions
            .iter()
            .filter(|m| m.kind != EntityKind::Person || m.tokens.len() == 1)
            .filter(|m| {
                let (Some(a), Some(b)) = (index(m.tokens[0]), m.tokens.last().and_then(|t| index(*t))) else { return false };
                // The title covers the whole mention, maybe running on into the person
                // ("Prime" | "Minister Rafik Hariri"), or on to the person ("Prime" | Minister |
                // "Nouri al-Maliki").
                let Some((len, ())) = self.lex.titles.longest_at(&keys[a..]).filter(|(len, ())| a + len > b) else { return false };
                mentions.iter().any(|p| p.kind == EntityKind::Person && index(p.tokens[0]).is_some_and(|f| f > b && f <= a + len))
            })
            .map(|m| m.span)
            .collect();
        mentions.retain(|m| !lone_titles.contains(&m.span));
        let taken: Vec<Span> = mentions.iter().map(|m| m.span).collect();
        for m in mentions.iter_mut().filter(|m| m.kind == EntityKind::Person) {
            let Ok(mut a) = spans.binary_search(&m.tokens[0]) else { continue };
            // Grow left over a title phrase that ends at the mention or runs into it
            // ("Defense" before "Secretary Ash Carter").
            'grow: loop {
                for from in (a.saturating_sub(4)..a).rev() {
                    let fits = self.lex.titles.longest_at(&keys[from..]).is_some_and(|(l, ())| from + l >= a);
                    let capital = mode != CaseMode::Mixed || words[from..a].iter().all(|w| is_capitalised(w));
                    let free = !taken.iter().any(|t| t.overlaps(Span::new(spans[from].start, spans[a - 1].end)));
                    if fits && capital && free {
                        a = from;
                        continue 'grow;
                    }
                }
                break;
            }
            let first = spans.binary_search(&m.tokens[0]).unwrap_or(a);
            if a < first {
                let mut tokens = spans[a..first].to_vec();
                tokens.extend_from_slice(&m.tokens);
                m.tokens = tokens;
                m.span = Span::new(spans[a].start, m.span.end);
            }
        }
    }

    /// A person's name broken at a particle ("Abdullah" | ibn | "Saad al-Rashidi"): the two
    /// parts are one name, and a particle with a capitalised word right after a person belongs
    /// to it too ("Mohamed ould Abdel Aziz").
    pub fn join_particles(&self, words: &[&str], keys: &[u64], spans: &[Span], mentions: &mut Vec<Mention>) {
        let index = |s: Span| spans.binary_search(&s).ok();
        let mut i = 0;
        while i < mentions.len() {
            let Some(b) = mentions[i].tokens.last().and_then(|t| index(*t)) else {
                i += 1;
                continue;
            };
            let particle = b + 2 < words.len()
                && self.lex.particles.contains_word(keys[b + 1])
                && !is_capitalised(words[b + 1])
                && (is_capitalised(words[b + 2]) || self.lex.has_particle_prefix(words[b + 2]));
            if mentions[i].kind != EntityKind::Person || !particle {
                i += 1;
                continue;
            }
            let next = mentions.iter().position(|m| index(m.tokens[0]) == Some(b + 2));
            let taken = mentions.iter().any(|m| m.span.overlaps(spans[b + 1]) || m.span.overlaps(spans[b + 2]));
            let end = match next {
                Some(n) if mentions[n].kind == EntityKind::Person => {
                    let rest = mentions.remove(n);
                    if n < i {
                        i -= 1;
                    }
                    rest.tokens
                }
                None if !taken => vec![spans[b + 2]],
                _ => {
                    i += 1;
                    continue;
                }
            };
            let m = &mut mentions[i];
            m.tokens.push(spans[b + 1]);
            m.tokens.extend(end);
            m.span = Span::new(m.span.start, m.tokens.last().map_or(m.span.end, |t| t.end));
        }
    }

    /// Names from the word lists the tagger left out: known organisations and countries, and in
    /// all-caps or lower-case text, where the tagger has less to go on, nationalities.
    pub fn gazetteer(&self, words: &[&str], keys: &[u64], spans: &[Span], mode: CaseMode, mentions: &mut Vec<Mention>) {
        let mut i = 0;
        while i < words.len() {
            let add = |len: usize, kind: EntityKind, mentions: &mut Vec<Mention>| {
                let span = Span::new(spans[i].start, spans[i + len - 1].end);
                if mentions.iter().any(|m| m.span.overlaps(span) && !span.contains(m.span)) {
                    return false;
                }
                mentions.retain(|m| !span.contains(m.span));
                mentions.push(Mention { span, tokens: spans[i..i + len].to_vec(), kind, link: None, nominal: false });
                true
            };
            if let Some((len, _)) = self.lex.orgs.longest_at(&keys[i..]) {
                let w = words[i];
                let acronym_like = len == 1 && w.chars().filter(|c| c.is_alphabetic()).count() <= 5;
                let ok = if len > 1 {
                    mode != CaseMode::Mixed || is_capitalised(w) || self.lex.has_particle_prefix(w)
                } else if acronym_like {
                    mode == CaseMode::Mixed && w.chars().all(|c| !c.is_lowercase())
                } else {
                    mode != CaseMode::Mixed || is_capitalised(w)
                };
                if ok && add(len, EntityKind::Org, mentions) {
                    i += len;
                    continue;
                }
            }
            // Countries (and, outside mixed case, nationalities) the tagger missed.
            if mode != CaseMode::Mixed || is_capitalised(words[i]) {
                // Outside lower-case text the tagger is better at nationalities than the list
                // ("Muslim", "Western" are NORP or not by context).
                let norp = self
                    .lex
                    .demonyms
                    .longest_at(&keys[i..])
                    .filter(|_| mode == CaseMode::Lower)
                    .map(|(l, _)| (l, EntityKind::Norp));
                let gpe = self.lex.countries.longest_at(&keys[i..]).map(|(l, _)| (l, EntityKind::Gpe));
                // Outside mixed case a short abbreviation may be a word: "CAR", "US" (the pronoun).
                let pronoun = mode != CaseMode::Mixed && words[i].chars().filter(|c| c.is_alphabetic()).count() <= 3
                    && !words[i].contains('.');
                if let Some((len, kind)) = norp.or(gpe).filter(|_| !pronoun) {
                    if !mentions.iter().any(|m| m.span.overlaps(Span::new(spans[i].start, spans[i + len - 1].end))) {
                        add(len, kind, mentions);
                        i += len;
                        continue;
                    }
                }
            }
            i += 1;
        }
        mentions.sort_by_key(|m| m.span.start);
    }

    /// GMB's `geo` covers countries, cities, rivers and buildings: split into GPE, LOC and FAC
    /// by the last word of the name.
    #[must_use]
    pub fn place_kind(&self, last_word: &str) -> EntityKind {
        let key = word_key(last_word);
        if self.lex.fac_heads.contains_word(key) {
            EntityKind::Fac
        } else if self.lex.loc_heads.contains_word(key) {
            EntityKind::Loc
        } else {
            EntityKind::Gpe
        }
    }

    /// Splits a person mention into title and name: the title ends after the last title word
    /// that still has a name after it ("Russian Foreign Minister Sergei Lavrov" → title
    /// "Russian Foreign Minister", name "Sergei Lavrov").
    #[must_use]
    pub fn split_title(&self, words: &[&str]) -> usize {
        let keys: Vec<u64> = words.iter().map(|w| word_key(w)).collect();
        let mut name_start = 0;
        let mut i = 0;
        while i < words.len() {
            match self.lex.titles.longest_at(&keys[i..]) {
                Some((len, ())) if i + len < words.len() => {
                    name_start = i + len;
                    i += len;
                }
                _ => i += 1,
            }
        }
        name_start
    }
}

/// What coreference compares: a name's lower-cased words, particles stripped.
fn name_words(name: &str, lex: &Lexicon) -> Vec<String> {
    name.split([' ', '-'])
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
        .filter(|w| !w.is_empty() && !lex.particles.contains_word(word_key(w)) && !is_connector(w))
        .collect()
}

fn key_of(name: &str) -> String {
    let lower = name.to_lowercase();
    let trimmed = lower.strip_prefix("the ").unwrap_or(&lower);
    trimmed.replace(['\u{2019}', '`'], "'")
}

/// Initials of the capitalised content words of a name ("Free Syrian Army" → "FSA").
fn initials(name: &str, lex: &Lexicon) -> String {
    name.split(' ')
        .filter(|w| !is_connector(w) && !lex.particles.contains_word(word_key(w)))
        .filter_map(|w| w.rsplit('-').next().and_then(|p| p.chars().next()))
        .filter(|c| c.is_uppercase())
        .collect()
}

/// An entity being assembled.
struct Cluster {
    kinds: Vec<EntityKind>,
    mentions: Vec<Span>,
    /// Names (titles stripped) of its mentions, for the canonical name.
    names: Vec<String>,
    words: Vec<String>,
    keys: Vec<String>,
    acronym: Option<String>,
    title: Option<String>,
    country: Option<String>,
    /// Named in full as a person somewhere ("Bashar al-Assad"): the entity is a person.
    full_person: bool,
}

/// A mention ready for coreference: its name without title, and the title.
pub struct Named {
    pub mention: Mention,
    pub name: String,
    pub title: Option<String>,
}

/// Groups mentions into entities and numbers them E1.. in order of first mention.
#[must_use]
pub fn cluster(named: Vec<Named>, lex: &Lexicon) -> Vec<Entity> {
    let mut clusters: Vec<Cluster> = Vec::new();
    // Mention start → its cluster, for acronyms linked to their expansion.
    let mut cluster_at: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for n in &named {
        let kind = n.mention.kind;
        let key = key_of(&n.name);
        let alias = lex.aliases.get(&key).map(|c| c.to_lowercase());
        let keys: Vec<u64> = n.name.split(' ').map(word_key).collect();
        let country = match kind {
            EntityKind::Gpe | EntityKind::Loc => {
                lex.countries.longest_at(&keys).filter(|(len, _)| *len == keys.len()).map(|(_, c)| c.clone())
            }
            _ => None,
        };
        let words = name_words(&n.name, lex);
        let is_acronym = n.name.len() >= 2 && n.name.chars().all(|c| c.is_ascii_uppercase() || c == '.' || c == '-');
        let found = n
            .mention
            .link
            .and_then(|start| cluster_at.get(&start).copied())
            .or_else(|| {
                if n.mention.nominal {
                    return None;
                }
                clusters.iter().rposition(|c| {
                    c.keys.contains(&key)
                        || alias.as_ref().is_some_and(|a| c.keys.contains(a))
                        || (country.is_some() && c.country == country)
                })
            })
            .or_else(|| match kind {
                EntityKind::Person if !words.is_empty() => clusters.iter().rposition(|c| {
                    c.kinds.contains(&EntityKind::Person)
                        && (words.iter().all(|w| c.words.contains(w)) || c.words.iter().all(|w| words.contains(w)))
                }),
                EntityKind::Org if is_acronym => {
                    let acr: String = n.name.chars().filter(char::is_ascii_uppercase).collect();
                    clusters.iter().rposition(|c| c.acronym.as_deref() == Some(acr.as_str()))
                }
                // "the Observatory" after "Syrian Observatory for Human Rights".
                EntityKind::Org if words.len() == 1 && lex.org_heads.contains_word(word_key(&words[0])) => clusters
                    .iter()
                    .rposition(|c| c.kinds.contains(&EntityKind::Org) && c.words.len() > 1 && c.words.contains(&words[0])),
                // One sense per document: "Assad" tagged as a place after "Bashar al-Assad".
                EntityKind::Gpe | EntityKind::Loc | EntityKind::Org | EntityKind::Norp
                    if words.len() == 1 && country.is_none() && !is_acronym =>
                {
                    clusters.iter().rposition(|c| c.full_person && c.words.last() == words.last())
                }
                _ => None,
            });
        let ci = if let Some(ci) = found {
            ci
        } else if n.mention.nominal {
            continue;
        } else {
            clusters.push(Cluster {
                kinds: Vec::new(),
                mentions: Vec::new(),
                names: Vec::new(),
                words: Vec::new(),
                keys: Vec::new(),
                acronym: None,
                title: None,
                country: None,
                full_person: false,
            });
            clusters.len() - 1
        };
        let c = &mut clusters[ci];
        c.kinds.push(kind);
        c.full_person |= kind == EntityKind::Person && words.len() > 1;
        c.mentions.push(n.mention.span);
        c.names.push(n.name.clone());
        for w in words {
            if !c.words.contains(&w) {
                c.words.push(w);
            }
        }
        c.keys.push(key);
        c.keys.extend(alias);
        if is_acronym {
            c.acronym.get_or_insert_with(|| n.name.chars().filter(char::is_ascii_uppercase).collect());
        } else if kind == EntityKind::Org && c.acronym.is_none() {
            let acr = initials(&n.name, lex);
            if acr.len() >= 2 {
                c.acronym = Some(acr);
            }
        }
        if c.title.is_none() {
            c.title.clone_from(&n.title);
        }
        if c.country.is_none() {
            c.country = country;
        }
        cluster_at.insert(n.mention.span.start, ci);
    }
    let mut entities: Vec<Entity> = clusters
        .into_iter()
        .map(|mut c| {
            c.mentions.sort();
            c.mentions.dedup();
            let kind = if c.full_person { EntityKind::Person } else { majority(&c.kinds) };
            Entity {
                id: String::new(),
                kind,
                canonical: canonical(&c, kind, lex),
                mentions: c.mentions,
                title: c.title,
                actor_id: None,
                geo: None,
            }
        })
        .collect();
    entities.sort_by_key(|e| e.mentions.first().map_or(usize::MAX, |m| m.start));
    for (i, e) in entities.iter_mut().enumerate() {
        e.id = format!("E{}", i + 1);
    }
    entities
}

fn majority(kinds: &[EntityKind]) -> EntityKind {
    let mut counts: Vec<(EntityKind, usize)> = Vec::new();
    for k in kinds {
        match counts.iter_mut().find(|(c, _)| c == k) {
            Some((_, n)) => *n += 1,
            None => counts.push((*k, 1)),
        }
    }
    // Ties go to the first kind seen: max_by_key keeps the last maximum, so search reversed.
    counts.iter().rev().max_by_key(|(_, n)| *n).map_or(EntityKind::Org, |(k, _)| *k)
}

/// The entity's normalised name: a known alias's canonical form, a country's name, else the
/// longest name among its mentions (acronyms only when nothing else), case-normalised.
fn canonical(c: &Cluster, kind: EntityKind, lex: &Lexicon) -> String {
    for name in &c.names {
        if let Some(canon) = lex.aliases.get(&key_of(name)) {
            return canon.clone();
        }
    }
    if let Some(code) = &c.country {
        if let Some(name) = COUNTRY_NAMES.iter().find(|(k, _)| k == code).map(|(_, n)| *n) {
            return (*name).to_owned();
        }
    }
    let is_acr = |s: &str| s.chars().all(|ch| ch.is_ascii_uppercase() || ch == '.' || ch == '-');
    let best = c
        .names
        .iter()
        .filter(|n| !is_acr(n) || kind != EntityKind::Org)
        .max_by_key(|n| (n.split(' ').count(), n.len()))
        .or_else(|| c.names.first())
        .map_or("", String::as_str);
    let best = best.strip_prefix("the ").or_else(|| best.strip_prefix("The ")).unwrap_or(best);
    normalise_case(best, lex)
}

/// Preferred names for the countries whose abbreviations are common in news.
const COUNTRY_NAMES: [(&str, &str); 6] = [
    ("US", "United States"),
    ("GB", "United Kingdom"),
    ("AE", "United Arab Emirates"),
    ("CD", "Democratic Republic of the Congo"),
    ("CF", "Central African Republic"),
    ("PS", "Palestine"),
];
