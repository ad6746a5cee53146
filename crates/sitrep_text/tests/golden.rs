//! Golden tests: invented articles in, a reviewed listing of the stage's layers out (insta
//! snapshots under `tests/snapshots/`; review changes with `cargo insta review`).

use std::fmt::Write as _;

use sitrep_core::{Date, Document};

fn render(doc: &Document) -> String {
    let mut out = String::new();
    let text = &doc.text;
    writeln!(out, "language: {:?}", doc.language).unwrap();
    writeln!(out, "skipped: {:?}", doc.skipped).unwrap();
    writeln!(out, "published: {:?} ({:?})", doc.published.map(|d| d.to_string()), doc.published_source).unwrap();
    if let Some(d) = &doc.dateline {
        writeln!(
            out,
            "dateline: {:?} place={:?} date={:?} agency={:?}",
            d.span.of(text),
            d.place_span.map(|p| p.of(text)),
            d.date.map(|d| d.to_string()),
            d.agency
        )
        .unwrap();
    }
    for r in &doc.removed {
        writeln!(out, "removed {:?}: {:?}", r.kind, r.span.of(text)).unwrap();
    }
    writeln!(out, "paragraphs: {}", doc.paragraphs.len()).unwrap();
    for (i, s) in doc.sentences.iter().enumerate() {
        let mark = if doc.is_removed(*s) { "x" } else { " " };
        writeln!(out, "{mark} s{i}: {:?}", s.of(text)).unwrap();
    }
    let after_dateline = doc.dateline.as_ref().map_or(0, |d| d.span.end);
    if let Some((_, first)) = doc.content_sentences().find(|(_, s)| s.start >= after_dateline) {
        let toks: Vec<String> = doc.tokens_in(first).iter().map(|t| format!("{}/{:?}", t.span.of(text), t.kind)).collect();
        writeln!(out, "tokens of the first sentence after the dateline: {}", toks.join(" ")).unwrap();
    }
    out
}

fn run(text: &str, published: Option<Date>) -> String {
    let mut doc = Document::from_text("golden", text);
    doc.published = published;
    sitrep_text::annotate(&mut doc);
    sitrep_core::check::assert_spans(&doc);
    render(&doc)
}

#[test]
fn wire_story_with_page_furniture() {
    let text = "\
Rebels seize market town in northern Karamoja province

By Ana Diaz and Tom Okello, Reuters

KARAMOJA CITY, March 3 (Reuters) - Rebels of the People's Liberation Front seized the market town of Lotuke on Sunday, killing at least 12 soldiers, Lt. Col. J. R. Amuge said. \"We were outnumbered. They came at dawn,\" he told reporters at the U.N. compound.

Advertisement

Prices of maize rose 3.5 percent in No. 2 district after the attack. The U.S. embassy urged its citizens to leave.

Image caption Residents flee Lotuke on foot

Sign up to our free newsletters.
We'll use your email address only to send you newsletters. You can unsubscribe at any time. See our privacy notice for our marketing platform.

Related

Ten killed in raid on army post in Karamoja
UN envoy calls for ceasefire talks after clashes

Share this article

The army said it would retake Lotuke within days. (Reporting by Ana Diaz; Editing by Bo Park)
";
    insta::assert_snapshot!(run(text, Some(jiff::civil::date(2024, 3, 4))));
}

#[test]
fn upper_case_wire_story() {
    let text = "\
   SANTA LUCIA, 14 MAR 90 (RADIO NORTE) -- [TEXT] URBAN GUERRILLAS OF THE
MORAZANIST FRONT DYNAMITED TWO ELECTRIC TOWERS IN SAN PEDRO DE LOS ALTOS
LAST NIGHT, GEN. RAMIRO VEGA, COMMANDER OF THE 3D INFANTRY BRIGADE,
REPORTED TODAY.  THE ARMY SAID... .

   \"WE WILL NOT ALLOW THIS,\" THE PRESIDENT SAID IN THE U.S.  THE ATTACK LEFT
12,500 PEOPLE WITHOUT ELECTRICITY.
";
    insta::assert_snapshot!(run(text, None));
}

#[test]
fn press_release_with_line_separators() {
    let text = "Afghan Force Detains Insurgents in Northern Province\nJoint Command - Afghanistan\u{2028}2012-03-S-001\u{2028}For Immediate Release\u{2028}\u{2028}KABUL, Afghanistan (March 3) \u{2014} An Afghan-led security force detained two suspected insurgents in Dand district yesterday.\u{2028}\u{2028}The force did not fire any shots during the operation.";
    insta::assert_snapshot!(run(text, Some(jiff::civil::date(2012, 3, 3))));
}

#[test]
fn french_article_is_skipped_with_sentences_only() {
    let text = "Des hommes armés ont attaqué mardi un poste de police dans le nord du pays, tuant trois agents, selon des sources sécuritaires.\n\nLes assaillants ont pris la fuite vers la frontière, a indiqué le gouverneur de la région. Une enquête a été ouverte.";
    insta::assert_snapshot!(run(text, None));
}
