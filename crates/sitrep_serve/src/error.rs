//! Errors as JSON a person can act on: `{"error": {"status", "code", "message", "hint"}}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An API error: an HTTP status, a stable machine code, a message and what to do about it.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub hint: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), hint: None }
    }

    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
            .hint("this is a bug or a damaged database; the server log has the details")
    }

    pub fn submit_disabled() -> Self {
        Self::new(StatusCode::FORBIDDEN, "submit_disabled", "submitting documents is not enabled on this server")
            .hint("start it with `sitrep serve --allow-submit` and a token in SITREP_SUBMIT_TOKEN or --token-file")
    }
}

impl From<sitrep_store::Error> for ApiError {
    fn from(e: sitrep_store::Error) -> Self {
        tracing::error!(error = %e, "store error");
        Self::internal(format!("the database could not answer: {e}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({"error": {"status": self.status.as_u16(), "code": self.code, "message": self.message, "hint": self.hint}});
        let mut res = (self.status, axum::Json(body)).into_response();
        res.headers_mut().insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
        if self.status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(axum::http::header::WWW_AUTHENTICATE, axum::http::HeaderValue::from_static("Bearer"));
        }
        res
    }
}
