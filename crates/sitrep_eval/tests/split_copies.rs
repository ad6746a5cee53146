//! Every loader on a copy of its dev folder with half the records removed and the files renamed
//! to their test-split names (made at run time in a temporary folder; nothing is committed).

use std::fs;
use std::path::{Path, PathBuf};

use sitrep_eval::sets;

fn data() -> PathBuf {
    sitrep_core::testdata::require_shared_data()
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let p = std::env::temp_dir().join(format!("sitrep-eval-split-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p).unwrap();
        Self(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// Every other non-empty line (the first kept), optionally after `skip` header lines.
fn half_lines(text: &str, skip: usize) -> (String, usize) {
    let mut out: Vec<&str> = text.lines().take(skip).collect();
    let body: Vec<&str> = text.lines().skip(skip).filter(|l| !l.trim().is_empty()).step_by(2).collect();
    let n = body.len();
    out.extend(body);
    (out.join("\n") + "\n", n)
}

fn half_json_array(text: &str) -> (String, usize) {
    let v: Vec<serde_json::Value> = serde_json::from_str(text).unwrap();
    let half: Vec<_> = v.into_iter().step_by(2).collect();
    let n = half.len();
    (serde_json::to_string(&half).unwrap(), n)
}

#[test]
fn case2021_half_renamed() {
    let t = TempDir::new("case");
    let src = data().join("case2021_task2");
    fs::copy(src.join("label_map.tsv"), t.0.join("label_map.tsv")).unwrap();
    let (half, n) = half_lines(&fs::read_to_string(src.join("test_set_final_release_with_labels.tsv")).unwrap(), 1);
    write(&t.0.join("test.tsv"), &half);
    assert_eq!(sets::case2021::load(&t.0).unwrap().len(), n);
}

#[test]
fn event_location_half_renamed() {
    let t = TempDir::new("evloc");
    let (half, n) = half_json_array(&fs::read_to_string(data().join("event_location/labeled_records.json")).unwrap());
    write(&t.0.join("test.json"), &half);
    assert_eq!(sets::event_location::load(&t.0).unwrap().records.len(), n);
}

#[test]
fn geoparsing_half_renamed() {
    let t = TempDir::new("geo");
    let mut expected = 0;
    for (sub, file) in [("lgl", "lgl.xml"), ("geowebnews", "GWN.xml"), ("trnews", "TR-News.xml")] {
        let xml = fs::read_to_string(data().join("geoparsing").join(sub).join(file)).unwrap();
        // Keep every other <article>…</article> block.
        let first = xml.find("<article ").unwrap();
        let last = xml.rfind("</article>").unwrap() + "</article>".len();
        let blocks: Vec<&str> = xml[first..last].split_inclusive("</article>").collect();
        let kept: Vec<&str> = blocks.iter().copied().step_by(2).collect();
        expected += kept.len();
        write(&t.0.join(sub).join("test.xml"), &format!("{}{}{}", &xml[..first], kept.concat(), &xml[last..]));
    }
    let (arts, _) = sets::geoparsing::load(&t.0).unwrap();
    assert_eq!(arts.len(), expected);
}

#[test]
fn india_police_half_renamed() {
    let t = TempDir::new("india");
    let src = data().join("india_police_events");
    let (half, n) = half_lines(&fs::read_to_string(src.join("docs.jsonl")).unwrap(), 0);
    write(&t.0.join("test.jsonl"), &half);
    fs::copy(src.join("metadata.jsonl"), t.0.join("metadata.jsonl")).unwrap();
    let docs = sets::india_police::load(&t.0).unwrap();
    assert_eq!(docs.len(), n);
    assert!(docs.iter().all(|d| d.published.is_some()));
}

#[test]
fn isaf_half_renamed() {
    let t = TempDir::new("isaf");
    let (half, n) = half_lines(&fs::read_to_string(data().join("isaf_press_releases/test_sharegpt.jsonl")).unwrap(), 0);
    write(&t.0.join("test.jsonl"), &half);
    assert_eq!(sets::isaf::load(&t.0).unwrap().len(), n);
}

#[test]
fn muc4_half_renamed_and_training_folder_ignored() {
    let t = TempDir::new("muc4");
    let src = data().join("muc4");
    // Half of tst1's documents as "tst3", with its key.
    let raw = fs::read_to_string(src.join("raw/tst1/tst1-muc3")).unwrap();
    let docs = sets::muc4::split_texts(&raw);
    let kept: Vec<&(String, String)> = docs.iter().step_by(2).collect();
    let text: String = kept.iter().map(|(id, body)| format!("{}\n\n{}\n\n\n", id.replace("TST1", "TST3"), body)).collect();
    write(&t.0.join("raw/tst3/tst3-muc4"), &text);
    let key = fs::read_to_string(src.join("raw/tst1/key-tst1.v7")).unwrap().replace("TST1-MUC3", "TST3-MUC3");
    write(&t.0.join("raw/tst3/key-tst3.v1"), &key);
    // A training folder that must never be read.
    write(&t.0.join("raw/dev/dev-muc3-0001-0100"), "DEV-MUC3-0001\n\n   SAN SALVADOR, 1 JAN 90 -- TRAINING TEXT.\n");
    let gtt = fs::read_to_string(src.join("processed_gtt/dev.json")).unwrap().replace("TST1-MUC3", "TST3-MUC3");
    write(&t.0.join("processed_gtt/test.json"), &gtt);
    write(&t.0.join("processed_gtt/train.json"), "{\"docid\": \"DEV-MUC3-0001\", \"doctext\": \"x\", \"templates\": []}\n");
    let loaded = sets::muc4::load(&t.0).unwrap();
    assert_eq!(loaded.len(), kept.len());
    assert!(loaded.iter().all(|d| d.id.starts_with("TST3")));
    assert!(loaded.iter().any(|d| !d.templates.is_empty() && !d.key.is_empty()));
}

#[test]
fn ner_half_renamed() {
    let t = TempDir::new("ner");
    let src = data().join("ner/re3d/CENTCOM");
    let (half, n) = half_lines(&fs::read_to_string(src.join("documents.json")).unwrap(), 0);
    write(&t.0.join("re3d/CENTCOM/documents.json"), &half);
    fs::copy(src.join("entities.json"), t.0.join("re3d/CENTCOM/entities.json")).unwrap();
    // The first 2,000 lines of GMB, renamed.
    let gmb = fs::read(data().join("ner/gmb/ner_dataset.csv")).unwrap();
    let cut = gmb.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(1999).map(|(i, _)| i + 1).unwrap();
    fs::create_dir_all(t.0.join("gmb")).unwrap();
    fs::write(t.0.join("gmb/test.csv"), &gmb[..cut]).unwrap();
    let (docs, notes) = sets::ner::load(&t.0).unwrap();
    assert_eq!(docs.iter().filter(|d| d.corpus == "re3d").count(), n);
    assert!(docs.iter().any(|d| d.corpus == "gmb"));
    assert!(notes.iter().any(|x| x.contains("held-out")));
}

#[test]
fn plover_half_renamed() {
    let t = TempDir::new("plover");
    let (half, _) = half_json_array(&fs::read_to_string(data().join("plover_gsr/PLOVER_GSR_CAMEO.json")).unwrap());
    write(&t.0.join("test.json"), &half);
    let full = sets::plover::load(&data().join("plover_gsr")).unwrap().len();
    let got = sets::plover::load(&t.0).unwrap().len();
    assert!(got > 0 && got < full, "{got} of {full}");
}

#[test]
fn polnear_half_renamed() {
    let t = TempDir::new("polnear");
    let src = data().join("polnear/dev");
    let mut texts: Vec<_> = fs::read_dir(src.join("text")).unwrap().map(|e| e.unwrap().path()).collect();
    texts.sort();
    let kept: Vec<_> = texts.iter().step_by(2).collect();
    for p in &kept {
        let name = p.file_name().unwrap();
        fs::create_dir_all(t.0.join("test/text")).unwrap();
        fs::copy(p, t.0.join("test/text").join(name)).unwrap();
    }
    fs::create_dir_all(t.0.join("test/attributions")).unwrap();
    for e in fs::read_dir(src.join("attributions")).unwrap() {
        let p = e.unwrap().path();
        fs::copy(&p, t.0.join("test/attributions").join(p.file_name().unwrap())).unwrap();
    }
    let arts = sets::polnear::load(&t.0).unwrap();
    assert_eq!(arts.len(), kept.len());
}

#[test]
fn wikievents_half_renamed() {
    let t = TempDir::new("wiki");
    let src = data().join("wikievents");
    let (half, n) = half_lines(&fs::read_to_string(src.join("dev.jsonl")).unwrap(), 0);
    write(&t.0.join("test.jsonl"), &half);
    write(&t.0.join("coref/test.jsonlines"), &fs::read_to_string(src.join("coref/dev.jsonlines")).unwrap());
    let docs = sets::wikievents::load(&t.0).unwrap();
    assert_eq!(docs.len(), n);
    assert!(docs.iter().any(|d| !d.events.is_empty()));
}

#[test]
fn article_extraction_half_renamed() {
    let t = TempDir::new("article");
    let (half, n) = half_lines(&fs::read_to_string(data().join("article_extraction/pages.jsonl")).unwrap(), 0);
    write(&t.0.join("test.jsonl"), &half);
    assert_eq!(sets::article_extraction::load(&t.0).unwrap().len(), n);
}

#[test]
fn traps_renamed() {
    let t = TempDir::new("traps");
    write(&t.0.join("test.jsonl"), "{\"id\": \"X1\", \"text\": \"The match ended in a draw.\", \"case\": \"sports\"}\n");
    assert_eq!(sets::traps::load(&t.0).unwrap().len(), 1);
}
