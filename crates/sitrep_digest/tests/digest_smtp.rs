//! Digests end to end against a real SMTP server (aiosmtpd on loopback): what arrives, for whom,
//! with which headers and links; a server killed mid-run; 4xx retry; 5xx bounces and suspension.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{parse, received, token_in, wait_for, Sink};
use jiff::{SignedDuration, Timestamp};
use lettre::message::Mailbox;
use sitrep_digest::digest::deliver_due;
use sitrep_digest::{run_digest, ConsentMethod, DigestOptions, Newsletter, Period, SmtpMailer, CONSENT_WORDING};

const BASE: &str = "https://sitrep.example";

fn from() -> Mailbox {
    "sitrep digests <digest@sitrep.example>".parse().unwrap()
}

/// A run a little after the ingest: the window ends a whole second back (see `window_end`).
fn after_ingest() -> Timestamp {
    Timestamp::now() + SignedDuration::from_secs(2)
}

fn confirmed(nl: &Newsletter, email: &str, lists: &[&str]) -> i64 {
    let lists: Vec<String> = lists.iter().map(|s| (*s).to_owned()).collect();
    let p = nl.subscribe(email, &lists, ConsentMethod::Cli, CONSENT_WORDING, None, Timestamp::now()).unwrap();
    nl.confirm(&p.token, Timestamp::now()).unwrap();
    p.subscriber_id
}

fn outbox_statuses(nl: &Newsletter) -> BTreeMap<String, String> {
    let mut stmt = nl.sqlite().unwrap().connection().prepare("SELECT recipient || ' ' || period, status FROM outbox").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
}

#[test]
fn each_subscriber_gets_their_lists_events_with_headers_valid_links_escaped_html_and_a_map() {
    let dir = tempfile::tempdir().unwrap();
    let nl = common::newsletter(dir.path());
    let now = Timestamp::now();
    nl.add_list("sahel", "country:ML", None, now).unwrap();
    nl.add_list("horn", "country:SO", None, now).unwrap();
    let alice = confirmed(&nl, "alice@example.org", &["sahel"]);
    confirmed(&nl, "bob@example.org", &["horn"]);
    confirmed(&nl, "carol@example.org", &["sahel", "horn"]);
    // Pending (never confirmed) subscribers get nothing.
    nl.subscribe("dan@example.org", &["sahel".into()], ConsentMethod::Cli, CONSENT_WORDING, None, now).unwrap();

    let sink = Sink::start(&dir.path().join("mail"), &dir.path().join("rules"));
    let mailer = SmtpMailer::new(&sink.url()).unwrap();
    let opts = DigestOptions::new(Period::Daily, BASE, from(), after_ingest()).unwrap();
    let report = run_digest(&nl, &opts, Some(&mailer)).unwrap();
    assert_eq!((report.subscribers, report.composed, report.delivery.sent), (3, 3, 3), "{report:?}");

    let mails: Vec<_> = received(&sink.out).iter().map(|r| parse(r)).collect();
    assert_eq!(mails.len(), 3);
    let by_to: BTreeMap<&str, &common::Mail> = mails.iter().map(|m| (m.to.as_str(), m)).collect();
    let ids = |m: &common::Mail| -> BTreeSet<String> {
        ["SR-ML-000001", "SR-SO-000001"].iter().filter(|id| m.text.contains(*id)).map(|s| (*s).to_owned()).collect()
    };
    assert_eq!(ids(by_to["alice@example.org"]), BTreeSet::from(["SR-ML-000001".to_owned()]));
    assert_eq!(ids(by_to["bob@example.org"]), BTreeSet::from(["SR-SO-000001".to_owned()]));
    assert_eq!(ids(by_to["carol@example.org"]).len(), 2);

    let m = by_to["alice@example.org"];
    // Headers: deterministic Message-ID, RFC 8058 one-click, a valid signed unsubscribe link.
    let expected_id = sitrep_digest::compose::message_id(alice, "alice@example.org", &report.period, "sitrep.example");
    assert_eq!(m.message_id, expected_id);
    assert_eq!(m.header("List-Unsubscribe-Post"), Some("List-Unsubscribe=One-Click"));
    let lu = m.header("List-Unsubscribe").expect("List-Unsubscribe header");
    assert!(lu.starts_with(&format!("<{BASE}/unsubscribe?token=")), "{lu}");
    let token = token_in(lu, "unsubscribe").unwrap();
    assert_eq!(nl.read_unsubscribe_token(&token, Timestamp::now()).unwrap(), (alice, None));
    // The footer carries the same link in both parts; the per-list link verifies too.
    assert!(m.text.contains(&format!("{BASE}/unsubscribe?token={token}")));
    assert!(m.html.contains(&format!("{BASE}/unsubscribe?token={token}")));
    let sahel = nl.list("sahel").unwrap().unwrap();
    let per_list = m.text.lines().find(|l| l.starts_with("Unsubscribe from \"sahel\"")).unwrap();
    assert_eq!(nl.read_unsubscribe_token(&token_in(per_list, "unsubscribe").unwrap(), Timestamp::now()).unwrap(), (alice, Some(sahel.id)));
    // Event links point at the web page.
    assert!(m.text.contains(&format!("{BASE}/#event=SR-ML-000001")) && m.html.contains(&format!("{BASE}/#event=SR-ML-000001")));
    // Content: type, date, place with precision, actors, fatalities, sources.
    assert!(m.text.contains("Battles / Armed clash — 2026-02-02"), "{}", m.text);
    assert!(m.text.contains("Gao") && m.text.contains("(precision: district)"));
    assert!(m.text.contains("Military Forces of Mali"));
    assert!(m.text.contains("Fatalities: 7"));
    assert!(m.text.contains("https://wire.example/2026/gao-clash"));
    // The outlet's name carries markup: escaped in HTML, kept as written in plain text.
    assert!(!m.html.contains("<script>"), "unescaped markup in the HTML part");
    assert!(m.html.contains("Sahel &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Wire"), "{}", m.html);
    assert!(m.text.contains("Sahel <script>alert('x')</script> Wire"));
    // A person named in the article behind the event is not in the message.
    let persons = nl.store().person_names(&["SR-ML-000001".to_owned()]).unwrap();
    assert!(persons.contains("Moussa Traore"), "{persons:?}");
    assert!(!String::from_utf8_lossy(&m.raw).contains("Moussa Traore"));
    // The map: one inline PNG, referenced by its Content-ID, no remote images.
    assert_eq!(m.images.len(), 1);
    assert_eq!(m.images[0].0, "<map@sitrep>");
    assert_eq!(&m.images[0].1[1..4], b"PNG");
    assert!(m.html.contains("src=\"cid:map@sitrep\""));
    assert!(!m.html.contains("src=\"http"));

    // Running the same period again composes and sends nothing new.
    let again = run_digest(&nl, &DigestOptions::new(Period::Daily, BASE, from(), after_ingest()).unwrap(), Some(&mailer)).unwrap();
    assert_eq!((again.composed, again.already_composed, again.delivery.sent), (0, 3, 0), "{again:?}");
    assert_eq!(received(&sink.out).len(), 3);
}

#[test]
fn a_server_killed_mid_run_and_restarted_yields_exactly_one_message_per_subscriber() {
    let dir = tempfile::tempdir().unwrap();
    let nl = common::newsletter(dir.path());
    nl.add_list("sahel", "country:ML", None, Timestamp::now()).unwrap();
    let people: Vec<String> = (1..=8).map(|i| format!("reader{i}@example.org")).collect();
    for p in &people {
        confirmed(&nl, p, &["sahel"]);
    }
    let out = dir.path().join("mail");
    let rules = dir.path().join("rules");
    // Slow DATA answers so the run is still going when the server dies.
    std::fs::write(&rules, "delay 0.3\n").unwrap();
    let mut sink = Sink::start(&out, &rules);
    let url = sink.url();
    let now = after_ingest();
    let run = std::thread::spawn(move || {
        let mailer = SmtpMailer::new(&url).unwrap();
        let opts = DigestOptions::new(Period::Daily, BASE, from(), now).unwrap();
        let report = run_digest(&nl, &opts, Some(&mailer)).unwrap();
        (nl, report)
    });
    wait_for("two messages to arrive", || received(&out).len() >= 2);
    sink.kill();
    let (nl, first) = run.join().unwrap();
    assert_eq!(first.composed, 8);
    // The second message may have been stored without its 250 getting out before the kill: then
    // it counts as deferred and arrives twice (same Message-ID), which the checks below allow.
    assert!(first.delivery.sent >= 1 && first.delivery.deferred >= 1, "{first:?}");
    assert_eq!(first.delivery.sent + first.delivery.deferred, 8);

    // A restart, and the next run after the backoff: the queued messages go out; nothing new is composed.
    std::fs::write(&rules, "").unwrap();
    let sink = Sink::start(&out, &rules);
    let mailer = SmtpMailer::new(&sink.url()).unwrap();
    let later = now + SignedDuration::from_mins(5);
    let second = run_digest(&nl, &DigestOptions::new(Period::Daily, BASE, from(), later).unwrap(), Some(&mailer)).unwrap();
    assert_eq!(second.composed, 0, "{second:?}");
    assert_eq!(second.already_composed, 8);
    assert_eq!(second.delivery.sent, first.delivery.deferred);

    // After dedup by Message-ID: exactly one message per (subscriber, period), each subscriber one id.
    let mails: Vec<_> = received(&out).iter().map(|r| parse(r)).collect();
    assert!(mails.len() >= 8, "a message accepted just before the kill may arrive twice, never less than once");
    let mut ids_by_to: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for m in &mails {
        ids_by_to.entry(m.to.clone()).or_default().insert(m.message_id.clone());
    }
    assert_eq!(ids_by_to.keys().cloned().collect::<Vec<_>>(), { let mut p = people.clone(); p.sort(); p });
    for (to, ids) in &ids_by_to {
        assert_eq!(ids.len(), 1, "{to} got {ids:?}");
    }
    // Duplicates (if any) are byte-identical: the same message, not a second one.
    let mut by_id: BTreeMap<&str, &[u8]> = BTreeMap::new();
    for m in &mails {
        if let Some(prev) = by_id.insert(&m.message_id, &m.raw) {
            assert_eq!(prev, &m.raw[..]);
        }
    }
    assert!(outbox_statuses(&nl).values().all(|s| s == "sent"));
}

#[test]
fn a_message_accepted_but_unacknowledged_is_resent_identically_a_duplicate_never_a_loss() {
    let dir = tempfile::tempdir().unwrap();
    let nl = common::newsletter(dir.path());
    nl.add_list("sahel", "country:ML", None, Timestamp::now()).unwrap();
    confirmed(&nl, "unlucky@example.org", &["sahel"]);
    let out = dir.path().join("mail");
    let rules = dir.path().join("rules");
    // The server stores the message, then dies before its 250 reaches sitrep.
    std::fs::write(&rules, "crash-after-data unlucky@example.org\n").unwrap();
    let now = after_ingest();
    let first = {
        let sink = Sink::start(&out, &rules);
        let mailer = SmtpMailer::new(&sink.url()).unwrap();
        run_digest(&nl, &DigestOptions::new(Period::Daily, BASE, from(), now).unwrap(), Some(&mailer)).unwrap()
    };
    assert_eq!((first.delivery.sent, first.delivery.deferred), (0, 1), "{first:?}");
    assert_eq!(received(&out).len(), 1, "the server did store it");

    std::fs::write(&rules, "").unwrap();
    let sink = Sink::start(&out, &rules);
    let mailer = SmtpMailer::new(&sink.url()).unwrap();
    let d = deliver_due(&nl, &mailer, now + SignedDuration::from_mins(5)).unwrap();
    assert_eq!(d.sent, 1);
    let mails: Vec<_> = received(&out).iter().map(|r| parse(r)).collect();
    assert_eq!(mails.len(), 2, "at least once: the unacknowledged message is sent again");
    assert_eq!(mails[0].message_id, mails[1].message_id);
    assert_eq!(mails[0].raw, mails[1].raw, "the same message, byte for byte, for the receiver to deduplicate");
}

#[test]
fn a_4xx_is_retried_after_backoff_and_three_hard_bounces_suspend_the_address() {
    let dir = tempfile::tempdir().unwrap();
    let nl = common::newsletter(dir.path());
    let now = after_ingest();
    // The severity threshold makes the list eligible for `immediate` alerts.
    nl.add_list("sahel-alerts", "country:ML", Some(5), now).unwrap();
    let bouncer = confirmed(&nl, "bounce-me@example.org", &["sahel-alerts"]);
    confirmed(&nl, "defer-me@example.org", &["sahel-alerts"]);
    confirmed(&nl, "fine@example.org", &["sahel-alerts"]);
    let out = dir.path().join("mail");
    let rules = dir.path().join("rules");
    std::fs::write(&rules, "reply bounce-*@example.org 550 5.1.1 no such user\nreply defer-*@example.org 451 4.3.0 try again later\n").unwrap();
    let sink = Sink::start(&out, &rules);
    let mailer = SmtpMailer::new(&sink.url()).unwrap();

    let mut suspended = Vec::new();
    for (i, period) in [Period::Daily, Period::Weekly, Period::Immediate].into_iter().enumerate() {
        let r = run_digest(&nl, &DigestOptions::new(period, BASE, from(), now).unwrap(), Some(&mailer)).unwrap();
        assert_eq!(r.composed, 3, "{period:?}: {r:?}");
        assert_eq!(r.delivery.bounced, 1, "{period:?}: {r:?}");
        // Queued 4xx messages from earlier periods are not due yet (backoff), only this period's.
        assert_eq!(r.delivery.deferred, 1, "{period:?}: {r:?}");
        suspended.extend(r.delivery.suspended.clone());
        let bounces: i64 = nl.sqlite().unwrap().connection().query_row("SELECT hard_bounces FROM subscribers WHERE id = ?1", [bouncer], |r| r.get(0)).unwrap();
        assert_eq!(bounces, i as i64 + 1);
    }
    assert_eq!(suspended, vec!["bounce-me@example.org".to_owned()]);
    let status: String = nl.sqlite().unwrap().connection().query_row("SELECT status FROM subscribers WHERE id = ?1", [bouncer], |r| r.get(0)).unwrap();
    assert_eq!(status, "suspended");

    // Nothing arrived for the 4xx address yet; its three messages are queued with a retry time.
    assert!(received(&out).iter().map(|r| parse(r)).all(|m| m.to != "defer-me@example.org"));
    let statuses = outbox_statuses(&nl);
    assert_eq!(statuses.iter().filter(|(k, v)| k.starts_with("defer-me") && *v == "queued").count(), 3);
    // Before the backoff has passed, nothing is retried.
    assert_eq!(deliver_due(&nl, &mailer, now + SignedDuration::from_secs(30)).unwrap().deferred, 0);
    // The server stops deferring; after the backoff the same messages go out.
    std::fs::write(&rules, "reply bounce-*@example.org 550 5.1.1 no such user\n").unwrap();
    let d = deliver_due(&nl, &mailer, now + SignedDuration::from_mins(3)).unwrap();
    assert_eq!(d.sent, 3, "{d:?}");
    let attempts: Vec<i64> = {
        let mut stmt = nl.sqlite().unwrap().connection().prepare("SELECT attempts FROM outbox WHERE recipient = 'defer-me@example.org'").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    assert_eq!(attempts, vec![2, 2, 2]);
    let deferred_mail: Vec<_> = received(&out).iter().map(|r| parse(r)).filter(|m| m.to == "defer-me@example.org").collect();
    assert_eq!(deferred_mail.len(), 3);
    assert_eq!(deferred_mail.iter().map(|m| m.message_id.clone()).collect::<BTreeSet<_>>().len(), 3);

    // A suspended address gets nothing more, and cannot re-subscribe itself.
    let next_day = now + SignedDuration::from_hours(24);
    let r = run_digest(&nl, &DigestOptions::new(Period::Daily, BASE, from(), next_day).unwrap(), Some(&mailer)).unwrap();
    assert_eq!(r.subscribers, 2);
    assert!(nl.subscribe("bounce-me@example.org", &["sahel-alerts".into()], ConsentMethod::Cli, CONSENT_WORDING, None, next_day).is_err());
}

#[test]
fn immediate_alerts_only_for_lists_with_a_severity_threshold_that_an_event_meets() {
    let dir = tempfile::tempdir().unwrap();
    let nl = common::newsletter(dir.path());
    let now = after_ingest();
    nl.add_list("sahel", "country:ML", None, now).unwrap();
    nl.add_list("sahel-10", "country:ML", Some(10), now).unwrap();
    nl.add_list("horn-10", "country:SO", Some(10), now).unwrap();
    confirmed(&nl, "no-threshold@example.org", &["sahel"]);
    confirmed(&nl, "below@example.org", &["sahel-10"]);
    confirmed(&nl, "above@example.org", &["horn-10"]);
    let sink = Sink::start(&dir.path().join("mail"), &dir.path().join("rules"));
    let mailer = SmtpMailer::new(&sink.url()).unwrap();
    let mut opts = DigestOptions::new(Period::Immediate, BASE, from(), now).unwrap();
    opts.dry_run = true;
    let dry = run_digest(&nl, &opts, Some(&mailer)).unwrap();
    assert_eq!(dry.previews.len(), 1);
    assert!(received(&sink.out).is_empty(), "a dry run sends nothing");
    opts.dry_run = false;
    let r = run_digest(&nl, &opts, Some(&mailer)).unwrap();
    assert_eq!((r.composed, r.nothing_new, r.delivery.sent), (1, 2, 1), "{r:?}");
    let mails: Vec<_> = received(&sink.out).iter().map(|r| parse(r)).collect();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, "above@example.org");
    assert!(mails[0].text.contains("SR-SO-000001") && mails[0].text.contains("Fatalities: 12"));
}

/// RFC 6376 relaxed header canonicalisation of one raw header (name, value with its folds).
fn relaxed_header(name: &str, value: &str) -> String {
    let unfolded = value.replace("\r\n", "");
    let mut out = String::new();
    let mut space = false;
    for c in unfolded.chars() {
        if c == ' ' || c == '\t' {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    format!("{}:{}\r\n", name.to_lowercase(), out)
}

/// RFC 6376 relaxed body canonicalisation.
fn relaxed_body(body: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(body);
    let mut lines: Vec<String> = text
        .split("\r\n")
        .map(|l| {
            let mut out = String::new();
            let mut space = false;
            for c in l.chars() {
                if c == ' ' || c == '\t' {
                    space = true;
                } else {
                    if space {
                        out.push(' ');
                    }
                    space = false;
                    out.push(c);
                }
            }
            out
        })
        .collect();
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    let mut out = lines.join("\r\n").into_bytes();
    out.extend_from_slice(b"\r\n");
    out
}

#[test]
fn a_dkim_signature_covers_the_unsubscribe_headers_and_verifies_on_what_arrived() {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    use ed25519_dalek::Verifier;
    use sha2::{Digest, Sha256};

    let dir = tempfile::tempdir().unwrap();
    let nl = common::newsletter(dir.path());
    nl.add_list("sahel", "country:ML", None, Timestamp::now()).unwrap();
    confirmed(&nl, "signed@example.org", &["sahel"]);
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).unwrap();
    let key = sitrep_digest::dkim::DkimSigningKey::new(&STANDARD.encode(secret), sitrep_digest::dkim::DkimSigningAlgorithm::Ed25519).unwrap();
    let mut opts = DigestOptions::new(Period::Daily, BASE, from(), after_ingest()).unwrap();
    opts.dkim = Some(sitrep_digest::compose::dkim_config("digest2026", "sitrep.example", key));
    let sink = Sink::start(&dir.path().join("mail"), &dir.path().join("rules"));
    run_digest(&nl, &opts, Some(&SmtpMailer::new(&sink.url()).unwrap())).unwrap();
    let raw = received(&sink.out).pop().expect("the signed digest arrived");

    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8(raw[..split + 2].to_vec()).unwrap();
    let body = &raw[split + 4..];
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.split_inclusive("\r\n") {
        if line.starts_with([' ', '\t']) {
            headers.last_mut().unwrap().1.push_str(line);
        } else {
            let (name, value) = line.split_once(':').unwrap();
            headers.push((name.to_owned(), value.to_owned()));
        }
    }
    let find = |name: &str| headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(n, v)| (n.clone(), v.trim_end_matches("\r\n").to_owned()));
    let (sig_name, sig_value) = find("DKIM-Signature").expect("a DKIM-Signature header");
    let tags: BTreeMap<String, String> = sig_value
        .split(';')
        .filter_map(|t| t.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.chars().filter(|c| !c.is_whitespace()).collect()))
        .collect();
    assert_eq!(tags["d"], "sitrep.example");
    assert_eq!(tags["s"], "digest2026");
    assert_eq!(tags["a"], "ed25519-sha256");
    let signed: Vec<&str> = tags["h"].split(':').collect();
    assert!(signed.contains(&"list-unsubscribe") && signed.contains(&"list-unsubscribe-post") && signed.contains(&"message-id"), "{signed:?}");

    // The body hash matches the body that arrived.
    assert_eq!(tags["bh"], STANDARD.encode(Sha256::digest(relaxed_body(body))));
    // The signature verifies over the headers that arrived, and fails when List-Unsubscribe is changed.
    let verify = |headers_override: Option<(&str, &str)>| -> bool {
        let mut hashed = String::new();
        for name in &signed {
            let (n, v) = find(name).unwrap();
            let v = match headers_override {
                Some((o, nv)) if o.eq_ignore_ascii_case(name) => nv.to_owned(),
                _ => v,
            };
            hashed.push_str(&relaxed_header(&n, &v));
        }
        let b_at = sig_value.rfind("b=").unwrap();
        assert!(sig_value[..b_at].trim_end().ends_with(';'), "b= is the last tag");
        let unsigned = &sig_value[..b_at + 2];
        hashed.push_str(relaxed_header(&sig_name, unsigned).trim_end_matches("\r\n"));
        let digest = Sha256::digest(hashed.as_bytes());
        let sig = ed25519_dalek::Signature::from_slice(&STANDARD.decode(&tags["b"]).unwrap()).unwrap();
        ed25519_dalek::SigningKey::from_bytes(&secret).verifying_key().verify(&digest, &sig).is_ok()
    };
    assert!(verify(None), "the DKIM signature does not verify on the received message");
    assert!(!verify(Some(("List-Unsubscribe", " <https://evil.example/unsubscribe>"))));
}

#[test]
fn a_run_waits_for_an_ingest_transaction_in_flight_so_no_update_slips_behind_its_cursor() {
    let dir = tempfile::tempdir().unwrap();
    let nl = common::newsletter(dir.path());
    nl.add_list("sahel", "country:ML", None, Timestamp::now()).unwrap();
    confirmed(&nl, "alice@example.org", &["sahel"]);
    let t0 = after_ingest();
    let first = run_digest(&nl, &DigestOptions::new(Period::Daily, BASE, from(), t0).unwrap(), None).unwrap();
    assert_eq!(first.composed, 1);

    // A writer (as an ingest batch would) stamps an update an hour later and holds its transaction open.
    let writer = rusqlite::Connection::open(dir.path().join("sitrep.db")).unwrap();
    writer.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
    writer.execute_batch("BEGIN IMMEDIATE").unwrap();
    let stamp = Timestamp::from_second(t0.as_second() + 3600).unwrap().to_string();
    let changed = writer
        .execute(
            "UPDATE stored_events SET version = version + 1, updated_at = ?1, json = json_set(json, '$.event.updated_at', ?1) WHERE public_id = 'SR-ML-000001'",
            [&stamp],
        )
        .unwrap();
    assert_eq!(changed, 1);
    // The next day's run starts while that transaction is open ...
    let t1 = t0 + SignedDuration::from_hours(24);
    let run = std::thread::spawn(move || {
        let report = run_digest(&nl, &DigestOptions::new(Period::Daily, BASE, from(), t1).unwrap(), None).unwrap();
        (nl, report)
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(!run.is_finished(), "the run must wait for the writer");
    writer.execute_batch("COMMIT").unwrap();
    // ... and, having waited for it, includes the update.
    let (_nl, second) = run.join().unwrap();
    assert_eq!((second.composed, second.nothing_new), (1, 0), "{second:?}");
}
