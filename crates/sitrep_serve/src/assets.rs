//! The embedded page and its assets (see build.rs): `/` is `web/src/index.html`.

use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

fn mime(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The embedded file at URL path `path`.
pub fn asset(path: &str) -> Option<&'static [u8]> {
    ASSETS.iter().find(|(p, _)| *p == path).map(|(_, b)| *b)
}

fn respond(path: &str, cache: &'static str) -> Response {
    match asset(path) {
        Some(bytes) => {
            let mut res = bytes.into_response();
            res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(mime(path)));
            res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
            res
        }
        None if path.starts_with("/vendor/") && !VENDOR_INSTALLED => crate::ApiError::new(
            StatusCode::NOT_FOUND,
            "assets_missing",
            format!("{path} was not embedded: the map libraries were not installed when sitrep was built"),
        )
        .hint("run scripts/setup-web.sh, then rebuild (cargo build --release -p sitrep)")
        .into_response(),
        None => crate::ApiError::not_found(format!("no file {path}")).into_response(),
    }
}

async fn index() -> Response {
    respond("/static/index.html", "no-cache")
}

async fn file(uri: Uri) -> Response {
    respond(uri.path(), "public, max-age=3600")
}

pub fn routes() -> axum::Router {
    axum::Router::new().route("/", get(index)).route("/static/{*path}", get(file)).route("/vendor/{*path}", get(file))
}
