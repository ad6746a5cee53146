//! Test-only helpers: a minimal sentence splitter (standing in for the text stage until it lands),
//! a reader for PolNeAR's brat files and the PolNeAR scorer of METRICS.md.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::Path;

use sitrep_core::{CharMap, Document, Span};

const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "sen", "rep", "gen", "lt", "col", "sgt", "gov", "rev", "st", "jr", "sr", "prof", "capt", "maj",
    "adm", "del", "u.s", "u.n", "d.c", "no", "vs", "jan", "feb", "aug", "sept", "oct", "nov", "dec", "inc", "corp", "co", "calif",
    "fla", "wis", "ky", "va", "mass", "conn", "pa", "ill", "tenn", "ariz", "ga", "ohio", "n.y", "s.c", "n.c", "a.m", "p.m",
];

/// Paragraphs (runs of non-blank lines) and sentences (split after . ? ! and any closing marks,
/// before a capital letter or an opening mark; never inside a line's abbreviation).
pub fn segment(doc: &mut Document) {
    let text = doc.text.clone();
    let mut paragraphs = Vec::new();
    let mut sentences = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end();
        let lead = body.len() - body.trim_start().len();
        if !body.trim().is_empty() {
            let start = offset + lead;
            let end = offset + body.len();
            paragraphs.push(Span::new(start, end));
            split_sentences(&text, Span::new(start, end), &mut sentences);
        }
        offset += line.len();
    }
    doc.paragraphs = paragraphs;
    doc.sentences = sentences;
}

fn split_sentences(text: &str, para: Span, out: &mut Vec<Span>) {
    let piece = &text[para.start..para.end];
    let chars: Vec<(usize, char)> = piece.char_indices().collect();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        if matches!(c, '.' | '?' | '!') {
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j].1, '"' | '\u{201D}' | '\u{2019}' | '\'' | ')') {
                j += 1;
            }
            let next_word = chars.get(j).is_some_and(|x| x.1 == ' ') && {
                let mut k = j;
                while k < chars.len() && chars[k].1 == ' ' {
                    k += 1;
                }
                chars.get(k).is_some_and(|x| x.1.is_uppercase() || matches!(x.1, '"' | '\u{201C}' | '\u{2018}'))
            };
            let word_before: String = piece[..chars[i].0]
                .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '"' || c == '\u{201C}')
                .next()
                .unwrap_or("")
                .to_lowercase();
            let abbreviation = c == '.'
                && (ABBREVIATIONS.contains(&word_before.as_str())
                    || (word_before.chars().count() == 1 && word_before.chars().all(char::is_alphabetic))
                    || (word_before.contains('.') && word_before.len() <= 6));
            if next_word && !abbreviation {
                let end = chars.get(j).map_or(piece.len(), |x| x.0);
                out.push(Span::new(para.start + start, para.start + end));
                let mut k = j;
                while k < chars.len() && chars[k].1 == ' ' {
                    k += 1;
                }
                start = chars.get(k).map_or(piece.len(), |x| x.0);
                i = k;
                continue;
            }
        }
        i += 1;
    }
    if start < piece.len() {
        out.push(Span::new(para.start + start, para.end));
    }
}

/// One gold attribution: spans in bytes (brat offsets are characters and are converted).
#[derive(Debug, Clone)]
pub struct Gold {
    pub source: Vec<Span>,
    pub content: Vec<Span>,
    pub cue: Vec<Span>,
}

pub struct Article {
    pub name: String,
    pub doc: Document,
    pub gold: Vec<Gold>,
}

pub fn read_polnear(dir: &Path) -> Vec<Article> {
    let mut out = Vec::new();
    let mut anns: Vec<_> = std::fs::read_dir(dir.join("attributions")).expect("polnear attributions").flatten().map(|e| e.path()).collect();
    anns.sort();
    let mut seen = std::collections::HashSet::new();
    for ann in anns {
        let stem = ann.file_stem().unwrap().to_string_lossy().to_string();
        let base = stem.rsplit_once('_').map_or(stem.as_str(), |(b, _)| b).to_owned();
        // Some texts were annotated twice; like `sitrep eval`, score the first annotation only.
        if !seen.insert(base.clone()) {
            continue;
        }
        let text = std::fs::read_to_string(dir.join("text").join(format!("{base}.txt"))).expect("polnear text");
        let map = CharMap::new(&text);
        let raw = std::fs::read_to_string(&ann).unwrap();
        let mut spans: HashMap<String, (String, Vec<Span>)> = HashMap::new();
        let mut relations = Vec::new();
        for line in raw.lines() {
            let cols: Vec<&str> = line.split('\t').collect();
            if cols[0].starts_with('T') {
                let (kind, ranges) = cols[1].split_once(' ').unwrap();
                let segs = ranges
                    .split(';')
                    .map(|r| {
                        let (a, b) = r.split_once(' ').unwrap();
                        map.span_from_chars(a.parse().unwrap(), b.parse().unwrap())
                    })
                    .collect();
                spans.insert(cols[0].to_owned(), (kind.to_owned(), segs));
            } else if cols[0].starts_with('E') {
                relations.push(cols[1].to_owned());
            }
        }
        let mut gold = Vec::new();
        for rel in relations {
            let mut g = Gold { source: vec![], content: vec![], cue: vec![] };
            for part in rel.split_whitespace() {
                let Some((role, id)) = part.split_once(':') else { continue };
                let Some((_, segs)) = spans.get(id) else { continue };
                match role {
                    "Source" => g.source = segs.clone(),
                    "Content" => g.content = segs.clone(),
                    "Cue" => g.cue = segs.clone(),
                    _ => {}
                }
            }
            if !g.content.is_empty() {
                gold.push(g);
            }
        }
        out.push(Article { name: base.clone(), doc: Document::from_text(base, text), gold });
    }
    out
}

fn overlap(a: Span, b: Span) -> usize {
    a.end.min(b.end).saturating_sub(a.start.max(b.start))
}

/// METRICS.md: predicted and gold overlap by at least half of the shorter.
pub fn matches(pred: Span, gold: &[Span]) -> bool {
    let gold_len: usize = gold.iter().map(|s| s.len()).sum();
    let shared: usize = gold.iter().map(|g| overlap(pred, *g)).sum();
    let shorter = pred.len().min(gold_len);
    shorter > 0 && shared * 2 >= shorter
}

const PRONOUNS: &[&str] = &["he", "she", "they", "we", "i", "it", "you", "him", "her", "them", "us"];

fn head_word(text: &str) -> Option<String> {
    // The head of a source phrase: its last word before an appositive, a bracket or a relative clause.
    let core = text.split([',', '(']).next().unwrap_or(text);
    let core = core.split(" who ").next().unwrap_or(core);
    let core = core.split(" of ").next().unwrap_or(core);
    core.split_whitespace()
        .last()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
        .map(|w| w.trim_end_matches("’s").trim_end_matches("'s").to_owned())
        .filter(|w| !w.is_empty())
}

/// METRICS.md speaker rule: a mention of the speaker's entity overlaps the gold source, or the
/// speaker's name contains the gold source's head word; pronoun sources only through the entity.
pub fn speaker_right(doc: &Document, gold_source: &[Span], name: Option<&str>, entity: Option<&str>) -> bool {
    let Some(first) = gold_source.first() else { return false };
    if let Some(e) = entity.and_then(|id| doc.entity(id)) {
        if e.mentions.iter().any(|m| gold_source.iter().any(|g| m.overlaps(*g))) {
            return true;
        }
    }
    let gold_text = gold_source.iter().map(|s| doc.slice(*s)).collect::<Vec<_>>().join(" ");
    if PRONOUNS.contains(&gold_text.trim().to_lowercase().as_str()) {
        return false;
    }
    let _ = first;
    match (name, head_word(&gold_text)) {
        (Some(name), Some(head)) => name
            .to_lowercase()
            .split_whitespace()
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
            .map(|w| w.trim_end_matches("\u{2019}s").trim_end_matches("'s"))
            .any(|w| w == head),
        _ => false,
    }
}

pub fn is_pronoun_source(doc: &Document, gold_source: &[Span]) -> bool {
    let t = gold_source.iter().map(|s| doc.slice(*s)).collect::<Vec<_>>().join(" ");
    PRONOUNS.contains(&t.trim().to_lowercase().as_str())
}

pub fn has_quote_mark(doc: &Document, content: &[Span]) -> bool {
    // Wire and archive text writes double marks as two apostrophes (''like this'').
    content.iter().any(|s| doc.slice(*s).contains(['"', '\u{201C}', '\u{201D}']) || doc.slice(*s).contains("''"))
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    pub tp_pred: usize,
    pub pred: usize,
    pub tp_gold: usize,
    pub gold: usize,
}

impl Tally {
    pub fn precision(&self) -> f64 {
        if self.pred == 0 { 0.0 } else { self.tp_pred as f64 / self.pred as f64 }
    }
    pub fn recall(&self) -> f64 {
        if self.gold == 0 { 0.0 } else { self.tp_gold as f64 / self.gold as f64 }
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
    }
    pub fn add(&mut self, o: Tally) {
        self.tp_pred += o.tp_pred;
        self.pred += o.pred;
        self.tp_gold += o.tp_gold;
        self.gold += o.gold;
    }
}

/// The three PolNeAR figures for one annotated document. A prediction is right when it matches
/// some gold item; a gold item is found when some prediction matches it (one gold attribution
/// may hold several quotations: "“…,” he said. “…”").
pub fn score(doc: &Document, gold: &[Gold]) -> (Tally, Tally, Tally) {
    let direct: Vec<&Gold> = gold.iter().filter(|g| has_quote_mark(doc, &g.content)).collect();
    let quote_ok = |q: &sitrep_core::Quote, g: &Gold| matches(q.span, &g.content);
    let speaker_ok = |q: &sitrep_core::Quote, g: &Gold| {
        matches(q.span, &g.content) && speaker_right(doc, &g.source, q.speaker.as_deref(), q.speaker_entity.as_deref())
    };
    let attribution_ok = |a: &sitrep_core::Attribution, g: &Gold| {
        matches(a.content, &g.content)
            && (g.source.is_empty() || speaker_right(doc, &g.source, a.source.as_deref(), a.source_entity.as_deref()))
    };
    let tally = |pred_hits: usize, pred: usize, gold_hits: usize, gold: usize| Tally { tp_pred: pred_hits, pred, tp_gold: gold_hits, gold };
    let quote = tally(
        doc.quotes.iter().filter(|q| direct.iter().any(|g| quote_ok(q, g))).count(),
        doc.quotes.len(),
        direct.iter().filter(|g| doc.quotes.iter().any(|q| quote_ok(q, g))).count(),
        direct.len(),
    );
    let speaker = tally(
        doc.quotes.iter().filter(|q| direct.iter().any(|g| speaker_ok(q, g))).count(),
        doc.quotes.len(),
        direct.iter().filter(|g| doc.quotes.iter().any(|q| speaker_ok(q, g))).count(),
        direct.len(),
    );
    let attribution = tally(
        doc.attributions.iter().filter(|a| gold.iter().any(|g| attribution_ok(a, g))).count(),
        doc.attributions.len(),
        gold.iter().filter(|g| doc.attributions.iter().any(|a| attribution_ok(a, g))).count(),
        gold.len(),
    );
    (quote, speaker, attribution)
}

/// Diagnostic only (not a METRICS.md figure): speaker tallies where a pronoun gold source counts as
/// found when the quote's speaker span is that pronoun and an antecedent was chosen; shows how much
/// of speaker_f1 is lost to pronoun sources that the entity layer has no mention for.
pub fn speaker_with_pronoun_spans(doc: &Document, gold: &[Gold]) -> Tally {
    let direct: Vec<&Gold> = gold.iter().filter(|g| has_quote_mark(doc, &g.content)).collect();
    let ok = |q: &sitrep_core::Quote, g: &Gold| {
        if !matches(q.span, &g.content) {
            return false;
        }
        if is_pronoun_source(doc, &g.source) {
            let named = q.speaker.as_deref().is_some_and(|n| !PRONOUNS.contains(&n.to_lowercase().as_str()));
            return named && q.speaker_span.is_some_and(|s| g.source.iter().any(|g| g.overlaps(s)));
        }
        speaker_right(doc, &g.source, q.speaker.as_deref(), q.speaker_entity.as_deref())
    };
    Tally {
        tp_pred: doc.quotes.iter().filter(|q| direct.iter().any(|g| ok(q, g))).count(),
        pred: doc.quotes.len(),
        tp_gold: direct.iter().filter(|g| doc.quotes.iter().any(|q| ok(q, g))).count(),
        gold: direct.len(),
    }
}

/// Lines describing quote and speaker errors in one document, for error analysis (test output only).
pub fn quote_errors(doc: &Document, gold: &[Gold]) -> Vec<String> {
    let mut out = Vec::new();
    let direct: Vec<&Gold> = gold.iter().filter(|g| has_quote_mark(doc, &g.content)).collect();
    let show = |s: Span| doc.slice(s).chars().take(90).collect::<String>().replace('\n', " ");
    for q in &doc.quotes {
        match direct.iter().find(|g| matches(q.span, &g.content)) {
            None => out.push(format!("FP quote [{}] speaker={:?}", show(q.span), q.speaker)),
            Some(g) => {
                if !speaker_right(doc, &g.source, q.speaker.as_deref(), q.speaker_entity.as_deref()) {
                    let gs = g.source.iter().map(|s| doc.slice(*s)).collect::<Vec<_>>().join(" ");
                    out.push(format!("SPK gold={gs:?} pred={:?} [{}]", q.speaker, show(q.span)));
                }
            }
        }
    }
    for g in &direct {
        if !doc.quotes.iter().any(|q| matches(q.span, &g.content)) {
            out.push(format!("FN quote [{}]", show(g.content[0])));
        }
    }
    out
}

/// Gold attributions no prediction matches, as "cue<TAB>source<TAB>content" lines (error analysis).
pub fn missed_attributions(doc: &Document, gold: &[Gold]) -> Vec<String> {
    let show = |spans: &[Span]| spans.iter().map(|s| doc.slice(*s)).collect::<Vec<_>>().join(" ").chars().take(80).collect::<String>().replace('\n', " ");
    gold.iter()
        .filter(|g| {
            !doc.attributions.iter().any(|a| {
                matches(a.content, &g.content)
                    && (g.source.is_empty() || speaker_right(doc, &g.source, a.source.as_deref(), a.source_entity.as_deref()))
            })
        })
        .map(|g| {
            let content_found = doc.attributions.iter().find(|a| matches(a.content, &g.content));
            let tag = content_found.map_or_else(|| "MISS".to_owned(), |a| format!("SRC pred={:?}", a.source));
            format!("{tag}\t{}\t{}\t{}", show(&g.cue), show(&g.source), show(&g.content))
        })
        .collect()
}

/// Predicted attributions that match no gold content, as "cue<TAB>source<TAB>content" (error analysis).
pub fn spurious_attributions(doc: &Document, gold: &[Gold]) -> Vec<String> {
    let show = |s: Span| doc.slice(s).chars().take(80).collect::<String>().replace('\n', " ");
    doc.attributions
        .iter()
        .filter(|a| !gold.iter().any(|g| matches(a.content, &g.content)))
        .map(|a| format!("{}\t{:?}\t{}", a.cue.map_or(String::new(), |c| doc.slice(c).to_owned()), a.source, show(a.content)))
        .collect()
}

/// Diagnostic only: for gold quotes whose source is a pronoun, how often the speaker the stage chose
/// contains the head word of the nearest earlier gold source that is not a pronoun (a rough stand-in
/// for the antecedent; PolNeAR has no coreference gold). Returns (agreeing, judged).
pub fn pronoun_antecedent_agreement(doc: &Document, gold: &[Gold]) -> (usize, usize) {
    let mut named: Vec<(usize, String)> = gold
        .iter()
        .filter(|g| !g.source.is_empty() && !is_pronoun_source(doc, &g.source))
        .filter_map(|g| {
            let text = g.source.iter().map(|s| doc.slice(*s)).collect::<Vec<_>>().join(" ");
            head_word(&text).map(|h| (g.source[0].start, h))
        })
        .collect();
    named.sort();
    let (mut agree, mut judged) = (0, 0);
    for g in gold.iter().filter(|g| has_quote_mark(doc, &g.content) && !g.source.is_empty() && is_pronoun_source(doc, &g.source)) {
        let at = g.source[0].start;
        let Some((_, head)) = named.iter().rev().find(|(start, _)| *start < at) else { continue };
        let Some(q) = doc.quotes.iter().find(|q| matches(q.span, &g.content) && q.speaker_span.is_some_and(|s| g.source.iter().any(|x| x.overlaps(s)))) else {
            continue;
        };
        judged += 1;
        let name = q.speaker.as_deref().unwrap_or("").to_lowercase();
        if name.split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric())).any(|w| w == head) {
            agree += 1;
        }
    }
    (agree, judged)
}

/// The rules `sitrep_eval`'s PolNeAR scorer applies (crates/sitrep_eval/src/sets/polnear.rs),
/// restated here so this crate's figures can be compared with `sitrep eval polnear`: the first
/// annotation file of each text only, gold content and source as the hull of their pieces, a gold
/// quote is a content holding a left double mark or two straight ones, and matching is one-to-one
/// (a second quotation of the same gold attribution counts as a false positive). Quotes without a
/// speaker are not speaker false positives; an attribution's source also counts as right when its
/// source span overlaps the gold source.
pub fn score_as_sitrep_eval(doc: &Document, gold: &[Gold]) -> (Tally, Tally, Tally) {
    let hull = |v: &[Span]| -> Option<Span> { Some(Span::new(v.iter().map(|s| s.start).min()?, v.iter().map(|s| s.end).max()?)) };
    let half = |a: Span, b: Span| {
        let shorter = a.len().min(b.len());
        shorter > 0 && 2 * overlap(a, b) >= shorter
    };
    struct G {
        content: Span,
        source: Option<Span>,
        source_text: String,
        direct: bool,
    }
    let golds: Vec<G> = gold
        .iter()
        .filter_map(|g| {
            let content = hull(&g.content)?;
            let text: String = g.content.iter().map(|s| doc.slice(*s)).collect::<Vec<_>>().join(" ");
            let direct = text.contains('\u{201C}') || text.matches('"').count() >= 2;
            let source = hull(&g.source);
            Some(G { content, source, source_text: source.map_or(String::new(), |s| doc.slice(s).to_owned()), direct })
        })
        .collect();
    let eval_head = |phrase: &str| -> Option<String> {
        let norm = phrase.split(',').next().unwrap_or("").to_lowercase();
        let mut words = Vec::new();
        for w in norm.split_whitespace() {
            if matches!(w, "of" | "in" | "from" | "who" | "that" | "which" | "at" | "on" | "with") && !words.is_empty() {
                break;
            }
            words.push(w.to_owned());
        }
        let last = words.last()?.clone();
        let w = last.trim_matches(|c: char| !c.is_alphanumeric());
        let w = w.strip_suffix("'s").or_else(|| w.strip_suffix("\u{2019}s")).unwrap_or(w);
        (!w.is_empty()).then(|| w.to_owned())
    };
    let pronoun = |s: &str| ["he", "she", "they", "it", "i", "we", "you", "him", "her", "them", "his", "their", "its", "us"].contains(&s.trim().to_lowercase().as_str());
    let source_right = |entity: Option<&str>, name: Option<&str>, span: Option<Span>, g: &G| {
        let Some(gs) = g.source else { return true };
        let by_entity = entity.and_then(|id| doc.entity(id)).is_some_and(|e| e.mentions.iter().any(|m| m.overlaps(gs)));
        let by_span = span.is_some_and(|s| s.overlaps(gs));
        let by_name = !pronoun(&g.source_text)
            && eval_head(&g.source_text).zip(name).is_some_and(|(h, n)| n.to_lowercase().split(|c: char| !c.is_alphanumeric()).any(|w| w == h));
        by_entity || by_span || by_name
    };
    let gold_q: Vec<&G> = golds.iter().filter(|g| g.direct).collect();
    let mut used = vec![false; gold_q.len()];
    let (mut qtp, mut qfp, mut stp, mut sfp) = (0, 0, 0, 0);
    for q in &doc.quotes {
        let has_speaker = q.speaker.is_some() || q.speaker_entity.is_some();
        match (0..gold_q.len()).find(|&i| !used[i] && half(q.span, gold_q[i].content)) {
            Some(i) => {
                used[i] = true;
                qtp += 1;
                if has_speaker {
                    if source_right(q.speaker_entity.as_deref(), q.speaker.as_deref(), None, gold_q[i]) {
                        stp += 1;
                    } else {
                        sfp += 1;
                    }
                }
            }
            None => {
                qfp += 1;
                sfp += usize::from(has_speaker);
            }
        }
    }
    let quote = Tally { tp_pred: qtp, pred: qtp + qfp, tp_gold: qtp, gold: gold_q.len() };
    let speaker = Tally { tp_pred: stp, pred: stp + sfp, tp_gold: stp, gold: gold_q.len() };
    let mut used = vec![false; golds.len()];
    let mut atp = 0;
    for a in &doc.attributions {
        let found = (0..golds.len()).find(|&i| {
            !used[i] && half(a.content, golds[i].content) && source_right(a.source_entity.as_deref(), a.source.as_deref(), a.source_span, &golds[i])
        });
        if let Some(i) = found {
            used[i] = true;
            atp += 1;
        }
    }
    let attribution = Tally { tp_pred: atp, pred: doc.attributions.len(), tp_gold: atp, gold: golds.len() };
    (quote, speaker, attribution)
}

/// Diagnostic for the scorer's design, not a METRICS figure: quote_f1 one-to-one as
/// `sitrep_eval` scores it, except that a gold attribution whose content comes in n pieces (brat's
/// discontinuous spans: "“A,” he said, “B.”") can take up to n predicted quotations.
pub fn quote_f1_by_pieces(doc: &Document, gold: &[Gold]) -> Tally {
    let half = |a: Span, b: Span| {
        let shorter = a.len().min(b.len());
        shorter > 0 && 2 * overlap(a, b) >= shorter
    };
    let direct: Vec<(Span, usize)> = gold
        .iter()
        .filter_map(|g| {
            let text: String = g.content.iter().map(|s| doc.slice(*s)).collect::<Vec<_>>().join(" ");
            let quoted = text.contains('\u{201C}') || text.matches('"').count() >= 2;
            let hull = Span::new(g.content.iter().map(|s| s.start).min()?, g.content.iter().map(|s| s.end).max()?);
            quoted.then_some((hull, g.content.len()))
        })
        .collect();
    let mut taken = vec![0usize; direct.len()];
    let mut tp = 0;
    for q in &doc.quotes {
        if let Some(i) = (0..direct.len()).find(|&i| taken[i] < direct[i].1 && half(q.span, direct[i].0)) {
            taken[i] += 1;
            tp += 1;
        }
    }
    let found = taken.iter().filter(|t| **t > 0).count();
    Tally { tp_pred: tp, pred: doc.quotes.len(), tp_gold: found, gold: direct.len() }
}
