//! Token features for the tagger, hashed straight into weight-table buckets.
//!
//! Case is the strongest cue for names in title-case newswire and useless in all-caps wire
//! (MUC-4) or lower-cased text, so each sentence gets a case mode: in a mixed-case sentence
//! the word shapes keep upper/lower case; in an all-caps or all-lower sentence they don't,
//! and the tagger leans on the lower-cased words, their affixes and the gazetteers, which are
//! the same features in every mode. Training adds upper- and lower-cased copies of sentences
//! so the weights for those modes are learned.

use crate::hash::{lower_hash, mix, word_key};
use crate::lexicon::Lexicon;

/// Bumped whenever the features change, so an old model file is refused rather than misread.
pub const FEATURE_VERSION: u32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseMode {
    Mixed,
    Upper,
    Lower,
}

/// The case mode of a sentence from its words.
#[must_use]
pub fn case_mode(words: &[&str]) -> CaseMode {
    let mut lettered = 0usize;
    let mut all_upper = 0usize;
    let mut any_upper = false;
    for w in words {
        let mut letters = 0;
        let mut upper = 0;
        for c in w.chars().filter(|c| c.is_alphabetic()) {
            letters += 1;
            if c.is_uppercase() {
                upper += 1;
            }
        }
        any_upper |= upper > 0;
        if letters >= 2 {
            lettered += 1;
            if upper == letters {
                all_upper += 1;
            }
        }
    }
    if !any_upper && lettered > 0 {
        CaseMode::Lower
    } else if lettered >= 3 && all_upper * 10 >= lettered * 7 {
        CaseMode::Upper
    } else {
        CaseMode::Mixed
    }
}

// Gazetteer flags per token.
const G_TITLE: u16 = 1;
const G_PARTICLE: u16 = 1 << 1;
const G_ORG_HEAD: u16 = 1 << 2;
const G_LOC_HEAD: u16 = 1 << 3;
const G_FAC_HEAD: u16 = 1 << 4;
const G_DEMONYM: u16 = 1 << 5;
const G_COUNTRY_B: u16 = 1 << 6;
const G_COUNTRY_I: u16 = 1 << 7;
const G_TITLE_I: u16 = 1 << 8;
const G_PARTICLE_PREFIX: u16 = 1 << 9;
const N_GAZ: u64 = 10;

#[derive(Debug, Clone, Copy, Default)]
struct TokenInfo {
    key: u64,
    shape: u64,
    short: u64,
    /// Hash of the last three lower-cased characters.
    suf3: u64,
    /// Position in a run of capitalised words (mixed-case sentences): length and place.
    run: u64,
    gaz: u16,
}

// Feature templates.
const T_BIAS: u64 = 1;
const T_WORD: u64 = 2;
const T_PRE3: u64 = 3;
const T_SUF2: u64 = 4;
const T_SUF3: u64 = 5;
const T_SUF4: u64 = 6;
const T_SHAPE: u64 = 7;
const T_SHORT: u64 = 8;
const T_PREV: u64 = 9;
const T_NEXT: u64 = 10;
const T_PREV2: u64 = 11;
const T_NEXT2: u64 = 12;
const T_PREV_SHORT: u64 = 13;
const T_NEXT_SHORT: u64 = 14;
const T_BI_PREV: u64 = 15;
const T_BI_NEXT: u64 = 16;
const T_GAZ: u64 = 17;
const T_GAZ_PREV: u64 = 18;
const T_GAZ_NEXT: u64 = 19;
const T_FIRST: u64 = 20;
const T_SHAPE3: u64 = 21;
const T_MODE: u64 = 22;
const T_PRE2: u64 = 23;
const T_PREV_WORD_SHORT: u64 = 24;
const T_WORD_NEXT_SHORT: u64 = 25;
const T_PREV_SUF3: u64 = 26;
const T_NEXT_SUF3: u64 = 27;
const T_TRIGRAM: u64 = 28;
const T_RUN: u64 = 29;
const T_RUN_WORD: u64 = 30;

const BOS: u64 = 0x5eed_0001;
const EOS: u64 = 0x5eed_0002;

/// Computes hashed features for one sentence at a time, reusing its buffers.
pub struct Featurizer<'a> {
    lex: &'a Lexicon,
    bits: u32,
    info: Vec<TokenInfo>,
    keys: Vec<u64>,
    chars: Vec<char>,
}

impl<'a> Featurizer<'a> {
    #[must_use]
    pub fn new(lex: &'a Lexicon, bits: u32) -> Self {
        Self { lex, bits, info: Vec::new(), keys: Vec::new(), chars: Vec::new() }
    }

    #[inline]
    fn bucket(&self, template: u64, value: u64) -> u32 {
        (mix(template, value) >> (64 - self.bits)) as u32
    }

    /// Features of every token of `words`: `out[offsets[i]..offsets[i + 1]]` are token `i`'s
    /// weight-table buckets.
    /// Returns the sentence's case mode; [`Featurizer::keys`] then holds its word keys.
    pub fn sentence(&mut self, words: &[&str], out: &mut Vec<u32>, offsets: &mut Vec<usize>) -> CaseMode {
        out.clear();
        offsets.clear();
        let mode = case_mode(words);
        self.token_infos(words, mode);
        let n = words.len();
        let mode_code = mode as u64;
        #[allow(clippy::needless_range_loop)] // neighbours at i±1, i±2 are read too
        for i in 0..n {
            offsets.push(out.len());
            let t = self.info[i];
            let prev = if i > 0 { self.info[i - 1] } else { TokenInfo { key: BOS, shape: BOS, short: BOS, suf3: BOS, run: 0, gaz: 0 } };
            let next = if i + 1 < n { self.info[i + 1] } else { TokenInfo { key: EOS, shape: EOS, short: EOS, suf3: EOS, run: 0, gaz: 0 } };
            let prev2 = if i > 1 { self.info[i - 2].key } else { BOS };
            let next2 = if i + 2 < n { self.info[i + 2].key } else { EOS };
            let feats = [
                (T_BIAS, 0),
                (T_MODE, mode_code),
                (T_WORD, t.key),
                (T_SHAPE, t.shape),
                (T_SHORT, t.short),
                (T_PREV, prev.key),
                (T_NEXT, next.key),
                (T_PREV2, prev2),
                (T_NEXT2, next2),
                (T_PREV_SHORT, prev.short),
                (T_NEXT_SHORT, next.short),
                (T_BI_PREV, prev.key.rotate_left(17) ^ t.key),
                (T_BI_NEXT, t.key.rotate_left(17) ^ next.key),
                (T_SHAPE3, prev.short.rotate_left(21) ^ t.short.rotate_left(7) ^ next.short),
                (T_FIRST, u64::from(i == 0).wrapping_mul(31) ^ t.short),
                (T_PREV_WORD_SHORT, prev.key.rotate_left(13) ^ t.short),
                (T_WORD_NEXT_SHORT, t.key.rotate_left(13) ^ next.short),
                (T_PREV_SUF3, prev.suf3),
                (T_NEXT_SUF3, next.suf3),
                (T_TRIGRAM, prev.key.rotate_left(23) ^ t.key.rotate_left(11) ^ next.key),
                (T_RUN, t.run),
                (T_RUN_WORD, t.run.rotate_left(29) ^ t.key),
            ];
            for (tmpl, v) in feats {
                out.push(self.bucket(tmpl, v));
            }
            // Affixes of the lower-cased word.
            self.chars.clear();
            self.chars.extend(words[i].chars().flat_map(char::to_lowercase));
            let len = self.chars.len();
            if len > 3 {
                for (tmpl, k) in [(T_PRE2, 2usize), (T_PRE3, 3)] {
                    let v = lower_hash(self.chars[..k].iter().copied());
                    out.push(self.bucket(tmpl, v));
                }
                for (tmpl, k) in [(T_SUF2, 2usize), (T_SUF3, 3), (T_SUF4, 4)] {
                    if len > k {
                        let v = lower_hash(self.chars[len - k..].iter().copied());
                        out.push(self.bucket(tmpl, v));
                    }
                }
            }
            for (tmpl, gaz) in [(T_GAZ, t.gaz), (T_GAZ_PREV, prev.gaz), (T_GAZ_NEXT, next.gaz)] {
                for bit in 0..N_GAZ {
                    if gaz & (1 << bit) != 0 {
                        out.push(self.bucket(tmpl, bit));
                    }
                }
            }
        }
        offsets.push(out.len());
        mode
    }

    /// The word keys ([`crate::hash::word_key`]) of the last sentence featurised.
    #[must_use]
    pub fn keys(&self) -> &[u64] {
        &self.keys
    }

    fn token_infos(&mut self, words: &[&str], mode: CaseMode) {
        self.info.clear();
        self.keys.clear();
        self.keys.extend(words.iter().map(|w| word_key(w)));
        for (w, &key) in words.iter().zip(&self.keys) {
            let (shape, short) = shapes(w, mode);
            let suf3 = {
                let mut last = ['\0'; 3];
                let mut n = 0;
                for c in w.chars().rev().take(3) {
                    last[n] = c;
                    n += 1;
                }
                lower_hash(last[..n].iter().rev().copied())
            };
            self.info.push(TokenInfo { key, shape, short, suf3, run: 0, gaz: 0 });
        }
        if mode == CaseMode::Mixed {
            let capital = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
            let mut i = 0;
            while i < words.len() {
                if !capital(words[i]) {
                    i += 1;
                    continue;
                }
                let start = i;
                while i < words.len() && capital(words[i]) {
                    i += 1;
                }
                let len = (i - start).min(4) as u64;
                for j in start..i {
                    let place = if j == start { 1 } else if j + 1 == i { 2 } else { 3 };
                    self.info[j].run = len * 8 + place;
                }
            }
        }
        let lex = self.lex;
        for (i, word) in words.iter().enumerate() {
            let key = self.keys[i];
            let mut g = 0;
            if lex.titles.contains_word(key) {
                g |= G_TITLE;
            }
            if lex.particles.contains_word(key) {
                g |= G_PARTICLE;
            }
            if lex.has_particle_prefix(word) {
                g |= G_PARTICLE_PREFIX;
            }
            if lex.org_heads.contains_word(key) {
                g |= G_ORG_HEAD;
            }
            if lex.loc_heads.contains_word(key) {
                g |= G_LOC_HEAD;
            }
            if lex.fac_heads.contains_word(key) {
                g |= G_FAC_HEAD;
            }
            if lex.demonyms.contains_word(key) {
                g |= G_DEMONYM;
            }
            self.info[i].gaz |= g;
            if let Some((len, _)) = lex.countries.longest_at(&self.keys[i..]) {
                self.info[i].gaz |= G_COUNTRY_B;
                for j in i + 1..i + len {
                    self.info[j].gaz |= G_COUNTRY_I;
                }
            }
            if let Some((len, ())) = lex.titles.longest_at(&self.keys[i..]) {
                for j in i + 1..i + len {
                    self.info[j].gaz |= G_TITLE_I;
                }
            }
        }
    }
}

/// The word's shape (`Xxxxx`, `XX.X.`, `dddd`; case folded to `a` outside mixed-case
/// sentences) and its short form with repeats collapsed.
fn shapes(word: &str, mode: CaseMode) -> (u64, u64) {
    let class = |c: char| -> char {
        if c.is_alphabetic() {
            if mode != CaseMode::Mixed {
                'a'
            } else if c.is_uppercase() {
                'X'
            } else {
                'x'
            }
        } else if c.is_numeric() {
            'd'
        } else {
            c
        }
    };
    let mut shape = 0x811c_9dc5u64;
    let mut short = 0x811c_9dc5u64;
    let mut last = '\0';
    let mut run = 0;
    for c in word.chars().map(class) {
        if c == last {
            run += 1;
        } else {
            run = 1;
            short = (short ^ c as u64).wrapping_mul(0x0100_0000_01b3);
        }
        if run <= 4 {
            shape = (shape ^ c as u64).wrapping_mul(0x0100_0000_01b3);
        }
        last = c;
    }
    (shape, short)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_mode_tells_wire_caps_from_title_case() {
        assert_eq!(case_mode(&["GUERRILLAS", "ATTACKED", "THE", "TOWN", "OF", "SAN", "MIGUEL"]), CaseMode::Upper);
        assert_eq!(case_mode(&["rebels", "attacked", "aleppo"]), CaseMode::Lower);
        assert_eq!(case_mode(&["The", "UN", "said", "rebels", "attacked", "Aleppo"]), CaseMode::Mixed);
    }

    #[test]
    fn upper_and_title_case_words_share_lexical_features() {
        let lex = Lexicon::load();
        let mut f = Featurizer::new(&lex, 18);
        let (mut a, mut oa, mut b, mut ob) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        f.sentence(&["Rebels", "entered", "Aleppo", "today"], &mut a, &mut oa);
        f.sentence(&["REBELS", "ENTERED", "ALEPPO", "TODAY"], &mut b, &mut ob);
        let shared = a[oa[2]..oa[3]].iter().filter(|x| b[ob[2]..ob[3]].contains(x)).count();
        assert!(shared >= 8, "only {shared} features shared");
        assert_ne!(a[oa[2]..oa[3]], b[ob[2]..ob[3]]);
    }
}
