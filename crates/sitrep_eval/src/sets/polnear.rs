//! PolNeAR: attribution (source, cue, content) in US political news, and direct quotes.
//!
//! Files: `{dev,test}/text/*.txt` and `{dev,test}/attributions/*.ann` (brat standoff:
//! `T1 <TAB> Source 89 106 <TAB> words`, discontinuous spans as `315 448;463 553`, and
//! `E1 <TAB> Attribution:T4 Content:T3 Cue:T2 Source:T1`). An annotation file belongs to the
//! text whose name it starts with (`<text stem>_<4 hex>.ann`).

use std::collections::HashMap;
use std::path::Path;

use sitrep_core::contract::Output;
use sitrep_core::Document;

use crate::stats::{Agg, Tally};
use crate::text::{half_overlap, head_word, overlaps, slice_chars};
use crate::{Errors, EvalError, Result, Runner, SetResult, FN, FP};

pub const SET: &str = "polnear";
const P: &str = "polnear.";
const PRONOUNS: [&str; 14] = ["he", "she", "they", "it", "i", "we", "you", "him", "her", "them", "his", "their", "its", "us"];

#[derive(Debug, Clone)]
pub struct GoldAttribution {
    /// Hull of the content spans (characters).
    pub content: (usize, usize),
    pub source: Option<(usize, usize)>,
    pub source_text: Option<String>,
    /// The content holds a quotation: a direct quote.
    pub direct: bool,
}

#[derive(Debug, Clone)]
pub struct Article {
    pub id: String,
    pub text: String,
    pub published: Option<jiff::civil::Date>,
    pub attributions: Vec<GoldAttribution>,
}

fn has_quotation(s: &str) -> bool {
    let opens = s.chars().filter(|c| *c == '\u{201C}').count();
    let straight = s.chars().filter(|c| *c == '"').count();
    opens > 0 || straight >= 2
}

fn parse_spans(s: &str) -> Vec<(usize, usize)> {
    s.split(';')
        .filter_map(|p| {
            let mut it = p.split_whitespace();
            Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
        })
        .collect()
}

/// Parses one `.ann` file against its text.
#[must_use]
pub fn parse_ann(ann: &str, text: &str) -> Vec<GoldAttribution> {
    let mut spans: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
    let mut out = Vec::new();
    for line in ann.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() >= 2 && cols[0].starts_with('T') {
            if let Some((_, rest)) = cols[1].split_once(' ') {
                spans.insert(cols[0], parse_spans(rest));
            }
        }
    }
    let hull = |v: &[(usize, usize)]| -> Option<(usize, usize)> { Some((v.iter().map(|s| s.0).min()?, v.iter().map(|s| s.1).max()?)) };
    for line in ann.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 2 || !cols[0].starts_with('E') {
            continue;
        }
        let mut content = Vec::new();
        let mut source = Vec::new();
        for arg in cols[1].split_whitespace() {
            let Some((role, t)) = arg.split_once(':') else { continue };
            let s = spans.get(t).cloned().unwrap_or_default();
            if role.starts_with("Content") {
                content.extend(s);
            } else if role.starts_with("Source") {
                source.extend(s);
            }
        }
        let Some(c) = hull(&content) else { continue };
        let content_text: String = content.iter().map(|s| slice_chars(text, s.0, s.1)).collect::<Vec<_>>().join(" ");
        let source_span = hull(&source);
        out.push(GoldAttribution {
            content: c,
            source: source_span,
            source_text: source_span.map(|s| slice_chars(text, s.0, s.1)),
            direct: has_quotation(&content_text),
        });
    }
    out
}

/// Reads every split folder (`dev/`, `test/`) under `dir`.
///
/// # Errors
/// When no annotated article is found or a file cannot be read.
pub fn load(dir: &Path) -> Result<Vec<Article>> {
    let mut out = Vec::new();
    for split in ["dev", "test"] {
        let text_dir = dir.join(split).join("text");
        let ann_dir = dir.join(split).join("attributions");
        if !text_dir.is_dir() || !ann_dir.is_dir() {
            continue;
        }
        let anns = crate::files_in(&ann_dir, |n| n.ends_with(".ann"))?;
        for path in crate::files_in(&text_dir, |n| n.ends_with(".txt"))? {
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
            // The first annotation file for the text (some texts were annotated twice).
            let Some(ann) = anns.iter().find(|a| a.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(&format!("{stem}_")))) else { continue };
            let text = crate::read(&path)?;
            let published = stem.split('_').nth(1).and_then(|d| d.parse().ok());
            let attributions = parse_ann(&crate::read(ann)?, &text);
            out.push(Article { id: stem, text, published, attributions });
        }
    }
    if out.is_empty() {
        return Err(EvalError::Missing { dir: dir.to_owned(), what: "dev/ or test/ with text/*.txt and attributions/*.ann".into() });
    }
    Ok(out)
}

fn is_pronoun(s: &str) -> bool {
    PRONOUNS.contains(&s.trim().to_lowercase().as_str())
}

/// METRICS.md's speaker rule: a mention of the predicted entity overlaps the gold source, or
/// the predicted name contains the gold source's head word (not for pronoun sources).
fn source_right(out: &Output, entity: Option<&str>, name: Option<&str>, span: Option<(usize, usize)>, gold: &GoldAttribution) -> bool {
    let Some(gs) = gold.source else { return true };
    let by_entity = entity
        .and_then(|id| out.entities.iter().find(|e| e.id == id))
        .is_some_and(|e| e.mentions.iter().any(|m| overlaps((m.start, m.end), gs)));
    let by_span = span.is_some_and(|s| overlaps(s, gs));
    let gold_text = gold.source_text.as_deref().unwrap_or("");
    let by_name = !is_pronoun(gold_text)
        && head_word(gold_text).zip(name).is_some_and(|(h, n)| n.to_lowercase().split(|c: char| !c.is_alphanumeric()).any(|w| w == h));
    by_entity || by_span || by_name
}

/// Scores articles against outputs (same order).
#[must_use]
pub fn score(arts: &[Article], outputs: &[Output], errors: &mut Errors) -> Tally {
    let mut t = Tally::new(arts.len());
    for m in ["quote_f1", "speaker_f1", "attribution_f1"] {
        t.declare(&format!("{P}{m}"), Agg::F1);
    }
    for (d, (a, out)) in arts.iter().zip(outputs).enumerate() {
        // Direct quotes.
        let gold_q: Vec<&GoldAttribution> = a.attributions.iter().filter(|g| g.direct).collect();
        // A gold attribution's content may hold several quotations ("“A,” he said. “B.”"), which
        // the contract gives as several quotes: every quote overlapping it is right (precision),
        // and the gold quote counts once (recall). Likewise its speaker counts once.
        let mut used = vec![false; gold_q.len()];
        let mut speaker_right = vec![false; gold_q.len()];
        let (mut qtp, mut qfp, mut sfp) = (0.0, 0.0, 0.0);
        for q in &out.quotes {
            let overlapping = |i: &usize| half_overlap((q.start, q.end), gold_q[*i].content);
            let found = (0..gold_q.len()).filter(|i| !used[*i]).find(overlapping).or_else(|| (0..gold_q.len()).find(overlapping));
            match found {
                Some(i) => {
                    qtp += f64::from(u8::from(!used[i]));
                    used[i] = true;
                    if q.speaker.is_some() || q.speaker_entity.is_some() {
                        if source_right(out, q.speaker_entity.as_deref(), q.speaker.as_deref(), None, gold_q[i]) {
                            speaker_right[i] = true;
                        } else {
                            sfp += 1.0;
                            errors.push(&a.id, FP, &format!("{P}speaker_f1"), Some((q.start, q.end)), q.speaker.clone(), format!("gold speaker {:?}", gold_q[i].source_text));
                        }
                    }
                }
                None => {
                    qfp += 1.0;
                    sfp += f64::from(u8::from(q.speaker.is_some() || q.speaker_entity.is_some()));
                    errors.push(&a.id, FP, &format!("{P}quote_f1"), Some((q.start, q.end)), Some(q.text.chars().take(80).collect()), "no gold direct quote overlaps by half");
                }
            }
        }
        let stp = speaker_right.iter().filter(|r| **r).count() as f64;
        let qfn = used.iter().filter(|u| !**u).count() as f64;
        for (i, g) in gold_q.iter().enumerate() {
            if !used[i] {
                errors.push(&a.id, FN, &format!("{P}quote_f1"), Some(g.content), Some(slice_chars(&a.text, g.content.0, g.content.1).chars().take(80).collect()), "direct quote missed");
            }
        }
        let sfn = gold_q.len() as f64 - stp;
        t.counts(d, &format!("{P}quote_f1"), Agg::F1, qtp, qfp, qfn);
        t.counts(d, &format!("{P}speaker_f1"), Agg::F1, stp, sfp, sfn);
        // Every attribution.
        let mut used = vec![false; a.attributions.len()];
        let (mut atp, mut afp) = (0.0, 0.0);
        for p in &out.attributions {
            let c = (p.content.start, p.content.end);
            let span = p.source_span.map(|s| (s.start, s.end));
            let found = a.attributions.iter().enumerate().position(|(i, g)| {
                !used[i] && half_overlap(c, g.content) && source_right(out, p.source_entity.as_deref(), p.source.as_deref(), span, g)
            });
            if let Some(i) = found {
                used[i] = true;
                atp += 1.0;
            } else {
                afp += 1.0;
                errors.push(&a.id, FP, &format!("{P}attribution_f1"), Some(c), p.source.clone(), "no gold attribution with overlapping content and the same source");
            }
        }
        let afn = used.iter().filter(|u| !**u).count() as f64;
        for (i, g) in a.attributions.iter().enumerate() {
            if !used[i] {
                errors.push(&a.id, FN, &format!("{P}attribution_f1"), Some(g.content), g.source_text.clone(), "attribution missed");
            }
        }
        t.counts(d, &format!("{P}attribution_f1"), Agg::F1, atp, afp, afn);
    }
    t
}

/// Loads, extracts and scores the set in `dir`.
///
/// # Errors
/// As [`load`].
pub fn evaluate(dir: &Path, runner: &Runner) -> Result<SetResult> {
    let arts = load(dir)?;
    let inputs = arts
        .iter()
        .map(|a| {
            let mut doc = Document::from_text(a.id.clone(), a.text.clone());
            doc.published = a.published;
            doc.published_source = sitrep_core::PublishedSource::Jsonl;
            doc
        })
        .collect();
    let outputs = runner.extract_all(inputs);
    let mut errors = Errors::new(SET);
    let tally = score(&arts, &outputs, &mut errors);
    Ok(SetResult::new(SET, &tally, errors, Vec::new()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::sets::testutil::output;

    const TEXT: &str = "Smith said \u{201C}we will win.\u{201D} Jones said taxes would rise.";
    const ANN: &str = "T1\tSource 0 5\tSmith\nT2\tCue 6 10\tsaid\nT3\tContent 11 25\t\u{201C}we will win.\u{201D}\n\
E1\tAttribution:T2 Content:T3 Cue:T2 Source:T1\nT4\tSource 26 31\tJones\nT5\tCue 32 36\tsaid\nT6\tContent 37 54\ttaxes would rise.\n\
E2\tAttribution:T5 Content:T6 Cue:T5 Source:T4\n";

    #[test]
    fn parses_brat_attributions_and_marks_direct_quotes() {
        let g = parse_ann(ANN, TEXT);
        assert_eq!(g.len(), 2);
        assert!(g[0].direct && !g[1].direct);
        assert_eq!(g[1].source_text.as_deref(), Some("Jones"));
    }

    #[test]
    fn quote_speaker_and_attribution_rules() {
        let art = Article { id: "a".into(), text: TEXT.into(), published: None, attributions: parse_ann(ANN, TEXT) };
        let out = output("a", TEXT, json!({
            "entities": [{"id": "E1", "text": "Smith", "kind": "PERSON", "mentions": [{"start": 0, "end": 5}]}],
            "quotes": [{"text": "we will win.", "start": 12, "end": 24, "speaker": "John Smith", "speaker_entity": "E1"}],
            "attributions": [
                {"source": "Smith", "source_entity": "E1", "cue": {"start": 6, "end": 10}, "content": {"start": 12, "end": 24}, "direct": true},
                {"source": "Brown", "content": {"start": 37, "end": 54}, "direct": false}
            ]}));
        let mut errors = Errors::new(SET);
        let figs = score(&[art], &[out], &mut errors).figures();
        let get = |n: &str| figs.iter().find(|f| f.name == format!("{P}{n}")).unwrap().value.unwrap();
        assert!((get("quote_f1") - 1.0).abs() < 1e-12);
        assert!((get("speaker_f1") - 1.0).abs() < 1e-12);
        // Second attribution has the wrong source: tp 1, fp 1, fn 1.
        assert!((get("attribution_f1") - 0.5).abs() < 1e-12);
    }

    #[test]
    fn loads_dev_articles_with_dates() {
        let arts = load(&sitrep_core::testdata::require_shared_data().join(SET)).unwrap();
        assert!(arts.len() >= 80, "{}", arts.len());
        assert!(arts.iter().all(|a| a.published.is_some()));
        assert!(arts.iter().flat_map(|a| &a.attributions).filter(|g| g.direct).count() > 100);
    }
}
