//! Boilerplate that ingest marked from a page's structure survives the cleaning stage.

use sitrep_core::{check::assert_spans, Document, Removed, RemovedKind, Span};

#[test]
fn ranges_marked_by_ingest_are_kept_beside_pattern_matches() {
    let text = "Rebels attacked an army post near the town on Monday, officials said.\n\n\
                Soldiers patrol the road outside the town.\n\n\
                Share this article\n\n\
                The army said two soldiers were wounded in the attack.";
    let mut doc = Document::from_text("marks", text);
    let caption_start = text.find("Soldiers patrol").unwrap();
    let caption = Span::new(caption_start, caption_start + "Soldiers patrol the road outside the town.".len());
    doc.removed.push(Removed { span: caption, kind: RemovedKind::Caption });
    sitrep_text::annotate(&mut doc);
    assert!(doc.removed.iter().any(|r| r.span == caption && r.kind == RemovedKind::Caption), "{:?}", doc.removed);
    assert!(doc.removed.iter().any(|r| r.kind == RemovedKind::Share), "{:?}", doc.removed);
    assert!(doc.removed.windows(2).all(|w| w[0].span.start <= w[1].span.start));
    assert!(doc.content_sentences().all(|(_, s)| !s.overlaps(caption)));
    assert_spans(&doc);
}
