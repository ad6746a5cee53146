//! The `/api` routes.

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use serde_json::{json, Value};
use sitrep_store::read::Cursor;
use sitrep_store::Filter;

use crate::offsets::{char_slice, Utf16Map};
use crate::{ApiError, AppState};

/// Events per page unless `limit` says otherwise.
pub const DEFAULT_LIMIT: usize = 100;
/// The largest page (downloads of a selection ask for this many).
pub const MAX_LIMIT: usize = 10_000;

const OPENAPI: &str = include_str!("openapi.json");

pub fn routes(state: AppState) -> axum::Router {
    let max = state.submit().map_or(crate::DEFAULT_SUBMIT_MAX_BYTES, |s| s.max_bytes);
    axum::Router::new()
        .route("/api/events", get(events))
        .route("/api/events/{id}", get(event))
        .route("/api/documents", axum::routing::post(submit).layer(DefaultBodyLimit::max(max)))
        .route("/api/documents/{id}", get(document))
        .route("/api/stats", get(stats))
        .route("/api/coverage", get(coverage))
        .route("/api/openapi.json", get(openapi))
        .with_state(state)
}

fn json_response(body: String) -> Response {
    let mut res = body.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    res
}

pub async fn not_found(uri: Uri) -> ApiError {
    ApiError::not_found(format!("nothing at {}", uri.path())).hint(
        "the page is at /; the API has /api/events, /api/events/{id}, /api/documents/{id}, /api/stats, /api/coverage \
         and /api/openapi.json",
    )
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "this path does not take that method")
        .hint("see /api/openapi.json for each path's methods")
}

async fn openapi() -> Response {
    json_response(OPENAPI.to_owned())
}

/// Query parameters that become filter terms, each as `key:value` in the shared syntax.
const FILTER_KEYS: &[&str] = &["country", "admin1", "bbox", "date", "from", "to", "type", "subtype", "actor", "contested", "text"];
const OTHER_KEYS: &[&str] = &["q", "fatalities", "confidence", "format", "view", "limit", "cursor"];

/// The shared filter from query parameters: `q` in the filter syntax, plus one parameter per
/// key (`country=SY&type=battles&fatalities=5`), all read by [`Filter::parse`].
fn filter_of(params: &[(String, String)]) -> Result<Filter, ApiError> {
    let mut terms = String::new();
    for (k, v) in params {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        let is_filter = FILTER_KEYS.contains(&k.as_str());
        if !is_filter && !OTHER_KEYS.contains(&k.as_str()) {
            return Err(ApiError::bad_request("unknown_parameter", format!("unknown query parameter {k:?}"))
                .hint(format!("parameters are {} and {}", FILTER_KEYS.join(", "), OTHER_KEYS.join(", "))));
        }
        if v.contains('"') && k != "q" {
            return Err(ApiError::bad_request("bad_filter", format!("{k}: a value may not contain a double quote"))
                .hint("drop the quote; values with spaces need none in separate parameters (actor=Islamic State)"));
        }
        let quoted = if v.chars().any(char::is_whitespace) { format!("\"{v}\"") } else { v.to_owned() };
        match k.as_str() {
            "q" => terms.push_str(v),
            "fatalities" => {
                let _ = write!(terms, "fatalities>={quoted}");
            }
            "confidence" => {
                let _ = write!(terms, "confidence>={quoted}");
            }
            _ if is_filter => {
                let _ = write!(terms, "{k}:{quoted}");
            }
            _ => continue,
        }
        terms.push(' ');
    }
    Filter::parse(&terms).map_err(|e| {
        ApiError::bad_request("bad_filter", e.to_string())
            .hint("e.g. /api/events?country=SY&date=2026-03-01..2026-03-31&type=battles or ?q=country:SY fatalities>=5")
    })
}

fn param<'a>(params: &'a [(String, String)], key: &str) -> Option<&'a str> {
    params.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    GeoJson,
    Csv,
}

/// `?format=` wins; else the Accept header; else JSON.
fn format_of(params: &[(String, String)], headers: &HeaderMap) -> Result<Format, ApiError> {
    if let Some(f) = param(params, "format") {
        return match f {
            "json" => Ok(Format::Json),
            "geojson" => Ok(Format::GeoJson),
            "csv" => Ok(Format::Csv),
            _ => Err(ApiError::bad_request("bad_format", format!("format {f:?} is not one this API writes")).hint("format is json, geojson or csv")),
        };
    }
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
    Ok(if accept.contains("application/geo+json") {
        Format::GeoJson
    } else if accept.contains("text/csv") {
        Format::Csv
    } else {
        Format::Json
    })
}

fn next_link(uri: &Uri, cursor: &str) -> String {
    let kept: Vec<&str> = uri.query().unwrap_or("").split('&').filter(|p| !p.is_empty() && !p.starts_with("cursor=")).collect();
    let mut q = kept.join("&");
    if !q.is_empty() {
        q.push('&');
    }
    format!("{}?{q}cursor={}", uri.path(), cursor)
}

async fn events(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = query.map_err(|e| ApiError::bad_request("bad_query", e.body_text()))?;
    let filter = filter_of(&params)?;
    let format = format_of(&params, &headers)?;
    let limit = match param(&params, "limit") {
        None => DEFAULT_LIMIT,
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                ApiError::bad_request("bad_limit", format!("limit {l:?} is not a number from 1 to {MAX_LIMIT}"))
                    .hint("ask for fewer per page and follow next_cursor for the rest")
            })?,
    };
    let cursor = match param(&params, "cursor") {
        None => None,
        Some(c) => Some(Cursor::decode(c).ok_or_else(|| {
            ApiError::bad_request("bad_cursor", format!("cursor {c:?} is not one this API gave out"))
                .hint("use the next_cursor (or the Link: rel=next URL) of the previous page, unchanged")
        })?),
    };
    let summary = match param(&params, "view") {
        None | Some("full") => false,
        Some("summary") => true,
        Some(v) => return Err(ApiError::bad_request("bad_view", format!("view {v:?} is not full or summary")).hint("view=full or view=summary")),
    };

    let mut res = if summary {
        if format != Format::Json {
            return Err(ApiError::bad_request("bad_view", "view=summary is JSON only").hint("drop format, or drop view"));
        }
        let page = state.read(move |s| Ok(s.event_summaries(&filter, cursor.as_ref(), limit)?)).await?;
        let next = page.next.as_ref().map(Cursor::encode);
        let body = json!({"count": page.items.len(), "events": page.items, "next_cursor": next});
        let mut res = Json(body).into_response();
        if let Some(n) = next {
            set_link(&mut res, &next_link(&uri, &n));
        }
        res.headers_mut().insert(header::VARY, HeaderValue::from_static("accept"));
        return Ok(res);
    } else {
        let page = state.read(move |s| Ok(s.events_page(&filter, cursor.as_ref(), limit)?)).await?;
        let next = page.next.as_ref().map(Cursor::encode);
        let mut res = match format {
            Format::Json => {
                // Stored events pass through as stored: no parse and re-serialise per request.
                let mut body = String::with_capacity(page.items.iter().map(String::len).sum::<usize>() + 128);
                let _ = write!(body, "{{\"count\":{},\"next_cursor\":{},\"events\":[", page.items.len(), json!(next));
                for (i, e) in page.items.iter().enumerate() {
                    if i > 0 {
                        body.push(',');
                    }
                    body.push_str(e);
                }
                body.push_str("]}");
                json_response(body)
            }
            Format::GeoJson | Format::Csv => {
                let values: Vec<Value> = page.items.iter().map(|e| serde_json::from_str(e)).collect::<Result<_, _>>().map_err(|e| ApiError::internal(e.to_string()))?;
                let mut buf = Vec::new();
                if format == Format::Csv {
                    sitrep_store::export::write_events_csv(&values, &mut buf)?;
                    let mut res = buf.into_response();
                    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
                    res
                } else {
                    let features: Vec<Value> = values.iter().filter_map(sitrep_store::export::feature).collect();
                    let body = json!({"type": "FeatureCollection", "features": features, "next_cursor": next,
                        "country_level_omitted": values.len() - features.len()});
                    let mut res = Json(body).into_response();
                    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/geo+json"));
                    res
                }
            }
        };
        if let Some(n) = &next {
            set_link(&mut res, &next_link(&uri, n));
        }
        res
    };
    res.headers_mut().insert(header::VARY, HeaderValue::from_static("accept"));
    Ok(res)
}

fn set_link(res: &mut Response, url: &str) {
    if let Ok(v) = HeaderValue::from_str(&format!("<{url}>; rel=\"next\"")) {
        res.headers_mut().insert(header::LINK, v);
    }
}

/// A span in characters with its UTF-16 twin and its text.
fn span_json(map: &Utf16Map, text: &str, start: usize, end: usize) -> Value {
    json!({"start": start, "end": end, "start_utf16": map.utf16(start), "end_utf16": map.utf16(end),
           "text": char_slice(text, start, end)})
}

fn offset(v: &Value, k: &str) -> Option<usize> {
    v.get(k).and_then(Value::as_u64).and_then(|n| usize::try_from(n).ok())
}

async fn event(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let id_for_err = id.clone();
    let found = state
        .read(move |s| {
            let Some((event, why)) = s.event(&id)? else { return Ok(None) };
            let sources = event.get("sources").and_then(Value::as_array).cloned().unwrap_or_default();
            let mut out = Vec::with_capacity(sources.len());
            let mut docs: HashMap<String, Option<sitrep_store::read::StoredDocument>> = HashMap::new();
            for src in &sources {
                let key = src.get("document_id").and_then(Value::as_str).unwrap_or("").to_owned();
                let event_id = src.get("event_id").and_then(Value::as_str).unwrap_or("");
                if !docs.contains_key(&key) {
                    let d = s.document(&key)?;
                    docs.insert(key.clone(), d);
                }
                let doc = docs.get(&key).and_then(Option::as_ref);
                let explanation = why.iter().find(|w| w.document_id == key && w.event_id == event_id);
                let (evidence, claims) = match doc {
                    Some(d) => {
                        let map = Utf16Map::new(&d.text);
                        let spans = |v: Option<&Value>, extra: &dyn Fn(&Value, &mut Value)| -> Vec<Value> {
                            v.and_then(Value::as_array)
                                .map(|a| {
                                    a.iter()
                                        .filter_map(|x| {
                                            let (st, en) = (offset(x, "start")?, offset(x, "end")?);
                                            let mut j = span_json(&map, &d.text, st, en);
                                            extra(x, &mut j);
                                            Some(j)
                                        })
                                        .collect()
                                })
                                .unwrap_or_default()
                        };
                        let evidence = spans(src.get("evidence"), &|_, _| {});
                        let claims = spans(src.get("claims"), &|c, j| {
                            j["source"] = c.get("source").cloned().unwrap_or(Value::Null);
                            j["source_entity"] = c.get("source_entity").cloned().unwrap_or(Value::Null);
                            j["stance"] = c.get("stance").cloned().unwrap_or(Value::Null);
                        });
                        (evidence, claims)
                    }
                    None => (Vec::new(), Vec::new()),
                };
                out.push(json!({
                    "document": doc.map(|d| d.id), "document_key": key, "title": doc.and_then(|d| d.title.clone()),
                    "outlet": src.get("outlet"), "url": src.get("url"), "published": src.get("published"),
                    "language": doc.and_then(|d| d.language.clone()),
                    "independent": src.get("independent"), "event_id": event_id, "fatalities": src.get("fatalities"),
                    "reason": explanation.map(|w| w.reason.clone()), "score": explanation.and_then(|w| w.score),
                    "claims": claims, "evidence": evidence,
                }));
            }
            Ok(Some(json!({"event": event, "sources": out})))
        })
        .await?;
    match found {
        Some(v) => Ok(Json(v).into_response()),
        None => Err(ApiError::not_found(format!("no stored event {id_for_err:?}")).hint("ids look like SR-SY-000123; list them with /api/events")),
    }
}

async fn document(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let id_for_err = id.clone();
    let doc = state.read(move |s| Ok(s.document(&id)?)).await?;
    let Some(d) = doc else {
        return Err(ApiError::not_found(format!("no document {id_for_err:?}"))
            .hint("documents are named by the number in an event's sources[].document (or their key)"));
    };
    let map = Utf16Map::new(&d.text);
    let removed: Vec<Value> = d
        .removed
        .iter()
        .filter_map(|r| {
            let (st, en) = (offset(r, "start")?, offset(r, "end")?);
            Some(json!({"start": st, "end": en, "start_utf16": map.utf16(st), "end_utf16": map.utf16(en), "kind": r.get("kind")}))
        })
        .collect();
    Ok(Json(json!({
        "id": d.id, "key": d.key, "url": d.url, "outlet": d.outlet, "title": d.title, "published": d.published,
        "language": d.language, "skipped": d.skipped, "version": d.version, "chars": map.chars(),
        "utf16_length": map.utf16(map.chars()), "text": d.text, "removed": removed,
    }))
    .into_response())
}

async fn stats(State(state): State<AppState>) -> Result<Response, ApiError> {
    let s = state.read(|s| Ok(s.stats()?)).await?;
    Ok(Json(json!({"stats": s, "map_assets_installed": crate::assets::VENDOR_INSTALLED})).into_response())
}

async fn coverage(State(state): State<AppState>) -> Result<Response, ApiError> {
    let rows = state.read(|s| Ok(s.coverage()?)).await?;
    let outlets: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.outlet.as_str()).collect();
    let days: Vec<&str> = rows.iter().map(|r| r.day.as_str()).filter(|d| !d.starts_with('(')).collect();
    let documents: u64 = rows.iter().map(|r| r.documents).sum();
    let (first, last) = (days.iter().min().copied(), days.iter().max().copied());
    let note = format!(
        "sitrep knows only the articles it was given: {documents} documents from {} outlets{}. A place or day with no \
         events means no article here reported one, not that nothing happened.",
        outlets.len(),
        match (first, last) {
            (Some(a), Some(b)) => format!(", published {a} to {b}"),
            _ => String::new(),
        }
    );
    Ok(Json(json!({"documents": documents, "outlets": outlets.len(), "first_day": first, "last_day": last, "note": note, "rows": rows}))
        .into_response())
}

/// Constant-time comparison, so response timing does not leak how much of a token matched.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn submit(State(state): State<AppState>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Result<Response, ApiError> {
    let Some(cfg) = state.submit() else { return Err(ApiError::submit_disabled()) };
    let given = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    if !given.is_some_and(|t| same_secret(t.trim().as_bytes(), cfg.token.trim().as_bytes())) {
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "a valid bearer token is required to submit")
            .hint("send the header Authorization: Bearer <the token the server was started with>"));
    }
    let max = cfg.max_bytes;
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", format!("the document is larger than this server accepts ({max} bytes)"))
                .hint("send a shorter article, or start the server with a larger --submit-max-bytes")
        } else {
            ApiError::bad_request("bad_body", e.body_text())
        }
    })?;
    let is_json = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("application/json"));
    if !is_json {
        return Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "send the document as JSON")
            .hint("Content-Type: application/json with {\"text\": \"…\", \"title\", \"url\", \"published\": \"YYYY-MM-DD\", \"outlet\"}"));
    }
    let parsed: Value = serde_json::from_slice(&body).map_err(|e| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "bad_json", format!("the body is not valid JSON: {e}"))
    })?;
    if !parsed.is_object() || parsed.get("text").and_then(Value::as_str).is_none_or(|t| t.trim().is_empty()) {
        return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "no_text", "the document needs a non-empty \"text\" string")
            .hint("{\"text\": \"…\", \"title\": \"…\", \"url\": \"https://…\", \"published\": \"YYYY-MM-DD\", \"outlet\": \"…\"}"));
    }
    let line = parsed.to_string().into_bytes();
    let output = state
        .write(move |store, cfg| {
            // The JSON Lines reader validates the record exactly as `sitrep ingest` would.
            let input = sitrep_ingest::Input { source: "api".to_owned(), stem: None, extension: Some("jsonl".to_owned()), bytes: line };
            let opts = sitrep_ingest::Options { format: sitrep_ingest::Format::Jsonl, max_bytes: cfg.max_bytes as u64, ..Default::default() };
            let mut items = Vec::new();
            sitrep_ingest::read_input(&input, &opts, &mut items);
            let mut doc = None;
            for item in items {
                match item {
                    sitrep_ingest::Item::Document(d) => doc = Some(d),
                    sitrep_ingest::Item::Skipped { error, .. } => {
                        return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "unreadable_document", error.to_string()))
                    }
                    sitrep_ingest::Item::Warning { .. } => {}
                }
            }
            let doc = doc.ok_or_else(|| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "no_document", "no document could be read from the body"))?;
            let key = sitrep_store::DocKey::of(&doc);
            let output = cfg.pipeline.extract(*doc);
            let run = store.begin_run(&["POST /api/documents".to_owned()])?;
            let batch = vec![sitrep_store::BatchItem::Document { key: key.clone(), output: Box::new(output.clone()) }];
            let stats = store.commit_batch(run, batch)?;
            store.finish_run(run, &stats)?;
            let stored = store.events_of_document(&key.key)?;
            let id = store.document(&key.key)?.map(|d| d.id);
            Ok(json!({"document": id, "document_key": key.key, "unchanged": stats.unchanged > 0, "stored_events": stored, "output": output}))
        })
        .await?;
    Ok((StatusCode::CREATED, Json(output)).into_response())
}
