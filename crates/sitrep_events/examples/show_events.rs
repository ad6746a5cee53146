//! Prints the events of each input line (plain text, or a JSON object with a "text" field), for reviewing rules:
//! `cargo run -p sitrep_events --example show_events < sentences.txt`
#![allow(clippy::print_stdout)]

use std::io::BufRead;

use sitrep_core::Document;
use sitrep_events::Events;

fn main() {
    let ev = Events::load().expect("lexicons load");
    // `BENCH=1`: time the stage alone over the input (one thread), print nothing else.
    if std::env::var_os("BENCH").is_some() {
        let docs: Vec<Document> = std::io::stdin()
            .lock()
            .lines()
            .map(|l| {
                let l = l.expect("stdin is UTF-8");
                let v: serde_json::Value = serde_json::from_str(&l).unwrap_or(serde_json::Value::String(l));
                Document::from_text("bench", v.get("text").and_then(|t| t.as_str()).or(v.as_str()).unwrap_or("").to_owned())
            })
            .collect();
        let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
        let start = std::time::Instant::now();
        let mut events = 0;
        for mut d in docs.iter().cloned() {
            ev.annotate(&mut d);
            events += d.events.len();
        }
        let secs = start.elapsed().as_secs_f64();
        println!("{} docs, {} events, {:.0} docs/s, {:.1} MB/s", docs.len(), events, docs.len() as f64 / secs, bytes as f64 / secs / 1e6);
        return;
    }
    for line in std::io::stdin().lock().lines() {
        let line = line.expect("stdin is UTF-8");
        let text = if line.trim_start().starts_with('{') {
            let v: serde_json::Value = serde_json::from_str(&line).expect("a JSON line");
            let want = v.get("sub_event_type").or(v.get("case")).and_then(|x| x.as_str()).unwrap_or("").to_owned();
            println!("== [{want}] {}", v["text"].as_str().unwrap_or(""));
            v["text"].as_str().unwrap_or("").to_owned()
        } else {
            println!("== {line}");
            line
        };
        let mut doc = Document::from_text("line", text);
        ev.annotate(&mut doc);
        for e in &doc.events {
            let a = |x: &Option<sitrep_core::Actor>| {
                x.as_ref().map_or("-".to_owned(), |a| format!("{} [{:?}]", a.name, a.kind))
            };
            let n = |c: &Option<sitrep_core::Count>| c.as_ref().and_then(|c| c.low).map_or("-".to_owned(), |v| v.to_string());
            println!(
                "   {} {}{} | a1 {} | a2 {} | k{} i{} d{} | trig {:?} | {}",
                e.id,
                e.sub_event_type.as_str(),
                if e.aggregate { " (aggregate)" } else { "" },
                a(&e.actor1),
                a(&e.actor2),
                n(&e.fatalities),
                n(&e.injured),
                n(&e.detained),
                e.trigger.map(|t| doc.slice(t)),
                e.notes.as_deref().unwrap_or("")
            );
        }
    }
}
