//! Named entities: re3d (Syria/Iraq conflict documents) and the held-out block of GMB.
//!
//! Files: `re3d/<source>/{documents,entities}.json` (JSON Lines), and `gmb/*.csv`
//! (`Sentence #,Word,POS,Tag`, latin-1, IOB tags). GMB is training data for sitrep's tagger;
//! only its held-out block ([`gmb_split`]) is scored.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use sitrep_core::contract::Output;
use sitrep_core::{Document, EntityKind};

use crate::stats::{Agg, Tally};
use crate::text::{slice_chars, TextBuilder};
use crate::{Errors, EvalError, Result, Runner, SetResult, FN, FP};

pub const SET: &str = "ner";
/// GMB sentences per scored pseudo-document (the CSV marks no article boundaries).
pub const GMB_DOC_SENTENCES: usize = 20;

/// The scored classes; `Norp` is reported alone, not in the micro F1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    Person,
    Org,
    Location,
    Norp,
}

impl Class {
    const fn name(self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::Org => "org",
            Self::Location => "location",
            Self::Norp => "norp",
        }
    }

    /// sitrep's kind as a scored class (FAC is not scored).
    #[must_use]
    pub const fn of_kind(kind: EntityKind) -> Option<Self> {
        match kind {
            EntityKind::Person => Some(Self::Person),
            EntityKind::Org => Some(Self::Org),
            EntityKind::Gpe | EntityKind::Loc => Some(Self::Location),
            EntityKind::Norp => Some(Self::Norp),
            EntityKind::Fac => None,
        }
    }
}

/// One document with gold entity spans (characters).
#[derive(Debug, Clone)]
pub struct NerDoc {
    /// `re3d` or `gmb`: the metric prefix.
    pub corpus: &'static str,
    pub id: String,
    pub text: String,
    pub gold: Vec<(usize, usize, Class)>,
}

#[derive(Deserialize)]
struct Re3dDoc {
    #[serde(rename = "_id")]
    id: String,
    text: String,
}

#[derive(Deserialize)]
struct Re3dEntity {
    #[serde(rename = "documentId")]
    document_id: String,
    begin: usize,
    end: usize,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default = "one")]
    confidence: f64,
}

const fn one() -> f64 {
    1.0
}

fn re3d_class(t: &str) -> Option<Class> {
    match t {
        "Person" => Some(Class::Person),
        "Organisation" => Some(Class::Org),
        "Location" => Some(Class::Location),
        "Nationality" => Some(Class::Norp),
        _ => None,
    }
}

/// Of overlapping spans keep the longest (the earlier on a tie); exact duplicates collapse.
#[must_use]
pub fn keep_longest(mut spans: Vec<(usize, usize, Class)>) -> Vec<(usize, usize, Class)> {
    spans.sort_by_key(|s| (std::cmp::Reverse(s.1 - s.0), s.0));
    let mut kept: Vec<(usize, usize, Class)> = Vec::new();
    for s in spans {
        if !kept.iter().any(|k| k.0 < s.1 && s.0 < k.1) {
            kept.push(s);
        }
    }
    kept.sort_by_key(|s| s.0);
    kept
}

/// Reads every re3d source folder under `dir/re3d`.
///
/// # Errors
/// When a file is malformed.
pub fn load_re3d(dir: &Path) -> Result<Vec<NerDoc>> {
    let mut folders: Vec<_> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(std::result::Result::ok).map(|e| e.path()).filter(|p| p.join("documents.json").is_file()).collect(),
        Err(_) => return Ok(Vec::new()),
    };
    folders.sort();
    let mut out = Vec::new();
    for f in folders {
        let docs_path = f.join("documents.json");
        let ents_path = f.join("entities.json");
        let mut gold: HashMap<String, Vec<(usize, usize, Class)>> = HashMap::new();
        if ents_path.is_file() {
            for line in crate::read(&ents_path)?.lines().filter(|l| !l.trim().is_empty()) {
                let e: Re3dEntity = serde_json::from_str(line).map_err(|err| EvalError::format(&ents_path, err.to_string()))?;
                if e.confidence <= 0.0 {
                    continue;
                }
                if let Some(c) = re3d_class(&e.kind) {
                    gold.entry(e.document_id).or_default().push((e.begin, e.end, c));
                }
            }
        }
        for line in crate::read(&docs_path)?.lines().filter(|l| !l.trim().is_empty()) {
            let d: Re3dDoc = serde_json::from_str(line).map_err(|err| EvalError::format(&docs_path, err.to_string()))?;
            let g = keep_longest(gold.remove(&d.id).unwrap_or_default());
            out.push(NerDoc { corpus: "re3d", id: d.id, text: d.text, gold: g });
        }
    }
    Ok(out)
}

pub use sitrep_ner::gmb::GmbSentence;

/// Reads a GMB CSV (latin-1) into sentences, in file order, duplicates dropped — the same reader
/// `sitrep train ner` uses, so the scored block is exactly the one the trainer leaves out.
///
/// # Errors
/// When the file cannot be read or holds no sentence.
pub fn read_gmb(path: &Path) -> Result<Vec<GmbSentence>> {
    sitrep_ner::gmb::read_gmb(path).map_err(|e| EvalError::format(path, e.to_string()))
}

/// GMB's train / held-out split (SCORING.md): duplicate sentences (same words as an earlier
/// one) are dropped, then the last tenth of the remaining sentences, in file (article) order, is
/// held out (`sitrep_ner::gmb_heldout_start`). Returns `(train, held_out)`.
#[must_use]
pub fn gmb_split(sentences: Vec<GmbSentence>) -> (Vec<GmbSentence>, Vec<GmbSentence>) {
    let mut seen = std::collections::HashSet::new();
    let mut unique: Vec<GmbSentence> = sentences.into_iter().filter(|s| seen.insert(s.words.clone())).collect();
    let held_out = unique.split_off(sitrep_ner::gmb_heldout_start(unique.len()));
    (unique, held_out)
}

fn no_space_before(w: &str) -> bool {
    matches!(w, "," | "." | ";" | ":" | "!" | "?" | ")" | "%" | "'s" | "n't" | "'" | "''") || w.starts_with('\'')
}

fn gmb_class(tag: &str) -> Option<Class> {
    match tag {
        "geo" => Some(Class::Location),
        "gpe" => Some(Class::Norp),
        "org" => Some(Class::Org),
        "per" => Some(Class::Person),
        _ => None,
    }
}

/// Turns held-out sentences into scored documents of [`GMB_DOC_SENTENCES`] sentences each.
#[must_use]
pub fn gmb_docs(held_out: &[GmbSentence]) -> Vec<NerDoc> {
    held_out
        .chunks(GMB_DOC_SENTENCES)
        .enumerate()
        .map(|(i, chunk)| {
            let mut b = TextBuilder::default();
            let mut gold = Vec::new();
            for s in chunk {
                if b.chars() > 0 {
                    b.push("\n");
                }
                let mut open: Option<(usize, usize, Class)> = None;
                for (j, (w, tag)) in s.words.iter().zip(&s.tags).enumerate() {
                    if j > 0 && !no_space_before(w) && !matches!(s.words[j - 1].as_str(), "(" | "$" | "``") {
                        b.push(" ");
                    }
                    let (start, end) = b.push(w);
                    let (bio, kind) = tag.split_once('-').unwrap_or(("O", ""));
                    let class = gmb_class(kind);
                    match (bio, class, open.as_mut()) {
                        ("I", Some(c), Some(o)) if o.2 == c => o.1 = end,
                        (_, Some(c), _) if bio == "B" || bio == "I" => {
                            gold.extend(open.take());
                            open = Some((start, end, c));
                        }
                        _ => gold.extend(open.take()),
                    }
                }
                gold.extend(open.take());
            }
            NerDoc { corpus: "gmb", id: format!("gmb-heldout-{i}"), text: b.text, gold }
        })
        .collect()
}

/// Reads everything scored: re3d documents and the GMB held-out block.
///
/// # Errors
/// When neither part is found, or a file is malformed.
pub fn load(dir: &Path) -> Result<(Vec<NerDoc>, Vec<String>)> {
    let mut docs = load_re3d(&dir.join("re3d"))?;
    let mut notes = Vec::new();
    let gmb_dir = dir.join("gmb");
    if gmb_dir.is_dir() {
        for path in crate::files_in(&gmb_dir, |n| n.ends_with(".csv"))? {
            let (train, held) = gmb_split(read_gmb(&path)?);
            notes.push(format!("gmb: {} held-out sentences scored, {} training sentences not scored", held.len(), train.len()));
            docs.extend(gmb_docs(&held));
        }
    }
    if docs.is_empty() {
        return Err(EvalError::Missing { dir: dir.to_owned(), what: "re3d/<source>/documents.json or gmb/*.csv".into() });
    }
    Ok((docs, notes))
}

/// Scores documents against outputs (same order).
#[must_use]
pub fn score(docs: &[NerDoc], outputs: &[Output], errors: &mut Errors) -> Tally {
    let mut t = Tally::new(docs.len());
    for corpus in ["re3d", "gmb"] {
        if !docs.iter().any(|d| d.corpus == corpus) {
            continue;
        }
        for m in ["entity_f1", "entity_f1.person", "entity_f1.org", "entity_f1.location", "entity_f1.norp"] {
            t.declare(&format!("{corpus}.{m}"), Agg::F1);
        }
        t.declare(&format!("{corpus}.entity_precision"), Agg::Precision);
        t.declare(&format!("{corpus}.entity_recall"), Agg::Recall);
    }
    for (d, (doc, out)) in docs.iter().zip(outputs).enumerate() {
        let p = doc.corpus;
        let mut pred: Vec<(usize, usize, Class)> = out
            .entities
            .iter()
            .filter_map(|e| Some((Class::of_kind(e.kind)?, e)))
            .flat_map(|(c, e)| e.mentions.iter().map(move |m| (m.start, m.end, c)))
            // Coreference adds pronoun mentions ("he said"); named-entity scoring is about names.
            .filter(|&(start, end, _)| !crate::text::is_pronoun(&slice_chars(&doc.text, start, end)))
            .collect();
        pred.sort_unstable_by_key(|x| (x.0, x.1, x.2 as u8));
        pred.dedup();
        let mut counts: HashMap<Class, [f64; 3]> = HashMap::new();
        for x in &pred {
            let hit = doc.gold.contains(x);
            counts.entry(x.2).or_default()[usize::from(!hit)] += 1.0;
            if !hit {
                let why = doc.gold.iter().find(|g| g.0 == x.0 && g.1 == x.1).map_or_else(
                    || "no gold entity with this span".to_owned(),
                    |g| format!("gold kind is {}", g.2.name()),
                );
                errors.push(&doc.id, FP, &format!("{p}.entity_f1.{}", x.2.name()), Some((x.0, x.1)), Some(slice_chars(&doc.text, x.0, x.1)), why);
            }
        }
        for g in &doc.gold {
            if !pred.contains(g) {
                counts.entry(g.2).or_default()[2] += 1.0;
                errors.push(&doc.id, FN, &format!("{p}.entity_f1.{}", g.2.name()), Some((g.0, g.1)), Some(slice_chars(&doc.text, g.0, g.1)), "gold entity not found with this span and kind");
            }
        }
        let mut micro = [0.0; 3];
        for c in [Class::Person, Class::Org, Class::Location, Class::Norp] {
            let v = counts.get(&c).copied().unwrap_or_default();
            t.counts(d, &format!("{p}.entity_f1.{}", c.name()), Agg::F1, v[0], v[1], v[2]);
            if c != Class::Norp {
                for i in 0..3 {
                    micro[i] += v[i];
                }
            }
        }
        t.counts(d, &format!("{p}.entity_f1"), Agg::F1, micro[0], micro[1], micro[2]);
        t.counts(d, &format!("{p}.entity_precision"), Agg::Precision, micro[0], micro[1], micro[2]);
        t.counts(d, &format!("{p}.entity_recall"), Agg::Recall, micro[0], micro[1], micro[2]);
    }
    t
}

/// Loads, extracts and scores the set in `dir`.
///
/// # Errors
/// As [`load`].
pub fn evaluate(dir: &Path, runner: &Runner) -> Result<SetResult> {
    let (docs, notes) = load(dir)?;
    let inputs = docs.iter().map(|d| Document::from_text(format!("{}-{}", d.corpus, d.id), d.text.clone())).collect();
    let outputs = runner.extract_all(inputs);
    let mut errors = Errors::new(SET);
    let tally = score(&docs, &outputs, &mut errors);
    Ok(SetResult::new(SET, &tally, errors, notes))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::sets::testutil::output;

    #[test]
    fn exact_typed_spans_and_norp_outside_the_micro() {
        let text = "Ali met the UN in Homs with Syrian troops.";
        let doc = NerDoc {
            corpus: "re3d",
            id: "d".into(),
            text: text.into(),
            gold: vec![(0, 3, Class::Person), (12, 14, Class::Org), (18, 22, Class::Location), (28, 34, Class::Norp)],
        };
        let out = output("d", text, json!({"entities": [
            {"id": "E1", "text": "Ali", "kind": "PERSON", "mentions": [{"start": 0, "end": 3}]},
            {"id": "E2", "text": "UN", "kind": "GPE", "mentions": [{"start": 12, "end": 14}]},
            {"id": "E3", "text": "Homs", "kind": "GPE", "mentions": [{"start": 18, "end": 22}]},
            {"id": "E4", "text": "Syrian", "kind": "NORP", "mentions": [{"start": 28, "end": 34}]},
        ]}));
        let mut errors = Errors::new(SET);
        let figs = score(&[doc], &[out], &mut errors).figures();
        let get = |n: &str| figs.iter().find(|f| f.name == format!("re3d.{n}")).unwrap().value.unwrap();
        // Micro over person/org/location: tp 2 (Ali, Homs), fp 1 (UN as location), fn 1 (UN org).
        assert!((get("entity_f1") - 4.0 / 6.0).abs() < 1e-12);
        assert!((get("entity_f1.norp") - 1.0).abs() < 1e-12);
        assert!(get("entity_f1.org").abs() < 1e-12);
    }

    #[test]
    fn overlapping_gold_keeps_the_longest() {
        let kept = keep_longest(vec![(0, 5, Class::Org), (0, 12, Class::Org), (6, 12, Class::Location), (20, 25, Class::Person)]);
        assert_eq!(kept, vec![(0, 12, Class::Org), (20, 25, Class::Person)]);
    }

    #[test]
    fn gmb_held_out_block_is_the_last_tenth_of_unique_sentences() {
        let s = |w: &str| GmbSentence { words: vec![w.into()], tags: vec!["O".into()] };
        let mut all: Vec<GmbSentence> = (0..20).map(|i| s(&i.to_string())).collect();
        all.push(s("3")); // duplicate: dropped
        let (train, held) = gmb_split(all);
        assert_eq!(train.len(), 18);
        assert_eq!(held, vec![s("18"), s("19")]);
    }

    #[test]
    fn gmb_docs_turn_iob_into_spans() {
        let sent = GmbSentence {
            words: ["Thousands", "marched", "in", "New", "York", "."].map(String::from).to_vec(),
            tags: ["O", "O", "O", "B-geo", "I-geo", "O"].map(String::from).to_vec(),
        };
        let docs = gmb_docs(&[sent]);
        assert_eq!(docs[0].text, "Thousands marched in New York.");
        assert_eq!(docs[0].gold, vec![(21, 29, Class::Location)]);
    }

    #[test]
    fn loads_re3d_and_the_gmb_block() {
        let (docs, _) = load(&sitrep_core::testdata::require_shared_data().join(SET)).unwrap();
        let re3d = docs.iter().filter(|d| d.corpus == "re3d").count();
        assert!(re3d >= 20, "{re3d}");
        let gmb: usize = docs.iter().filter(|d| d.corpus == "gmb").map(|d| d.text.lines().count()).sum();
        assert!((4000..5000).contains(&gmb), "{gmb}");
        for d in &docs {
            for g in &d.gold {
                assert!(g.1 <= d.text.chars().count());
            }
        }
    }
}
