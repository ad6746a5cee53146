//! Resolving a raw expression against the publication date.
//!
//! Rules (each has a golden test in `tests/golden.rs`):
//! - No reference date: only expressions that carry their own year resolve; everything relative
//!   stays `Unknown`. Nothing is ever resolved against the clock.
//! - A weekday is the most recent such day on or before publication (a Monday paper's "Friday"
//!   is three days earlier; the publication weekday itself is that day); "last Monday" is strictly
//!   before; future tense or "next" takes the next such day (on or after, strictly after for "next").
//! - A date without a year is the most recent such date not after publication (one day of grace
//!   for time-zone skew between a wire's local date and the metadata); in the future tense, the
//!   next one on or after publication. A bare month likewise ("last November": strictly before the
//!   publication month).
//! - Ranges in the past are anchored at their end and the start is read back from it ("between
//!   Monday and Wednesday"); in the future, anchored at the start.
//! - Calendar periods that contain publication ("this week", "this month") are clipped to it.
//! - A reference known only to the month (a release number "2011-07-…") resolves every relative
//!   expression to that month, with precision `month`.

use jiff::civil::{Date, Weekday};
use jiff::ToSpan;
use sitrep_core::{DatePrecision, DateRange};

use crate::lexicon::{RelKind, Unit};
use crate::scan::{Point, RawExpr};

/// What relative expressions are resolved against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference {
    Day(Date),
    /// Only the month is known.
    Month { year: i16, month: i8 },
    None,
}

fn range(start: Date, end: Date, precision: DatePrecision) -> DateRange {
    DateRange { start: Some(start), end: Some(end), precision }
}

fn add_days(d: Date, n: i32) -> Option<Date> {
    d.checked_add(i64::from(n).days()).ok()
}

fn month_range(year: i16, month: i8) -> Option<DateRange> {
    let first = Date::new(year, month, 1).ok()?;
    Some(range(first, first.last_of_month(), DatePrecision::Month))
}

fn year_range(year: i16) -> Option<DateRange> {
    Some(range(Date::new(year, 1, 1).ok()?, Date::new(year, 12, 31).ok()?, DatePrecision::Year))
}

fn week_of(d: Date) -> (Date, Date) {
    let monday = add_days(d, -i32::from(d.weekday().to_monday_zero_offset())).unwrap_or(d);
    (monday, add_days(monday, 6).unwrap_or(monday))
}

fn clip_end(mut r: DateRange, p: Date) -> DateRange {
    if r.end.is_some_and(|e| e > p) && r.start.is_some_and(|s| s <= p) {
        r.end = Some(p);
    }
    r
}

/// The precision a span of `days` days back from publication is honestly given.
fn precision_for_days(days: i32) -> DatePrecision {
    match days {
        ..=1 => DatePrecision::Day,
        2..=7 => DatePrecision::Week,
        8..=62 => DatePrecision::Month,
        _ => DatePrecision::Year,
    }
}

fn unit_days(n: i32, unit: Unit) -> i32 {
    match unit {
        Unit::Hour => (n + 23) / 24,
        Unit::Day => n,
        Unit::Week => n * 7,
        Unit::Month => n * 30,
        Unit::Year => n * 365,
    }
}

/// Days back from `p` to the most recent `weekday` (0 when `p` is that weekday).
fn days_back_to(p: Date, weekday: Weekday) -> i32 {
    i32::from((p.weekday().to_monday_zero_offset() - weekday.to_monday_zero_offset()).rem_euclid(7))
}

/// Resolves one point. `future` flips the direction in which a yearless date or a weekday is
/// sought; `previous_day` is the nearest earlier day-precision expression, for anaphora.
#[must_use]
pub fn resolve_point(point: Point, reference: Reference, future: bool, previous_day: Option<Date>) -> DateRange {
    resolve_point_opt(point, reference, future, previous_day).unwrap_or_else(DateRange::unknown)
}

fn resolve_point_opt(point: Point, reference: Reference, future: bool, previous_day: Option<Date>) -> Option<DateRange> {
    // Absolute expressions need no reference.
    match point {
        Point::Date { year: Some(y), month, day } => return Some(DateRange::day(Date::new(y, month, day).ok()?)),
        Point::Month { year: Some(y), month, .. } => return month_range(y, month),
        Point::Year(y) => return year_range(y),
        Point::Relative { kind: RelKind::Anaphor, offset } => return Some(DateRange::day(add_days(previous_day?, offset)?)),
        Point::Shift { n, unit } => {
            let base = previous_day?;
            return match unit {
                Unit::Hour | Unit::Day => Some(DateRange::day(add_days(base, unit_days(n, unit))?)),
                Unit::Week => {
                    let (s, e) = week_of(add_days(base, n * 7)?);
                    Some(range(s, e, DatePrecision::Week))
                }
                Unit::Month => {
                    let d = base.checked_add(n.months()).ok()?;
                    month_range(d.year(), d.month())
                }
                Unit::Year => year_range(base.year() + i16::try_from(n).ok()?),
            };
        }
        _ => {}
    }
    let p = match reference {
        Reference::Day(p) => p,
        Reference::Month { year, month } => {
            // Known only to the month: a yearless date or month of that year keeps its own
            // precision; everything relative becomes the reference month.
            return match point {
                Point::Date { month: m, day, .. } => {
                    let y = if m > month && !future { year - 1 } else { year };
                    Some(DateRange::day(Date::new(y, m, day).ok()?))
                }
                Point::Month { month: m, .. } => month_range(if m > month && !future { year - 1 } else { year }, m),
                Point::MonthOfYear { month: m, year_offset } => month_range(year + i16::from(year_offset), m),
                _ => month_range(year, month),
            };
        }
        Reference::None => return None,
    };
    Some(match point {
        Point::Date { month, day, .. } => {
            let this_year = Date::new(p.year(), month, day).ok();
            let date = if future {
                match this_year {
                    Some(d) if d >= p => d,
                    _ => Date::new(p.year() + 1, month, day).ok()?,
                }
            } else {
                match this_year {
                    Some(d) if d <= add_days(p, 1)? => d,
                    _ => Date::new(p.year() - 1, month, day).ok()?,
                }
            };
            DateRange::day(date)
        }
        Point::Month { month, shift, .. } => {
            let year = if shift > 0 || (future && shift == 0) {
                if month > p.month() || (month == p.month() && shift == 0) { p.year() } else { p.year() + 1 }
            } else if shift < 0 {
                if month < p.month() { p.year() } else { p.year() - 1 }
            } else if month <= p.month() {
                p.year()
            } else {
                p.year() - 1
            };
            let r = month_range(year, month)?;
            if future { r } else { clip_end(r, p) }
        }
        Point::MonthOfYear { month, year_offset } => month_range(p.year() + i16::from(year_offset), month)?,
        Point::Weekday { weekday, shift } => {
            let date = if shift > 0 || future {
                let mut k = (7 - days_back_to(p, weekday)) % 7;
                if k == 0 && shift > 0 {
                    k = 7;
                }
                add_days(p, k)?
            } else {
                let mut k = days_back_to(p, weekday);
                if k == 0 && shift < 0 {
                    k = 7;
                }
                add_days(p, -k)?
            };
            DateRange::day(date)
        }
        Point::Relative { kind, offset } => match kind {
            RelKind::Day | RelKind::WeakDay => DateRange::day(add_days(p, offset)?),
            RelKind::Week => {
                let (s, e) = week_of(add_days(p, offset * 7)?);
                clip_end(range(s, e, DatePrecision::Week), p)
            }
            RelKind::WeekEarlier => {
                let (monday, _) = week_of(p);
                range(monday, add_days(p, -1)?.max(monday), DatePrecision::Week)
            }
            RelKind::Month => {
                let d = p.checked_add(offset.months()).ok()?;
                clip_end(month_range(d.year(), d.month())?, p)
            }
            RelKind::Year => clip_end(year_range(p.year() + i16::try_from(offset).ok()?)?, p),
            RelKind::Back => range(add_days(p, -offset)?, p, precision_for_days(offset)),
            RelKind::Anaphor => return None,
        },
        Point::Ago { n, unit, vague } => {
            if vague {
                // "several days ago": somewhere between two and twice the number of units back.
                let lo = unit_days(2 * n, unit);
                let hi = unit_days(2, unit).min(lo);
                return Some(range(add_days(p, -lo)?, add_days(p, -hi)?, precision_for_days(lo - hi + 1)));
            }
            match unit {
                Unit::Hour | Unit::Day => DateRange::day(add_days(p, -unit_days(n, unit))?),
                Unit::Week => {
                    let (s, e) = week_of(add_days(p, -7 * n)?);
                    range(s, e, DatePrecision::Week)
                }
                Unit::Month => {
                    let d = p.checked_sub(n.months()).ok()?;
                    month_range(d.year(), d.month())?
                }
                Unit::Year => year_range(p.year() - i16::try_from(n).ok()?)?,
            }
        }
        Point::Back { n, unit, vague } => {
            let days = unit_days(if vague { 2 * n } else { n }, unit).max(1);
            let precision = match unit {
                Unit::Hour | Unit::Day if days <= 1 => DatePrecision::Day,
                _ => precision_for_days(days).max_by_unit(unit),
            };
            range(add_days(p, -days)?, p, precision)
        }
        Point::Year(_) | Point::Shift { .. } => return None,
    })
}

trait MaxByUnit {
    fn max_by_unit(self, unit: Unit) -> Self;
}

impl MaxByUnit for DatePrecision {
    /// "the past two weeks" is never finer than a week, "the past year" never finer than a year.
    fn max_by_unit(self, unit: Unit) -> Self {
        let rank = |p: DatePrecision| match p {
            DatePrecision::Day => 0,
            DatePrecision::Week => 1,
            DatePrecision::Month => 2,
            DatePrecision::Year | DatePrecision::Unknown => 3,
        };
        let floor = match unit {
            Unit::Hour | Unit::Day => DatePrecision::Day,
            Unit::Week => DatePrecision::Week,
            Unit::Month => DatePrecision::Month,
            Unit::Year => DatePrecision::Year,
        };
        if rank(floor) > rank(self) { floor } else { self }
    }
}

fn is_calendar_point(p: Point) -> bool {
    matches!(p, Point::Weekday { .. } | Point::Date { year: None, .. } | Point::Month { year: None, .. })
}

fn finer(a: DatePrecision, b: DatePrecision) -> DatePrecision {
    let rank = |p: DatePrecision| match p {
        DatePrecision::Day => 0,
        DatePrecision::Week => 1,
        DatePrecision::Month => 2,
        DatePrecision::Year => 3,
        DatePrecision::Unknown => 4,
    };
    if rank(a) <= rank(b) { a } else { b }
}

/// Resolves a whole expression: a point, a range, or "since X".
#[must_use]
pub fn resolve(expr: &RawExpr, reference: Reference, previous_day: Option<Date>) -> DateRange {
    let Some(last) = expr.last else {
        let r = resolve_point(expr.first, reference, expr.future, previous_day);
        if expr.since {
            if let (Some(start), Reference::Day(p)) = (r.start, reference) {
                return range(start, p.max(start), r.precision);
            }
        }
        return r;
    };
    let (first_r, last_r) = if expr.future {
        let first_r = resolve_point(expr.first, reference, true, previous_day);
        let second_ref = match (first_r.start, is_calendar_point(last)) {
            (Some(s), true) => Reference::Day(s),
            _ => reference,
        };
        (first_r, resolve_point(last, second_ref, true, previous_day))
    } else {
        let last_r = resolve_point(last, reference, false, previous_day);
        let first_ref = match (last_r.end, is_calendar_point(expr.first)) {
            (Some(e), true) => Reference::Day(e),
            _ => reference,
        };
        // A range's start may share its end's year only when it carries none of its own.
        let first_r = match (expr.first, last) {
            (Point::Date { year: None, month, day }, Point::Date { year: Some(y), .. }) => {
                resolve_point(Point::Date { year: Some(y), month, day }, reference, false, previous_day)
            }
            _ => resolve_point(expr.first, first_ref, false, previous_day),
        };
        (first_r, last_r)
    };
    match (first_r.start, last_r.end) {
        (Some(s), Some(e)) if s <= e => range(s, e, finer(first_r.precision, last_r.precision)),
        _ => first_r,
    }
}
