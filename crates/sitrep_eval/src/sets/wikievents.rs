//! WikiEvents (KAIROS): event mentions and their arguments in full news articles.
//!
//! Files: `dev.jsonl` or `test.jsonl` (one document a line: `sentences` as
//! `[[[token, start, end], …], text]`, `entity_mentions`, `event_mentions`) and
//! `coref/{dev,test}.jsonlines` (`doc_key`, `clusters` of entity ids). The upstream `text`
//! field runs sentences together ("SyriaThe"), so the text sitrep reads is rebuilt from the
//! tokens, one sentence a line, keeping the spacing inside each sentence.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use sitrep_core::contract::{OutEvent, Output};
use sitrep_core::Document;

use super::{family, Family};
use crate::stats::{Agg, Tally};
use crate::text::{head_word, norm_surface, overlaps, TextBuilder};
use crate::{Errors, EvalError, Result, Runner, SetResult, FN, FP};

pub const SET: &str = "wikievents";
const P: &str = "wikievents.";

/// The argument slots scored, as sitrep's event fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Actor1,
    Actor2,
    Location,
}

#[derive(Debug, Clone)]
pub struct GoldEvent {
    pub family: Family,
    pub kairos_type: String,
    /// Character range of the trigger's sentence in the rebuilt text.
    pub sentence: (usize, usize),
    pub trigger: (usize, usize),
    /// (slot, every mention text of the filler's coreference cluster).
    pub arguments: Vec<(Slot, Vec<String>)>,
}

#[derive(Debug, Clone)]
pub struct WikiDoc {
    pub id: String,
    pub text: String,
    pub events: Vec<GoldEvent>,
}

#[derive(Deserialize)]
struct RawMention {
    id: String,
    #[serde(default)]
    text: String,
}

#[derive(Deserialize)]
struct RawTrigger {
    start: usize,
    end: usize,
    sent_idx: usize,
}

#[derive(Deserialize)]
struct RawArg {
    entity_id: String,
    role: String,
}

#[derive(Deserialize)]
struct RawEvent {
    event_type: String,
    trigger: RawTrigger,
    #[serde(default)]
    arguments: Vec<RawArg>,
}

/// A sentence as upstream writes it: `[[token, start, end], …]` and its text.
type RawSentence = (Vec<(String, usize, usize)>, String);

#[derive(Deserialize)]
struct RawDoc {
    doc_id: String,
    sentences: Vec<RawSentence>,
    #[serde(default)]
    entity_mentions: Vec<RawMention>,
    #[serde(default)]
    event_mentions: Vec<RawEvent>,
}

#[derive(Deserialize)]
struct RawCoref {
    doc_key: String,
    clusters: Vec<Vec<String>>,
}

/// The family a KAIROS type maps to, if it is an ACLED event (METRICS.md).
#[must_use]
pub fn kairos_family(t: &str) -> Option<Family> {
    if t.starts_with("Conflict.Attack") {
        Some(Family::Violent)
    } else if t.starts_with("Conflict.Demonstrate") {
        Some(Family::Demonstration)
    } else if t.starts_with("Justice.ArrestJailDetain") {
        Some(Family::Arrest)
    } else {
        None
    }
}

fn role_slot(role: &str) -> Option<Slot> {
    match role {
        "Attacker" | "Killer" => Some(Slot::Actor1),
        "Target" | "Victim" => Some(Slot::Actor2),
        "Place" => Some(Slot::Location),
        _ => None,
    }
}

/// Reads the documents and their coreference clusters.
///
/// # Errors
/// When no documents file is found or a line is malformed.
pub fn load(dir: &Path) -> Result<Vec<WikiDoc>> {
    let mut files: Vec<_> = ["dev.jsonl", "test.jsonl"].iter().map(|n| dir.join(n)).filter(|p| p.is_file()).collect();
    if files.is_empty() {
        return Err(EvalError::Missing { dir: dir.to_owned(), what: "dev.jsonl or test.jsonl".into() });
    }
    files.sort();
    let mut clusters: HashMap<String, Vec<Vec<String>>> = HashMap::new();
    for name in ["dev.jsonlines", "test.jsonlines"] {
        let path = dir.join("coref").join(name);
        if path.is_file() {
            for line in crate::read(&path)?.lines().filter(|l| !l.trim().is_empty()) {
                let c: RawCoref = serde_json::from_str(line).map_err(|e| EvalError::format(&path, e.to_string()))?;
                clusters.insert(c.doc_key, c.clusters);
            }
        }
    }
    let mut out = Vec::new();
    for path in files {
        for (i, line) in crate::read(&path)?.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let raw: RawDoc = serde_json::from_str(line).map_err(|e| EvalError::format(&path, format!("line {}: {e}", i + 1)))?;
            out.push(build(raw, &clusters));
        }
    }
    Ok(out)
}

fn build(raw: RawDoc, clusters: &HashMap<String, Vec<Vec<String>>>) -> WikiDoc {
    // Rebuild the text: tokens placed at their offsets relative to the sentence's first token.
    let mut b = TextBuilder::default();
    let mut sent_ranges = Vec::new();
    let mut token_ranges: Vec<Vec<(usize, usize)>> = Vec::new();
    for (si, (tokens, _)) in raw.sentences.iter().enumerate() {
        if si > 0 {
            b.push("\n");
        }
        let base = tokens.first().map_or(0, |t| t.1);
        let start = b.chars();
        let mut ranges = Vec::new();
        let mut last_end = base;
        for (tok, s, e) in tokens {
            let gap = s.saturating_sub(last_end);
            if gap > 0 {
                b.push(&" ".repeat(gap.min(3)));
            } else if !ranges.is_empty() && *s < last_end {
                b.push(" ");
            }
            ranges.push(b.push(tok));
            last_end = *e;
        }
        sent_ranges.push((start, b.chars()));
        token_ranges.push(ranges);
    }
    let mention_text: HashMap<&str, &str> = raw.entity_mentions.iter().map(|m| (m.id.as_str(), m.text.as_str())).collect();
    let cluster_of = |id: &str| -> Vec<String> {
        clusters
            .get(&raw.doc_id)
            .and_then(|cs| cs.iter().find(|c| c.iter().any(|m| m == id)))
            .map_or_else(
                || mention_text.get(id).map(|t| vec![(*t).to_owned()]).unwrap_or_default(),
                |c| c.iter().filter_map(|m| mention_text.get(m.as_str()).map(|t| (*t).to_owned())).collect(),
            )
    };
    let trigger_range = |t: &RawTrigger| -> (usize, usize) {
        let toks = &token_ranges[t.sent_idx.min(token_ranges.len().saturating_sub(1))];
        // Trigger token indices are document-level; convert to the sentence's.
        let offset: usize = token_ranges[..t.sent_idx.min(token_ranges.len())].iter().map(Vec::len).sum();
        let s = t.start.saturating_sub(offset).min(toks.len().saturating_sub(1));
        let e = t.end.saturating_sub(offset).clamp(s + 1, toks.len().max(1));
        toks.get(s).map_or((0, 0), |first| (first.0, toks.get(e - 1).map_or(first.1, |l| l.1)))
    };
    let mut events: Vec<GoldEvent> = Vec::new();
    for ev in &raw.event_mentions {
        let Some(fam) = kairos_family(&ev.event_type) else { continue };
        let sent = sent_ranges.get(ev.trigger.sent_idx).copied().unwrap_or((0, 0));
        let arguments = ev
            .arguments
            .iter()
            .filter_map(|a| Some((role_slot(&a.role)?, cluster_of(&a.entity_id))))
            .filter(|(_, m)| !m.is_empty())
            .collect();
        events.push(GoldEvent { family: fam, kairos_type: ev.event_type.clone(), sentence: sent, trigger: trigger_range(&ev.trigger), arguments });
    }
    // Life.Die / Life.Injure are not events: their Killer and Victim belong to the mapped event
    // in the same sentence, if any.
    for ev in raw.event_mentions.iter().filter(|e| e.event_type.starts_with("Life.Die") || e.event_type.starts_with("Life.Injure")) {
        let sent = sent_ranges.get(ev.trigger.sent_idx).copied().unwrap_or((0, 0));
        if let Some(host) = events.iter_mut().find(|g| g.sentence == sent && g.family == Family::Violent) {
            for a in ev.arguments.iter().filter(|a| matches!(a.role.as_str(), "Killer" | "Victim")) {
                let m = cluster_of(&a.entity_id);
                let slot = role_slot(&a.role).expect("Killer/Victim map");
                if !m.is_empty() && !host.arguments.iter().any(|(s, x)| *s == slot && *x == m) {
                    host.arguments.push((slot, m));
                }
            }
        }
    }
    WikiDoc { id: raw.doc_id, text: b.text, events }
}

fn filler_matches(pred: &str, mentions: &[String]) -> bool {
    let p = norm_surface(pred);
    let ph = head_word(&p);
    mentions.iter().any(|m| {
        let g = norm_surface(m);
        g == p || (ph.is_some() && head_word(&g) == ph)
    })
}

fn pred_fillers(e: &OutEvent) -> Vec<(Slot, String)> {
    let mut v = Vec::new();
    if let Some(a) = &e.actor1 {
        v.push((Slot::Actor1, a.text.clone().unwrap_or_else(|| a.name.clone())));
    }
    if let Some(a) = &e.actor2 {
        v.push((Slot::Actor2, a.text.clone().unwrap_or_else(|| a.name.clone())));
    }
    if let Some(l) = &e.location {
        v.push((Slot::Location, l.name.clone()));
    }
    v
}

/// Scores documents against outputs (same order).
#[must_use]
pub fn score(docs: &[WikiDoc], outputs: &[Output], errors: &mut Errors) -> Tally {
    let mut t = Tally::new(docs.len());
    t.declare(&format!("{P}event_precision"), Agg::Precision);
    t.declare(&format!("{P}event_recall"), Agg::Recall);
    t.declare(&format!("{P}event_f1"), Agg::F1);
    t.declare(&format!("{P}argument_f1"), Agg::F1);
    for (d, (doc, out)) in docs.iter().zip(outputs).enumerate() {
        let preds: Vec<&OutEvent> = crate::coded_events(out).collect();
        let mut pred_used = vec![false; preds.len()];
        let mut gold_match: Vec<Option<usize>> = vec![None; doc.events.len()];
        for (gi, g) in doc.events.iter().enumerate() {
            let found = preds.iter().enumerate().position(|(pi, p)| {
                !pred_used[pi] && family(p.sub_event_type) == g.family && p.evidence.iter().any(|s| overlaps((s.start, s.end), g.sentence))
            });
            if let Some(pi) = found {
                pred_used[pi] = true;
                gold_match[gi] = Some(pi);
            }
        }
        let tp = gold_match.iter().filter(|m| m.is_some()).count() as f64;
        let fp = pred_used.iter().filter(|u| !**u).count() as f64;
        let fn_ = doc.events.len() as f64 - tp;
        for (name, agg) in [("event_precision", Agg::Precision), ("event_recall", Agg::Recall), ("event_f1", Agg::F1)] {
            t.counts(d, &format!("{P}{name}"), agg, tp, fp, fn_);
        }
        for (pi, p) in preds.iter().enumerate() {
            if !pred_used[pi] {
                let s = p.evidence.first().map(|s| (s.start, s.end));
                errors.push(&doc.id, FP, &format!("{P}event_f1"), s, None, format!("{} with no gold event of its family in its evidence", p.sub_event_type.as_str()));
            }
        }
        // Arguments.
        let (mut atp, mut afp, mut afn) = (0.0, 0.0, 0.0);
        for (gi, g) in doc.events.iter().enumerate() {
            let pf = gold_match[gi].map(|pi| pred_fillers(preds[pi])).unwrap_or_default();
            if gold_match[gi].is_none() {
                errors.push(&doc.id, FN, &format!("{P}event_f1"), Some(g.trigger), Some(crate::text::slice_chars(&doc.text, g.trigger.0, g.trigger.1)), format!("{} not found", g.kairos_type));
            }
            for (slot, mentions) in &g.arguments {
                if pf.iter().any(|(s, f)| s == slot && filler_matches(f, mentions)) {
                    atp += 1.0;
                } else {
                    afn += 1.0;
                    errors.push(&doc.id, FN, &format!("{P}argument_f1"), None, mentions.first().cloned(), format!("{slot:?} of {} not found", g.kairos_type));
                }
            }
            for (slot, f) in &pf {
                if !g.arguments.iter().any(|(s, m)| s == slot && filler_matches(f, m)) {
                    afp += 1.0;
                    errors.push(&doc.id, FP, &format!("{P}argument_f1"), None, Some(f.clone()), format!("{slot:?} not a gold argument of {}", g.kairos_type));
                }
            }
        }
        for (pi, p) in preds.iter().enumerate() {
            if !pred_used[pi] && family(p.sub_event_type) != Family::Other {
                afp += pred_fillers(p).len() as f64;
            }
        }
        t.counts(d, &format!("{P}argument_f1"), Agg::F1, atp, afp, afn);
    }
    t
}

/// Loads, extracts and scores the set in `dir`.
///
/// # Errors
/// As [`load`].
pub fn evaluate(dir: &Path, runner: &Runner) -> Result<SetResult> {
    let docs = load(dir)?;
    let inputs = docs.iter().map(|d| Document::from_text(d.id.clone(), d.text.clone())).collect();
    Ok(crate::extract_and_score(SET, runner, &docs, inputs, score))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::sets::testutil::{event, output};

    #[test]
    fn events_match_by_sentence_and_family_arguments_by_cluster() {
        let text = "Rebels attacked the town.\nPolice arrested two men.";
        let doc = WikiDoc {
            id: "d".into(),
            text: text.into(),
            events: vec![
                GoldEvent { family: Family::Violent, kairos_type: "Conflict.Attack.Unspecified".into(), sentence: (0, 25), trigger: (7, 15), arguments: vec![(Slot::Actor1, vec!["Rebels".into(), "they".into()]), (Slot::Actor2, vec!["town".into()])] },
                GoldEvent { family: Family::Arrest, kairos_type: "Justice.ArrestJailDetain.Unspecified".into(), sentence: (26, 50), trigger: (33, 41), arguments: vec![] },
            ],
        };
        let attack = event("attack", (0, 25), json!({"actor1": {"name": "rebels", "kind": "rebel_group", "text": "Rebels"}}));
        let protest = event("peaceful_protest", (26, 50), json!({}));
        let out = output("d", text, json!({"events": [attack, protest]}));
        let mut errors = Errors::new(SET);
        let figs = score(&[doc], &[out], &mut errors).figures();
        let get = |n: &str| figs.iter().find(|f| f.name == format!("{P}{n}")).unwrap().value.unwrap();
        assert!((get("event_precision") - 0.5).abs() < 1e-12);
        assert!((get("event_recall") - 0.5).abs() < 1e-12);
        // Arguments: actor1 right, actor2 missed; the unmatched protest has no fillers.
        assert!((get("argument_f1") - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn rebuilt_text_keeps_triggers_readable() {
        let docs = load(&sitrep_core::testdata::require_shared_data().join(SET)).unwrap();
        assert_eq!(docs.len(), 20);
        let mut n = 0;
        for d in &docs {
            for e in &d.events {
                let trig = crate::text::slice_chars(&d.text, e.trigger.0, e.trigger.1);
                assert!(!trig.trim().is_empty(), "{}: empty trigger", d.id);
                assert!(e.trigger.0 >= e.sentence.0 && e.trigger.1 <= e.sentence.1);
                n += 1;
            }
        }
        assert!(n > 100, "{n}");
        assert!(!docs[0].text.contains("SyriaThe"));
    }
}
