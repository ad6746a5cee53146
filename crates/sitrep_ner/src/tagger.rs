//! A first-order sequence tagger over BIO labels: averaged structured perceptron, hashed
//! features, Viterbi decoding with the BIO constraint (an `I-X` only after `B-X` or `I-X`).
//!
//! Weights are a dense table of `2^bits` buckets × labels, stored as `i16` with one scale,
//! so the model is small enough to commit and loads with one copy.

use crate::features::FEATURE_VERSION;

/// The tagger's labels: O, then B/I for each kind it learns from GMB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TagKind {
    Person,
    Org,
    /// GMB `geo`: a place; split into GPE, LOC and FAC after tagging.
    Place,
    /// GMB `gpe` (nationalities, religious and political groups).
    Norp,
}

pub const N_LABELS: usize = 9;
pub const O: u8 = 0;
const KINDS: [TagKind; 4] = [TagKind::Person, TagKind::Org, TagKind::Place, TagKind::Norp];

#[must_use]
pub fn begin(kind: TagKind) -> u8 {
    1 + 2 * KINDS.iter().position(|k| *k == kind).unwrap_or(0) as u8
}

/// Kind and whether the label begins a span; `None` for O.
#[must_use]
pub fn decode(label: u8) -> Option<(TagKind, bool)> {
    (label != O).then(|| (KINDS[usize::from((label - 1) / 2)], label % 2 == 1))
}

fn allowed(prev: Option<u8>, cur: u8) -> bool {
    match decode(cur) {
        Some((kind, false)) => prev.and_then(decode).is_some_and(|(k, _)| k == kind),
        _ => true,
    }
}

const MAGIC: &[u8; 4] = b"SNER";

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("the NER model file is not a sitrep NER model (bad magic); rebuild it with `sitrep train ner`")]
    BadMagic,
    #[error("the NER model was built for feature version {found}, this build uses {expected}; rebuild it with `sitrep train ner`")]
    FeatureVersion { found: u32, expected: u32 },
    #[error("the NER model file is truncated ({len} bytes, expected {expected}); rebuild it with `sitrep train ner`")]
    Truncated { len: usize, expected: usize },
}

/// Transition scores: `trans[prev][cur]`, with row `N_LABELS` for the sentence start.
type Transitions = [[f32; N_LABELS]; N_LABELS + 1];

/// The trained weights, ready for decoding.
#[derive(Debug, Clone)]
pub struct Model {
    pub bits: u32,
    scale: f32,
    trans: Transitions,
    weights: Vec<i16>,
}

impl Model {
    /// Reads a model written by [`Model::to_bytes`].
    ///
    /// # Errors
    /// When the bytes are not a model of this build's feature version.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ModelError> {
        let header = 4 + 4 * 4 + 4 * N_LABELS * (N_LABELS + 1);
        if bytes.len() < header {
            return Err(ModelError::Truncated { len: bytes.len(), expected: header });
        }
        if &bytes[..4] != MAGIC {
            return Err(ModelError::BadMagic);
        }
        let u32_at = |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        let version = u32_at(4);
        if version != FEATURE_VERSION {
            return Err(ModelError::FeatureVersion { found: version, expected: FEATURE_VERSION });
        }
        let bits = u32_at(8);
        let labels = u32_at(12) as usize;
        let scale = f32::from_bits(u32_at(16));
        let mut trans = [[0f32; N_LABELS]; N_LABELS + 1];
        let mut at = 20;
        for row in &mut trans {
            for v in row.iter_mut() {
                *v = f32::from_bits(u32_at(at));
                at += 4;
            }
        }
        let n = (1usize << bits) * labels;
        let expected = at + 2 * n;
        if labels != N_LABELS || bytes.len() != expected {
            return Err(ModelError::Truncated { len: bytes.len(), expected });
        }
        let weights = bytes[at..].chunks_exact(2).map(|c| i16::from_le_bytes([c[0], c[1]])).collect();
        Ok(Self { bits, scale, trans, weights })
    }

    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + self.weights.len() * 2);
        out.extend_from_slice(MAGIC);
        for v in [FEATURE_VERSION, self.bits, N_LABELS as u32, self.scale.to_bits()] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for row in &self.trans {
            for v in row {
                out.extend_from_slice(&v.to_bits().to_le_bytes());
            }
        }
        for w in &self.weights {
            out.extend_from_slice(&w.to_le_bytes());
        }
        out
    }

    /// Best label sequence for one sentence's features (see [`crate::features::Featurizer`]).
    pub fn tag(&self, feats: &[u32], offsets: &[usize], scratch: &mut Vec<f32>, out: &mut Vec<u8>) {
        let n = offsets.len().saturating_sub(1);
        scratch.clear();
        for i in 0..n {
            let mut acc = [0i32; N_LABELS];
            for &f in &feats[offsets[i]..offsets[i + 1]] {
                let row = &self.weights[f as usize * N_LABELS..(f as usize + 1) * N_LABELS];
                for (a, w) in acc.iter_mut().zip(row) {
                    *a += i32::from(*w);
                }
            }
            scratch.extend(acc.iter().map(|a| *a as f32 * self.scale));
        }
        viterbi(scratch, &self.trans, out);
    }
}

/// Best BIO-consistent path through per-token scores `emit` (`n × N_LABELS`).
fn viterbi(emit: &[f32], trans: &Transitions, out: &mut Vec<u8>) {
    let n = emit.len() / N_LABELS;
    out.clear();
    if n == 0 {
        return;
    }
    // The BIO constraint folded into the transitions once, so the inner loop is a plain max.
    let mut masked = *trans;
    for (prev, row) in masked.iter_mut().enumerate() {
        let prev = (prev < N_LABELS).then_some(prev as u8);
        for (cur, v) in row.iter_mut().enumerate() {
            if !allowed(prev, cur as u8) {
                *v = f32::NEG_INFINITY;
            }
        }
    }
    let mut score = vec![f32::NEG_INFINITY; n * N_LABELS];
    let mut back = vec![0u8; n * N_LABELS];
    for l in 0..N_LABELS {
        score[l] = masked[N_LABELS][l] + emit[l];
    }
    for i in 1..n {
        let (done, rest) = score.split_at_mut(i * N_LABELS);
        let prev_scores = &done[(i - 1) * N_LABELS..];
        for cur in 0..N_LABELS {
            let mut best = f32::NEG_INFINITY;
            let mut arg = 0u8;
            for (prev, ps) in prev_scores.iter().enumerate() {
                let s = ps + masked[prev][cur];
                if s > best {
                    best = s;
                    arg = prev as u8;
                }
            }
            rest[cur] = best + emit[i * N_LABELS + cur];
            back[i * N_LABELS + cur] = arg;
        }
    }
    let last = &score[(n - 1) * N_LABELS..];
    let mut cur = (0..N_LABELS).max_by(|&a, &b| last[a].total_cmp(&last[b])).unwrap_or(0) as u8;
    out.resize(n, O);
    for i in (0..n).rev() {
        out[i] = cur;
        cur = back[i * N_LABELS + usize::from(cur)];
    }
}

/// One training sentence: its hashed features and gold labels.
pub struct Example {
    pub feats: Vec<u32>,
    pub offsets: Vec<usize>,
    pub labels: Vec<u8>,
}

/// Averaged structured perceptron (Collins 2002) with the lazy-averaging trick: `acc` holds
/// the sum of `step × update`, so the average is `w - acc / step`.
pub struct Trainer {
    bits: u32,
    w: Vec<f32>,
    acc: Vec<f32>,
    trans: Transitions,
    trans_acc: Transitions,
    step: f32,
}

impl Trainer {
    #[must_use]
    pub fn new(bits: u32) -> Self {
        let n = (1usize << bits) * N_LABELS;
        Self {
            bits,
            w: vec![0.0; n],
            acc: vec![0.0; n],
            trans: [[0.0; N_LABELS]; N_LABELS + 1],
            trans_acc: [[0.0; N_LABELS]; N_LABELS + 1],
            step: 1.0,
        }
    }

    fn predict(&self, ex: &Example, emit: &mut Vec<f32>, out: &mut Vec<u8>) {
        let n = ex.labels.len();
        emit.clear();
        for i in 0..n {
            let mut acc = [0f32; N_LABELS];
            for &f in &ex.feats[ex.offsets[i]..ex.offsets[i + 1]] {
                let row = &self.w[f as usize * N_LABELS..(f as usize + 1) * N_LABELS];
                for (a, w) in acc.iter_mut().zip(row) {
                    *a += *w;
                }
            }
            emit.extend_from_slice(&acc);
        }
        viterbi(emit, &self.trans, out);
    }

    /// One perceptron step on one sentence; returns whether the prediction was wrong.
    pub fn learn(&mut self, ex: &Example, emit: &mut Vec<f32>, pred: &mut Vec<u8>) -> bool {
        self.predict(ex, emit, pred);
        let mut wrong = false;
        let step = self.step;
        for i in 0..ex.labels.len() {
            let (g, p) = (usize::from(ex.labels[i]), usize::from(pred[i]));
            let (gp, pp) = if i == 0 {
                (N_LABELS, N_LABELS)
            } else {
                (usize::from(ex.labels[i - 1]), usize::from(pred[i - 1]))
            };
            if g != p || gp != pp {
                self.trans[gp][g] += 1.0;
                self.trans_acc[gp][g] += step;
                self.trans[pp][p] -= 1.0;
                self.trans_acc[pp][p] -= step;
            }
            if g != p {
                wrong = true;
                for &f in &ex.feats[ex.offsets[i]..ex.offsets[i + 1]] {
                    let base = f as usize * N_LABELS;
                    self.w[base + g] += 1.0;
                    self.acc[base + g] += step;
                    self.w[base + p] -= 1.0;
                    self.acc[base + p] -= step;
                }
            }
        }
        self.step += 1.0;
        wrong
    }

    /// The averaged weights, quantised to `i16`.
    #[must_use]
    pub fn finish(&self) -> Model {
        let avg: Vec<f32> = self.w.iter().zip(&self.acc).map(|(w, a)| w - a / self.step).collect();
        let max = avg.iter().fold(0f32, |m, v| m.max(v.abs())).max(1e-6);
        let scale = max / f32::from(i16::MAX);
        let weights = avg.iter().map(|v| (v / scale).round() as i16).collect();
        let mut trans = [[0f32; N_LABELS]; N_LABELS + 1];
        for (r, row) in trans.iter_mut().enumerate() {
            for (c, v) in row.iter_mut().enumerate() {
                *v = self.trans[r][c] - self.trans_acc[r][c] / self.step;
            }
        }
        Model { bits: self.bits, scale, trans, weights }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viterbi_never_starts_or_continues_a_span_with_a_stray_inside_label() {
        let mut emit = vec![0f32; 2 * N_LABELS];
        // Token 0 prefers I-ORG (not allowed at the start), token 1 prefers I-PER.
        emit[usize::from(begin(TagKind::Org)) + 1] = 5.0;
        emit[N_LABELS + usize::from(begin(TagKind::Person)) + 1] = 5.0;
        let mut out = Vec::new();
        viterbi(&emit, &[[0.0; N_LABELS]; N_LABELS + 1], &mut out);
        for (i, &l) in out.iter().enumerate() {
            assert!(allowed(if i == 0 { None } else { Some(out[i - 1]) }, l), "{out:?}");
        }
    }

    #[test]
    fn model_bytes_round_trip() {
        let t = Trainer::new(4);
        let m = t.finish();
        let back = Model::from_bytes(&m.to_bytes()).unwrap();
        assert_eq!(back.weights, m.weights);
        assert!(matches!(Model::from_bytes(b"nope"), Err(ModelError::Truncated { .. })));
    }
}
