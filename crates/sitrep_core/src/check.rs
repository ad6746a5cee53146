//! The contract's span invariant, stated once and checked by every stage's tests:
//! every span is in range and on character boundaries, every surface equals the text it points
//! at, and nothing is extracted from inside a `removed` range.

use crate::contract::Output;
use crate::document::Document;
use crate::span::Span;

/// Every violation of the span invariant in `doc`, one line each (empty when it holds).
#[must_use]
pub fn span_violations(doc: &Document) -> Vec<String> {
    let mut problems = Vec::new();
    let text = &doc.text;
    let in_range = |problems: &mut Vec<String>, what: &str, span: Span| {
        let ok = span.start <= span.end
            && span.end <= text.len()
            && text.is_char_boundary(span.start)
            && text.is_char_boundary(span.end);
        if !ok {
            problems.push(format!("{what} {span:?} is out of range or splits a character (text is {} bytes)", text.len()));
        }
        ok
    };
    // Layers that mark the text itself may cover boilerplate.
    for r in &doc.removed {
        in_range(&mut problems, "removed", r.span);
    }
    for s in &doc.sentences {
        in_range(&mut problems, "sentence", *s);
    }
    for t in &doc.tokens {
        in_range(&mut problems, "token", t.span);
    }
    if let Some(dl) = &doc.dateline {
        in_range(&mut problems, "dateline", dl.span);
    }
    // Extracted layers must not come from boilerplate.
    let mut extracted: Vec<(String, Span)> = Vec::new();
    for e in &doc.entities {
        extracted.extend(e.mentions.iter().map(|m| (format!("entity {} mention", e.id), *m)));
    }
    extracted.extend(doc.places.iter().map(|p| ("place".to_owned(), p.span)));
    extracted.extend(doc.times.iter().map(|t| ("time".to_owned(), t.span)));
    for q in &doc.quotes {
        extracted.push(("quote".to_owned(), q.span));
        extracted.extend(q.speaker_span.map(|s| ("quote speaker".to_owned(), s)));
    }
    for a in &doc.attributions {
        extracted.push(("attribution content".to_owned(), a.content));
        extracted.extend(a.cue.map(|s| ("attribution cue".to_owned(), s)));
        extracted.extend(a.source_span.map(|s| ("attribution source".to_owned(), s)));
    }
    for ev in &doc.events {
        if ev.evidence.is_empty() {
            problems.push(format!("event {} has no evidence", ev.id));
        }
        let id = &ev.id;
        extracted.extend(ev.evidence.iter().map(|s| (format!("event {id} evidence"), *s)));
        let optional = [
            ("trigger", ev.trigger),
            ("target", ev.target),
            ("instrument", ev.instrument),
            ("date", ev.date_span),
            ("location", ev.location.as_ref().and_then(|l| l.span)),
            ("actor1", ev.actor1.as_ref().and_then(|a| a.span)),
            ("actor2", ev.actor2.as_ref().and_then(|a| a.span)),
            ("fatalities", ev.fatalities.as_ref().and_then(|c| c.span)),
            ("injured", ev.injured.as_ref().and_then(|c| c.span)),
            ("detained", ev.detained.as_ref().and_then(|c| c.span)),
        ];
        extracted.extend(optional.into_iter().filter_map(|(what, s)| s.map(|s| (format!("event {id} {what}"), s))));
        extracted.extend(ev.claims.iter().map(|c| (format!("event {id} claim"), c.span)));
    }
    for (what, span) in extracted {
        if in_range(&mut problems, &what, span) {
            if let Some(r) = doc.removed.iter().find(|r| r.span.overlaps(span)) {
                problems.push(format!(
                    "{what} {span:?} {:?} lies inside removed {:?} range {:?}",
                    &text[span.start..span.end],
                    r.kind,
                    r.span
                ));
            }
        }
    }
    problems
}

/// Every violation in the contract output: character offsets in range, surfaces equal to the
/// text they point at.
#[must_use]
pub fn output_violations(out: &Output) -> Vec<String> {
    let chars: Vec<char> = out.document.text.chars().collect();
    let mut problems = Vec::new();
    let mut surface = |what: &str, start: usize, end: usize, expected: Option<&str>| {
        if start > end || end > chars.len() {
            problems.push(format!("{what} [{start}, {end}) out of range ({} chars)", chars.len()));
            return;
        }
        if let Some(expected) = expected {
            let actual: String = chars[start..end].iter().collect();
            if actual != expected {
                problems.push(format!("{what} [{start}, {end}) reads {actual:?}, claims {expected:?}"));
            }
        }
    };
    for e in &out.entities {
        if let Some(first) = e.mentions.first() {
            surface(&format!("entity {} text", e.id), first.start, first.end, Some(&e.text));
        }
    }
    for q in &out.quotes {
        surface("quote", q.start, q.end, Some(&q.text));
    }
    for p in &out.places {
        surface("place", p.start, p.end, Some(&p.text));
    }
    for t in &out.times {
        surface("time", t.start, t.end, Some(&t.text));
    }
    for ev in &out.events {
        for ts in [&ev.target, &ev.instrument, &ev.trigger].into_iter().flatten() {
            surface(&format!("event {}", ev.id), ts.start, ts.end, Some(&ts.text));
        }
        for a in [&ev.actor1, &ev.actor2].into_iter().flatten() {
            if let (Some(s), Some(e)) = (a.start, a.end) {
                surface(&format!("event {} actor", ev.id), s, e, a.text.as_deref());
            }
        }
        for s in &ev.evidence {
            surface(&format!("event {} evidence", ev.id), s.start, s.end, None);
        }
    }
    problems
}

/// Panics with every violation listed: the assertion every stage's tests call.
///
/// # Panics
/// When the document breaks the span invariant.
pub fn assert_spans(doc: &Document) {
    let problems = span_violations(doc);
    assert!(problems.is_empty(), "span invariant broken in document {}:\n  {}", doc.id, problems.join("\n  "));
    let out = crate::contract::to_output(doc, &crate::contract::Provenance::default());
    let problems = output_violations(&out);
    assert!(problems.is_empty(), "contract output broken in document {}:\n  {}", doc.id, problems.join("\n  "));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Entity, EntityKind, Removed, RemovedKind};

    fn doc_with_entity(mention: Span) -> Document {
        let mut doc = Document::from_text("t", "Sign up now. Rebels shelled Ḥoms.");
        doc.removed.push(Removed { span: Span::new(0, 12), kind: RemovedKind::Newsletter });
        doc.entities.push(Entity {
            id: "E1".into(),
            kind: EntityKind::Gpe,
            canonical: "Homs".into(),
            mentions: vec![mention],
            title: None,
            actor_id: None,
            geo: None,
        });
        doc
    }

    #[test]
    fn accepts_a_mention_outside_boilerplate() {
        let doc = doc_with_entity(Span::new(28, 34));
        assert_eq!(doc.slice(Span::new(28, 34)), "Ḥoms");
        assert!(span_violations(&doc).is_empty());
        assert_spans(&doc);
    }

    #[test]
    fn flags_a_mention_inside_boilerplate() {
        let problems = span_violations(&doc_with_entity(Span::new(0, 4)));
        assert!(problems.iter().any(|p| p.contains("inside removed")), "{problems:?}");
    }

    #[test]
    fn flags_a_span_that_splits_a_character() {
        let problems = span_violations(&doc_with_entity(Span::new(29, 34)));
        assert!(problems.iter().any(|p| p.contains("splits a character")), "{problems:?}");
    }
}
