//! The newsletter routes served on a loopback port: the subscribe form (anti-forgery token and
//! cookie, at least one list, rate limit), the confirmation mail over real SMTP and its link,
//! and unsubscribing from a digest's link and by RFC 8058 one-click POST, taking effect at once.

mod common;

use common::{form_body, hidden, http, parse, received, serve, token_in, Sink};
use jiff::Timestamp;
use sitrep_digest::web::{WebConfig, WebState};
use sitrep_digest::{run_digest, ConsentMethod, DigestOptions, Newsletter, Period, SmtpMailer, CONSENT_WORDING};

const BASE: &str = "https://sitrep.example";

#[test]
fn unsubscribe_from_a_digest_link_and_by_one_click_post_takes_effect_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sitrep.db");
    common::ingest_articles(dir.path(), &db);
    let nl = Newsletter::open(&db).unwrap();
    // A little after the ingest: a digest's window ends a whole second back.
    let now = Timestamp::now() + jiff::SignedDuration::from_secs(2);
    nl.add_list("sahel", "country:ML", None, now).unwrap();
    nl.add_list("horn", "country:SO", None, now).unwrap();
    for (email, lists) in [("alice@example.org", vec!["sahel".to_owned()]), ("carol@example.org", vec!["sahel".to_owned(), "horn".to_owned()])] {
        let p = nl.subscribe(email, &lists, ConsentMethod::Cli, CONSENT_WORDING, None, now).unwrap();
        nl.confirm(&p.token, now).unwrap();
    }
    let sink = Sink::start(&dir.path().join("mail"), &dir.path().join("rules"));
    let mailer = SmtpMailer::new(&sink.url()).unwrap();
    let opts = DigestOptions::new(Period::Daily, BASE, "digest@sitrep.example".parse().unwrap(), now).unwrap();
    run_digest(&nl, &opts, Some(&mailer)).unwrap();
    let mails: Vec<_> = received(&sink.out).iter().map(|r| parse(r)).collect();
    let alice = mails.iter().find(|m| m.to == "alice@example.org").unwrap();
    let carol = mails.iter().find(|m| m.to == "carol@example.org").unwrap();

    let state = WebState::open(WebConfig::new(&db, BASE)).unwrap();
    let (_rt, addr) = serve(state);

    // One-click (RFC 8058): POST the List-Unsubscribe URL with the one-click body.
    let lu = alice.header("List-Unsubscribe").unwrap();
    let token = token_in(lu, "unsubscribe").unwrap();
    let r = http(addr, "POST", &format!("/unsubscribe?token={token}"), &[("Content-Type", "application/x-www-form-urlencoded")], "List-Unsubscribe=One-Click");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.header("Content-Security-Policy").unwrap().contains("default-src 'self'"));
    assert!(nl.active_lists(nl.subscriber_id("alice@example.org").unwrap().unwrap()).unwrap().is_empty(), "one-click took effect at once");
    let method: String = nl.sqlite().unwrap().connection().query_row("SELECT method FROM unsubscribe_events ORDER BY id DESC LIMIT 1", [], |r| r.get(0)).unwrap();
    assert_eq!(method, "one-click");

    // The footer link for one list: a page with a button (GET changes nothing), then its POST.
    let line = carol.text.lines().find(|l| l.starts_with("Unsubscribe from \"horn\"")).unwrap();
    let horn_token = token_in(line, "unsubscribe").unwrap();
    let page = http(addr, "GET", &format!("/unsubscribe?token={horn_token}"), &[], "");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Stop the &quot;horn&quot; situation reports to carol@example.org?"), "{}", page.body);
    assert!(page.body.contains("<button type=\"submit\">Unsubscribe</button>") && !page.body.contains("<script"));
    let carol_id = nl.subscriber_id("carol@example.org").unwrap().unwrap();
    assert_eq!(nl.active_lists(carol_id).unwrap(), vec!["horn", "sahel"]);
    let r = http(addr, "POST", &format!("/unsubscribe?token={horn_token}"), &[("Content-Type", "application/x-www-form-urlencoded")], &form_body(&[("List-Unsubscribe", "One-Click")]));
    assert_eq!(r.status, 200);
    assert_eq!(nl.active_lists(carol_id).unwrap(), vec!["sahel"]);

    // A forged or missing token does nothing.
    let last = if horn_token.ends_with('A') { 'B' } else { 'A' };
    let bad = format!("{}{last}", &horn_token[..horn_token.len() - 1]);
    assert_eq!(http(addr, "POST", &format!("/unsubscribe?token={bad}"), &[], "List-Unsubscribe=One-Click").status, 400);
    assert_eq!(http(addr, "POST", "/unsubscribe", &[], "List-Unsubscribe=One-Click").status, 400);
    assert_eq!(nl.active_lists(carol_id).unwrap(), vec!["sahel"]);
}

#[test]
fn the_subscribe_form_needs_its_token_and_cookie_and_a_list_then_confirms_by_mail() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sitrep.db");
    let nl = Newsletter::open(&db).unwrap();
    nl.add_list("sahel", "country:ML", None, Timestamp::now()).unwrap();
    nl.add_list("<b>horn</b>", "country:SO", None, Timestamp::now()).unwrap();
    let sink = Sink::start(&dir.path().join("mail"), &dir.path().join("rules"));
    let mut config = WebConfig::new(&db, BASE);
    config.from = Some("sitrep <confirm@sitrep.example>".parse().unwrap());
    config.smtp = Some(sink.url());
    config.rate_limit = 4;
    let (_rt, addr) = serve(WebState::open(config).unwrap());

    let form = http(addr, "GET", "/subscribe", &[], "");
    assert_eq!(form.status, 200);
    assert!(form.body.contains(CONSENT_WORDING));
    assert!(form.body.contains("&lt;b&gt;horn&lt;/b&gt;") && !form.body.contains("<b>horn</b>"), "list names are escaped");
    assert!(!form.body.contains("<script") && form.header("Content-Security-Policy").unwrap().contains("default-src 'self'"));
    let csrf = hidden(&form.body, "csrf");
    let cookie = form.header("Set-Cookie").unwrap().split(';').next().unwrap().to_owned();
    assert!(form.header("Set-Cookie").unwrap().contains("HttpOnly") && form.header("Set-Cookie").unwrap().contains("SameSite=Strict"));
    let ct = ("Content-Type", "application/x-www-form-urlencoded");

    // Without the cookie (a cross-site post replaying a token): refused.
    let body = form_body(&[("email", "erin@example.org"), ("list", "sahel"), ("csrf", &csrf)]);
    assert_eq!(http(addr, "POST", "/subscribe", &[ct], &body).status, 403);
    // No list chosen: refused, the form again.
    let none = form_body(&[("email", "erin@example.org"), ("csrf", &csrf)]);
    let r = http(addr, "POST", "/subscribe", &[ct, ("Cookie", &cookie)], &none);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Select at least one watch list."));
    // A real request.
    let body = form_body(&[("email", "erin@example.org"), ("list", "sahel"), ("list", "<b>horn</b>"), ("csrf", &csrf)]);
    let r = http(addr, "POST", "/subscribe", &[ct, ("Cookie", &cookie)], &body);
    assert_eq!(r.status, 200, "{}", r.body);
    let erin = nl.subscriber_id("erin@example.org").unwrap().unwrap();
    assert!(nl.active_lists(erin).unwrap().is_empty(), "nothing is active before the confirmation");
    let export = nl.export("erin@example.org").unwrap().unwrap();
    assert_eq!(export["consent"][0]["method"], "form");
    assert_eq!(export["consent"][0]["wording"], CONSENT_WORDING);
    assert_eq!(export["consent"][0]["remote_addr"], "127.0.0.1");

    // The confirmation arrived over SMTP; its link confirms.
    let mails: Vec<_> = received(&sink.out).iter().map(|r| parse(r)).collect();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, "erin@example.org");
    let token = token_in(&mails[0].text, "confirm").expect("a confirmation link");
    assert!(mails[0].text.contains(&format!("{BASE}/confirm?token={token}")));
    // Opening the link (as a mail scanner would) shows a button and confirms nothing.
    let r = http(addr, "GET", &format!("/confirm?token={token}"), &[], "");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Send sitrep situation reports to erin@example.org for: sahel, &lt;b&gt;horn&lt;/b&gt;?"), "{}", r.body);
    assert!(nl.active_lists(erin).unwrap().is_empty());
    let r = http(addr, "POST", &format!("/confirm?token={token}"), &[ct], "");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(nl.active_lists(erin).unwrap(), vec!["<b>horn</b>", "sahel"]);
    assert_eq!(http(addr, "GET", "/confirm?token=nonsense", &[], "").status, 400);
    assert_eq!(http(addr, "POST", "/confirm?token=nonsense", &[], "").status, 400);

    // Rate limit: four attempts per window from one address (three used above), then 429.
    let r = http(addr, "POST", "/subscribe", &[ct, ("Cookie", &cookie)], &body);
    assert_eq!(r.status, 200);
    let r = http(addr, "POST", "/subscribe", &[ct, ("Cookie", &cookie)], &body);
    assert_eq!(r.status, 429);
    assert!(r.header("Retry-After").is_some());
}

#[test]
fn watch_lists_over_the_api_are_readable_by_all_and_changed_only_with_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sitrep.db");
    let nl = Newsletter::open(&db).unwrap();
    nl.add_list("sahel", "country:ML", Some(10), Timestamp::now()).unwrap();
    let token = "a-long-random-admin-token-for-tests";
    let mut config = WebConfig::new(&db, BASE);
    config.admin_token = Some(token.to_owned());
    let (_rt, addr) = serve(WebState::open(config).unwrap());

    let r = http(addr, "GET", "/api/lists", &[], "");
    assert_eq!(r.status, 200);
    let lists: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(lists[0]["name"], "sahel");
    assert_eq!(lists[0]["severity"], 10);

    let json = ("Content-Type", "application/json");
    let body = r#"{"name": "horn", "filter": "country:SO,ET type:battles"}"#;
    assert_eq!(http(addr, "POST", "/api/lists", &[json], body).status, 401);
    assert_eq!(http(addr, "POST", "/api/lists", &[json, ("Authorization", "Bearer wrong-token-wrong-token-xx")], body).status, 401);
    let auth = format!("Bearer {token}");
    let r = http(addr, "POST", "/api/lists", &[json, ("Authorization", &auth)], body);
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(nl.list("horn").unwrap().unwrap().filter, "country:SO,ET type:battles");
    assert_eq!(http(addr, "POST", "/api/lists", &[json, ("Authorization", &auth)], body).status, 409);
    let bad = r#"{"name": "x", "filter": "country:Somalia"}"#;
    assert_eq!(http(addr, "POST", "/api/lists", &[json, ("Authorization", &auth)], bad).status, 422);
    assert_eq!(http(addr, "DELETE", "/api/lists/horn", &[], "").status, 401);
    assert_eq!(http(addr, "DELETE", "/api/lists/horn", &[("Authorization", &auth)], "").status, 204);
    assert!(nl.list("horn").unwrap().is_none());
    assert_eq!(http(addr, "DELETE", "/api/lists/horn", &[("Authorization", &auth)], "").status, 404);
}
