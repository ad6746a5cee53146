//! Boilerplate: lines and paragraphs of page furniture, marked in `document.removed`.
//!
//! The patterns (`data/boilerplate.txt`, format in its header) are compiled once: exact lines into
//! a hash map, prefixes and phrases into one Aho-Corasick automaton, regular expressions into one
//! `RegexSet`. Each line is looked at once.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::{Regex, RegexSet, RegexSetBuilder};
use sitrep_core::{Removed, RemovedKind, Span};

use crate::data::{self, DataError, WordTable};
use crate::lines::{trimmed, Lines};

/// `^` and `~` patterns look only at lines up to this long (`line`, `list` and `tail` scope) …
const MAX_LINE: usize = 250;
/// … or this long (`paragraph` scope: sign-up and consent blocks run longer).
const MAX_PARAGRAPH_LINE: usize = 600;
/// A paragraph longer than this (or with more lines) is article text: only the line is marked.
const MAX_PARAGRAPH_BYTES: usize = 1_500;
const MAX_PARAGRAPH_LINES: usize = 12;
/// A `list` marks at most this many lines after its heading.
const MAX_LIST_ITEMS: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Line,
    Paragraph,
    List,
    Tail,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Anchor {
    Prefix,
    Contains,
}

#[derive(Debug, Clone, Copy)]
struct Rule {
    kind: RemovedKind,
    scope: Scope,
}

/// The compiled boilerplate patterns.
#[derive(Debug)]
pub struct Boilerplate {
    /// Exact-line patterns by their key (see [`exact_key`]).
    exact: WordTable<Rule>,
    phrases: AhoCorasick,
    phrase_rules: Vec<(Rule, Anchor)>,
    regexes: RegexSet,
    regex_rules: Vec<Rule>,
}

fn kind_named(name: &str) -> Option<RemovedKind> {
    Some(match name {
        "newsletter" => RemovedKind::Newsletter,
        "consent" => RemovedKind::Consent,
        "caption" => RemovedKind::Caption,
        "credit" => RemovedKind::Credit,
        "byline" => RemovedKind::Byline,
        "navigation" => RemovedKind::Navigation,
        "related" => RemovedKind::Related,
        "share" => RemovedKind::Share,
        "advertisement" => RemovedKind::Advertisement,
        "comment" => RemovedKind::Comment,
        "other" => RemovedKind::Other,
        _ => return None,
    })
}

/// The key an exact-line pattern and a line are compared by (case aside, which the table
/// ignores): without trailing `:` `.` `|` `»` `›` `>` and spaces.
fn exact_key(line: &str) -> &str {
    line.trim_end_matches([':', '.', '|', '»', '›', '>', ' ', '\u{a0}']).trim()
}

impl Boilerplate {
    /// Compiles `boilerplate.txt`.
    ///
    /// # Errors
    /// On a malformed line or a regular expression that does not compile, naming the line.
    pub fn parse(source: &str) -> Result<Self, DataError> {
        let err = |line, problem: String| DataError::new("boilerplate.txt", line, problem);
        let mut exact = WordTable::default();
        let mut phrases = Vec::new();
        let mut phrase_rules = Vec::new();
        let mut regexes = Vec::new();
        let mut regex_rules = Vec::new();
        for (line, fields) in data::records(source) {
            let [kind, scope, pattern] = fields[..] else {
                return Err(err(line, "expected `kind<TAB>scope<TAB>pattern`".to_owned()));
            };
            let kind = kind_named(kind).ok_or_else(|| err(line, format!("unknown kind {kind:?}")))?;
            let scope = match scope {
                "line" => Scope::Line,
                "paragraph" => Scope::Paragraph,
                "list" => Scope::List,
                "tail" => Scope::Tail,
                other => return Err(err(line, format!("unknown scope {other:?}; use line, paragraph, list or tail"))),
            };
            let rule = Rule { kind, scope };
            if let Some(text) = pattern.strip_prefix('=') {
                exact.insert(exact_key(text), rule);
            } else if let Some(text) = pattern.strip_prefix('^') {
                phrases.push(text.to_owned());
                phrase_rules.push((rule, Anchor::Prefix));
            } else if let Some(text) = pattern.strip_prefix('~') {
                phrases.push(text.to_owned());
                phrase_rules.push((rule, Anchor::Contains));
            } else if let Some(re) = pattern.strip_prefix('/').and_then(|p| p.strip_suffix('/')) {
                if scope == Scope::Tail {
                    return Err(err(line, "tail scope takes a `~phrase`, not a regex".to_owned()));
                }
                Regex::new(re).map_err(|e| err(line, format!("bad regex: {e}")))?;
                regexes.push(re.to_owned());
                regex_rules.push(rule);
            } else {
                return Err(err(line, format!("pattern {pattern:?} must start with = ^ ~ or be /regex/")));
            }
            if scope == Scope::Tail && !pattern.starts_with('~') {
                return Err(err(line, "tail scope takes a `~phrase`".to_owned()));
            }
        }
        let phrases_ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&phrases)
            .map_err(|e| err(0, format!("phrase automaton: {e}")))?;
        // A larger lazy-DFA cache keeps the set off the slow fallback engine on Unicode classes.
        let set = RegexSetBuilder::new(&regexes)
            .dfa_size_limit(32 << 20)
            .build()
            .map_err(|e| err(0, format!("regex set: {e}")))?;
        Ok(Self { exact, phrases: phrases_ac, phrase_rules, regexes: set, regex_rules })
    }

    /// The first rule matching a trimmed line, and where its match starts (for `tail`).
    fn match_line(&self, line: &str) -> Option<(Rule, usize)> {
        // The table rejects lines longer than its longest key without hashing them.
        if let Some(rule) = self.exact.get(exact_key(line)) {
            return Some((rule, 0));
        }
        if line.len() <= MAX_PARAGRAPH_LINE {
            for m in self.phrases.find_overlapping_iter(line) {
                let (rule, anchor) = self.phrase_rules[m.pattern().as_usize()];
                let limit = if rule.scope == Scope::Paragraph { MAX_PARAGRAPH_LINE } else { MAX_LINE };
                if line.len() > limit || (anchor == Anchor::Prefix && m.start() != 0) {
                    continue;
                }
                return Some((rule, if rule.scope == Scope::Tail { m.start() } else { 0 }));
            }
        }
        if line.len() <= MAX_LINE {
            if let Some(i) = self.regexes.matches(line).iter().next() {
                return Some((self.regex_rules[i], 0));
            }
        }
        None
    }

    /// Marks boilerplate in `text` given its paragraphs; returns sorted, non-overlapping ranges.
    #[must_use]
    pub fn find(&self, text: &str, paragraphs: &[Span]) -> Vec<Removed> {
        let mut out: Vec<Removed> = Vec::new();
        let mut para_idx = 0;
        let mut prev_line: Option<Span> = None;
        let mut skip_until = 0;
        for line in Lines::new(text) {
            let Some(content) = trimmed(text, line.span()) else {
                prev_line = None;
                continue;
            };
            while para_idx < paragraphs.len() && paragraphs[para_idx].end < content.start {
                para_idx += 1;
            }
            let para = paragraphs.get(para_idx).copied().filter(|p| p.contains(content));
            let continues_prose = prev_line.is_some_and(|p| continues_wrapped_prose(&text[p.start..p.end]));
            prev_line = Some(content);
            if content.start < skip_until || continues_prose {
                continue;
            }
            let line_text = &text[content.start..content.end];
            let Some((rule, at)) = self.match_line(line_text) else { continue };
            let span = match rule.scope {
                Scope::Line => content,
                Scope::Tail => Span::new(content.start + at, content.end),
                Scope::Paragraph => match para {
                    Some(p) if short_paragraph(text, p) => p,
                    _ => content,
                },
                Scope::List => list_span(text, content),
            };
            skip_until = span.end;
            push_merged(&mut out, Removed { span, kind: rule.kind });
        }
        out
    }
}

/// A line that a wrapped paragraph continues from: long, not ending a sentence.
fn continues_wrapped_prose(prev: &str) -> bool {
    prev.len() >= 50 && !prev.ends_with(['.', '!', '?', ':', '"', '”', '|'])
}

fn short_paragraph(text: &str, para: Span) -> bool {
    para.len() <= MAX_PARAGRAPH_BYTES && Lines::from(text, para.start).take_while(|l| l.start < para.end).count() <= MAX_PARAGRAPH_LINES
}

/// A heading and the link-like lines after it (blank lines between allowed): short, several
/// words, not ending like a sentence.
fn list_span(text: &str, heading: Span) -> Span {
    let mut end = heading.end;
    let mut items = 0;
    let next_line = Lines::from(text, heading.end).next().map_or(text.len(), |l| l.next);
    for line in Lines::from(text, next_line) {
        let Some(content) = trimmed(text, line.span()) else { continue };
        let s = &text[content.start..content.end];
        let words = s.split_whitespace().count();
        let link_like = s.len() <= 150 && words >= 4 && !s.ends_with(['.', ':', ';', ',']);
        if !link_like || items == MAX_LIST_ITEMS {
            break;
        }
        end = content.end;
        items += 1;
    }
    Span::new(heading.start, end)
}

/// Appends `r`, merging it with the previous range when they overlap.
fn push_merged(out: &mut Vec<Removed>, r: Removed) {
    if let Some(last) = out.last_mut() {
        if last.span.overlaps(r.span) || last.span.contains(r.span) {
            last.span = Span::new(last.span.start.min(r.span.start), last.span.end.max(r.span.end));
            return;
        }
    }
    out.push(r);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lines::paragraphs;

    fn marked(text: &str) -> Vec<(&str, RemovedKind)> {
        let b = Boilerplate::parse(data::file("boilerplate.txt")).unwrap();
        b.find(text, &paragraphs(text)).into_iter().map(|r| (r.span.of(text), r.kind)).collect()
    }

    #[test]
    fn marks_whole_lines_and_short_paragraphs() {
        let text = "Rebels seized the town on Monday.\n\nAdvertisement\n\nSign up to our free newsletters.\nYou can unsubscribe at any time.\n\nBy John Smith and Ana Diaz, Reuters\n\nShare this article\n\nThe army denied it.";
        assert_eq!(marked(text), [
            ("Advertisement", RemovedKind::Advertisement),
            ("Sign up to our free newsletters.\nYou can unsubscribe at any time.", RemovedKind::Newsletter),
            ("By John Smith and Ana Diaz, Reuters", RemovedKind::Byline),
            ("Share this article", RemovedKind::Share),
        ]);
    }

    #[test]
    fn related_lists_and_reuters_trailers() {
        let text = "Troops withdrew.\n\nRelated\n\nFive killed in attack on market in north\nUN envoy calls for talks after new clashes\n\nThe next paragraph of the article goes on.\nThe talks failed, he said. (Reporting by Ann Lee; Editing by Bo Park)";
        assert_eq!(marked(text), [
            ("Related\n\nFive killed in attack on market in north\nUN envoy calls for talks after new clashes", RemovedKind::Related),
            ("(Reporting by Ann Lee; Editing by Bo Park)", RemovedKind::Byline),
        ]);
    }

    #[test]
    fn captions_and_credits() {
        let text = "Smoke rises over the city. (Photo: Reuters)\nImage caption Residents flee\nAFP/Getty Images\nThe talks resumed.";
        let got = marked(text);
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[1], ("Image caption Residents flee", RemovedKind::Caption));
    }

    #[test]
    fn article_text_is_not_marked() {
        for text in [
            "By Tuesday, the rebels had taken the town.",
            "Share prices fell after the attack.",
            "Follow-up talks are planned.",
            "THE GUERRILLAS ATTACKED THE TOWN AND THE ARMY SAID THE ATTACK WAS REPELLED\nBY TROOPS OF THE FOURTH BRIGADE WHO ARRIVED AT DAWN.",
            "The ministry said it would sign up to the treaty. Officials said they would unsubscribe from nothing.",
            "BY GUERRILLAS.",
        ] {
            assert_eq!(marked(text), [], "{text}");
        }
    }
}
