//! Golden tests on invented sentences, one per naming pattern the stage must handle. Each
//! checks what is extracted, that the span invariant holds, and (where it applies) that nothing
//! comes from removed text.

use std::sync::OnceLock;

use sitrep_core::check::assert_spans;
use sitrep_core::{Document, Entity, EntityKind, Removed, RemovedKind, Span};
use sitrep_ner::Ner;


fn ner() -> &'static Ner {
    static NER: OnceLock<Ner> = OnceLock::new();
    NER.get_or_init(|| Ner::load().expect("committed model loads"))
}

fn annotate(text: &str) -> Document {
    let mut doc = Document::from_text("t", text);
    sitrep_text::annotate(&mut doc);
    ner().annotate(&mut doc);
    assert_spans(&doc);
    doc
}

fn surfaces(doc: &Document, e: &Entity) -> Vec<String> {
    e.mentions.iter().map(|m| doc.slice(*m).to_owned()).collect()
}

/// The entity one of whose mentions is exactly `surface`, with a message listing what was found.
fn entity_with<'d>(doc: &'d Document, surface: &str) -> &'d Entity {
    doc.entities.iter().find(|e| e.mentions.iter().any(|m| doc.slice(*m) == surface)).unwrap_or_else(|| {
        let found: Vec<String> =
            doc.entities.iter().map(|e| format!("{} {:?} {:?} {:?}", e.id, e.kind, e.canonical, surfaces(doc, e))).collect();
        panic!("no entity with a mention {surface:?}; found:\n{}", found.join("\n"))
    })
}

#[test]
fn surname_with_title_corefers_with_full_name_with_particle() {
    let doc = annotate(
        "President Bashar al-Assad addressed parliament in Damascus on Sunday. \
         Mr Assad said the war would end soon.",
    );
    let e = entity_with(&doc, "President Bashar al-Assad");
    assert_eq!(e.kind, EntityKind::Person);
    assert_eq!(e.canonical, "Bashar al-Assad");
    assert_eq!(e.title.as_deref(), Some("President"));
    assert!(surfaces(&doc, e).contains(&"Mr Assad".to_owned()), "{:?}", surfaces(&doc, e));
    assert_eq!(entity_with(&doc, "Damascus").kind, EntityKind::Gpe);
}

#[test]
fn head_word_alone_refers_back_to_the_organisation() {
    let doc = annotate(
        "The Syrian Observatory for Human Rights said 12 fighters were killed near Idlib. \
         The Observatory relies on a network of sources inside the country.",
    );
    let e = entity_with(&doc, "Syrian Observatory for Human Rights");
    assert_eq!(e.kind, EntityKind::Org);
    assert_eq!(e.mentions.len(), 2, "{:?}", surfaces(&doc, e));
    assert!(surfaces(&doc, e)[1].ends_with("Observatory"));
}

#[test]
fn armed_group_by_head_word_and_lower_case_reference() {
    let doc = annotate(
        "Fighters from the Tawheed Brigade seized a checkpoint outside Aleppo on Friday. \
         A commander said the brigade had lost four men in the fighting.",
    );
    let e = entity_with(&doc, "Tawheed Brigade");
    assert_eq!(e.kind, EntityKind::Org);
    assert_eq!(e.canonical, "Tawheed Brigade");
    assert!(surfaces(&doc, e).contains(&"the brigade".to_owned()), "{:?}", surfaces(&doc, e));
}

#[test]
fn acronym_in_parentheses_links_to_its_expansion() {
    let doc = annotate(
        "Rebels of the Convention of Patriots for Justice and Peace (CPJP) attacked the town of Ndele. \
         The CPJP later said it had withdrawn.",
    );
    let e = entity_with(&doc, "Convention of Patriots for Justice and Peace");
    assert_eq!(e.kind, EntityKind::Org);
    assert_eq!(e.canonical, "Convention of Patriots for Justice and Peace");
    assert_eq!(surfaces(&doc, e).iter().filter(|s| *s == "CPJP").count(), 2, "{:?}", surfaces(&doc, e));
}

#[test]
fn military_and_religious_titles_are_kept_apart() {
    let doc = annotate(
        "Gen. Khalifa Haftar met Sheikh Abu Omar al-Ansari in Benghazi. \
         Col. Ahmed al-Mismari, a spokesman, said Haftar would not negotiate. Mullah Mohammad Omar was not present.",
    );
    let haftar = entity_with(&doc, "Gen. Khalifa Haftar");
    assert_eq!(haftar.title.as_deref(), Some("Gen."));
    assert_eq!(haftar.canonical, "Khalifa Haftar");
    assert!(surfaces(&doc, haftar).contains(&"Haftar".to_owned()));
    let sheikh = entity_with(&doc, "Sheikh Abu Omar al-Ansari");
    assert_eq!(sheikh.title.as_deref(), Some("Sheikh"));
    assert_eq!(sheikh.canonical, "Abu Omar al-Ansari");
    assert_eq!(entity_with(&doc, "Col. Ahmed al-Mismari").title.as_deref(), Some("Col."));
    assert_eq!(entity_with(&doc, "Mullah Mohammad Omar").canonical, "Mohammad Omar");
}

#[test]
fn names_with_bin_and_ould() {
    let doc = annotate(
        "Osama bin Laden was killed in Abbottabad, Pakistan. \
         Mauritanian President Mohamed Ould Abdel Aziz condemned the raid, and bin Laden's deputy vowed revenge.",
    );
    let e = entity_with(&doc, "Osama bin Laden");
    assert_eq!(e.kind, EntityKind::Person);
    assert!(surfaces(&doc, e).contains(&"bin Laden".to_owned()), "{:?}", surfaces(&doc, e));
    let aziz = doc.entities.iter().find(|e| e.canonical == "Mohamed Ould Abdel Aziz").expect("Aziz found");
    assert_eq!(aziz.kind, EntityKind::Person);
}

#[test]
fn armed_group_suffixes_make_organisations() {
    let doc = annotate(
        "The al-Nusra Front and the Free Syrian Army clashed with the Revolutionary Guards, \
         while the Mahdi Army and the Popular Mobilisation Forces stayed out. The Sudan People's Liberation Movement \
         and the Janjaweed Militia denied any role.",
    );
    for name in ["al-Nusra Front", "Free Syrian Army", "Revolutionary Guards", "Mahdi Army", "Sudan People's Liberation Movement"] {
        let e = entity_with(&doc, name);
        assert_eq!(e.kind, EntityKind::Org, "{name}");
    }
}

#[test]
fn upper_case_wire_text() {
    let doc = annotate(
        "SAN SALVADOR, 12 JAN 90 -- GUERRILLAS OF THE FARABUNDO MARTI NATIONAL LIBERATION FRONT ATTACKED \
         AN ARMY POST IN SAN MIGUEL DEPARTMENT, COLONEL JOSE GARCIA SAID TODAY.",
    );
    let kinds: Vec<(String, EntityKind)> =
        doc.entities.iter().map(|e| (e.canonical.clone(), e.kind)).collect();
    assert!(kinds.iter().any(|(n, k)| *k == EntityKind::Org && n.contains("Farabundo Marti")), "{kinds:?}");
    assert!(kinds.iter().any(|(n, k)| *k == EntityKind::Gpe && n == "San Salvador"), "{kinds:?}");
    let garcia = doc.entities.iter().find(|e| e.kind == EntityKind::Person).expect("a person");
    assert_eq!(garcia.canonical, "Jose Garcia");
    assert_eq!(garcia.title.as_deref(), Some("COLONEL"));
}

#[test]
fn lower_case_text() {
    let doc = annotate("militants loyal to the islamic state attacked kurdish positions near kobani in northern syria on monday.");
    let kinds: Vec<(String, EntityKind)> = doc.entities.iter().map(|e| (e.canonical.clone(), e.kind)).collect();
    assert!(kinds.iter().any(|(n, k)| matches!(k, EntityKind::Gpe | EntityKind::Loc) && n == "Syria"), "{kinds:?}");
    assert!(kinds.iter().any(|(n, k)| *k == EntityKind::Norp && n == "Kurdish"), "{kinds:?}");
}

#[test]
fn country_abbreviations_corefer() {
    let doc = annotate(
        "The United States said it would send more troops. U.S. officials said the deployment \
         would start in March, and a U.N. envoy welcomed it.",
    );
    let us = entity_with(&doc, "United States");
    assert_eq!(us.canonical, "United States");
    assert!(surfaces(&doc, us).contains(&"U.S.".to_owned()), "{:?}", surfaces(&doc, us));
}

#[test]
fn places_split_into_gpe_loc_and_fac() {
    let doc = annotate(
        "Government aircraft bombed villages along the Euphrates River and near Tabqa Airport, \
         west of Raqqa.",
    );
    assert_eq!(entity_with(&doc, "Raqqa").kind, EntityKind::Gpe);
    assert_eq!(entity_with(&doc, "Euphrates River").kind, EntityKind::Loc);
    assert_eq!(entity_with(&doc, "Tabqa Airport").kind, EntityKind::Fac);
}

#[test]
fn ids_follow_first_mention_and_mentions_are_sorted() {
    let doc = annotate("Iraqi troops entered Mosul. The Iraqi army said Mosul was calm, Prime Minister Haider al-Abadi said.");
    for (i, e) in doc.entities.iter().enumerate() {
        assert_eq!(e.id, format!("E{}", i + 1));
        assert!(e.mentions.windows(2).all(|w| w[0].start < w[1].start), "{:?}", e.mentions);
    }
    let firsts: Vec<usize> = doc.entities.iter().map(|e| e.mentions[0].start).collect();
    assert!(firsts.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(entity_with(&doc, "Mosul").mentions.len(), 2);
}

#[test]
fn possessive_is_not_part_of_the_name() {
    let doc = annotate("Syria's army shelled Homs.");
    assert!(doc.entities.iter().any(|e| surfaces(&doc, e).contains(&"Syria".to_owned())));
}

#[test]
fn nothing_from_removed_text_or_uncodable_documents() {
    let text = "Rebels attacked Aleppo on Monday. Subscribe to the Damascus Daily newsletter for news from Syria.";
    let mut doc = Document::from_text("t", text);
    sitrep_text::annotate(&mut doc);
    let cut = text.find("Subscribe").unwrap();
    doc.removed.push(Removed { span: Span::new(cut, text.len()), kind: RemovedKind::Newsletter });
    ner().annotate(&mut doc);
    assert_spans(&doc);
    assert!(doc.entities.iter().all(|e| e.mentions.iter().all(|m| m.end <= cut)));
    assert!(!doc.entities.is_empty());

    let mut skipped = Document::from_text("t", "Rebels attacked Aleppo on Monday.");
    sitrep_text::annotate(&mut skipped);
    skipped.skipped = Some("language: fr".to_owned());
    ner().annotate(&mut skipped);
    assert!(skipped.entities.is_empty());
}


#[test]
fn ibn_and_abu_names_corefer_by_surname() {
    let doc = annotate(
        "Sheikh Abdullah ibn Saad al-Rashidi, a tribal leader, was detained in Ramadi. \
         Police said al-Rashidi had sheltered fighters loyal to Abu Bakr al-Baghdadi, and that Baghdadi's aides fled.",
    );
    let rashidi = entity_with(&doc, "Sheikh Abdullah ibn Saad al-Rashidi");
    assert_eq!(rashidi.kind, EntityKind::Person);
    assert_eq!(rashidi.canonical, "Abdullah ibn Saad al-Rashidi");
    assert!(surfaces(&doc, rashidi).contains(&"al-Rashidi".to_owned()), "{:?}", surfaces(&doc, rashidi));
    let baghdadi = entity_with(&doc, "Abu Bakr al-Baghdadi");
    assert!(surfaces(&doc, baghdadi).contains(&"Baghdadi".to_owned()), "{:?}", surfaces(&doc, baghdadi));
}

#[test]
fn dateline_place_is_a_place() {
    let doc = annotate("LIMA, 3 FEB 90 (EFE) -- [TEXT] PERUVIAN POLICE ARRESTED FOUR MEMBERS OF THE SHINING PATH IN AYACUCHO TODAY.");
    assert!(doc.dateline.as_ref().and_then(|d| d.place_span).is_some(), "the text stage found no dateline place");
    assert_eq!(entity_with(&doc, "LIMA").kind, EntityKind::Gpe);
}

#[test]
fn data_fingerprint_is_stable_within_a_build() {
    assert_eq!(sitrep_ner::data_fingerprint(), sitrep_ner::data_fingerprint());
    assert_ne!(sitrep_ner::data_fingerprint(), 0);
}

#[test]
fn the_brigade_after_any_verb_but_not_inside_another_noun_phrase() {
    let doc = annotate(
        "Fighters of the Tawheed Brigade shelled the town. Later the brigade withdrew, \
         and the brigade commander was wounded.",
    );
    let e = entity_with(&doc, "Tawheed Brigade");
    let s = surfaces(&doc, e);
    assert_eq!(s, ["Tawheed Brigade", "the brigade"], "{s:?}");
}

#[test]
fn a_two_word_title_the_tagger_broke_joins_its_person() {
    let doc = annotate("Prime Minister Nouri al-Maliki said the talks went well.");
    let maliki = entity_with(&doc, "Prime Minister Nouri al-Maliki");
    assert_eq!(maliki.title.as_deref(), Some("Prime Minister"));
    assert_eq!(maliki.canonical, "Nouri al-Maliki");
    assert_eq!(doc.entities.len(), 1, "no stray \"Prime\": {:?}", doc.entities);
}
