//! Each event's `confidence`: the probability that the event is right, from a logistic model
//! over what the pipeline found for it (sub-type, which arguments resolved and how, claims and
//! their stances, hedging and negation near the trigger, position in the document).
//!
//! The weights are data (`data/model.tsv`, format in its header), fitted by `sitrep train
//! confidence` with k-fold cross-validation over documents of the dev sets where an event can be
//! judged right or wrong (`sitrep_eval::calibration`). Features are plain names with values, so
//! a feature the model has no weight for counts zero and the model file stays readable.

use std::collections::BTreeMap;

use sitrep_core::{Document, Event, Span, Stance};

/// The committed model, compiled in.
pub const MODEL_TSV: &str = include_str!("../data/model.tsv");
/// The committed cue list, compiled in.
pub const CUES_TSV: &str = include_str!("../data/cues.tsv");

/// A stable hash of the model and its cue list, for the output's `provenance.lexicons`.
#[must_use]
pub fn data_fingerprint() -> u64 {
    sitrep_core::fingerprint::data_fingerprint(&[("model.tsv", MODEL_TSV), ("cues.tsv", CUES_TSV)])
}
/// Where `sitrep train confidence` writes the model, relative to the repository root.
pub const MODEL_PATH: &str = "crates/sitrep_confidence/data/model.tsv";

#[derive(Debug, thiserror::Error)]
pub enum ConfidenceError {
    #[error("model.tsv line {line}: {message}")]
    Model { line: usize, message: String },
    #[error("cues.tsv line {line}: {message}")]
    Cues { line: usize, message: String },
}

/// One feature and its value (1.0 for indicators).
pub type Features = Vec<(String, f64)>;

/// Logistic weights by feature name; `bias` is the intercept.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Model {
    pub weights: BTreeMap<String, f64>,
}

impl Model {
    /// Parses `feature<TAB>weight` lines; `#` lines and blank lines are skipped.
    ///
    /// # Errors
    /// On a line without two columns, a non-finite weight or a repeated feature.
    pub fn parse(text: &str) -> Result<Self, ConfidenceError> {
        let mut weights = BTreeMap::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim_end();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |message: String| ConfidenceError::Model { line: i + 1, message };
            let (name, w) = line.split_once('\t').ok_or_else(|| err("expected feature<TAB>weight".into()))?;
            let w: f64 = w.trim().parse().map_err(|e| err(format!("weight {w:?}: {e}")))?;
            if !w.is_finite() {
                return Err(err(format!("weight {w} is not finite")));
            }
            if weights.insert(name.to_owned(), w).is_some() {
                return Err(err(format!("feature {name} repeated")));
            }
        }
        Ok(Self { weights })
    }

    /// The model as `model.tsv`, header included; features sorted so the bytes are deterministic.
    #[must_use]
    pub fn to_tsv(&self, comment: &str) -> String {
        let mut s = String::from(
            "# sitrep_confidence logistic model, written by `sitrep train confidence` (do not hand-edit;\n\
             # refit instead). Format: one `feature<TAB>weight` a line; `#` lines are comments.\n\
             # confidence = 1 / (1 + exp(-(bias + sum of weight * value over the event's features)));\n\
             # a feature absent here weighs 0. Feature names are documented in src/lib.rs (`features`).\n",
        );
        for line in comment.lines() {
            s.push_str("# ");
            s.push_str(line);
            s.push('\n');
        }
        for (name, w) in &self.weights {
            s.push_str(&format!("{name}\t{w:.6}\n"));
        }
        s
    }

    /// The probability for an event with `features`.
    #[must_use]
    pub fn predict(&self, features: &[(String, f64)]) -> f64 {
        let z = self.weights.get("bias").copied().unwrap_or(0.0)
            + features.iter().map(|(f, v)| self.weights.get(f).copied().unwrap_or(0.0) * v).sum::<f64>();
        1.0 / (1.0 + (-z).exp())
    }
}

/// Features whose direction is known before any data: a report that hedges, negates, speaks
/// of what may or will happen, or is disputed is less likely to be a real event as coded. Each
/// has a Gaussian prior centred on the weight given (of strength [`FitOptions::prior`]) and its
/// fitted weight is kept at or below zero; the dev data hold few such events, and without the
/// prior a handful of them (a "no one claimed" in a real attack) set the sign.
pub const PRIORS: [(&str, f64); 5] = [("hedge", -1.0), ("negation", -1.5), ("modal", -0.5), ("future", -1.0), ("contested", -0.5)];

/// Options of the logistic fit.
#[derive(Debug, Clone, Copy)]
pub struct FitOptions {
    /// L2 penalty on every weight but the bias (per example: the loss is a mean).
    pub l2: f64,
    /// Penalty pulling each [`PRIORS`] feature towards its prior weight (per example).
    pub prior: f64,
    /// Newton iterations.
    pub iterations: usize,
}

impl Default for FitOptions {
    fn default() -> Self {
        Self { l2: 0.01, prior: 0.1, iterations: 30 }
    }
}

/// Fits L2-regularised logistic regression by Newton's method (deterministic: features in name
/// order, no randomness). Features seen in fewer than 3 examples get no weight (a weight fitted
/// on one or two events only memorises them), except the [`PRIORS`], which always keep theirs.
#[must_use]
pub fn fit(examples: &[(Features, bool)], opts: FitOptions) -> Model {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (fs, _) in examples {
        for (f, _) in fs {
            *seen.entry(f.as_str()).or_default() += 1;
        }
    }
    let mut names: Vec<&str> = vec!["bias"];
    names.extend(seen.iter().filter(|(f, n)| (**n >= 3 || PRIORS.iter().any(|(p, _)| p == *f)) && **f != "bias").map(|(f, _)| *f));
    for (p, _) in PRIORS {
        if !names.contains(&p) {
            names.push(p);
        }
    }
    names[1..].sort_unstable();
    let index: BTreeMap<&str, usize> = names.iter().enumerate().map(|(i, f)| (*f, i)).collect();
    let d = names.len();
    let rows: Vec<(Vec<(usize, f64)>, f64)> = examples
        .iter()
        .map(|(fs, y)| {
            let mut x = vec![(0, 1.0)];
            x.extend(fs.iter().filter_map(|(f, v)| index.get(f.as_str()).filter(|&&i| i != 0).map(|&i| (i, *v))));
            (x, f64::from(u8::from(*y)))
        })
        .collect();
    let n = rows.len().max(1) as f64;
    let prior: Vec<Option<f64>> = names.iter().map(|f| PRIORS.iter().find(|(p, _)| p == f).map(|(_, m)| *m)).collect();
    let mut w: Vec<f64> = prior.iter().map(|p| p.unwrap_or(0.0)).collect();
    for _ in 0..opts.iterations {
        let mut grad = vec![0.0; d];
        let mut hess = vec![vec![0.0; d]; d];
        for (x, y) in &rows {
            let z: f64 = x.iter().map(|(i, v)| w[*i] * v).sum();
            let p = 1.0 / (1.0 + (-z).exp());
            let s = (p * (1.0 - p)).max(1e-9);
            for (i, vi) in x {
                grad[*i] += (p - y) * vi / n;
                for (j, vj) in x {
                    hess[*i][*j] += s * vi * vj / n;
                }
            }
        }
        for i in 1..d {
            match prior[i] {
                Some(mean) => {
                    grad[i] += opts.prior * (w[i] - mean);
                    hess[i][i] += opts.prior;
                }
                None => {
                    grad[i] += opts.l2 * w[i];
                    hess[i][i] += opts.l2;
                }
            }
        }
        hess[0][0] += 1e-6;
        let Some(step) = solve(hess, grad) else { break };
        let mut moved = 0.0f64;
        for i in 0..d {
            let before = w[i];
            w[i] -= step[i];
            if prior[i].is_some() {
                w[i] = w[i].min(0.0);
            }
            moved = moved.max((w[i] - before).abs());
        }
        if moved < 1e-9 {
            break;
        }
    }
    Model { weights: names.iter().zip(w).map(|(f, w)| ((*f).to_owned(), w)).collect() }
}

/// Gaussian elimination with partial pivoting; `None` when singular.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..n {
            let f = a[row][col] / a[col][col];
            if f == 0.0 {
                continue;
            }
            let (upper, lower) = a.split_at_mut(row);
            for (x, p) in lower[0][col..].iter_mut().zip(&upper[col][col..]) {
                *x -= f * p;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let s: f64 = (i + 1..n).map(|k| a[i][k] * x[k]).sum();
        x[i] = (b[i] - s) / a[i][i];
    }
    Some(x)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CueKind {
    Hedge,
    Negation,
    Modal,
}

/// The stage: the model and the cue list, loaded once.
#[derive(Debug, Clone)]
pub struct Confidence {
    model: Model,
    cues: Vec<(CueKind, String)>,
}

impl Confidence {
    /// Loads the committed model and cues.
    ///
    /// # Errors
    /// When either data file is malformed.
    pub fn load() -> Result<Self, ConfidenceError> {
        Self::with_model(Model::parse(MODEL_TSV)?)
    }

    /// The committed cues with another model (fitting scores candidate models this way).
    ///
    /// # Errors
    /// When the cue file is malformed.
    pub fn with_model(model: Model) -> Result<Self, ConfidenceError> {
        let mut cues = Vec::new();
        for (i, line) in CUES_TSV.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |message: String| ConfidenceError::Cues { line: i + 1, message };
            let (kind, phrase) = line.split_once('\t').ok_or_else(|| err("expected kind<TAB>phrase".into()))?;
            let kind = match kind {
                "hedge" => CueKind::Hedge,
                "negation" => CueKind::Negation,
                "modal" => CueKind::Modal,
                other => return Err(err(format!("unknown kind {other}"))),
            };
            cues.push((kind, phrase.trim().to_lowercase()));
        }
        Ok(Self { model, cues })
    }

    #[must_use]
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Sets every event's `confidence`; nothing on a document that is not coded.
    pub fn annotate(&self, doc: &mut Document) {
        if !doc.is_codable() {
            return;
        }
        let scores: Vec<f64> = (0..doc.events.len()).map(|i| self.model.predict(&self.features(doc, i))).collect();
        for (e, p) in doc.events.iter_mut().zip(scores) {
            e.confidence = Some((p * 1000.0).round() / 1000.0);
        }
    }

    /// The features of `doc.events[index]`. Names: `sub:<sub_event_type>`, `type:<event_type>`,
    /// `trigger`, `actor1`, `actor1_entity` (tied to an entity or a span in the text),
    /// `actor1_kind:<kind>`, `actor2`, `actor2_entity`, `location`, `location_in_text` (not
    /// only the dateline), `date_in_text` (a time expression dated it), `fatalities`,
    /// `injured`, `detained`, `target`, `instrument`, `civilian_targeting`, `aggregate`,
    /// `claims_asserts`, `claims_denies`, `claims_disputes` (ln(1 + count)), `contested`, `hedge`,
    /// `negation` (a negation cue before the trigger in its sentence), `modal`, `future` (a
    /// future time expression in the sentence), `in_quote`, `first_sentence`, `position` (the
    /// evidence's start as a share of the text), `evidence_spans` (ln count), `events_in_doc`
    /// (ln count), `same_sentence_events` (others coded from the same sentence).
    #[must_use]
    pub fn features(&self, doc: &Document, index: usize) -> Features {
        let e = &doc.events[index];
        let mut f: Features = Vec::with_capacity(32);
        let mut on = |name: &str| f.push((name.to_owned(), 1.0));
        on(&format!("sub:{}", e.sub_event_type.as_str()));
        on(&format!("type:{}", type_name(e)));
        if e.trigger.is_some() {
            on("trigger");
        }
        for (name, actor) in [("actor1", &e.actor1), ("actor2", &e.actor2)] {
            if let Some(a) = actor {
                on(name);
                if a.span.is_some() || a.actor_id.is_some() {
                    on(&format!("{name}_entity"));
                }
                if name == "actor1" {
                    let kind = serde_kind(a.kind);
                    on(&format!("actor1_kind:{kind}"));
                }
            }
        }
        if let Some(l) = &e.location {
            on("location");
            if l.span.is_some_and(|s| doc.dateline.as_ref().is_none_or(|d| !(d.span.start <= s.start && s.end <= d.span.end))) {
                on("location_in_text");
            }
        }
        if e.date_span.is_some() {
            on("date_in_text");
        }
        for (name, present) in [
            ("fatalities", e.fatalities.is_some()),
            ("injured", e.injured.is_some()),
            ("detained", e.detained.is_some()),
            ("target", e.target.is_some()),
            ("instrument", e.instrument.is_some()),
            ("civilian_targeting", e.civilian_targeting),
            ("aggregate", e.aggregate),
            ("contested", e.contested),
        ] {
            if present {
                on(name);
            }
        }
        let count = |s: Stance| e.claims.iter().filter(|c| c.stance == s).count();
        for (name, stance) in [("claims_asserts", Stance::Asserts), ("claims_denies", Stance::Denies), ("claims_disputes", Stance::Disputes)] {
            let n = count(stance);
            if n > 0 {
                f.push((name.to_owned(), (1.0 + n as f64).ln()));
            }
        }
        let anchor = e.trigger.or_else(|| e.evidence.first().copied());
        let sentence = anchor.and_then(|a| doc.sentence_at(a.start)).map(|i| doc.sentences[i]);
        if let (Some(a), Some(s)) = (anchor, sentence) {
            let text = doc.slice(s).to_lowercase();
            let before_len = a.start.saturating_sub(s.start).min(text.len());
            let before = text.get(..before_len).unwrap_or("");
            let mut kinds = [false; 3];
            for (kind, phrase) in &self.cues {
                let hay = if *kind == CueKind::Negation { before } else { text.as_str() };
                if contains_word(hay, phrase) {
                    kinds[*kind as usize] = true;
                }
            }
            for (k, name) in kinds.iter().zip(["hedge", "negation", "modal"]) {
                if *k {
                    f.push((name.to_owned(), 1.0));
                }
            }
            if doc.times.iter().any(|t| t.future && within(t.span, s)) {
                f.push(("future".to_owned(), 1.0));
            }
            if doc.quotes.iter().any(|q| within(a, q.span)) {
                f.push(("in_quote".to_owned(), 1.0));
            }
            let first = doc.content_sentences().next().map(|(_, fs)| fs);
            if first == Some(s) {
                f.push(("first_sentence".to_owned(), 1.0));
            }
            let same = doc
                .events
                .iter()
                .enumerate()
                .filter(|(j, o)| *j != index && o.evidence.iter().any(|ev| within(*ev, s) || within(s, *ev)))
                .count();
            if same > 0 {
                f.push(("same_sentence_events".to_owned(), (1.0 + same as f64).ln()));
            }
            if !doc.text.is_empty() {
                f.push(("position".to_owned(), a.start as f64 / doc.text.len() as f64));
            }
        }
        f.push(("evidence_spans".to_owned(), (e.evidence.len() as f64).ln_1p()));
        f.push(("events_in_doc".to_owned(), (doc.events.len() as f64).ln()));
        f
    }
}

fn within(inner: Span, outer: Span) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

fn type_name(e: &Event) -> &'static str {
    use sitrep_core::EventType as T;
    match e.event_type() {
        T::Battles => "battles",
        T::ExplosionsRemoteViolence => "explosions_remote_violence",
        T::ViolenceAgainstCivilians => "violence_against_civilians",
        T::Protests => "protests",
        T::Riots => "riots",
        T::StrategicDevelopments => "strategic_developments",
    }
}

fn serde_kind(k: sitrep_core::ActorKind) -> &'static str {
    use sitrep_core::ActorKind as K;
    match k {
        K::StateForces => "state_forces",
        K::RebelGroup => "rebel_group",
        K::PoliticalMilitia => "political_militia",
        K::IdentityMilitia => "identity_militia",
        K::Rioters => "rioters",
        K::Protesters => "protesters",
        K::Civilians => "civilians",
        K::ExternalForces => "external_forces",
        K::Other => "other",
    }
}

/// Whether `phrase` occurs in `hay` with no letter or digit on either side ("n't" is a
/// suffix, so only its right edge is checked).
fn contains_word(hay: &str, phrase: &str) -> bool {
    let suffix = phrase.starts_with('\'') || phrase.starts_with("n'");
    let mut from = 0;
    while let Some(pos) = hay[from..].find(phrase) {
        let start = from + pos;
        let end = start + phrase.len();
        let left_ok = suffix || !hay[..start].chars().next_back().is_some_and(char::is_alphanumeric);
        let right_ok = !hay[end..].chars().next().is_some_and(char::is_alphanumeric);
        if left_ok && right_ok {
            return true;
        }
        from = start + phrase.chars().next().map_or(1, char::len_utf8);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_model_and_cues_parse() {
        let c = Confidence::load().unwrap();
        assert!(c.model().weights.contains_key("bias"));
        assert!(c.model().weights.len() > 5, "{}", c.model().weights.len());
        assert!(c.cues.iter().any(|(k, p)| *k == CueKind::Hedge && p == "reportedly"));
    }

    #[test]
    fn model_round_trips_and_rejects_bad_lines() {
        let m = Model { weights: [("bias".to_owned(), 0.5), ("hedge".to_owned(), -1.25)].into_iter().collect() };
        assert_eq!(Model::parse(&m.to_tsv("note")).unwrap(), m);
        assert!(Model::parse("bias 1.0\n").is_err());
        assert!(Model::parse("bias\tNaN\n").is_err());
        assert!(Model::parse("bias\t1\nbias\t2\n").is_err());
    }

    #[test]
    fn words_match_on_boundaries_only() {
        assert!(contains_word("police did not fire", "not"));
        assert!(!contains_word("nothing happened", "not"));
        assert!(contains_word("they didn't fire", "n't"));
        assert!(contains_word("rebels reportedly seized", "reportedly"));
    }

    #[test]
    fn fit_is_deterministic_and_learns_a_separating_feature() {
        let ex: Vec<(Features, bool)> = (0..40)
            .map(|i| {
                let good = i % 4 != 0;
                let mut f = vec![("x".to_owned(), 1.0)];
                if !good {
                    f.push(("bad".to_owned(), 1.0));
                }
                (f, good)
            })
            .collect();
        let a = fit(&ex, FitOptions::default());
        let b = fit(&ex, FitOptions::default());
        assert_eq!(a, b);
        assert!(a.weights["bad"] < -1.0, "{:?}", a.weights);
        let p_good = a.predict(&[("x".to_owned(), 1.0)]);
        let p_bad = a.predict(&[("x".to_owned(), 1.0), ("bad".to_owned(), 1.0)]);
        assert!(p_good > 0.9 && p_bad < 0.2, "{p_good} {p_bad}");
    }
}
