//! The attribution rules over one sentence: find cues, then the source and content each cue
//! governs. Each rule is named for the construction it reads:
//! - `speaker_before`: "Trump said …", "Flynn, a top surrogate, said …", "…, officials said."
//! - `speaker_after`: "“…,” said Robby Mook, the campaign manager."
//! - `according_to`: "According to the Observatory, …" / "…, according to police."
//! - `participle`: "Trump attacked Clinton, saying …" (source = the clause's subject).

use sitrep_core::{Span, Stance};

use crate::lexicon::{Cue, CueClass, Lexicon, Roles};
use crate::marks::Quotation;
use crate::tokens::{self, Tok};

/// An attribution found in one sentence, before speakers are resolved and linked.
#[derive(Debug, Clone)]
pub struct Found {
    pub source: Option<Span>,
    pub cue: Option<Span>,
    pub content: Span,
}

/// Longest subject phrase, in words, walked back from a cue.
const MAX_SUBJECT_WORDS: usize = 9;
/// Longest speaker phrase, in words, read after a cue.
const MAX_SPEAKER_AFTER: usize = 16;

pub struct Sentence<'a> {
    pub text: &'a str,
    pub span: Span,
    /// Content never starts before this offset (the end of the dateline, "BANGUI, April 12 (Reuters) -").
    pub content_floor: usize,
    pub toks: &'a [Tok],
    pub lex: &'a Lexicon,
    pub quotes: &'a [Quotation],
}

fn is_open_mark(t: &Tok) -> bool {
    !t.word && matches!(t.lower.chars().next(), Some('"' | '\u{201C}' | '\u{201E}' | '\u{2018}'))
}

fn is_close_mark(t: &Tok) -> bool {
    !t.word && matches!(t.lower.chars().next(), Some('"' | '\u{201D}' | '\u{2019}'))
}

impl Sentence<'_> {
    fn roles(&self, i: usize) -> Roles {
        self.toks[i].roles
    }

    fn has(&self, i: usize, role: u16) -> bool {
        self.roles(i).has(role)
    }

    fn is_pronoun(&self, i: usize) -> bool {
        self.toks[i].word && self.lex.pronoun(&self.toks[i].lower).is_some()
    }

    fn inside_quote(&self, pos: usize) -> bool {
        self.quotes.iter().any(|q| q.inner.start <= pos && pos < q.inner.end)
    }

    /// The quotation whose opening mark is token `i`.
    fn quote_opening_at(&self, i: usize) -> Option<&Quotation> {
        let t = &self.toks[i];
        self.quotes.iter().find(|q| q.outer.start == t.span.start)
    }

    /// The quotation that closes at or just before token `i` (a comma inside or after the mark).
    fn quote_closing_near(&self, i: usize) -> Option<&Quotation> {
        let t = &self.toks[i];
        self.quotes.iter().find(|q| q.outer.end <= t.span.end && q.outer.end + 3 >= t.span.start && q.inner.end <= t.span.start.max(q.inner.end))
    }

    fn span(&self, from: usize, to: usize) -> Span {
        Span::new(self.toks[from].span.start, self.toks[to - 1].span.end)
    }

    fn words_in(&self, from: usize, to: usize) -> usize {
        self.toks[from..to].iter().filter(|t| t.word).count()
    }

    /// Every attribution in the sentence, left to right; a cue inside a quotation or inside the
    /// content of an earlier attribution of the same sentence is not read again.
    pub fn attributions(&self) -> Vec<Found> {
        let mut found: Vec<Found> = Vec::new();
        let mut i = 0;
        while i < self.toks.len() {
            let t = &self.toks[i];
            let covering = found.iter().position(|f| f.content.start <= t.span.start && t.span.start < f.content.end);
            if t.word && !self.inside_quote(t.span.start) {
                let (words, n) = tokens::window(self.toks, i);
                if let Some(cue) = self.lex.cue_at(&words[..n]) {
                    let end = i + cue.words;
                    match covering {
                        None => {
                            if let Some(f) = self.attribution(i, end, cue, &found) {
                                found.push(f);
                                i = end;
                                continue;
                            }
                        }
                        Some(outer) => {
                            // "…, a claim the army denied": the cue takes up the clause before the comma.
                            if let Some((f, comma)) = self.claim_taken_up(i, end, cue, &found[outer]) {
                                found[outer].content.end = self.toks[comma].span.start;
                                let mut f = f;
                                f.content = found[outer].content;
                                found.push(f);
                                i = end;
                                continue;
                            }
                            // "…, and the governor said …": a coordinated clause is an attribution of its
                            // own, and the first one's content stops at the comma.
                            if let Some((f, comma)) = self.coordinated(i, end, cue, &found) {
                                let cut = self.toks[comma].span.start;
                                if cut > found[outer].content.start {
                                    found[outer].content.end = cut;
                                    found.push(f);
                                    i = end;
                                    continue;
                                }
                            }
                        }
                    }
                }
            }
            i += 1;
        }
        found
    }

    /// "…, a claim the army denied": a claim noun after a comma, then a subject and a cue. Returns
    /// the attribution (its content to be set to the clause before the comma) and the comma's index.
    fn claim_taken_up(&self, c0: usize, c1: usize, cue: Cue, outer: &Found) -> Option<(Found, usize)> {
        if cue.class != CueClass::Verb && cue.class != CueClass::That {
            return None;
        }
        let (s0, s1) = self.subject_before(c0)?;
        let noun = s0.checked_sub(1)?;
        if !self.has(noun, Roles::CLAIM_NOUN) {
            return None;
        }
        let det = noun.checked_sub(1).filter(|&d| self.has(d, Roles::DET))?;
        let comma = det.checked_sub(1).filter(|&c| self.toks[c].is(','))?;
        if self.toks[comma].span.start <= outer.content.start {
            return None;
        }
        let found = Found { source: Some(self.span(s0, s1)), cue: Some(self.span(c0, c1)), content: outer.content };
        Some((found, comma))
    }

    /// A cue inside an earlier content whose subject follows ", and" / ", but": the attribution and
    /// the comma's index.
    fn coordinated(&self, c0: usize, c1: usize, cue: Cue, earlier: &[Found]) -> Option<(Found, usize)> {
        if cue.class != CueClass::Verb {
            return None;
        }
        let f = self.attribution(c0, c1, cue, earlier)?;
        let source = f.source?;
        let s0 = self.toks.iter().position(|t| t.span.start == source.start)?;
        let conj = s0.checked_sub(1)?;
        let comma = conj.checked_sub(1)?;
        let joins = matches!(self.toks[conj].lower.as_str(), "and" | "but" | "while" | "whereas");
        (joins && self.toks[comma].is(',') && f.content.start > source.start).then_some((f, comma))
    }

    fn attribution(&self, c0: usize, c1: usize, cue: Cue, earlier: &[Found]) -> Option<Found> {
        let cue_span = self.span(c0, c1);
        // "The New York Post", "the United States": a capitalised cue word inside a sentence is a name.
        if self.toks[c0].cap && (0..c0).any(|i| self.toks[i].word) {
            return None;
        }
        if let Some(prev) = c0.checked_sub(1) {
            let p = &self.toks[prev];
            // "the report", "his claims", "Trump's claims", "to say": the cue word is a noun or an infinitive.
            let possessive = p.lower.ends_with("'s") || p.lower.ends_with("\u{2019}s") || p.lower.ends_with("s'") || p.lower.ends_with("s\u{2019}");
            if p.word && ((self.has(prev, Roles::DET) && p.lower != "that") || p.lower == "to" || possessive) {
                return None;
            }
        }
        // "media reports said", "the claims were": a cue followed by a verb is a noun.
        if c1 - c0 == 1 && self.toks.get(c1).is_some_and(|t| t.word) && (self.has(c1, Roles::AUX) || self.single_word_verb_cue(c1)) {
            return None;
        }
        // Walk back over adverbs and auxiliaries ("has also said"); drop negated and passive cues.
        let mut j = c0;
        while j > 0 && self.toks[j - 1].word {
            let r = self.roles(j - 1);
            let lower = &self.toks[j - 1].lower;
            if r.has(Roles::NEGATION) || lower.ends_with("n't") || lower.ends_with("n\u{2019}t") {
                return None;
            }
            if r.has(Roles::PASSIVE) && !self.toks[c0].lower.ends_with("ing") {
                return None;
            }
            if r.has(Roles::ADVERB | Roles::AUX) {
                j -= 1;
            } else {
                break;
            }
        }
        let participle = cue.class == CueClass::Participle || (cue.class == CueClass::Weak && self.toks[c1 - 1].lower.ends_with("ing"));
        let made = match cue.class {
            CueClass::Preposition => self.according_to(c0, c1),
            _ if participle => self.participle(c0, c1, earlier),
            CueClass::Participle | CueClass::Verb | CueClass::Weak | CueClass::That => self.verb(j, c0, c1, cue),
            CueClass::Mark => None,
        };
        let (source, content) = made?;
        if cue.class == CueClass::Weak && !self.quotes.iter().any(|q| content.contains(q.inner) || q.inner.contains(content)) {
            return None;
        }
        Some(Found { source, cue: Some(cue_span), content })
    }

    /// "X said …", "…, X said", "…, said X".
    fn verb(&self, j: usize, c0: usize, c1: usize, cue: Cue) -> Option<(Option<Span>, Span)> {
        let before = j.checked_sub(1);
        let after_punct = before.is_none_or(|b| self.toks[b].is(',') || is_close_mark(&self.toks[b]));
        let mut subject = None;
        if let Some(b) = before {
            if self.toks[b].word || self.toks[b].lower == ")" {
                subject = self.subject_before(j);
            } else if self.toks[b].is(',') {
                subject = self.appositive_subject(b);
            }
        }
        let Some((s0, s1)) = subject else {
            if !after_punct || cue.class == CueClass::That || self.toks[c1 - 1].lower.ends_with("ing") {
                return None;
            }
            // Inverted: "“…,” said X".
            let (a0, a1) = self.speaker_after(c1, true, false)?;
            let content = self.content_before(j)?;
            return Some((Some(self.span(a0, a1)), content));
        };
        let source = Some(self.span(s0, s1));
        if let Some(content) = self.content_after(c0, c1, cue) {
            return Some((source, content));
        }
        if cue.class == CueClass::That {
            return None;
        }
        Some((source, self.content_before(s0)?))
    }

    /// The subject phrase ending just before token `end`, if it reads as a speaker.
    fn subject_before(&self, end: usize) -> Option<(usize, usize)> {
        let mut k = end;
        while k > 0 && end - k < MAX_SUBJECT_WORDS {
            let t = &self.toks[k - 1];
            if t.word {
                let r = self.roles(k - 1);
                if !t.cap && (r.has(Roles::BOUNDARY | Roles::AUX) || self.single_word_verb_cue(k - 1)) {
                    break;
                }
                if t.cap && r.has(Roles::BOUNDARY) && (k == 1 || !self.toks[k - 2].word) {
                    break;
                }
                k -= 1;
            } else if matches!(t.lower.as_str(), "(" | ")" | "&" | "-") {
                k -= 1;
            } else {
                break;
            }
        }
        self.trim_subject(k, end)
    }

    fn single_word_verb_cue(&self, i: usize) -> bool {
        self.lex.cue_at(&[self.toks[i].lower.as_str()]).is_some_and(|c| c.class == CueClass::Verb && c.words == 1)
    }

    /// Drops leading words that cannot open a speaker phrase (prepositions, time words, verbs),
    /// then checks the head.
    fn trim_subject(&self, mut k: usize, end: usize) -> Option<(usize, usize)> {
        while k < end {
            let t = &self.toks[k];
            let r = self.roles(k);
            let opens = t.word
                && !r.has(Roles::PP_START | Roles::TIME)
                && (t.cap || r.has(Roles::DET) || self.is_pronoun(k) || r.has(Roles::SOURCE_NOUN) || t.lower.chars().next().is_some_and(|c| c.is_ascii_digit()));
            if opens {
                break;
            }
            k += 1;
        }
        if k >= end {
            return None;
        }
        // "Sen. Claire McCaskill (D-Mo.)": the head is the word before the bracket.
        let mut head_at = end - 1;
        if self.toks[head_at].lower == ")" {
            let open = (k..head_at).rev().find(|&i| self.toks[i].lower == "(")?;
            head_at = open.checked_sub(1).filter(|&h| h >= k)?;
        }
        let head = &self.toks[head_at];
        if self.is_pronoun(head_at) {
            // "… what he said": the speaker is the pronoun alone.
            return (head_at + 1 == end).then_some((head_at, end));
        }
        let lower_words = (k..head_at + 1).filter(|&i| self.toks[i].word && !self.toks[i].cap && !self.has(i, Roles::DET)).count();
        let described = self.has(k, Roles::DET) && head_at > k && lower_words <= 3;
        let head_ok = head.word && (head.cap || self.has(head_at, Roles::SOURCE_NOUN) || described);
        // Lower-case words with no determiner or name before them are a verb phrase, not a speaker.
        let loose = lower_words > 4;
        (head_ok && !loose && !self.has(head_at, Roles::DET)).then_some((k, end))
    }

    /// "Flynn, a top Trump surrogate, said": the name before the appositive and the appositive.
    fn appositive_subject(&self, comma: usize) -> Option<(usize, usize)> {
        // Up to three appositive segments back ("Angelique Brunner, a spokeswoman for the coalition,
        // which is made up of investors, said"): the first segment that opens with a name wins,
        // else the nearest that reads as a speaker.
        let mut fallback = None;
        let mut segments = 0;
        let mut k = comma;
        while k > 0 && comma - k < 40 {
            let t = &self.toks[k - 1];
            if t.is(',') {
                segments += 1;
                let before_comma = k - 1;
                if let Some((s0, _)) = self.subject_before(before_comma) {
                    let ends_in_name = before_comma > 0 && (self.toks[before_comma - 1].cap || self.toks[before_comma - 1].lower == ")");
                    let opens_with_name = self.toks[s0].cap && !self.has(s0, Roles::DET);
                    if ends_in_name && opens_with_name {
                        return Some((s0, comma));
                    }
                    if fallback.is_none() {
                        // "The official, who declined to be named, said": a description also serves.
                        fallback = Some((s0, comma));
                    }
                }
                if segments >= 3 {
                    break;
                }
            } else if !t.word && !matches!(t.lower.as_str(), "(" | ")" | "-" | "&") {
                break;
            }
            k -= 1;
        }
        fallback
    }

    /// The speaker phrase that follows an inverted cue: "said Robby Mook, Clinton's campaign manager".
    fn speaker_after(&self, start: usize, appositive: bool, loose_start: bool) -> Option<(usize, usize)> {
        let first = self.toks.get(start)?;
        let r = self.roles(start);
        if !first.word || r.has(Roles::TIME) || r.has(Roles::PP_START) && !first.cap {
            return None;
        }
        if self.is_pronoun(start) {
            return Some((start, start + 1));
        }
        // "said panel Chairman Jason Chaffetz": a lower-case title before a name.
        let titled = (start + 1..self.toks.len().min(start + 3)).any(|i| self.toks[i].cap);
        if !(first.cap || r.has(Roles::DET) || loose_start || titled) {
            return None;
        }
        let mut k = start;
        let mut commas = 0;
        while k < self.toks.len() && k - start < MAX_SPEAKER_AFTER {
            let t = &self.toks[k];
            let r = self.roles(k);
            if t.word {
                if !t.cap && (r.has(Roles::BOUNDARY) || r.has(Roles::PP_START)) && k > start {
                    break;
                }
                if r.has(Roles::TIME) && k > start {
                    break;
                }
            } else if t.is(',') {
                // One appositive is part of the speaker: "Mook, Clinton's campaign manager".
                commas += 1;
                if !appositive || commas > 1 || self.toks.get(k + 1).is_none_or(|n| !n.word || is_close_mark(n)) {
                    break;
                }
            } else if !matches!(t.lower.as_str(), "(" | ")" | "-" | "&") {
                break;
            }
            k += 1;
        }
        while k > start && !self.toks[k - 1].word {
            k -= 1;
        }
        (k > start).then_some((start, k))
    }

    /// The content after a cue: the rest of the sentence, after the addressee of "told" and any
    /// phrase saying when or through what it was said ("in an e-mailed statement on Tuesday").
    fn content_after(&self, c0: usize, c1: usize, cue: Cue) -> Option<Span> {
        let n = self.toks.len();
        let mut k = c1;
        if k < n && self.has(c1 - 1, Roles::OBJECT_CUE) && self.toks[c0..c1].len() == 1 {
            k = self.skip_addressee(k);
        }
        let first_after_cue = k;
        for _ in 0..3 {
            if k >= n {
                break;
            }
            let t = &self.toks[k];
            let r = self.roles(k);
            if t.word && r.has(Roles::TIME) {
                k += 1;
            } else if t.word && r.has(Roles::PP_START) && !t.cap && t.lower != "that" && self.is_circumstance(k) {
                k = self.skip_phrase(k);
            } else {
                break;
            }
        }
        if cue.class == CueClass::That {
            let t = self.toks.get(first_after_cue)?;
            if !(t.lower == "that" || t.is(':')) {
                return None;
            }
        }
        if k < n && (self.toks[k].is(':') || self.toks[k].is(',')) {
            let next_is_quote = self.toks.get(k + 1).is_some_and(is_open_mark);
            if self.toks[k].is(':') && k + 1 == n {
                // "Trump told the crowd:" and the quotation opens the next paragraph.
                let colon_end = self.toks[k].span.end;
                let rest = &self.text[colon_end..];
                let gap = rest.len() - rest.trim_start().len();
                return self.quotes.iter().find(|q| q.outer.start == colon_end + gap).map(|q| q.inner);
            }
            if self.toks[k].is(':') || next_is_quote || self.toks.get(k + 1).is_some_and(|t| t.lower == "that") {
                k += 1;
            } else {
                return None;
            }
        }
        if k >= n {
            return None;
        }
        if is_open_mark(&self.toks[k]) {
            if let Some(q) = self.quote_opening_at(k) {
                return Some(q.inner);
            }
        }
        // "said as she left", "responded with logic", "continued to stay away": a clause or phrase
        // about the saying, not what was said.
        let first = &self.toks[k];
        if first.word && !first.cap && self.has(k, Roles::ADJUNCT) {
            return None;
        }
        let mut end = n;
        while end > k && !self.toks[end - 1].word && !is_close_mark(&self.toks[end - 1]) {
            end -= 1;
        }
        if self.words_in(k, end) < 2 {
            return None;
        }
        Some(self.span(k, end))
    }

    /// After "told": skips "reporters", "Reuters", "the newspaper", up to "that" when it is near.
    fn skip_addressee(&self, k: usize) -> usize {
        let n = self.toks.len();
        if let Some(that) = (k..n.min(k + 8)).take_while(|&i| self.toks[i].word).find(|&i| self.toks[i].lower == "that") {
            return that;
        }
        if self.has(k, Roles::TOLD_OBJECT) {
            return k + 1;
        }
        let mut i = k;
        if self.has(i, Roles::DET) {
            i += 1;
            let stop = n.min(i + 3);
            while i < stop && self.toks[i].word && !self.has(i, Roles::BOUNDARY) {
                i += 1;
                if !self.toks[i - 1].cap && self.has(i - 1, Roles::SOURCE_NOUN | Roles::STATEMENT_NOUN) {
                    break;
                }
            }
            return i;
        }
        while i < n && self.toks[i].word && self.toks[i].cap {
            i += 1;
        }
        i
    }

    /// Whether the phrase opened by the preposition at `k` says when, where or through what
    /// something was said ("in a statement", "on Tuesday", "in Kabul"), rather than being the
    /// content itself ("at least 40 people …").
    fn is_circumstance(&self, k: usize) -> bool {
        if self.toks.get(k + 1).is_some_and(|t| matches!(t.lower.as_str(), "least" | "most")) {
            return false;
        }
        let stop = self.toks.len().min(k + 9);
        for i in k + 1..stop {
            let t = &self.toks[i];
            if is_open_mark(t) {
                // "said on “Morning Report”": a quoted title right after the preposition.
                return i == k + 1;
            }
            if t.lower == "that" || t.is(':') || t.is(',') {
                break;
            }
            let number = t.lower.chars().next().is_some_and(|c| c.is_ascii_digit());
            if self.has(i, Roles::STATEMENT_NOUN | Roles::TIME) || (t.word && t.cap) || number {
                return true;
            }
        }
        false
    }

    /// Skips a prepositional phrase that follows a cue: up to "that", a colon, a comma or an
    /// opening quote when one is near; otherwise past its statement noun or time word.
    fn skip_phrase(&self, k: usize) -> usize {
        let n = self.toks.len();
        if let Some(title) = self.toks.get(k + 1).filter(|t| is_open_mark(t)).and_then(|_| self.quote_opening_at(k + 1)) {
            let after = title.outer.end;
            return (k + 1..n).find(|&i| self.toks[i].span.start >= after).unwrap_or(n);
        }
        let stop = n.min(k + 9);
        for i in k + 1..stop {
            let t = &self.toks[i];
            if is_open_mark(t) {
                // "on Radio Free’s “Morning Report”": a programme or document title ends the phrase.
                if let Some(title) = self.quote_opening_at(i).filter(|q| q.is_title(self.text)) {
                    let after = title.outer.end;
                    return (i..n).find(|&j| self.toks[j].span.start >= after).unwrap_or(n);
                }
                return i;
            }
            if t.lower == "that" || t.is(':') || t.is(',') {
                return i;
            }
        }
        for i in k + 1..stop {
            if self.has(i, Roles::STATEMENT_NOUN | Roles::TIME) {
                return i + 1;
            }
        }
        // "said on Fox News": the capitalised name after the preposition.
        let mut i = k + 1;
        if i < n && self.has(i, Roles::DET) {
            i += 1;
        }
        while i < n && self.toks[i].word && self.toks[i].cap {
            i += 1;
        }
        i.max(k + 1)
    }

    /// The content before a speaker that is set off by a comma or a closing quotation mark.
    fn content_before(&self, subject_start: usize) -> Option<Span> {
        if subject_start == 0 {
            // "“…” Trump said." with the quotation in the previous sentence.
            let before = self.text[..self.span.start].trim_end();
            return self.quotes.iter().find(|q| q.outer.end == before.len() && q.outer.end > 0).map(|q| q.inner);
        }
        let p = subject_start - 1;
        let punct = &self.toks[p];
        if !(punct.is(',') || is_close_mark(punct)) {
            return None;
        }
        if let Some(q) = self.quote_closing_near(p) {
            return Some(q.inner);
        }
        let mut end = p;
        while end > 0 && !self.toks[end - 1].word {
            end -= 1;
        }
        let mut start = 0;
        while start < end && (!self.toks[start].word || self.toks[start].span.start < self.content_floor) {
            start += 1;
        }
        if self.words_in(start, end) < 2 {
            return None;
        }
        Some(self.span(start, end))
    }

    /// "According to X, …" / "…, according to X."
    fn according_to(&self, c0: usize, c1: usize) -> Option<(Option<Span>, Span)> {
        let leading = (0..c0).all(|i| !self.toks[i].word || self.has(i, Roles::BOUNDARY));
        let (a0, mut a1) = self.speaker_after(c1, !leading, true)?;
        if leading {
            // "According to a statement from the presidency, …": the source runs to the comma.
            if let Some(comma) = (a1..self.toks.len().min(c1 + MAX_SPEAKER_AFTER)).find(|&i| self.toks[i].is(',')) {
                a1 = comma;
            }
        }
        let source = Some(self.span(a0, a1));
        let n = self.toks.len();
        if leading {
            let mut k = a1;
            while k < n && !self.toks[k].word && !is_open_mark(&self.toks[k]) {
                k += 1;
            }
            let mut end = n;
            while end > k && !self.toks[end - 1].word && !is_close_mark(&self.toks[end - 1]) {
                end -= 1;
            }
            return (self.words_in(k, end) >= 2).then(|| (source, self.span(k, end)));
        }
        let mut end = c0;
        while end > 0 && !self.toks[end - 1].word {
            end -= 1;
        }
        let start = (0..end).find(|&i| self.toks[i].word && self.toks[i].span.start >= self.content_floor)?;
        (self.words_in(start, end) >= 2).then(|| (source, self.span(start, end)))
    }

    /// "…, saying …": the source is an earlier attribution's, or the name that opens the sentence.
    fn participle(&self, c0: usize, c1: usize, earlier: &[Found]) -> Option<(Option<Span>, Span)> {
        if c0 == 0 || !self.toks[c0 - 1].is(',') {
            return None;
        }
        let source = match earlier.last().and_then(|f| f.source) {
            Some(s) => s,
            None => {
                let (s0, s1) = self.sentence_subject()?;
                self.span(s0, s1)
            }
        };
        let content = self.content_after(c0, c1, Cue { stance: Stance::Asserts, class: CueClass::Participle, words: c1 - c0 })?;
        Some((Some(source), content))
    }

    /// The name or pronoun that opens the sentence: "Trump attacked Clinton, saying …".
    fn sentence_subject(&self) -> Option<(usize, usize)> {
        let start = (0..self.toks.len()).find(|&i| self.toks[i].word)?;
        if self.is_pronoun(start) {
            return Some((start, start + 1));
        }
        if self.roles(start).is_function_word() {
            return None;
        }
        let mut k = start;
        while k < self.toks.len() && self.toks[k].word && self.toks[k].cap && !self.roles(k).is_function_word() {
            k += 1;
        }
        // One capitalised word opens every sentence ("Following the attack", "Instead,"): it is a
        // name only when a verb-like lower-case word follows it.
        let single = k == start + 1;
        let next_is_verb = self.toks.get(k).is_some_and(|t| t.word && !t.cap && !self.roles(k).is_function_word());
        let word = &self.toks[start].lower;
        let adverbial = word.ends_with("ing") || word.ends_with("ly");
        (k > start && (!single || (next_is_verb && !adverbial))).then_some((start, k))
    }
}

/// A quotation signed with a dash after its closing mark: "“…” ― Pamela Padilla" (letters,
/// readers' comments, epigraphs). Returns the dash as cue and the name as source.
pub fn dash_signature(text: &str, q: &Quotation) -> Option<(Span, Span)> {
    let rest = &text[q.outer.end..];
    let line = rest.split('\n').next().unwrap_or("");
    let after_space = line.trim_start();
    let dash_at = q.outer.end + (line.len() - after_space.len());
    let dash = after_space.chars().next().filter(|c| matches!(c, '\u{2015}' | '\u{2014}' | '\u{2013}' | '-'))?;
    let name_part = &after_space[dash.len_utf8()..];
    let name = name_part.trim();
    let words: Vec<&str> = name.split_whitespace().collect();
    let names_only = !words.is_empty()
        && words.len() <= 6
        && words[0].chars().next().is_some_and(char::is_uppercase)
        && words.iter().all(|w| w.chars().next().is_some_and(|c| c.is_uppercase() || matches!(w.to_lowercase().as_str(), "al" | "bin" | "de" | "la" | "van" | "von" | "ibn")));
    if !names_only {
        return None;
    }
    let name_start = dash_at + dash.len_utf8() + (name_part.len() - name_part.trim_start().len());
    let name_end = name_start + name.trim_end_matches([',', '.']).len();
    Some((Span::new(dash_at, dash_at + dash.len_utf8()), Span::new(name_start, name_end)))
}

/// A transcript turn: a paragraph opening with a speaker's name in capitals and a colon
/// ("PENCE: Well, the question …"). Returns (source, cue, content).
pub fn transcript_turn(text: &str, paragraph: Span, lex: &Lexicon) -> Option<(Span, Span, Span)> {
    let para = paragraph.of(text);
    let colon = para.find(':')?;
    let label = &para[..colon];
    let words: Vec<&str> = label.split_whitespace().collect();
    let names_in_capitals = !words.is_empty()
        && words.len() <= 4
        && words.iter().all(|w| {
            let letters = w.chars().filter(|c| c.is_alphabetic()).count();
            let lower = w.to_lowercase();
            let roles = lex.roles(&lower);
            // "THE MRTA SAYS:" in upper-case wire text is a sentence, not a speaker label.
            let grammatical = roles.has(Roles::DET | Roles::BOUNDARY | Roles::AUX | Roles::PP_START | Roles::ADVERB | Roles::NEGATION)
                || lex.cue_at(&[lower.as_str()]).is_some();
            letters >= 2 && w.chars().all(|c| !c.is_lowercase()) && !roles.has(Roles::LABEL) && !grammatical
        });
    let rest = &para[colon + 1..];
    let content_start = paragraph.start + colon + 1 + (rest.len() - rest.trim_start().len());
    let content_end = paragraph.start + para.trim_end().len();
    let has_content = rest.split_whitespace().count() >= 2;
    (names_in_capitals && has_content).then(|| {
        (
            Span::new(paragraph.start, paragraph.start + label.trim_end().len()),
            Span::new(paragraph.start + colon, paragraph.start + colon + 1),
            Span::new(content_start, content_end),
        )
    })
}
