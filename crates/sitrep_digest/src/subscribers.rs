//! Watch lists, subscribers, consent, confirmation, unsubscribe, export and erasure: the rows of
//! migration 2, always through bound parameters.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde_json::{json, Value};
use sitrep_pg::PgOptions;
use sitrep_store::{EventStore, Filter, Store};

use crate::db::{vals, Db, Row};
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
    db: Db,
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
        Ok(Self { db: Db::Sqlite(store), keys, data_dir })
    }

    /// Opens an SQLite file (created if needed) or a PostgreSQL store (`postgres://…`), and the
    /// keyring in `keys_dir` — for SQLite, by default the database's directory. A PostgreSQL
    /// store needs `keys_dir`: every process that signs or checks links (the CLI, each web
    /// server) must read the same keyring.
    ///
    /// # Errors
    /// Store or keyring errors; PostgreSQL without `keys_dir`.
    pub fn open_db(db: &str, keys_dir: Option<&Path>, pg: &PgOptions) -> Result<Self, Error> {
        let data_dir = match keys_dir {
            Some(dir) => dir.to_path_buf(),
            None if sitrep_pg::is_postgres_url(db) => return Err(Error::NoKeysDir),
            None => Path::new(db).parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf(),
        };
        let db = Db::open(db, pg)?;
        let keys = Keyring::open(&data_dir)?;
        Ok(Self { db, keys, data_dir })
    }

    /// The event store underneath.
    #[must_use]
    pub fn store(&self) -> &dyn EventStore {
        self.db.store()
    }

    /// The SQLite store underneath, when it is one.
    #[must_use]
    pub fn sqlite(&self) -> Option<&Store> {
        match &self.db {
            Db::Sqlite(s) => Some(s),
            Db::Pg(..) => None,
        }
    }

    /// One integer from a query with no parameters (`SELECT COUNT(*) …`), on either backend:
    /// for reports and tests.
    ///
    /// # Errors
    /// Database errors, or a first column that is not an integer.
    pub fn count(&self, sql: &str) -> Result<i64, Error> {
        self.db.one(sql, &[])?.int(0)
    }

    /// The first text column of every row of a query with no parameters, on either backend:
    /// for reports and tests.
    ///
    /// # Errors
    /// Database errors, or a first column that is not text.
    pub fn texts(&self, sql: &str) -> Result<Vec<String>, Error> {
        self.db.rows(sql, &[])?.iter().map(|r| r.text(0)).collect()
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

    /// Connects to PostgreSQL again if the server dropped the connection (a restart); nothing for
    /// SQLite. Long-running holders (the web pages) call it before each use.
    ///
    /// # Errors
    /// When the server cannot be reached.
    pub fn reconnect_if_closed(&mut self) -> Result<(), Error> {
        self.db.reconnect_if_closed()
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

    pub(crate) fn db(&self) -> &Db {
        &self.db
    }

    /// Bytewise text order: SQLite's default; PostgreSQL's whatever the database's locale.
    fn collate_c(&self) -> &'static str {
        match self.db {
            Db::Sqlite(_) => "",
            Db::Pg(..) => r#" COLLATE "C""#,
        }
    }

    /// `select` narrowed to the address `?1`, case-insensitively: SQLite's column is `COLLATE
    /// NOCASE`; PostgreSQL's unique index is on `lower(email)`.
    pub(crate) fn by_email(&self, select: &str) -> String {
        match self.db {
            Db::Sqlite(_) => format!("{select} WHERE email = ?1"),
            Db::Pg(..) => format!("{select} WHERE lower(email) = lower(?1)"),
        }
    }

    /// SQLite's order of the `COLLATE NOCASE` address column.
    fn email_order(&self) -> &'static str {
        match self.db {
            Db::Sqlite(_) => "email",
            Db::Pg(..) => r#"lower(email) COLLATE "C""#,
        }
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
        let id = self
            .db
            .one("INSERT INTO watch_lists (name, filter, severity, created_at) VALUES (?1, ?2, ?3, ?4) RETURNING id", vals![name, filter, sev, ts(now)])?
            .int(0)?;
        Ok(WatchList { id, name: name.to_owned(), filter: filter.to_owned(), severity })
    }

    /// Every watch list, by name.
    ///
    /// # Errors
    /// Database errors.
    pub fn lists(&self) -> Result<Vec<WatchList>, Error> {
        // Bytewise name order in both backends, whatever PostgreSQL's locale.
        self.db
            .rows(&format!("SELECT id, name, filter, severity FROM watch_lists ORDER BY name{}", self.collate_c()), &[])?
            .iter()
            .map(|r| Ok(WatchList { id: r.int(0)?, name: r.text(1)?, filter: r.text(2)?, severity: r.opt_int(3)?.map(|s| s.max(0) as u64) }))
            .collect()
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
        self.db.tx(|| {
            self.db.exec("DELETE FROM subscriptions WHERE list_id = ?1", vals![list.id])?;
            self.db.exec("DELETE FROM watch_lists WHERE id = ?1", vals![list.id])?;
            Ok(())
        })?;
        Ok(true)
    }

    /// Active subscribers per list id.
    ///
    /// # Errors
    /// Database errors.
    pub fn list_subscriber_counts(&self) -> Result<std::collections::HashMap<i64, u64>, Error> {
        self.db
            .rows(
                "SELECT sub.list_id, COUNT(*) FROM subscriptions sub JOIN subscribers s ON s.id = sub.subscriber_id
                 WHERE sub.status = 'active' AND s.status = 'active' GROUP BY sub.list_id",
                &[],
            )?
            .iter()
            .map(|r| Ok((r.int(0)?, r.int(1)?.max(0) as u64)))
            .collect()
    }

    /// Every subscriber with status, hard bounces and active lists.
    ///
    /// # Errors
    /// Database errors.
    pub fn subscribers(&self) -> Result<Vec<SubscriberRow>, Error> {
        let rows: Vec<(i64, String, String, i64)> = self
            .db
            .rows(&format!("SELECT id, email, status, hard_bounces FROM subscribers ORDER BY {}", self.email_order()), &[])?
            .iter()
            .map(|r| Ok((r.int(0)?, r.text(1)?, r.text(2)?, r.int(3)?)))
            .collect::<Result<_, Error>>()?;
        rows.into_iter()
            .map(|(id, email, status, hard_bounces)| Ok(SubscriberRow { lists: self.active_lists(id)?, email, status, hard_bounces }))
            .collect()
    }

    /// The subscriber id of an address (case-insensitive).
    ///
    /// # Errors
    /// Database errors.
    pub fn subscriber_id(&self, email: &str) -> Result<Option<i64>, Error> {
        self.db.opt(&self.by_email("SELECT id FROM subscribers"), vals![email.trim()])?.map(|r| r.int(0)).transpose()
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
        let names: Vec<&str> = lists.iter().map(|l| l.name.as_str()).collect();
        let names_json = serde_json::to_string(&names)?;
        let db = &self.db;
        let (subscriber_id, confirmation_id) = db.tx(|| {
            let existing = db.opt(&self.by_email("SELECT id, status FROM subscribers"), vals![email.as_str()])?;
            let subscriber_id = match existing {
                Some(r) if r.text(1)? == "suspended" => return Err(Error::Suspended(email.clone())),
                Some(r) => r.int(0)?,
                None => db
                    .one("INSERT INTO subscribers (email, status, created_at) VALUES (?1, 'pending', ?2) RETURNING id", vals![email.as_str(), ts(now)])?
                    .int(0)?,
            };
            let consent_id = db
                .one(
                    "INSERT INTO consent_records (subscriber_id, at, method, lists, wording, remote_addr) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
                    vals![subscriber_id, ts(now), method.as_str(), names_json.as_str(), wording, remote_addr],
                )?
                .int(0)?;
            for l in &lists {
                // An active subscription stays active; anything else waits for this confirmation.
                db.exec(
                    "INSERT INTO subscriptions (subscriber_id, list_id, status, created_at) VALUES (?1, ?2, 'pending', ?3)
                     ON CONFLICT (subscriber_id, list_id) DO UPDATE SET status = 'pending' WHERE subscriptions.status != 'active'",
                    vals![subscriber_id, l.id, ts(now)],
                )?;
            }
            let expires = now + Purpose::Confirm.lifetime();
            let confirmation_id = db
                .one(
                    "INSERT INTO pending_confirmations (subscriber_id, consent_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4) RETURNING id",
                    vals![subscriber_id, consent_id, ts(now), ts(expires)],
                )?
                .int(0)?;
            Ok((subscriber_id, confirmation_id))
        })?;
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
        let row = self
            .db
            .opt(
                "SELECT s.email, s.status, c.lists FROM pending_confirmations p JOIN consent_records c ON c.id = p.consent_id
                 JOIN subscribers s ON s.id = p.subscriber_id WHERE p.id = ?1",
                vals![confirmation_id],
            )?
            .map(|r| Ok::<_, Error>((r.text(0)?, r.text(1)?, r.text(2)?)))
            .transpose()?;
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
        let db = &self.db;
        let (email, names) = db.tx(|| {
            let row = db.opt(
                "SELECT p.subscriber_id, p.consent_id, c.lists FROM pending_confirmations p JOIN consent_records c ON c.id = p.consent_id
                 WHERE p.id = ?1",
                vals![confirmation_id],
            )?;
            let Some(row) = row else { return Err(Error::NotPending) };
            let (subscriber_id, consent_id, lists_json) = (row.int(0)?, row.int(1)?, row.text(2)?);
            let who = db.one("SELECT email, status FROM subscribers WHERE id = ?1", vals![subscriber_id])?;
            let (email, status) = (who.text(0)?, who.text(1)?);
            if status == "suspended" {
                return Err(Error::Suspended(email));
            }
            let names: Vec<String> = serde_json::from_str(&lists_json)?;
            let at = ts(now);
            for name in &names {
                db.exec(
                    "UPDATE subscriptions SET status = 'active', confirmed_at = COALESCE(confirmed_at, ?3)
                     WHERE subscriber_id = ?1 AND list_id = (SELECT id FROM watch_lists WHERE name = ?2)",
                    vals![subscriber_id, name, at.as_str()],
                )?;
            }
            db.exec("UPDATE pending_confirmations SET confirmed_at = COALESCE(confirmed_at, ?2) WHERE id = ?1", vals![confirmation_id, at.as_str()])?;
            db.exec("UPDATE consent_records SET confirmed_at = COALESCE(confirmed_at, ?2) WHERE id = ?1", vals![consent_id, at.as_str()])?;
            db.exec(
                "UPDATE subscribers SET status = 'active', confirmed_at = COALESCE(confirmed_at, ?2) WHERE id = ?1",
                vals![subscriber_id, at.as_str()],
            )?;
            Ok((email, names))
        })?;
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
        let db = &self.db;
        let ended = db.tx(|| {
            if db.opt("SELECT id FROM subscribers WHERE id = ?1", vals![subscriber_id])?.is_none() {
                return Ok(0);
            }
            let ended = db.exec(
                "UPDATE subscriptions SET status = 'unsubscribed' WHERE subscriber_id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR list_id = ?2)
                 AND status != 'unsubscribed'",
                vals![subscriber_id, list_id],
            )?;
            db.exec(
                "INSERT INTO unsubscribe_events (subscriber_id, list_id, at, method) VALUES (?1, ?2, ?3, ?4)",
                vals![subscriber_id, list_id, ts(now), method],
            )?;
            let active = db.one("SELECT COUNT(*) FROM subscriptions WHERE subscriber_id = ?1 AND status = 'active'", vals![subscriber_id])?.int(0)?;
            if active == 0 {
                db.exec(
                    "UPDATE outbox SET status = 'cancelled', last_error = 'unsubscribed before delivery'
                     WHERE subscriber_id = ?1 AND status = 'queued' AND period NOT LIKE 'confirm:%'",
                    vals![subscriber_id],
                )?;
            }
            Ok(usize::try_from(ended).unwrap_or(usize::MAX))
        })?;
        Ok(ended)
    }

    /// Active list names of a subscriber.
    ///
    /// # Errors
    /// Database errors.
    pub fn active_lists(&self, subscriber_id: i64) -> Result<Vec<String>, Error> {
        self.db
            .rows(
                &format!(
                    "SELECT w.name FROM subscriptions s JOIN watch_lists w ON w.id = s.list_id
                     WHERE s.subscriber_id = ?1 AND s.status = 'active' ORDER BY w.name{}",
                    self.collate_c()
                ),
                vals![subscriber_id],
            )?
            .iter()
            .map(|r| r.text(0))
            .collect()
    }

    /// Everything stored about an address, as JSON (the subscriber's data export); `None` when
    /// the address is unknown.
    ///
    /// # Errors
    /// Database errors.
    pub fn export(&self, email: &str) -> Result<Option<Value>, Error> {
        let Some(id) = self.subscriber_id(email)? else { return Ok(None) };
        let db = &self.db;
        let r = db.one("SELECT email, status, created_at, confirmed_at, hard_bounces, suspended_at FROM subscribers WHERE id = ?1", vals![id])?;
        let subscriber = json!({"email": r.text(0)?, "status": r.text(1)?, "created_at": r.text(2)?,
                                "confirmed_at": r.opt_text(3)?, "hard_bounces": r.int(4)?, "suspended_at": r.opt_text(5)?});
        let rows = |sql: &str, f: &dyn Fn(&Row) -> Result<Value, Error>| -> Result<Vec<Value>, Error> {
            db.rows(sql, vals![id])?.iter().map(f).collect()
        };
        let subscriptions = rows(
            &format!(
                "SELECT w.name, s.status, s.created_at, s.confirmed_at FROM subscriptions s JOIN watch_lists w ON w.id = s.list_id
                 WHERE s.subscriber_id = ?1 ORDER BY w.name{}",
                self.collate_c()
            ),
            &|r| Ok(json!({"list": r.text(0)?, "status": r.text(1)?, "created_at": r.text(2)?, "confirmed_at": r.opt_text(3)?})),
        )?;
        let consent = rows(
            "SELECT at, method, lists, wording, remote_addr, confirmed_at FROM consent_records WHERE subscriber_id = ?1 ORDER BY id",
            &|r| {
                let lists: Value = serde_json::from_str(&r.text(2)?).unwrap_or(Value::Null);
                Ok(json!({"at": r.text(0)?, "method": r.text(1)?, "lists": lists,
                          "wording": r.text(3)?, "remote_addr": r.opt_text(4)?, "confirmed_at": r.opt_text(5)?}))
            },
        )?;
        let unsubscribes = rows(
            "SELECT u.at, u.method, w.name FROM unsubscribe_events u LEFT JOIN watch_lists w ON w.id = u.list_id
             WHERE u.subscriber_id = ?1 ORDER BY u.id",
            &|r| Ok(json!({"at": r.text(0)?, "method": r.text(1)?, "list": r.opt_text(2)?})),
        )?;
        let messages = rows(
            "SELECT message_id, period, status, attempts, created_at, sent_at, events, last_error FROM outbox WHERE subscriber_id = ?1 ORDER BY id",
            &|r| Ok(json!({"message_id": r.text(0)?, "period": r.text(1)?, "status": r.text(2)?,
                           "attempts": r.int(3)?, "created_at": r.text(4)?, "sent_at": r.opt_text(5)?,
                           "events": r.int(6)?, "last_error": r.opt_text(7)?})),
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
        // Explicit deletes rather than relying on ON DELETE CASCADE, which needs foreign keys on
        // in every connection that ever touched the file.
        self.db.tx(|| {
            for sql in [
                "DELETE FROM outbox WHERE subscriber_id = ?1",
                "DELETE FROM digest_cursors WHERE subscriber_id = ?1",
                "DELETE FROM unsubscribe_events WHERE subscriber_id = ?1",
                "DELETE FROM pending_confirmations WHERE subscriber_id = ?1",
                "DELETE FROM consent_records WHERE subscriber_id = ?1",
                "DELETE FROM subscriptions WHERE subscriber_id = ?1",
                "DELETE FROM subscribers WHERE id = ?1",
            ] {
                self.db.exec(sql, vals![id])?;
            }
            Ok(())
        })?;
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
            let n = nl.count(&format!("SELECT COUNT(*) FROM {table}")).unwrap();
            assert_eq!(n, 0, "{table} still has rows after erasure");
        }
    }
}
