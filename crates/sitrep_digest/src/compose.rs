//! Composing messages: a digest's events as views for the templates (minijinja; the HTML
//! templates auto-escape, so article-derived text can carry no markup), the inline map, the
//! headers (`Message-ID`, RFC 8058 `List-Unsubscribe`), optional DKIM; and the confirmation mail.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use jiff::Timestamp;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::Message;
use minijinja::Environment;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::map::{self, Dot};
use crate::Error;

/// The `Content-ID` of the map image.
pub const MAP_CID: &str = "map@sitrep";

/// The templates, compiled once. Names ending in `.html` auto-escape.
pub(crate) fn templates() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // minijinja's HTML escaping also escapes '/', which leaves every URL in an href as
        // `https:&#x2f;&#x2f;…`: valid, but unreadable in the source a reader may check. These
        // five characters are all that HTML text and quoted attributes need.
        env.set_formatter(|out, state, value| {
            if matches!(state.auto_escape(), minijinja::AutoEscape::Html) && !value.is_safe() {
                if let Some(s) = value.as_str() {
                    return out.write_str(&escape_html(s)).map_err(|_| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "write failed"));
                }
            }
            minijinja::escape_formatter(out, state, value)
        });
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_keep_trailing_newline(true);
        for (name, src) in [
            ("digest.txt", include_str!("../templates/digest.txt")),
            ("digest.html", include_str!("../templates/digest.html")),
            ("confirm.txt", include_str!("../templates/confirm.txt")),
            ("page.html", include_str!("../templates/page.html")),
        ] {
            // The templates are compiled in and covered by tests; a syntax error is a bug here.
            env.add_template(name, src).unwrap_or_else(|e| panic!("template {name}: {e}"));
        }
        env
    })
}

/// Escapes text for HTML content and quoted attribute values.
#[must_use]
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// One source of an event as shown.
#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    pub outlet: String,
    /// Only http(s) URLs are linked: a `javascript:` or `data:` URL from a feed is dropped.
    pub url: Option<String>,
    pub published: Option<String>,
    pub independent: bool,
}

/// One event as shown.
#[derive(Debug, Clone, Serialize)]
pub struct EventView {
    pub id: String,
    pub link: String,
    pub kind: String,
    pub subkind: String,
    pub date: String,
    pub place: String,
    pub actors: Vec<String>,
    pub fatalities: Option<String>,
    pub contested: bool,
    pub notes: Option<String>,
    pub sources: Vec<SourceView>,
    pub country: String,
    #[serde(skip)]
    pub dot: Option<Dot>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CountryView {
    pub country: String,
    pub events: Vec<EventView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ListView {
    pub name: String,
    pub countries: Vec<CountryView>,
    pub unsubscribe: String,
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_str().filter(|s| !s.is_empty())
}

/// ACLED's labels for sitrep's codes and countries' names, read from the store's ACLED mapping
/// table — the project's one table of them (its format is described in its header).
struct Labels {
    types: std::collections::HashMap<String, String>,
    subs: std::collections::HashMap<String, String>,
    countries: std::collections::HashMap<String, String>,
}

fn labels() -> &'static Labels {
    static LABELS: OnceLock<Labels> = OnceLock::new();
    LABELS.get_or_init(|| {
        let mut l = Labels { types: Default::default(), subs: Default::default(), countries: Default::default() };
        for line in include_str!("../../sitrep_store/data/acled.tsv").lines().filter(|l| !l.starts_with('#')) {
            let f: Vec<&str> = line.split('\t').collect();
            match f[..] {
                ["type", code, label, ..] => l.types.insert(code.to_owned(), label.to_owned()),
                ["sub", code, label, ..] => l.subs.insert(code.to_owned(), label.to_owned()),
                ["country", iso2, name, ..] => l.countries.insert(iso2.to_owned(), name.to_owned()),
                _ => None,
            };
        }
        l
    })
}

/// "Central African Republic (CF)", or the code alone when the table does not know it.
#[must_use]
pub fn country_name(iso2: &str) -> String {
    labels().countries.get(iso2).map_or_else(|| iso2.to_owned(), |n| format!("{n} ({iso2})"))
}

fn label(code: &str) -> String {
    let words = code.replace('_', " ");
    let mut chars = words.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// An http(s) URL, or nothing.
fn safe_url(url: Option<&str>) -> Option<String> {
    let url = url?.trim();
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then(|| url.to_owned())
}

/// The host of a URL, for a source without an outlet name.
fn host(url: &str) -> Option<&str> {
    url.split_once("://").map(|(_, r)| r.split(['/', '?', '#']).next().unwrap_or(r)).filter(|h| !h.is_empty())
}

fn fatalities_text(f: &Value) -> Option<String> {
    let low = f.get("low").and_then(Value::as_u64);
    let best = f.get("best").and_then(Value::as_u64);
    let high = f.get("high").and_then(Value::as_u64);
    match (low, best, high) {
        (Some(l), b, Some(h)) if l != h => Some(format!("{l}–{h} (sources differ{})", b.map(|b| format!("; best estimate {b}")).unwrap_or_default())),
        (_, Some(b), _) => Some(b.to_string()),
        (Some(l), None, _) => Some(l.to_string()),
        _ => None,
    }
}

fn date_text(e: &Value) -> String {
    let start = str_at(e, &["date", "start"]);
    let end = str_at(e, &["date", "end"]);
    let precision = str_at(e, &["date", "precision"]).unwrap_or("unknown");
    match (start, end) {
        (Some(s), Some(t)) if s != t => format!("{s} to {t} ({precision})"),
        (Some(s), _) if precision == "day" => s.to_owned(),
        (Some(s), _) => format!("{s} ({precision})"),
        _ => "date unknown".to_owned(),
    }
}

fn place_text(e: &Value) -> String {
    let Some(loc) = e.get("location").filter(|l| !l.is_null()) else { return "place unknown".to_owned() };
    let mut parts: Vec<&str> = Vec::new();
    for key in ["name", "place", "admin1", "country"] {
        if let Some(s) = str_at(loc, &[key]) {
            if !parts.contains(&s) {
                parts.push(s);
            }
        }
    }
    let precision = str_at(loc, &["precision"]).unwrap_or("unknown");
    format!("{} (precision: {precision})", parts.join(", "))
}

/// An event as shown; `base_url` has no trailing slash.
#[must_use]
pub fn event_view(e: &Value, base_url: &str) -> EventView {
    let id = str_at(e, &["id"]).unwrap_or("").to_owned();
    let actors: Vec<String> = ["actor1", "actor2"].iter().filter_map(|k| str_at(e, &[k, "name"]).map(str::to_owned)).collect();
    let sources = e
        .get("sources")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|s| {
                    let url = safe_url(str_at(s, &["url"]));
                    let outlet = str_at(s, &["outlet"])
                        .map(str::to_owned)
                        .or_else(|| url.as_deref().and_then(host).map(str::to_owned))
                        .unwrap_or_else(|| "unnamed source".to_owned());
                    SourceView { outlet, url, published: str_at(s, &["published"]).map(str::to_owned), independent: s.get("independent").and_then(Value::as_bool).unwrap_or(true) }
                })
                .collect()
        })
        .unwrap_or_default();
    let loc = e.get("location");
    let coord = |k: &str| loc.and_then(|l| l.get(k)).and_then(Value::as_f64);
    let precision = loc.and_then(|l| str_at(l, &["precision"])).unwrap_or("country");
    let fat = e.get("fatalities").filter(|f| !f.is_null());
    let best = fat.and_then(|f| f.get("best").or_else(|| f.get("low"))).and_then(Value::as_u64).unwrap_or(0);
    // A country-level event is not a point: drawing it at the capital would mislead.
    let dot = match (coord("lat"), coord("lon")) {
        (Some(lat), Some(lon)) if precision != "country" => Some(Dot { lat, lon, fatalities: best }),
        _ => None,
    };
    EventView {
        link: format!("{base_url}/#event={id}"),
        id,
        kind: str_at(e, &["event_type"]).map(|c| labels().types.get(c).cloned().unwrap_or_else(|| label(c))).unwrap_or_default(),
        subkind: str_at(e, &["sub_event_type"]).map(|c| labels().subs.get(c).cloned().unwrap_or_else(|| label(c))).unwrap_or_default(),
        date: date_text(e),
        place: place_text(e),
        actors,
        fatalities: fat.and_then(fatalities_text),
        contested: e.get("contested").and_then(Value::as_bool).unwrap_or(false),
        notes: str_at(e, &["notes"]).map(str::to_owned),
        sources,
        country: str_at(e, &["location", "country"]).or_else(|| str_at(e, &["id"]).and_then(|i| i.get(3..5))).unwrap_or("XX").to_owned(),
        dot,
    }
}

/// Groups events (in the given order) by country, countries in code order.
#[must_use]
pub fn by_country(events: Vec<EventView>) -> Vec<CountryView> {
    let mut groups: BTreeMap<String, Vec<EventView>> = BTreeMap::new();
    for e in events {
        groups.entry(e.country.clone()).or_default().push(e);
    }
    groups.into_iter().map(|(code, events)| CountryView { country: country_name(&code), events }).collect()
}

/// A deterministic `Message-ID` for (subscriber, period): the idempotency key of delivery.
#[must_use]
pub fn message_id(subscriber_id: i64, email: &str, period: &str, domain: &str) -> String {
    let mut h = Sha256::new();
    h.update(format!("{subscriber_id}\n{}\n{period}", email.to_lowercase()).as_bytes());
    let digest = h.finalize();
    let hex: String = digest[..10].iter().map(|b| format!("{b:02x}")).collect();
    // Only dot-atom characters on the left of the '@' (RFC 5322 msg-id).
    let left: String = period.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '.' }).collect();
    format!("<sitrep.{left}.{hex}@{domain}>")
}

#[derive(Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_owned()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

#[derive(Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

fn system_time(t: Timestamp) -> std::time::SystemTime {
    std::time::UNIX_EPOCH + std::time::Duration::from_secs(u64::try_from(t.as_second()).unwrap_or(0))
}

/// A DKIM configuration that signs what RFC 8058 needs covered — `List-Unsubscribe` and
/// `List-Unsubscribe-Post`, or receivers ignore one-click — besides the usual headers, with
/// relaxed canonicalisation (relays re-fold headers). lettre's default signs only From, Subject,
/// To and Date.
#[must_use]
pub fn dkim_config(selector: &str, domain: &str, key: lettre::message::dkim::DkimSigningKey) -> lettre::message::dkim::DkimConfig {
    use lettre::message::dkim::{DkimCanonicalization, DkimCanonicalizationType, DkimConfig};
    // Not Content-Type: lettre adds a multipart's Content-Type when it writes the message, after
    // signing, so naming it in h= would make every verifier fail (the test verifies what arrives).
    let headers = ["From", "To", "Subject", "Date", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post", "MIME-Version"]
        .into_iter()
        .map(HeaderName::new_from_ascii_str)
        .collect();
    DkimConfig::new(
        selector.to_owned(),
        domain.to_owned(),
        key,
        headers,
        DkimCanonicalization { header: DkimCanonicalizationType::Relaxed, body: DkimCanonicalizationType::Relaxed },
    )
}

/// Everything one digest message needs.
pub struct DigestMessage<'a> {
    pub from: &'a Mailbox,
    pub to: &'a Mailbox,
    pub message_id: String,
    pub date: Timestamp,
    /// "daily", "weekly" or "immediate".
    pub period: &'a str,
    pub base_url: &'a str,
    pub lists: Vec<ListView>,
    pub shown: usize,
    pub more: usize,
    /// The one-click unsubscribe URL (every list).
    pub unsubscribe_all: String,
    /// Optional `mailto:` unsubscribe address for the header.
    pub unsubscribe_mailto: Option<&'a str>,
}

/// The two rendered parts and the map image of a digest.
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
    pub png: Vec<u8>,
}

/// Renders the templates and the map.
///
/// # Errors
/// Template or PNG errors.
pub fn render_digest(m: &DigestMessage<'_>) -> Result<Rendered, Error> {
    let dots: Vec<Dot> = m.lists.iter().flat_map(|l| &l.countries).flat_map(|c| &c.events).filter_map(|e| e.dot).collect();
    let extent = map::extent(&dots);
    let png = map::render(&dots, extent)?;
    let [w, s, e, n] = extent;
    let map_note = format!(
        "Map: {} located event{} as dots (red: deaths reported), longitude {w:.0} to {e:.0}, latitude {s:.0} to {n:.0}; country-level events are not drawn.",
        dots.len(),
        if dots.len() == 1 { "" } else { "s" }
    );
    let total = m.shown + m.more;
    let names: Vec<&str> = m.lists.iter().map(|l| l.name.as_str()).collect();
    let intro = format!(
        "{total} new or updated event{} on your watch list{} {} since your last {} digest.",
        if total == 1 { "" } else { "s" },
        if names.len() == 1 { "" } else { "s" },
        names.join(", "),
        m.period
    );
    let subject = format!("sitrep {} digest: {total} new or updated event{} ({})", m.period, if total == 1 { "" } else { "s" }, names.join(", "));
    let ctx = minijinja::context! {
        period => m.period,
        underline => "=".repeat(m.period.len() + 14),
        intro => intro,
        lists => &m.lists,
        shown => m.shown,
        more => m.more,
        base_url => m.base_url,
        unsubscribe_all => &m.unsubscribe_all,
        map_cid => MAP_CID,
        map_note => map_note,
    };
    let env = templates();
    let text = env.get_template("digest.txt")?.render(&ctx)?;
    let html = env.get_template("digest.html")?.render(&ctx)?;
    Ok(Rendered { subject, text, html, png })
}

/// Builds the digest message (and signs it when a DKIM key is given).
///
/// # Errors
/// Template, image or message-building errors.
pub fn build_digest(m: &DigestMessage<'_>, dkim: Option<&lettre::message::dkim::DkimConfig>) -> Result<Message, Error> {
    let r = render_digest(m)?;
    let mut list_unsub = format!("<{}>", m.unsubscribe_all);
    if let Some(mailto) = m.unsubscribe_mailto {
        list_unsub.push_str(&format!(", <mailto:{mailto}?subject=unsubscribe>"));
    }
    let body = MultiPart::alternative().singlepart(SinglePart::plain(r.text)).multipart(
        MultiPart::related()
            .singlepart(SinglePart::html(r.html))
            .singlepart(Attachment::new_inline(MAP_CID.to_owned()).body(r.png, ContentType::parse("image/png").map_err(|e| Error::Build(e.to_string()))?)),
    );
    let mut msg = Message::builder()
        .from(m.from.clone())
        .to(m.to.clone())
        .subject(r.subject)
        .message_id(Some(m.message_id.clone()))
        .date(system_time(m.date))
        .header(ListUnsubscribe(list_unsub))
        .header(ListUnsubscribePost)
        .multipart(body)
        .map_err(|e| Error::Build(e.to_string()))?;
    if let Some(cfg) = dkim {
        msg.sign(cfg);
    }
    Ok(msg)
}

/// Builds the double opt-in message.
///
/// # Errors
/// Template or message-building errors.
#[allow(clippy::too_many_arguments)]
pub fn build_confirmation(
    from: &Mailbox,
    to: &Mailbox,
    message_id: String,
    date: Timestamp,
    lists: &[String],
    wording: &str,
    link: &str,
    dkim: Option<&lettre::message::dkim::DkimConfig>,
) -> Result<Message, Error> {
    let hours = crate::Purpose::Confirm.lifetime().as_hours();
    let text = templates().get_template("confirm.txt")?.render(minijinja::context! {
        email => to.email.to_string(), lists => lists, wording => wording, link => link, hours => hours,
    })?;
    let mut msg = Message::builder()
        .from(from.clone())
        .to(to.clone())
        .subject("Confirm your sitrep subscription")
        .message_id(Some(message_id))
        .date(system_time(date))
        .singlepart(SinglePart::plain(text))
        .map_err(|e| Error::Build(e.to_string()))?;
    if let Some(cfg) = dkim {
        msg.sign(cfg);
    }
    Ok(msg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event() -> Value {
        json!({"id": "SR-ML-000001", "event_type": "explosions_remote_violence", "sub_event_type": "air_drone_strike",
               "date": {"start": "2026-06-03", "end": "2026-06-03", "precision": "day"},
               "location": {"name": "Kidal", "place": "Kidal", "admin1": "Kidal", "country": "ML", "lat": 18.44, "lon": 1.41, "precision": "city"},
               "actor1": {"name": "Military Forces of Mali"}, "actor2": null,
               "fatalities": {"low": 5, "best": 5, "high": 8}, "contested": true,
               "sources": [{"outlet": "<b>Wire</b>", "url": "javascript:alert(1)", "published": "2026-06-03", "independent": true},
                           {"outlet": null, "url": "https://other.example/x", "published": null, "independent": false}],
               "notes": "A drone strike near <script>alert(1)</script> Kidal."})
    }

    #[test]
    fn an_event_shows_its_range_contested_flag_and_only_safe_links() {
        let v = event_view(&event(), "https://sitrep.example");
        assert_eq!(v.link, "https://sitrep.example/#event=SR-ML-000001");
        assert_eq!(v.fatalities.as_deref(), Some("5–8 (sources differ; best estimate 5)"));
        assert_eq!(v.place, "Kidal, ML (precision: city)");
        assert_eq!(v.kind, "Explosions/Remote violence");
        assert_eq!(v.subkind, "Air/drone strike");
        assert_eq!(country_name("ML"), "Mali (ML)");
        assert_eq!(country_name("XX"), "XX");
        assert!(v.contested);
        assert_eq!(v.sources[0].url, None);
        assert_eq!(v.sources[1].outlet, "other.example");
        assert_eq!(v.dot.unwrap().fatalities, 5);
    }

    #[test]
    fn html_escapes_article_text_and_plain_text_keeps_it_readable() {
        let from: Mailbox = "sitrep <digest@sitrep.example>".parse().unwrap();
        let to: Mailbox = "a@example.org".parse().unwrap();
        let e = event_view(&event(), "https://sitrep.example");
        let m = DigestMessage {
            from: &from,
            to: &to,
            message_id: message_id(1, "a@example.org", "daily:2026-06-04", "sitrep.example"),
            date: Timestamp::UNIX_EPOCH,
            period: "daily",
            base_url: "https://sitrep.example",
            lists: vec![ListView { name: "sahel".into(), countries: by_country(vec![e]), unsubscribe: "https://sitrep.example/unsubscribe?token=t".into() }],
            shown: 1,
            more: 2,
            unsubscribe_all: "https://sitrep.example/unsubscribe?token=all".into(),
            unsubscribe_mailto: None,
        };
        let r = render_digest(&m).unwrap();
        assert!(!r.html.contains("<script>") && r.html.contains("&lt;script&gt;"), "{}", r.html);
        assert!(!r.html.contains("<b>Wire</b>"));
        assert!(!r.html.contains("javascript:"));
        assert!(r.text.contains("<script>alert(1)</script>"), "plain text is not HTML: it stays as written");
        assert!(r.text.contains("and 2 more events"));
        assert!(r.html.contains("cid:map@sitrep"));
        assert!(r.subject.contains("3 new or updated events"));
    }

    #[test]
    fn message_ids_are_deterministic_per_subscriber_and_period() {
        let a = message_id(1, "a@example.org", "daily:2026-06-04", "sitrep.example");
        assert_eq!(a, message_id(1, "A@example.org", "daily:2026-06-04", "sitrep.example"));
        assert_ne!(a, message_id(1, "a@example.org", "daily:2026-06-05", "sitrep.example"));
        assert_ne!(a, message_id(2, "a@example.org", "daily:2026-06-04", "sitrep.example"));
        assert!(a.starts_with("<sitrep.daily.2026-06-04.") && a.ends_with("@sitrep.example>") && !a[1..a.len() - 1].contains(['<', ':', ' ']), "{a}");
    }
}
