//! The mailer seam and its SMTP implementation (lettre, rustls on ring, no OpenSSL).

use std::time::Duration;

use lettre::address::Envelope;
use lettre::{SmtpTransport, Transport};

use crate::Error;

/// How one submission went wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth retrying later: a 4xx reply, a refused or dropped connection, a timeout.
    #[error("temporary failure: {0}")]
    Transient(String),
    /// The server refused the message for good (a 5xx reply): a hard bounce.
    #[error("permanent failure: {0}")]
    Permanent(String),
}

/// Hands a finished message to a mail server.
pub trait Mailer {
    /// Submits `raw` (a complete RFC 5322 message) to the envelope's recipients.
    ///
    /// # Errors
    /// Transient or permanent refusal.
    fn send(&self, envelope: &Envelope, raw: &[u8]) -> Result<(), SendError>;
}

/// Submission over SMTP.
pub struct SmtpMailer {
    transport: SmtpTransport,
}

/// How long to wait on the server at each step before calling the attempt failed (transient).
const TIMEOUT: Duration = Duration::from_secs(15);

impl SmtpMailer {
    /// A mailer for `url`: `smtp://host:port` (plain, for a local relay), `smtp://host:port?tls=required`
    /// (STARTTLS) or `smtps://host:port` (TLS from the start); credentials as `smtp://user:pass@host`.
    ///
    /// # Errors
    /// A URL lettre cannot read.
    pub fn new(url: &str) -> Result<Self, Error> {
        let transport = SmtpTransport::from_url(url).map_err(|e| Error::Smtp(format!("{url}: {e}")))?.timeout(Some(TIMEOUT)).build();
        Ok(Self { transport })
    }
}

impl Mailer for SmtpMailer {
    fn send(&self, envelope: &Envelope, raw: &[u8]) -> Result<(), SendError> {
        match self.transport.send_raw(envelope, raw) {
            Ok(_) => Ok(()),
            // lettre classifies 5xx replies as permanent; everything else (4xx, I/O, TLS,
            // timeouts, a connection closed mid-dialogue) may succeed on a later attempt.
            Err(e) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
            Err(e) => Err(SendError::Transient(e.to_string())),
        }
    }
}
