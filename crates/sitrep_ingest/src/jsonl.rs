//! JSON Lines: one article a line, `{"id","text"|"html","url","published","outlet","title"}`.
//! A bad line is reported with its number and skipped; the others go on.

use std::io::BufRead;

use serde_json::Value;
use sitrep_core::{Document, PublishedSource};

use crate::date::parse_strict_date;
use crate::error::IngestError;
use crate::html::article_from_html;
use crate::id::stable_id;
use crate::{Input, Item, Options, Reader};

pub struct JsonlReader;

impl Reader for JsonlReader {
    fn read(&self, input: &Input, opts: &Options, out: &mut Vec<Item>) {
        for (i, line) in input.bytes.split(|&b| b == b'\n').enumerate() {
            one_line(&input.source, input.stem.as_deref(), i + 1, line, opts, out);
        }
    }
}

fn one_line(source: &str, stem: Option<&str>, number: usize, line: &[u8], opts: &Options, out: &mut Vec<Item>) {
    if line.iter().all(u8::is_ascii_whitespace) {
        return;
    }
    match record(source, stem, number, line, opts) {
        Ok((doc, warning)) => {
            let source = doc.source.clone().unwrap_or_default();
            out.push(Item::Document(Box::new(doc)));
            if let Some(message) = warning {
                out.push(Item::Warning { source, message });
            }
        }
        Err(error) => out.push(Item::Skipped { source: format!("{source}:{number}"), error }),
    }
}

/// Reads a JSON Lines stream one record at a time, so a feed may be larger than `--max-bytes`
/// (each record may not). A record over the limit is skipped without being held in memory.
///
/// # Errors
/// A read error (or a gzip bomb, from the reader) ends the stream; the records before it stand.
pub fn read_stream(
    source: &str,
    stem: Option<&str>,
    mut reader: impl BufRead,
    opts: &Options,
    out: &mut Vec<Item>,
) -> Result<(), IngestError> {
    let mut buf = Vec::new();
    let mut number = 0;
    let mut any = false;
    loop {
        buf.clear();
        let Some(length) =
            next_line(&mut reader, opts.max_bytes, &mut buf).map_err(|e| match e.downcast::<IngestError>() {
                Ok(ingest) => ingest,
                Err(io) => IngestError::io(source, io),
            })?
        else {
            break;
        };
        number += 1;
        any |= length > 0;
        if length as u64 > opts.max_bytes {
            out.push(Item::Skipped {
                source: format!("{source}:{number}"),
                error: IngestError::TooLarge { size: length as u64, limit: opts.max_bytes },
            });
        } else {
            one_line(source, stem, number, &buf, opts, out);
        }
    }
    if !any {
        return Err(IngestError::Empty);
    }
    Ok(())
}

/// The next line (without its `\n`) into `buf`, unless it is longer than `max`, in which case it
/// is read past and only its length returned. `None` at the end of the stream.
fn next_line(reader: &mut impl BufRead, max: u64, buf: &mut Vec<u8>) -> std::io::Result<Option<usize>> {
    let mut length = 0usize;
    let mut read_any = false;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok(read_any.then_some(length));
        }
        read_any = true;
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..i], true),
            None => (available, false),
        };
        length += chunk.len();
        if length as u64 <= max {
            buf.extend_from_slice(chunk);
        } else {
            buf.clear();
        }
        let used = chunk.len() + usize::from(done);
        reader.consume(used);
        if done {
            return Ok(Some(length));
        }
    }
}

fn bad(line: usize, message: impl Into<String>) -> IngestError {
    IngestError::JsonlRecord { line, message: message.into() }
}

/// One line → one document (and a warning to pass on, if any).
fn record(
    input_source: &str,
    stem: Option<&str>,
    line: usize,
    bytes: &[u8],
    opts: &Options,
) -> Result<(Document, Option<String>), IngestError> {
    if bytes.len() as u64 > opts.max_bytes {
        return Err(IngestError::TooLarge { size: bytes.len() as u64, limit: opts.max_bytes });
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|e| bad(line, format!("invalid UTF-8 at byte {} of the line", e.valid_up_to())))?;
    let value: Value = serde_json::from_str(text).map_err(|e| bad(line, format!("not valid JSON ({e})")))?;
    let Value::Object(obj) = value else {
        return Err(bad(line, "not a JSON object"));
    };
    let field = |name: &str| -> Result<Option<String>, IngestError> {
        match obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) if name == "id" => Ok(Some(n.to_string())),
            Some(other) => Err(bad(line, format!("\"{name}\" must be a string, not {}", kind(other)))),
        }
    };
    let url = field("url")?;
    let source = url.clone().unwrap_or_else(|| format!("{input_source}:{line}"));
    let published = match field("published")? {
        Some(s) => Some(parse_strict_date(&s).ok_or_else(|| {
            bad(line, format!("\"published\" must be YYYY-MM-DD or an RFC 3339 timestamp, not {s:?}"))
        })?),
        None => None,
    };
    let id = field("id")?;
    let stem = format!("{}-{line}", stem.unwrap_or("line"));

    let mut warning = None;
    let mut doc = match (non_empty(field("text")?), non_empty(field("html")?)) {
        (Some(text), _) => Document::from_text(String::new(), text),
        (None, Some(html)) => {
            let article =
                article_from_html(&html, url.as_deref(), opts.max_bytes).map_err(|e| bad(line, e.to_string()))?;
            warning.clone_from(&article.warning);
            article.into_document()
        }
        (None, None) => return Err(bad(line, "no \"text\" or \"html\" field with content")),
    };
    doc.id = id.unwrap_or_else(|| stable_id(Some(&stem), bytes));
    doc.source = Some(source);
    doc.url = url;
    if let Some(title) = non_empty(field("title")?) {
        doc.title = Some(title);
    }
    if let Some(outlet) = non_empty(field("outlet")?) {
        doc.outlet = Some(outlet);
    }
    if let Some(date) = published {
        doc.published = Some(date);
        doc.published_source = PublishedSource::Jsonl;
    }
    Ok((doc, warning))
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(lines: &str) -> Vec<Item> {
        let mut out = Vec::new();
        JsonlReader.read(&Input::from_bytes("feed.jsonl", lines.as_bytes()), &Options::default(), &mut out);
        out
    }

    #[test]
    fn a_bad_line_is_skipped_with_its_number_and_the_rest_go_on() {
        let items = read(concat!(
            r#"{"id":"a1","text":"Gunmen attacked a market in Bria.","published":"2026-04-12","outlet":"Wire"}"#,
            "\n",
            r#"{"id":"a2","text": "unterminated"#,
            "\n\n",
            r#"{"id":"a3","text":"Protesters marched in Bangui.","published":"2026-04-12T22:10:00-05:00"}"#,
            "\n",
            r#"{"id":"a4","published":"April 12"}"#,
        ));
        let ids: Vec<&str> =
            items.iter().filter_map(|i| if let Item::Document(d) = i { Some(d.id.as_str()) } else { None }).collect();
        assert_eq!(ids, ["a1", "a3"]);
        let skipped: Vec<(String, String)> = items
            .iter()
            .filter_map(|i| {
                if let Item::Skipped { source, error } = i {
                    Some((source.clone(), error.to_string()))
                } else {
                    None
                }
            })
            .collect();
        assert_eq!(skipped.len(), 2);
        assert_eq!(skipped[0].0, "feed.jsonl:2");
        assert!(skipped[0].1.starts_with("line 2: not valid JSON"), "{}", skipped[0].1);
        assert_eq!(skipped[1].0, "feed.jsonl:5");
        assert!(skipped[1].1.contains("\"text\" or \"html\""), "{}", skipped[1].1);
    }

    #[test]
    fn streaming_skips_a_record_over_the_limit_and_reads_the_rest() {
        let long = format!(r#"{{"id":"big","text":"{}"}}"#, "x".repeat(500));
        let feed = format!(
            "{}\n{long}\n{}",
            r#"{"id":"a","text":"Clash in Bria."}"#, r#"{"id":"b","text":"Protest in Bangui."}"#
        );
        let opts = Options { max_bytes: 200, ..Options::default() };
        let mut out = Vec::new();
        read_stream(
            "feed.jsonl",
            Some("feed"),
            std::io::BufReader::with_capacity(16, feed.as_bytes()),
            &opts,
            &mut out,
        )
        .unwrap();
        let summary: Vec<String> = out
            .iter()
            .map(|i| match i {
                Item::Document(d) => d.id.clone(),
                Item::Skipped { source, error } => format!("{source} {error}"),
                Item::Warning { message, .. } => message.clone(),
            })
            .collect();
        assert_eq!(summary.len(), 3, "{summary:?}");
        assert_eq!(summary[0], "a");
        assert!(summary[1].starts_with("feed.jsonl:2 over the limit of 200 bytes"), "{summary:?}");
        assert_eq!(summary[2], "b");
    }

    #[test]
    fn fields_fill_the_document() {
        let items = read(
            r#"{"id":7,"text":"Text.","url":"https://example.org/a","published":"2026-04-12T23:30:00Z","title":"T","outlet":"O"}"#,
        );
        let Item::Document(doc) = &items[0] else { panic!("{items:?}") };
        assert_eq!(doc.id, "7");
        assert_eq!(doc.source.as_deref(), Some("https://example.org/a"));
        assert_eq!(doc.published, Some("2026-04-12".parse().unwrap()));
        assert_eq!(doc.published_source, PublishedSource::Jsonl);
        assert_eq!((doc.title.as_deref(), doc.outlet.as_deref()), (Some("T"), Some("O")));
        sitrep_core::check::assert_spans(doc);
    }

    #[test]
    fn a_bad_published_value_names_the_accepted_forms() {
        let items = read(r#"{"text":"Text.","published":"12/04/2026"}"#);
        let Item::Skipped { error, .. } = &items[0] else { panic!("{items:?}") };
        assert!(error.to_string().contains("YYYY-MM-DD or an RFC 3339"), "{error}");
    }
}
