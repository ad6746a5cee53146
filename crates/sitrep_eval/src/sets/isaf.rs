//! ISAF press releases (Afghanistan 2009–13): date, type, province, minimum killed and captured.
//!
//! Files: every `*.jsonl` (ShareGPT form): `conversations[1]` (`human`) is the release after
//! `PRESS RELEASE TEXT: `, `conversations[2]` (`gpt`) a JSON string of the gold
//! (`start_date, event_type[], province[], min_killed, min_captured, airstrike`).

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::OnceLock;

use jiff::civil::Date;
use serde::Deserialize;
use sitrep_core::contract::{OutEvent, Output};
use sitrep_core::{Document, EventType, SubEventType};

use crate::stats::Tally;
use crate::{Errors, EvalError, Result, Runner, SetResult, Agg, FN, WRONG};

pub const SET: &str = "isaf_press_releases";
const P: &str = "isaf.";

#[derive(Debug, Clone, Deserialize)]
pub struct Gold {
    pub start_date: String,
    #[serde(default)]
    pub event_type: Vec<String>,
    #[serde(default)]
    pub province: Vec<String>,
    #[serde(default)]
    pub min_killed: u64,
    #[serde(default)]
    pub min_captured: u64,
    #[serde(default)]
    pub airstrike: bool,
}

#[derive(Debug, Clone)]
pub struct Release {
    pub id: String,
    pub text: String,
    pub gold: Gold,
}

#[derive(Deserialize)]
struct Turn {
    from: String,
    value: String,
}

#[derive(Deserialize)]
struct Line {
    conversations: Vec<Turn>,
}

/// Reads every release in `dir`.
///
/// # Errors
/// When no `.jsonl` is found or a line is malformed.
pub fn load(dir: &Path) -> Result<Vec<Release>> {
    let files = crate::files_in(dir, |n| n.ends_with(".jsonl"))?;
    if files.is_empty() {
        return Err(EvalError::Missing { dir: dir.to_owned(), what: "press-release .jsonl".into() });
    }
    let mut out = Vec::new();
    for path in files {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("isaf").to_owned();
        for (i, line) in crate::read(&path)?.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let bad = |m: String| EvalError::format(&path, format!("line {}: {m}", i + 1));
            let l: Line = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
            let human = l.conversations.iter().find(|t| t.from == "human").ok_or_else(|| bad("no human turn".into()))?;
            let gpt = l.conversations.iter().find(|t| t.from == "gpt").ok_or_else(|| bad("no gpt turn".into()))?;
            let text = human.value.strip_prefix("PRESS RELEASE TEXT: ").unwrap_or(&human.value).to_owned();
            let gold: Gold = serde_json::from_str(&gpt.value).map_err(|e| bad(format!("gold: {e}")))?;
            out.push(Release { id: format!("{stem}-{}", i + 1), text, gold });
        }
    }
    Ok(out)
}

fn aliases() -> &'static HashMap<String, String> {
    static MAP: OnceLock<HashMap<String, String>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut m = HashMap::new();
        for line in include_str!("../../data/isaf_provinces.tsv").lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
            let mut cols = line.split('\t');
            let code = cols.next().unwrap_or_default().to_owned();
            m.insert(code.clone(), code.clone());
            for a in cols {
                m.insert(a.to_owned(), code.clone());
            }
        }
        m
    })
}

/// ISAF's province code for an admin1 name ("Khowst Province" → "khost").
#[must_use]
pub fn province_code(admin1: &str) -> String {
    let folded: String = admin1
        .chars()
        .map(|c| match c {
            'ā' | 'á' | 'à' | 'â' | 'Ā' => 'a',
            'ō' | 'ó' | 'ò' | 'ô' | 'Ō' => 'o',
            'ī' | 'í' | 'ì' | 'î' | 'Ī' => 'i',
            'ū' | 'ú' | 'ù' | 'û' | 'Ū' => 'u',
            'ē' | 'é' | 'è' | 'ê' => 'e',
            c => c,
        })
        .collect::<String>()
        .to_lowercase();
    let trimmed = folded.trim().trim_end_matches(" province").trim();
    let key: String = trimmed
        .chars()
        .map(|c| if c == ' ' || c == '-' || c == '\'' || c == '\u{2019}' { '_' } else { c })
        .filter(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    aliases().get(&key).cloned().unwrap_or(key)
}

/// Whether `event` is what the ISAF type `kind` means (METRICS.md's map; `exchangeoffire`,
/// absent from the map, is read as an armed clash).
fn satisfies(kind: &str, airstrike: bool, e: &OutEvent) -> bool {
    let sub = e.sub_event_type;
    match kind {
        "detention" => sub == SubEventType::Arrests,
        "insurgentskilled" if airstrike => sub == SubEventType::AirDroneStrike || sub == SubEventType::ArmedClash,
        "insurgentskilled" | "exchangeoffire" => sub == SubEventType::ArmedClash,
        "captureandkill" => sub == SubEventType::Arrests || sub == SubEventType::ArmedClash,
        "airstrike" => sub == SubEventType::AirDroneStrike,
        "civiliancasualty" => e.event_type == EventType::ViolenceAgainstCivilians || e.civilian_targeting,
        _ => false,
    }
}

/// The gold types split into what must each be found; `captureandkill` needs both an arrest and a clash.
fn requirements(gold: &Gold) -> Vec<String> {
    let mut req = Vec::new();
    for t in gold.event_type.iter().flat_map(|t| t.split(';')).map(str::trim).filter(|t| !t.is_empty()) {
        if t == "captureandkill" {
            req.push("detention".to_owned());
            req.push("insurgentskilled".to_owned());
        } else {
            req.push(t.to_owned());
        }
    }
    req
}

/// Whether one event satisfies any of the release's gold types (calibration judges each event by it).
#[must_use]
pub fn judge_event(gold: &Gold, e: &OutEvent) -> bool {
    requirements(gold).iter().any(|k| satisfies(k, gold.airstrike, e))
}

/// Scores releases against outputs (same order).
#[must_use]
#[allow(clippy::too_many_lines)]
pub fn score(releases: &[Release], outputs: &[Output], errors: &mut Errors) -> Tally {
    let mut t = Tally::new(releases.len());
    for m in ["date_exact", "date_within_week", "min_killed_exact", "min_captured_exact", "province_accuracy", "type_accuracy", "event_recall"] {
        t.declare(&format!("{P}{m}"), Agg::Ratio);
    }
    for (d, (r, out)) in releases.iter().zip(outputs).enumerate() {
        let events: Vec<&OutEvent> = crate::coded_events(out).collect();
        let doc = &r.id;
        let gold_date: Option<Date> = r.gold.start_date.parse().ok();
        // Date: the earliest event start.
        let earliest = events
            .iter()
            .filter_map(|e| Some((e.date.start.as_deref()?.parse::<Date>().ok()?, e.date.end.as_deref().and_then(|x| x.parse::<Date>().ok()))))
            .min_by_key(|(s, _)| *s);
        let date_right = earliest.is_some_and(|(s, _)| Some(s) == gold_date);
        let week_right = match (earliest, gold_date) {
            (Some((s, e)), Some(g)) => {
                let e = e.unwrap_or(s);
                let days = (e - s).get_days();
                s <= g && g <= e && (0..7).contains(&days)
            }
            _ => false,
        };
        t.hit(d, &format!("{P}date_exact"), date_right);
        t.hit(d, &format!("{P}date_within_week"), week_right);
        if !date_right {
            errors.push(doc, if earliest.is_none() { FN } else { WRONG }, &format!("{P}date_exact"), None, None, format!("gold {}, sitrep {:?}", r.gold.start_date, earliest.map(|x| x.0.to_string())));
        }
        // Counts: sums of the events' low figures.
        let killed: u64 = events.iter().filter_map(|e| e.fatalities.as_ref()?.low).sum();
        let captured: u64 = events.iter().filter_map(|e| e.detained.as_ref()?.low).sum();
        t.hit(d, &format!("{P}min_killed_exact"), killed == r.gold.min_killed);
        t.hit(d, &format!("{P}min_captured_exact"), captured == r.gold.min_captured);
        if killed != r.gold.min_killed {
            errors.push(doc, WRONG, &format!("{P}min_killed_exact"), None, None, format!("gold {}, sitrep {killed}", r.gold.min_killed));
        }
        if captured != r.gold.min_captured {
            errors.push(doc, WRONG, &format!("{P}min_captured_exact"), None, None, format!("gold {}, sitrep {captured}", r.gold.min_captured));
        }
        // Province: the set of the events' admin1 equals the gold set.
        let gold_prov: BTreeSet<String> = r.gold.province.iter().map(|p| province_code(p)).collect();
        let pred_prov: BTreeSet<String> =
            events.iter().filter_map(|e| e.location.as_ref()?.admin1.as_deref()).map(province_code).collect();
        let prov_right = !gold_prov.is_empty() && gold_prov == pred_prov;
        t.hit(d, &format!("{P}province_accuracy"), prov_right);
        if !prov_right {
            errors.push(doc, WRONG, &format!("{P}province_accuracy"), None, None, format!("gold {gold_prov:?}, sitrep {pred_prov:?}"));
        }
        // Type: every gold type found, and every event one of the gold types.
        let req = requirements(&r.gold);
        let mut found = 0;
        for k in &req {
            let hit = events.iter().any(|e| satisfies(k, r.gold.airstrike, e));
            found += usize::from(hit);
            t.hit(d, &format!("{P}event_recall"), hit);
            if !hit {
                errors.push(doc, FN, &format!("{P}event_recall"), None, None, format!("no event for gold type {k}"));
            }
        }
        let extra: Vec<&OutEvent> = events.iter().copied().filter(|e| !req.iter().any(|k| satisfies(k, r.gold.airstrike, e))).collect();
        let type_right = !req.is_empty() && found == req.len() && extra.is_empty();
        t.hit(d, &format!("{P}type_accuracy"), type_right);
        for e in extra {
            let span = e.evidence.first().map(|s| (s.start, s.end));
            errors.push(doc, crate::FP, &format!("{P}type_accuracy"), span, None, format!("{} matches none of the gold types {req:?}", e.sub_event_type.as_str()));
        }
    }
    t
}

/// Loads, extracts and scores the set in `dir`.
///
/// # Errors
/// As [`load`].
pub fn evaluate(dir: &Path, runner: &Runner) -> Result<SetResult> {
    let releases = load(dir)?;
    let docs = releases.iter().map(|r| Document::from_text(r.id.clone(), r.text.clone())).collect();
    let outputs = runner.extract_all(docs);
    let mut errors = Errors::new(SET);
    let tally = score(&releases, &outputs, &mut errors);
    Ok(SetResult::new(SET, &tally, errors, Vec::new()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::sets::testutil::{event, output};

    #[test]
    fn province_spellings_fold_to_isaf_codes() {
        assert_eq!(province_code("Khowst"), "khost");
        assert_eq!(province_code("Sar-e Pol Province"), "sar_e_pul");
        assert_eq!(province_code("Orūzgān"), "uruzgan");
        assert_eq!(province_code("Maidan Wardak"), "wardak");
        assert_eq!(province_code("helmand"), "helmand");
    }

    #[test]
    fn a_capture_and_kill_release_needs_an_arrest_and_a_clash() {
        let gold: Gold = serde_json::from_value(json!({"start_date": "2011-02-19", "event_type": ["captureandkill"],
            "province": ["khost"], "min_killed": 2, "min_captured": 1, "airstrike": false})).unwrap();
        let r = Release { id: "r".into(), text: "x".into(), gold };
        let arrest = event("arrests", (0, 1), json!({"detained": {"low": 1}, "date": {"start": "2011-02-19", "end": "2011-02-19", "precision": "day"},
            "location": {"name": "Khost", "admin1": "Khowst", "precision": "city"}}));
        let clash = event("armed_clash", (0, 1), json!({"fatalities": {"low": 2}, "date": {"start": "2011-02-20", "end": "2011-02-20", "precision": "day"}}));
        let both = output("r", "x", json!({"events": [arrest.clone(), clash]}));
        let only_arrest = output("r", "x", json!({"events": [arrest]}));
        let mut errors = Errors::new(SET);
        let figs = score(&[r.clone(), r], &[both, only_arrest], &mut errors).figures();
        let get = |n: &str| figs.iter().find(|f| f.name == format!("{P}{n}")).unwrap().value.unwrap();
        assert!((get("type_accuracy") - 0.5).abs() < 1e-12);
        assert!((get("event_recall") - 0.75).abs() < 1e-12);
        assert!((get("date_exact") - 1.0).abs() < 1e-12);
        assert!((get("min_killed_exact") - 0.5).abs() < 1e-12);
        assert!((get("province_accuracy") - 1.0).abs() < 1e-12);
    }

    #[test]
    fn loads_every_release() {
        let r = load(&sitrep_core::testdata::require_shared_data().join(SET)).unwrap();
        assert_eq!(r.len(), 203);
        assert!(r.iter().all(|x| !x.text.starts_with("PRESS RELEASE TEXT")));
        assert!(r.iter().all(|x| x.gold.start_date.parse::<Date>().is_ok()));
    }
}
