//! Signing keys and the signed, expiring tokens in confirmation, unsubscribe and form links.
//!
//! The keyring is a small text file next to the database, created at first use with mode 0600
//! and never committed. Rotation adds a new key and retires the old one; a retired key still
//! verifies until the longest token lifetime has passed since it was retired, so links already
//! mailed keep working, and is then dropped.

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use jiff::{SignedDuration, Timestamp};
use sha2::Sha256;

use crate::Error;

/// File name of the keyring, beside the database.
pub const KEYRING_FILE: &str = "sitrep-keys";

const HEADER: &str = "# sitrep signing keys (HMAC-SHA256), one a line: ID CREATED RETIRED-or-- BASE64URL-KEY\n\
# Secret: keep mode 0600, never commit. `sitrep subscribers rotate-key` adds a key; retired keys verify until they expire.\n";

/// What a token authorises; part of the signed payload, so a token for one purpose never works
/// for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Double opt-in: confirms a pending subscription.
    Confirm,
    /// Unsubscribe link and RFC 8058 one-click POST.
    Unsubscribe,
    /// The subscribe form's anti-forgery token.
    Form,
}

impl Purpose {
    fn tag(self) -> &'static str {
        match self {
            Self::Confirm => "confirm",
            Self::Unsubscribe => "unsub",
            Self::Form => "form",
        }
    }

    /// How long a token of this purpose stays valid.
    #[must_use]
    pub fn lifetime(self) -> SignedDuration {
        match self {
            Self::Confirm => SignedDuration::from_hours(72),
            // A digest may sit in an inbox for weeks; its unsubscribe link must still work.
            Self::Unsubscribe => SignedDuration::from_hours(24 * 90),
            Self::Form => SignedDuration::from_hours(2),
        }
    }
}

/// The longest lifetime of any token: how long a retired key must keep verifying.
fn retention() -> SignedDuration {
    Purpose::Unsubscribe.lifetime()
}

#[derive(Debug, Clone)]
struct Key {
    id: String,
    created: Timestamp,
    retired: Option<Timestamp>,
    secret: Vec<u8>,
}

/// The signing keys: the newest signs, every unexpired one verifies.
#[derive(Debug, Clone)]
pub struct Keyring {
    path: PathBuf,
    keys: Vec<Key>,
    /// The file's modification time when read: a long-running server re-reads a rotated file.
    modified: Option<std::time::SystemTime>,
}

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the link is malformed (was it cut short by the mail program?)")]
    Malformed,
    #[error("the link's signature does not verify")]
    BadSignature,
    #[error("the link has expired")]
    Expired,
    #[error("the link is for something else")]
    WrongPurpose,
}

fn random_secret() -> Result<Vec<u8>, Error> {
    let mut secret = vec![0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| Error::Random(e.to_string()))?;
    Ok(secret)
}

/// Random bytes, base64url: nonces for the form cookie.
///
/// # Errors
/// When the operating system has no randomness to give.
pub fn random_nonce() -> Result<String, Error> {
    let mut b = [0u8; 18];
    getrandom::fill(&mut b).map_err(|e| Error::Random(e.to_string()))?;
    Ok(URL_SAFE_NO_PAD.encode(b))
}

fn write_private(path: &Path, text: &str) -> Result<(), Error> {
    let tmp = path.with_extension("tmp");
    {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))?;
    }
    std::fs::rename(&tmp, path)?;
    Ok(())
}

impl Keyring {
    /// Loads the keyring in `data_dir`, creating it with one fresh key when there is none.
    ///
    /// # Errors
    /// I/O errors, an unreadable keyring, or no system randomness.
    pub fn open(data_dir: &Path) -> Result<Self, Error> {
        let path = data_dir.join(KEYRING_FILE);
        if !path.exists() {
            let mut ring = Self { path, keys: Vec::new(), modified: None };
            ring.keys.push(Key { id: "k1".into(), created: Timestamp::now(), retired: None, secret: random_secret()? });
            ring.save()?;
            ring.modified = std::fs::metadata(&ring.path).and_then(|m| m.modified()).ok();
            return Ok(ring);
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)?.permissions().mode() & 0o077;
            if mode != 0 {
                return Err(Error::Keyring(format!("{} is readable by others: run chmod 600 on it", path.display())));
            }
        }
        let text = std::fs::read_to_string(&path)?;
        let mut keys = Vec::new();
        for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty()) {
            let bad = || Error::Keyring(format!("{} line {}: expected ID CREATED RETIRED-or-- KEY", path.display(), n + 1));
            let f: Vec<&str> = line.split_whitespace().collect();
            let [id, created, retired, secret] = f[..] else { return Err(bad()) };
            keys.push(Key {
                id: id.to_owned(),
                created: created.parse().map_err(|_| bad())?,
                retired: if retired == "-" { None } else { Some(retired.parse().map_err(|_| bad())?) },
                secret: URL_SAFE_NO_PAD.decode(secret).map_err(|_| bad())?,
            });
        }
        if keys.iter().all(|k| k.retired.is_some()) {
            return Err(Error::Keyring(format!("{} has no active key: delete it to start a new one (old links stop working)", path.display())));
        }
        let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
        Ok(Self { path, keys, modified })
    }

    /// Re-reads the file when another process (`sitrep subscribers rotate-key`) changed it, so a
    /// running server verifies links signed with the new key.
    ///
    /// # Errors
    /// As [`Self::open`].
    pub fn reload_if_changed(&mut self) -> Result<(), Error> {
        let now = std::fs::metadata(&self.path).and_then(|m| m.modified()).ok();
        if now.is_some() && now != self.modified {
            let dir = self.path.parent().map(Path::to_path_buf).unwrap_or_default();
            *self = Self::open(&dir)?;
        }
        Ok(())
    }

    fn save(&mut self) -> Result<(), Error> {
        let mut text = HEADER.to_owned();
        for k in &self.keys {
            let retired = k.retired.map_or_else(|| "-".to_owned(), |t| t.to_string());
            text.push_str(&format!("{} {} {} {}\n", k.id, k.created, retired, URL_SAFE_NO_PAD.encode(&k.secret)));
        }
        write_private(&self.path, &text)?;
        self.modified = std::fs::metadata(&self.path).and_then(|m| m.modified()).ok();
        Ok(())
    }

    fn active(&self) -> &Key {
        // `open` guarantees one unretired key; the newest unretired one signs.
        self.keys.iter().rev().find(|k| k.retired.is_none()).unwrap_or(&self.keys[self.keys.len() - 1])
    }

    /// Adds a new signing key and retires the current one; drops keys retired longer ago than
    /// the longest token lifetime.
    ///
    /// # Errors
    /// I/O errors or no system randomness.
    pub fn rotate(&mut self, now: Timestamp) -> Result<(), Error> {
        for k in &mut self.keys {
            k.retired.get_or_insert(now);
        }
        self.keys.retain(|k| k.retired.is_none_or(|r| now.duration_since(r) < retention()));
        let next = self.keys.iter().filter_map(|k| k.id.strip_prefix('k')?.parse::<u64>().ok()).max().unwrap_or(0) + 1;
        self.keys.push(Key { id: format!("k{next}"), created: now, retired: None, secret: random_secret()? });
        self.save()
    }

    /// Ids of the keys that still verify.
    #[must_use]
    pub fn key_ids(&self) -> Vec<String> {
        self.keys.iter().map(|k| k.id.clone()).collect()
    }

    fn mac(secret: &[u8]) -> Hmac<Sha256> {
        // HMAC accepts keys of any length.
        <Hmac<Sha256> as Mac>::new_from_slice(secret).unwrap_or_else(|_| unreachable!("HMAC takes any key length"))
    }

    /// A token for `purpose` about `subject`, valid from `now` for the purpose's lifetime.
    #[must_use]
    pub fn sign(&self, purpose: Purpose, subject: &str, now: Timestamp) -> String {
        let key = self.active();
        let exp = now.as_second() + purpose.lifetime().as_secs();
        let payload = format!("{}|{}|{}|{}", key.id, purpose.tag(), exp, subject);
        let mut mac = Self::mac(&key.secret);
        mac.update(payload.as_bytes());
        let sig = mac.finalize().into_bytes();
        format!("{}.{}", URL_SAFE_NO_PAD.encode(payload), URL_SAFE_NO_PAD.encode(sig))
    }

    /// The subject of a valid token for `purpose`.
    ///
    /// # Errors
    /// A malformed, forged, expired or other-purpose token.
    pub fn verify(&self, purpose: Purpose, token: &str, now: Timestamp) -> Result<String, TokenError> {
        let (payload_b64, sig_b64) = token.trim().split_once('.').ok_or(TokenError::Malformed)?;
        let payload = URL_SAFE_NO_PAD.decode(payload_b64).map_err(|_| TokenError::Malformed)?;
        let sig = URL_SAFE_NO_PAD.decode(sig_b64).map_err(|_| TokenError::Malformed)?;
        let payload = String::from_utf8(payload).map_err(|_| TokenError::Malformed)?;
        let mut parts = payload.splitn(4, '|');
        let (Some(kid), Some(tag), Some(exp), Some(subject)) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(TokenError::Malformed);
        };
        let key = self.keys.iter().find(|k| k.id == kid).ok_or(TokenError::BadSignature)?;
        let mut mac = Self::mac(&key.secret);
        mac.update(payload.as_bytes());
        // Constant-time comparison inside `verify_slice`.
        mac.verify_slice(&sig).map_err(|_| TokenError::BadSignature)?;
        if tag != purpose.tag() {
            return Err(TokenError::WrongPurpose);
        }
        let exp: i64 = exp.parse().map_err(|_| TokenError::Malformed)?;
        if now.as_second() > exp {
            return Err(TokenError::Expired);
        }
        Ok(subject.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring() -> (tempfile::TempDir, Keyring) {
        let dir = tempfile::tempdir().unwrap();
        let ring = Keyring::open(dir.path()).unwrap();
        (dir, ring)
    }

    #[test]
    fn a_token_verifies_for_its_purpose_only_and_not_after_it_expires() {
        let (_d, ring) = ring();
        let now = Timestamp::now();
        let t = ring.sign(Purpose::Confirm, "7", now);
        assert_eq!(ring.verify(Purpose::Confirm, &t, now).unwrap(), "7");
        assert_eq!(ring.verify(Purpose::Unsubscribe, &t, now), Err(TokenError::WrongPurpose));
        let later = now + SignedDuration::from_hours(73);
        assert_eq!(ring.verify(Purpose::Confirm, &t, later), Err(TokenError::Expired));
    }

    #[test]
    fn a_tampered_token_is_refused() {
        let (_d, ring) = ring();
        let now = Timestamp::now();
        let t = ring.sign(Purpose::Unsubscribe, "7:all", now);
        let (p, s) = t.split_once('.').unwrap();
        let payload = String::from_utf8(URL_SAFE_NO_PAD.decode(p).unwrap()).unwrap().replace("7:all", "8:all");
        let forged = format!("{}.{s}", URL_SAFE_NO_PAD.encode(payload));
        assert_eq!(ring.verify(Purpose::Unsubscribe, &forged, now), Err(TokenError::BadSignature));
        assert_eq!(ring.verify(Purpose::Unsubscribe, "garbage", now), Err(TokenError::Malformed));
    }

    #[test]
    fn the_keyring_file_is_private_and_survives_reopening() {
        let (dir, ring) = ring();
        let path = dir.path().join(KEYRING_FILE);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let now = Timestamp::now();
        let t = ring.sign(Purpose::Form, "n", now);
        let again = Keyring::open(dir.path()).unwrap();
        assert_eq!(again.verify(Purpose::Form, &t, now).unwrap(), "n");
    }

    #[test]
    fn a_running_process_sees_a_rotation_made_by_another() {
        let (dir, mut server) = ring();
        let mut cli = Keyring::open(dir.path()).unwrap();
        // File times can be coarse: make sure the rotation lands on a later one.
        std::thread::sleep(std::time::Duration::from_millis(20));
        cli.rotate(Timestamp::now()).unwrap();
        let t = cli.sign(Purpose::Unsubscribe, "1:all", Timestamp::now());
        assert_eq!(server.verify(Purpose::Unsubscribe, &t, Timestamp::now()), Err(TokenError::BadSignature));
        server.reload_if_changed().unwrap();
        assert_eq!(server.verify(Purpose::Unsubscribe, &t, Timestamp::now()).unwrap(), "1:all");
    }

    #[test]
    fn rotation_keeps_old_links_valid_for_their_lifetime_then_drops_the_key() {
        let (dir, mut ring) = ring();
        let now = Timestamp::now();
        let old = ring.sign(Purpose::Unsubscribe, "3:all", now);
        ring.rotate(now).unwrap();
        let ring = Keyring::open(dir.path()).unwrap();
        assert_eq!(ring.key_ids(), vec!["k1", "k2"]);
        assert_eq!(ring.verify(Purpose::Unsubscribe, &old, now).unwrap(), "3:all");
        let new = ring.sign(Purpose::Unsubscribe, "3:all", now);
        assert!(new.starts_with(&URL_SAFE_NO_PAD.encode("k2|")[..4]));
        // A rotation after the retention period drops k1: its tokens have all expired anyway.
        let mut ring = ring;
        ring.rotate(now + SignedDuration::from_hours(24 * 91)).unwrap();
        assert_eq!(ring.key_ids(), vec!["k2", "k3"]);
        assert_eq!(ring.verify(Purpose::Unsubscribe, &old, now), Err(TokenError::BadSignature));
    }
}
