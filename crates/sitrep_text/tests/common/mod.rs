//! Loaders for the shared gold data (`../shared/data`): texts only, by id. Tests assert on ids,
//! offsets, labels and counts; no text from these files goes into the repository.

#![allow(dead_code)] // each test binary uses some of these

use std::fs;
use std::path::PathBuf;

use sitrep_core::testdata::require_shared_data;

pub struct Text {
    pub set: &'static str,
    pub id: String,
    pub text: String,
}

fn read(path: PathBuf) -> String {
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// MUC-4 raw documents of one split (`dev`, `tst1`, `tst2`): the text after each id line.
pub fn muc4(split: &str) -> Vec<Text> {
    let dir = require_shared_data().join("muc4/raw").join(split);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.contains("muc") && !n.starts_with("key")))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let raw = read(file);
        let mut current: Option<(String, String)> = None;
        for line in raw.split_inclusive('\n') {
            // "TST1-MUC3-0001", "DEV-MUC3-0001 (NOSC)"
            let first = line.split_whitespace().next().unwrap_or("");
            let is_id = !line.starts_with(' ')
                && first.len() >= 12
                && first.contains("-MUC")
                && first.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
            if is_id {
                if let Some((id, text)) = current.take() {
                    out.push(Text { set: "muc4", id, text });
                }
                current = Some((first.to_owned(), String::new()));
            } else if let Some((_, text)) = current.as_mut() {
                text.push_str(line);
            }
        }
        if let Some((id, text)) = current {
            out.push(Text { set: "muc4", id, text });
        }
    }
    out
}

fn jsonl(path: &str) -> Vec<serde_json::Value> {
    read(require_shared_data().join(path))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("valid JSON line"))
        .collect()
}

/// ISAF press releases: the human turn without its "PRESS RELEASE TEXT: " prefix.
pub fn isaf() -> Vec<Text> {
    jsonl("isaf_press_releases/test_sharegpt.jsonl")
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let human = v["conversations"]
                .as_array()
                .and_then(|turns| turns.iter().find(|t| t["from"] == "human"))
                .and_then(|t| t["value"].as_str())
                .expect("a human turn");
            let text = human.strip_prefix("PRESS RELEASE TEXT: ").unwrap_or(human).to_owned();
            Text { set: "isaf", id: format!("isaf-{i}"), text }
        })
        .collect()
}

pub fn wikievents() -> Vec<Text> {
    jsonl("wikievents/dev.jsonl")
        .into_iter()
        .map(|v| Text {
            set: "wikievents",
            id: v["doc_id"].as_str().unwrap_or("?").to_owned(),
            text: v["text"].as_str().expect("text").to_owned(),
        })
        .collect()
}

pub fn india_police() -> Vec<Text> {
    jsonl("india_police_events/docs.jsonl")
        .into_iter()
        .map(|v| Text {
            set: "india_police_events",
            id: v["doc_id"].to_string(),
            text: v["doc_text"].as_str().expect("doc_text").to_owned(),
        })
        .collect()
}

/// The article_extraction benchmark's true bodies (the pages' article text).
pub fn article_bodies() -> Vec<Text> {
    jsonl("article_extraction/pages.jsonl")
        .into_iter()
        .map(|v| Text {
            set: "article_extraction",
            id: v["id"].to_string(),
            text: v["article_body"].as_str().expect("article_body").to_owned(),
        })
        .collect()
}

pub fn polnear() -> Vec<Text> {
    let dir = require_shared_data().join("polnear/dev/text");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files
        .into_iter()
        .map(|p| Text {
            set: "polnear",
            id: p.file_stem().unwrap().to_string_lossy().into_owned(),
            text: read(p),
        })
        .collect()
}

/// Every `<text>` element of a geoparsing XML file, unescaped.
pub fn geoparsing(file: &str) -> Vec<Text> {
    let xml = read(require_shared_data().join("geoparsing").join(file));
    let mut out = Vec::new();
    let mut rest = xml.as_str();
    while let Some(open) = rest.find("<text>").or_else(|| rest.find("<text ")) {
        let after = &rest[open..];
        let Some(gt) = after.find('>') else { break };
        let body = &after[gt + 1..];
        let Some(close) = body.find("</text>") else { break };
        out.push(Text { set: "geoparsing", id: format!("{file}#{}", out.len()), text: unescape(&body[..close]) });
        rest = &body[close..];
    }
    out
}

fn unescape(s: &str) -> String {
    let s = s.strip_prefix("<![CDATA[").and_then(|s| s.strip_suffix("]]>")).unwrap_or(s);
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&#39;", "'").replace("&amp;", "&")
}

/// Every English text of the shared sets (article_extraction bodies are mixed-language).
pub fn english_sets() -> Vec<Text> {
    let mut all = muc4("tst1");
    all.extend(muc4("tst2"));
    all.extend(isaf());
    all.extend(wikievents());
    all.extend(india_police());
    all.extend(polnear());
    for f in ["lgl/lgl.xml", "geowebnews/GWN.xml", "trnews/TR-News.xml"] {
        all.extend(geoparsing(f));
    }
    all
}
