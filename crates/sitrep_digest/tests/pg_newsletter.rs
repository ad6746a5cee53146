//! Newsletters on PostgreSQL (a throwaway server from `scripts/pg-test-cluster.sh`; missing
//! binaries fail the tests): the web form's subscription, its confirmation mail over real SMTP
//! and its link, a digest, and one-click unsubscribe from the digest's header — then `migrate`
//! carrying an SQLite store's newsletter (lists, subscribers, consent, pending confirmations,
//! unsubscribes, cursors, outbox) into PostgreSQL with its ids, so links mailed before still work.

mod common;

use std::collections::BTreeMap;

use common::{form_body, hidden, http, parse, received, serve, token_in, Sink};
use jiff::{SignedDuration, Timestamp};
use sitrep_digest::digest::{deliver_due, queue_confirmation};
use sitrep_digest::web::{WebConfig, WebState};
use sitrep_digest::{run_digest, ConsentMethod, DigestOptions, Newsletter, Period, SmtpMailer, CONSENT_WORDING};
use sitrep_pg::PgOptions;

const BASE: &str = "https://sitrep.example";

fn from() -> lettre::message::Mailbox {
    "sitrep <digest@sitrep.example>".parse().unwrap()
}

fn outbox(nl: &Newsletter) -> BTreeMap<String, String> {
    nl.texts("SELECT recipient || ' ' || period || ' ' || status FROM outbox ORDER BY id")
        .unwrap()
        .into_iter()
        .map(|l| {
            let (k, v) = l.rsplit_once(' ').unwrap();
            (k.to_owned(), v.to_owned())
        })
        .collect()
}

#[test]
fn on_postgres_a_form_subscription_confirms_by_mail_gets_its_digest_and_unsubscribes_in_one_click() {
    let dir = tempfile::tempdir().unwrap();
    let url = common::ingest_articles_pg(dir.path(), "newsletter_round_trip");
    // The keyring lives outside the database: every process is told where.
    assert!(matches!(Newsletter::open_db(&url, None, &PgOptions::default()), Err(sitrep_digest::Error::NoKeysDir)));
    let keys = dir.path().join("keys");
    std::fs::create_dir(&keys).unwrap();
    let mut nl = Newsletter::open_db(&url, Some(&keys), &PgOptions::default()).unwrap();
    assert!(nl.sqlite().is_none());
    let now = Timestamp::now();
    nl.add_list("sahel", "country:ML", None, now).unwrap();
    nl.add_list("horn", "country:SO", None, now).unwrap();
    assert!(matches!(nl.add_list("sahel", "country:NE", None, now), Err(sitrep_digest::Error::ListExists(_))));

    let sink = Sink::start(&dir.path().join("mail"), &dir.path().join("rules"));
    let mut config = WebConfig::new(&url, BASE);
    config.keys_dir = Some(keys.clone());
    config.from = Some("sitrep <confirm@sitrep.example>".parse().unwrap());
    config.smtp = Some(sink.url());
    let (_rt, addr) = serve(WebState::open(config).unwrap());

    // The form: its token and cookie, two lists.
    let form = http(addr, "GET", "/subscribe", &[], "");
    assert_eq!(form.status, 200);
    assert!(form.body.contains("sahel") && form.body.contains("horn"), "the lists come from PostgreSQL");
    let csrf = hidden(&form.body, "csrf");
    let cookie = form.header("Set-Cookie").unwrap().split(';').next().unwrap().to_owned();
    let ct = ("Content-Type", "application/x-www-form-urlencoded");
    let body = form_body(&[("email", "Erin@Example.org"), ("list", "sahel"), ("list", "horn"), ("csrf", &csrf)]);
    let r = http(addr, "POST", "/subscribe", &[ct, ("Cookie", &cookie)], &body);
    assert_eq!(r.status, 200, "{}", r.body);
    // Addresses match case-insensitively, as SQLite's NOCASE column does.
    let erin = nl.subscriber_id("erin@example.org").unwrap().expect("the subscriber row");
    assert!(nl.active_lists(erin).unwrap().is_empty(), "nothing is active before the confirmation");
    let export = nl.export("ERIN@example.org").unwrap().unwrap();
    assert_eq!(export["consent"][0]["method"], "form");
    assert_eq!(export["consent"][0]["wording"], CONSENT_WORDING);
    assert_eq!(export["consent"][0]["remote_addr"], "127.0.0.1");
    assert_eq!(export["consent"][0]["lists"].as_array().map(Vec::len), Some(2));

    // The confirmation mail, over SMTP; its link shows a button, then its POST confirms.
    common::wait_for("the confirmation mail", || !received(&sink.out).is_empty());
    let mails: Vec<_> = received(&sink.out).iter().map(|r| parse(r)).collect();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, "Erin@Example.org");
    let token = token_in(&mails[0].text, "confirm").expect("a confirmation link");
    let r = http(addr, "GET", &format!("/confirm?token={token}"), &[], "");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(nl.active_lists(erin).unwrap().is_empty(), "opening the link confirms nothing");
    let r = http(addr, "POST", &format!("/confirm?token={token}"), &[ct], "");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(nl.active_lists(erin).unwrap(), vec!["horn", "sahel"]);
    assert_eq!(http(addr, "POST", "/confirm?token=nonsense", &[], "").status, 400);
    // The confirmation went out through the outbox (marked sent once the server took it).
    common::wait_for("the confirmation marked sent", || outbox(&nl).into_values().collect::<Vec<_>>() == vec!["sent"]);

    // The digest: both events, one message, to the real SMTP server.
    let mailer = SmtpMailer::new(&sink.url()).unwrap();
    let when = Timestamp::now() + SignedDuration::from_secs(2);
    let opts = DigestOptions::new(Period::Daily, BASE, from(), when).unwrap();
    let report = run_digest(&nl, &opts, Some(&mailer)).unwrap();
    assert_eq!((report.subscribers, report.composed, report.delivery.sent), (1, 1, 1), "{report:?}");
    let mails: Vec<_> = received(&sink.out).iter().map(|r| parse(r)).collect();
    assert_eq!(mails.len(), 2);
    let digest = &mails[1];
    assert!(digest.text.contains("SR-ML-000001") && digest.text.contains("SR-SO-000001"), "{}", digest.text);
    assert_eq!(digest.message_id, sitrep_digest::compose::message_id(erin, "Erin@Example.org", &report.period, "sitrep.example"));
    assert!(!String::from_utf8_lossy(&digest.raw).contains("Moussa Traore"), "persons are redacted from the PostgreSQL store's events too");
    // The same period again: nothing composed, nothing sent (the outbox row is the key).
    let again = run_digest(&nl, &DigestOptions::new(Period::Daily, BASE, from(), when).unwrap(), Some(&mailer)).unwrap();
    assert_eq!((again.composed, again.already_composed, again.delivery.sent), (0, 1, 0), "{again:?}");

    // Every connection is cut (as a database restart would): the pages connect again, and so
    // does this process's newsletter when asked.
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let cut = admin
        .query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", &[])
        .unwrap();
    assert!(cut.len() >= 2, "the pages' and this test's connections were cut ({})", cut.len());
    nl.reconnect_if_closed().unwrap();

    // One-click unsubscribe (RFC 8058) from the digest's header.
    let lu = digest.header("List-Unsubscribe").unwrap();
    let token = token_in(lu, "unsubscribe").unwrap();
    assert_eq!(nl.read_unsubscribe_token(&token, Timestamp::now()).unwrap(), (erin, None));
    let page = http(addr, "GET", &format!("/unsubscribe?token={token}"), &[], "");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Erin@Example.org"), "{}", page.body);
    let r = http(addr, "POST", &format!("/unsubscribe?token={token}"), &[ct], "List-Unsubscribe=One-Click");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(nl.active_lists(erin).unwrap().is_empty(), "one-click took effect at once");
    assert_eq!(nl.texts("SELECT method FROM unsubscribe_events").unwrap(), vec!["one-click"]);
    // A later digest goes to nobody; erasure removes every row.
    let later = DigestOptions::new(Period::Weekly, BASE, from(), when).unwrap();
    assert_eq!(run_digest(&nl, &later, Some(&mailer)).unwrap().subscribers, 0);
    assert!(nl.erase("erin@example.org").unwrap());
    for table in ["subscribers", "subscriptions", "consent_records", "pending_confirmations", "unsubscribe_events", "outbox", "digest_cursors"] {
        assert_eq!(nl.count(&format!("SELECT COUNT(*) FROM {table}")).unwrap(), 0, "{table} after erasure");
    }
}

/// Every newsletter table as text rows, the same query on either backend.
fn newsletter_rows(nl: &Newsletter) -> Vec<(String, Vec<String>)> {
    let c = |col: &str| format!("COALESCE(CAST({col} AS TEXT), '-')");
    let tables: &[(&str, &[&str], &str)] = &[
        ("watch_lists", &["id", "name", "filter", "severity", "created_at"], "id"),
        ("subscribers", &["id", "email", "status", "created_at", "confirmed_at", "hard_bounces", "suspended_at"], "id"),
        ("subscriptions", &["subscriber_id", "list_id", "status", "created_at", "confirmed_at"], "subscriber_id, list_id"),
        ("consent_records", &["id", "subscriber_id", "at", "method", "lists", "wording", "remote_addr", "confirmed_at"], "id"),
        ("pending_confirmations", &["id", "subscriber_id", "consent_id", "created_at", "expires_at", "confirmed_at"], "id"),
        ("unsubscribe_events", &["id", "subscriber_id", "list_id", "at", "method"], "id"),
        ("digest_cursors", &["subscriber_id", "period", "until"], "subscriber_id, period"),
        (
            "outbox",
            &["id", "message_id", "subscriber_id", "period", "recipient", "sender", "length(raw)", "events", "status", "attempts", "next_attempt_at", "last_error", "created_at", "sent_at"],
            "id",
        ),
    ];
    tables
        .iter()
        .map(|(table, cols, order)| {
            let row = cols.iter().map(|col| c(col)).collect::<Vec<_>>().join(" || '|' || ");
            // Table and column names come from the fixed list above.
            ((*table).to_owned(), nl.texts(&format!("SELECT {row} FROM {table} ORDER BY {order}")).unwrap())
        })
        .collect()
}

#[test]
fn migrate_carries_the_newsletter_into_postgres_with_its_ids_and_old_links_keep_working() {
    let dir = tempfile::tempdir().unwrap();
    let lite = common::newsletter(dir.path());
    let now = Timestamp::now();
    lite.add_list("sahel", "country:ML", Some(5), now).unwrap();
    lite.add_list("horn", "country:SO", None, now).unwrap();
    let mut ids = BTreeMap::new();
    for (email, lists) in [("ana@example.org", vec!["sahel", "horn"]), ("ben@example.org", vec!["horn"])] {
        let lists: Vec<String> = lists.into_iter().map(str::to_owned).collect();
        let p = lite.subscribe(email, &lists, ConsentMethod::Cli, CONSENT_WORDING, Some("192.0.2.7"), now).unwrap();
        lite.confirm(&p.token, now).unwrap();
        ids.insert(email, p.subscriber_id);
    }
    let ben_horn = lite.unsubscribe_token(ids["ben@example.org"], Some(lite.list("horn").unwrap().unwrap().id), now);
    // Pending, with its confirmation queued (not sent: no SMTP yet).
    let pending = lite.subscribe("cleo@example.org", &["sahel".to_owned()], ConsentMethod::Form, "the form's words", None, now).unwrap();
    queue_confirmation(&lite, &pending, CONSENT_WORDING, BASE, &from(), None, now).unwrap();
    // Ana leaves horn; a digest is composed into the outbox (no mailer: queued, not sent).
    lite.unsubscribe(ids["ana@example.org"], Some(lite.list("horn").unwrap().unwrap().id), "cli", now).unwrap();
    let when = now + SignedDuration::from_secs(2);
    let report = run_digest(&lite, &DigestOptions::new(Period::Daily, BASE, from(), when).unwrap(), None).unwrap();
    assert_eq!(report.composed, 2, "{report:?}");
    let before = newsletter_rows(&lite);
    assert!(before.iter().all(|(_, rows)| !rows.is_empty()), "every newsletter table has rows to copy: {before:?}");

    let url = sitrep_pg::test_cluster::fresh_database("newsletter_migrate");
    let mut target = sitrep_pg::PgStore::connect(&url, &PgOptions::default()).unwrap();
    let copied: BTreeMap<&str, u64> = sitrep_pg::migrate::migrate_sqlite(&dir.path().join("sitrep.db"), &mut target).unwrap().into_iter().collect();
    for (table, rows) in &before {
        assert_eq!(copied[table.as_str()], rows.len() as u64, "{table} rows copied");
    }
    // Migrating again into the now non-empty store is refused.
    assert!(sitrep_pg::migrate::migrate_sqlite(&dir.path().join("sitrep.db"), &mut target).is_err());
    drop(target);

    // The SQLite keyring sits beside the file; PostgreSQL is pointed at the same one.
    let pg = Newsletter::open_db(&url, Some(dir.path()), &PgOptions::default()).unwrap();
    assert_eq!(newsletter_rows(&pg), before, "every newsletter row, ids and message bytes' lengths included");
    assert_eq!(pg.lists().unwrap(), lite.lists().unwrap());
    assert_eq!(pg.subscribers().unwrap(), lite.subscribers().unwrap());
    for email in ["ana@example.org", "ben@example.org", "cleo@example.org"] {
        assert_eq!(pg.export(email).unwrap(), lite.export(email).unwrap(), "{email}'s data export");
    }

    // Links mailed before the move: a pending confirmation and an unsubscribe link.
    assert_eq!(pg.confirm(&pending.token, Timestamp::now()).unwrap(), ("cleo@example.org".to_owned(), vec!["sahel".to_owned()]));
    let (sub, list) = pg.read_unsubscribe_token(&ben_horn, Timestamp::now()).unwrap();
    assert_eq!(pg.unsubscribe(sub, list, "link", Timestamp::now()).unwrap(), 1);
    assert!(pg.active_lists(ids["ben@example.org"]).unwrap().is_empty());

    // Ben left his last list: his queued digest was cancelled at once, on PostgreSQL.
    assert_eq!(outbox(&pg)[&format!("ben@example.org {}", report.period)], "cancelled");
    // The queued outbox is delivered from PostgreSQL: the confirmation, and Ana's digest as
    // composed (same Message-ID).
    let sink = Sink::start(&dir.path().join("mail"), &dir.path().join("rules"));
    // At the digest run's time (a little ahead of the clock: the digest is due from then).
    let delivery = deliver_due(&pg, &SmtpMailer::new(&sink.url()).unwrap(), when.max(Timestamp::now())).unwrap();
    assert_eq!((delivery.sent, delivery.cancelled), (2, 0), "{delivery:?}");
    let mails: Vec<_> = received(&sink.out).iter().map(|r| parse(r)).collect();
    let ana = mails.iter().find(|m| m.to == "ana@example.org").expect("Ana's digest");
    assert_eq!(ana.message_id, sitrep_digest::compose::message_id(ids["ana@example.org"], "ana@example.org", &report.period, "sitrep.example"));
    assert!(mails.iter().any(|m| m.to == "cleo@example.org" && token_in(&m.text, "confirm").as_deref() == Some(pending.token.as_str())));
    let statuses = outbox(&pg);
    assert_eq!(statuses.values().filter(|s| *s == "sent").count(), 2, "{statuses:?}");
    // The same period is not composed again after the move for Ana; Cleo, confirmed since,
    // gets her first.
    let again = run_digest(&pg, &DigestOptions::new(Period::Daily, BASE, from(), when).unwrap(), None).unwrap();
    assert_eq!((again.already_composed, again.composed), (1, 1), "{again:?}");

    // New rows continue after the copied ids.
    let max_before = before.iter().find(|(t, _)| t == "subscribers").unwrap().1.len() as i64;
    let p = pg.subscribe("dora@example.org", &["sahel".to_owned()], ConsentMethod::Cli, CONSENT_WORDING, None, Timestamp::now()).unwrap();
    assert!(p.subscriber_id > max_before, "new subscriber id {} after {max_before}", p.subscriber_id);
    let l = pg.add_list("andes", "country:PE", None, Timestamp::now()).unwrap();
    assert_eq!(l.id, 3);
}
