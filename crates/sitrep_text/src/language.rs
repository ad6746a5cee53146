//! Language identification, careful never to skip an English article.
//!
//! Two signals: the share of English function words (robust to upper-case wire text and to
//! articles full of foreign names, where a trigram model can waver), and `whatlang`'s verdict. A
//! document is skipped only when the model is confident it is another language *and* almost none
//! of its words are English function words *and* it is long enough to judge.

use crate::data::{self, DataError, WordTable};

/// How much text the detector reads: enough to judge, bounded so long documents stay cheap.
const SAMPLE_BYTES: usize = 4_000;
/// Fewer words than this and the document is never skipped: too short to judge.
const MIN_WORDS_TO_SKIP: usize = 15;
/// At or above this share of English function words a text is English, whatever the model says.
const ENGLISH_SHARE: f64 = 0.12;
/// A text is skipped only when its English share is below this.
const FOREIGN_MAX_ENGLISH_SHARE: f64 = 0.04;
/// And only when the model's confidence is at least this.
const MIN_CONFIDENCE: f64 = 0.8;

/// What the detector concluded about one text.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// ISO 639-1 code (or ISO 639-3 where there is none), `None` when there is nothing to judge.
    pub language: Option<String>,
    /// Why the document is not coded, when it is not English.
    pub skip: Option<String>,
}

/// English function words and the ISO code table, parsed once.
#[derive(Debug)]
pub struct LanguageRules {
    english: WordTable<()>,
    iso: Vec<(String, String)>,
}

impl LanguageRules {
    /// Parses `english_words.txt` and `iso639.txt`.
    ///
    /// # Errors
    /// On a malformed line, naming file and line.
    pub fn parse(english_words: &str, iso639: &str) -> Result<Self, DataError> {
        let mut english = WordTable::default();
        for (line, fields) in data::records(english_words) {
            let [word] = fields[..] else {
                return Err(DataError::new("english_words.txt", line, "expected one word a line"));
            };
            english.insert(word.trim(), ());
        }
        let mut iso = Vec::new();
        for (line, fields) in data::records(iso639) {
            let [three, two] = fields[..] else {
                return Err(DataError::new("iso639.txt", line, "expected `iso639_3<TAB>iso639_1`"));
            };
            iso.push((three.to_owned(), two.to_owned()));
        }
        Ok(Self { english, iso })
    }

    fn iso639_1(&self, three: &str) -> String {
        self.iso.iter().find(|(t, _)| t == three).map_or_else(|| three.to_owned(), |(_, two)| two.clone())
    }

    /// Judges the language of `text`.
    #[must_use]
    pub fn judge(&self, text: &str) -> Verdict {
        let sample = prefix(text, SAMPLE_BYTES);
        let (words, english) = self.count_words(sample);
        let share = if words == 0 { 0.0 } else { count_as_f64(english) / count_as_f64(words) };
        if share >= ENGLISH_SHARE && words >= 3 {
            return Verdict { language: Some("en".to_owned()), skip: None };
        }
        let Some(info) = whatlang::detect(sample) else {
            let language = (words > 0 && english > 0).then(|| "en".to_owned());
            return Verdict { language, skip: None };
        };
        if info.lang() == whatlang::Lang::Eng {
            return Verdict { language: Some("en".to_owned()), skip: None };
        }
        let code = self.iso639_1(info.lang().code());
        // Text mostly in another script (CJK, Cyrillic, Arabic …) is not English however unsure
        // the model is between, say, Japanese and Chinese. Count letters, not words, there.
        let (letters, latin) = sample.chars().filter(|c| c.is_alphabetic()).fold((0usize, 0usize), |(n, l), c| {
            (n + 1, l + usize::from(c.is_ascii_alphabetic() || ('\u{c0}'..='\u{24f}').contains(&c)))
        });
        let other_script = letters >= 60 && latin * 10 < letters * 3;
        let confident = other_script || (info.is_reliable() && info.confidence() >= MIN_CONFIDENCE);
        let long_enough = words >= MIN_WORDS_TO_SKIP || letters >= 60;
        let skip = (confident && long_enough && share < FOREIGN_MAX_ENGLISH_SHARE).then(|| {
            format!(
                "not English (detected {code}, confidence {:.2}): sitrep codes English text only; skipped",
                info.confidence()
            )
        });
        Verdict { language: Some(code), skip }
    }

    /// Latin-letter words in `sample`, and how many of them are English function words.
    fn count_words(&self, sample: &str) -> (usize, usize) {
        let mut words = 0;
        let mut english = 0;
        for word in sample.split(|c: char| !c.is_alphabetic()) {
            if word.is_empty() {
                continue;
            }
            words += 1;
            if word.is_ascii() && self.english.get(word).is_some() {
                english += 1;
            }
        }
        (words, english)
    }
}

#[allow(clippy::cast_precision_loss)] // word counts are far below 2^52
fn count_as_f64(n: usize) -> f64 {
    n as f64
}

/// The longest prefix of `text` of at most `max` bytes ending on a character boundary.
fn prefix(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> LanguageRules {
        LanguageRules::parse(data::file("english_words.txt"), data::file("iso639.txt")).unwrap()
    }

    #[test]
    fn an_invented_french_article_is_skipped() {
        let text = "Des hommes armés ont attaqué mardi un poste de police dans le nord du pays, \
                    tuant trois agents, selon des sources sécuritaires. Les assaillants ont pris la fuite \
                    vers la frontière, a indiqué le gouverneur de la région, qui a annoncé l'ouverture d'une enquête.";
        let v = rules().judge(text);
        assert_eq!(v.language.as_deref(), Some("fr"));
        let skip = v.skip.expect("French must be skipped");
        assert!(skip.starts_with("not English (detected fr, confidence "), "{skip}");
    }

    #[test]
    fn invented_all_caps_wire_text_full_of_spanish_names_is_english() {
        let text = "SAN MIGUEL DEL MONTE, 3 MAR 90 (AGENCIA SUR) -- [TEXT] GUERRILLAS OF THE FRENTE \
                    REVOLUCIONARIO DEL SUR ATTACKED THE MUNICIPAL BUILDING OF SANTA ROSA DE LAS FLORES \
                    LAST NIGHT, THE COMANDANCIA GENERAL DE LA POLICIA NACIONAL REPORTED TODAY.";
        let v = rules().judge(text);
        assert_eq!(v, Verdict { language: Some("en".to_owned()), skip: None });
    }

    #[test]
    fn short_texts_are_never_skipped() {
        assert_eq!(rules().judge("Attaque à Bamako").skip, None);
        assert_eq!(rules().judge("").language, None);
    }

    #[test]
    fn japanese_with_latin_product_names_is_skipped() {
        let text = "新しいアプリをインストールすると自動でショートカットキーが設定され、Ctrl+Alt+Kで立ち上がるようになります。これが非常に困ったもの。パスワード管理ソフトの起動キーと同じなのです。";
        let v = rules().judge(text);
        assert!(v.skip.is_some(), "{v:?}");
        assert_ne!(v.language.as_deref(), Some("en"));
    }

    #[test]
    fn non_latin_scripts_are_skipped_when_long_enough() {
        let text = "أعلنت وزارة الداخلية اليوم أن مسلحين هاجموا نقطة تفتيش في شمال البلاد وقتلوا ثلاثة من رجال الشرطة قبل أن يفروا";
        let v = rules().judge(text);
        assert_eq!(v.language.as_deref(), Some("ar"));
        assert!(v.skip.is_some());
    }
}
