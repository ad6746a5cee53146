//! `sitrep extract` end to end, through the built binary: every input format, every limit,
//! every exit code. Each output is checked against the contract's schema and span invariant.

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use common::{kept_text, sitrep};

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

fn path_str(p: &std::path::Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

// ---------------------------------------------------------------------------------------------
// The project's samples

#[test]
fn bangui_wire_sample_extracts_cleanly() {
    let run = sitrep(&["extract", "samples/bangui-wire.txt"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let outs = run.valid_outputs();
    assert_eq!(outs.len(), 1);
    let doc = &outs[0]["document"];
    assert!(doc["text"].as_str().unwrap().starts_with("BANGUI, April 12 (Reuters) -"));
    assert_eq!(doc["source"], "samples/bangui-wire.txt");
    assert!(doc["id"].as_str().unwrap().starts_with("bangui-wire-"));
    assert_eq!(doc["language"], "en");
    assert!(doc["skipped"].is_null());
}

/// The README's sample, read as an analyst would code it: the convoy attack near Bambari (4 killed,
/// 6 wounded, the UN official's report) and the clash in Bria (3 killed) — no event from the
/// aftermath sentence ("after the attack"), from the UPC's denial, or from the withdrawal "weeks ago".
#[test]
fn bangui_wire_sample_gives_the_two_events_an_analyst_would_code() {
    let run = sitrep(&["extract", "samples/bangui-wire.txt", "--published", "2026-04-12"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = &run.valid_outputs()[0];
    let events = out["events"].as_array().unwrap();
    let summary: Vec<(String, Option<u64>, Option<u64>, String)> = events
        .iter()
        .map(|e| {
            (
                e["sub_event_type"].as_str().unwrap().to_owned(),
                e["fatalities"]["low"].as_u64(),
                e["injured"]["low"].as_u64(),
                e["date"]["start"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("attack".to_owned(), Some(4), Some(6), "2026-04-11".to_owned()),
            ("armed_clash".to_owned(), Some(3), None, "2026-04-10".to_owned()),
        ],
        "{events:#?}"
    );
    assert_eq!(events[0]["location"]["name"], "Bambari");
    assert_eq!(events[0]["claims"][0]["stance"], "asserts");
}

#[test]
fn html_sample_gives_metadata_body_and_marked_boilerplate() {
    let run = sitrep(&["extract", "samples/goma-protest.html"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = &run.valid_outputs()[0];
    let doc = &out["document"];
    assert_eq!(doc["published"], "2026-05-18", "the publication time, not the modified or updated time");
    assert_eq!(doc["published_source"], "html_meta");
    assert_eq!(doc["outlet"], "Great Lakes Observer");
    assert_eq!(doc["title"], "Police fire tear gas at protesters in Goma");
    let text = doc["text"].as_str().unwrap();
    assert!(text.contains("Police in the eastern Congolese city of Goma fired tear gas"));
    assert!(text.contains("tyres and chanted slogans"), "paragraphs are all kept");
    assert!(text.contains("\n\n"), "paragraphs are separated by blank lines");
    let kept = kept_text(out);
    for boilerplate in
        ["Protesters gather on the main road", "Share on Facebook", "We use cookies", "Related stories", "About us"]
    {
        assert!(!kept.contains(boilerplate), "{boilerplate:?} is neither dropped nor marked removed:\n{kept}");
    }
    let kinds: Vec<&str> = doc["removed"].as_array().unwrap().iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"caption"), "{kinds:?}");
}

#[test]
fn jsonl_sample_keeps_ids_and_dates() {
    let run = sitrep(&["extract", "samples/feed.jsonl", "--jsonl"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 2, "one line per document with --jsonl");
    let outs = run.valid_outputs();
    let ids: Vec<&str> = outs.iter().map(|o| o["document"]["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["feed-001", "feed-002"]);
    assert_eq!(outs[0]["document"]["published"], "2026-06-03", "the date as written in the timestamp");
    assert_eq!(outs[0]["document"]["published_source"], "jsonl");
    assert_eq!(outs[0]["document"]["source"], "https://wire.example.org/2026/06/03/kidal-drone");
    assert_eq!(outs[1]["document"]["outlet"], "Horn Daily");
}

#[test]
fn a_directory_is_walked_in_sorted_order_without_hidden_or_unknown_files() {
    let dir = tmp();
    std::fs::write(dir.path().join("b.txt"), "Second article about a clash in Bria.").unwrap();
    std::fs::write(dir.path().join("a.txt"), "First article about a protest in Bangui.").unwrap();
    std::fs::write(dir.path().join(".hidden.txt"), "Hidden.").unwrap();
    std::fs::write(dir.path().join("image.png"), [0x89, b'P', b'N', b'G', 0xff]).unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/c.txt"), "Third article about shelling in Idlib.").unwrap();
    let run = sitrep(&["extract", path_str(dir.path())], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let sources: Vec<String> = run
        .valid_outputs()
        .iter()
        .map(|o| {
            let s = o["document"]["source"].as_str().unwrap();
            s.rsplit('/').next().unwrap().to_owned()
        })
        .collect();
    assert_eq!(sources, ["a.txt", "b.txt", "c.txt"]);
}

#[test]
fn stdin_is_read_with_a_dash() {
    let run = sitrep(&["extract", "-"], Some(b"Gunmen killed two traders in Kaga-Bandoro on Monday, police said."));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let outs = run.valid_outputs();
    assert_eq!(outs[0]["document"]["source"], "<stdin>");
}

#[test]
fn published_on_the_command_line_wins() {
    let run = sitrep(&["extract", "samples/goma-protest.html", "--published", "2026-05-20"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = &run.valid_outputs()[0]["document"];
    assert_eq!(doc["published"], "2026-05-20");
    assert_eq!(doc["published_source"], "cli");
}

#[test]
fn crlf_text_keeps_its_line_breaks() {
    let dir = tmp();
    let file = dir.path().join("crlf.txt");
    std::fs::write(&file, "Rebels shelled Bria.\r\n\r\nPolice said two died.\r\n").unwrap();
    let run = sitrep(&["extract", path_str(&file)], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.valid_outputs()[0]["document"]["text"], "Rebels shelled Bria.\r\n\r\nPolice said two died.\r\n");
}

// ---------------------------------------------------------------------------------------------
// Bad and hostile inputs: a clear message, no panic, the rest still written

#[test]
fn invalid_utf8_is_skipped_with_its_byte_offset() {
    let dir = tmp();
    let bad = dir.path().join("bad.txt");
    std::fs::write(&bad, b"Clashes in Bria left three dead.\xff\xfe More text.").unwrap();
    let good = dir.path().join("good.txt");
    std::fs::write(&good, "Clashes in Bambari left two dead.").unwrap();
    let run = sitrep(&["extract", path_str(&bad), path_str(&good)], None);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(&format!("sitrep: skipped {}: invalid UTF-8 at byte offset 32", bad.display())),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--lossy"), "the message says what to do: {}", run.stderr);
    assert_eq!(run.valid_outputs().len(), 1, "the good file is still written");

    let lossy = sitrep(&["extract", path_str(&bad), "--lossy"], None);
    assert_eq!(lossy.code, 0, "{}", lossy.stderr);
    assert!(lossy.stderr.contains("warning") && lossy.stderr.contains("byte offset 32"), "{}", lossy.stderr);
    assert!(lossy.valid_outputs()[0]["document"]["text"].as_str().unwrap().contains('\u{FFFD}'));
}

#[test]
fn an_empty_file_is_skipped() {
    let dir = tmp();
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    let run = sitrep(&["extract", path_str(&empty)], None);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("skipped") && run.stderr.contains("empty"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

#[test]
fn a_50_mb_one_line_file_is_skipped_quickly() {
    let dir = tmp();
    let big = dir.path().join("big.txt");
    let line = "Fighting continued near the town. ".repeat(50 * 1024 * 1024 / 34 + 1);
    std::fs::write(&big, line.as_bytes()).unwrap();
    let started = Instant::now();
    let run = sitrep(&["extract", path_str(&big)], None);
    assert!(started.elapsed() < Duration::from_secs(20), "took {:?}", started.elapsed());
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("over the limit of 20971520 bytes") && run.stderr.contains("--max-bytes"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

#[test]
fn deeply_nested_html_is_refused_without_a_stack_overflow() {
    let dir = tmp();
    let page = dir.path().join("deep.html");
    let html =
        format!("<html><body>{}<p>Deep text.</p>{}</body></html>", "<div>".repeat(100_000), "</div>".repeat(100_000));
    std::fs::write(&page, html).unwrap();
    let started = Instant::now();
    let run = sitrep(&["extract", path_str(&page)], None);
    assert!(started.elapsed() < Duration::from_secs(20), "took {:?}", started.elapsed());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("nested more than 500 levels"), "{}", run.stderr);
}

#[test]
fn html_nested_a_little_under_the_limit_is_read() {
    let dir = tmp();
    let page = dir.path().join("nested.html");
    let body = "Armed men attacked a village near Bambari on Sunday, killing three people, officials said. ".repeat(8);
    let html = format!("<html><body>{}<p>{body}</p>{}</body></html>", "<div>".repeat(400), "</div>".repeat(400));
    std::fs::write(&page, html).unwrap();
    let run = sitrep(&["extract", path_str(&page)], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.valid_outputs()[0]["document"]["text"].as_str().unwrap().contains("village near Bambari"));
}

#[test]
fn a_gzip_bomb_is_refused() {
    let dir = tmp();
    let bomb = dir.path().join("bomb.html.gz");
    std::fs::write(&bomb, gzip(&vec![b' '; 64 * 1024 * 1024])).unwrap();
    let started = Instant::now();
    let run = sitrep(&["extract", path_str(&bomb)], None);
    assert!(started.elapsed() < Duration::from_secs(20), "took {:?}", started.elapsed());
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("gzip bomb"), "{}", run.stderr);
}

#[test]
fn ordinary_gzip_is_read() {
    let dir = tmp();
    let file = dir.path().join("story.txt.gz");
    std::fs::write(&file, gzip("Police arrested 12 protesters in Goma on Monday.".as_bytes())).unwrap();
    let run = sitrep(&["extract", path_str(&file)], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.valid_outputs()[0]["document"]["text"], "Police arrested 12 protesters in Goma on Monday.");
}

/// An invented bilingual page, encoded in windows-1256 (Arabic) as some regional sites still are.
fn arabic_page(charset_meta: &str) -> Vec<u8> {
    let html = format!(
        "<html><head>{charset_meta}<title>Clashes in Tripoli</title></head><body><article>\
         <h1>Clashes in Tripoli</h1>\
         <p>Fighting broke out overnight between two armed groups in the Libyan capital Tripoli, residents said, \
         and at least four people were killed near the airport road before a ceasefire was announced at dawn.</p>\
         <p>The health ministry said the dead included two civilians. A spokesman for one of the groups, known in \
         Arabic as اللواء السابع, denied that its fighters had started the clashes.</p>\
         <p>Schools in the districts of Ain Zara and Salah al-Din were closed on Tuesday, and the main road to the \
         airport remained blocked by burned vehicles, residents said.</p></article></body></html>"
    );
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1256.encode(&html);
    assert!(!unmappable, "the invented page is representable in windows-1256");
    bytes.into_owned()
}

#[test]
fn a_windows_1256_page_is_decoded() {
    let dir = tmp();
    for (name, meta) in [
        ("meta-charset.html", r#"<meta charset="windows-1256">"#),
        ("http-equiv.html", r#"<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">"#),
    ] {
        let page = dir.path().join(name);
        let bytes = arabic_page(meta);
        assert!(std::str::from_utf8(&bytes).is_err(), "the test page must not be valid UTF-8");
        std::fs::write(&page, bytes).unwrap();
        let run = sitrep(&["extract", path_str(&page)], None);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        let text = run.valid_outputs()[0]["document"]["text"].as_str().unwrap().to_owned();
        assert!(text.contains("known in Arabic as اللواء السابع, denied"), "{name}: {text}");
        assert!(!text.contains('\u{FFFD}'), "{name}: {text}");
    }
}

#[test]
fn a_french_article_is_printed_but_not_coded() {
    let dir = tmp();
    let file = dir.path().join("article-fr.txt");
    std::fs::write(
        &file,
        "BANGUI, 12 avril (Reuters) - Des hommes armés ont attaqué samedi un convoi de camions transportant de \
         l'aide alimentaire près de la ville de Bambari, en Centrafrique, tuant quatre chauffeurs et blessant au \
         moins six autres personnes, a déclaré un responsable des Nations unies.\n\n\
         Le convoi se rendait de Bangui à Bria lorsqu'il a été pris en embuscade à une trentaine de kilomètres à \
         l'est de Bambari, selon un porte-parole de la mission de maintien de la paix.\n",
    )
    .unwrap();
    let run = sitrep(&["extract", path_str(&file)], None);
    assert_eq!(run.code, 1, "a document that was not coded makes the run partial: {}", run.stderr);
    assert!(run.stderr.contains(&format!("sitrep: skipped {}", file.display())), "{}", run.stderr);
    let out = &run.valid_outputs()[0];
    assert_eq!(out["document"]["language"], "fr");
    assert!(out["document"]["skipped"].is_string(), "{}", out["document"]);
    assert_eq!(out["events"].as_array().unwrap().len(), 0);
}

#[test]
fn jsonl_with_one_bad_line_reports_it_and_writes_the_rest() {
    let dir = tmp();
    let feed = dir.path().join("feed.jsonl");
    std::fs::write(
        &feed,
        concat!(
            r#"{"id":"n1","text":"Soldiers clashed with rebels near Birao on Sunday.","published":"2026-04-12"}"#,
            "\n",
            r#"{"id":"n2","text":"broken"#,
            "\n",
            r#"{"id":"n3","html":"<html><body><p>Protesters marched in Bangui on Monday against rising fuel prices, organisers said.</p></body></html>"}"#,
            "\n"
        ),
    )
    .unwrap();
    let run = sitrep(&["extract", path_str(&feed), "--jsonl"], None);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(&format!("sitrep: skipped {}:2: line 2: not valid JSON", feed.display())),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.matches("skipped").count(), 1, "{}", run.stderr);
    let ids: Vec<String> =
        run.valid_outputs().iter().map(|o| o["document"]["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(ids, ["n1", "n3"]);
}

#[test]
fn a_feed_larger_than_max_bytes_is_read_record_by_record() {
    let dir = tmp();
    let feed = dir.path().join("feed.jsonl.gz");
    let records: String = (1..=5)
        .map(|i| format!("{{\"id\":\"r{i}\",\"text\":\"Militiamen burned {i} houses in a village near Bangassou on Friday.\"}}\n"))
        .collect();
    let oversized = format!("{{\"id\":\"big\",\"text\":\"{}\"}}\n", "Long text. ".repeat(100));
    std::fs::write(&feed, gzip(format!("{records}{oversized}").as_bytes())).unwrap();
    let run = sitrep(&["extract", path_str(&feed), "--jsonl", "--max-bytes", "400"], None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("sitrep: skipped {}:6: over the limit of 400 bytes", feed.display())),
        "{}",
        run.stderr
    );
    assert_eq!(run.valid_outputs().len(), 5, "the feed is bigger than --max-bytes; its records are not");
}

#[test]
fn a_missing_file_is_skipped_and_named() {
    let run = sitrep(&["extract", "no/such/file.txt", "samples/bangui-wire.txt"], None);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("sitrep: skipped no/such/file.txt: cannot read it"), "{}", run.stderr);
    assert_eq!(run.valid_outputs().len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Exit codes and help

#[test]
fn usage_errors_exit_2() {
    assert_eq!(sitrep(&["extract"], None).code, 2, "no inputs");
    let bad_date = sitrep(&["extract", "samples/bangui-wire.txt", "--published", "12/04/2026"], None);
    assert_eq!(bad_date.code, 2);
    assert!(bad_date.stderr.contains("YYYY-MM-DD"), "{}", bad_date.stderr);
    assert_eq!(sitrep(&["extract", "samples/bangui-wire.txt", "--format", "pdf"], None).code, 2);
    assert_eq!(sitrep(&["extract", "samples/bangui-wire.txt", "--max-bytes", "lots"], None).code, 2);
}

#[test]
fn several_documents_print_as_a_stream_of_pretty_objects() {
    let run = sitrep(&["extract", "samples/bangui-wire.txt", "samples/idlib-shelling.txt"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.valid_outputs().len(), 2);
    assert!(run.stdout.starts_with("{\n"), "pretty-printed");
}

#[test]
fn help_teaches_with_examples() {
    let run = sitrep(&["extract", "--help"], None);
    assert_eq!(run.code, 0);
    for needle in ["Examples:", "sitrep extract samples/", "--jsonl", "Exit codes", "gzip bomb", "--published"] {
        assert!(run.stdout.contains(needle), "--help lacks {needle:?}");
    }
}
