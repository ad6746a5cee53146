//! MUC-4 (Latin-American newswire 1989–91): document-level templates.
//!
//! Files: raw texts and keys in every `raw/*` folder **except `raw/dev`** (the 1,300 training
//! documents): texts are the files not named `key-*`, documents separated by their id line
//! (`TST1-MUC3-0001`); keys are `key-*` files with the 25 numbered slots. Templates with
//! coreferent role fillers come from `processed_gtt/{dev,test}.json` (never `train.json`), else
//! `processed_grit/{dev,test}.json` (one merged template per document, no type).

use std::collections::HashMap;
use std::path::Path;

use jiff::civil::Date;
use serde::Deserialize;
use sitrep_core::contract::{OutEvent, Output};
use sitrep_core::{Basis, Document, EventType, SubEventType};

use crate::stats::{Agg, Tally};
use crate::text::{gtt_normalize, head_word};
use crate::{Errors, EvalError, Result, Runner, SetResult, FN, FP, WRONG};

pub const SET: &str = "muc4";
const P: &str = "muc4.";
/// The GTT roles, in the scorer's order; `Perp` pools PerpInd and PerpOrg for `role_f1.perp`.
const ROLES: [&str; 5] = ["PerpInd", "PerpOrg", "Target", "Victim", "Weapon"];

/// One gold template: type and, per role, entities (each a list of coreferent mentions).
#[derive(Debug, Clone, Default)]
pub struct Template {
    /// GTT's type string, e.g. "attack", "bombing / attack".
    pub incident_type: String,
    pub roles: HashMap<String, Vec<Vec<String>>>,
}

/// A date slot: alternatives, each an inclusive range (`lo` None for "on or before").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateSlot(pub Vec<(Option<Date>, Date)>);

/// What the raw key says of one template.
#[derive(Debug, Clone)]
pub struct KeyTemplate {
    pub incident_type: String,
    pub optional: bool,
    pub date: Option<DateSlot>,
    /// Deaths among the human targets; `None` when a count is not a number ("PLURAL").
    pub killed: Option<u64>,
    /// Slot 11, perpetrator organisation confidence: per organisation filler, the bases the key
    /// accepts (alternatives), read through [`basis_of_label`].
    pub perp_confidence: Vec<(Vec<Basis>, String)>,
}

/// MUC-4's perpetrator-confidence labels as sitrep's `actor1.basis`: REPORTED AS FACT →
/// reported; CLAIMED OR ADMITTED → claimed; SUSPECTED OR ACCUSED (BY AUTHORITIES) and POSSIBLE
/// → accused. ACQUITTED (and anything else) has no counterpart.
#[must_use]
pub fn basis_of_label(label: &str) -> Option<Basis> {
    match label.trim() {
        "REPORTED AS FACT" => Some(Basis::Reported),
        "CLAIMED OR ADMITTED" => Some(Basis::Claimed),
        "SUSPECTED OR ACCUSED" | "SUSPECTED OR ACCUSED BY AUTHORITIES" | "POSSIBLE" => Some(Basis::Accused),
        _ => None,
    }
}

#[derive(Debug, Clone)]
pub struct MucDoc {
    pub id: String,
    /// The raw upper-case text (dateline included), what sitrep reads.
    pub text: String,
    pub templates: Vec<Template>,
    pub key: Vec<KeyTemplate>,
}

/// Types MUC-4 scores here (robbery and forced work stoppage have no ACLED equivalent).
#[must_use]
pub fn scored_type(t: &str) -> bool {
    let t = t.to_lowercase();
    !t.is_empty() && !t.contains("robbery") && !t.contains("forced work stoppage") && t != "*"
}

/// The MUC-4 type a sitrep event stands for (METRICS.md's map read backwards), if any.
#[must_use]
pub fn muc_type(e: &OutEvent) -> Option<&'static str> {
    use SubEventType as S;
    match (e.event_type, e.sub_event_type) {
        (EventType::Battles, _) | (_, S::Attack | S::SexualViolence) => Some("attack"),
        (EventType::ExplosionsRemoteViolence, _) => Some("bombing"),
        (_, S::AbductionForcedDisappearance) => Some("kidnapping"),
        (_, S::LootingPropertyDestruction | S::MobViolence) => Some("arson"),
        _ => None,
    }
}

fn is_id_line(line: &str) -> bool {
    let t = line.trim();
    let mut parts = t.split('-');
    let (Some(a), Some(b), Some(c), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else { return false };
    a.chars().all(|ch| ch.is_ascii_alphanumeric()) && a.chars().any(|ch| ch.is_ascii_alphabetic())
        && b.starts_with("MUC") && c.len() == 4 && c.chars().all(|ch| ch.is_ascii_digit())
}

/// Splits a raw text file into `(id, text)` documents.
#[must_use]
pub fn split_texts(raw: &str) -> Vec<(String, String)> {
    let mut docs: Vec<(String, String)> = Vec::new();
    for line in raw.lines() {
        if is_id_line(line) {
            docs.push((line.trim().to_owned(), String::new()));
        } else if let Some((_, text)) = docs.last_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    for (_, t) in &mut docs {
        let trimmed = t.trim_matches('\n').to_owned();
        *t = trimmed;
    }
    docs
}

/// Splits a key file into templates: slot number → value lines.
#[must_use]
pub fn split_keys(raw: &str) -> Vec<HashMap<u32, Vec<String>>> {
    let mut out: Vec<HashMap<u32, Vec<String>>> = Vec::new();
    let mut last: Option<u32> = None;
    for line in raw.lines() {
        if line.starts_with(';') || line.trim().is_empty() {
            continue;
        }
        let starts_slot = line.chars().next().is_some_and(|c| c.is_ascii_digit());
        if starts_slot {
            let Some((num, rest)) = line.split_once('.') else { continue };
            let Ok(num) = num.trim().parse::<u32>() else { continue };
            // Slot name, then two or more spaces, then the value.
            let value = rest.trim_start().split_once("  ").map_or("", |(_, v)| v.trim()).to_owned();
            if num == 0 {
                out.push(HashMap::new());
            }
            if let Some(t) = out.last_mut() {
                t.entry(num).or_default().push(value);
            }
            last = Some(num);
        } else if let (Some(n), Some(t)) = (last, out.last_mut()) {
            t.entry(n).or_default().push(line.trim().to_owned());
        }
    }
    out
}

fn parse_day(s: &str) -> Option<Date> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    let [d, m, y] = parts[..] else { return None };
    let month = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"].iter().position(|x| *x == m)? + 1;
    let y: i16 = y.parse().ok()?;
    let year = if y < 100 { 1900 + y } else { y };
    Date::new(year, i8::try_from(month).ok()?, d.parse().ok()?).ok()
}

/// Parses a MUC date slot: `02 FEB 90`, `- 29 DEC 89`, `31 MAR 90 - 01 APR 90`, alternatives
/// separated by `/`, each optionally in parentheses.
#[must_use]
pub fn parse_date_slot(v: &str) -> Option<DateSlot> {
    let mut alts = Vec::new();
    for alt in v.split('/') {
        let a = alt.trim().trim_start_matches('(').trim_end_matches(')').trim();
        if a.is_empty() || a == "-" || a == "*" {
            continue;
        }
        if let Some(rest) = a.strip_prefix('-') {
            alts.push((None, parse_day(rest.trim())?));
        } else if let Some((lo, hi)) = a.split_once(" - ") {
            alts.push((Some(parse_day(lo.trim())?), parse_day(hi.trim())?));
        } else {
            let d = parse_day(a)?;
            alts.push((Some(d), d));
        }
    }
    (!alts.is_empty()).then_some(DateSlot(alts))
}

impl DateSlot {
    /// An open "on or before" range accepts the 31 days up to its end.
    #[must_use]
    pub fn accepts(&self, d: Date) -> bool {
        self.0.iter().any(|(lo, hi)| {
            let lo = lo.unwrap_or_else(|| hi.checked_sub(jiff::Span::new().days(31)).unwrap_or(*hi));
            lo <= d && d <= *hi
        })
    }
}

/// `LABEL: "FILLER"` entries of a slot's lines (labels may be absent).
fn labelled(lines: &[String]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for l in lines {
        let Some(q) = l.find('"') else { continue };
        let label = l[..q].trim().trim_end_matches(':').trim().to_owned();
        for filler in l[q..].split('/').map(|f| f.trim().trim_matches('"').to_owned()).filter(|f| !f.is_empty()) {
            out.push((label.clone(), filler));
        }
    }
    out
}

fn key_template(slots: &HashMap<u32, Vec<String>>) -> KeyTemplate {
    let first = |n: u32| slots.get(&n).and_then(|v| v.first()).cloned().unwrap_or_default();
    let numbers: HashMap<String, Option<u64>> = labelled(slots.get(&21).map_or(&[][..], Vec::as_slice))
        .into_iter()
        .map(|(label, filler)| (filler, label.split_whitespace().next().and_then(|n| n.parse().ok())))
        .collect();
    let mut killed = Some(0u64);
    for (label, filler) in labelled(slots.get(&23).map_or(&[][..], Vec::as_slice)) {
        if label == "DEATH" {
            killed = match (killed, numbers.get(&filler).copied().flatten()) {
                (Some(k), Some(n)) => Some(k + n),
                _ => None,
            };
        }
    }
    let mut perp_confidence: Vec<(Vec<Basis>, String)> = Vec::new();
    for (label, filler) in labelled(slots.get(&11).map_or(&[][..], Vec::as_slice)) {
        let bases: Vec<Basis> = label.split('/').filter_map(basis_of_label).collect();
        if !bases.is_empty() {
            perp_confidence.push((bases, filler));
        }
    }
    KeyTemplate {
        incident_type: first(4).to_lowercase(),
        optional: first(1).contains("OPTIONAL"),
        date: parse_date_slot(&first(2)),
        killed,
        perp_confidence,
    }
}

#[derive(Deserialize)]
struct GttLine {
    docid: String,
    #[serde(default)]
    templates: Vec<serde_json::Map<String, serde_json::Value>>,
    #[serde(default)]
    extracts: Option<serde_json::Map<String, serde_json::Value>>,
}

fn entities(v: &serde_json::Value) -> Vec<Vec<String>> {
    v.as_array()
        .map(|ents| {
            ents.iter()
                .filter_map(|e| {
                    let mentions: Vec<String> =
                        e.as_array()?.iter().filter_map(|m| m.get(0)?.as_str().map(str::to_owned)).collect();
                    (!mentions.is_empty()).then_some(mentions)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn load_templates(dir: &Path) -> Result<Option<HashMap<String, Vec<Template>>>> {
    for folder in ["processed_gtt", "processed_grit"] {
        let mut found = false;
        let mut map = HashMap::new();
        for name in ["dev.json", "test.json"] {
            let path = dir.join(folder).join(name);
            if !path.is_file() {
                continue;
            }
            found = true;
            for (i, line) in crate::read(&path)?.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
                let l: GttLine = serde_json::from_str(line).map_err(|e| EvalError::format(&path, format!("line {}: {e}", i + 1)))?;
                let templates = if let Some(ex) = l.extracts {
                    // GRIT: one merged template per document, untyped.
                    let roles: HashMap<String, Vec<Vec<String>>> = ex.iter().map(|(k, v)| (k.clone(), entities(v))).collect();
                    if roles.values().all(Vec::is_empty) { Vec::new() } else { vec![Template { incident_type: String::new(), roles }] }
                } else {
                    l.templates
                        .iter()
                        .map(|t| Template {
                            incident_type: t.get("incident_type").and_then(|v| v.as_str()).unwrap_or_default().to_owned(),
                            roles: ROLES.iter().map(|r| ((*r).to_owned(), t.get(*r).map(entities).unwrap_or_default())).collect(),
                        })
                        .collect()
                };
                map.insert(l.docid, templates);
            }
        }
        if found {
            return Ok(Some(map));
        }
    }
    Ok(None)
}

/// Reads the scored documents: every raw folder but `raw/dev`, with GTT templates.
///
/// # Errors
/// When no raw test folder or no processed templates are found.
pub fn load(dir: &Path) -> Result<Vec<MucDoc>> {
    let raw = dir.join("raw");
    let mut folders: Vec<_> = std::fs::read_dir(&raw)
        .map_err(|e| EvalError::io(&raw, e))?
        .filter_map(std::result::Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir() && p.file_name().is_some_and(|n| n != "dev"))
        .collect();
    folders.sort();
    let mut texts: Vec<(String, String)> = Vec::new();
    let mut keys: HashMap<String, Vec<KeyTemplate>> = HashMap::new();
    for f in &folders {
        for path in crate::files_in(f, |_| true)? {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let content = crate::read(&path)?;
            if name.starts_with("key-") {
                for slots in split_keys(&content) {
                    let id = slots.get(&0).and_then(|v| v.first()).cloned().unwrap_or_default();
                    let entry = keys.entry(id).or_default();
                    let kt = key_template(&slots);
                    if kt.incident_type != "*" && !kt.incident_type.is_empty() {
                        entry.push(kt);
                    }
                }
            } else {
                texts.extend(split_texts(&content));
            }
        }
    }
    if texts.is_empty() {
        return Err(EvalError::Missing { dir: raw, what: "raw test texts (raw/tst*, not raw/dev)".into() });
    }
    let templates = load_templates(dir)?.ok_or_else(|| EvalError::Missing {
        dir: dir.to_owned(),
        what: "processed_gtt/dev.json or test.json (templates)".into(),
    })?;
    Ok(texts
        .into_iter()
        .map(|(id, text)| MucDoc {
            templates: templates.get(&id).cloned().unwrap_or_default().into_iter().filter(|t| t.incident_type.is_empty() || scored_type(&t.incident_type)).collect(),
            key: keys.remove(&id).unwrap_or_default(),
            id,
            text,
        })
        .collect())
}

/// A predicted template: type and one filler string per role slot it fills.
#[derive(Debug, Clone)]
struct PredTemplate {
    incident_type: &'static str,
    /// (role, filler) with role one of Perp, Target, Victim, Weapon.
    fillers: Vec<(&'static str, String)>,
    date: Option<Date>,
    killed: u64,
    /// The perpetrator's words and how the text ties it to the event.
    perp_basis: Option<(String, Basis)>,
}

fn predicted(out: &Output) -> Vec<PredTemplate> {
    crate::coded_events(out)
        .filter_map(|e| {
            let t = muc_type(e)?;
            let mut fillers = Vec::new();
            let actor_text = |a: &sitrep_core::contract::OutActor| a.text.clone().unwrap_or_else(|| a.name.clone());
            if let Some(a) = &e.actor1 {
                fillers.push(("Perp", actor_text(a)));
            }
            if let Some(a) = &e.actor2 {
                fillers.push(("Victim", actor_text(a)));
            }
            if let Some(x) = &e.target {
                fillers.push(("Target", x.text.clone()));
            }
            if let Some(x) = &e.instrument {
                fillers.push(("Weapon", x.text.clone()));
            }
            Some(PredTemplate {
                incident_type: t,
                fillers,
                date: e.date.start.as_deref().and_then(|d| d.parse().ok()),
                killed: e.fatalities.as_ref().and_then(|f| f.low).unwrap_or(0),
                perp_basis: e.actor1.as_ref().and_then(|a| Some((actor_text(a), a.basis?))),
            })
        })
        .collect()
}

/// A filler matches a gold entity when it equals one of its mentions after GTT normalisation,
/// or their head nouns agree (GRIT's head-noun match).
#[must_use]
pub fn filler_matches(filler: &str, entity: &[String]) -> bool {
    let f = gtt_normalize(filler);
    if f.is_empty() {
        return false;
    }
    let fh = head_word(&f);
    entity.iter().any(|m| {
        let g = gtt_normalize(m);
        g == f || (fh.is_some() && head_word(&g) == fh)
    })
}

fn gold_role<'a>(t: &'a Template, role: &str) -> Vec<&'a Vec<String>> {
    let pick = |r: &str| t.roles.get(r).into_iter().flatten();
    if role == "Perp" {
        pick("PerpInd").chain(pick("PerpOrg")).collect()
    } else {
        pick(role).collect()
    }
}

/// Per-role counts `[tp, fp, fn]` for one aligned pair (or one side alone).
#[derive(Debug, Clone, Default)]
struct RoleCounts(HashMap<&'static str, [f64; 3]>);

impl RoleCounts {
    fn add(&mut self, role: &'static str, i: usize, v: f64) {
        self.0.entry(role).or_default()[i] += v;
    }

    fn micro(&self) -> [f64; 3] {
        let mut s = [0.0; 3];
        for v in self.0.values() {
            for i in 0..3 {
                s[i] += v[i];
            }
        }
        s
    }
}

const PRED_ROLES: [&str; 4] = ["Perp", "Target", "Victim", "Weapon"];

fn type_compatible(pred: &str, gold: &str) -> bool {
    gold.is_empty() || gold.contains(pred)
}

fn pair_counts(p: Option<&PredTemplate>, g: Option<&Template>, c: &mut RoleCounts) {
    // The incident type is one slot, as in GTT's micro average.
    match (p, g) {
        (Some(_), Some(_)) => c.add("incident_type", 0, 1.0),
        (Some(_), None) => c.add("incident_type", 1, 1.0),
        (None, Some(_)) => c.add("incident_type", 2, 1.0),
        (None, None) => {}
    }
    for role in PRED_ROLES {
        let preds: Vec<&String> = p.map(|p| p.fillers.iter().filter(|(r, _)| *r == role).map(|(_, f)| f).collect()).unwrap_or_default();
        let golds: Vec<&Vec<String>> = g.map(|g| gold_role(g, role)).unwrap_or_default();
        for f in &preds {
            let ok = golds.iter().any(|e| filler_matches(f, e));
            c.add(role, if ok { 0 } else { 1 }, 1.0);
        }
        for e in &golds {
            if !preds.iter().any(|f| filler_matches(f, e)) {
                c.add(role, 2, 1.0);
            }
        }
    }
}

fn f1_of(s: [f64; 3]) -> f64 {
    if s[0] == 0.0 { 0.0 } else { 2.0 * s[0] / (2.0 * s[0] + s[1] + s[2]) }
}

/// The alignment of predicted to gold templates with the best micro F1 (GTT): exhaustive over
/// injective maps while small, greedy by pair score beyond.
fn align(preds: &[PredTemplate], golds: &[Template]) -> Vec<Option<usize>> {
    let score_of = |m: &[Option<usize>]| {
        let mut c = RoleCounts::default();
        counts_for(preds, golds, m, &mut c);
        f1_of(c.micro())
    };
    let compatible = |pi: usize, gi: usize| type_compatible(preds[pi].incident_type, &golds[gi].incident_type);
    let space = (golds.len() + 1).checked_pow(u32::try_from(preds.len()).unwrap_or(u32::MAX)).unwrap_or(usize::MAX);
    if space <= 50_000 {
        let mut best = vec![None; preds.len()];
        let mut best_score = score_of(&best);
        let mut cur = vec![None; preds.len()];
        fn rec(i: usize, cur: &mut Vec<Option<usize>>, used: &mut Vec<bool>, f: &mut dyn FnMut(&[Option<usize>]), ok: &dyn Fn(usize, usize) -> bool) {
            if i == cur.len() {
                f(cur);
                return;
            }
            cur[i] = None;
            rec(i + 1, cur, used, f, ok);
            for g in 0..used.len() {
                if !used[g] && ok(i, g) {
                    used[g] = true;
                    cur[i] = Some(g);
                    rec(i + 1, cur, used, f, ok);
                    used[g] = false;
                }
            }
            cur[i] = None;
        }
        let mut used = vec![false; golds.len()];
        rec(0, &mut cur, &mut used, &mut |m| {
            let s = score_of(m);
            if s > best_score {
                best_score = s;
                best = m.to_vec();
            }
        }, &compatible);
        return best;
    }
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (pi, p) in preds.iter().enumerate() {
        for (gi, g) in golds.iter().enumerate() {
            if compatible(pi, gi) {
                let mut c = RoleCounts::default();
                pair_counts(Some(p), Some(g), &mut c);
                pairs.push((c.micro()[0], pi, gi));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut m = vec![None; preds.len()];
    let mut used = vec![false; golds.len()];
    for (_, pi, gi) in pairs {
        if m[pi].is_none() && !used[gi] {
            m[pi] = Some(gi);
            used[gi] = true;
        }
    }
    m
}

fn counts_for(preds: &[PredTemplate], golds: &[Template], m: &[Option<usize>], c: &mut RoleCounts) {
    let mut used = vec![false; golds.len()];
    for (pi, p) in preds.iter().enumerate() {
        match m[pi] {
            Some(gi) => {
                used[gi] = true;
                pair_counts(Some(p), Some(&golds[gi]), c);
            }
            None => pair_counts(Some(p), None, c),
        }
    }
    for (gi, g) in golds.iter().enumerate() {
        if !used[gi] {
            pair_counts(None, Some(g), c);
        }
    }
}

/// Scores documents against outputs (same order).
#[must_use]
pub fn score(docs: &[MucDoc], outputs: &[Output], errors: &mut Errors) -> Tally {
    let mut t = Tally::new(docs.len());
    for (name, agg) in [
        ("event_precision", Agg::Precision),
        ("event_recall", Agg::Recall),
        ("incident_type_f1", Agg::F1),
        ("template_f1", Agg::F1),
        ("role_f1.perp", Agg::F1),
        ("role_f1.victim", Agg::F1),
        ("role_f1.target", Agg::F1),
        ("role_f1.weapon", Agg::F1),
        ("date_exact", Agg::Ratio),
        ("killed_exact", Agg::Ratio),
        ("perp_confidence_agreement", Agg::Ratio),
        ("perp_confidence_agreement.baseline_reported", Agg::Ratio),
    ] {
        t.declare(&format!("{P}{name}"), agg);
    }
    for (d, (doc, out)) in docs.iter().zip(outputs).enumerate() {
        let preds = predicted(out);
        let m = align(&preds, &doc.templates);
        let mut c = RoleCounts::default();
        counts_for(&preds, &doc.templates, &m, &mut c);
        let it = c.0.get("incident_type").copied().unwrap_or_default();
        for name in ["event_precision", "event_recall", "incident_type_f1"] {
            let agg = match name {
                "event_precision" => Agg::Precision,
                "event_recall" => Agg::Recall,
                _ => Agg::F1,
            };
            t.counts(d, &format!("{P}{name}"), agg, it[0], it[1], it[2]);
        }
        let micro = c.micro();
        t.counts(d, &format!("{P}template_f1"), Agg::F1, micro[0], micro[1], micro[2]);
        for (role, name) in [("Perp", "perp"), ("Victim", "victim"), ("Target", "target"), ("Weapon", "weapon")] {
            let v = c.0.get(role).copied().unwrap_or_default();
            t.counts(d, &format!("{P}role_f1.{name}"), Agg::F1, v[0], v[1], v[2]);
        }
        // Errors: unaligned templates, and role misses of aligned ones.
        for (pi, p) in preds.iter().enumerate() {
            if m[pi].is_none() {
                // Why it has no counterpart: a story MUC-4 keyed no incident in, a second event for an
                // incident another one already matched, or an incident of another type.
                let same_type = doc.templates.iter().filter(|g| type_compatible(p.incident_type, &g.incident_type)).count();
                let why = match (doc.templates.len(), same_type) {
                    (0, _) => "no incident keyed in the story",
                    (_, 0) => "the story's incidents are of other types",
                    _ => "its type's incidents are matched by other events",
                };
                errors.push(&doc.id, FP, &format!("{P}event_precision"), None, None, format!("predicted {} template with no gold counterpart ({why}); fillers {:?}", p.incident_type, p.fillers));
            }
        }
        for (gi, g) in doc.templates.iter().enumerate() {
            let Some(pi) = m.iter().position(|x| *x == Some(gi)) else {
                errors.push(&doc.id, FN, &format!("{P}event_recall"), None, None, format!("gold {} template missed", g.incident_type));
                continue;
            };
            for role in PRED_ROLES {
                for e in gold_role(g, role) {
                    if !preds[pi].fillers.iter().any(|(r, f)| *r == role && filler_matches(f, e)) {
                        errors.push(&doc.id, FN, &format!("{P}role_f1.{}", role.to_lowercase()), None, e.first().cloned(), format!("gold {role} filler not found in aligned template"));
                    }
                }
            }
        }
        // Date and deaths from the raw keys (non-optional, scored types).
        let keyed: Vec<&KeyTemplate> = doc.key.iter().filter(|k| !k.optional && scored_type(&k.incident_type)).collect();
        for k in &keyed {
            let Some(slot) = &k.date else { continue };
            let right = preds.iter().any(|p| type_compatible(p.incident_type, &k.incident_type) && p.date.is_some_and(|x| slot.accepts(x)));
            t.hit(d, &format!("{P}date_exact"), right);
            if !right {
                errors.push(&doc.id, WRONG, &format!("{P}date_exact"), None, None, format!("gold {} date {:?}; sitrep {:?}", k.incident_type, slot.0, preds.iter().map(|p| p.date.map(|x| x.to_string())).collect::<Vec<_>>()));
            }
        }
        // Perpetrator confidence: each keyed organisation sitrep names as a perpetrator of an
        // event of a compatible type; agreement when sitrep's basis is one the key accepts.
        for k in &keyed {
            for (bases, filler) in &k.perp_confidence {
                let mention = std::slice::from_ref(filler);
                let Some((_, basis)) = preds
                    .iter()
                    .filter(|p| type_compatible(p.incident_type, &k.incident_type))
                    .filter_map(|p| p.perp_basis.as_ref())
                    .find(|(words, _)| filler_matches(words, mention))
                else {
                    continue;
                };
                let right = bases.contains(basis);
                t.hit(d, &format!("{P}perp_confidence_agreement"), right);
                t.hit(d, &format!("{P}perp_confidence_agreement.baseline_reported"), bases.contains(&Basis::Reported));
                if !right {
                    errors.push(&doc.id, WRONG, &format!("{P}perp_confidence_agreement"), None, Some(filler.clone()), format!("key {bases:?}, sitrep {basis:?}"));
                }
            }
        }
        if !keyed.is_empty() {
            if let Some(gold_killed) = keyed.iter().map(|k| k.killed).sum::<Option<u64>>() {
                let pred_killed: u64 = preds.iter().map(|p| p.killed).sum();
                t.hit(d, &format!("{P}killed_exact"), pred_killed == gold_killed);
                if pred_killed != gold_killed {
                    errors.push(&doc.id, WRONG, &format!("{P}killed_exact"), None, None, format!("gold {gold_killed}, sitrep {pred_killed}"));
                }
            }
        }
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
    fn date_slots_parse_every_form() {
        let d = |y, m, dd| Date::new(y, m, dd).unwrap();
        assert_eq!(parse_date_slot("02 FEB 90"), Some(DateSlot(vec![(Some(d(1990, 2, 2)), d(1990, 2, 2))])));
        assert_eq!(parse_date_slot("- 29 DEC 89"), Some(DateSlot(vec![(None, d(1989, 12, 29))])));
        let alt = parse_date_slot("(08 MAR 90) / (07 MAR 90 - 08 MAR 90)").unwrap();
        assert!(alt.accepts(d(1990, 3, 7)) && !alt.accepts(d(1990, 3, 9)));
        assert_eq!(parse_date_slot("-"), None);
    }

    #[test]
    fn template_alignment_and_role_f1_on_a_toy() {
        let ent = |m: &[&str]| m.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let gold = Template {
            incident_type: "attack".into(),
            roles: [
                ("PerpInd".to_owned(), vec![ent(&["guerrillas", "guerrilla column"])]),
                ("PerpOrg".to_owned(), vec![ent(&["urng"])]),
                ("Target".to_owned(), vec![ent(&["\"santo tomas\" presidential farm", "presidential farm"])]),
                ("Victim".to_owned(), vec![ent(&["civilian"])]),
                ("Weapon".to_owned(), vec![]),
            ]
            .into_iter()
            .collect(),
        };
        let doc = MucDoc { id: "TST1-MUC3-0001".into(), text: String::new(), templates: vec![gold], key: vec![] };
        let ev = event("armed_clash", (0, 1), json!({
            "actor1": {"name": "URNG", "kind": "rebel_group", "text": "THE GUERRILLAS"},
            "actor2": {"name": "civilians", "kind": "civilians", "text": "A PEASANT"},
            "target": {"text": "THE FARM", "start": 0, "end": 1}}));
        let bombing = event("grenade", (0, 1), json!({}));
        let out = output("d", "x", json!({"events": [ev, bombing]}));
        let mut errors = Errors::new(SET);
        let figs = score(&[doc], &[out], &mut errors).figures();
        let get = |n: &str| figs.iter().find(|f| f.name == format!("{P}{n}")).unwrap().value.unwrap();
        // Attack aligned; bombing unaligned: type tp1 fp1 fn0.
        assert!((get("event_precision") - 0.5).abs() < 1e-12);
        assert!((get("event_recall") - 1.0).abs() < 1e-12);
        // Perp: "guerrillas" matches PerpInd; PerpOrg urng missed → tp1 fn1 → 2/3.
        assert!((get("role_f1.perp") - 2.0 / 3.0).abs() < 1e-12);
        // Target "the farm" head-matches "presidential farm".
        assert!((get("role_f1.target") - 1.0).abs() < 1e-12);
        // Victim "a peasant" does not match "civilian": fp1 fn1.
        assert!(get("role_f1.victim").abs() < 1e-12);
        // Micro: type tp1 fp1; perp tp1 fn1; target tp1; victim fp1 fn1 → tp3 fp2 fn2 → 6/10.
        assert!((get("template_f1") - 0.6).abs() < 1e-12);
    }

    #[test]
    fn loads_tst1_and_tst2_never_the_training_folder() {
        let docs = load(&sitrep_core::testdata::require_shared_data().join(SET)).unwrap();
        assert_eq!(docs.len(), 200);
        assert!(docs.iter().all(|d| d.id.starts_with("TST")));
        assert!(docs.iter().any(|d| !d.templates.is_empty()));
        assert!(docs.iter().any(|d| d.key.iter().any(|k| k.killed.is_some_and(|n| n > 0))));
        assert!(docs[0].text.contains("GUATEMALA CITY"));
    }
}
