//! Figures for the cleaning stage on `../shared/data`: per set, documents skipped as non-English,
//! datelines found (with place and date), boilerplate marked, sentences; then throughput.
//!
//! `cargo run -p sitrep_text --release --example measure [-- -v]` (`-v` lists skipped documents,
//! datelines missed on MUC-4 and ISAF by id, and removed ranges by kind with their length).

#![allow(clippy::cast_precision_loss)] // byte and document counts far below 2^52

#[path = "../tests/common/mod.rs"]
mod common;

use std::collections::BTreeMap;

use sitrep_core::Document;
use sitrep_text::Cleaner;

fn main() {
    let verbose = std::env::args().any(|a| a == "-v");
    let cleaner = Cleaner::new();
    let mut sets: BTreeMap<&str, Vec<common::Text>> = BTreeMap::new();
    for t in common::english_sets().into_iter().chain(common::article_bodies()) {
        let key = if t.id.starts_with("TST2") { "muc4-tst2" } else if t.set == "muc4" { "muc4-tst1" } else { t.set };
        sets.entry(key).or_default().push(t);
    }
    println!("{:<22} {:>5} {:>7} {:>9} {:>7} {:>7} {:>8} {:>9}", "set", "docs", "skipped", "dateline", "place", "date", "removed", "sent/doc");
    let mut bytes = 0usize;
    let mut all: Vec<&common::Text> = Vec::new();
    for (name, texts) in &sets {
        let (mut skipped, mut dl, mut place, mut date, mut removed, mut sentences) = (0, 0, 0, 0, 0, 0);
        for t in texts {
            let mut doc = Document::from_text(t.id.clone(), t.text.clone());
            cleaner.annotate(&mut doc);
            sitrep_core::check::assert_spans(&doc);
            if let Some(why) = &doc.skipped {
                skipped += 1;
                if verbose {
                    println!("  skipped {}: {why}", t.id);
                }
            }
            if let Some(d) = &doc.dateline {
                dl += 1;
                place += usize::from(d.place.is_some());
                date += usize::from(d.date.is_some());
                if verbose && (name.starts_with("muc4") || *name == "isaf") && (d.place.is_none() || d.date.is_none()) {
                    println!("  partial dateline {}: {:?} place={:?} date={:?}", t.id, d.span.of(&doc.text), d.place, d.date);
                }
            } else if verbose && (name.starts_with("muc4") || *name == "isaf") {
                let head: String = doc.text.trim_start().chars().take(90).collect();
                println!("  no dateline {}: {head:?}", t.id);
            }
            if verbose {
                for r in &doc.removed {
                    let s: String = r.span.of(&doc.text).chars().take(70).collect();
                    println!("  removed {} {:?} {} bytes: {s:?}", t.id, r.kind, r.span.len());
                }
            }
            removed += doc.removed.len();
            sentences += doc.sentences.len();
            bytes += t.text.len();
            all.push(t);
        }
        let n = texts.len().max(1);
        let pct = |x: usize| 100.0 * x as f64 / n as f64;
        println!(
            "{name:<22} {:>5} {:>7} {:>8.1}% {:>6.1}% {:>6.1}% {:>8} {:>9.1}",
            texts.len(),
            skipped,
            pct(dl),
            pct(place),
            pct(date),
            removed,
            sentences as f64 / n as f64
        );
    }
    // Throughput: every text, several rounds, the whole stage and sentences+tokens alone.
    let rounds = 5;
    let mut best = f64::MAX;
    for _ in 0..rounds {
        let start = Cpu::now();
        for t in &all {
            let mut doc = Document::from_text(t.id.clone(), t.text.clone());
            cleaner.annotate(&mut doc);
            std::hint::black_box(&doc);
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    phases(&all);
    let start = Cpu::now();
    let fresh = Cleaner::new();
    let load_ms = start.elapsed().as_secs_f64() * 1000.0;
    std::hint::black_box(&fresh);
    println!(
        "whole stage: {:.1} MB/s, {:.0} docs/s ({} docs, {:.1} MB, best of {rounds}, thread CPU time); Cleaner::new {load_ms:.1} ms",
        bytes as f64 / best / 1e6,
        all.len() as f64 / best,
        all.len(),
        bytes as f64 / 1e6
    );
}

/// Time of each phase alone over every text, to see where the stage spends it.
fn phases(all: &[&common::Text]) {
    use sitrep_text::{boilerplate::Boilerplate, data, dateline::DatelineRules, language::LanguageRules, lines, sentences::SentenceRules, tokens};
    let lang = LanguageRules::parse(data::file("english_words.txt"), data::file("iso639.txt")).unwrap();
    let bp = Boilerplate::parse(data::file("boilerplate.txt")).unwrap();
    let dl = DatelineRules::parse(data::file("dateline_words.txt")).unwrap();
    let sr = SentenceRules::parse(data::file("abbreviations.txt"), data::file("sentence_words.txt")).unwrap();
    let paras: Vec<_> = all.iter().map(|t| lines::paragraphs(&t.text)).collect();
    let bytes: usize = all.iter().map(|t| t.text.len()).sum();
    let time = |name: &str, f: &dyn Fn()| {
        let start = Cpu::now();
        for _ in 0..5 {
            f();
        }
        let secs = (start.elapsed().as_secs_f64() / 5.0).max(1e-6);
        println!("  {name:<12} {:>8.1} MB/s", bytes as f64 / secs / 1e6);
    };
    time("language", &|| all.iter().for_each(|t| { std::hint::black_box(lang.judge(&t.text)); }));
    time("paragraphs", &|| all.iter().for_each(|t| { std::hint::black_box(lines::paragraphs(&t.text)); }));
    time("boilerplate", &|| all.iter().zip(&paras).for_each(|(t, p)| { std::hint::black_box(bp.find(&t.text, p)); }));
    time("dateline", &|| all.iter().for_each(|t| { std::hint::black_box(dl.find(&t.text, None, |_| false)); }));
    time("sentences", &|| all.iter().zip(&paras).for_each(|(t, p)| { std::hint::black_box(sr.split(&t.text, p, &[])); }));
    time("tokens", &|| all.iter().zip(&paras).for_each(|(t, p)| {
        let mut out = Vec::new();
        for &para in p { tokens::tokenize(&t.text, para, &sr, &mut out); }
        std::hint::black_box(out);
    }));
}

/// CPU time of this thread (from /proc/thread-self/schedstat), so figures hold on a busy machine.
struct Cpu(u64);

impl Cpu {
    fn now() -> Self {
        let stat = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
        Self(stat.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or(0))
    }

    fn elapsed(&self) -> std::time::Duration {
        std::time::Duration::from_nanos(Self::now().0 - self.0)
    }
}
