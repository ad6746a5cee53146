//! Event locations: the place an event's own clause ties it to.

use std::collections::HashSet;

use sitrep_core::{Document, EntityKind, GeoPrecision, Location, Place, Span};

use crate::lexicon::owner_words;

/// Words before a place name that tie it to what happened ("killed in X", "fighting near X").
/// ("from" and "to" are left out: "tunneled in from X", "marched to X" name an origin or a goal,
/// not where the event happened; "on" ties only a town or smaller: see `best_in`.)
const TIES: [&str; 20] = [
    "in",
    "near",
    "at",
    "outside",
    "inside",
    "of",
    "around",
    "across",
    "into",
    "throughout",
    "over",
    "entered",
    "enter",
    "entering",
    "enters",
    "stormed",
    "through",
    "along",
    "within",
    "onto",
];
/// Reporting verbs: a place before one of these, ahead of the trigger, frames the report.
const REPORTING: [&str; 6] = [" said ", " says ", " told ", " reported ", " announced ", " claimed "];
/// Words between a preposition and the place that do not break the tie.
const QUALIFIERS: [&str; 31] = [
    "the",
    "a",
    "an",
    "his",
    "her",
    "their",
    "its",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
    "northeastern",
    "northwestern",
    "southeastern",
    "southwestern",
    "restive",
    "neighbouring",
    "neighboring",
    "nearby",
    "downtown",
    "capital",
    "provincial",
    "city",
    "town",
    "village",
    "port",
    "border",
    "besieged",
    "strategic",
    "key",
];
/// Words before a place that put the event beside it rather than in it ("near X",
/// "5 miles northwest of X"): the location is the place, at `district` precision.
const NEAR: [&str; 12] = [
    "near",
    "outside",
    "outskirts",
    "north",
    "south",
    "east",
    "west",
    "northwest",
    "northeast",
    "southwest",
    "southeast",
    "nearby",
];

/// Sets `location` on every event of `doc` that has none, from `doc.places`: the place in the
/// event's own clause nearest its trigger (preferring one introduced by "in/near/at"), else a
/// place elsewhere in its evidence, else the dateline's place. Demonyms ("Syrian troops") are
/// never a location. Needs no gazetteer: run it after the events stage.
pub fn locate_events(doc: &mut Document) {
    if !doc.is_codable() {
        return;
    }
    let places: Vec<&Place> = doc
        .places
        .iter()
        .filter(|p| p.geo.is_some() && !doc.is_removed(p.span))
        .filter(|p| p.entity.as_deref().and_then(|id| doc.entity(id)).is_none_or(|e| e.kind != EntityKind::Norp))
        // "the Islamic State of Iraq and Al-Sham launched…": a place inside an organisation's or
        // a person's name says nothing about where the event was.
        .filter(|p| {
            p.entity.is_some()
                || !doc.entities.iter().any(|e| {
                    matches!(e.kind, EntityKind::Org | EntityKind::Person)
                        && e.mentions.iter().any(|m| m.contains(p.span) && *m != p.span)
                })
        })
        .collect();
    let dateline_place = doc
        .dateline
        .as_ref()
        .and_then(|d| d.place_span)
        .and_then(|ds| places.iter().find(|p| p.span.overlaps(ds)).copied());
    let mut locations = Vec::with_capacity(doc.events.len());
    let mut story_place: Option<(&Place, usize)> = None;
    // Places coordinated with the event's own ("in Idlib and Hama provinces"): one more event
    // each, as ACLED codes one event per place.
    let mut more_places: Vec<Vec<Location>> = Vec::with_capacity(doc.events.len());
    for ev in &doc.events {
        more_places.push(Vec::new());
        if ev.location.is_some() {
            locations.push(None);
            continue;
        }
        let anchor = ev.trigger.or_else(|| ev.evidence.first().copied());
        let sentence = anchor.and_then(|a| {
            ev.evidence
                .iter()
                .copied()
                .find(|e| e.contains(a))
                .or_else(|| doc.sentence_at(a.start).map(|i| doc.sentences[i]))
        });
        let mut chosen = None;
        if let (Some(anchor), Some(sentence)) = (anchor, sentence) {
            let clause = clause_around(&doc.text, sentence, anchor);
            chosen = best_in(doc, &places, clause, anchor).or_else(|| best_in(doc, &places, sentence, anchor));
            if let Some(first) = chosen {
                let chain = coordinated(doc, &places, first, sentence);
                if chain.len() >= 2 {
                    chosen = Some(chain[0]);
                    if let Some(extra) = more_places.last_mut() {
                        extra.extend(chain[1..].iter().map(|p| to_location(doc, p)));
                    }
                }
            }
        }
        if chosen.is_none() {
            chosen = ev.evidence.iter().find_map(|&e| best_in(doc, &places, e, anchor.unwrap_or(e)));
        }
        if chosen.is_none() {
            chosen = sentence.and_then(|s| place_of_context(doc, &places, s));
        }
        // The story goes on where its last placed event was ("…in Logar province. Later the force
        // found a cache."): a release filed from the capital names the capital in its dateline,
        // not where the operation it reports took place.
        let here = sentence.and_then(|s| doc.sentence_at(s.start));
        if chosen.is_none() {
            chosen = story_place
                .filter(|(_, at)| here.is_some_and(|h| h >= *at && h - at <= STORY_SENTENCES))
                .map(|(p, _)| p);
        } else if let (Some(p), Some(h)) = (chosen, here) {
            story_place = Some((p, h));
        }
        let chosen = chosen.or(dateline_place);
        locations.push(chosen.map(|p| to_location(doc, p)));
    }
    for (ev, loc) in doc.events.iter_mut().zip(locations) {
        if loc.is_some() {
            ev.location = loc;
        }
    }
    split_by_place(doc, more_places);
}

/// Adds, right after each event, a copy of it at each further place coordinated with its own.
/// A copy keeps the trigger, evidence, actors and type, and gets the next free `V<n>` id (the
/// events stage numbers `V1…Vn`; the copies go on from there, so ids stay unique). A toll
/// the text gives for the whole sentence stays on the first event alone: dividing it would
/// invent a per-place figure the text does not give, and copying it would count the dead
/// twice; the copies' counts are unknown (`None`), never 0.
fn split_by_place(doc: &mut Document, more_places: Vec<Vec<Location>>) {
    if more_places.iter().all(Vec::is_empty) {
        return;
    }
    let mut next_id = doc
        .events
        .iter()
        .filter_map(|e| e.id.strip_prefix('V').and_then(|n| n.parse::<usize>().ok()))
        .max()
        .unwrap_or(0)
        + 1;
    let events = std::mem::take(&mut doc.events);
    for (ev, extra) in events.into_iter().zip(more_places) {
        let copies: Vec<_> = extra
            .into_iter()
            .map(|loc| {
                let mut copy = ev.clone();
                copy.id = format!("V{next_id}");
                next_id += 1;
                copy.location = Some(loc);
                copy.fatalities = None;
                copy.injured = None;
                copy.detained = None;
                copy
            })
            .collect();
        doc.events.push(ev);
        doc.events.extend(copies);
    }
}

/// Joins between coordinated places: "X, Y and Z", "X and Y provinces".
const COORDINATION: [&str; 3] = [",", "and", ", and"];

/// The places coordinated with `first` in `within` ("shelling in Idlib and Hama provinces",
/// "in the towns of X, Y and Z"), `first`'s chain in text order, or just `first`. A chain
/// needs an "and", places of one level (towns and regions, not countries), each a different place,
/// none the container of another ("Aleppo, Syria", "Bronx, New York" are one place), and no
/// "between X and Y" (one event on the way between them).
fn coordinated<'a>(doc: &Document, places: &[&'a Place], first: &'a Place, within: Span) -> Vec<&'a Place> {
    let text = &doc.text;
    let mut inside: Vec<&Place> = places.iter().copied().filter(|p| within.contains(p.span)).collect();
    inside.sort_by_key(|p| p.span.start);
    inside.dedup_by_key(|p| p.span);
    let Some(at) = inside.iter().position(|p| p.span == first.span) else { return vec![first] };
    let join = |a: &Place, b: &Place| -> Option<String> {
        let gap = text.get(a.span.end..b.span.start)?;
        let gap = gap.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        let gap = gap.replace(" ,", ",");
        COORDINATION.contains(&gap.as_str()).then_some(gap)
    };
    let (mut lo, mut hi) = (at, at);
    let mut joins = Vec::new();
    while lo > 0 {
        let Some(j) = join(inside[lo - 1], inside[lo]) else { break };
        joins.insert(0, j);
        lo -= 1;
    }
    while hi + 1 < inside.len() {
        let Some(j) = join(inside[hi], inside[hi + 1]) else { break };
        joins.push(j);
        hi += 1;
    }
    let chain = &inside[lo..=hi];
    let level = |p: &Place| p.geo.as_ref().map(|g| g.precision);
    let ends_with_and = joins.last().is_some_and(|j| j.ends_with("and"));
    // "between X and Y", "the border area of X and Y": one event on the way or line between.
    let mut from = within.start.max(chain[0].span.start.saturating_sub(30));
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let lead_in = text[from..chain[0].span.start].to_lowercase();
    let between = lead_in.contains("between") || lead_in.contains("border");
    // Writers list towns and provinces alike ("in Kunduz, Baghlan and Takhar"): a town and a
    // region are one level here unless one holds the other; a country is not.
    // Countries are left whole: "wars in Afghanistan and Iraq", "across Syria and Iraq" sum up
    // campaigns more often than they report one event in each.
    let same_level = !chain.iter().any(|p| matches!(level(p), Some(GeoPrecision::Country)))
        && (chain.iter().all(|p| level(p) == level(chain[0]))
            || chain.iter().all(|p| matches!(level(p), Some(GeoPrecision::City | GeoPrecision::Region))));
    let distinct = chain.iter().enumerate().all(|(k, p)| {
        chain[..k].iter().all(|q| {
            let (a, b) = (p.geo.as_ref(), q.geo.as_ref());
            a.zip(b).is_none_or(|(a, b)| a.geonames_id != b.geonames_id || a.name != b.name)
                && !contains(q, p)
                && !contains(p, q)
        })
    });
    // "North and South Kivu": an elided compass word is half of a name, not a place.
    let elided = chain.iter().any(|p| {
        matches!(
            p.span.of(text).to_lowercase().as_str(),
            "north" | "south" | "east" | "west" | "northern" | "southern" | "eastern" | "western" | "upper" | "lower"
        )
    });
    if chain.len() < 2 || !ends_with_and || between || !same_level || !distinct || elided {
        return vec![first];
    }
    chain.to_vec()
}

/// Whether `outer` is a region or country holding `inner` ("Bronx, New York").
fn contains(outer: &Place, inner: &Place) -> bool {
    let (Some(o), Some(i)) = (outer.geo.as_ref(), inner.geo.as_ref()) else { return false };
    match o.precision {
        GeoPrecision::Country => i.precision != GeoPrecision::Country && i.country == o.country,
        GeoPrecision::Region => {
            i.country == o.country
                && i.admin1.as_deref() == Some(o.name.as_str())
                && !(i.precision == o.precision && i.name == o.name)
        }
        _ => false,
    }
}

/// How many sentences after an event placed by its own words an unplaced event is still taken to
/// be in the same place, before the dateline's.
const STORY_SENTENCES: usize = 4;

/// How many sentences back, within the event's paragraph, a place still sets the scene
/// ("In Nahr-e Saraj district, Helmand province, a patrol … . Two suspected insurgents were
/// detained."): the paragraph's place beats the dateline, which names where the report was filed.
const CONTEXT_SENTENCES: usize = 3;

/// The place tied to the nearest of the few sentences before `sentence` in its paragraph.
fn place_of_context<'a>(doc: &Document, places: &[&'a Place], sentence: Span) -> Option<&'a Place> {
    let index = doc.sentence_at(sentence.start)?;
    let paragraph = doc.paragraphs.iter().find(|p| p.contains(sentence))?;
    doc.sentences[index.saturating_sub(CONTEXT_SENTENCES)..index]
        .iter()
        .rev()
        .filter(|s| paragraph.contains(**s) && !doc.is_removed(**s))
        .find_map(|&s| best_in(doc, places, s, Span::new(s.end, s.end)))
}

/// The clause of `sentence` holding `anchor`: bounded by semicolons, dashes and the
/// reporting frame ("..., officials said").
fn clause_around(text: &str, sentence: Span, anchor: Span) -> Span {
    let s = sentence.of(text);
    let rel = anchor.start.saturating_sub(sentence.start);
    // " -- " and " – " set off an aside as the em dash does: "in Bajaur -- another of
    // Pakistan's seven tribal districts".
    let is_break = |i: usize, c: char| {
        c == ';'
            || c == '—'
            || (c == '–' && s[..i].ends_with(' '))
            || (c == '-' && s[i + 1..].starts_with('-') && s[..i].ends_with(' '))
            || (c == ',' && s[i + 1..].trim_start().starts_with("while "))
    };
    let start = s
        .char_indices()
        .filter(|&(i, c)| i < rel && is_break(i, c))
        .collect::<Vec<_>>()
        .into_iter()
        .map(|(i, c)| i + c.len_utf8())
        .next_back()
        .unwrap_or(0);
    let end = s.char_indices().find(|&(i, c)| i >= rel && is_break(i, c)).map_or(s.len(), |(i, _)| i);
    Span::new(sentence.start + start, sentence.start + end.max(start))
}

/// The place inside `within` most tied to `anchor`: nearest, with a strong preference for one
/// introduced by a locative word, and for the more specific of two places named together
/// ("Alexandria, Louisiana", "Baghdad's neighborhood of Karrada", "Kinsibba in Jabal al-Akrad").
fn best_in<'a>(doc: &Document, places: &[&'a Place], within: Span, anchor: Span) -> Option<&'a Place> {
    let text = &doc.text;
    let inside: Vec<&Place> = places
        .iter()
        .copied()
        .filter(|p| within.contains(p.span))
        // "the U.S.-led war", "Syria-linked clashes": a compound adjective, not a place of the event.
        .filter(|p| !compound_adjective(text, p.span))
        // "…marched through Salonika, where … in France": a relative clause about something else.
        .filter(|p| relative_clause(text, within, p.span).is_none_or(|clause| clause.contains(anchor)))
        .collect();
    let scored: Vec<(&Place, f64)> = inside
        .iter()
        .copied()
        .filter(|p| {
            // A district subplace wins over its own parent named with it ("Aleppo's Salaheddine
            // district", "Pul-e Alam district"), tied or not; beyond a comma only when tied
            // (`situates`): "in southern Aleppo, seizing the Ramouseh district" is in Aleppo.
            !inside.iter().any(|q| {
                q.span != p.span
                    && is_subplace(q)
                    && same_geo(p, q)
                    && (q.span.end.abs_diff(p.span.start) < 20 || p.span.end.abs_diff(q.span.start) < 20)
                    && !between(text, p.span, q.span).contains(',')
            })
        })
        .filter_map(|p| {
            // Only a place the clause ties to the event by a preposition counts: "U.S. soldiers
            // shot…" or "Yemen's Ansar al-Sharia claimed…" name no place of the event.
            // The reporting frame ("Officials in Damascus said forces shelled…") is no place
            // of the event.
            if p.span.end <= anchor.start && REPORTING.iter().any(|w| text[p.span.end..anchor.start].contains(w)) {
                return None;
            }
            let before = last_word_before(text, p.span.start, within.start);
            // The trigger's own object: "shelled Aleppo's Salaheddine district", "stormed X".
            let object = p.span.start >= anchor.end && p.span.start - anchor.end <= 30 && {
                let gap = &text[anchor.end..p.span.start];
                gap.split_whitespace().count() <= 3
                    && !gap.contains([',', ';', '.'])
                    && gap.split_whitespace().all(|w| {
                        let w = w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
                        w.is_empty()
                            || w.chars().next().is_some_and(char::is_uppercase)
                            || QUALIFIERS.contains(&w.as_str())
                            || TIES.contains(&w.as_str())
                            || w == "s"
                            || w.ends_with("'s")
                            || text[p.span.start..].is_empty()
                    })
            };
            // "Yemen's Ansar al-Sharia": a possessor of a name is no place of the event; of a
            // common noun it is ("of Chechnya's towns", "patrolling Bishkek's streets").
            let after = text[p.span.end..].strip_prefix("'s").or_else(|| text[p.span.end..].strip_prefix("’s"));
            let possessive_head =
                after.is_some_and(|rest| rest.trim_start().chars().next().is_none_or(|c| !c.is_lowercase()));
            // "an assault on Souran", "patrolling on Jolo" happened there; "the war on Iraq",
            // "pressure on South Korea", "action on Africa" name a country or region as a
            // target or topic.
            let on_town = before == "on"
                && p.geo.as_ref().is_some_and(|g| {
                    matches!(g.precision, GeoPrecision::Point | GeoPrecision::District | GeoPrecision::City)
                });
            // The word before the preposition: "far" of "not far from", "support" of "in support of".
            let word_before_tie = || {
                let head = words_of(text.get(within.start.min(p.span.start)..p.span.start).unwrap_or(""));
                (head.len() >= 2).then(|| head[head.len() - 2].clone())
            };
            // "not far from Grozny", "two miles away from X".
            let far_from = before == "from" && word_before_tie().is_some_and(|w| matches!(w.as_str(), "far" | "away"));
            let lexicon = LocateWords::get();
            // "police patrolled central Tokyo", "rebels captured the capital, Brazzaville": the
            // verb's object is where it happened, whichever event reads the sentence.
            // "captured Savoy nobles", "hit a U.S. plane": a place before a noun only modifies it
            // ("patrolled New Delhi on Wednesday", "captured Ambon city" are the place itself).
            let modifies_noun = text[p.span.end..within.end.max(p.span.end)].strip_prefix(' ').is_some_and(|rest| {
                let next: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
                next.starts_with(char::is_lowercase)
                    && !FOLLOWERS.contains(&next.as_str())
                    && !lexicon.kind.contains(&next)
                    && !lexicon.site.contains(&next)
            });
            let verb_object = lexicon.verb.contains(&before) && (!modifies_noun || is_subplace(p));
            // "According to a military source in Aleppo, troops …": the report's frame is the
            // event's place only when its own clause names none.
            let frame = according_to(text, within, p.span).is_some_and(|frame| !frame.contains(anchor));
            // "in support of Kyungu", "in solidarity with X": a topic, not a place of the event.
            if (before == "of" || before == "with") && word_before_tie().is_some_and(|w| lexicon.topic.contains(&w)) {
                return None;
            }
            let tied = object
                || verb_object
                || on_town
                || far_from
                || TIES.contains(&before.as_str())
                || NEAR.contains(&before.as_str())
                || modifies_site(text, p, within, &inside);
            // "in Abuja's International Conference Centre": a possessor a locative preposition
            // ties is where the named site is.
            let possessive_head =
                possessive_head && !matches!(before.as_str(), "in" | "at" | "near" | "outside" | "inside");
            // "near the U.S. embassy", "the embassies of the PRC", "the Communist Party of
            // Chile": a country that owns the thing named is not where the event was.
            if p.geo.as_ref().is_some_and(|g| g.precision == GeoPrecision::Country) && owned(text, p, within) {
                return None;
            }
            if !tied || possessive_head && !is_subplace(p) {
                return None;
            }
            #[allow(clippy::cast_precision_loss)] // sentence lengths
            let distance = if p.span.start >= anchor.end {
                (p.span.start - anchor.end) as f64
            } else {
                (anchor.start.saturating_sub(p.span.end)) as f64 * 1.5
            };
            // The most specific place named wins over its containers.
            let specific = match p.geo.as_ref().map(|g| g.precision) {
                Some(GeoPrecision::Point | GeoPrecision::District | GeoPrecision::City) => 40.0,
                Some(GeoPrecision::Region) => 20.0,
                _ => 0.0,
            };
            // "in Lurgan, 20 miles (30 km) southwest of Belfast": a place the distance is
            // measured from only says where the place named before it is; it is the event's
            // place only when that one cannot be (a facility or village the clause does not tie).
            let reference = distance_phrase_start(text, p.span.start, within.start)
                .is_some_and(|phrase| inside.iter().any(|q| q.span.end <= phrase && q.span.end + 20 >= phrase));
            Some((p, specific - distance - if reference || frame { 1_000.0 } else { 0.0 }))
        })
        .collect();
    // Of two tied places named together, the one that only says where the other is gives way.
    scored
        .iter()
        .filter(|(p, _)| !scored.iter().any(|(q, _)| q.span != p.span && situates(text, p, q)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(p, _)| *p)
}

/// Whether `outer`, named beside `inner`, only says where `inner` is: "Alexandria, Louisiana",
/// "Tripoli, northern Lebanon", "Kinsibba in Jabal al-Akrad", "the Mayo district of Pattani
/// province", "Baghdad's northern neighborhood of Hurriyah", "the Los Angeles suburb of
/// Rosemead", "Pakistan's largest city, Karachi", "Abu Ghraib, on the western edge of Baghdad";
/// or a district the gazetteer lacks resolved to `outer` beside it ("Aleppo's Salaheddine
/// district").
fn situates(text: &str, outer: &Place, inner: &Place) -> bool {
    if outer.span.overlaps(inner.span) {
        return false;
    }
    // Both are tied to the event here, so a district resolved to `outer` beside it ("Aleppo's
    // Salaheddine district") or a town the gazetteer puts inside it in the same phrase ("at
    // Iraq's oil terminal in the southern city of Basra") is the more specific place. (A
    // district far off is too often a name the recogniser misread as one.)
    let gap = between(text, outer.span, inner.span);
    let close = gap.len() <= 50 && !gap.contains([',', ';']);
    if is_subplace(inner) && same_geo(outer, inner) && gap.len() < 20 || close && contains(outer, inner) {
        return true;
    }
    if inner.span.start < outer.span.start {
        pair_inner(text, inner, outer) == Some(Inner::First)
    } else {
        pair_inner(text, outer, inner) == Some(Inner::Second)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Inner {
    First,
    Second,
}

/// Which of two places named one after the other (`first` before `second`) is held by the
/// other, when the words between say so.
fn pair_inner(text: &str, first: &Place, second: &Place) -> Option<Inner> {
    let words = LocateWords::get();
    let raw = between(text, first.span, second.span);
    if raw.contains([';', '.', '(', ')']) && !raw.trim_start().starts_with(',') {
        return None;
    }
    let qualifier = |w: &String| QUALIFIERS.contains(&w.as_str()) || w == "rural";
    let level = |p: &Place| {
        p.geo.as_ref().map_or(0, |g| match g.precision {
            GeoPrecision::Point | GeoPrecision::District => 1,
            GeoPrecision::City => 2,
            GeoPrecision::Region => 3,
            GeoPrecision::Country => 4,
        })
    };
    // "Outer's Inner", "Outer's northern Inner province", "Outer's northern neighborhood of
    // Inner", "Outer's largest city, Inner".
    if let Some(rest) = raw.strip_prefix("'s").or_else(|| raw.strip_prefix("’s")) {
        let gap = words_of(rest);
        if rest.contains([';', '.', '(', ')']) || gap.len() > 4 {
            return None;
        }
        if gap.iter().all(qualifier) && !rest.contains(',') {
            return Some(Inner::Second);
        }
        // "Baghdad's mainly Shiite neighborhood of Kamaliya", "Dagestan's regional capital
        // Makhachkala".
        let kind_then_of = gap
            .iter()
            .rposition(|w| w == "of")
            .is_some_and(|at| at >= 1 && words.kind.contains(&gap[at - 1]) && gap[at + 1..].iter().all(qualifier));
        let ends_with_kind = gap.last().is_some_and(|w| words.kind.contains(w))
            && rest.split_whitespace().all(|w| w.chars().next().is_some_and(char::is_lowercase) || w.ends_with(','));
        return (kind_then_of || ends_with_kind).then_some(Inner::Second);
    }
    let gap = words_of(raw);
    if gap.len() > 10 {
        return None;
    }
    let link = gap.iter().rposition(|w| w == "in" || w == "of");
    let tail_qualifies = link.is_some_and(|at| gap[at + 1..].iter().all(qualifier));
    if raw.trim_start().starts_with(',') {
        // "Tripoli, northern Lebanon", "Lashkar Gah, the capital of Helmand", "Sadr City, a
        // mainly Shiite neighborhood of Baghdad", "San Alberto, in northern Cesar", "Abu Ghraib,
        // on the western edge of Baghdad", "Jolo, 940 km (580 miles) south of Manila".
        let qualifiers = gap.iter().all(qualifier);
        let apposition = tail_qualifies
            && link.is_some_and(|at| {
                (1..=5).contains(&at)
                    && words.kind.contains(&gap[at - 1])
                    && gap[..at - 1].iter().enumerate().all(|(k, w)| k > 0 || matches!(w.as_str(), "a" | "an" | "the"))
            });
        // "East of Baquba, in Balad Ruz": a bare "in" after a comma holds the first place only
        // when the second is of a wider level.
        let wider_after_in = tail_qualifies && link == Some(0) && level(first) < level(second);
        let position = matches!(gap.last().map(String::as_str), Some("of" | "from" | "near" | "outside"))
            && gap.iter().all(|w| {
                words.position.contains(w)
                    || words.kind.contains(w)
                    || qualifier(w)
                    || w.starts_with(|c: char| c.is_ascii_digit())
            });
        return (qualifiers || apposition || wider_after_in || position).then_some(Inner::First);
    }
    if raw.contains([',', ';', '.', '(', ')']) || !tail_qualifies || gap.len() > 6 {
        return None;
    }
    let at = link?;
    // "Kinsibba in Jabal al-Akrad", "Veraval in Gujarat state"; but in "north of Baghdad in
    // Samarra" the first only says where the second is.
    if gap[at] == "in" {
        let mut from = first.span.start.saturating_sub(40);
        while !text.is_char_boundary(from) {
            from += 1;
        }
        let head = words_of(&text[from..first.span.start]);
        let near = match head.as_slice() {
            [.., w] if NEAR.contains(&w.as_str()) => true,
            [.., w, of] if of == "of" => NEAR.contains(&w.as_str()),
            _ => false,
        };
        if near {
            return (level(second) <= level(first)).then_some(Inner::Second);
        }
        return (at == 0 || gap[..at].iter().all(|w| words.kind.contains(w))).then_some(Inner::First);
    }
    // "X district of Y": the kind names the held place. A kind that names follow as a suffix
    // holds the first ("the Mayo district of Pattani province", "the Shaab neighborhood of
    // Baghdad"); another holds the second ("the West Bank city of Nablus", "the Sinai resorts
    // of Taba") unless the places' own levels say otherwise ("the Harare township of
    // Highfield" is Highfield either way; "the Kajaki town of Helmand province" is Kajaki).
    if at == 0 || !gap[..at].iter().all(|w| words.kind.contains(w)) {
        return None;
    }
    if words.suffix.contains(&gap[at - 1]) {
        return Some(Inner::First);
    }
    Some(if level(first) < level(second) { Inner::First } else { Inner::Second })
}

/// The lowercase words of `s`, punctuation dropped ("(30 km)" → "30", "km").
fn words_of(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty() && *w != "-")
        .map(str::to_lowercase)
        .collect()
}

/// The word lists of `data/locate_words.tsv`.
#[derive(Default)]
struct LocateWords {
    kind: HashSet<String>,
    suffix: HashSet<String>,
    position: HashSet<String>,
    adjective: HashSet<String>,
    site: HashSet<String>,
    determiner: HashSet<String>,
    compound: HashSet<String>,
    event: HashSet<String>,
    verb: HashSet<String>,
    topic: HashSet<String>,
}

impl LocateWords {
    /// An adjective that keeps a place's tie ("divided Mostar", "Serb-held Vogosca").
    fn is_adjective(&self, w: &str) -> bool {
        self.adjective.contains(w) || HELD.iter().any(|suffix| w.len() > suffix.len() && w.ends_with(suffix))
    }

    fn get() -> &'static Self {
        static WORDS: std::sync::OnceLock<LocateWords> = std::sync::OnceLock::new();
        WORDS.get_or_init(|| {
            let mut words = Self::default();
            for (category, word) in crate::lexicon::category_rows(include_str!("../data/locate_words.tsv")) {
                if category == "suffix" {
                    words.suffix.insert(word.to_owned());
                    words.kind.insert(word.to_owned());
                    continue;
                }
                let set = match category {
                    "kind" => &mut words.kind,
                    "position" => &mut words.position,
                    "adjective" => &mut words.adjective,
                    "site" => &mut words.site,
                    "determiner" => &mut words.determiner,
                    "compound" => &mut words.compound,
                    "event" => &mut words.event,
                    "verb" => &mut words.verb,
                    "topic" => &mut words.topic,
                    _ => continue,
                };
                set.insert(word.to_owned());
            }
            words
        })
    }
}

/// Whether the country `p` is named as the owner of a thing: the word after it ("U.S.
/// embassy") or the noun before its "of" ("embassies of the PRC") is an owner noun.
fn owned(text: &str, p: &Place, within: Span) -> bool {
    static OWNER: std::sync::OnceLock<HashSet<String>> = std::sync::OnceLock::new();
    let owner = OWNER.get_or_init(owner_words);
    // Only the word right after it, past spaces alone: "in Syria, officials said" owns nothing.
    let after = &text[p.span.end..within.end.max(p.span.end)];
    let rest = after.trim_start();
    // "Singapore's embassy", "Pakistan's parliament": the thing the country owns.
    let possessed = after.strip_prefix("'s").or_else(|| after.strip_prefix("’s")).map(str::trim_start);
    let next = if let Some(possessed) = possessed {
        possessed.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("").to_lowercase()
    } else if rest.len() < after.len() {
        rest.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("").to_lowercase()
    } else if let Some(compound) = after.strip_prefix(['-', '‐']) {
        // "the U.S.-led invasion", "Saudi-backed forces": a compound's second part.
        compound.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("").to_lowercase()
    } else {
        String::new()
    };
    if owner.contains(&next) {
        return true;
    }
    let mut before = text[within.start.min(p.span.start)..p.span.start]
        .rsplit(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase);
    let mut w = before.next().unwrap_or_default();
    if w == "the" {
        w = before.next().unwrap_or_default();
    }
    w == "of" && before.next().is_some_and(|n| owner.contains(&n))
}

/// Whether the place at `span` is the first part of a compound adjective: "the U.S.-led war",
/// "Syria-linked clashes", "U.S.-born" (not "Port-au-Prince", whose hyphen goes on into a name).
fn compound_adjective(text: &str, span: Span) -> bool {
    let Some(rest) = text[span.end..].strip_prefix(['-', '‐']) else { return false };
    let word: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
    LocateWords::get().compound.contains(&word)
}

/// The "According to …," frame that holds `span`, if any: from "according to" to the next comma.
fn according_to(text: &str, within: Span, span: Span) -> Option<Span> {
    let head = text.get(within.start..span.start)?;
    let at = head.to_lowercase().rfind("according to")?;
    let frame_start = within.start + at;
    if text.get(frame_start..span.start)?.contains([',', ';']) {
        return None;
    }
    let tail = text.get(span.end..within.end)?;
    let end = tail.find([',', ';']).map_or(within.end, |i| span.end + i);
    Some(Span::new(frame_start, end))
}

/// Words that may follow a place a verb takes as its object without making it a modifier of a
/// noun ("patrolled New Delhi on Wednesday", "captured Parwan and Kapisa").
const FOLLOWERS: [&str; 30] = [
    "on",
    "in",
    "at",
    "and",
    "or",
    "after",
    "before",
    "to",
    "from",
    "with",
    "for",
    "since",
    "as",
    "when",
    "while",
    "until",
    "during",
    "last",
    "this",
    "early",
    "late",
    "overnight",
    "earlier",
    "later",
    "but",
    "by",
    "near",
    "into",
    "of",
    "yesterday",
];

/// Relative pronouns that open a clause about the noun before the comma.
const RELATIVE: [&str; 4] = ["where", "which", "who", "whose"];

/// The relative clause inside `within` that holds `span`, if any: from ", where|which|who|whose"
/// before it to the next comma, semicolon or dash (or the end of `within`).
fn relative_clause(text: &str, within: Span, span: Span) -> Option<Span> {
    let head = text.get(within.start..span.start)?;
    let (comma, rest) = head.rmatch_indices(',').find_map(|(i, _)| {
        let rest = head[i + 1..].trim_start();
        let word = rest.split(|c: char| !c.is_alphabetic()).next()?;
        RELATIVE.contains(&word).then_some((i, rest))
    })?;
    // "the clashes, which took place in X", "the air raids, which hit X": a clause about the
    // event itself says where it was.
    let antecedent = head[..comma].rsplit(|c: char| !c.is_alphabetic()).find(|w| !w.is_empty()).unwrap_or("");
    if LocateWords::get().event.contains(&antecedent.to_lowercase()) {
        return None;
    }
    // No clause break between the pronoun and the place.
    if rest.contains([',', ';', '—', '–']) || rest.contains("--") {
        return None;
    }
    let tail = text.get(span.end..within.end)?;
    let end = tail.find([',', ';', '—', '–']).map_or(within.end, |i| span.end + i);
    Some(Span::new(within.start + comma, end))
}

/// The text between two spans, empty when they overlap.
fn between(text: &str, a: Span, b: Span) -> &str {
    let (first, second) = if a.start <= b.start { (a, b) } else { (b, a) };
    text.get(first.end..second.start).unwrap_or("")
}

/// Whether two places resolved to the same gazetteer place.
fn same_geo(a: &Place, b: &Place) -> bool {
    a.geo.as_ref().zip(b.geo.as_ref()).is_some_and(|(a, b)| a.geonames_id == b.geonames_id && a.name == b.name)
}

fn is_subplace(p: &Place) -> bool {
    p.geo.as_ref().is_some_and(|g| g.precision == GeoPrecision::District)
}

/// Where "20 miles (30 km) southwest of" (or "some 50 km south of the capital") starts when it
/// ends right before `at`: the place at `at` is then a reference point.
fn distance_phrase_start(text: &str, at: usize, floor: usize) -> Option<usize> {
    const UNITS: [&str; 7] = ["km", "kms", "kilometers", "kilometres", "miles", "mi", "meters"];
    const COMPASS: [&str; 8] = ["north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest"];
    let mut from = at.saturating_sub(70).max(floor.min(at));
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let before = &text[from..at];
    // Words with their start offsets, last first.
    let mut words: Vec<(usize, String)> = Vec::new();
    let mut start = None;
    for (i, c) in before.char_indices().chain(std::iter::once((before.len(), ' '))) {
        let part = c.is_alphanumeric()
            || c == ',' && start.is_some_and(|s: usize| before[s..i].chars().all(|d| d.is_ascii_digit()));
        match (part, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                words.push((from + s, before[s..i].to_lowercase()));
                start = None;
            }
            _ => {}
        }
    }
    words.reverse();
    let mut it = words.iter().peekable();
    // Optional "the capital" / "the city" between "of" and the place.
    while it.peek().is_some_and(|(_, w)| matches!(w.as_str(), "the" | "capital" | "city" | "town" | "provincial")) {
        it.next();
    }
    if it.next().map(|(_, w)| w.as_str()) != Some("of") {
        return None;
    }
    if !it.next().is_some_and(|(_, w)| COMPASS.contains(&w.as_str())) {
        return None;
    }
    // A unit within the next few words, after a number ("30 km", "20 miles (30 km)").
    let rest: Vec<&(usize, String)> = it.take(6).collect();
    let unit = rest.iter().position(|(_, w)| UNITS.contains(&w.as_str()))?;
    let is_number = |w: &str| w.starts_with(|c: char| c.is_ascii_digit());
    let mut number = rest[unit + 1..].iter().position(|(_, w)| is_number(w))? + unit + 1;
    // "24 kilometres (15 miles)": the phrase opens at the first measure, not the parenthesis.
    for (k, (_, w)) in rest.iter().enumerate().skip(number + 1) {
        if is_number(w) {
            number = k;
        } else if !UNITS.contains(&w.as_str()) {
            break;
        }
    }
    // The phrase opens at its number, or at "about"/"some" before it.
    let mut open = rest[number].0;
    if let Some((s, w)) = rest.get(number + 1) {
        if matches!(w.as_str(), "about" | "some" | "around" | "roughly" | "nearly" | "approximately") {
            open = *s;
        }
    }
    Some(open)
}

fn last_word_before(text: &str, at: usize, floor: usize) -> String {
    let before = &text[floor.min(at)..at];
    let before = before.trim_end().trim_end_matches(['\'', '’', '"', '“', '(']);
    // "in the northern city of X" ties through "of"; "in northern Syria", "in the south of X"
    // through the preposition before the qualifiers.
    let mut words = before.rsplit(|c: char| !c.is_alphanumeric() && c != '-').filter(|w| !w.is_empty()).peekable();
    let lexicon = LocateWords::get();
    // "in Iraq's northern Nineveh province": the possessor's preposition ties the place.
    let mut skipped_possessive = false;
    let mut skipped_kind = false;
    for _ in 0..7 {
        let Some(word) = words.next() else { return String::new() };
        let w = word.to_lowercase();
        if w == "s" && !skipped_possessive {
            // Skip the possessor itself too: one capitalised word (or a hyphenated one).
            skipped_possessive = true;
            if words.peek().is_some_and(|p| p.chars().next().is_some_and(char::is_uppercase)) {
                words.next();
            }
            continue;
        }
        // "in southern and western Baghdad", "in north and central Aceh".
        if w == "and" && words.peek().is_some_and(|p| QUALIFIERS.contains(&p.to_lowercase().as_str())) {
            continue;
        }
        // "in divided Mostar", "in Serb-held Vogosca".
        if lexicon.is_adjective(&w) {
            continue;
        }
        // "the centre of the Georgian capital Tbilisi": a people's name between the article and
        // the kind of place.
        if skipped_kind
            && word.chars().next().is_some_and(char::is_uppercase)
            && words.peek().is_some_and(|p| p.eq_ignore_ascii_case("the"))
        {
            continue;
        }
        if !QUALIFIERS.contains(&w.as_str()) {
            return w;
        }
        skipped_kind = w != "the" && lexicon.kind.contains(&w);
    }
    String::new()
}

/// Endings of compound adjectives that do not break a place's tie ("rebel-held", "Kurdish-
/// controlled").
const HELD: [&str; 8] =
    ["-held", "-controlled", "-occupied", "-dominated", "-populated", "-run", "-besieged", "-plagued"];

/// Whether `p` names where a site is, in a noun phrase opened by a determiner: "his Tokyo
/// apartment", "an upscale Baghdad restaurant", "a cramped West Bank refugee camp". A country
/// before a noun names an owner ("the U.S. base"), never this.
fn modifies_site(text: &str, p: &Place, within: Span, places: &[&Place]) -> bool {
    // A district the recogniser built from "X neighborhood" already names the site.
    if p.geo.as_ref().is_none_or(|g| g.precision == GeoPrecision::Country) || is_subplace(p) {
        return false;
    }
    let lexicon = LocateWords::get();
    let rest = text.get(p.span.end..within.end.max(p.span.end)).unwrap_or("");
    if !rest.starts_with(' ') {
        return false;
    }
    let next: Vec<&str> = rest.split_whitespace().take(3).collect();
    let clean = |w: &str| w.trim_end_matches(|c: char| !c.is_alphanumeric()).to_owned();
    let lower = |w: &str| w.chars().next().is_some_and(char::is_lowercase);
    // "the Tijuana district of La Presa" pairs two places (`pair_inner`); no site is named.
    // "the Karnak temple in Luxor", "a busy Baghdad square in the neighbourhood of X": the text
    // goes on to say where the site is (a place follows the preposition closely; "his Tehran
    // office in August" names none).
    let located_after = |k: usize| {
        next.get(k + 1).is_some_and(|after| matches!(*after, "of" | "in" | "at" | "near")) && {
            let from = p.span.end;
            let to = rest.find(next[k + 1]).map_or(from, |i| from + i);
            places.iter().any(|q| q.span.start > to && q.span.start <= to + 40 && q.span.start < within.end)
        }
    };
    let site_at = |k: usize| {
        next.get(k).is_some_and(|w| lower(w) && lexicon.site.contains(&clean(w)))
            && next.get(k + 1).is_none_or(|after| *after != "of")
            && !located_after(k)
    };
    let site = site_at(0) || next.first().is_some_and(|w| lower(w) && w.chars().all(char::is_alphabetic)) && site_at(1);
    if !site {
        return false;
    }
    let head = text.get(within.start.min(p.span.start)..p.span.start).unwrap_or("");
    let mut before = head.rsplit(char::is_whitespace).filter(|w| !w.is_empty());
    // Up to two adjectives between the determiner and the place: "a posh", "his central".
    for _ in 0..3 {
        let Some(w) = before.next() else { return false };
        let w = w.to_lowercase();
        if lexicon.determiner.contains(&w) {
            return true;
        }
        if !QUALIFIERS.contains(&w.as_str()) && !lexicon.is_adjective(&w) {
            return false;
        }
    }
    false
}

fn to_location(doc: &Document, p: &Place) -> Location {
    let geo = p.geo.clone().expect("places without geo are filtered out");
    let before = last_word_before(&doc.text, p.span.start, 0);
    let near = NEAR.contains(&before.as_str())
        || (before == "of" && {
            let head = &doc.text[..p.span.start];
            let head = head.trim_end().strip_suffix("of").unwrap_or(head).trim_end();
            let w = head.rsplit(|c: char| !c.is_alphanumeric()).next().unwrap_or("").to_lowercase();
            NEAR.contains(&w.as_str())
        });
    let precision = match geo.precision {
        GeoPrecision::City | GeoPrecision::Point if near => GeoPrecision::District,
        other => other,
    };
    Location { name: p.span.of(&doc.text).to_owned(), span: Some(p.span), geo, precision }
}
