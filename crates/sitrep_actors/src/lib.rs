//! The actor dictionary: who the armed and political actors are, as ACLED names them, and the words the
//! news uses for them.
//!
//! Three data files, each documented in its header and editable by analysts:
//! - `data/actors.tsv`: named actors (id, ACLED name, kind, country, generic role, aliases);
//! - `data/generics.tsv`: generic phrases ("the army", "rebels", "unidentified gunmen") whose country comes
//!   from the context;
//! - `data/countries.tsv`: countries with their names, nationality words and dateline cities.
//!
//! [`ActorDictionary::find`] runs one Aho-Corasick pass over a text and returns every whole-word match with
//! its span; [`ActorDictionary::resolve`] turns a match into an [`Actor`] once the country is known.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use sitrep_core::{Actor, ActorKind, Span};

const ACTORS_TSV: &str = include_str!("../data/actors.tsv");
const GENERICS_TSV: &str = include_str!("../data/generics.tsv");
const COUNTRIES_TSV: &str = include_str!("../data/countries.tsv");

/// A stable hash of the actor dictionary, for the output's `provenance.lexicons`.
#[must_use]
pub fn data_fingerprint() -> u64 {
    sitrep_core::fingerprint::data_fingerprint(&[
        ("actors.tsv", ACTORS_TSV),
        ("generics.tsv", GENERICS_TSV),
        ("countries.tsv", COUNTRIES_TSV),
    ])
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{file} line {line}: expected {expected} TAB-separated columns, found {found} (see the format in the file's header)")]
    Columns { file: &'static str, line: usize, expected: usize, found: usize },
    #[error("{file} line {line}: unknown actor kind {kind:?}; use one of state_forces rebel_group political_militia identity_militia rioters protesters civilians external_forces other")]
    Kind { file: &'static str, line: usize, kind: String },
    #[error("building the actor matcher failed: {0}")]
    Matcher(#[from] aho_corasick::BuildError),
}

/// A named actor from `actors.tsv`.
#[derive(Debug, Clone)]
pub struct ActorEntry {
    pub id: String,
    pub name: String,
    pub kind: ActorKind,
    pub country: Option<String>,
    /// The generic role this actor fills in its country (`military`, `police`, `rebels`).
    pub role: Option<String>,
}

/// A generic actor phrase from `generics.tsv`.
#[derive(Debug, Clone)]
pub struct GenericPhrase {
    pub phrase: String,
    pub kind: ActorKind,
    pub role: Option<String>,
    pub template: String,
}

#[derive(Debug, Clone)]
pub struct Country {
    pub iso2: String,
    pub name: String,
}

/// What a matched phrase refers to (indices into the dictionary's tables).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    Actor(usize),
    Generic(usize),
    /// The country's name ("Syria").
    CountryName(usize),
    /// A nationality word ("Syrian").
    Demonym(usize),
    /// A city that heads datelines ("Damascus").
    City(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub span: Span,
    pub hit: Hit,
}

/// How a surface form is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CaseRule {
    Insensitive,
    /// Acronyms: exact case only.
    Exact,
    /// Exact case, and never in all-capitals text, where the acronym is also a common word ("US", "IS").
    ExactNotInCaps,
}

fn parse_surface(raw: &str) -> (&str, CaseRule) {
    if let Some(rest) = raw.strip_prefix("=!") {
        (rest, CaseRule::ExactNotInCaps)
    } else if let Some(rest) = raw.strip_prefix('=') {
        (rest, CaseRule::Exact)
    } else {
        (raw, CaseRule::Insensitive)
    }
}

fn parse_kind(file: &'static str, line: usize, kind: &str) -> Result<ActorKind, Error> {
    Ok(match kind {
        "state_forces" => ActorKind::StateForces,
        "rebel_group" => ActorKind::RebelGroup,
        "political_militia" => ActorKind::PoliticalMilitia,
        "identity_militia" => ActorKind::IdentityMilitia,
        "rioters" => ActorKind::Rioters,
        "protesters" => ActorKind::Protesters,
        "civilians" => ActorKind::Civilians,
        "external_forces" => ActorKind::ExternalForces,
        "other" => ActorKind::Other,
        _ => return Err(Error::Kind { file, line, kind: kind.to_owned() }),
    })
}

fn dash_none(s: &str) -> Option<String> {
    (s != "-" && !s.is_empty()).then(|| s.to_owned())
}

/// Data lines of a TSV file with their 1-based line numbers, split into exactly `n` columns.
fn rows<'a>(file: &'static str, text: &'a str, n: usize) -> Result<Vec<(usize, Vec<&'a str>)>, Error> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != n {
            return Err(Error::Columns { file, line: i + 1, expected: n, found: cols.len() });
        }
        out.push((i + 1, cols));
    }
    Ok(out)
}

fn alternatives(col: &str) -> impl Iterator<Item = &str> {
    col.split('|').map(str::trim).filter(|s| !s.is_empty() && *s != "-")
}

/// True when a text is written in capitals (old wire copy, MUC-4): acronym case carries no information there.
#[must_use]
pub fn is_all_caps(text: &str) -> bool {
    let (mut upper, mut lower) = (0usize, 0usize);
    for c in text.chars().filter(char::is_ascii_alphabetic) {
        if c.is_ascii_uppercase() {
            upper += 1;
        } else {
            lower += 1;
        }
    }
    upper > 0 && lower * 10 < upper
}

/// Word characters for the whole-word check: a hyphen joins words, so "anti-government forces" does not
/// contain the actor "government forces".
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-'
}

pub struct ActorDictionary {
    actors: Vec<ActorEntry>,
    generics: Vec<GenericPhrase>,
    countries: Vec<Country>,
    insensitive: AhoCorasick,
    insensitive_hits: Vec<Hit>,
    exact: AhoCorasick,
    exact_hits: Vec<(Hit, CaseRule)>,
}

impl std::fmt::Debug for ActorDictionary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActorDictionary")
            .field("actors", &self.actors.len())
            .field("generics", &self.generics.len())
            .field("countries", &self.countries.len())
            .finish_non_exhaustive()
    }
}

impl ActorDictionary {
    /// The dictionary compiled into the binary from `data/`.
    ///
    /// # Errors
    /// When a data file is malformed; the message names the file and line.
    pub fn load() -> Result<Self, Error> {
        Self::from_sources(ACTORS_TSV, GENERICS_TSV, COUNTRIES_TSV)
    }

    /// A dictionary from the given file contents (same formats as the files in `data/`).
    ///
    /// # Errors
    /// When a file is malformed.
    pub fn from_sources(actors_tsv: &str, generics_tsv: &str, countries_tsv: &str) -> Result<Self, Error> {
        let mut insensitive_pats: Vec<String> = Vec::new();
        let mut insensitive_hits = Vec::new();
        let mut exact_pats: Vec<String> = Vec::new();
        let mut exact_hits = Vec::new();
        let mut add = |surface: &str, hit: Hit| {
            let (s, rule) = parse_surface(surface);
            if rule == CaseRule::Insensitive {
                insensitive_pats.push(s.to_owned());
                insensitive_hits.push(hit);
            } else {
                exact_pats.push(s.to_owned());
                exact_hits.push((hit, rule));
            }
        };

        let mut actors = Vec::new();
        for (line, c) in rows("actors.tsv", actors_tsv, 6)? {
            let idx = actors.len();
            actors.push(ActorEntry {
                id: c[0].to_owned(),
                name: c[1].to_owned(),
                kind: parse_kind("actors.tsv", line, c[2])?,
                country: dash_none(c[3]),
                role: dash_none(c[4]),
            });
            for alias in alternatives(c[5]) {
                add(alias, Hit::Actor(idx));
            }
        }
        let mut generics = Vec::new();
        for (line, c) in rows("generics.tsv", generics_tsv, 4)? {
            let idx = generics.len();
            generics.push(GenericPhrase {
                phrase: c[0].to_owned(),
                kind: parse_kind("generics.tsv", line, c[1])?,
                role: dash_none(c[2]),
                template: c[3].to_owned(),
            });
            add(c[0], Hit::Generic(idx));
        }
        let mut countries = Vec::new();
        for (_, c) in rows("countries.tsv", countries_tsv, 5)? {
            let idx = countries.len();
            countries.push(Country { iso2: c[0].to_owned(), name: c[1].to_owned() });
            add(c[1], Hit::CountryName(idx));
            for name in alternatives(c[2]) {
                add(name, Hit::CountryName(idx));
            }
            for demonym in alternatives(c[3]) {
                add(demonym, Hit::Demonym(idx));
            }
            for city in alternatives(c[4]) {
                add(city, Hit::City(idx));
            }
        }
        let insensitive = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            // A DFA: built once at load, several times faster per sentence than the default NFA.
            .kind(Some(AhoCorasickKind::DFA))
            .build(&insensitive_pats)?;
        let exact = AhoCorasickBuilder::new().match_kind(MatchKind::Standard)
            // A DFA: built once at load, several times faster per sentence than the default NFA.
            .kind(Some(AhoCorasickKind::DFA)).build(&exact_pats)?;
        Ok(Self { actors, generics, countries, insensitive, insensitive_hits, exact, exact_hits })
    }

    #[must_use]
    pub fn actors(&self) -> &[ActorEntry] {
        &self.actors
    }

    #[must_use]
    pub fn generics(&self) -> &[GenericPhrase] {
        &self.generics
    }

    #[must_use]
    pub fn countries(&self) -> &[Country] {
        &self.countries
    }

    /// The generic role ("military", "police", "rebels") an actor fills: its dictionary entry's, or that
    /// of the generic phrase whose name template it was made from ("Police Forces of Syria").
    #[must_use]
    pub fn role_of(&self, a: &Actor) -> Option<&str> {
        if let Some(id) = &a.actor_id {
            return self.actor_by_id(id).and_then(|e| e.role.as_deref());
        }
        self.generics
            .iter()
            .find(|g| {
                let stem = g.template.split("{country}").next().unwrap_or(&g.template);
                let stem = stem.trim_end_matches([' ', '(']).trim_end_matches(" of");
                !stem.is_empty() && a.name.starts_with(stem)
            })
            .and_then(|g| g.role.as_deref())
    }

    #[must_use]
    pub fn actor_by_id(&self, id: &str) -> Option<&ActorEntry> {
        self.actors.iter().find(|a| a.id == id)
    }

    #[must_use]
    pub fn country(&self, iso2: &str) -> Option<&Country> {
        self.countries.iter().find(|c| c.iso2 == iso2)
    }

    /// Every whole-word match in `text[span]`, non-overlapping (the longest wins where matches overlap),
    /// sorted by position, with spans into `text`. `all_caps` is [`is_all_caps`] of the whole document.
    #[must_use]
    pub fn find_in(&self, text: &str, span: Span, all_caps: bool) -> Vec<Match> {
        let hay = &text[span.start..span.end];
        let bounded = |s: usize, e: usize| {
            let before = hay[..s].chars().next_back().is_none_or(|c| !is_word_char(c));
            let after = hay[e..].chars().next().is_none_or(|c| !is_word_char(c));
            // A trailing period belongs to the alias ("U.S.") only; a word-initial match must start a word.
            before && after
        };
        let mut found: Vec<Match> = Vec::new();
        for m in self.insensitive.find_overlapping_iter(hay) {
            if bounded(m.start(), m.end()) {
                let hit = self.insensitive_hits[m.pattern().as_usize()];
                found.push(Match { span: Span::new(m.start(), m.end()).shifted(span.start), hit });
            }
        }
        for m in self.exact.find_overlapping_iter(hay) {
            let (hit, rule) = self.exact_hits[m.pattern().as_usize()];
            if rule == CaseRule::ExactNotInCaps && all_caps {
                continue;
            }
            if bounded(m.start(), m.end()) {
                found.push(Match { span: Span::new(m.start(), m.end()).shifted(span.start), hit });
            }
        }
        // Longest first, then leftmost; keep those that do not overlap a kept one.
        found.sort_by(|a, b| b.span.len().cmp(&a.span.len()).then(a.span.start.cmp(&b.span.start)));
        let mut kept: Vec<Match> = Vec::with_capacity(found.len());
        for m in found {
            if !kept.iter().any(|k| k.span.overlaps(m.span)) {
                kept.push(m);
            }
        }
        kept.sort_by_key(|m| m.span.start);
        kept
    }

    /// [`Self::find_in`] over the whole text.
    #[must_use]
    pub fn find(&self, text: &str) -> Vec<Match> {
        self.find_in(text, Span::new(0, text.len()), is_all_caps(text))
    }

    /// The country a match names or implies (actors with a home country, country names, nationalities,
    /// cities); `None` for generic phrases.
    #[must_use]
    pub fn country_of(&self, hit: Hit) -> Option<&str> {
        match hit {
            Hit::Actor(i) => self.actors[i].country.as_deref(),
            Hit::Generic(_) => None,
            Hit::CountryName(i) | Hit::Demonym(i) | Hit::City(i) => Some(self.countries[i].iso2.as_str()),
        }
    }

    /// The actor kind of an actor or generic match.
    #[must_use]
    pub fn kind_of(&self, hit: Hit) -> Option<ActorKind> {
        match hit {
            Hit::Actor(i) => Some(self.actors[i].kind),
            Hit::Generic(i) => Some(self.generics[i].kind),
            _ => None,
        }
    }

    /// The actor an actor or generic match refers to. `country` is where the phrase's country comes from
    /// when it names none itself: a nationality word before it, else the document's country. A state force
    /// of another country than `doc_country` is coded as external forces, as ACLED's interaction codes do.
    #[must_use]
    pub fn resolve(&self, m: Match, text: &str, country: Option<&str>, doc_country: Option<&str>) -> Option<Actor> {
        let words = Some(m.span);
        match m.hit {
            Hit::Actor(i) => {
                let a = &self.actors[i];
                let mut kind = a.kind;
                if kind == ActorKind::StateForces {
                    if let (Some(home), Some(doc)) = (a.country.as_deref(), doc_country) {
                        if home != doc {
                            kind = ActorKind::ExternalForces;
                        }
                    }
                }
                Some(Actor { name: a.name.clone(), kind, country: a.country.clone(), span: words, actor_id: Some(a.id.clone()), basis: None })
            }
            Hit::Generic(i) => {
                let g = &self.generics[i];
                let _ = text;
                if let (Some(role), Some(c)) = (g.role.as_deref(), country) {
                    if let Some(a) =
                        self.actors.iter().find(|a| a.role.as_deref() == Some(role) && a.country.as_deref() == Some(c))
                    {
                        let mut kind = a.kind;
                        if kind == ActorKind::StateForces && doc_country.is_some_and(|d| d != c) {
                            kind = ActorKind::ExternalForces;
                        }
                        return Some(Actor {
                            name: a.name.clone(),
                            kind,
                            country: Some(c.to_owned()),
                            span: words,
                            actor_id: Some(a.id.clone()),
                            basis: None,
                        });
                    }
                }
                let country_name = country.and_then(|c| self.country(c)).map(|c| c.name.as_str());
                let name = match country_name {
                    Some(n) => g.template.replace("{country}", n),
                    None => g.template.replace(" of {country}", "").replace(" ({country})", "").replace("{country}", ""),
                };
                let mut kind = g.kind;
                if kind == ActorKind::StateForces && country.is_some() && doc_country.is_some() && country != doc_country {
                    kind = ActorKind::ExternalForces;
                }
                let country = if g.kind == ActorKind::ExternalForces && g.template.contains("United States") {
                    Some("US".to_owned())
                } else {
                    country.map(str::to_owned)
                };
                Some(Actor { name, kind, country, span: words, actor_id: None, basis: None })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dict() -> ActorDictionary {
        ActorDictionary::load().expect("the shipped data files parse")
    }

    fn surfaces(d: &ActorDictionary, text: &str) -> Vec<String> {
        d.find(text).iter().map(|m| text[m.span.start..m.span.end].to_owned()).collect()
    }

    #[test]
    fn aliases_of_one_group_resolve_to_one_actor() {
        let d = dict();
        let text = "Hayat Tahrir al-Sham (HTS), also called Tahrir al-Sham, said";
        let ids: Vec<String> = d
            .find(text)
            .into_iter()
            .filter_map(|m| d.resolve(m, text, None, Some("SY")))
            .filter_map(|a| a.actor_id)
            .collect();
        assert_eq!(ids, ["SY-HTS", "SY-HTS", "SY-HTS"]);
    }

    #[test]
    fn police_and_army_keep_their_role_whether_named_or_generic() {
        let d = dict();
        let roles: Vec<Option<String>> = ["Afghan National Police", "the police", "the army", "gunmen"]
            .iter()
            .map(|text| {
                let m = d.find(text).into_iter().next().unwrap_or_else(|| panic!("{text} not found"));
                let a = d.resolve(m, text, Some("AF"), Some("AF")).expect("resolves");
                d.role_of(&a).map(str::to_owned)
            })
            .collect();
        assert_eq!(roles[0].as_deref(), Some("police"));
        assert_eq!(roles[1].as_deref(), Some("police"));
        assert_eq!(roles[2].as_deref(), Some("military"));
        assert_ne!(roles[3].as_deref(), Some("police"));
    }

    #[test]
    fn longest_alias_wins_and_words_are_whole() {
        let d = dict();
        assert_eq!(surfaces(&d, "The Syrian Democratic Forces advanced."), ["Syrian Democratic Forces"]);
        // "anti-government forces" is not "government forces"; "armyworm" is not "army".
        assert!(surfaces(&d, "anti-government forces and an armyworm").is_empty());
    }

    #[test]
    fn acronyms_match_only_in_their_case_and_us_is_a_pronoun_in_capitals() {
        let d = dict();
        assert_eq!(surfaces(&d, "a US drone and the hts"), ["US drone"]);
        assert!(surfaces(&d, "HE TOLD US THAT").is_empty());
        assert_eq!(surfaces(&d, "THE FMLN ATTACKED"), ["FMLN"]);
    }

    #[test]
    fn generic_phrases_take_the_country_and_its_role_actor() {
        let d = dict();
        let text = "guerrillas attacked troops";
        let ms = d.find(text);
        let g = d.resolve(ms[0], text, Some("SV"), Some("SV")).unwrap();
        assert_eq!(g.name, "FMLN: Farabundo Marti National Liberation Front");
        assert_eq!(g.kind, ActorKind::RebelGroup);
        let t = d.resolve(ms[1], text, Some("NG"), Some("NG")).unwrap();
        assert_eq!(t.name, "Military Forces of Nigeria (2023-)");
        assert_eq!(t.kind, ActorKind::StateForces);
        let foreign = d.resolve(ms[1], text, Some("FR"), Some("ML")).unwrap();
        assert_eq!((foreign.name.as_str(), foreign.kind), ("Military Forces of France", ActorKind::ExternalForces));
        let text = "unidentified gunmen";
        let m = d.find(text)[0];
        assert_eq!(d.resolve(m, text, Some("NG"), Some("NG")).unwrap().name, "Unidentified Armed Group (Nigeria)");
        assert_eq!(d.resolve(m, text, None, None).unwrap().name, "Unidentified Armed Group");
    }

    #[test]
    fn countries_come_from_names_nationalities_and_cities() {
        let d = dict();
        let text = "KABUL - Syrian and Peruvian officials met in Bogota.";
        let cs: Vec<&str> = d.find(text).into_iter().filter_map(|m| d.country_of(m.hit)).collect();
        assert_eq!(cs, ["AF", "SY", "PE", "CO"]);
    }

    #[test]
    fn malformed_rows_are_reported_with_their_line() {
        let err = ActorDictionary::from_sources("# h\nX\tname\tstate_forces\n", "", "").unwrap_err();
        assert!(err.to_string().contains("actors.tsv line 2"), "{err}");
        let err = ActorDictionary::from_sources("X\tn\tsoldiers\t-\t-\ta\n", "", "").unwrap_err();
        assert!(err.to_string().contains("unknown actor kind"), "{err}");
    }
}
