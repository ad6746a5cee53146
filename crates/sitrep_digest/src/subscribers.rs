//! Watch lists, subscribers, consent, confirmation, unsubscribe, export and erasure: the rows of
//! migration 2, always through bound parameters.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension};
use serde_json::{json, Value};
use sitrep_store::{Filter, Store};

use crate::keys::{Keyring, Purpose};
use crate::Error;

/// The consent wording shown on the form and recorded with every subscription made without
/// one of its own.
pub const CONSENT_WORDING: &str = "Send me sitrep situation reports by email for the watch lists I selected. \
I can unsubscribe at any time with the link in every email. My address is used for nothing else.";

/// A named filter people subscribe to.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct WatchList {
    pub id: i64,
    pub name: String,
    pub filter: String,
    /// Set: `immediate` alerts go out for events with at least this many fatalities.
    pub severity: Option<u64>,
}

impl WatchList {
    /// The parsed filter (stored text was validated when the list was added).
    ///
    /// # Errors
    /// A filter that no longer parses (the syntax changed since).
    pub fn parsed(&self) -> Result<Filter, Error> {
        Filter::parse(&self.filter).map_err(|why| Error::BadFilter { name: self.name.clone(), why })
    }
}

/// How consent was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentMethod {
    Cli,
    Form,
}

impl ConsentMethod {
    fn as_str(self) -> &'static str {
        match self {
            Self::Cli => "cli",
            Self::Form => "form",
        }
    }
}

/// A subscription waiting for its double opt-in.
#[derive(Debug, Clone)]
pub struct Pending {
    pub subscriber_id: i64,
    pub email: String,
    pub confirmation_id: i64,
    /// The signed token the confirmation link carries.
    pub token: String,
    pub lists: Vec<String>,
}

/// A subscriber as `sitrep subscribers ls` shows them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SubscriberRow {
    pub email: String,
    /// pending | active | suspended
    pub status: String,
    pub hard_bounces: i64,
    pub lists: Vec<String>,
}

/// The store with the newsletter's keyring beside it.
pub struct Newsletter {
    store: Store,
    keys: Keyring,
    data_dir: PathBuf,
}

pub(crate) fn ts(t: Timestamp) -> String {
    t.round(jiff::Unit::Second).unwrap_or(t).to_string()
}

/// Checks an address's syntax (lettre's parser; no DNS lookups) and returns it trimmed.
///
/// # Errors
/// An address that does not parse.
pub fn check_address(email: &str) -> Result<String, Error> {
    let email = email.trim();
    email.parse::<lettre::Address>().map_err(|e| Error::BadAddress(email.to_owned(), e.to_string()))?;
    Ok(email.to_owned())
}

impl Newsletter {
    /// Opens (creating if needed) the database at `db` and the keyring beside it.
    ///
    /// # Errors
    /// Store or keyring errors.
    pub fn open(db: &Path) -> Result<Self, Error> {
        let store = Store::open(db)?;
        let data_dir = db.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf();
        let keys = Keyring::open(&data_dir)?;
        Ok(Self { store, keys, data_dir })
    }

    /// The event store underneath.
    #[must_use]
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The signing keys.
    #[must_use]
    pub fn keys(&self) -> &Keyring {
        &self.keys
    }

    /// Where the keyring lives.
    #[must_use]
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Picks up a keyring rotated by another process.
    ///
    /// # Errors
    /// Keyring errors.
    pub fn refresh_keys(&mut self) -> Result<(), Error> {
        self.keys.reload_if_changed()
    }

    /// Adds a new signing key; links signed with the old one keep working until they expire.
    ///
    /// # Errors
    /// I/O errors.
    pub fn rotate_key(&mut self, now: Timestamp) -> Result<(), Error> {
        self.keys.rotate(now)
    }

    pub(crate) fn conn(&self) -> &rusqlite::Connection {
        self.store.connection()
    }

    /// Adds a watch list after checking its filter parses.
    ///
    /// # Errors
    /// A malformed filter, a name already taken, or database errors.
    pub fn add_list(&self, name: &str, filter: &str, severity: Option<u64>, now: Timestamp) -> Result<WatchList, Error> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::NoSuchList(String::new()));
        }
        Filter::parse(filter).map_err(|why| Error::BadFilter { name: name.to_owned(), why })?;
        if self.list(name)?.is_some() {
            return Err(Error::ListExists(name.to_owned()));
        }
        let sev = severity.map(|s| i64::try_from(s).unwrap_or(i64::MAX));
        self.conn().execute(
            "INSERT INTO watch_lists (name, filter, severity, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![name, filter, sev, ts(now)],
        )?;
        Ok(WatchList { id: self.conn().last_insert_rowid(), name: name.to_owned(), filter: filter.to_owned(), severity })
    }

    /// Every watch list, by name.
    ///
    /// # Errors
    /// Database errors.
    pub fn lists(&self) -> Result<Vec<WatchList>, Error> {
        let mut stmt = self.conn().prepare("SELECT id, name, filter, severity FROM watch_lists ORDER BY name")?;
        let rows = stmt.query_map([], |r| {
            Ok(WatchList { id: r.get(0)?, name: r.get(1)?, filter: r.get(2)?, severity: r.get::<_, Option<i64>>(3)?.map(|s| s.max(0) as u64) })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One watch list by name.
    ///
    /// # Errors
    /// Database errors.
    pub fn list(&self, name: &str) -> Result<Option<WatchList>, Error> {
        Ok(self.lists()?.into_iter().find(|l| l.name == name))
    }

    /// Removes a watch list and every subscription to it; false when there was none.
    ///
    /// # Errors
    /// Database errors.
    pub fn remove_list(&self, name: &str) -> Result<bool, Error> {
        let Some(list) = self.list(name)? else { return Ok(false) };
        let tx = self.conn().unchecked_transaction()?;
        tx.execute("DELETE FROM subscriptions WHERE list_id = ?1", params![list.id])?;
        tx.execute("DELETE FROM watch_lists WHERE id = ?1", params![list.id])?;
        tx.commit()?;
        Ok(true)
    }

    /// Active subscribers per list id.
    ///
    /// # Errors
    /// Database errors.
    pub fn list_subscriber_counts(&self) -> Result<std::collections::HashMap<i64, u64>, Error> {
        let mut stmt = self.conn().prepare(
            "SELECT sub.list_id, COUNT(*) FROM subscriptions sub JOIN subscribers s ON s.id = sub.subscriber_id
             WHERE sub.status = 'active' AND s.status = 'active' GROUP BY sub.list_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?.max(0) as u64)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every subscriber with status, hard bounces and active lists.
    ///
    /// # Errors
    /// Database errors.
    pub fn subscribers(&self) -> Result<Vec<SubscriberRow>, Error> {
        let rows: Vec<(i64, String, String, i64)> = {
            let mut stmt = self.conn().prepare("SELECT id, email, status, hard_bounces FROM subscribers ORDER BY email")?;
            let mapped = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
            mapped.collect::<Result<_, _>>()?
        };
        rows.into_iter()
            .map(|(id, email, status, hard_bounces)| Ok(SubscriberRow { lists: self.active_lists(id)?, email, status, hard_bounces }))
            .collect()
    }

    /// The subscriber id of an address (case-insensitive).
    ///
    /// # Errors
    /// Database errors.
    pub fn subscriber_id(&self, email: &str) -> Result<Option<i64>, Error> {
        Ok(self.conn().query_row("SELECT id FROM subscribers WHERE email = ?1", params![email.trim()], |r| r.get(0)).optional()?)
    }

    /// Records a subscription request with its consent and returns the pending confirmation; the
    /// lists become active only when the confirmation link is followed ([`Self::confirm`]).
    ///
    /// # Errors
    /// A bad address, no or unknown lists, a suspended address, or database errors.
    pub fn subscribe(
        &self,
        email: &str,
        list_names: &[String],
        method: ConsentMethod,
        wording: &str,
        remote_addr: Option<&str>,
        now: Timestamp,
    ) -> Result<Pending, Error> {
        let email = check_address(email)?;
        if list_names.is_empty() {
            return Err(Error::NoLists);
        }
        let mut lists = Vec::new();
        for name in list_names {
            let list = self.list(name)?.ok_or_else(|| Error::NoSuchList(name.clone()))?;
            if !lists.iter().any(|l: &WatchList| l.id == list.id) {
                lists.push(list);
            }
        }
        let tx = self.conn().unchecked_transaction()?;
        let existing: Option<(i64, String)> =
            tx.query_row("SELECT id, status FROM subscribers WHERE email = ?1", params![email], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
        let subscriber_id = match existing {
            Some((_, status)) if status == "suspended" => return Err(Error::Suspended(email)),
            Some((id, _)) => id,
            None => {
                tx.execute("INSERT INTO subscribers (email, status, created_at) VALUES (?1, 'pending', ?2)", params![email, ts(now)])?;
                tx.last_insert_rowid()
            }
        };
        let names: Vec<&str> = lists.iter().map(|l| l.name.as_str()).collect();
        tx.execute(
            "INSERT INTO consent_records (subscriber_id, at, method, lists, wording, remote_addr) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![subscriber_id, ts(now), method.as_str(), serde_json::to_string(&names)?, wording, remote_addr],
        )?;
        let consent_id = tx.last_insert_rowid();
        for l in &lists {
            // An active subscription stays active; anything else waits for this confirmation.
            tx.execute(
                "INSERT INTO subscriptions (subscriber_id, list_id, status, created_at) VALUES (?1, ?2, 'pending', ?3)
                 ON CONFLICT (subscriber_id, list_id) DO UPDATE SET status = 'pending' WHERE status != 'active'",
                params![subscriber_id, l.id, ts(now)],
            )?;
        }
        let expires = now + Purpose::Confirm.lifetime();
        tx.execute(
            "INSERT INTO pending_confirmations (subscriber_id, consent_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
            params![subscriber_id, consent_id, ts(now), ts(expires)],
        )?;
        let confirmation_id = tx.last_insert_rowid();
        tx.commit()?;
        let token = self.keys.sign(Purpose::Confirm, &confirmation_id.to_string(), now);
        Ok(Pending { subscriber_id, email, confirmation_id, token, lists: names.into_iter().map(str::to_owned).collect() })
    }

    /// What a confirmation token would confirm, without confirming it: (address, lists).
    ///
    /// # Errors
    /// An invalid or expired token, an erased or suspended subscriber, or database errors.
    pub fn pending_confirmation(&self, token: &str, now: Timestamp) -> Result<(String, Vec<String>), Error> {
        let subject = self.keys.verify(Purpose::Confirm, token, now)?;
        let confirmation_id: i64 = subject.parse().map_err(|_| Error::Token(crate::TokenError::Malformed))?;
        let row: Option<(String, String, String)> = self
            .conn()
            .query_row(
                "SELECT s.email, s.status, c.lists FROM pending_confirmations p JOIN consent_records c ON c.id = p.consent_id
                 JOIN subscribers s ON s.id = p.subscriber_id WHERE p.id = ?1",
                params![confirmation_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((email, status, lists)) = row else { return Err(Error::NotPending) };
        if status == "suspended" {
            return Err(Error::Suspended(email));
        }
        Ok((email, serde_json::from_str(&lists)?))
    }

    /// Follows a confirmation link: the consent's lists become active. Following it twice is
    /// harmless. Returns the address and the lists now active from this consent.
    ///
    /// # Errors
    /// An invalid or expired token, an erased subscriber, or database errors.
    pub fn confirm(&self, token: &str, now: Timestamp) -> Result<(String, Vec<String>), Error> {
        let subject = self.keys.verify(Purpose::Confirm, token, now)?;
        let confirmation_id: i64 = subject.parse().map_err(|_| Error::Token(crate::TokenError::Malformed))?;
        let tx = self.conn().unchecked_transaction()?;
        let row: Option<(i64, i64, String)> = tx
            .query_row(
                "SELECT p.subscriber_id, p.consent_id, c.lists FROM pending_confirmations p JOIN consent_records c ON c.id = p.consent_id
                 WHERE p.id = ?1",
                params![confirmation_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((subscriber_id, consent_id, lists_json)) = row else { return Err(Error::NotPending) };
        let (email, status): (String, String) =
            tx.query_row("SELECT email, status FROM subscribers WHERE id = ?1", params![subscriber_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        if status == "suspended" {
            return Err(Error::Suspended(email));
        }
        let names: Vec<String> = serde_json::from_str(&lists_json)?;
        let at = ts(now);
        for name in &names {
            tx.execute(
                "UPDATE subscriptions SET status = 'active', confirmed_at = COALESCE(confirmed_at, ?3)
                 WHERE subscriber_id = ?1 AND list_id = (SELECT id FROM watch_lists WHERE name = ?2)",
                params![subscriber_id, name, at],
            )?;
        }
        tx.execute("UPDATE pending_confirmations SET confirmed_at = COALESCE(confirmed_at, ?2) WHERE id = ?1", params![confirmation_id, at])?;
        tx.execute("UPDATE consent_records SET confirmed_at = COALESCE(confirmed_at, ?2) WHERE id = ?1", params![consent_id, at])?;
        tx.execute(
            "UPDATE subscribers SET status = 'active', confirmed_at = COALESCE(confirmed_at, ?2) WHERE id = ?1",
            params![subscriber_id, at],
        )?;
        tx.commit()?;
        Ok((email, names))
    }

    /// The signed token of an unsubscribe link: from one list, or from all when `list_id` is
    /// `None`.
    #[must_use]
    pub fn unsubscribe_token(&self, subscriber_id: i64, list_id: Option<i64>, now: Timestamp) -> String {
        let scope = list_id.map_or_else(|| "all".to_owned(), |l| l.to_string());
        self.keys.sign(Purpose::Unsubscribe, &format!("{subscriber_id}:{scope}"), now)
    }

    /// Reads an unsubscribe token: (subscriber id, list id or `None` for all).
    ///
    /// # Errors
    /// An invalid or expired token.
    pub fn read_unsubscribe_token(&self, token: &str, now: Timestamp) -> Result<(i64, Option<i64>), Error> {
        let subject = self.keys.verify(Purpose::Unsubscribe, token, now)?;
        let malformed = || Error::Token(crate::TokenError::Malformed);
        let (sub, scope) = subject.split_once(':').ok_or_else(malformed)?;
        let sub: i64 = sub.parse().map_err(|_| malformed())?;
        let scope = if scope == "all" { None } else { Some(scope.parse().map_err(|_| malformed())?) };
        Ok((sub, scope))
    }

    /// Ends subscriptions at once (one list, or all when `list_id` is `None`), records how, and
    /// cancels queued digests that would now go to someone with no active list. Returns how
    /// many subscriptions ended.
    ///
    /// # Errors
    /// Database errors.
    pub fn unsubscribe(&self, subscriber_id: i64, list_id: Option<i64>, method: &str, now: Timestamp) -> Result<usize, Error> {
        let tx = self.conn().unchecked_transaction()?;
        let exists: Option<i64> = tx.query_row("SELECT id FROM subscribers WHERE id = ?1", params![subscriber_id], |r| r.get(0)).optional()?;
        if exists.is_none() {
            return Ok(0);
        }
        let ended = tx.execute(
            "UPDATE subscriptions SET status = 'unsubscribed' WHERE subscriber_id = ?1 AND (?2 IS NULL OR list_id = ?2)
             AND status != 'unsubscribed'",
            params![subscriber_id, list_id],
        )?;
        tx.execute(
            "INSERT INTO unsubscribe_events (subscriber_id, list_id, at, method) VALUES (?1, ?2, ?3, ?4)",
            params![subscriber_id, list_id, ts(now), method],
        )?;
        let active: i64 =
            tx.query_row("SELECT COUNT(*) FROM subscriptions WHERE subscriber_id = ?1 AND status = 'active'", params![subscriber_id], |r| r.get(0))?;
        if active == 0 {
            tx.execute(
                "UPDATE outbox SET status = 'cancelled', last_error = 'unsubscribed before delivery'
                 WHERE subscriber_id = ?1 AND status = 'queued' AND period NOT LIKE 'confirm:%'",
                params![subscriber_id],
            )?;
        }
        tx.commit()?;
        Ok(ended)
    }

    /// Active list names of a subscriber.
    ///
    /// # Errors
    /// Database errors.
    pub fn active_lists(&self, subscriber_id: i64) -> Result<Vec<String>, Error> {
        let mut stmt = self.conn().prepare(
            "SELECT w.name FROM subscriptions s JOIN watch_lists w ON w.id = s.list_id
             WHERE s.subscriber_id = ?1 AND s.status = 'active' ORDER BY w.name",
        )?;
        let rows = stmt.query_map(params![subscriber_id], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Everything stored about an address, as JSON (the subscriber's data export); `None` when
    /// the address is unknown.
    ///
    /// # Errors
    /// Database errors.
    pub fn export(&self, email: &str) -> Result<Option<Value>, Error> {
        let Some(id) = self.subscriber_id(email)? else { return Ok(None) };
        let c = self.conn();
        let subscriber = c.query_row(
            "SELECT email, status, created_at, confirmed_at, hard_bounces, suspended_at FROM subscribers WHERE id = ?1",
            params![id],
            |r| {
                Ok(json!({"email": r.get::<_, String>(0)?, "status": r.get::<_, String>(1)?, "created_at": r.get::<_, String>(2)?,
                          "confirmed_at": r.get::<_, Option<String>>(3)?, "hard_bounces": r.get::<_, i64>(4)?,
                          "suspended_at": r.get::<_, Option<String>>(5)?}))
            },
        )?;
        let rows = |sql: &str, f: &dyn Fn(&rusqlite::Row<'_>) -> rusqlite::Result<Value>| -> Result<Vec<Value>, Error> {
            let mut stmt = c.prepare(sql)?;
            let out = stmt.query_map(params![id], |r| f(r))?.collect::<Result<Vec<_>, _>>()?;
            Ok(out)
        };
        let subscriptions = rows(
            "SELECT w.name, s.status, s.created_at, s.confirmed_at FROM subscriptions s JOIN watch_lists w ON w.id = s.list_id
             WHERE s.subscriber_id = ?1 ORDER BY w.name",
            &|r| Ok(json!({"list": r.get::<_, String>(0)?, "status": r.get::<_, String>(1)?, "created_at": r.get::<_, String>(2)?,
                           "confirmed_at": r.get::<_, Option<String>>(3)?})),
        )?;
        let consent = rows(
            "SELECT at, method, lists, wording, remote_addr, confirmed_at FROM consent_records WHERE subscriber_id = ?1 ORDER BY id",
            &|r| {
                let lists: Value = serde_json::from_str(&r.get::<_, String>(2)?).unwrap_or(Value::Null);
                Ok(json!({"at": r.get::<_, String>(0)?, "method": r.get::<_, String>(1)?, "lists": lists,
                          "wording": r.get::<_, String>(3)?, "remote_addr": r.get::<_, Option<String>>(4)?,
                          "confirmed_at": r.get::<_, Option<String>>(5)?}))
            },
        )?;
        let unsubscribes = rows(
            "SELECT u.at, u.method, w.name FROM unsubscribe_events u LEFT JOIN watch_lists w ON w.id = u.list_id
             WHERE u.subscriber_id = ?1 ORDER BY u.id",
            &|r| Ok(json!({"at": r.get::<_, String>(0)?, "method": r.get::<_, String>(1)?, "list": r.get::<_, Option<String>>(2)?})),
        )?;
        let messages = rows(
            "SELECT message_id, period, status, attempts, created_at, sent_at, events, last_error FROM outbox WHERE subscriber_id = ?1 ORDER BY id",
            &|r| Ok(json!({"message_id": r.get::<_, String>(0)?, "period": r.get::<_, String>(1)?, "status": r.get::<_, String>(2)?,
                           "attempts": r.get::<_, i64>(3)?, "created_at": r.get::<_, String>(4)?, "sent_at": r.get::<_, Option<String>>(5)?,
                           "events": r.get::<_, i64>(6)?, "last_error": r.get::<_, Option<String>>(7)?})),
        )?;
        Ok(Some(json!({"subscriber": subscriber, "subscriptions": subscriptions, "consent": consent,
                       "unsubscribes": unsubscribes, "messages": messages})))
    }

    /// Deletes everything stored about an address (consent, history and queued mail included);
    /// false when the address is unknown.
    ///
    /// # Errors
    /// Database errors.
    pub fn erase(&self, email: &str) -> Result<bool, Error> {
        let Some(id) = self.subscriber_id(email)? else { return Ok(false) };
        let tx = self.conn().unchecked_transaction()?;
        // Explicit deletes rather than relying on ON DELETE CASCADE, which needs foreign keys on
        // in every connection that ever touched the file.
        for sql in [
            "DELETE FROM outbox WHERE subscriber_id = ?1",
            "DELETE FROM digest_cursors WHERE subscriber_id = ?1",
            "DELETE FROM unsubscribe_events WHERE subscriber_id = ?1",
            "DELETE FROM pending_confirmations WHERE subscriber_id = ?1",
            "DELETE FROM consent_records WHERE subscriber_id = ?1",
            "DELETE FROM subscriptions WHERE subscriber_id = ?1",
            "DELETE FROM subscribers WHERE id = ?1",
        ] {
            tx.execute(sql, params![id])?;
        }
        tx.commit()?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn newsletter() -> (tempfile::TempDir, Newsletter) {
        let dir = tempfile::tempdir().unwrap();
        let nl = Newsletter::open(&dir.path().join("t.db")).unwrap();
        (dir, nl)
    }

    #[test]
    fn lists_take_the_shared_filter_syntax_and_refuse_a_bad_one() {
        let (_d, nl) = newsletter();
        nl.add_list("sahel", "country:ML,BF fatalities>=1", Some(10), Timestamp::now()).unwrap();
        assert!(matches!(nl.add_list("bad", "country:Mali", None, Timestamp::now()), Err(Error::BadFilter { .. })));
        assert!(matches!(nl.add_list("sahel", "country:NE", None, Timestamp::now()), Err(Error::ListExists(_))));
        let lists = nl.lists().unwrap();
        assert_eq!(lists.len(), 1);
        assert_eq!(lists[0].severity, Some(10));
        assert_eq!(lists[0].parsed().unwrap().countries, vec!["ML", "BF"]);
        assert!(nl.remove_list("sahel").unwrap());
        assert!(!nl.remove_list("sahel").unwrap());
    }

    #[test]
    fn double_opt_in_activates_only_after_confirmation_and_records_consent() {
        let (_d, nl) = newsletter();
        let now = Timestamp::now();
        nl.add_list("sahel", "country:ML", None, now).unwrap();
        nl.add_list("horn", "country:SO", None, now).unwrap();
        assert!(matches!(nl.subscribe("not an address", &["sahel".into()], ConsentMethod::Cli, CONSENT_WORDING, None, now), Err(Error::BadAddress(..))));
        assert!(matches!(nl.subscribe("a@example.org", &[], ConsentMethod::Cli, CONSENT_WORDING, None, now), Err(Error::NoLists)));
        assert!(matches!(nl.subscribe("a@example.org", &["nope".into()], ConsentMethod::Cli, CONSENT_WORDING, None, now), Err(Error::NoSuchList(_))));
        let p = nl.subscribe("a@example.org", &["sahel".into()], ConsentMethod::Form, "exact words", Some("127.0.0.1"), now).unwrap();
        assert!(nl.active_lists(p.subscriber_id).unwrap().is_empty());
        let (email, lists) = nl.confirm(&p.token, now).unwrap();
        assert_eq!((email.as_str(), lists), ("a@example.org", vec!["sahel".to_owned()]));
        assert_eq!(nl.active_lists(p.subscriber_id).unwrap(), vec!["sahel"]);
        // A second confirmation of the same link changes nothing.
        nl.confirm(&p.token, now).unwrap();
        let export = nl.export("A@example.org").unwrap().unwrap();
        assert_eq!(export["consent"][0]["wording"], "exact words");
        assert_eq!(export["consent"][0]["method"], "form");
        assert_eq!(export["consent"][0]["lists"], json!(["sahel"]));
        assert!(export["consent"][0]["confirmed_at"].is_string());
    }

    #[test]
    fn unsubscribe_from_one_list_or_all_is_recorded_and_erase_removes_everything() {
        let (_d, nl) = newsletter();
        let now = Timestamp::now();
        nl.add_list("sahel", "country:ML", None, now).unwrap();
        nl.add_list("horn", "country:SO", None, now).unwrap();
        let p = nl.subscribe("b@example.org", &["sahel".into(), "horn".into()], ConsentMethod::Cli, CONSENT_WORDING, None, now).unwrap();
        nl.confirm(&p.token, now).unwrap();
        let horn = nl.list("horn").unwrap().unwrap();
        let t = nl.unsubscribe_token(p.subscriber_id, Some(horn.id), now);
        let (sub, scope) = nl.read_unsubscribe_token(&t, now).unwrap();
        assert_eq!(nl.unsubscribe(sub, scope, "link", now).unwrap(), 1);
        assert_eq!(nl.active_lists(p.subscriber_id).unwrap(), vec!["sahel"]);
        assert_eq!(nl.unsubscribe(p.subscriber_id, None, "cli", now).unwrap(), 1);
        assert!(nl.active_lists(p.subscriber_id).unwrap().is_empty());
        let export = nl.export("b@example.org").unwrap().unwrap();
        assert_eq!(export["unsubscribes"].as_array().unwrap().len(), 2);
        assert!(nl.erase("b@example.org").unwrap());
        assert!(nl.export("b@example.org").unwrap().is_none());
        for table in ["subscriptions", "consent_records", "pending_confirmations", "unsubscribe_events"] {
            let n: i64 = nl.conn().query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)).unwrap();
            assert_eq!(n, 0, "{table} still has rows after erasure");
        }
    }
}
