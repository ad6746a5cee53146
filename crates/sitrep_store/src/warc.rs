//! WARC and WARC.gz input: each `response` record holding an HTML page becomes a document
//! (read like any HTML page, its URL from `WARC-Target-URI`). A truncated file or record is
//! reported with how far reading got; the records before it are kept.

use std::io::Read;

use sitrep_core::Document;
use warc::{WarcHeader, WarcReader};

/// What reading an input gave: documents, and problems to record.
#[derive(Debug)]
pub enum ReadItem {
    Document(Box<Document>),
    Error { source: String, message: String },
}

/// True for file names sitrep reads as WARC.
#[must_use]
pub fn is_warc_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.ends_with(".warc") || n.ends_with(".warc.gz")
}

/// Reads a WARC (optionally gzipped) from its bytes; `max_bytes` caps the decompressed size.
#[must_use]
pub fn read_warc(source: &str, bytes: &[u8], max_bytes: u64) -> Vec<ReadItem> {
    let mut out = Vec::new();
    let err = |message: String| ReadItem::Error { source: source.to_owned(), message };
    let data = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut buf = Vec::new();
        let limit = max_bytes.saturating_mul(sitrep_ingest::GZIP_MAX_RATIO).max(max_bytes);
        let mut dec = flate2::read::MultiGzDecoder::new(bytes).take(limit + 1);
        match dec.read_to_end(&mut buf) {
            Ok(_) if buf.len() as u64 > limit => {
                out.push(err(format!("gzip expands past {limit} bytes: not read (a gzip bomb, or raise --max-bytes)")));
                return out;
            }
            Ok(_) => buf,
            Err(e) => {
                // Keep what decompressed before the damage: whole records in it are still good.
                out.push(err(format!("truncated or corrupt gzip after {} decompressed bytes: {e}", buf.len())));
                buf
            }
        }
    } else {
        bytes.to_vec()
    };
    if !data.starts_with(b"WARC/") {
        out.push(err("not a WARC file (it does not start with a WARC/1.x record header)".to_owned()));
        return out;
    }
    let mut records = 0usize;
    for record in WarcReader::new(std::io::Cursor::new(&data)).iter_raw_records() {
        let (header, body) = match record {
            Ok(r) => r,
            Err(e) => {
                out.push(err(format!("WARC record {} is truncated or malformed: {e}", records + 1)));
                return out;
            }
        };
        records += 1;
        let get = |h: WarcHeader| header.headers.get(&h).map(|v| String::from_utf8_lossy(v).trim().to_owned());
        if get(WarcHeader::WarcType).as_deref() != Some("response") {
            continue;
        }
        let url = get(WarcHeader::TargetURI);
        let label = url.clone().unwrap_or_else(|| format!("{source}#record{records}"));
        let Some(split) = body.windows(4).position(|w| w == b"\r\n\r\n") else {
            out.push(ReadItem::Error { source: label, message: "response record without HTTP headers".to_owned() });
            continue;
        };
        let http_head = String::from_utf8_lossy(&body[..split]).to_ascii_lowercase();
        if !http_head.contains("text/html") && !http_head.contains("application/xhtml") {
            continue;
        }
        if http_head.contains("transfer-encoding: chunked") {
            out.push(ReadItem::Error { source: label, message: "chunked HTTP body in a WARC record is not supported".to_owned() });
            continue;
        }
        let (html, _) = sitrep_ingest::decode_html_bytes(&body[split + 4..]);
        match sitrep_ingest::html_article(&html, url.as_deref()) {
            Ok(mut doc) => {
                doc.source = Some(label);
                out.push(ReadItem::Document(Box::new(doc)));
            }
            Err(e) => out.push(ReadItem::Error { source: label, message: e.to_string() }),
        }
    }
    // warc stops quietly when a file ends inside a record's headers; a whole file ends with a
    // record's blank-line trailer.
    if !data.ends_with(b"\r\n\r\n") {
        out.push(err(format!("the file ends inside a record (after {records} whole records): truncated")));
    }
    out
}

/// Builds one WARC response record (for tests and fixtures).
#[must_use]
pub fn response_record(url: &str, html: &str) -> Vec<u8> {
    let http = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n{html}", html.len());
    let mut rec = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\nWARC-Date: 2026-04-14T10:00:00Z\r\n\
         WARC-Record-ID: <urn:uuid:{:032x}>\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
        crate::minhash::fnv1a(url.as_bytes()),
        http.len()
    )
    .into_bytes();
    rec.extend_from_slice(http.as_bytes());
    rec.extend_from_slice(b"\r\n\r\n");
    rec
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn page(title: &str, body: &str) -> String {
        format!("<html><head><title>{title}</title><meta property=\"article:published_time\" content=\"2026-03-04\"></head>\
                 <body><article><h1>{title}</h1><p>{body}</p><p>{body}</p></article></body></html>")
    }

    fn fixture() -> Vec<u8> {
        let mut w = response_record("https://example.org/a", &page("Clash in Gao", "Malian soldiers clashed with jihadists in Gao on Monday, and seven fighters were killed, officials said."));
        w.extend(response_record("https://example.org/b", &page("Protest in Bamako", "Hundreds of nurses marched through Bamako on Tuesday to demand higher wages, officials said.")));
        w
    }

    #[test]
    fn response_records_become_documents_with_their_urls() {
        let items = read_warc("t.warc", &fixture(), 1 << 20);
        let docs: Vec<&Document> = items.iter().filter_map(|i| if let ReadItem::Document(d) = i { Some(&**d) } else { None }).collect();
        assert_eq!(docs.len(), 2, "{items:?}");
        assert_eq!(docs[0].url.as_deref(), Some("https://example.org/a"));
        assert!(docs[1].text.contains("Bamako"));
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&fixture()).unwrap();
        let gz = gz.finish().unwrap();
        let items = read_warc("t.warc.gz", &gz, 1 << 20);
        assert_eq!(items.iter().filter(|i| matches!(i, ReadItem::Document(_))).count(), 2);
        assert!(!items.iter().any(|i| matches!(i, ReadItem::Error { .. })));
    }

    #[test]
    fn truncated_warc_and_gzip_are_reported_not_panics() {
        let all = fixture();
        let first = response_record("https://example.org/a", "x").len();
        // Inside the second record's WARC headers, its HTTP part, its trailer; inside the first.
        for cut in [first + 7, first + 300, all.len() - 3, 40, 10] {
            let items = read_warc("t.warc", &all[..cut], 1 << 20);
            assert!(items.iter().any(|i| matches!(i, ReadItem::Error { .. })), "cut at {cut}: {items:?}");
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&all).unwrap();
        let gz = gz.finish().unwrap();
        let items = read_warc("t.warc.gz", &gz[..gz.len() * 2 / 3], 1 << 20);
        assert!(items.iter().any(|i| matches!(i, ReadItem::Error { message, .. } if message.contains("truncated"))), "{items:?}");
    }
}
