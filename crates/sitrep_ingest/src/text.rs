//! Plain text: UTF-8 (a UTF-8 BOM is dropped; UTF-16 with a BOM is decoded), kept exactly as
//! read otherwise, `\r\n` included, so offsets match the file.

use sitrep_core::Document;

use crate::error::IngestError;
use crate::id::stable_id;
use crate::{Input, Item, Options, Reader};

pub struct TextReader;

impl Reader for TextReader {
    fn read(&self, input: &Input, opts: &Options, out: &mut Vec<Item>) {
        match decode_text(&input.bytes, opts.lossy) {
            Ok((text, warning)) => {
                if text.trim().is_empty() {
                    out.push(Item::Skipped { source: input.source.clone(), error: IngestError::Empty });
                    return;
                }
                let mut doc = Document::from_text(stable_id(input.stem.as_deref(), &input.bytes), text);
                doc.source = Some(input.source.clone());
                out.push(Item::Document(Box::new(doc)));
                if let Some(message) = warning {
                    out.push(Item::Warning { source: input.source.clone(), message });
                }
            }
            Err(error) => out.push(Item::Skipped { source: input.source.clone(), error }),
        }
    }
}

/// Decodes plain text. Returns the text and, under `lossy`, a warning when bytes were replaced.
///
/// # Errors
/// [`IngestError::InvalidUtf8`] with the byte offset of the first bad byte (unless `lossy`).
pub fn decode_text(bytes: &[u8], lossy: bool) -> Result<(String, Option<String>), IngestError> {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        if encoding != encoding_rs::UTF_8 {
            let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
            let warning =
                had_errors.then(|| format!("{} text had malformed sequences, replaced with U+FFFD", encoding.name()));
            return Ok((text.into_owned(), warning));
        }
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((text.to_owned(), None)),
        Err(err) if lossy => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let replaced = text.matches('\u{FFFD}').count();
            Ok((
                text,
                Some(format!(
                    "invalid UTF-8 from byte offset {}: decoded lossily, {replaced} replacement character(s) in the text",
                    err.valid_up_to()
                )),
            ))
        }
        Err(err) => Err(IngestError::InvalidUtf8 { offset: err.valid_up_to() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_names_the_byte_offset() {
        let err = decode_text(b"Rebels entered Bria\xff at dawn.", false).unwrap_err();
        assert!(err.to_string().contains("byte offset 19"), "{err}");
        assert!(err.to_string().contains("--lossy"), "{err}");
    }

    #[test]
    fn lossy_decoding_replaces_and_warns() {
        let (text, warning) = decode_text(b"Bria\xff town", true).unwrap();
        assert_eq!(text, "Bria\u{FFFD} town");
        assert!(warning.unwrap().contains("byte offset 4"));
    }

    #[test]
    fn crlf_is_kept_and_bom_dropped() {
        let (text, _) = decode_text(b"\xEF\xBB\xBFLine one.\r\nLine two.", false).unwrap();
        assert_eq!(text, "Line one.\r\nLine two.");
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend("Goma".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode_text(&bytes, false).unwrap().0, "Goma");
    }
}
