//! One filter type and one parser, shared by `sitrep events`, `sitrep export`, the API and watch
//! lists. Every value reaches SQL as a bound parameter, never as SQL text.
//!
//! Syntax: space-separated terms, values with spaces in double quotes.
//! `country:SY,IQ` `admin1:Nineveh` `bbox:W,S,E,N` (lon/lat degrees) `date:2026-03-01..2026-03-31`
//! (or one day, or `from:`/`to:`) `type:battles` `subtype:air_drone_strike` `actor:"Islamic State"`
//! `contested` (or `contested:no`) `fatalities>=5` `confidence>=0.8`; any other word is free
//! text, matched against notes, places, actors and outlets.

use rusqlite::types::Value as SqlValue;
use sitrep_core::Date;

/// What a query asks for; empty fields do not restrict.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    pub countries: Vec<String>,
    pub admin1: Option<String>,
    /// West, south, east, north.
    pub bbox: Option<[f64; 4]>,
    pub date_from: Option<Date>,
    pub date_to: Option<Date>,
    pub event_type: Option<String>,
    pub sub_event_type: Option<String>,
    pub actor: Option<String>,
    pub contested: Option<bool>,
    pub min_fatalities: Option<u64>,
    pub min_confidence: Option<f64>,
    pub text: Vec<String>,
}

/// A filter term that could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("filter term {term:?}: {why} (terms look like country:SY date:2026-03-01..2026-03-31 type:battles fatalities>=5)")]
pub struct FilterError {
    pub term: String,
    pub why: String,
}

const EVENT_TYPES: &[&str] =
    &["battles", "explosions_remote_violence", "violence_against_civilians", "protests", "riots", "strategic_developments"];

fn split_terms(s: &str) -> Vec<String> {
    let mut terms = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    terms.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        terms.push(cur);
    }
    terms
}

fn date(term: &str, s: &str) -> Result<Date, FilterError> {
    s.parse::<Date>().map_err(|_| FilterError { term: term.to_owned(), why: format!("{s:?} is not a date (YYYY-MM-DD)") })
}

impl Filter {
    /// Parses the filter syntax described in the module docs.
    ///
    /// # Errors
    /// The first term that is malformed, with what is wrong with it.
    pub fn parse(s: &str) -> Result<Self, FilterError> {
        let mut f = Self::default();
        for term in split_terms(s) {
            let bad = |why: &str| FilterError { term: term.clone(), why: why.to_owned() };
            if let Some(n) = term.strip_prefix("fatalities>=") {
                f.min_fatalities = Some(n.parse().map_err(|_| bad("expected a whole number"))?);
                continue;
            }
            if let Some(n) = term.strip_prefix("confidence>=") {
                let c: f64 = n.parse().map_err(|_| bad("expected a number between 0 and 1"))?;
                if !(0.0..=1.0).contains(&c) {
                    return Err(bad("expected a number between 0 and 1"));
                }
                f.min_confidence = Some(c);
                continue;
            }
            if term == "contested" {
                f.contested = Some(true);
                continue;
            }
            let Some((key, value)) = term.split_once(':') else {
                f.text.push(term.to_lowercase());
                continue;
            };
            match key {
                "country" => {
                    for c in value.split(',') {
                        if c.len() != 2 || !c.chars().all(|c| c.is_ascii_alphabetic()) {
                            return Err(bad("countries are ISO 3166-1 alpha-2 codes, e.g. SY or CD"));
                        }
                        f.countries.push(c.to_ascii_uppercase());
                    }
                }
                "admin1" => f.admin1 = Some(value.to_owned()),
                "bbox" => {
                    let v: Vec<f64> = value.split(',').map(str::parse).collect::<Result<_, _>>().map_err(|_| bad("expected W,S,E,N numbers"))?;
                    let [w, s, e, n] = v[..] else { return Err(bad("expected four numbers W,S,E,N")) };
                    if s > n || !(-180.0..=180.0).contains(&w) || !(-180.0..=180.0).contains(&e) || !(-90.0..=90.0).contains(&s) || !(-90.0..=90.0).contains(&n) {
                        return Err(bad("expected W,S,E,N in degrees with south ≤ north"));
                    }
                    f.bbox = Some([w, s, e, n]);
                }
                "date" => match value.split_once("..") {
                    Some((a, b)) => {
                        f.date_from = if a.is_empty() { None } else { Some(date(&term, a)?) };
                        f.date_to = if b.is_empty() { None } else { Some(date(&term, b)?) };
                    }
                    None => {
                        let d = date(&term, value)?;
                        f.date_from = Some(d);
                        f.date_to = Some(d);
                    }
                },
                "from" => f.date_from = Some(date(&term, value)?),
                "to" => f.date_to = Some(date(&term, value)?),
                "type" => {
                    if !EVENT_TYPES.contains(&value) {
                        return Err(bad(&format!("event types are {}", EVENT_TYPES.join(", "))));
                    }
                    f.event_type = Some(value.to_owned());
                }
                "subtype" | "sub_event_type" => f.sub_event_type = Some(value.to_owned()),
                "actor" => f.actor = Some(value.to_lowercase()),
                "contested" => {
                    f.contested = Some(match value {
                        "yes" | "true" => true,
                        "no" | "false" => false,
                        _ => return Err(bad("expected contested, contested:yes or contested:no")),
                    });
                }
                "text" => f.text.push(value.to_lowercase()),
                _ => return Err(bad("unknown key; keys are country, admin1, bbox, date, from, to, type, subtype, actor, contested, text")),
            }
        }
        if let (Some(a), Some(b)) = (f.date_from, f.date_to) {
            if a > b {
                return Err(FilterError { term: s.to_owned(), why: "the date range ends before it starts".to_owned() });
            }
        }
        Ok(f)
    }

    /// The SQL conditions (each starting with ` AND `) over `stored_events`, and their parameters.
    #[must_use]
    pub fn to_sql(&self) -> (String, Vec<SqlValue>) {
        let mut sql = String::new();
        let mut args: Vec<SqlValue> = Vec::new();
        let mut push = |cond: &str, vals: Vec<SqlValue>, sql: &mut String| {
            sql.push_str(" AND ");
            sql.push_str(cond);
            args.extend(vals);
        };
        if !self.countries.is_empty() {
            let marks = vec!["?"; self.countries.len()].join(", ");
            push(&format!("country IN ({marks})"), self.countries.iter().map(|c| SqlValue::Text(c.clone())).collect(), &mut sql);
        }
        if let Some(a) = &self.admin1 {
            push("admin1 = ? COLLATE NOCASE", vec![SqlValue::Text(a.clone())], &mut sql);
        }
        if let Some([w, s, e, n]) = self.bbox {
            push("lat BETWEEN ? AND ?", vec![SqlValue::Real(s), SqlValue::Real(n)], &mut sql);
            if w <= e {
                push("lon BETWEEN ? AND ?", vec![SqlValue::Real(w), SqlValue::Real(e)], &mut sql);
            } else {
                // A box across the antimeridian.
                push("(lon >= ? OR lon <= ?)", vec![SqlValue::Real(w), SqlValue::Real(e)], &mut sql);
            }
        }
        if let Some(d) = self.date_from {
            push("COALESCE(date_end, date_start) >= ?", vec![SqlValue::Text(d.to_string())], &mut sql);
        }
        if let Some(d) = self.date_to {
            push("date_start <= ?", vec![SqlValue::Text(d.to_string())], &mut sql);
        }
        if let Some(t) = &self.event_type {
            push("event_type = ?", vec![SqlValue::Text(t.clone())], &mut sql);
        }
        if let Some(t) = &self.sub_event_type {
            push("sub_event_type = ?", vec![SqlValue::Text(t.clone())], &mut sql);
        }
        if let Some(a) = &self.actor {
            push("search_text LIKE ? ESCAPE '\\'", vec![SqlValue::Text(like(a))], &mut sql);
        }
        for t in &self.text {
            push("search_text LIKE ? ESCAPE '\\'", vec![SqlValue::Text(like(t))], &mut sql);
        }
        if let Some(c) = self.contested {
            push("contested = ?", vec![SqlValue::Integer(i64::from(c))], &mut sql);
        }
        if let Some(n) = self.min_fatalities {
            push("COALESCE(fatalities_best, fatalities_low, 0) >= ?", vec![SqlValue::Integer(n as i64)], &mut sql);
        }
        if let Some(c) = self.min_confidence {
            push("COALESCE(confidence, 0) >= ?", vec![SqlValue::Real(c)], &mut sql);
        }
        (sql, args)
    }
}

/// A `LIKE … ESCAPE '\'` pattern matching `s` anywhere, its wildcards escaped.
#[must_use]
pub fn like(s: &str) -> String {
    let escaped: String = s.chars().flat_map(|c| if matches!(c, '%' | '_' | '\\') { vec!['\\', c] } else { vec![c] }).collect();
    format!("%{escaped}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_parses_into_its_field() {
        let f = Filter::parse(
            r#"country:sy,IQ admin1:Nineveh bbox:35,30,45,38 date:2026-03-01..2026-03-31 type:battles subtype:armed_clash actor:"Islamic State" contested fatalities>=5 confidence>=0.8 market"#,
        )
        .unwrap();
        assert_eq!(f.countries, vec!["SY", "IQ"]);
        assert_eq!(f.admin1.as_deref(), Some("Nineveh"));
        assert_eq!(f.bbox, Some([35.0, 30.0, 45.0, 38.0]));
        assert_eq!(f.date_from.unwrap().to_string(), "2026-03-01");
        assert_eq!(f.date_to.unwrap().to_string(), "2026-03-31");
        assert_eq!(f.event_type.as_deref(), Some("battles"));
        assert_eq!(f.sub_event_type.as_deref(), Some("armed_clash"));
        assert_eq!(f.actor.as_deref(), Some("islamic state"));
        assert_eq!(f.contested, Some(true));
        assert_eq!(f.min_fatalities, Some(5));
        assert_eq!(f.min_confidence, Some(0.8));
        assert_eq!(f.text, vec!["market"]);
        let (sql, args) = f.to_sql();
        assert_eq!(sql.matches('?').count(), args.len());
        assert!(!sql.contains("Nineveh") && !sql.contains("market"), "values must be parameters: {sql}");
    }

    #[test]
    fn malformed_terms_are_errors_that_name_the_term() {
        for bad in ["country:Syria", "date:2026-13-01", "type:war", "fatalities>=many", "bbox:1,2,3", "confidence>=2", "colour:red", "date:2026-03-05..2026-03-01"] {
            assert!(Filter::parse(bad).is_err(), "{bad} should not parse");
        }
        let err = Filter::parse("type:war").unwrap_err();
        assert_eq!(err.term, "type:war");
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like("50%_off"), "%50\\%\\_off%");
    }
}
