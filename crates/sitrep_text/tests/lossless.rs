//! Property: on any text, the stage's layers hold the span invariant, sentences and paragraphs
//! are lossless (ordered, disjoint, trimmed, only whitespace outside them), and tokens are sorted
//! and on character boundaries.

use proptest::prelude::*;
use sitrep_core::Document;

fn check(text: &str) {
    let mut doc = Document::from_text("p", text);
    sitrep_text::annotate(&mut doc);
    sitrep_core::check::assert_spans(&doc);
    for layer in [&doc.sentences, &doc.paragraphs] {
        let mut at = 0;
        for s in layer {
            assert!(s.start >= at && s.start < s.end, "{s:?} after {at} in {text:?}");
            let body = s.of(text);
            assert_eq!(body.trim(), body, "{s:?} untrimmed in {text:?}");
            assert!(text[at..s.start].trim().is_empty(), "non-space between spans in {text:?}");
            at = s.end;
        }
        assert!(text[at..].trim().is_empty(), "non-space after the last span in {text:?}");
    }
    // Every sentence lies inside one paragraph.
    for s in &doc.sentences {
        assert!(doc.paragraphs.iter().any(|p| p.contains(*s)), "sentence {s:?} crosses paragraphs in {text:?}");
    }
    let mut at = 0;
    for t in &doc.tokens {
        assert!(t.span.start >= at && t.span.start < t.span.end, "token {t:?} in {text:?}");
        assert!(!t.span.of(text).starts_with(char::is_whitespace));
        at = t.span.end;
    }
    for r in &doc.removed {
        assert!(!r.span.is_empty());
    }
    if let Some(d) = &doc.dateline {
        assert!(d.place_span.is_none_or(|p| d.span.contains(p)));
    }
}

/// Pieces that exercise the splitter's decisions: abbreviations, quotes, line breaks of every
/// kind, multibyte letters, dashes, datelines, boilerplate lines.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Gen.".to_owned()),
        Just("U.S.".to_owned()),
        Just("J. R.".to_owned()),
        Just("No. 5".to_owned()),
        Just("3.5".to_owned()),
        Just("... .".to_owned()),
        Just("\u{201c}".to_owned()),
        Just("\u{201d}".to_owned()),
        Just("\"".to_owned()),
        Just("'s".to_owned()),
        Just("al-Assad".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("\n\n".to_owned()),
        Just("\u{2028}".to_owned()),
        Just("\u{2029}".to_owned()),
        Just("\u{a0}".to_owned()),
        Just(" -- ".to_owned()),
        Just(" — ".to_owned()),
        Just("KABUL, Afghanistan (Jan. 25, 2013)".to_owned()),
        Just("BANGUI, April 12 (Reuters) -".to_owned()),
        Just("Advertisement\n".to_owned()),
        Just("Related\n".to_owned()),
        Just("(Reporting by A B)".to_owned()),
        Just("Ḥoms".to_owned()),
        Just("حلب".to_owned()),
        Just("…".to_owned()),
        Just("?!".to_owned()),
        "[A-Za-z]{1,8}",
        "[A-Z]{1,6}\\. ",
        "[ .!?\"'()\\-]{1,3}",
        "\\PC{1,4}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn any_string_segments_losslessly(text in "\\PC{0,200}") {
        check(&text);
    }

    #[test]
    fn any_mix_of_tricky_pieces_segments_losslessly(pieces in proptest::collection::vec(piece(), 0..40), sep in proptest::collection::vec(prop_oneof![Just(""), Just(" "), Just("  ")], 40)) {
        let mut text = String::new();
        for (i, p) in pieces.iter().enumerate() {
            text.push_str(p);
            text.push_str(sep[i % sep.len()]);
        }
        check(&text);
    }
}
