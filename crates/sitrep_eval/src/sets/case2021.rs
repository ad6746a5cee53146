//! CASE-2021 task 2: the ACLED sub-type of a news snippet, or no event.
//!
//! Files: any `*.tsv` but `label_map.tsv` (`id <TAB> EventSnippet <TAB> SubType`, with a header),
//! and `label_map.tsv` (`case_label <TAB> event_type <TAB> sub_event_type`, `none` for the five
//! non-ACLED classes).

use std::collections::HashMap;
use std::path::Path;

use sitrep_core::contract::Output;
use sitrep_core::{Document, SubEventType};

use crate::stats::{Agg, Tally};
use crate::{Errors, EvalError, Result, Runner, SetResult, FN, FP, WRONG};

pub const SET: &str = "case2021_task2";
const P: &str = "case2021.";

/// One snippet and its gold label (`None` = no ACLED event).
#[derive(Debug, Clone)]
pub struct Snippet {
    pub id: String,
    pub text: String,
    pub case_label: String,
    pub gold: Option<SubEventType>,
}

/// Reads the label map and every snippet file in `dir`.
///
/// # Errors
/// When the label map or the snippets are missing, or a label is not in the map.
pub fn load(dir: &Path) -> Result<Vec<Snippet>> {
    let map_path = dir.join("label_map.tsv");
    let mut map: HashMap<String, Option<SubEventType>> = HashMap::new();
    for line in crate::read(&map_path)?.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [label, _, sub] = cols[..] else {
            return Err(EvalError::format(&map_path, format!("expected 3 columns: {line:?}")));
        };
        let sub = if sub == "none" {
            None
        } else {
            Some(SubEventType::parse(sub).ok_or_else(|| EvalError::format(&map_path, format!("unknown sub-type {sub}")))?)
        };
        map.insert(label.to_owned(), sub);
    }
    let files = crate::files_in(dir, |n| n.ends_with(".tsv") && n != "label_map.tsv")?;
    if files.is_empty() {
        return Err(EvalError::Missing { dir: dir.to_owned(), what: "snippet .tsv file".into() });
    }
    let mut out = Vec::new();
    for path in files {
        for (i, line) in crate::read(&path)?.lines().enumerate().skip(1) {
            if line.trim().is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() < 3 {
                return Err(EvalError::format(&path, format!("line {}: expected id, snippet, label", i + 1)));
            }
            let label = cols[cols.len() - 1].trim();
            let gold = *map
                .get(label)
                .ok_or_else(|| EvalError::format(&path, format!("line {}: label {label} not in label_map.tsv", i + 1)))?;
            out.push(Snippet {
                id: cols[0].trim().to_owned(),
                text: cols[1..cols.len() - 1].join("\t"),
                case_label: label.to_owned(),
                gold,
            });
        }
    }
    Ok(out)
}

/// Scores snippets against outputs (same order).
#[must_use]
pub fn score(gold: &[Snippet], outputs: &[Output], errors: &mut Errors) -> Tally {
    let k = SubEventType::ALL.len();
    let mut t = Tally::new(gold.len());
    let macro_name = format!("{P}subtype_macro_f1");
    t.declare(&macro_name, Agg::MacroF1(k));
    t.declare(&format!("{P}subtype_accuracy"), Agg::Ratio);
    t.declare(&format!("{P}none_accuracy"), Agg::Ratio);
    for (d, (g, out)) in gold.iter().zip(outputs).enumerate() {
        let top = super::top_event(out);
        let pred = top.map(|e| e.sub_event_type);
        let right = pred == g.gold;
        t.hit(d, &format!("{P}subtype_accuracy"), right);
        if g.gold.is_none() {
            t.hit(d, &format!("{P}none_accuracy"), pred.is_none());
        }
        if let Some(gs) = g.gold {
            let c = gs as usize;
            t.class_counts(d, &macro_name, (k, c), [f64::from(u8::from(right)), 0.0, f64::from(u8::from(!right))]);
        }
        if let Some(ps) = pred {
            if !right {
                t.class_counts(d, &macro_name, (k, ps as usize), [0.0, 1.0, 0.0]);
            }
        }
        if !right {
            let span = top.and_then(|e| e.evidence.first()).map(|s| (s.start, s.end));
            let kind = match (g.gold, pred) {
                (None, Some(_)) => FP,
                (Some(_), None) => FN,
                _ => WRONG,
            };
            errors.push(
                &g.id,
                kind,
                &macro_name,
                span,
                None,
                format!(
                    "gold {} ({}), sitrep {}",
                    g.gold.map_or("none", SubEventType::as_str),
                    g.case_label,
                    pred.map_or("none", SubEventType::as_str)
                ),
            );
        }
    }
    t
}

/// Loads, extracts and scores the set in `dir`.
///
/// # Errors
/// As [`load`].
pub fn evaluate(dir: &Path, runner: &Runner) -> Result<SetResult> {
    let gold = load(dir)?;
    let docs = gold.iter().map(|s| Document::from_text(format!("case2021-{}", s.id), s.text.clone())).collect();
    let outputs = runner.extract_all(docs);
    let mut errors = Errors::new(SET);
    let tally = score(&gold, &outputs, &mut errors);
    Ok(SetResult::new(SET, &tally, errors, Vec::new()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::sets::testutil::{event, output};

    fn snippet(id: &str, gold: Option<&str>) -> Snippet {
        Snippet { id: id.into(), text: "x".into(), case_label: String::new(), gold: gold.map(|g| SubEventType::parse(g).unwrap()) }
    }

    fn predicted(sub: Option<&str>) -> Output {
        let events = sub.map_or_else(|| json!([]), |s| json!([event(s, (0, 1), json!({}))]));
        output("d", "x", json!({ "events": events }))
    }

    /// Hand-computed on paper: gold/pred pairs
    ///   armed_clash/armed_clash, armed_clash/grenade, grenade/grenade, none/arrests, none/none,
    ///   arrests/none.
    /// armed_clash: tp1 fn1 → F1 2/3; grenade: tp1 fp1 → 2/3; arrests: fp1 fn1 → 0.
    /// Macro over the three classes present = (2/3 + 2/3 + 0) / 3 = 4/9.
    /// Accuracy 3/6; none accuracy 1/2.
    #[test]
    fn macro_f1_recomputed_by_hand() {
        let pairs = [
            (Some("armed_clash"), Some("armed_clash")),
            (Some("armed_clash"), Some("grenade")),
            (Some("grenade"), Some("grenade")),
            (None, Some("arrests")),
            (None, None),
            (Some("arrests"), None),
        ];
        let gold: Vec<Snippet> = pairs.iter().enumerate().map(|(i, (g, _))| snippet(&i.to_string(), *g)).collect();
        let outs: Vec<Output> = pairs.iter().map(|(_, p)| predicted(*p)).collect();
        let mut errors = Errors::new(SET);
        let figs = score(&gold, &outs, &mut errors).figures();
        let get = |n: &str| figs.iter().find(|f| f.name == format!("{P}{n}")).unwrap().value.unwrap();
        assert!((get("subtype_macro_f1") - 4.0 / 9.0).abs() < 1e-12);
        assert!((get("subtype_accuracy") - 0.5).abs() < 1e-12);
        assert!((get("none_accuracy") - 0.5).abs() < 1e-12);
        assert_eq!(errors.records.len(), 3);
    }

    #[test]
    fn loads_the_dev_file_with_every_label_mapped() {
        let dir = sitrep_core::testdata::require_shared_data().join(SET);
        let gold = load(&dir).unwrap();
        assert!(gold.len() > 250, "{}", gold.len());
        assert!(gold.iter().any(|s| s.gold.is_none()));
        assert!(gold.iter().all(|s| !s.text.is_empty()));
    }
}
