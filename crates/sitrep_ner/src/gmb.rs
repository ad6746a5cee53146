//! The GMB corpus (`ner/gmb/ner_dataset.csv`): reading, de-duplication, the fixed held-out
//! block, and training the tagger on the rest.
//!
//! The split rule, shared with the evaluator: read the sentences in file order, drop every
//! sentence whose word sequence already occurred earlier (the file has 384 such duplicates),
//! and of the `n` sentences left, the last `ceil(n / 10)` — from index `gmb_heldout_start(n)`
//! on, whole articles at the end of the file — are held out: never trained on, scored as `gmb`.
//! (`sitrep_eval::sets::ner::gmb_split` applies the same rule.)

use std::path::Path;

use crate::features::Featurizer;
use crate::lexicon::Lexicon;
use crate::tagger::{begin, Example, Model, TagKind, Trainer, O};

/// Index of the first held-out sentence among `n_sentences` de-duplicated GMB sentences.
#[must_use]
pub fn gmb_heldout_start(n_sentences: usize) -> usize {
    n_sentences - n_sentences.div_ceil(10)
}

/// One GMB sentence: its words and their IOB tags as written in the file (`B-geo`, `O`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GmbSentence {
    pub words: Vec<String>,
    pub tags: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum GmbError {
    #[error("cannot read the GMB file {path}: {source}; it is ../shared/data/ner/gmb/ner_dataset.csv")]
    Read { path: String, source: std::io::Error },
    #[error("the GMB file {path} has no sentences; expected the Kaggle ner_dataset.csv (Sentence #,Word,POS,Tag)")]
    Empty { path: String },
}

/// Splits one CSV line into fields (double quotes quote, `""` escapes a quote).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::with_capacity(4);
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    fields.push(cur);
    fields
}

/// Reads the corpus (Latin-1) and drops repeated sentences, keeping each one's first occurrence.
///
/// # Errors
/// When the file is missing, unreadable or empty.
pub fn read_gmb(path: &Path) -> Result<Vec<GmbSentence>, GmbError> {
    let bytes = std::fs::read(path).map_err(|source| GmbError::Read { path: path.display().to_string(), source })?;
    let text: String = bytes.iter().map(|&b| char::from(b)).collect();
    let mut sentences: Vec<GmbSentence> = Vec::new();
    for line in text.lines().skip(1) {
        let f = csv_fields(line);
        if f.len() < 4 {
            continue;
        }
        if !f[0].is_empty() || sentences.is_empty() {
            sentences.push(GmbSentence { words: Vec::new(), tags: Vec::new() });
        }
        let s = sentences.last_mut().expect("pushed above");
        s.words.push(f[1].clone());
        s.tags.push(f[3].clone());
    }
    if sentences.is_empty() {
        return Err(GmbError::Empty { path: path.display().to_string() });
    }
    let mut seen = std::collections::HashSet::new();
    sentences.retain(|s| seen.insert(s.words.clone()));
    Ok(sentences)
}

/// The tagger's kind for a GMB entity type; `tim`, `art`, `eve`, `nat` are not learned.
#[must_use]
pub fn gmb_kind(tag_type: &str) -> Option<TagKind> {
    match tag_type {
        "per" => Some(TagKind::Person),
        "org" => Some(TagKind::Org),
        "geo" => Some(TagKind::Place),
        "gpe" => Some(TagKind::Norp),
        _ => None,
    }
}

/// Entity spans `(start_token, end_token, kind)` of a sentence's IOB tags (a stray `I-` opens a span).
#[must_use]
pub fn gmb_spans(tags: &[String]) -> Vec<(usize, usize, TagKind)> {
    let mut spans = Vec::new();
    let mut open: Option<(usize, TagKind)> = None;
    for (i, tag) in tags.iter().enumerate() {
        let (bio, ty) = tag.split_once('-').unwrap_or((tag.as_str(), ""));
        let kind = gmb_kind(ty);
        let continues = bio == "I" && open.is_some_and(|(_, k)| Some(k) == kind);
        if !continues {
            if let Some((s, k)) = open.take() {
                spans.push((s, i, k));
            }
            if let Some(k) = kind {
                open = Some((i, k));
            }
        }
    }
    if let Some((s, k)) = open {
        spans.push((s, tags.len(), k));
    }
    spans
}

fn labels_of(s: &GmbSentence) -> Vec<u8> {
    let mut labels = vec![O; s.words.len()];
    for (start, end, kind) in gmb_spans(&s.tags) {
        labels[start] = begin(kind);
        for l in &mut labels[start + 1..end] {
            *l = begin(kind) + 1;
        }
    }
    labels
}

/// Training settings; the defaults are what the committed model was built with.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    pub bits: u32,
    pub epochs: usize,
    /// Share of sentences also trained on in upper case (wire copy such as MUC-4).
    pub upper_copies: f64,
    /// Share of sentences also trained on in lower case.
    pub lower_copies: f64,
    pub seed: u64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self { bits: 19, epochs: 6, upper_copies: 0.25, lower_copies: 0.1, seed: 0x5177_4e45 }
    }
}

/// What training did, for the command to print.
#[derive(Debug, Clone)]
pub struct TrainReport {
    pub sentences: usize,
    pub train_sentences: usize,
    pub heldout_sentences: usize,
    pub examples: usize,
    /// Tagger-only span F1 on the held-out block per epoch (no rules, no coreference).
    pub heldout_f1_by_epoch: Vec<f64>,
}

/// A small deterministic generator (splitmix64) so training is reproducible without a crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Trains the tagger on the GMB sentences before the held-out block, with upper- and
/// lower-cased copies of a share of them, and reports held-out tagger F1 after each epoch.
#[must_use]
pub fn train(sentences: &[GmbSentence], opts: &TrainOptions) -> (Model, TrainReport) {
    let lex = Lexicon::load();
    let mut feat = Featurizer::new(&lex, opts.bits);
    let split = gmb_heldout_start(sentences.len());
    let mut rng = Rng(opts.seed);
    let mut examples = Vec::new();
    let mut make = |words: &[&str], labels: Vec<u8>| {
        let (mut feats, mut offsets) = (Vec::new(), Vec::new());
        feat.sentence(words, &mut feats, &mut offsets);
        Example { feats, offsets, labels }
    };
    for s in &sentences[..split] {
        let labels = labels_of(s);
        let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
        examples.push(make(&words, labels.clone()));
        if rng.unit() < opts.upper_copies {
            let upper: Vec<String> = s.words.iter().map(|w| w.to_uppercase()).collect();
            let words: Vec<&str> = upper.iter().map(String::as_str).collect();
            examples.push(make(&words, labels.clone()));
        }
        if rng.unit() < opts.lower_copies {
            let lower: Vec<String> = s.words.iter().map(|w| w.to_lowercase()).collect();
            let words: Vec<&str> = lower.iter().map(String::as_str).collect();
            examples.push(make(&words, labels));
        }
    }
    let heldout: Vec<Example> = sentences[split..]
        .iter()
        .map(|s| {
            let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
            make(&words, labels_of(s))
        })
        .collect();
    let mut trainer = Trainer::new(opts.bits);
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let (mut emit, mut pred) = (Vec::new(), Vec::new());
    let mut f1s = Vec::new();
    for _ in 0..opts.epochs {
        for i in (1..order.len()).rev() {
            let j = (rng.next() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        for &i in &order {
            trainer.learn(&examples[i], &mut emit, &mut pred);
        }
        f1s.push(span_f1(&trainer.finish(), &heldout));
    }
    let report = TrainReport {
        sentences: sentences.len(),
        train_sentences: split,
        heldout_sentences: sentences.len() - split,
        examples: examples.len(),
        heldout_f1_by_epoch: f1s,
    };
    (trainer.finish(), report)
}

/// Exact-span, kind-typed micro F1 of the tagger's labels against gold labels.
fn span_f1(model: &Model, examples: &[Example]) -> f64 {
    let (mut tp, mut n_pred, mut n_gold) = (0usize, 0usize, 0usize);
    let (mut scratch, mut out) = (Vec::new(), Vec::new());
    for ex in examples {
        model.tag(&ex.feats, &ex.offsets, &mut scratch, &mut out);
        let gold = label_spans(&ex.labels);
        let pred = label_spans(&out);
        n_gold += gold.len();
        n_pred += pred.len();
        tp += pred.iter().filter(|p| gold.contains(p)).count();
    }
    let p = tp as f64 / n_pred.max(1) as f64;
    let r = tp as f64 / n_gold.max(1) as f64;
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// Spans `(start, end, begin_label)` of a BIO label sequence.
#[must_use]
pub fn label_spans(labels: &[u8]) -> Vec<(usize, usize, u8)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < labels.len() {
        let l = labels[i];
        if l != O && l % 2 == 1 {
            let mut j = i + 1;
            while j < labels.len() && labels[j] == l + 1 {
                j += 1;
            }
            spans.push((i, j, l));
            i = j;
        } else {
            i += 1;
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_handle_quoted_commas_and_quotes() {
        assert_eq!(csv_fields(",\"10,000\",CD,O"), vec!["", "10,000", "CD", "O"]);
        assert_eq!(csv_fields(",\"\"\"\",``,O"), vec!["", "\"", "``", "O"]);
    }

    #[test]
    fn heldout_block_is_the_last_tenth() {
        assert_eq!(gmb_heldout_start(100), 90);
        assert_eq!(gmb_heldout_start(47_575), 42_817);
    }

    #[test]
    fn iob_spans_group_inside_tags_by_type() {
        let tags: Vec<String> = ["B-per", "I-per", "O", "B-geo", "I-org", "B-tim"].iter().map(|s| (*s).to_owned()).collect();
        assert_eq!(
            gmb_spans(&tags),
            vec![(0, 2, TagKind::Person), (3, 4, TagKind::Place), (4, 5, TagKind::Org)]
        );
    }
}
