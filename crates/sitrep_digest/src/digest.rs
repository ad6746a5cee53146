//! A digest run: compose each subscriber's message for the period into the outbox (once: the
//! outbox row and the cursor move in one transaction, keyed by (subscriber, period)), then
//! deliver every due message. A message's bytes are fixed when it is composed, so a retry after
//! a 4xx, a dropped connection or a killed run resends the same message with the same
//! `Message-ID`; nothing ever composes a second message for the same (subscriber, period).

use std::collections::{BTreeSet, HashMap};

use jiff::{SignedDuration, Timestamp};
use lettre::address::Envelope;
use lettre::message::dkim::DkimConfig;
use lettre::message::Mailbox;
use serde_json::Value;

use crate::compose::{self, DigestMessage, ListView};
use crate::db::vals;
use crate::send::{Mailer, SendError};
use crate::subscribers::{ts, Newsletter, Pending, WatchList};
use crate::Error;

/// How often a subscriber hears from a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Daily,
    Weekly,
    /// Alerts for lists with a severity threshold, as soon as a run finds a qualifying event.
    Immediate,
}

impl Period {
    /// The name used in keys, subjects and the CLI.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Daily => "daily",
            Self::Weekly => "weekly",
            Self::Immediate => "immediate",
        }
    }

    /// How far back a subscriber's first digest of this period looks.
    fn first_window(self) -> SignedDuration {
        match self {
            Self::Daily | Self::Immediate => SignedDuration::from_hours(24),
            Self::Weekly => SignedDuration::from_hours(24 * 7),
        }
    }
}

/// The period a run at `now` belongs to (UTC): `daily:2026-11-26`, `weekly:2026-W48`, or for
/// `immediate` the run's own second, `immediate:20261126T064130Z`.
#[must_use]
pub fn period_key(period: Period, now: Timestamp) -> String {
    let day = jiff::tz::Offset::UTC.to_datetime(now).date();
    match period {
        Period::Daily => format!("daily:{day}"),
        Period::Weekly => {
            let w = day.iso_week_date();
            format!("weekly:{:04}-W{:02}", w.year(), w.week())
        }
        Period::Immediate => format!("immediate:{}", now.strftime("%Y%m%dT%H%M%SZ")),
    }
}

/// How a run is done.
pub struct DigestOptions {
    pub period: Period,
    /// Where the web page is served (no trailing slash needed); every link is built on it.
    pub base_url: String,
    pub from: Mailbox,
    pub now: Timestamp,
    /// Compose and return the messages without writing or sending anything.
    pub dry_run: bool,
    /// Events per message; the rest are counted ("and N more").
    pub max_events: usize,
    pub dkim: Option<DkimConfig>,
    pub unsubscribe_mailto: Option<String>,
}

impl DigestOptions {
    /// Defaults for the rest: 40 events per message, no DKIM, no mailto.
    ///
    /// # Errors
    /// A base URL that is not http(s).
    pub fn new(period: Period, base_url: &str, from: Mailbox, now: Timestamp) -> Result<Self, Error> {
        Ok(Self { period, base_url: check_base_url(base_url)?, from, now, dry_run: false, max_events: 40, dkim: None, unsubscribe_mailto: None })
    }
}

/// Checks and normalises a base URL (no trailing slash).
///
/// # Errors
/// Anything that is not an absolute http(s) URL with a host.
pub fn check_base_url(url: &str) -> Result<String, Error> {
    let u = url.trim().trim_end_matches('/');
    let lower = u.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.starts_with('/') && !u.contains(['"', '<', '>', ' ', '#']) => Ok(u.to_owned()),
        _ => Err(Error::BadBaseUrl(url.to_owned())),
    }
}

/// What a run did.
#[derive(Debug, Default, Clone)]
pub struct DigestReport {
    pub period: String,
    /// Active subscribers considered.
    pub subscribers: usize,
    pub composed: usize,
    /// Subscribers with nothing new this period (no message).
    pub nothing_new: usize,
    /// Subscribers whose message for this period already existed (an earlier or interrupted run).
    pub already_composed: usize,
    pub delivery: Delivery,
    /// Dry run: (recipient, the message as it would be sent).
    pub previews: Vec<(String, Vec<u8>)>,
}

/// What delivering the due messages did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub sent: usize,
    /// Left queued for a later attempt (4xx, connection refused or dropped).
    pub deferred: usize,
    pub bounced: usize,
    /// Addresses suspended by this run (third hard bounce).
    pub suspended: Vec<String>,
    /// Queued messages dropped because their recipient unsubscribed or was suspended.
    pub cancelled: usize,
}

struct Subscriber {
    id: i64,
    email: String,
    lists: Vec<WatchList>,
}

fn active_subscribers(nl: &Newsletter) -> Result<Vec<Subscriber>, Error> {
    let lists: HashMap<i64, WatchList> = nl.lists()?.into_iter().map(|l| (l.id, l)).collect();
    let rows = nl.db().rows(
        "SELECT s.id, s.email, sub.list_id FROM subscribers s JOIN subscriptions sub ON sub.subscriber_id = s.id
         WHERE s.status = 'active' AND sub.status = 'active' ORDER BY s.id",
        &[],
    )?;
    let mut out: Vec<Subscriber> = Vec::new();
    for row in rows {
        let (id, email, list_id) = (row.int(0)?, row.text(1)?, row.int(2)?);
        let Some(list) = lists.get(&list_id) else { continue };
        match out.last_mut() {
            Some(s) if s.id == id => s.lists.push(list.clone()),
            _ => out.push(Subscriber { id, email, lists: vec![list.clone()] }),
        }
    }
    for s in &mut out {
        s.lists.sort_by(|a, b| a.name.cmp(&b.name));
    }
    Ok(out)
}

/// The end of a run's window: the last whole second that has certainly passed. The store stamps
/// `updated_at` to the nearest second, so a write in the current second may carry the next
/// second's stamp; windows end one whole second back and each stamp falls in exactly one window.
#[must_use]
pub fn window_end(now: Timestamp) -> Timestamp {
    Timestamp::from_second(now.as_second() - 1).unwrap_or(now)
}

fn updated_at(e: &Value) -> Option<Timestamp> {
    e.get("updated_at")?.as_str()?.parse().ok()
}

fn severity_met(e: &Value, threshold: u64) -> bool {
    let f = e.get("fatalities");
    let n = f.and_then(|f| f.get("best").and_then(Value::as_u64).or_else(|| f.get("low").and_then(Value::as_u64))).unwrap_or(0);
    n >= threshold
}

fn domain_of(from: &Mailbox) -> String {
    from.email.domain().to_owned()
}

/// Composes this period's messages into the outbox (unless a dry run), then delivers every due
/// message when a mailer is given.
///
/// # Errors
/// Database, template or message errors. Delivery failures are not errors: they are counted.
pub fn run_digest(nl: &Newsletter, opts: &DigestOptions, mailer: Option<&dyn Mailer>) -> Result<DigestReport, Error> {
    let base_url = check_base_url(&opts.base_url)?;
    let period = period_key(opts.period, opts.now);
    let mut report = DigestReport { period: period.clone(), ..DigestReport::default() };
    // A write barrier: an ingest transaction that stamped its events before this run's time
    // commits before the lock is granted, so every stamp at or before the window end is visible
    // to the reads below; anything stamped later falls in the next window.
    nl.db().write_barrier()?;
    let subscribers = active_subscribers(nl)?;
    report.subscribers = subscribers.len();
    let mut list_events: HashMap<i64, Vec<Value>> = HashMap::new();
    let now = opts.now;
    let until = window_end(now);
    for sub in &subscribers {
        let done = nl.db().opt("SELECT id FROM outbox WHERE subscriber_id = ?1 AND period = ?2", vals![sub.id, period.as_str()])?;
        if done.is_some() {
            report.already_composed += 1;
            continue;
        }
        let cursor = nl
            .db()
            .opt("SELECT until FROM digest_cursors WHERE subscriber_id = ?1 AND period = ?2", vals![sub.id, opts.period.as_str()])?
            .map(|r| r.text(0))
            .transpose()?;
        let since = cursor.and_then(|c| c.parse::<Timestamp>().ok()).unwrap_or(until - opts.period.first_window());
        let mut seen = BTreeSet::new();
        let mut sections: Vec<(WatchList, Vec<Value>)> = Vec::new();
        for list in &sub.lists {
            if opts.period == Period::Immediate && list.severity.is_none() {
                continue;
            }
            if let std::collections::hash_map::Entry::Vacant(v) = list_events.entry(list.id) {
                v.insert(nl.store().events(&list.parsed()?)?);
            }
            let fresh: Vec<Value> = list_events[&list.id]
                .iter()
                .filter(|e| updated_at(e).is_some_and(|t| t > since && t <= until))
                .filter(|e| opts.period != Period::Immediate || list.severity.is_some_and(|s| severity_met(e, s)))
                // An event on two of the subscriber's lists is shown once, under the first.
                .filter(|e| seen.insert(e.get("id").and_then(Value::as_str).unwrap_or("").to_owned()))
                .cloned()
                .collect();
            if !fresh.is_empty() {
                sections.push((list.clone(), fresh));
            }
        }
        if sections.is_empty() {
            report.nothing_new += 1;
            if !opts.dry_run {
                nl.db().exec(
                    "INSERT INTO digest_cursors (subscriber_id, period, until) VALUES (?1, ?2, ?3)
                     ON CONFLICT (subscriber_id, period) DO UPDATE SET until = excluded.until",
                    vals![sub.id, opts.period.as_str(), ts(until)],
                )?;
            }
            continue;
        }
        let (raw, events, to) = compose_for(nl, sub, sections, &period, &base_url, opts)?;
        if opts.dry_run {
            report.previews.push((sub.email.clone(), raw));
            report.composed += 1;
            continue;
        }
        let message_id = compose::message_id(sub.id, &sub.email, &period, &domain_of(&opts.from));
        let db = nl.db();
        db.tx(|| {
            db.exec(
                "INSERT INTO outbox (message_id, subscriber_id, period, recipient, sender, raw, events, status, attempts, next_attempt_at, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'queued', 0, ?8, ?8)",
                vals![message_id.as_str(), sub.id, period.as_str(), to.email.to_string(), opts.from.email.to_string(), raw, events as i64, ts(now)],
            )?;
            db.exec(
                "INSERT INTO digest_cursors (subscriber_id, period, until) VALUES (?1, ?2, ?3)
                 ON CONFLICT (subscriber_id, period) DO UPDATE SET until = excluded.until",
                vals![sub.id, opts.period.as_str(), ts(until)],
            )?;
            Ok(())
        })?;
        report.composed += 1;
    }
    if let (Some(mailer), false) = (mailer, opts.dry_run) {
        report.delivery = deliver_due(nl, mailer, now)?;
    }
    Ok(report)
}

/// Redacts person names everywhere but in the place and in the sources' outlet names and URLs:
/// places and outlets are not people, and the tagger sometimes calls a town or an outlet a person
/// ("[person], Idlib" would hide where the event happened).
fn redact_persons(e: &mut Value, persons: &BTreeSet<String>) {
    let location = e.get_mut("location").map(Value::take);
    let kept: Vec<(Value, Value)> = e
        .get_mut("sources")
        .and_then(Value::as_array_mut)
        .map(|a| a.iter_mut().map(|s| (s.get_mut("outlet").map(Value::take).unwrap_or_default(), s.get_mut("url").map(Value::take).unwrap_or_default())).collect())
        .unwrap_or_default();
    sitrep_store::export::redact(e, persons);
    if let Some(a) = e.get_mut("sources").and_then(Value::as_array_mut) {
        for (s, (outlet, url)) in a.iter_mut().zip(kept) {
            if let Some(o) = s.as_object_mut() {
                o.insert("outlet".into(), outlet);
                o.insert("url".into(), url);
            }
        }
    }
    if let (Some(loc), Some(o)) = (location, e.as_object_mut()) {
        o.insert("location".into(), loc);
    }
}

/// Composes one subscriber's digest; returns (raw message, events counted, recipient).
fn compose_for(
    nl: &Newsletter,
    sub: &Subscriber,
    sections: Vec<(WatchList, Vec<Value>)>,
    period: &str,
    base_url: &str,
    opts: &DigestOptions,
) -> Result<(Vec<u8>, usize, Mailbox), Error> {
    let total: usize = sections.iter().map(|(_, e)| e.len()).sum();
    let mut budget = opts.max_events.max(1);
    let mut lists = Vec::new();
    let mut shown = 0;
    for (list, events) in sections {
        let take: Vec<Value> = events.into_iter().take(budget).collect();
        budget -= take.len();
        shown += take.len();
        let ids: Vec<String> = take.iter().filter_map(|e| e.get("id").and_then(Value::as_str).map(str::to_owned)).collect();
        // Private individuals named in the articles behind these events are redacted, as the
        // exports' --redact-persons does.
        let persons = nl.store().person_names(&ids)?;
        let views = take
            .into_iter()
            .map(|mut e| {
                redact_persons(&mut e, &persons);
                compose::event_view(&e, base_url)
            })
            .collect();
        let token = nl.unsubscribe_token(sub.id, Some(list.id), opts.now);
        lists.push(ListView { name: list.name.clone(), countries: compose::by_country(views), unsubscribe: format!("{base_url}/unsubscribe?token={token}") });
        if budget == 0 {
            break;
        }
    }
    let to: Mailbox = sub.email.parse().map_err(|e: lettre::address::AddressError| Error::BadAddress(sub.email.clone(), e.to_string()))?;
    let all = nl.unsubscribe_token(sub.id, None, opts.now);
    let m = DigestMessage {
        from: &opts.from,
        to: &to,
        message_id: compose::message_id(sub.id, &sub.email, period, &domain_of(&opts.from)),
        date: opts.now,
        period: opts.period.as_str(),
        base_url,
        lists,
        shown,
        more: total - shown,
        unsubscribe_all: format!("{base_url}/unsubscribe?token={all}"),
        unsubscribe_mailto: opts.unsubscribe_mailto.as_deref(),
    };
    let msg = compose::build_digest(&m, opts.dkim.as_ref())?;
    Ok((msg.formatted(), total, to))
}

/// Queues the double opt-in message for a pending subscription (delivered by [`deliver_due`]).
/// Returns the confirmation link.
///
/// # Errors
/// A bad base URL, message or database errors.
pub fn queue_confirmation(
    nl: &Newsletter,
    pending: &Pending,
    wording: &str,
    base_url: &str,
    from: &Mailbox,
    dkim: Option<&DkimConfig>,
    now: Timestamp,
) -> Result<String, Error> {
    let base_url = check_base_url(base_url)?;
    let link = format!("{base_url}/confirm?token={}", pending.token);
    let to: Mailbox = pending.email.parse().map_err(|e: lettre::address::AddressError| Error::BadAddress(pending.email.clone(), e.to_string()))?;
    let period = format!("confirm:{}", pending.confirmation_id);
    let message_id = compose::message_id(pending.subscriber_id, &pending.email, &period, &domain_of(from));
    let msg = compose::build_confirmation(from, &to, message_id.clone(), now, &pending.lists, wording, &link, dkim)?;
    nl.db().exec(
        "INSERT INTO outbox (message_id, subscriber_id, period, recipient, sender, raw, events, status, attempts, next_attempt_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, 'queued', 0, ?7, ?7) ON CONFLICT DO NOTHING",
        vals![message_id.as_str(), pending.subscriber_id, period.as_str(), pending.email.as_str(), from.email.to_string(), msg.formatted(), ts(now)],
    )?;
    Ok(link)
}

/// Wait before the next attempt after `attempts` failures: 2, 4, 8 … minutes, at most 6 hours.
#[must_use]
pub fn backoff(attempts: u32) -> SignedDuration {
    let minutes = 2_i64.saturating_pow(attempts.clamp(1, 16)).min(360);
    SignedDuration::from_mins(minutes)
}

/// Hard bounces that suspend an address.
pub const SUSPEND_AFTER: i64 = 3;

/// Submits every queued message whose time has come, in the order they were queued.
///
/// # Errors
/// Database errors (a delivery failure is recorded, not returned).
pub fn deliver_due(nl: &Newsletter, mailer: &dyn Mailer, now: Timestamp) -> Result<Delivery, Error> {
    deliver(nl, mailer, now, None)
}

/// Submits one queued message now (a confirmation right after the form), whatever its retry time.
///
/// # Errors
/// Database errors.
pub fn deliver_message(nl: &Newsletter, mailer: &dyn Mailer, now: Timestamp, message_id: &str) -> Result<Delivery, Error> {
    deliver(nl, mailer, now, Some(message_id))
}

/// A queued message whose time has come.
struct Due {
    id: i64,
    subscriber_id: i64,
    period: String,
    recipient: String,
    sender: String,
    raw: Vec<u8>,
    attempts: u32,
}

fn deliver(nl: &Newsletter, mailer: &dyn Mailer, now: Timestamp, only: Option<&str>) -> Result<Delivery, Error> {
    let mut out = Delivery::default();
    let due: Vec<Due> = {
        let rows = nl.db().rows(
            "SELECT id, subscriber_id, period, recipient, sender, raw, attempts FROM outbox
             WHERE status = 'queued' AND (CAST(?2 AS TEXT) IS NULL AND next_attempt_at <= ?1 OR message_id = ?2) ORDER BY id",
            vals![ts(now), only],
        )?;
        rows.iter()
            .map(|r| {
                Ok(Due {
                    id: r.int(0)?,
                    subscriber_id: r.int(1)?,
                    period: r.text(2)?,
                    recipient: r.text(3)?,
                    sender: r.text(4)?,
                    raw: r.blob(5)?,
                    attempts: u32::try_from(r.int(6)?).unwrap_or(u32::MAX),
                })
            })
            .collect::<Result<_, Error>>()?
    };
    for Due { id, subscriber_id, period, recipient, sender, raw, attempts } in due {
        // Unsubscribing or suspension takes effect at once, even for a message already queued.
        let status = nl.db().opt("SELECT status FROM subscribers WHERE id = ?1", vals![subscriber_id])?.map(|r| r.text(0)).transpose()?;
        let active_lists =
            nl.db().one("SELECT COUNT(*) FROM subscriptions WHERE subscriber_id = ?1 AND status = 'active'", vals![subscriber_id])?.int(0)?;
        let is_confirmation = period.starts_with("confirm:");
        if status.as_deref() == Some("suspended") || (!is_confirmation && active_lists == 0) {
            nl.db().exec(
                "UPDATE outbox SET status = 'cancelled', last_error = ?2 WHERE id = ?1",
                vals![id, if status.as_deref() == Some("suspended") { "address suspended" } else { "unsubscribed before delivery" }],
            )?;
            out.cancelled += 1;
            continue;
        }
        let parse = |a: &str| a.parse::<lettre::Address>().map_err(|e| Error::BadAddress(a.to_owned(), e.to_string()));
        let envelope = Envelope::new(Some(parse(&sender)?), vec![parse(&recipient)?]).map_err(|e| Error::Build(e.to_string()))?;
        let attempts = attempts + 1;
        match mailer.send(&envelope, &raw) {
            Ok(()) => {
                nl.db().exec(
                    "UPDATE outbox SET status = 'sent', attempts = ?2, sent_at = ?3, last_error = NULL WHERE id = ?1",
                    vals![id, attempts, ts(now)],
                )?;
                out.sent += 1;
            }
            Err(SendError::Transient(why)) => {
                nl.db().exec(
                    "UPDATE outbox SET attempts = ?2, next_attempt_at = ?3, last_error = ?4 WHERE id = ?1",
                    vals![id, attempts, ts(now + backoff(attempts)), why],
                )?;
                out.deferred += 1;
            }
            Err(SendError::Permanent(why)) => {
                let db = nl.db();
                let suspended = db.tx(|| {
                    db.exec("UPDATE outbox SET status = 'bounced', attempts = ?2, last_error = ?3 WHERE id = ?1", vals![id, attempts, why.as_str()])?;
                    db.exec("UPDATE subscribers SET hard_bounces = hard_bounces + 1 WHERE id = ?1", vals![subscriber_id])?;
                    let bounces = db.one("SELECT hard_bounces FROM subscribers WHERE id = ?1", vals![subscriber_id])?.int(0)?;
                    if bounces < SUSPEND_AFTER {
                        return Ok(false);
                    }
                    let changed = db.exec(
                        "UPDATE subscribers SET status = 'suspended', suspended_at = ?2 WHERE id = ?1 AND status != 'suspended'",
                        vals![subscriber_id, ts(now)],
                    )?;
                    Ok(changed > 0)
                })?;
                if suspended {
                    out.suspended.push(recipient.clone());
                }
                out.bounced += 1;
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_spares_places_and_outlets_but_not_notes_or_actors() {
        let mut e = serde_json::json!({"notes": "Ali Hassan said the army shelled Kidal.", "actor1": {"name": "Ali Hassan", "text": "Ali Hassan"},
            "location": {"name": "Kidal"}, "sources": [{"outlet": "Kidal Times", "url": "https://kidal.example/ali-hassan", "claims": [{"source": "Ali Hassan"}]}]});
        let persons = BTreeSet::from(["Ali Hassan".to_owned(), "Kidal".to_owned()]);
        redact_persons(&mut e, &persons);
        assert_eq!(e["notes"], "[person] said the army shelled [person].");
        assert_eq!(e["actor1"]["name"], "[person]");
        assert_eq!(e["sources"][0]["claims"][0]["source"], "[person]");
        assert_eq!(e["location"]["name"], "Kidal");
        assert_eq!(e["sources"][0]["outlet"], "Kidal Times");
        assert_eq!(e["sources"][0]["url"], "https://kidal.example/ali-hassan");
    }

    #[test]
    fn period_keys_are_utc_days_and_iso_weeks() {
        let t: Timestamp = "2026-01-01T23:30:00-05:00".parse().unwrap();
        assert_eq!(period_key(Period::Daily, t), "daily:2026-01-02");
        assert_eq!(period_key(Period::Weekly, t), "weekly:2026-W01");
        let t: Timestamp = "2027-01-01T12:00:00Z".parse().unwrap();
        assert_eq!(period_key(Period::Weekly, t), "weekly:2026-W53");
        assert_eq!(period_key(Period::Immediate, t), "immediate:20270101T120000Z");
    }

    #[test]
    fn base_url_must_be_http_with_a_host() {
        assert_eq!(check_base_url("https://sitrep.example/").unwrap(), "https://sitrep.example");
        for bad in ["", "sitrep.example", "ftp://x", "https://", "javascript:alert(1)", "https://a.example/\"><x"] {
            assert!(check_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(1), SignedDuration::from_mins(2));
        assert_eq!(backoff(3), SignedDuration::from_mins(8));
        assert_eq!(backoff(40), SignedDuration::from_mins(360));
    }
}
