//! PolNeAR dev figures through the stages the pipeline runs before this one: the text stage
//! (sentences, tokens, dateline) and the entity stage (speaker entities, pronoun antecedents), then
//! quotes. `cargo run -p sitrep_quotes --example polnear_pipeline`. The test `tests/polnear.rs`
//! measures the stage alone; ACCURACY.md records both.
#![allow(clippy::print_stdout)]

#[path = "../tests/common/mod.rs"]
mod common;

use sitrep_core::testdata::require_shared_data;

fn main() {
    let dir = require_shared_data().join("polnear/dev");
    // `--pronoun-mentions`: record resolved speaker pronouns as entity mentions (see ACCURACY.md).
    let pronoun_mentions = std::env::args().any(|a| a == "--pronoun-mentions");
    let quotes = sitrep_quotes::Quotes::load().expect("sitrep_quotes data files are valid").with_pronoun_mentions(pronoun_mentions);
    let ner = sitrep_ner::Ner::load().expect("sitrep_ner model loads");
    let (mut quote, mut speaker, mut attribution, mut diagnostic) =
        (common::Tally::default(), common::Tally::default(), common::Tally::default(), common::Tally::default());
    let mut skipped = 0;
    let (mut agree, mut judged) = (0, 0);
    let mut as_eval = [common::Tally::default(); 3];
    for mut article in common::read_polnear(&dir) {
        sitrep_text::annotate(&mut article.doc);
        if article.doc.skipped.is_some() {
            // PolNeAR is English throughout; score the document anyway so the denominators hold.
            skipped += 1;
            article.doc.skipped = None;
        }
        ner.annotate(&mut article.doc);
        quotes.annotate(&mut article.doc);
        sitrep_core::check::assert_spans(&article.doc);
        let (q, s, a) = common::score(&article.doc, &article.gold);
        quote.add(q);
        speaker.add(s);
        attribution.add(a);
        diagnostic.add(common::speaker_with_pronoun_spans(&article.doc, &article.gold));
        let (eq, es, ea) = common::score_as_sitrep_eval(&article.doc, &article.gold);
        as_eval[0].add(eq);
        as_eval[1].add(es);
        as_eval[2].add(ea);
        let (agreeing, count) = common::pronoun_antecedent_agreement(&article.doc, &article.gold);
        agree += agreeing;
        judged += count;
    }
    for (name, t) in [("polnear.quote_f1", quote), ("polnear.speaker_f1", speaker), ("polnear.attribution_f1", attribution)] {
        println!("{name} = {:.3} (P {:.3} {}/{}, R {:.3} {}/{})", t.f1(), t.precision(), t.tp_pred, t.pred, t.recall(), t.tp_gold, t.gold);
    }
    for (name, t) in ["quote_f1", "speaker_f1", "attribution_f1"].iter().zip(as_eval) {
        println!("by sitrep_eval's rules: polnear.{name} = {:.3} (P {:.3}, R {:.3})", t.f1(), t.precision(), t.recall());
    }
    println!("diagnostic: speaker F1 with pronoun sources judged by the resolved pronoun span = {:.3}", diagnostic.f1());
    println!(
        "diagnostic: resolved speaker pronouns agreeing with the nearest earlier named gold source: {agree}/{judged} ({:.3})",
        agree as f64 / judged.max(1) as f64
    );
    if skipped > 0 {
        println!("note: the text stage marked {skipped} documents as not English");
    }
}
