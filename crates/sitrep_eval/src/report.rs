//! Printing results: the table for people, the JSON of METRICS.md, `eval/REPORT.md`, and the
//! thresholds ratchet (`eval/thresholds.toml`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{json, Map, Value};

use crate::{Figure, SetResult};

/// Figures where lower is better: their thresholds are ceilings, not floors.
#[must_use]
pub fn lower_is_better(name: &str) -> bool {
    name.ends_with("error_km") || name.ends_with(".auc") || name == "traps.false_event_rate" || name.ends_with(".ece")
}

fn num(v: Option<f64>) -> Value {
    v.filter(|x| x.is_finite()).map_or(Value::Null, |x| json!((x * 1e6).round() / 1e6))
}

fn metrics_into(map: &mut Map<String, Value>, figures: &[Figure]) {
    for f in figures {
        map.insert(f.name.clone(), num(f.value));
        map.insert(format!("{}.n", f.name), json!(f.n));
        map.insert(format!("{}.ci_low", f.name), num(f.ci_low));
        map.insert(format!("{}.ci_high", f.name), num(f.ci_high));
    }
}

/// METRICS.md's JSON: one set's object, or, for several, every set's metrics merged under
/// `"set": "all"`.
#[must_use]
pub fn json(results: &[SetResult]) -> Value {
    let mut metrics = Map::new();
    for r in results {
        metrics_into(&mut metrics, &r.figures);
    }
    let (set, documents) = match results {
        [one] => (one.set.clone(), one.documents),
        _ => ("all".to_owned(), results.iter().map(|r| r.documents).sum()),
    };
    json!({"set": set, "documents": documents, "metrics": Value::Object(metrics)})
}

fn fmt_value(name: &str, v: Option<f64>) -> String {
    match v {
        None => "—".to_owned(),
        Some(x) if name.ends_with("_km") => format!("{x:.0}"),
        Some(x) => format!("{x:.3}"),
    }
}

fn interval(f: &Figure) -> String {
    match (f.ci_low, f.ci_high) {
        (Some(lo), Some(hi)) => format!("[{}, {}]", fmt_value(&f.name, Some(lo)), fmt_value(&f.name, Some(hi))),
        _ => String::new(),
    }
}

/// The table people read: one line per figure with n and the 95% interval.
#[must_use]
pub fn table(results: &[SetResult]) -> String {
    let mut s = String::new();
    for r in results {
        let _ = writeln!(s, "{} ({} documents)", r.set, r.documents);
        for f in &r.figures {
            let _ = writeln!(s, "  {:<42} {:>8}  n={:<6} {}", f.name, fmt_value(&f.name, f.value), f.n, interval(f));
        }
        for n in &r.notes {
            let _ = writeln!(s, "  note: {n}");
        }
    }
    s
}

/// `eval/REPORT.md`: every figure per set, deterministic so a diff shows only what changed.
#[must_use]
pub fn markdown(results: &[SetResult], provenance: &sitrep_core::contract::Provenance) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# sitrep evaluation report\n");
    let _ = writeln!(
        s,
        "Regenerate with `sitrep eval all --report eval/REPORT.md` (release build). Rules: \
`../shared/contract/METRICS.md`; choices: `eval/SCORING.md`. Each figure has its n (gold items or \
documents) and a 95% bootstrap interval over documents (1,000 resamples, fixed seed). Fractions in \
0..1; errors in km; for `*_error_km`, `auc` and `traps.false_event_rate` lower is better.\n"
    );
    let _ = writeln!(s, "sitrep {} · gazetteer `{}` · lexicons `{}`\n", provenance.sitrep_version, provenance.gazetteer, provenance.lexicons);
    for r in results {
        let _ = writeln!(s, "## {} ({} documents)\n", r.set, r.documents);
        let _ = writeln!(s, "| figure | value | n | 95% interval |\n| --- | ---: | ---: | --- |");
        for f in &r.figures {
            let _ = writeln!(s, "| `{}` | {} | {} | {} |", f.name, fmt_value(&f.name, f.value), f.n, interval(f));
        }
        if !r.notes.is_empty() {
            let _ = writeln!(s);
            for n in &r.notes {
                let _ = writeln!(s, "- {n}");
            }
        }
        let _ = writeln!(s);
    }
    s
}

/// Floors (figure must stay at or above) and ceilings (must stay at or below).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Thresholds {
    pub floors: BTreeMap<String, f64>,
    pub ceilings: BTreeMap<String, f64>,
}

impl Thresholds {
    /// Parses `eval/thresholds.toml` (`[floors]` and `[ceilings]` tables of `"name" = value`).
    ///
    /// # Errors
    /// When the TOML is malformed or a value is not a number.
    pub fn parse(text: &str) -> Result<Self, String> {
        let v: toml::Value = text.parse::<toml::Table>().map(toml::Value::Table).map_err(|e| e.to_string())?;
        let table = |key: &str| -> Result<BTreeMap<String, f64>, String> {
            let mut m = BTreeMap::new();
            if let Some(t) = v.get(key).and_then(toml::Value::as_table) {
                for (k, x) in t {
                    let f = x.as_float().or_else(|| x.as_integer().map(|i| i as f64)).ok_or_else(|| format!("{key}.{k} is not a number"))?;
                    m.insert(k.clone(), f);
                }
            }
            Ok(m)
        };
        Ok(Self { floors: table("floors")?, ceilings: table("ceilings")? })
    }

    /// Every figure below its floor or above its ceiling (or no longer measured), one message each.
    #[must_use]
    pub fn check(&self, results: &[SetResult]) -> Vec<String> {
        let figures: BTreeMap<&str, &Figure> = results.iter().flat_map(|r| &r.figures).map(|f| (f.name.as_str(), f)).collect();
        let sets: Vec<&str> = results.iter().map(|r| r.set.as_str()).collect();
        let mut bad = Vec::new();
        let in_run = |name: &str| figures.contains_key(name) || sets.iter().any(|s| set_of(name) == *s);
        for (name, floor) in &self.floors {
            match figures.get(name.as_str()).and_then(|f| f.value) {
                Some(v) if v + 1e-9 >= *floor => {}
                Some(v) => bad.push(format!("{name} = {v:.4} is below its floor {floor:.4}")),
                None if in_run(name) => bad.push(format!("{name} was not measured (floor {floor:.4})")),
                None => {}
            }
        }
        for (name, ceiling) in &self.ceilings {
            match figures.get(name.as_str()).and_then(|f| f.value) {
                Some(v) if v <= *ceiling + 1e-9 => {}
                Some(v) => bad.push(format!("{name} = {v:.4} is above its ceiling {ceiling:.4}")),
                None if in_run(name) => bad.push(format!("{name} was not measured (ceiling {ceiling:.4})")),
                None => {}
            }
        }
        bad
    }

    /// Raises floors to the new lower interval bounds (and lowers ceilings to the upper bounds)
    /// where that is stricter; never loosens. A floor is set once a figure's lower bound is
    /// above 0, a ceiling once its upper bound is below the worst value. When every resample
    /// gives the same figure (e.g. no trap fired), the bootstrap interval is a point; the bound
    /// then is the rule of three, 3/n beyond the figure (the 95% bound for zero events in n).
    pub fn ratchet(&mut self, results: &[SetResult]) {
        for f in results.iter().flat_map(|r| &r.figures) {
            let (Some(v), Some(mut lo), Some(mut hi)) = (f.value, f.ci_low, f.ci_high) else { continue };
            if (hi - lo).abs() < 1e-12 && f.n > 0 {
                let margin = 3.0 / f.n as f64;
                lo = (v - margin).max(0.0);
                hi = v + margin;
            }
            if lower_is_better(&f.name) {
                let worst = if f.name.ends_with("_km") { crate::stats::MAX_ERROR_KM } else { 1.0 };
                if hi < worst {
                    let e = self.ceilings.entry(f.name.clone()).or_insert_with(|| round_up(hi));
                    *e = e.min(round_up(hi));
                }
            } else if lo > 0.0 {
                let e = self.floors.entry(f.name.clone()).or_insert_with(|| round_down(lo));
                *e = e.max(round_down(lo));
            }
        }
    }

    /// The TOML text, with a header saying what it is.
    #[must_use]
    pub fn to_toml(&self) -> String {
        let mut s = String::from(
            "# sitrep accuracy ratchet, checked by CI: `sitrep eval all --check eval/thresholds.toml`.\n\
# A floor is the lower end of a figure's 95% interval when first measured; a ceiling (for figures\n\
# where lower is better) the upper end. They only tighten: `sitrep eval all --ratchet eval/thresholds.toml`\n\
# raises floors and lowers ceilings to the latest intervals, never the other way. A figure below its\n\
# floor (above its ceiling) makes `--check` exit 3 and name it.\n\n[floors]\n",
        );
        for (k, v) in &self.floors {
            let _ = writeln!(s, "\"{k}\" = {v}");
        }
        s.push_str("\n[ceilings]\n");
        for (k, v) in &self.ceilings {
            let _ = writeln!(s, "\"{k}\" = {v}");
        }
        s
    }
}

fn round_down(x: f64) -> f64 {
    (x * 1e4).floor() / 1e4
}

fn round_up(x: f64) -> f64 {
    (x * 1e4).ceil() / 1e4
}

/// The set a metric name belongs to (by its prefix).
#[must_use]
pub fn set_of(metric: &str) -> &'static str {
    match metric.split('.').next().unwrap_or("") {
        "lgl" | "geowebnews" | "trnews" => "geoparsing",
        "event_location" => "event_location",
        "isaf" => "isaf_press_releases",
        "muc4" => "muc4",
        "case2021" => "case2021_task2",
        "wikievents" => "wikievents",
        "re3d" | "gmb" => "ner",
        "india_police" => "india_police_events",
        "plover" => "plover_gsr",
        "polnear" => "polnear",
        "article_extraction" => "article_extraction",
        "traps" => "traps",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Tally;
    use crate::Errors;

    fn result(name: &str, hits: &[bool]) -> SetResult {
        let mut t = Tally::new(hits.len());
        for (d, h) in hits.iter().enumerate() {
            t.hit(d, name, *h);
        }
        SetResult::new("case2021_task2", &t, Errors::new("case2021_task2"), Vec::new())
    }

    #[test]
    fn json_has_value_n_and_interval_per_metric() {
        let v = json(&[result("case2021.subtype_accuracy", &[true, false, true, true])]);
        assert_eq!(v["set"], "case2021_task2");
        assert_eq!(v["documents"], 4);
        assert_eq!(v["metrics"]["case2021.subtype_accuracy"], 0.75);
        assert_eq!(v["metrics"]["case2021.subtype_accuracy.n"], 4);
        assert!(v["metrics"]["case2021.subtype_accuracy.ci_low"].as_f64().unwrap() <= 0.75);
    }

    #[test]
    fn check_names_every_figure_below_its_floor_and_ratchet_only_tightens() {
        let r = [result("case2021.subtype_accuracy", &[true, false, true, true])];
        let mut th = Thresholds::parse("[floors]\n\"case2021.subtype_accuracy\" = 0.8\n").unwrap();
        let bad = th.check(&r);
        assert_eq!(bad.len(), 1);
        assert!(bad[0].contains("case2021.subtype_accuracy") && bad[0].contains("below"));
        th.ratchet(&r);
        assert_eq!(th.floors["case2021.subtype_accuracy"], 0.8, "a floor never falls");
        let mut fresh = Thresholds::default();
        fresh.ratchet(&r);
        let floor = fresh.floors["case2021.subtype_accuracy"];
        assert!(floor > 0.0 && floor <= 0.75);
        assert!(fresh.check(&r).is_empty());
        assert_eq!(Thresholds::parse(&fresh.to_toml()).unwrap(), fresh);
    }

    #[test]
    fn every_metric_prefix_maps_to_a_set() {
        for m in ["lgl.auc", "isaf.date_exact", "gmb.entity_f1", "traps.false_event_rate", "plover.event_f1"] {
            assert!(crate::SETS.contains(&set_of(m)), "{m}");
        }
    }
}
