//! The newsletter's web routes, to be merged into `sitrep serve`'s router:
//! `GET/POST /subscribe` (a server-rendered form, anti-forgery token bound to a cookie, rate
//! limited per client address), `GET /confirm?token=` (a page with a button) and its `POST`,
//! `GET /unsubscribe?token=` (a page with a button) and `POST /unsubscribe?token=` (RFC 8058
//! one-click). Pages are templates with
//! auto-escaping and no scripts; every response forbids framing, caching and referrers (the
//! URLs carry tokens).

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use jiff::Timestamp;
use lettre::message::Mailbox;
use serde::Serialize;

use crate::compose::templates;
use crate::digest::{check_base_url, deliver_message, queue_confirmation};
use crate::keys::{random_nonce, Purpose};
use crate::send::{Mailer, SmtpMailer};
use crate::subscribers::{ConsentMethod, Newsletter, CONSENT_WORDING};
use crate::Error;
use sitrep_pg::PgOptions;

/// The form cookie: holds the nonce the form's signed token is bound to.
const FORM_COOKIE: &str = "sitrep_form";
/// Largest form body read.
const MAX_BODY: usize = 16 * 1024;

/// What the routes need.
pub struct WebConfig {
    /// An SQLite file, or a `postgres://` URL.
    pub db: String,
    /// The keyring's directory (required with PostgreSQL; for SQLite, the database's by default).
    pub keys_dir: Option<PathBuf>,
    /// Connection settings when `db` is PostgreSQL.
    pub pg: PgOptions,
    /// Where the site is served; confirmation links are built on it.
    pub base_url: String,
    /// Sender and SMTP URL for confirmation mail; without them the message waits in the outbox
    /// for the next `sitrep digest` run (which delivers everything due).
    pub from: Option<Mailbox>,
    pub smtp: Option<String>,
    /// The consent wording shown on the form and recorded with each subscription.
    pub wording: String,
    /// Bearer token for changing watch lists over the API (`POST /api/lists`, `DELETE
    /// /api/lists/{name}`); `None`: the lists are read-only over HTTP. At least 16 characters.
    pub admin_token: Option<String>,
    /// Subscribe attempts allowed per client address per `rate_window`.
    pub rate_limit: usize,
    pub rate_window: Duration,
}

impl WebConfig {
    /// Defaults: the standard wording, 5 attempts per address per 10 minutes, no SMTP.
    #[must_use]
    pub fn new(db: impl AsRef<std::ffi::OsStr>, base_url: &str) -> Self {
        Self {
            db: db.as_ref().to_string_lossy().into_owned(),
            keys_dir: None,
            pg: PgOptions::default(),
            base_url: base_url.to_owned(),
            from: None,
            smtp: None,
            wording: CONSENT_WORDING.to_owned(),
            admin_token: None,
            rate_limit: 5,
            rate_window: Duration::from_secs(600),
        }
    }
}

struct Inner {
    nl: Mutex<Newsletter>,
    db: String,
    keys_dir: Option<PathBuf>,
    pg: PgOptions,
    base_url: String,
    secure_cookie: bool,
    from: Option<Mailbox>,
    mailer: Option<SmtpMailer>,
    wording: String,
    admin_token: Option<String>,
    rate_limit: usize,
    rate_window: Duration,
    hits: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

/// Shared state of the newsletter routes.
#[derive(Clone)]
pub struct WebState(Arc<Inner>);

impl WebState {
    /// Opens the database (creating the newsletter tables if needed) and the keyring.
    ///
    /// # Errors
    /// Store, keyring, base URL or SMTP URL errors.
    pub fn open(config: WebConfig) -> Result<Self, Error> {
        let base_url = check_base_url(&config.base_url)?;
        if config.admin_token.as_ref().is_some_and(|t| t.trim().len() < 16) {
            return Err(Error::WeakToken);
        }
        let nl = Newsletter::open_db(&config.db, config.keys_dir.as_deref(), &config.pg)?;
        let mailer = match (&config.smtp, &config.from) {
            (Some(url), Some(_)) => Some(SmtpMailer::new(url)?),
            _ => None,
        };
        Ok(Self(Arc::new(Inner {
            nl: Mutex::new(nl),
            db: config.db,
            keys_dir: config.keys_dir,
            pg: config.pg,
            secure_cookie: base_url.starts_with("https://"),
            base_url,
            from: config.from,
            mailer,
            wording: config.wording,
            admin_token: config.admin_token,
            rate_limit: config.rate_limit,
            rate_window: config.rate_window,
            hits: Mutex::new(HashMap::new()),
        })))
    }

    /// Runs `f` with the newsletter on a blocking thread (SQLite and SMTP block).
    async fn with<T: Send + 'static>(&self, f: impl FnOnce(&Inner, &Newsletter) -> T + Send + 'static) -> Result<T, Response> {
        let inner = Arc::clone(&self.0);
        tokio::task::spawn_blocking(move || {
            let mut nl = inner.nl.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            // A failed re-read keeps the keys already loaded.
            let _ = nl.refresh_keys();
            // A failed reconnection leaves the old connection: the request fails and says why.
            let _ = nl.reconnect_if_closed();
            f(&inner, &nl)
        })
        .await
        .map_err(|_| page(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong", &["Please try again later."], None))
    }

    /// True when `ip` may make another attempt now (and counts it).
    fn allow(&self, ip: Option<IpAddr>) -> bool {
        // Without the peer address (a server not started with connect info) every client shares
        // one bucket: stricter, never looser.
        let ip = ip.unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let now = Instant::now();
        let mut hits = self.0.hits.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if hits.len() > 10_000 {
            hits.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < self.0.rate_window));
        }
        let q = hits.entry(ip).or_default();
        while q.front().is_some_and(|t| now.duration_since(*t) >= self.0.rate_window) {
            q.pop_front();
        }
        if q.len() >= self.0.rate_limit {
            return false;
        }
        q.push_back(now);
        true
    }
}

#[derive(Serialize)]
struct ListChoice {
    name: String,
    filter: String,
    checked: bool,
}

#[derive(Serialize, Default)]
struct Form {
    action: String,
    hidden: Vec<(String, String)>,
    email: bool,
    email_value: String,
    lists: Vec<ListChoice>,
    wording: String,
    button: String,
}

fn page(status: StatusCode, title: &str, paragraphs: &[&str], form: Option<Form>) -> Response {
    let html = templates()
        .get_template("page.html")
        .and_then(|t| t.render(minijinja::context! { title => title, paragraphs => paragraphs, form => form }));
    match html {
        Ok(html) => (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response(),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response(),
    }
}

fn internal(e: &Error) -> Response {
    page(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong", &["Please try again later.", &e.to_string()], None)
}

/// Security headers on every newsletter response.
async fn headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The newsletter routes with their state applied, ready to merge into another router.
pub fn routes(state: WebState) -> Router {
    Router::new()
        .route("/subscribe", get(subscribe_form).post(subscribe_post))
        .route("/confirm", get(confirm_page).post(confirm))
        .route("/unsubscribe", get(unsubscribe_page).post(unsubscribe_post))
        .route("/api/lists", get(api_lists).post(api_add_list))
        .route("/api/lists/{name}", axum::routing::delete(api_remove_list))
        .layer(axum::middleware::map_response(headers))
        .with_state(state)
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

fn form_fields(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

async fn render_form(state: &WebState, email: String, checked: Vec<String>, status: StatusCode, message: Option<String>) -> Response {
    let nonce = match random_nonce() {
        Ok(n) => n,
        Err(e) => return internal(&e),
    };
    let secure = state.0.secure_cookie;
    let signed = nonce.clone();
    let res = state
        .with(move |inner, nl| -> Result<(String, Vec<ListChoice>, String), Error> {
            let token = nl.keys().sign(Purpose::Form, &signed, Timestamp::now());
            let lists = nl
                .lists()?
                .into_iter()
                .map(|l| ListChoice { checked: checked.contains(&l.name), name: l.name, filter: l.filter })
                .collect();
            Ok((token, lists, inner.wording.clone()))
        })
        .await;
    let (token, lists, wording) = match res {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => return internal(&e),
        Err(r) => return r,
    };
    let mut paragraphs: Vec<String> = vec!["Get situation reports on the watch lists you choose straight to your inbox. Select at least one list; unsubscribe at any time.".to_owned()];
    if let Some(m) = message {
        paragraphs.insert(0, m);
    }
    let refs: Vec<&str> = paragraphs.iter().map(String::as_str).collect();
    let form = Form {
        action: "/subscribe".to_owned(),
        hidden: vec![("csrf".to_owned(), token)],
        email: true,
        email_value: email,
        lists,
        wording,
        button: "Subscribe".to_owned(),
    };
    let mut res = page(status, "Subscribe to sitrep situation reports", &refs, Some(form));
    let c = format!("{FORM_COOKIE}={nonce}; Path=/subscribe; HttpOnly; SameSite=Strict; Max-Age=7200{}", if secure { "; Secure" } else { "" });
    if let Ok(v) = HeaderValue::from_str(&c) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

async fn subscribe_form(State(state): State<WebState>) -> Response {
    render_form(&state, String::new(), Vec::new(), StatusCode::OK, None).await
}

async fn subscribe_post(State(state): State<WebState>, req: Request) -> Response {
    let ip = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let cookie_nonce = cookie(req.headers(), FORM_COOKIE);
    let Ok(body) = axum::body::to_bytes(req.into_body(), MAX_BODY).await else {
        return page(StatusCode::PAYLOAD_TOO_LARGE, "Form too large", &["The form sent was too large."], None);
    };
    if !state.allow(ip) {
        let mut res = page(StatusCode::TOO_MANY_REQUESTS, "Too many attempts", &["Too many subscription attempts from your address. Please wait a few minutes and try again."], None);
        res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(state.0.rate_window.as_secs()));
        return res;
    }
    let fields = form_fields(&body);
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let email = get("email").trim().to_owned();
    let lists: Vec<String> = fields.iter().filter(|(k, _)| k == "list").map(|(_, v)| v.clone()).collect();
    let csrf = get("csrf");
    let token_ok = match state.with(move |_, nl| nl.keys().verify(Purpose::Form, &csrf, Timestamp::now()).ok()).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    if token_ok.is_none() || cookie_nonce.is_none() || token_ok != cookie_nonce {
        return render_form(&state, email, lists, StatusCode::FORBIDDEN, Some("The form had expired or did not come from this site. Please submit it again.".to_owned())).await;
    }
    if lists.is_empty() {
        return render_form(&state, email, lists, StatusCode::UNPROCESSABLE_ENTITY, Some("Select at least one watch list.".to_owned())).await;
    }
    let remote = ip.map(|i| i.to_string());
    let (email2, lists2) = (email.clone(), lists.clone());
    let res = state
        .with(move |inner, nl| -> Result<Option<String>, Error> {
            let now = Timestamp::now();
            let pending = nl.subscribe(&email2, &lists2, ConsentMethod::Form, &inner.wording, remote.as_deref(), now)?;
            let Some(from) = &inner.from else { return Ok(None) };
            queue_confirmation(nl, &pending, &inner.wording, &inner.base_url, from, None, now)?;
            Ok(Some(crate::compose::message_id(pending.subscriber_id, &pending.email, &format!("confirm:{}", pending.confirmation_id), from.email.domain())))
        })
        .await;
    if let Ok(Ok(Some(message_id))) = &res {
        send_now(&state, message_id.clone()).await;
    }
    match res {
        Ok(Ok(_)) => page(
            StatusCode::OK,
            "Check your inbox",
            &["If the address is right, a message with a confirmation link is on its way. Nothing is sent to you until you follow that link."],
            None,
        ),
        Ok(Err(Error::BadAddress(..))) => render_form(&state, email, lists, StatusCode::UNPROCESSABLE_ENTITY, Some("That is not an email address.".to_owned())).await,
        Ok(Err(Error::NoSuchList(name))) => {
            render_form(&state, email, lists, StatusCode::UNPROCESSABLE_ENTITY, Some(format!("There is no watch list called \"{name}\"."))).await
        }
        // A suspended address gets the same answer as anyone else: the form never reveals who is subscribed.
        Ok(Err(Error::Suspended(_))) => page(
            StatusCode::OK,
            "Check your inbox",
            &["If the address is right, a message with a confirmation link is on its way. Nothing is sent to you until you follow that link."],
            None,
        ),
        Ok(Err(e)) => internal(&e),
        Err(r) => r,
    }
}

/// Sends one queued message on its own connection to the database, so the SMTP dialogue (up to
/// its timeout) never holds the lock the other requests need. A failure leaves it queued: the
/// next `sitrep digest` run retries it.
async fn send_now(state: &WebState, message_id: String) {
    let inner = Arc::clone(&state.0);
    let _ = tokio::task::spawn_blocking(move || -> Result<(), Error> {
        let Some(mailer) = &inner.mailer else { return Ok(()) };
        let nl = Newsletter::open_db(&inner.db, inner.keys_dir.as_deref(), &inner.pg)?;
        deliver_message(&nl, mailer as &dyn Mailer, Timestamp::now(), &message_id)?;
        Ok(())
    })
    .await;
}

#[derive(serde::Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

/// The confirmation link opens a page with a button rather than confirming on GET: mail
/// scanners fetch every link in a message, and a GET that confirmed would let them opt people in.
async fn confirm_page(State(state): State<WebState>, Query(q): Query<TokenQuery>) -> Response {
    let token = q.token.unwrap_or_default();
    let t2 = token.clone();
    let res = state
        .with(move |_, nl| -> Result<(String, Vec<String>), Error> { nl.pending_confirmation(&t2, Timestamp::now()) })
        .await;
    match res {
        Ok(Ok((email, lists))) => {
            let line = format!("Send sitrep situation reports to {email} for: {}?", lists.join(", "));
            let form = Form {
                action: format!("/confirm?token={}", form_urlencoded::byte_serialize(token.as_bytes()).collect::<String>()),
                button: "Confirm my subscription".to_owned(),
                ..Form::default()
            };
            page(StatusCode::OK, "Confirm your subscription", &[&line], Some(form))
        }
        Ok(Err(e @ (Error::Token(_) | Error::NotPending | Error::Suspended(_)))) => {
            page(StatusCode::BAD_REQUEST, "This confirmation link cannot be used", &[&e.to_string(), "Subscribe again to get a new link."], None)
        }
        Ok(Err(e)) => internal(&e),
        Err(r) => r,
    }
}

async fn confirm(State(state): State<WebState>, Query(q): Query<TokenQuery>) -> Response {
    let token = q.token.unwrap_or_default();
    match state.with(move |_, nl| nl.confirm(&token, Timestamp::now())).await {
        Ok(Ok((email, lists))) => {
            let line = format!("{email} will receive situation reports for: {}.", lists.join(", "));
            page(StatusCode::OK, "Subscription confirmed", &[&line, "Every message carries a link to unsubscribe."], None)
        }
        Ok(Err(e @ (Error::Token(_) | Error::NotPending | Error::Suspended(_)))) => {
            page(StatusCode::BAD_REQUEST, "This confirmation link cannot be used", &[&e.to_string(), "Subscribe again to get a new link."], None)
        }
        Ok(Err(e)) => internal(&e),
        Err(r) => r,
    }
}

async fn unsubscribe_page(State(state): State<WebState>, Query(q): Query<TokenQuery>) -> Response {
    let token = q.token.unwrap_or_default();
    let t2 = token.clone();
    let res = state
        .with(move |_, nl| -> Result<(String, Option<String>), Error> {
            let (sub, list) = nl.read_unsubscribe_token(&t2, Timestamp::now())?;
            let email = nl
                .db()
                .opt("SELECT email FROM subscribers WHERE id = ?1", crate::db::vals![sub])?
                .ok_or(Error::NotPending)?
                .text(0)?;
            let list_name = match list {
                Some(id) => nl.lists()?.into_iter().find(|l| l.id == id).map(|l| l.name),
                None => None,
            };
            Ok((email, list_name))
        })
        .await;
    match res {
        Ok(Ok((email, list))) => {
            let what = list.map_or_else(|| format!("Stop all sitrep situation reports to {email}?"), |l| format!("Stop the \"{l}\" situation reports to {email}?"));
            let form = Form {
                action: format!("/unsubscribe?token={}", form_urlencoded::byte_serialize(token.as_bytes()).collect::<String>()),
                hidden: vec![("List-Unsubscribe".to_owned(), "One-Click".to_owned())],
                button: "Unsubscribe".to_owned(),
                ..Form::default()
            };
            page(StatusCode::OK, "Unsubscribe", &[&what], Some(form))
        }
        Ok(Err(e)) => page(StatusCode::BAD_REQUEST, "This unsubscribe link cannot be used", &[&e.to_string(), "Reply to any digest and we will remove you by hand."], None),
        Err(r) => r,
    }
}

/// RFC 8058: a POST to the `List-Unsubscribe` URL with the body `List-Unsubscribe=One-Click`
/// unsubscribes at once, without a page, a cookie or a login.
async fn unsubscribe_post(State(state): State<WebState>, Query(q): Query<TokenQuery>, body: Bytes) -> Response {
    let fields = form_fields(&body);
    let one_click = fields.iter().any(|(k, v)| k == "List-Unsubscribe" && v == "One-Click");
    let token = q.token.or_else(|| fields.iter().find(|(k, _)| k == "token").map(|(_, v)| v.clone())).unwrap_or_default();
    if !one_click {
        return page(StatusCode::BAD_REQUEST, "Unsubscribe", &["Expected the body List-Unsubscribe=One-Click (RFC 8058)."], None);
    }
    let res = state
        .with(move |_, nl| -> Result<usize, Error> {
            let now = Timestamp::now();
            let (sub, list) = nl.read_unsubscribe_token(&token, now)?;
            nl.unsubscribe(sub, list, "one-click", now)
        })
        .await;
    match res {
        Ok(Ok(_)) => page(StatusCode::OK, "You are unsubscribed", &["It took effect at once: no further situation reports will be sent for it."], None),
        Ok(Err(e @ Error::Token(_))) => page(StatusCode::BAD_REQUEST, "This unsubscribe link cannot be used", &[&e.to_string()], None),
        Ok(Err(e)) => internal(&e),
        Err(r) => r,
    }
}

fn api_error(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(serde_json::json!({ "error": message }))).into_response()
}

/// Compares without an early exit, so the time taken says nothing about the token.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The refusal to send, or `None` when the bearer token is right.
fn refused(state: &WebState, headers: &HeaderMap) -> Option<Response> {
    let Some(expected) = &state.0.admin_token else {
        return Some(api_error(StatusCode::FORBIDDEN, "changing watch lists over HTTP is off: use `sitrep lists`, or start the server with a watch-list API token"));
    };
    let given = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")).unwrap_or("");
    if same_secret(given.trim(), expected.trim()) {
        None
    } else {
        let mut res = api_error(StatusCode::UNAUTHORIZED, "send the header Authorization: Bearer <the watch-list API token>");
        res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        Some(res)
    }
}

/// `GET /api/lists`: every watch list (name, filter, severity); subscribers are never listed.
async fn api_lists(State(state): State<WebState>) -> Response {
    match state.with(|_, nl| nl.lists()).await {
        Ok(Ok(lists)) => axum::Json(lists).into_response(),
        Ok(Err(e)) => api_error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
        Err(r) => r,
    }
}

#[derive(serde::Deserialize)]
struct NewList {
    name: String,
    filter: String,
    severity: Option<u64>,
}

/// `POST /api/lists` with `{"name", "filter", "severity"?}` and the bearer token.
async fn api_add_list(State(state): State<WebState>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(r) = refused(&state, &headers) {
        return r;
    }
    let Ok(new) = serde_json::from_slice::<NewList>(&body) else {
        return api_error(StatusCode::BAD_REQUEST, "expected JSON {\"name\": \"sahel\", \"filter\": \"country:ML,BF\", \"severity\": 10}");
    };
    match state.with(move |_, nl| nl.add_list(&new.name, &new.filter, new.severity, Timestamp::now())).await {
        Ok(Ok(list)) => (StatusCode::CREATED, axum::Json(list)).into_response(),
        Ok(Err(e @ (Error::BadFilter { .. } | Error::NoSuchList(_)))) => api_error(StatusCode::UNPROCESSABLE_ENTITY, &e.to_string()),
        Ok(Err(e @ Error::ListExists(_))) => api_error(StatusCode::CONFLICT, &e.to_string()),
        Ok(Err(e)) => api_error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
        Err(r) => r,
    }
}

/// `DELETE /api/lists/{name}` with the bearer token: the list and every subscription to it.
async fn api_remove_list(State(state): State<WebState>, headers: HeaderMap, Path(name): Path<String>) -> Response {
    if let Some(r) = refused(&state, &headers) {
        return r;
    }
    let n2 = name.clone();
    match state.with(move |_, nl| nl.remove_list(&n2)).await {
        Ok(Ok(true)) => StatusCode::NO_CONTENT.into_response(),
        Ok(Ok(false)) => api_error(StatusCode::NOT_FOUND, &format!("no watch list is called {name:?}")),
        Ok(Err(e)) => api_error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
        Err(r) => r,
    }
}
