//! The shared [`Filter`] rendered for PostgreSQL: the same conditions as `Filter::to_sql` (SQLite)
//! with `$n` parameters; the bounding box through the PostGIS GiST index when the store has one.

use postgres::types::ToSql;
use sitrep_store::filter::like;
use sitrep_store::Filter;

/// A bound parameter.
pub type Param = Box<dyn ToSql + Sync + Send>;

/// The conditions (each starting with ` AND `) over `stored_events`, and their parameters.
#[must_use]
pub fn to_sql(f: &Filter, spatial: bool) -> (String, Vec<Param>) {
    let mut sql = String::new();
    let mut args: Vec<Param> = Vec::new();
    // `cond` holds `?` marks, numbered here in order.
    let mut push = |cond: &str, vals: Vec<Param>| {
        sql.push_str(" AND ");
        let mut k = args.len();
        for (i, part) in cond.split('?').enumerate() {
            if i > 0 {
                k += 1;
                sql.push_str(&format!("${k}"));
            }
            sql.push_str(part);
        }
        args.extend(vals);
    };
    if !f.countries.is_empty() {
        push("country = ANY(?)", vec![Box::new(f.countries.clone())]);
    }
    if let Some(a) = &f.admin1 {
        push("lower(admin1) = lower(?)", vec![Box::new(a.clone())]);
    }
    if let Some([w, s, e, n]) = f.bbox {
        if spatial {
            // The index finds the box's points; the degree ranges below keep SQLite's exact edges.
            if w <= e {
                push("geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)", vec![Box::new(w), Box::new(s), Box::new(e), Box::new(n)]);
            } else {
                push(
                    "(geom && ST_MakeEnvelope(?, ?, 180, ?, 4326) OR geom && ST_MakeEnvelope(-180, ?, ?, ?, 4326))",
                    vec![Box::new(w), Box::new(s), Box::new(n), Box::new(s), Box::new(e), Box::new(n)],
                );
            }
        }
        push("lat BETWEEN ? AND ?", vec![Box::new(s), Box::new(n)]);
        if w <= e {
            push("lon BETWEEN ? AND ?", vec![Box::new(w), Box::new(e)]);
        } else {
            push("(lon >= ? OR lon <= ?)", vec![Box::new(w), Box::new(e)]);
        }
    }
    if let Some(d) = f.date_from {
        push(r#"COALESCE(date_end, date_start) COLLATE "C" >= ?"#, vec![Box::new(d.to_string())]);
    }
    if let Some(d) = f.date_to {
        push(r#"date_start COLLATE "C" <= ?"#, vec![Box::new(d.to_string())]);
    }
    if let Some(t) = &f.event_type {
        push("event_type = ?", vec![Box::new(t.clone())]);
    }
    if let Some(t) = &f.sub_event_type {
        push("sub_event_type = ?", vec![Box::new(t.clone())]);
    }
    if let Some(a) = &f.actor {
        push(r"search_text LIKE ? ESCAPE '\'", vec![Box::new(like(a))]);
    }
    for t in &f.text {
        push(r"search_text LIKE ? ESCAPE '\'", vec![Box::new(like(t))]);
    }
    if let Some(c) = f.contested {
        push("contested = ?", vec![Box::new(c)]);
    }
    if let Some(n) = f.min_fatalities {
        push("COALESCE(fatalities_best, fatalities_low, 0) >= ?", vec![Box::new(n as i64)]);
    }
    if let Some(c) = f.min_confidence {
        push("COALESCE(confidence, 0) >= ?", vec![Box::new(c)]);
    }
    (sql, args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_numbered_in_order_and_values_stay_parameters() {
        let f = Filter::parse(r#"country:SY,IQ admin1:Nineveh bbox:170,-10,-170,10 date:2026-03-01..2026-03-31 "x' OR 1=1" fatalities>=5"#).unwrap();
        let (sql, args) = to_sql(&f, true);
        let marks: Vec<usize> = sql.match_indices('$').map(|(i, _)| sql[i + 1..].chars().take_while(char::is_ascii_digit).collect::<String>().parse().unwrap()).collect();
        assert_eq!(marks, (1..=args.len()).collect::<Vec<_>>(), "{sql}");
        assert!(!sql.contains("Nineveh") && !sql.contains("OR 1=1"), "{sql}");
        assert!(sql.contains("geom &&"), "{sql}");
        let (plain, plain_args) = to_sql(&f, false);
        assert!(!plain.contains("geom"));
        assert_eq!(plain_args.len() + 6, args.len());
    }
}
