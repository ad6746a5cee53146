//! The outlet as a weak geographic focus: the country of a host's country-code top-level
//! domain ("independent.ie") and the towns its name spells ("theparisnews.com" is the, Paris,
//! news; "concordmonitor.com" is Concord, monitor). Local papers are named after their town
//! and write about it without naming its state; the host says which town, the text's other
//! places which of that town's namesakes.

use std::collections::HashSet;

use sitrep_core::Document;

use crate::index::PlaceKind;
use crate::Gazetteer;

const OUTLET_WORDS: &str = include_str!("../data/outlet_words.txt");

/// Shortest host-name segment read as a place: shorter ones are initials ("la", "bc", "wv").
const MIN_PLACE_LEN: usize = 4;
/// Longest segment tried ("newlondon", "intelligencer", "springfield" are far shorter).
const MAX_SEGMENT_LEN: usize = 24;
/// A town a host names must be one a paper could be named after: big enough that the name
/// is not chance ("jeff" in "daily-jeff").
const MIN_TOWN_POPULATION: u64 = 5_000;

/// The word lists of `data/outlet_words.txt`.
#[derive(Debug, Default)]
pub(crate) struct OutletWords {
    words: HashSet<String>,
    generic_tlds: HashSet<String>,
    second_levels: HashSet<String>,
}

impl OutletWords {
    pub(crate) fn compiled() -> Self {
        let mut w = Self::default();
        for line in OUTLET_WORDS.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            if let Some(t) = line.strip_prefix("tld:") {
                w.generic_tlds.insert(t.to_owned());
            } else if let Some(s) = line.strip_prefix("sld:") {
                w.second_levels.insert(s.to_owned());
            } else {
                w.words.insert(line.to_owned());
            }
        }
        w
    }
}

/// What the outlet says about where the article is.
#[derive(Debug, Default, Clone)]
pub(crate) struct OutletFocus {
    /// The country of a country-code top-level domain.
    pub country: Option<[u8; 2]>,
    /// Each place name the host spells: its folded key and its candidates (towns of
    /// [`MIN_TOWN_POPULATION`] and more, regions, countries).
    pub names: Vec<(String, Vec<u32>)>,
}

/// The lowercase host of the document's URL ("https://www.Example.com:80/x" → "example.com"),
/// else of an outlet field that is itself a host name (a file path has no host).
#[must_use]
pub fn host_of(doc: &Document) -> Option<String> {
    let from_url = doc.url.as_deref().and_then(|u| host_in(u.split_once("://").map_or(u, |(_, rest)| rest)));
    from_url.or_else(|| {
        doc.outlet.as_deref().filter(|o| o.contains('.') && !o.contains(char::is_whitespace)).and_then(host_in)
    })
}

fn host_in(raw: &str) -> Option<String> {
    let host = raw.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next()?.trim_end_matches('.').to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_owned();
    (host.contains('.') && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')).then_some(host)
}

impl Gazetteer {
    /// The outlet focus of `doc` from its URL (or outlet host name); empty when it has none.
    pub(crate) fn outlet_focus(&self, doc: &Document) -> OutletFocus {
        let mut focus = OutletFocus::default();
        let Some(host) = host_of(doc) else { return focus };
        let mut labels: Vec<&str> = host.split('.').collect();
        let Some(tld) = labels.pop() else { return focus };
        let words = &self.outlet_words;
        if tld.len() == 2 && !words.generic_tlds.contains(tld) {
            let cc = if tld == "uk" { "GB".to_owned() } else { tld.to_ascii_uppercase() };
            if self.country_place(&cc).is_some() {
                focus.country = <[u8; 2]>::try_from(cc.as_bytes()).ok();
            }
            if labels.len() > 1 && labels.last().is_some_and(|l| words.second_levels.contains(*l)) {
                labels.pop();
            }
        }
        for label in labels {
            for part in label.split('-') {
                for name in self.segment(part) {
                    if !focus.names.iter().any(|(k, _)| *k == name) {
                        let cands = self.outlet_candidates(&name);
                        focus.names.push((name, cands));
                    }
                }
            }
        }
        focus
    }

    /// The candidates a host's place name may be: a town big enough to have a paper named
    /// after it, a first-order region, a country.
    fn outlet_candidates(&self, key: &str) -> Vec<u32> {
        self.candidate_ids(key, false)
            .into_iter()
            .filter(|&(id, alternate)| {
                let p = self.place(id);
                match p.kind {
                    // A host writes a two-word name as one ("newlondon"): the index keeps
                    // that joined form as an alternate of the town's own name.
                    PlaceKind::City => {
                        p.population >= MIN_TOWN_POPULATION
                            && (!alternate || crate::fold(&self.geo(id, 0.0).name).replace(' ', "") == key)
                    }
                    PlaceKind::Admin1 | PlaceKind::Country => true,
                    PlaceKind::Admin2 | PlaceKind::Continent => false,
                }
            })
            .map(|(id, _)| id)
            .collect()
    }

    /// The place names a run of letters spells, read as the cover of the whole run by outlet
    /// words, English words and place names that leaves the fewest letters unknown, then has
    /// the fewest segments: "theparisnews" is the + paris + news, "newlondonnews" new london +
    /// news (a longer name is one segment), "lfpress" two unknown letters + press. A place
    /// segment is no English word ("golden", "star").
    fn segment(&self, run: &str) -> Vec<String> {
        let chars: Vec<char> = run.chars().collect();
        let n = chars.len();
        if n == 0 || n > 64 || !chars.iter().all(char::is_ascii_alphanumeric) {
            return Vec::new();
        }
        // best[j]: (unknown letters, segments, start of the last segment, it is a place)
        let mut best: Vec<Option<(u32, u32, usize, bool)>> = vec![None; n + 1];
        best[0] = Some((0, 0, 0, false));
        for i in 0..n {
            let Some((cost, segs, ..)) = best[i] else { continue };
            // No word or name in a host is longer than this: the cap keeps the search linear.
            for j in i + 1..=n.min(i + MAX_SEGMENT_LEN) {
                let piece: String = chars[i..j].iter().collect();
                let known_word = self.outlet_words.words.contains(&piece)
                    || self.lex.english.contains(&piece)
                    || self.lex.common.contains(&piece);
                let place = !known_word
                    && piece.len() >= MIN_PLACE_LEN
                    && piece.chars().all(|c| c.is_ascii_alphabetic())
                    && !self.outlet_candidates(&piece).is_empty();
                let unknown = if known_word || place { 0 } else { u32::try_from(j - i).unwrap_or(u32::MAX) };
                let cand = (cost + unknown, segs + 1, i, place);
                if best[j].is_none_or(|b| (cand.0, cand.1) < (b.0, b.1)) {
                    best[j] = Some(cand);
                }
            }
        }
        // Segments, last first: (start, end, is a place).
        let mut segs: Vec<(usize, usize, bool)> = Vec::new();
        let mut j = n;
        while j > 0 {
            let Some((_, _, i, place)) = best[j] else { break };
            segs.push((i, j, place));
            j = i;
        }
        segs.reverse();
        let known = |k: usize| {
            segs.get(k).is_none_or(|&(i, j, place)| {
                let piece: String = chars[i..j].iter().collect();
                place
                    || self.outlet_words.words.contains(&piece)
                    || self.lex.english.contains(&piece)
                    || self.lex.common.contains(&piece)
            })
        };
        // A place beside unknown letters is a chance substring ("p" + "laza" of "freshplaza").
        segs.iter()
            .enumerate()
            .filter(|&(k, &(_, _, place))| place && (k == 0 || known(k - 1)) && known(k + 1))
            .map(|(_, &(i, j, _))| chars[i..j].iter().collect())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_gazetteer;

    fn doc_at(url: Option<&str>, outlet: Option<&str>) -> Document {
        let mut doc = Document::from_text("t", "Text.");
        doc.url = url.map(str::to_owned);
        doc.outlet = outlet.map(str::to_owned);
        doc
    }

    #[test]
    fn host_comes_from_the_url_else_an_outlet_that_is_a_host_name() {
        assert_eq!(
            host_of(&doc_at(Some("https://www.Example-News.com:8080/a/b?c=1"), None)).as_deref(),
            Some("example-news.com")
        );
        assert_eq!(host_of(&doc_at(Some("http://user@news.example.org"), None)).as_deref(), Some("news.example.org"));
        assert_eq!(host_of(&doc_at(None, Some("example.co.uk"))).as_deref(), Some("example.co.uk"));
        assert_eq!(host_of(&doc_at(None, Some("Central Africa Wire"))), None);
        assert_eq!(host_of(&doc_at(None, None)), None);
        // A file read from disk has no host: the outlet, if it is one, still says it.
        assert_eq!(host_of(&doc_at(Some("file:///data/a.html"), Some("example.ie"))).as_deref(), Some("example.ie"));
        assert_eq!(host_of(&doc_at(Some("/data/a.html"), None)), None);
    }

    fn names(host: &str) -> (Option<String>, Vec<String>) {
        let focus = test_gazetteer().outlet_focus(&doc_at(Some(&format!("http://{host}/story/1")), None));
        (
            focus.country.map(|c| String::from_utf8_lossy(&c).into_owned()),
            focus.names.into_iter().map(|(k, _)| k).collect(),
        )
    }

    #[test]
    fn a_host_spells_its_town_between_newspaper_words() {
        assert_eq!(names("www.theparisnews.com"), (None, vec!["paris".to_owned()]));
        assert_eq!(names("hopkintonledger.com"), (None, vec!["hopkinton".to_owned()]));
        // A two-word name written as one is one town, not "new" and London.
        assert_eq!(names("newlondondailytimes.com").1, vec!["newlondon".to_owned()]);
        assert_eq!(names("the-lancaster-guardian.co.uk"), (Some("GB".to_owned()), vec!["lancaster".to_owned()]));
        // Country code domains: ".ie" is Ireland, ".tv" no country, a generic second level is skipped.
        assert_eq!(names("examplenews.ie").0.as_deref(), Some("IE"));
        assert_eq!(names("examplenews.tv").0, None);
        assert_eq!(names("dailyexample.com.au").0.as_deref(), Some("AU"));
    }

    #[test]
    fn reading_a_long_host_is_quick() {
        let gaz = test_gazetteer();
        let doc = doc_at(Some("http://www.thelancasterandmorecambecitizenandheraldandexpress.co.uk/a"), None);
        let started = std::time::Instant::now();
        for _ in 0..100 {
            assert!(!gaz.outlet_focus(&doc).names.is_empty());
        }
        // A debug build is far slower than a release one; this only catches a blow-up.
        assert!(started.elapsed().as_millis() < 2_000, "{:?}", started.elapsed());
    }

    #[test]
    fn english_words_and_chance_substrings_are_no_towns() {
        // "golden", "star" are English words; "laza" sits beside unknown letters; "bc", "la"
        // are too short; newspaper words alone name nothing.
        for host in [
            "goldenstarnews.com",
            "freshplaza.com",
            "bclocalnews.com",
            "latimes.com",
            "dailyherald.com",
            "timesdispatch.com",
        ] {
            let (_, found) = names(host);
            assert!(
                !found.iter().any(|n| ["golden", "star", "laza", "bc", "la", "herald", "times"].contains(&n.as_str())),
                "{host}: {found:?}"
            );
        }
    }
}
