//! Finding time expressions: the automaton finds anchor words (months, weekdays, relative
//! phrases, duration units) in one pass; around each anchor a small window of tokens is read to
//! take in the day, year, modifiers and range connectors. Bare years and ISO dates are found by a
//! second linear byte scan. No regular expressions.

use jiff::civil::Weekday;

use crate::lexicon::{Anchor, Lexicon, RelKind, Unit};

/// What an expression denotes before it is resolved against the publication date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Point {
    /// A calendar day; `year` is absent in "August 4".
    Date { year: Option<i16>, month: i8, day: i8 },
    /// A month; `shift` is -1 for "last November", +1 for "next March", 0 otherwise.
    Month { year: Option<i16>, month: i8, shift: i8 },
    /// "December of this year" (`year_offset` 0), "March of last year" (-1).
    MonthOfYear { month: i8, year_offset: i8 },
    Year(i16),
    /// A weekday; `shift` -1 for "last Monday", +1 for "next Monday".
    Weekday { weekday: Weekday, shift: i8 },
    Relative { kind: RelKind, offset: i32 },
    /// "three weeks ago".
    Ago { n: i32, unit: Unit, vague: bool },
    /// "over the past two weeks": from `n` units before publication up to it.
    Back { n: i32, unit: Unit, vague: bool },
    /// "two days later" / "a week earlier": from the previous day-precision expression.
    Shift { n: i32, unit: Unit },
}

/// A time expression as read from the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawExpr {
    pub start: usize,
    pub end: usize,
    pub first: Point,
    /// The end of a range ("from March 3 to 5", "on Sunday and into Monday").
    pub last: Option<Point>,
    /// "since March": the range runs from the point to publication.
    pub since: bool,
    pub future: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Word,
    /// Digits, with an ordinal suffix folded in ("3rd").
    Num { value: u32, digits: u8 },
    Punct(char),
    /// A line or paragraph break (newline, U+2028, U+2029): expressions never span one.
    Break,
}

#[derive(Debug, Clone, Copy)]
struct Tok {
    start: usize,
    end: usize,
    kind: Kind,
}

fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

fn is_word_char(c: char) -> bool {
    c.is_alphabetic() || c == '\'' || c == '’'
}

/// Tokens of `text[lo..hi]` (offsets into `text`).
fn tokenize(text: &str, lo: usize, hi: usize) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut it = text[lo..hi].char_indices().map(|(i, c)| (i + lo, c)).peekable();
    while let Some((i, c)) = it.next() {
        if is_break(c) {
            toks.push(Tok { start: i, end: i + c.len_utf8(), kind: Kind::Break });
        } else if c.is_whitespace() {
        } else if c.is_ascii_digit() {
            let mut end = i + 1;
            let mut value: u32 = c.to_digit(10).unwrap_or(0);
            let mut digits: u8 = 1;
            while let Some(&(j, d)) = it.peek() {
                if !d.is_ascii_digit() {
                    break;
                }
                value = value.saturating_mul(10).saturating_add(d.to_digit(10).unwrap_or(0));
                digits = digits.saturating_add(1);
                end = j + 1;
                it.next();
            }
            // Fold an ordinal suffix into the number; any other letters glued on ("3G", "9mm")
            // make the whole run a word, which no date pattern reads.
            let rest = &text[end..hi];
            let letters = rest.find(|ch: char| !ch.is_alphabetic()).unwrap_or(rest.len());
            if letters > 0 {
                let suffix = rest[..letters].to_ascii_lowercase();
                let kind = if matches!(suffix.as_str(), "st" | "nd" | "rd" | "th") { Kind::Num { value, digits } } else { Kind::Word };
                while it.peek().is_some_and(|&(j, _)| j < end + letters) {
                    it.next();
                }
                toks.push(Tok { start: i, end: end + letters, kind });
            } else {
                toks.push(Tok { start: i, end, kind: Kind::Num { value, digits } });
            }
        } else if c.is_alphabetic() {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = it.peek() {
                if !(is_word_char(d) || d.is_ascii_digit()) {
                    break;
                }
                end = j + d.len_utf8();
                it.next();
            }
            // Keep a trailing apostrophe out of the word ("Taliban'").
            let word = &text[i..end];
            let trimmed = word.trim_end_matches(['\'', '’']);
            toks.push(Tok { start: i, end: i + trimmed.len(), kind: Kind::Word });
        } else {
            toks.push(Tok { start: i, end: i + c.len_utf8(), kind: Kind::Punct(c) });
        }
    }
    toks
}

/// Words that, before a bare month name, make it a month ("in May", "last March") rather than a
/// verb or noun ("may", "a march").
const MONTH_MODIFIERS: &[&str] = &[
    "in", "last", "next", "this", "since", "until", "till", "early", "late", "mid", "during", "from", "between",
    "before", "after", "through", "throughout", "end", "beginning", "start", "by", "of", "and", "or", "to",
];
/// How many of `MONTH_MODIFIERS` (from the front) make an ambiguous month name a month.
const MONTH_MODIFIERS_STRICT: usize = 20;

/// Words that, before a bare four-digit number, make it a year ("in 2011").
const YEAR_MODIFIERS: &[&str] =
    &["in", "since", "during", "until", "till", "by", "from", "between", "through", "throughout", "early", "late", "mid", "before", "after"];

/// Clause breaks the future-tense look-back does not cross.
const CLAUSE_WORDS: &[&str] = &["said", "says", "told", "added", "reported", "and", "but", "while", "after", "when"];

struct Window<'a> {
    text: &'a str,
    toks: Vec<Tok>,
    /// The whole text is lower case (some archives are): capitals carry no signal.
    caseless: bool,
}

/// True when a text has (almost) no capital letters, as some lower-cased archives do.
fn is_caseless(text: &str) -> bool {
    let (mut letters, mut upper) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()).take(5_000) {
        letters += 1;
        upper += usize::from(c.is_uppercase());
    }
    letters >= 200 && upper * 200 < letters
}

impl Window<'_> {
    fn word(&self, i: usize) -> Option<String> {
        let t = self.toks.get(i)?;
        (t.kind == Kind::Word).then(|| self.text[t.start..t.end].to_lowercase())
    }

    fn is_word(&self, i: usize, words: &[&str]) -> bool {
        self.word(i).is_some_and(|w| words.contains(&w.as_str()))
    }

    fn punct(&self, i: usize) -> Option<char> {
        match self.toks.get(i)?.kind {
            Kind::Punct(c) => Some(c),
            _ => None,
        }
    }

    fn num(&self, i: usize) -> Option<(u32, u8)> {
        match self.toks.get(i)?.kind {
            Kind::Num { value, digits } => Some((value, digits)),
            _ => None,
        }
    }

    fn starts_upper(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| self.caseless || self.text[t.start..].chars().next().is_some_and(char::is_uppercase))
    }

    fn all_upper(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| self.text[t.start..t.end].chars().all(|c| !c.is_lowercase()))
    }

    /// Index of the token starting at byte `at`.
    fn index_at(&self, at: usize) -> Option<usize> {
        self.toks.binary_search_by_key(&at, |t| t.start).ok()
    }

    /// Index of the last token ending at or before byte `at`.
    fn index_ending(&self, at: usize) -> Option<usize> {
        let i = self.toks.partition_point(|t| t.end <= at);
        i.checked_sub(1)
    }
}

fn day_ok(v: u32, digits: u8) -> Option<i8> {
    (digits <= 2 && (1..=31).contains(&v)).then(|| i8::try_from(v).unwrap_or(0))
}

fn year4(v: u32, digits: u8) -> Option<i16> {
    (digits == 4 && (1900..=2099).contains(&v)).then(|| i16::try_from(v).unwrap_or(0))
}

/// The scanner: finds raw expressions in one text.
pub struct Scanner<'l> {
    pub lex: &'l Lexicon,
}

/// Byte bounds of the window read around an anchor: up to `before`/`after` bytes, cut at line
/// breaks, on character boundaries, starting at a word boundary.
fn window_bounds(text: &str, start: usize, end: usize, before: usize, after: usize) -> (usize, usize) {
    let mut lo = start.saturating_sub(before);
    while !text.is_char_boundary(lo) {
        lo += 1;
    }
    if lo > 0 {
        // Start after the first white space so the window opens on a whole word.
        if let Some(ws) = text[lo..start].find(char::is_whitespace) {
            lo += ws;
        } else {
            lo = start;
        }
    }
    let mut hi = (end + after).min(text.len());
    while !text.is_char_boundary(hi) {
        hi -= 1;
    }
    if hi < text.len() {
        if let Some(ws) = text[end..hi].rfind(char::is_whitespace) {
            hi = end + ws;
        } else {
            hi = end;
        }
    }
    (lo, hi)
}

impl Scanner<'_> {
    /// Every expression in `text`, sorted, without overlaps (the longer of two overlapping wins).
    pub fn scan(&self, text: &str) -> Vec<RawExpr> {
        let mut found = Vec::new();
        let caseless = is_caseless(text);
        for m in self.lex.anchors.find_iter(text) {
            let (s, e) = (m.start(), m.end());
            let before_ok = text[..s].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
            let after_ok = text[e..].chars().next().is_none_or(|c| !c.is_alphanumeric());
            if !(before_ok && after_ok) {
                continue;
            }
            let anchor = self.lex.anchor_kinds[m.pattern().as_usize()];
            let (lo, hi) = window_bounds(text, s, e, 90, 70);
            let win = Window { text, toks: tokenize(text, lo, hi), caseless };
            // Cut the window at line breaks around the anchor.
            let Some(first) = win.index_at(s) else { continue };
            // A word the automaton matched a prefix of ("Monday's") is one token here.
            let last = win.toks.partition_point(|t| t.start < e).saturating_sub(1).max(first);
            let line_lo = win.toks[..first].iter().rposition(|t| t.kind == Kind::Break).map_or(0, |b| b + 1);
            let line_hi = win.toks[last..].iter().position(|t| t.kind == Kind::Break).map_or(win.toks.len(), |b| last + b);
            let win = Window { text, toks: win.toks[line_lo..line_hi].to_vec(), caseless };
            let (first, last) = (first - line_lo, last - line_lo);
            let expr = match anchor {
                Anchor::Month { month, abbr } => self.month(&win, first, month, abbr),
                Anchor::Weekday(weekday) => self.weekday(&win, first, weekday),
                Anchor::Relative { kind, offset } => self.relative(&win, first, last, kind, offset),
                Anchor::Unit(unit) => self.unit(&win, first, unit),
            };
            if let Some(mut expr) = expr {
                let (i0, i1) = (win.index_at(expr.start).unwrap_or(first), win.index_ending(expr.end).unwrap_or(last));
                self.extend_since(&win, i0, &mut expr);
                expr.future = expr.future || self.is_future(&win, i0, i1);
                found.push(expr);
            }
        }
        found.extend(scan_digits(text));
        found.sort_by_key(|x| (x.start, std::cmp::Reverse(x.end)));
        let mut out: Vec<RawExpr> = Vec::with_capacity(found.len());
        for x in found {
            if let Some(prev) = out.last() {
                if x.start < prev.end {
                    if x.end - x.start > prev.end - prev.start {
                        out.pop();
                    } else {
                        continue;
                    }
                }
            }
            out.push(x);
        }
        merge_ranges(text, &mut out);
        out
    }

    /// "since March", "since 2011": the expression runs to publication; the word joins the span.
    fn extend_since(&self, win: &Window, i0: usize, expr: &mut RawExpr) {
        let _ = self;
        if expr.last.is_none() && i0 > 0 && win.is_word(i0 - 1, &["since"]) {
            expr.since = true;
            expr.start = win.toks[i0 - 1].start;
        }
    }

    /// Future tense within the expression's clause: a cue a few words before it ("will meet on
    /// Friday"), or, for an expression opening its sentence, a cue just after it ("On Friday,
    /// the envoy will…").
    fn is_future(&self, win: &Window, i0: usize, i1: usize) -> bool {
        let cue_at = |i: usize| {
            self.lex.future_cues.iter().any(|cue| {
                cue.iter().enumerate().all(|(k, w)| win.word(i + k).is_some_and(|x| &x == w))
            }) || win.word(i).is_some_and(|w| w.ends_with("'ll") || w.ends_with("’ll"))
        };
        let mut words = 0;
        let mut i = i0;
        let mut opens_clause = true;
        while i > 0 && words < 6 {
            i -= 1;
            let t = win.toks[i];
            match t.kind {
                Kind::Break | Kind::Punct('.' | ';' | ':' | '!' | '?' | ',' | '"' | '“' | '”') => break,
                Kind::Word => {
                    if win.is_word(i, CLAUSE_WORDS) {
                        opens_clause = false;
                        break;
                    }
                    if cue_at(i) {
                        return true;
                    }
                    if !win.is_word(i, &["on", "the", "in", "early", "late", "by"]) {
                        opens_clause = false;
                    }
                    words += 1;
                }
                _ => opens_clause = false,
            }
        }
        if opens_clause {
            let mut j = i1 + 1;
            let mut words = 0;
            while j < win.toks.len() && words < 6 {
                match win.toks[j].kind {
                    Kind::Break | Kind::Punct('.' | ';' | '!' | '?') => break,
                    Kind::Word => {
                        if cue_at(j) {
                            return true;
                        }
                        words += 1;
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        false
    }

    fn month(&self, win: &Window, i: usize, month: i8, abbr: bool) -> Option<RawExpr> {
        let _ = self;
        if !win.starts_upper(i) {
            return None;
        }
        let upper = win.all_upper(i);
        let mut j = i + 1;
        if abbr && win.punct(j) == Some('.') {
            j += 1;
        }
        let month_end = win.toks[j - 1].end;
        let mk = |start: usize, end: usize, first: Point, last: Option<Point>| RawExpr { start, end, first, last, since: false, future: false };
        // Month D[, YYYY], with an optional range "Month D-D" / "Month D to D" / "Month D to Month D".
        if let Some(day) = win.num(j).and_then(|(v, d)| day_ok(v, d)) {
            let mut end = win.toks[j].end;
            let mut k = j + 1;
            let mut last_day = None;
            let mut last_month = month;
            if matches!(win.punct(k), Some('-' | '–')) || win.is_word(k, &["to", "through", "until", "and"]) {
                if let Some(d2) = win.num(k + 1).and_then(|(v, d)| day_ok(v, d)) {
                    if d2 > day {
                        last_day = Some(d2);
                        end = win.toks[k + 1].end;
                        k += 2;
                    }
                } else if let Some(Anchor::Month { month: m2, .. }) = win.word(k + 1).and_then(|w| self.lex.word(&w)) {
                    let mut k2 = k + 2;
                    if win.punct(k2) == Some('.') {
                        k2 += 1;
                    }
                    if let Some(d2) = win.num(k2).and_then(|(v, d)| day_ok(v, d)) {
                        last_day = Some(d2);
                        last_month = m2;
                        end = win.toks[k2].end;
                        k = k2 + 1;
                    }
                }
            }
            let mut year = None;
            let comma = usize::from(win.punct(k) == Some(','));
            if let Some(y) = win.num(k + comma).and_then(|(v, d)| year4(v, d)) {
                year = Some(y);
                end = win.toks[k + comma].end;
            }
            let start = win.toks[i].start;
            let first = Point::Date { year, month, day };
            let last = last_day.map(|d| Point::Date { year, month: last_month, day: d });
            let start = self.range_opener(win, i, start, last.is_some());
            return Some(mk(start, end, first, last));
        }
        // D [of] Month [YYYY | YY in wire upper case], with an optional "D-D Month" range.
        let mut back = i;
        if back > 0 && win.is_word(back - 1, &["of"]) {
            back -= 1;
        }
        if let Some(day) = back.checked_sub(1).and_then(|b| win.num(b)).and_then(|(v, d)| day_ok(v, d)) {
            let mut start = win.toks[back - 1].start;
            let mut first = Point::Date { year: None, month, day };
            let mut last = None;
            let b = back - 1;
            if b >= 2 && (matches!(win.punct(b - 1), Some('-' | '–')) || win.is_word(b - 1, &["to", "and", "through"])) {
                if let Some(d1) = win.num(b - 2).and_then(|(v, d)| day_ok(v, d)).filter(|d1| *d1 < day) {
                    start = win.toks[b - 2].start;
                    last = Some(first);
                    first = Point::Date { year: None, month, day: d1 };
                }
            }
            let mut end = month_end;
            let comma = usize::from(win.punct(j) == Some(','));
            let year = match win.num(j + comma) {
                Some((v, 4)) => year4(v, 4),
                Some((v, 2)) if upper && comma == 0 => Some(i16::try_from(if v >= 50 { 1900 + v } else { 2000 + v }).unwrap_or(0)),
                _ => None,
            };
            if year.is_some() {
                end = win.toks[j + comma].end;
            }
            let with_year = |p: Point| match p {
                Point::Date { month, day, .. } => Point::Date { year, month, day },
                other => other,
            };
            let start = self.range_opener(win, b.saturating_sub(usize::from(last.is_some()) * 2), start, last.is_some());
            return Some(mk(start, end, with_year(first), last.map(with_year)));
        }
        // Month [of] this/last/next year.
        let of = usize::from(win.is_word(j, &["of"]));
        if win.is_word(j + of + 1, &["year"]) {
            let j = j + of;
            let year_offset = match win.word(j).as_deref() {
                Some("this") => Some(0),
                Some("last") => Some(-1),
                Some("next") => Some(1),
                _ => None,
            };
            if let Some(year_offset) = year_offset {
                return Some(mk(win.toks[i].start, win.toks[j + 1].end, Point::MonthOfYear { month, year_offset }, None));
            }
        }
        // Month YYYY.
        let comma = usize::from(win.punct(j) == Some(','));
        if let Some(y) = win.num(j + comma).and_then(|(v, d)| year4(v, d)) {
            return Some(mk(win.toks[i].start, win.toks[j + comma].end, Point::Month { year: Some(y), month, shift: 0 }, None));
        }
        // A bare month needs a modifier before it ("in May", "last November", "mid-March").
        if abbr || i == 0 {
            return None;
        }
        let mut p = i - 1;
        if matches!(win.punct(p), Some('-')) && p > 0 {
            p -= 1;
        }
        let modifier = win.word(p)?;
        // "may" and "march" are also a verb and a noun (and "May" a surname): only the clearly
        // temporal words make them months ("in May", not "and may", "Trump and May").
        let ambiguous = matches!(win.word(i).as_deref(), Some("may" | "march"));
        let allowed = if ambiguous { &MONTH_MODIFIERS[..MONTH_MODIFIERS_STRICT] } else { MONTH_MODIFIERS };
        let part_of = modifier == "of" && p > 0 && win.is_word(p - 1, &["end", "beginning", "start", "middle"]);
        if !allowed.contains(&modifier.as_str()) && !part_of {
            return None;
        }
        let (shift, start) = match modifier.as_str() {
            "last" => (-1, win.toks[p].start),
            "next" => (1, win.toks[p].start),
            "this" => (0, win.toks[p].start),
            _ => (0, win.toks[i].start),
        };
        Some(mk(start, month_end, Point::Month { year: None, month, shift }, None))
    }

    /// For a range, the opening "from" or "between" joins the span.
    fn range_opener(&self, win: &Window, i: usize, start: usize, is_range: bool) -> usize {
        let _ = self;
        if is_range && i > 0 && win.is_word(i - 1, &["from", "between"]) {
            win.toks[i - 1].start
        } else {
            start
        }
    }

    fn weekday(&self, win: &Window, i: usize, weekday: Weekday) -> Option<RawExpr> {
        let _ = self;
        if !win.starts_upper(i) {
            return None;
        }
        // "the Sunday Times", "the Friday Mosque": a name, not a day.
        if !win.caseless && i > 0 && win.is_word(i - 1, &["the", "a"]) && win.starts_upper(i + 1) && !win.all_upper(i) {
            return None;
        }
        let mut start = win.toks[i].start;
        let mut shift = 0;
        if i > 0 {
            match win.word(i - 1).as_deref() {
                Some("last") => {
                    shift = -1;
                    start = win.toks[i - 1].start;
                }
                Some("next") => {
                    shift = 1;
                    start = win.toks[i - 1].start;
                }
                Some("this") => start = win.toks[i - 1].start,
                _ => {}
            }
        }
        let mut end = win.toks[i].end;
        if win.is_word(i + 1, &["night", "morning", "afternoon", "evening"]) {
            end = win.toks[i + 1].end;
        }
        Some(RawExpr { start, end, first: Point::Weekday { weekday, shift }, last: None, since: false, future: shift > 0 })
    }

    fn relative(&self, win: &Window, i: usize, last: usize, kind: RelKind, offset: i32) -> Option<RawExpr> {
        let _ = self;
        let (start, end) = (win.toks[i].start, win.toks[last].end);
        // "over the last week" is a duration back from publication, not the calendar week before.
        if win.is_word(i, &["last"]) && i > 0 && win.is_word(i - 1, &["the"]) {
            let unit = match kind {
                RelKind::Week => Unit::Week,
                RelKind::Month => Unit::Month,
                RelKind::Year => Unit::Year,
                _ => return None,
            };
            let start = win.toks[i - 1].start;
            return Some(RawExpr { start, end, first: Point::Back { n: 1, unit, vague: false }, last: None, since: false, future: false });
        }
        // A phrase with a trailing weekday or date keeps only its own words; "the day before" followed
        // by an event noun ("the day before the election") is not an anaphor we can resolve.
        if kind == RelKind::Anaphor && win.is_word(last + 1, &["the", "a", "an", "his", "her", "their", "its"]) {
            return None;
        }
        Some(RawExpr { start, end, first: Point::Relative { kind, offset }, last: None, since: false, future: offset > 0 && kind != RelKind::Anaphor })
    }

    fn unit(&self, win: &Window, i: usize, unit: Unit) -> Option<RawExpr> {
        // Ages and compound adjectives: "35-year-old", "a two-day visit".
        if i > 0 && matches!(win.punct(i - 1), Some('-' | '–')) {
            return None;
        }
        if win.is_word(i + 1, &["old"]) || matches!(win.punct(i + 1), Some('-')) {
            return None;
        }
        let mut n = None;
        let mut vague = false;
        let mut k = i;
        if k > 0 && win.is_word(k - 1, &["of"]) && k >= 2 && win.is_word(k - 2, &["couple"]) {
            k -= 1;
        }
        if k > 0 {
            if let Some((v, digits)) = win.num(k - 1) {
                if digits <= 3 {
                    n = i32::try_from(v).ok();
                    k -= 1;
                }
            } else if let Some(w) = win.word(k - 1).and_then(|w| self.lex.numbers.get(&w).copied()) {
                n = Some(w.value);
                vague = w.vague;
                k -= 1;
                // "a few days", "a couple of days"
                if k > 0 && win.is_word(k - 1, &["a"]) && vague || win.is_word(k, &["couple"]) && k > 0 && win.is_word(k - 1, &["a"]) {
                    k -= 1;
                }
            }
        }
        let start = win.toks[k].start;
        let end = win.toks[i].end;
        let mk = |start: usize, end: usize, first: Point| RawExpr { start, end, first, last: None, since: false, future: false };
        if let Some(n) = n {
            if win.is_word(i + 1, &["ago"]) {
                return Some(mk(start, win.toks[i + 1].end, Point::Ago { n, unit, vague }));
            }
            if win.is_word(i + 1, &["earlier", "later"]) && !vague {
                let sign = if win.is_word(i + 1, &["earlier"]) { -1 } else { 1 };
                return Some(mk(start, win.toks[i + 1].end, Point::Shift { n: sign * n, unit }));
            }
        }
        // "(over|in|during) the past/last [N] units", but not "the last days of the siege".
        if k > 0 && win.is_word(k - 1, &["past", "last"]) && !win.is_word(i + 1, &["of"]) {
            let start = if k >= 2 && win.is_word(k - 2, &["the"]) { win.toks[k - 2].start } else { win.toks[k - 1].start };
            return Some(mk(start, end, Point::Back { n: n.unwrap_or(1), unit, vague }));
        }
        None
    }
}

/// Byte offset where the last run of letters in `s` starts (`s.len()` when `s` ends otherwise).
fn last_word_start(s: &str) -> usize {
    s.char_indices().rev().take_while(|(_, c)| c.is_alphabetic()).last().map_or(s.len(), |(i, _)| i)
}

/// Bare years after a temporal preposition ("in 2011") and ISO dates ("2013-01-25"): one linear
/// byte scan for runs of four digits.
fn scan_digits(text: &str) -> Vec<RawExpr> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let s = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let prev = if s > 0 { bytes[s - 1] } else { b' ' };
        if i - s != 4 || prev.is_ascii_alphanumeric() || matches!(prev, b'-' | b'/' | b'.' | b',' | b'$' | b'#') {
            continue;
        }
        let Ok(year) = text[s..i].parse::<i16>() else { continue };
        // ISO date: YYYY-MM-DD not followed by more of an identifier.
        if bytes.get(i) == Some(&b'-') && bytes.len() >= i + 6 && bytes[i + 3] == b'-' {
            let mm = &text[i + 1..i + 3];
            let dd_end = i + 6;
            let dd = text.get(i + 4..dd_end).unwrap_or("");
            let tail_ok = bytes.get(dd_end).is_none_or(|b| !b.is_ascii_alphanumeric() && *b != b'-');
            if let (Ok(month), Ok(day), true) = (mm.parse::<i8>(), dd.parse::<i8>(), tail_ok) {
                if (1..=12).contains(&month) && (1..=31).contains(&day) && (1900..=2099).contains(&year) {
                    out.push(RawExpr { start: s, end: dd_end, first: Point::Date { year: Some(year), month, day }, last: None, since: false, future: false });
                    i = dd_end;
                    continue;
                }
            }
        }
        let next = bytes.get(i).copied().unwrap_or(b' ');
        if next.is_ascii_alphanumeric() || matches!(next, b'-' | b'/') || (next == b',' || next == b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            continue;
        }
        if !(1950..=2049).contains(&year) {
            continue;
        }
        // The word before, skipping "early"/"mid-" style words is left to the modifier list.
        let before = text[..s].trim_end_matches([' ', '-']);
        let word_start = last_word_start(before);
        let word = before[word_start..].to_lowercase();
        if YEAR_MODIFIERS.contains(&word.as_str()) {
            let since = word == "since";
            let start = if since { word_start } else { s };
            out.push(RawExpr { start, end: i, first: Point::Year(year), last: None, since, future: false });
        }
    }
    out
}

/// Joins two adjacent expressions into a range when only a connector stands between them:
/// "from Monday to Wednesday", "on Sunday and into Monday", "between Monday and Wednesday",
/// "March 3 to March 5" (already joined by the month reader), and a weekday before a date
/// ("Monday, March 3") becomes that date.
fn merge_ranges(text: &str, exprs: &mut Vec<RawExpr>) {
    let mut i = 0;
    while i + 1 < exprs.len() {
        let (a, b) = (exprs[i], exprs[i + 1]);
        let gap = text[a.end..b.start].trim().to_lowercase();
        let gap = gap.trim_matches(|c: char| c == ',' || c == '(' || c == ')' || c.is_whitespace());
        let before = text[..a.start].trim_end().to_lowercase();
        let opened = before.ends_with("between") || before.ends_with("from");
        let weekday_pair = matches!(a.first, Point::Weekday { .. }) && matches!(b.first, Point::Weekday { .. });
        let date_pair = matches!(a.first, Point::Date { .. }) && matches!(b.first, Point::Date { .. });
        let connector = matches!(gap, "to" | "through" | "until" | "till" | "-" | "–" | "and into" | "into" | "and through")
            || (gap == "and" && (opened || weekday_pair));
        if a.last.is_none() && b.last.is_none() && !a.since && (weekday_pair || date_pair) && connector {
            let start = if opened { last_word_start(text[..a.start].trim_end()) } else { a.start };
            exprs[i] = RawExpr { start, end: b.end, first: a.first, last: Some(b.first), since: false, future: a.future || b.future };
            exprs.remove(i + 1);
            continue;
        }
        if matches!(a.first, Point::Weekday { .. }) && matches!(b.first, Point::Date { .. }) && gap.is_empty() && a.last.is_none() {
            exprs[i] = RawExpr { start: a.start, end: b.end, ..b };
            exprs.remove(i + 1);
            continue;
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizer_folds_ordinals_and_keeps_breaks() {
        let text = "March 3rd\u{2028}9mm";
        let toks = tokenize(text, 0, text.len());
        assert_eq!(toks.len(), 4);
        assert_eq!(toks[1].kind, Kind::Num { value: 3, digits: 1 });
        assert_eq!(toks[2].kind, Kind::Break);
        assert_eq!(toks[3].kind, Kind::Word);
    }

    #[test]
    fn digit_scan_skips_identifiers() {
        assert!(scan_digits("ref 2011-02-S-154 and in 2011, ").iter().all(|x| x.first == Point::Year(2011) && x.start == 25));
        assert_eq!(scan_digits("dated 2013-01-25.")[0].first, Point::Date { year: Some(2013), month: 1, day: 25 });
        assert!(scan_digits("killed 2000 people").is_empty());
    }
}
