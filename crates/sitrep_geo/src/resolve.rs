//! Toponym resolution: each recognised name's candidates scored by prominence (population,
//! feature class), the container named beside it, and the document's geographic focus; one
//! sense per document. Then the results are written to `doc.places` and the entities.

use std::collections::HashMap;

use sitrep_core::{Document, Entity, EntityKind, Geo, GeoPrecision, Place, Span};

use crate::index::{PlaceKind, NO_PLACE};
use crate::outlet::OutletFocus;
use crate::recognise::{tokenize, Mention, Tok};
use crate::{fold, Gazetteer};

/// Score for a candidate in the country every other place of the document is in (a factor
/// of 10^5 in population): an article about Texas means Paris, Texas.
const COUNTRY_FOCUS: f64 = 5.0;
/// Score for a candidate in the admin1 region every other place is in: as much as the
/// country's. Local news names its state once, or never, and its towns throughout ("Paris"
/// beside "Dallas" is Paris, Texas); a weaker region vote let a bigger namesake elsewhere in
/// the country win.
const ADMIN1_FOCUS: f64 = COUNTRY_FOCUS;
/// Spread of the first round's focus votes over a name's senses: each sense votes in
/// proportion to exp(score / T), with scores in log10 units, so T = 2 / ln 10 gives each the
/// square root of its population share. The places a document names share a region far more
/// often than chance, so a region where several names each have a sense ("Concord",
/// "Hopkinton", "Hanover": New Hampshire) wins over each name's biggest namesake.
const SOFT_VOTE_T: f64 = 2.0 / std::f64::consts::LN_10;
/// Score gap below the best sense past which a sense's soft vote (under 0.1%) is dropped.
const SOFT_VOTE_CUT: f64 = -6.0;

/// The vote of a town the outlet's host names: one mention's.
const OUTLET_NAME_WEIGHT: f64 = 1.0;
/// The vote of the outlet's country-code domain: a country named once.
const OUTLET_COUNTRY_WEIGHT: f64 = 2.0;

/// How much each kind of mention says about where the article is.
fn focus_weight(kind: PlaceKind) -> f64 {
    match kind {
        PlaceKind::Country => 2.0,
        PlaceKind::Admin1 => 1.5,
        PlaceKind::Admin2 | PlaceKind::City => 1.0,
        PlaceKind::Continent => 0.0,
    }
}

/// A resolved group of mentions sharing one key (one sense per document).
struct Resolved {
    place: u32,
    confidence: f64,
}

impl Gazetteer {
    /// Finds and resolves the toponyms of `doc`: fills `doc.places`, sets `geo` on the
    /// matching GPE/LOC/FAC/NORP entities and creates entities for toponyms the entity tagger
    /// missed. Does nothing on a document that is not codable.
    pub fn annotate(&self, doc: &mut Document) {
        if !doc.is_codable() {
            return;
        }
        let toks = tokenize(doc);
        let mentions = self.recognise(doc, &toks);
        let outlet = self.outlet_focus(doc);
        let resolved = self.resolve_mentions(&mentions, &outlet);
        let mut found: Vec<(Span, Option<usize>, Geo, EntityKind)> = Vec::new();
        for (i, (m, r)) in mentions.iter().zip(&resolved).enumerate() {
            let Some(r) = r else { continue };
            // "Tijuana River", "Red River", "James River": a town's name before a natural
            // feature's word names the feature, which the gazetteer lacks. The town places it
            // when the document's other places share the town's region (the Tijuana River in
            // Baja California); otherwise the town is a namesake far away (Red, India) and the
            // feature is left to be placed at the nearest named place like any unknown place.
            if let Some(feature_end) = self.feature_after(doc, &toks, m) {
                let p = self.place(r.place);
                let shared = p.admin1_place != NO_PLACE
                    && mentions.iter().zip(&resolved).enumerate().any(|(j, (o, ro))| {
                        j != i
                            && o.key != m.key
                            && ro.as_ref().is_some_and(|ro| self.place(ro.place).admin1_place == p.admin1_place)
                    });
                if shared {
                    let mut geo = self.geo(r.place, r.confidence * 0.9);
                    geo.precision = GeoPrecision::District;
                    found.push((Span::new(m.span.start, feature_end), None, geo, EntityKind::Loc));
                }
                continue;
            }
            let mut geo = self.geo(r.place, r.confidence);
            let kind = if m.demonym {
                geo.precision = GeoPrecision::Country;
                EntityKind::Norp
            } else {
                EntityKind::Gpe
            };
            found.push((m.span, m.entity, geo, kind));
        }
        let subplaces = self.subplaces(doc, &toks, &mentions, &resolved);
        // "Seoul Central District Court": names inside a facility named after its parent are
        // part of the facility's name, not places of their own; the parent stays.
        let facilities: Vec<Span> = subplaces.iter().filter(|f| f.3 == EntityKind::Fac).map(|f| f.0).collect();
        found.retain(|f| !facilities.iter().any(|fac| fac.contains(f.0) && fac.start < f.0.start));
        found.extend(subplaces);
        found.sort_by_key(|f| (f.0.start, f.0.end));
        found.dedup_by_key(|f| f.0);
        let unknown = self.unknown_places(doc, &toks, &found);
        found.extend(unknown);
        found.sort_by_key(|f| (f.0.start, f.0.end));
        write_places(doc, found);
    }

    /// The resolution sitrep gives a toponym at `span` (a gold span, for the evaluator's
    /// `acc_161km_given_spans`), using the rest of the document as context.
    #[must_use]
    pub fn resolve_span(&self, doc: &Document, span: Span) -> Option<Geo> {
        let toks = tokenize(doc);
        let mut mentions = self.recognise(doc, &toks);
        mentions.retain(|m| !m.span.overlaps(span));
        let surface = span.of(&doc.text);
        let trimmed = surface.trim().trim_start_matches("the ").trim_start_matches("The ");
        let trimmed = trimmed.strip_suffix("'s").or_else(|| trimmed.strip_suffix("’s")).unwrap_or(trimmed);
        let mut key = fold(trimmed);
        let mut cands = match self.lex.demonyms.get(&key).and_then(|cc| self.country_place(cc)) {
            Some(country) => vec![(country, false)],
            None => self.candidate_ids(&key, true),
        };
        if cands.is_empty() {
            // "Helmand province" with no such key: the name before the region word.
            let words: Vec<&str> = key.split(' ').collect();
            if words.len() > 1 && self.lex.admin.contains(words[words.len() - 1]) {
                key = words[..words.len() - 1].join(" ");
                cands = self.candidate_ids(&key, true);
            }
        }
        if cands.is_empty() {
            // A name the gazetteer lacks ("Manila Cathedral", "Hampton Avenue", "Al-Qarassi"):
            // what the whole stage makes of it, placed at its parent like any such place.
            let mut annotated = doc.clone();
            annotated.places.clear();
            self.annotate(&mut annotated);
            return annotated
                .places
                .iter()
                .filter(|p| p.span.overlaps(span))
                .max_by_key(|p| (p.span == span, p.span.end.min(span.end) - p.span.start.max(span.start)))
                .and_then(|p| p.geo.clone());
        }
        let demonym = self.lex.demonyms.contains_key(&key);
        let first = toks.partition_point(|t| t.span.end <= span.start);
        let last = toks.partition_point(|t| t.span.start < span.end).saturating_sub(1).max(first);
        mentions.push(Mention {
            span,
            key,
            toks: (first, last),
            cands,
            demonym,
            entity: None,
            admin_suffix: false,
            city_cue: false,
            qualifier: Vec::new(),
            is_container: false,
            dateline: false,
        });
        let at = mentions.len() - 1;
        let outlet = self.outlet_focus(doc);
        let resolved = self.resolve_mentions(&mentions, &outlet);
        resolved[at].as_ref().map(|r| self.geo(r.place, r.confidence))
    }

    fn prior(&self, id: u32, alternate: bool) -> f64 {
        let p = self.place(id);
        let kind_bonus = match p.kind {
            PlaceKind::Country => 3.0,
            PlaceKind::Admin1 => 1.0,
            PlaceKind::Admin2 => 0.5,
            PlaceKind::City => 0.0,
            PlaceKind::Continent => 1.0,
        };
        // Capitals are named far more often than their population says (and stand for
        // governments: "Washington", "Moscow").
        let capital = if p.flags & crate::index::FLAG_CAPITAL != 0 { 2.5 } else { 0.0 };
        #[allow(clippy::cast_precision_loss)] // populations are far below 2^52
        let pop = (p.population as f64 + 1.0).log10();
        pop + kind_bonus + capital - if alternate { 1.0 } else { 0.0 }
    }

    /// Context bonus of one mention for one candidate: its named container, a region word
    /// after it, "city of" before it.
    fn mention_bonus(&self, m: &Mention, id: u32) -> f64 {
        let p = self.place(id);
        let mut bonus = 0.0;
        if !m.qualifier.is_empty() {
            let inside = m.qualifier.iter().any(|&q| {
                let qp = self.place(q);
                match qp.kind {
                    PlaceKind::Country => qp.country == p.country && p.kind != PlaceKind::Country,
                    PlaceKind::Admin1 => p.admin1_place == q && q != id,
                    PlaceKind::Admin2 => p.country == qp.country && p.admin2 == qp.name,
                    PlaceKind::City | PlaceKind::Continent => false,
                }
            });
            if inside {
                bonus += 10.0;
            }
        }
        if m.admin_suffix && matches!(p.kind, PlaceKind::Admin1 | PlaceKind::Admin2) {
            bonus += 4.0;
        }
        if m.city_cue && p.kind == PlaceKind::City {
            bonus += 2.0;
        }
        // "Bronx, New York": the name after the comma is the container, a region.
        if m.is_container && matches!(p.kind, PlaceKind::Admin1 | PlaceKind::Admin2 | PlaceKind::Country) {
            bonus += 3.0;
        }
        bonus
    }

    /// Resolves every mention; mentions sharing a key share the sense.
    fn resolve_mentions(&self, mentions: &[Mention], outlet: &OutletFocus) -> Vec<Option<Resolved>> {
        let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
        let mut group_of: HashMap<(String, bool), usize> = HashMap::new();
        for (i, m) in mentions.iter().enumerate() {
            let g = *group_of.entry((m.key.clone(), m.demonym)).or_insert_with(|| {
                groups.push((m.key.clone(), Vec::new()));
                groups.len() - 1
            });
            groups[g].1.push(i);
        }
        // Candidate scores before the document's focus.
        let local: Vec<Vec<(u32, f64)>> = groups
            .iter()
            .map(|(_, ms)| {
                let mut scores: Vec<(u32, f64)> = Vec::new();
                for &mi in ms {
                    for &(id, alt) in &mentions[mi].cands {
                        let s = self.prior(id, alt) + self.mention_bonus(&mentions[mi], id);
                        match scores.iter_mut().find(|(c, _)| *c == id) {
                            Some(e) => e.1 = e.1.max(s),
                            None => scores.push((id, s)),
                        }
                    }
                }
                // A province and its capital of the same name ("Aleppo", "Kabul"): the city is
                // meant unless the text says "province".
                let suffix = ms.iter().any(|&mi| mentions[mi].admin_suffix);
                if !suffix {
                    let regions: Vec<u32> = scores
                        .iter()
                        .map(|&(id, _)| id)
                        .filter(|&id| self.place(id).kind == PlaceKind::Admin1)
                        .collect();
                    for (id, score) in &mut scores {
                        let p = self.place(*id);
                        if p.kind == PlaceKind::City && regions.contains(&p.admin1_place) {
                            // The city may answer to the region's name only as an alternate
                            // ("New York" for New York City): no penalty for that here.
                            let alternate =
                                ms.iter().any(|&mi| mentions[mi].cands.iter().any(|&(c, alt)| c == *id && alt));
                            *score += if alternate { 3.0 } else { 2.0 };
                        }
                    }
                }
                scores
            })
            .collect();
        // The towns the outlet's host names: groups of their own that vote like a mention
        // and are never written out.
        let text_groups = groups.len();
        let mut local = local;
        for (key, cands) in &outlet.names {
            // A town the text names too: the host adds nothing the text does not say, and its
            // own vote would only echo that name's most prominent sense.
            if groups[..text_groups].iter().any(|(k, _)| k == key) {
                continue;
            }
            groups.push((key.clone(), Vec::new()));
            local.push(cands.iter().map(|&id| (id, self.prior(id, false))).collect());
        }
        let weight = |g: usize, ms: &[usize]| -> f64 {
            if g >= text_groups {
                return OUTLET_NAME_WEIGHT;
            }
            #[allow(clippy::cast_precision_loss)]
            let n = (ms.len() as f64).min(3.0);
            let dateline = if ms.iter().any(|&mi| mentions[mi].dateline) { 3.0 } else { 1.0 };
            n * dateline
        };
        // A town and its county named in one document ("Huntsville" and "Walker County"):
        // the senses that contain each other support each other.
        let mut counties: HashMap<(u32, u32), Vec<usize>> = HashMap::new();
        let mut towns: HashMap<(u32, u32), Vec<usize>> = HashMap::new();
        for (g, scores) in local.iter().enumerate() {
            for &(id, _) in scores {
                let p = self.place(id);
                match p.kind {
                    PlaceKind::Admin2 => counties.entry((p.admin1, p.name)).or_default().push(g),
                    PlaceKind::City if p.admin2 != NO_PLACE => towns.entry((p.admin1, p.admin2)).or_default().push(g),
                    _ => {}
                }
            }
        }
        for (g, scores) in local.iter_mut().enumerate() {
            for (id, score) in scores.iter_mut() {
                let p = self.place(*id);
                let key = match p.kind {
                    PlaceKind::Admin2 => Some(((p.admin1, p.name), &towns)),
                    PlaceKind::City if p.admin2 != NO_PLACE => Some(((p.admin1, p.admin2), &counties)),
                    _ => None,
                };
                if let Some((key, other)) = key {
                    if other.get(&key).is_some_and(|gs| gs.iter().any(|&o| o != g)) {
                        *score += 3.0;
                    }
                }
            }
        }
        // Focus votes: first every sense of each group by its local score (soft), then (a second
        // round) the sense the focus chose, so "Georgia" beside "Atlanta" votes for the state.
        const ROUNDS: usize = 2;
        let mut best_of: Vec<Option<u32>> =
            local.iter().map(|l| l.iter().max_by(|a, b| a.1.total_cmp(&b.1)).map(|&(id, _)| id)).collect();
        let mut out: Vec<Option<Resolved>> = (0..mentions.len()).map(|_| None).collect();
        for round in 0..ROUNDS {
            let mut next_best = best_of.clone();
            // Each group's votes for countries and first-order regions.
            let mut country_votes: Vec<HashMap<[u8; 2], f64>> = Vec::with_capacity(groups.len());
            let mut admin_votes: Vec<HashMap<u32, f64>> = Vec::with_capacity(groups.len());
            for (g, (_, ms)) in groups.iter().enumerate() {
                let mut cv = HashMap::new();
                let mut av = HashMap::new();
                let w = weight(g, ms);
                if round == 0 {
                    let top = local[g].iter().map(|x| x.1).fold(f64::NEG_INFINITY, f64::max);
                    // Senses a thousandth as likely as the best add nothing but work.
                    let ws: Vec<(u32, f64)> = local[g]
                        .iter()
                        .filter(|&&(_, s)| s - top > SOFT_VOTE_CUT)
                        .map(|&(id, s)| (id, ((s - top) / SOFT_VOTE_T).exp()))
                        .collect();
                    let z: f64 = ws.iter().map(|x| x.1).sum();
                    for &(id, e) in &ws {
                        let p = self.place(id);
                        if p.kind == PlaceKind::Continent {
                            continue;
                        }
                        let share = e / z;
                        *cv.entry(p.country).or_insert(0.0) += focus_weight(p.kind) * w * share;
                        if p.admin1_place != NO_PLACE {
                            *av.entry(p.admin1_place).or_insert(0.0) += w * share;
                        }
                    }
                } else if let Some(id) = best_of[g] {
                    let p = self.place(id);
                    cv.insert(p.country, focus_weight(p.kind) * w);
                    if p.kind == PlaceKind::Continent {
                        cv.clear();
                    }
                    if p.admin1_place != NO_PLACE {
                        av.insert(p.admin1_place, w);
                    }
                }
                country_votes.push(cv);
                admin_votes.push(av);
            }
            let mut total_c: HashMap<[u8; 2], f64> = HashMap::new();
            if let Some(cc) = outlet.country {
                total_c.insert(cc, OUTLET_COUNTRY_WEIGHT);
            }
            let mut total_a: HashMap<u32, f64> = HashMap::new();
            for v in &country_votes {
                for (k, w) in v {
                    *total_c.entry(*k).or_default() += w;
                }
            }
            for v in &admin_votes {
                for (k, w) in v {
                    *total_a.entry(*k).or_default() += w;
                }
            }
            let sum_c: f64 = total_c.values().sum();
            let sum_a: f64 = total_a.values().sum();

            for (g, (_, ms)) in groups.iter().enumerate() {
                let own_c: f64 = country_votes[g].values().sum();
                let own_a: f64 = admin_votes[g].values().sum();
                let others_c = sum_c - own_c;
                let others_a = sum_a - own_a;
                let mut scored: Vec<(u32, f64)> = local[g]
                    .iter()
                    .map(|&(id, s)| {
                        let p = self.place(id);
                        let mut s = s;
                        if others_c > 0.0 && p.kind != PlaceKind::Continent {
                            let other = |cc: &[u8; 2]| {
                                total_c.get(cc).copied().unwrap_or(0.0)
                                    - country_votes[g].get(cc).copied().unwrap_or(0.0)
                            };
                            // Neighbours count half: "Gaza" in an article about Israel.
                            let near: f64 = self.neighbours(p.country).iter().map(other).sum();
                            s += COUNTRY_FOCUS * (other(&p.country) + 0.5 * near) / others_c;
                        }
                        if others_a > 0.0 && p.admin1_place != NO_PLACE {
                            let w = total_a.get(&p.admin1_place).copied().unwrap_or(0.0)
                                - admin_votes[g].get(&p.admin1_place).copied().unwrap_or(0.0);
                            s += ADMIN1_FOCUS * w / others_a;
                        }
                        (id, s)
                    })
                    .collect();
                scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                let Some(&(best, s1)) = scored.first() else { continue };
                let confidence = match scored.get(1) {
                    Some(&(_, s2)) => (1.0 / (1.0 + (-(s1 - s2)).exp())).clamp(0.05, 0.99),
                    None => 0.95,
                };
                next_best[g] = Some(best);
                if round == ROUNDS - 1 && g < text_groups {
                    for &mi in ms {
                        out[mi] = Some(Resolved { place: best, confidence });
                    }
                }
            }
            best_of = next_best;
        }
        out
    }

    /// The end of a natural feature's name a town's mention opens ("Red" of "Red River"):
    /// a town (no region or country answers to the name) right before a capitalised feature
    /// word.
    fn feature_after(&self, doc: &Document, toks: &[Tok], m: &Mention) -> Option<usize> {
        if m.demonym || m.cands.iter().any(|&(id, alt)| !alt && self.place(id).kind != PlaceKind::City) {
            return None;
        }
        let next = toks.get(m.toks.1 + 1)?;
        let word = next.span.of(&doc.text);
        (next.word
            && next.space_before
            && !next.newline_before
            && word.chars().next().is_some_and(char::is_uppercase)
            && self.lex.feature.contains(&word.to_lowercase()))
        .then_some(next.span.end)
    }

    /// Places the gazetteer lacks, resolved to the named parent beside them: "Aleppo's
    /// Salaheddine district", "the Salaheddine district of Aleppo", "Aleppo International
    /// Airport". Precision `district`: within or next to the parent, at the parent's point.
    fn subplaces(
        &self,
        doc: &Document,
        toks: &[Tok],
        mentions: &[Mention],
        resolved: &[Option<Resolved>],
    ) -> Vec<(Span, Option<usize>, Geo, EntityKind)> {
        let text = &doc.text;
        let s = |i: usize| toks.get(i).map_or("", |t| t.span.of(text));
        let cap = |i: usize| toks.get(i).is_some_and(|t| t.word && s(i).chars().next().is_some_and(char::is_uppercase));
        let mut out = Vec::new();
        for (m, r) in mentions.iter().zip(resolved) {
            let Some(r) = r else { continue };
            if m.demonym || matches!(self.place(r.place).kind, PlaceKind::Country | PlaceKind::Continent) {
                continue;
            }
            let parent = |conf: f64| {
                let mut g = self.geo(r.place, conf);
                g.precision = GeoPrecision::District;
                g
            };
            let end = m.toks.1;
            // X's Name district
            if matches!(s(end + 1), "'" | "’") && s(end + 2) == "s" && cap(end + 3) {
                let mut k = end + 3;
                while cap(k + 1) && k < end + 6 {
                    k += 1;
                }
                if self.lex.subplace.contains(&s(k + 1).to_lowercase()) {
                    let span = Span::new(toks[end + 3].span.start, toks[k].span.end);
                    out.push((span, None, parent(r.confidence * 0.9), EntityKind::Loc));
                    continue;
                }
            }
            // the Name district of X / in X
            let start = m.toks.0;
            if start >= 3
                && matches!(s(start - 1), "of" | "in")
                && self.lex.subplace.contains(&s(start - 2).to_lowercase())
                && cap(start - 3)
            {
                let mut k = start - 3;
                while k > 0 && cap(k - 1) && k + 6 > start && !toks[k].sentence_start {
                    k -= 1;
                }
                let span = Span::new(toks[k].span.start, toks[start - 3].span.end);
                if !self.lex.function.contains(&span.of(text).to_lowercase()) {
                    out.push((span, None, parent(r.confidence * 0.9), EntityKind::Loc));
                }
                continue;
            }
            // X International Airport
            let mut k = end + 1;
            let mut facility_end = None;
            while k < end + 4 && cap(k) && toks[k].space_before {
                if self.lex.facility.contains(&s(k).to_lowercase()) && s(k).to_lowercase() != "international" {
                    facility_end = Some(k);
                    break;
                }
                k += 1;
            }
            if let Some(fe) = facility_end {
                let span = Span::new(m.span.start, toks[fe].span.end);
                out.push((span, None, parent(r.confidence * 0.9), EntityKind::Fac));
            }
        }
        out.retain(|(span, ..)| !doc.is_removed(*span));
        out
    }
}

impl Gazetteer {
    /// Names the gazetteer lacks but the text marks as places ("the village of Mainok",
    /// "the Abu Chir district", "near Batrah", "in Darfur"), resolved to their nearest named
    /// parent: a place named right after them ("Mardes in Hama province"), else the closest
    /// place in the sentence, else the dateline's place, else the country most of the
    /// document's places are in. The precision says how far that parent is from a point:
    /// `district` under a town, `region` under a region, `country` under a country.
    fn unknown_places(
        &self,
        doc: &Document,
        toks: &[Tok],
        found: &[(Span, Option<usize>, Geo, EntityKind)],
    ) -> Vec<(Span, Option<usize>, Geo, EntityKind)> {
        let text = &doc.text;
        let lex = &self.lex;
        let s = |i: usize| toks.get(i).map_or("", |t| t.span.of(text));
        let lower = |i: usize| s(i).to_lowercase();
        let cap = |i: usize| {
            toks.get(i).is_some_and(|t| {
                t.word && s(i).chars().next().is_some_and(char::is_uppercase) && !doc.is_removed(t.span)
            })
        };
        let taken = |span: Span| found.iter().any(|f| f.0.overlaps(span));
        let person_or_org = |span: Span| {
            doc.entities.iter().any(|e| {
                matches!(e.kind, EntityKind::Person | EntityKind::Org | EntityKind::Norp)
                    && e.mentions.iter().any(|m| m.overlaps(span))
            })
        };
        let places: Vec<&(Span, Option<usize>, Geo, EntityKind)> = found
            .iter()
            .filter(|f| f.3 != EntityKind::Norp && f.2.precision != GeoPrecision::Region || f.2.admin1.is_some())
            .collect();
        let dateline = doc.dateline.as_ref().and_then(|d| d.place_span).and_then(|d| places.iter().find(|f| f.0.overlaps(d)));
        let mut country_counts: HashMap<&str, usize> = HashMap::new();
        for f in &places {
            if let Some(c) = f.2.country.as_deref() {
                *country_counts.entry(c).or_default() += 1;
            }
        }
        // Demonyms say which country a sentence is about ("the Syrian army entered the
        // village of X"): the last resort for a parent.
        for f in found.iter().filter(|f| f.3 == EntityKind::Norp) {
            if let Some(c) = f.2.country.as_deref() {
                *country_counts.entry(c).or_default() += 1;
            }
        }
        // The countries in play, most named first (ties by code, so the order is deterministic).
        let mut ranked: Vec<(&str, usize)> = country_counts.iter().map(|(c, n)| (*c, *n)).collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let focus_country = ranked
            .first()
            .filter(|(cc, n)| *n >= 2 || ranked.len() == 1 && cc.len() == 2)
            .and_then(|(cc, _)| self.country_place(cc))
            .map(|id| self.geo(id, 0.5));

        // A dateline abroad ("MOSCOW — … in eastern Ghouta") is where the story was filed, not
        // where the places it names are: it parents them only in the story's own country.
        let (dateline_parent, abroad_dateline) =
            match dateline.filter(|d| focus_country.as_ref().is_none_or(|f| f.country == d.2.country)) {
                Some(d) => (Some(d.2.clone()), None),
                None => (None, dateline.map(|d| d.0)),
            };

        // All-capitals text: every word is "capitalised"; a name the gazetteer lacks is a run of
        // words no English list knows ("IN ADDITION", "IN OTHER WORDS" name no place).
        let caps = crate::recognise::is_all_caps_text(text);
        let mut out = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            if caps && toks[i].word && lex.is_word(&lower(i)) {
                i += 1;
                continue;
            }
            if !cap(i) || toks[i].sentence_start && !(i >= 2 && lower(i - 1) == "of") {
                i += 1;
                continue;
            }
            // The capitalised run: words, connectors and hyphens ("Dahiyat Al-Assad").
            let mut end = i;
            while end + 1 < toks.len() && end < i + 6 {
                let n = end + 1;
                let ns = s(n);
                if toks[n].newline_before {
                    break;
                }
                // "SAN MIGUEL DE MERCEDES": a connector before an unknown word continues the name.
                let connector = crate::recognise::NAME_CONNECTORS.contains(&lower(n).as_str())
                    && toks.get(n + 1).is_some_and(|t| t.word && !lex.is_word(&lower(n + 1)));
                if caps && toks[n].word && lex.is_word(&lower(n)) && !connector {
                    // A landmark or street word ends the name and belongs to it.
                    if lex.landmark.contains(&lower(n)) || lex.street.contains(&lower(n)) {
                        end = n;
                    }
                    break;
                }
                let joined = cap(n) && !toks[n].space_before && matches!(s(end), "-" | "'" | "’");
                if cap(n) && toks[n].space_before
                    || matches!(ns, "-" | "'" | "’") && !toks[n].space_before && cap(n + 1)
                    || joined
                {
                    end = n;
                } else {
                    break;
                }
            }
            let span = Span::new(toks[i].span.start, toks[end].span.end);
            let words: Vec<String> = (i..=end).filter(|&k| toks[k].word).map(lower).collect();
            let next = lower(end + 1);
            let before1 = if i >= 1 { lower(i - 1) } else { String::new() };
            let before2 = if i >= 2 { lower(i - 2) } else { String::new() };
            let before3 = if i >= 3 { lower(i - 3) } else { String::new() };
            let of_cue = before1 == "of"
                && (lex.subplace.contains(&before2)
                    || lex.admin.contains(&before2)
                    || matches!(before2.as_str(), "town" | "city" | "villages" | "towns" | "outskirts" | "suburbs"));
            let the_of_cue = before1 == "of" && before2 == "the" && lex.subplace.contains(&before3);
            let suffix_cue = lex.subplace.contains(&next) || (lex.admin.contains(&next) && next != "state");
            let prep_cue =
                matches!(before1.as_str(), "near" | "in" | "outside" | "at" | "of" | "entered" | "stormed" | "into");
            let known_word = |w: &String| {
                lex.calendar.contains(w)
                    || lex.function.contains(w)
                    || lex.title.contains(w)
                    || lex.orghead.contains(w)
                    || lex.notplace.contains(w)
            };
            // "al-Shaab Stadium", "Manger Square", "Thardeh Mountains": a named landmark.
            let landmark = words.len() >= 2
                && words
                    .last()
                    .is_some_and(|w| lex.landmark.contains(w) || lex.street.contains(w) || lex.feature.contains(w))
                && !lex.landmark.contains(&words[0]);
            let implausible = words[..words.len() - usize::from(landmark)].iter().any(known_word)
                || words.len() == 1 && lex.common.contains(&words[0])
                || taken(span)
                || person_or_org(span)
                || lex.demonyms.contains_key(&fold(span.of(text)))
                || s(end + 1).starts_with('\'')
                || caps && span.len() <= 1;
            // "in X" alone is weak: "in Congress", "in Christ". Only when X ends the phrase.
            let prep_ok =
                prep_cue && !cap(end + 1) && matches!(before1.as_str(), "near" | "outside" | "entered" | "stormed")
                    || prep_cue
                        && before1 == "in"
                        && (matches!(s(end + 1), "," | "." | ";") || next == "on" || next == "and")
                        && words.len() <= 3;
            // The entity tagger's own place name ("Al-Qarassi", "Tal Areen"): a place the
            // gazetteer lacks.
            let tagged_place = || {
                doc
                .entities
                .iter()
                .any(|e| matches!(e.kind, EntityKind::Gpe | EntityKind::Loc | EntityKind::Fac) && e.mentions.contains(&span))
                // A lone unknown word the tagger calls a place is often a surname: it needs a
                // place preposition before it.
                && (words.len() >= 2 || lex.locative.contains(&before1) || matches!(before1.as_str(), "of" | "from" | "to"))
                // All-capitals text: the tagger's types are guesses ("THE BLOOD OF IGNACIO
                // ELLACURIA"); only a place preposition vouches.
                && (!caps || matches!(before1.as_str(), "in" | "near" | "at" | "outside" | "inside"))
            };
            // "in eastern Ghouta", "across Northern Bahr" : a compass adjective before a name
            // marks a region of a place — lowercase on its own, capitalised (the name's own
            // first word) after a place preposition.
            const COMPASS: [&str; 8] = [
                "northern",
                "southern",
                "eastern",
                "western",
                "northeastern",
                "northwestern",
                "southeastern",
                "southwestern",
            ];
            let compass_cue = !caps
                && (i >= 1 && COMPASS.contains(&before1.as_str()) && s(i - 1).starts_with(char::is_lowercase)
                    || words.len() >= 2
                        && COMPASS.contains(&words[0].as_str())
                        && matches!(
                            before1.as_str(),
                            "in" | "near" | "outside" | "into" | "across" | "throughout" | "entered" | "stormed"
                        ));
            if implausible
                || !(of_cue || the_of_cue || suffix_cue || prep_ok || landmark || compass_cue || tagged_place())
            {
                i = end + 1;
                continue;
            }
            // "Logar province", "the province of Paktiya": a region the gazetteer spells another way
            // ("Lowgar", "Paktia"), found by its skeleton among the regions of the countries in play.
            let region_cue = lex.admin.contains(&next) || before1 == "of" && lex.admin.contains(&before2);
            if region_cue {
                let found_region = ranked.iter().find_map(|(cc, _)| {
                    let cc: [u8; 2] = cc.as_bytes().try_into().ok()?;
                    self.region_variants.find(cc, span.of(text))
                });
                if let Some(place) = found_region {
                    out.push((span, None, self.geo(place, 0.7), EntityKind::Gpe));
                    i = end + 1;
                    continue;
                }
            }
            // Parent: a place named just after ("X in Y", "X, Y", "X of Y"), else the nearest in
            // the sentence, else the dateline's, else the document's country.
            let sentence = sentence_bounds(doc, toks, i);
            // ("al-Tanf area controlled by the US in southern Syria": the US is no container.)
            let contains_cue = |between: &str| {
                let between = between.to_lowercase();
                let mut words: Vec<&str> = between.split_whitespace().collect();
                while words.last().is_some_and(|w| *w == "the" || lex.direction.contains(*w)) {
                    words.pop();
                }
                between.trim_end().ends_with(',')
                    || words.last().is_some_and(|w| matches!(*w, "in" | "of" | "near" | "outside" | "at"))
            };
            let after = places
                .iter()
                .filter(|f| {
                    f.0.start >= span.end
                        && f.0.start <= span.end + 40
                        && f.0.end <= sentence.end
                        && contains_cue(&text[span.end..f.0.start])
                })
                .min_by_key(|f| f.0.start);
            let nearest = places.iter().filter(|f| sentence.contains(f.0) && abroad_dateline != Some(f.0)).min_by_key(|f| {
                if f.0.start >= span.end {
                    f.0.start - span.end
                } else {
                    span.start.saturating_sub(f.0.end)
                }
            });
            let parent =
                after.or(nearest).map(|f| f.2.clone()).or_else(|| dateline_parent.clone()).or_else(|| focus_country.clone());
            if let Some(mut geo) = parent {
                geo.precision = match geo.precision {
                    GeoPrecision::Point | GeoPrecision::District | GeoPrecision::City => GeoPrecision::District,
                    other => other,
                };
                geo.confidence *= 0.5;
                out.push((span, None, geo, EntityKind::Loc));
            }
            i = end + 1;
        }
        out
    }
}

/// The sentence around token `i` (the text stage's, else punctuation-bounded).
fn sentence_bounds(doc: &Document, toks: &[Tok], i: usize) -> Span {
    let at = toks[i].span.start;
    if let Some(k) = doc.sentence_at(at) {
        return doc.sentences[k];
    }
    let start = toks[..=i].iter().rev().find(|t| t.sentence_start).map_or(0, |t| t.span.start);
    let end = toks[i..].iter().skip(1).find(|t| t.sentence_start).map_or(doc.text.len(), |t| t.span.start);
    Span::new(start, end)
}

/// Writes the resolved toponyms into `doc.places`, linking each to its entity (an existing
/// one from the entity tagger, or a new one per resolved place).
fn write_places(doc: &mut Document, found: Vec<(Span, Option<usize>, Geo, EntityKind)>) {
    let mut next_id = doc
        .entities
        .iter()
        .filter_map(|e| e.id.strip_prefix('E').and_then(|n| n.parse::<usize>().ok()))
        .max()
        .unwrap_or(0)
        + 1;
    let mut created: HashMap<(String, Option<u64>, String, EntityKind), usize> = HashMap::new();
    for (span, entity, geo, kind) in found {
        let existing = entity
            .filter(|&e| {
                let ent = &doc.entities[e];
                matches!(ent.kind, EntityKind::Gpe | EntityKind::Loc | EntityKind::Fac | EntityKind::Norp)
                    && ent.mentions.iter().any(|m| m.overlaps(span))
            })
            .or_else(|| {
                doc.entities.iter().position(|e| {
                    matches!(e.kind, EntityKind::Gpe | EntityKind::Loc | EntityKind::Fac | EntityKind::Norp)
                        && e.mentions.contains(&span)
                })
            });
        // "U.S." in "U.S. State Department": a place inside a name the tagger gave another kind
        // is a toponym, not an entity of its own.
        let inside_name = existing.is_none()
            && doc.entities.iter().any(|e| {
                matches!(e.kind, EntityKind::Person | EntityKind::Org)
                    && e.mentions.iter().any(|m| m.overlaps(span) && *m != span)
            });
        if inside_name {
            doc.places.push(Place { span, entity: None, geo: Some(geo) });
            continue;
        }
        let e = if let Some(e) = existing {
            e
        } else {
            let surface = span.of(&doc.text).to_owned();
            let canonical = if kind == EntityKind::Gpe { geo.name.clone() } else { surface };
            let key = (canonical.clone(), geo.geonames_id, geo.name.clone(), kind);
            if let Some(&e) = created.get(&key) {
                doc.entities[e].mentions.push(span);
                doc.entities[e].mentions.sort();
                e
            } else {
                doc.entities.push(Entity {
                    id: format!("E{next_id}"),
                    kind,
                    canonical,
                    mentions: vec![span],
                    title: None,
                    actor_id: None,
                    geo: None,
                });
                next_id += 1;
                created.insert(key, doc.entities.len() - 1);
                doc.entities.len() - 1
            }
        };
        if doc.entities[e].geo.is_none() {
            doc.entities[e].geo = Some(geo.clone());
        }
        doc.places.push(Place { span, entity: Some(doc.entities[e].id.clone()), geo: Some(geo) });
    }
}
