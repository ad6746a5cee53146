//! ACLED sub-types that one fixed trigger phrase cannot reach, and the precedence rules that settle between
//! two sub-types once a sentence's event is decided.
//!
//! Two parts, both driven by data files:
//! - phrasal triggers (`data/phrases.tsv`): a head and an object a few words apart ("set up its 11th
//!   observation post", "grenades were hurled"); a match is an ordinary trigger of the event lexicon, so the
//!   blocking cues, `needs` and priorities of `decide` apply to it unchanged;
//! - `refine`: the codebook's rules between sub-types (a place taken without a fight is a non-violent transfer;
//!   a suicide bombing or an air strike is coded as such, not as the clash a casualty word suggests; an attack
//!   on a military post is a battle; a stun grenade at a protest is crowd control), with the words of
//!   `data/subtype_cues.tsv`.

use aho_corasick::AhoCorasick;
use sitrep_core::{ActorKind, EventType, Span, SubEventType};

use crate::lexicon::{bad, dfa, parse_needs, parse_priority, parse_sub, parse_verb, rows, whole_words, CueKind, Entry, LexMatch, Trigger, TriggerSub};
use crate::words::{word_at, words, Word};
use crate::{is_armed, Candidate, Error, Events, Sentence};

pub(crate) const PHRASES_TSV: &str = include_str!("../data/phrases.tsv");
pub(crate) const SUBTYPE_CUES_TSV: &str = include_str!("../data/subtype_cues.tsv");

/// One object phrase: its words, each compared case-insensitively unless written `=Exact`.
#[derive(Debug, Clone)]
struct Object {
    words: Vec<String>,
    exact: bool,
}

#[derive(Debug, Clone)]
struct Rule {
    /// The object comes before the head ("grenades were hurled").
    before: bool,
    /// With `before`: a form of "be" must stand right before the head (a passive, not a reduced relative).
    passive: bool,
    window: usize,
    objects: Vec<Object>,
    /// Index of the rule's trigger in the lexicon's trigger table.
    trigger: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SubtypeCue {
    Unopposed,
    Withdrawal,
    Aircraft,
    MilitaryTarget,
    CrowdControl,
    ChemicalAgent,
}

/// The phrasal triggers and the sub-type cues, compiled once.
pub(crate) struct Phrases {
    heads: AhoCorasick,
    /// Rules of each head pattern (one head may start several rules: "set up" a base or a brigade).
    head_rules: Vec<Vec<usize>>,
    rules: Vec<Rule>,
    cues: AhoCorasick,
    cue_kinds: Vec<SubtypeCue>,
}

impl Phrases {
    /// Parses the data files and appends one trigger per phrase rule to `triggers`.
    pub(crate) fn load(triggers: &mut Vec<Trigger>) -> Result<Self, Error> {
        Self::from_sources(PHRASES_TSV, SUBTYPE_CUES_TSV, triggers)
    }

    pub(crate) fn from_sources(phrases: &str, cues: &str, triggers: &mut Vec<Trigger>) -> Result<Self, Error> {
        let f = "phrases.tsv";
        let mut head_patterns: Vec<String> = Vec::new();
        let mut head_rules: Vec<Vec<usize>> = Vec::new();
        let mut rules = Vec::new();
        for (line, c) in rows(f, phrases, 8)? {
            let (before, passive) = match c[1] {
                "after" => (false, false),
                "before" => (true, true),
                "subject" => (true, false),
                other => return Err(bad(f, line, format!("dir must be after, before or subject, not {other:?}"))),
            };
            let window = c[2].parse().map_err(|_| bad(f, line, format!("window must be a number, not {:?}", c[2])))?;
            let objects = c[3]
                .split('|')
                .map(|o| {
                    let (exact, o) = o.strip_prefix('=').map_or((false, o), |e| (true, e));
                    Object { words: o.split_whitespace().map(str::to_owned).collect(), exact }
                })
                .collect();
            let sub = parse_sub(f, line, c[4])?;
            let verb = parse_verb(f, line, c[5])?;
            let needs = parse_needs(f, line, c[6])?;
            let priority = parse_priority(f, line, c[7])?;
            for head in c[0].split('|') {
                // The matcher reports one pattern per distinct head, so a head shared by rules is listed once.
                match head_patterns.iter().position(|h| h.eq_ignore_ascii_case(head)) {
                    Some(i) => head_rules[i].push(rules.len()),
                    None => {
                        head_patterns.push(head.to_owned());
                        head_rules.push(vec![rules.len()]);
                    }
                }
            }
            rules.push(Rule { before, passive, window, objects, trigger: triggers.len() });
            triggers.push(Trigger { sub, verb, needs, priority });
        }
        let mut cue_patterns = Vec::new();
        let mut cue_kinds = Vec::new();
        for (line, c) in rows("subtype_cues.tsv", cues, 2)? {
            let f = "subtype_cues.tsv";
            let kind = match c[1] {
                "unopposed" => SubtypeCue::Unopposed,
                "withdrawal" => SubtypeCue::Withdrawal,
                "aircraft" => SubtypeCue::Aircraft,
                "military_target" => SubtypeCue::MilitaryTarget,
                "crowd_control" => SubtypeCue::CrowdControl,
                "chemical_agent" => SubtypeCue::ChemicalAgent,
                other => return Err(bad(f, line, format!("unknown kind {other:?}"))),
            };
            cue_patterns.push(c[0].to_owned());
            cue_kinds.push(kind);
        }
        Ok(Self { heads: dfa(&head_patterns, true)?, head_rules, rules, cues: dfa(&cue_patterns, true)?, cue_kinds })
    }

    /// Adds the phrasal triggers found in `text[span]` to `out` (kept sorted as the lexicon sorts it).
    pub(crate) fn find_in(&self, text: &str, span: Span, out: &mut Vec<LexMatch>) {
        let hay = &text[span.start..span.end];
        let mut sentence_words: Option<Vec<Word>> = None;
        let mut added = false;
        for m in self.heads.find_overlapping_iter(hay) {
            if !whole_words(hay, m.start(), m.end()) {
                continue;
            }
            let ws = sentence_words.get_or_insert_with(|| words(text, span));
            let head = Span::new(m.start(), m.end()).shifted(span.start);
            // A longer lexicon trigger at the head ("opened fire", "fired on") is that act, not this phrase.
            let longer_act = out.iter().any(|l| matches!(l.entry, Entry::Trigger(_)) && l.span.start == head.start && l.span.end > head.end);
            if longer_act {
                continue;
            }
            for &r in &self.head_rules[m.pattern().as_usize()] {
                let rule = &self.rules[r];
                if let Some((found, object)) = rule.match_at(text, ws, head) {
                    // Another act named between head and object is not swallowed by the phrase.
                    let inside = out.iter().any(|l| {
                        matches!(l.entry, Entry::Trigger(_)) && found.contains(l.span) && !l.span.overlaps(head) && !l.span.overlaps(object)
                    });
                    if inside {
                        continue;
                    }
                    if !out.iter().any(|l| l.span == found && matches!(l.entry, Entry::Trigger(t) if t == rule.trigger)) {
                        out.push(LexMatch { span: found, entry: Entry::Trigger(rule.trigger) });
                        added = true;
                    }
                }
            }
        }
        if added {
            out.sort_by_key(|m| (m.span.start, std::cmp::Reverse(m.span.end)));
        }
    }

    /// The sub-type cues in `text[span]`, as (span, kind).
    fn cues_in(&self, text: &str, span: Span) -> Vec<(Span, SubtypeCue)> {
        let hay = &text[span.start..span.end];
        self.cues
            .find_overlapping_iter(hay)
            .filter(|m| whole_words(hay, m.start(), m.end()))
            .map(|m| (Span::new(m.start(), m.end()).shifted(span.start), self.cue_kinds[m.pattern().as_usize()]))
            .collect()
    }
}

const NEGATIONS: &[&str] = &["no", "not", "never", "without", "none", "nor"];

/// Punctuation that closes the clause a head and its object must share.
fn clause_mark(text: &str, w: &Word) -> bool {
    w.punct && matches!(w.span.of(text), "," | ";" | ":" | "(" | ")" | "." | "!" | "?" | "–" | "—")
}

impl Object {
    /// Whether the object's words stand at `ws[at..]`.
    fn at(&self, text: &str, ws: &[Word], at: usize) -> bool {
        at + self.words.len() <= ws.len()
            && self.words.iter().zip(&ws[at..]).all(|(o, w)| {
                let t = w.span.of(text);
                !w.punct && if self.exact { t == o } else { t.eq_ignore_ascii_case(o) }
            })
    }
}

impl Rule {
    /// The span from head to object, and the object's, when an object lies within the window on the rule's
    /// side of `head`.
    fn match_at(&self, text: &str, ws: &[Word], head: Span) -> Option<(Span, Span)> {
        let w0 = word_at(ws, head.start);
        let w1 = word_at(ws, head.end.saturating_sub(1));
        if w1 >= ws.len() {
            return None;
        }
        if self.before {
            const BE: [&str; 7] = ["was", "were", "been", "is", "are", "be", "being"];
            // "was handed over", "was recently handed over": one adverb may stand between.
            let is_be = |i: usize| BE.iter().any(|b| ws[i].span.of(text).eq_ignore_ascii_case(b));
            let adverb = |i: usize| ws[i].span.of(text).len() > 4 && ws[i].span.of(text).ends_with("ly");
            if self.passive && !(w0 > 0 && is_be(w0 - 1) || w0 > 1 && adverb(w0 - 1) && is_be(w0 - 2)) {
                return None;
            }
            // Objects ending at word e, scanning back from the head.
            let mut gap = 0;
            let mut e = w0;
            while e > 0 && gap <= self.window {
                e -= 1;
                if clause_mark(text, &ws[e]) {
                    return None;
                }
                for o in &self.objects {
                    let n = o.words.len();
                    if e + 1 >= n && o.at(text, ws, e + 1 - n) {
                        let object = Span::new(ws[e + 1 - n].span.start, ws[e].span.end);
                        return Some((Span::new(object.start, head.end), object));
                    }
                }
                gap += 1;
            }
        } else {
            // "destroyed by shrapnel from explosive devices": what follows "by" is the agent, not the object.
            if ws.get(w1 + 1).is_some_and(|w| w.span.of(text).eq_ignore_ascii_case("by")) {
                return None;
            }
            let mut k = w1 + 1;
            while k < ws.len() && k - (w1 + 1) <= self.window {
                // "found no weapons", "handed over not a single village": a negation in between.
                if clause_mark(text, &ws[k]) || NEGATIONS.iter().any(|n| ws[k].span.of(text).eq_ignore_ascii_case(n)) {
                    return None;
                }
                if let Some(o) = self.objects.iter().filter(|o| o.at(text, ws, k)).max_by_key(|o| o.words.len()) {
                    let object = Span::new(ws[k].span.start, ws[k + o.words.len() - 1].span.end);
                    return Some((Span::new(head.start, object.end), object));
                }
                k += 1;
            }
        }
        None
    }
}

/// The first of the sentence's kept triggers whose kind `want` accepts and no cue blocks.
fn unblocked(ev: &Events, triggers: &[(Span, usize)], blocked: &[bool], want: impl Fn(TriggerSub) -> bool) -> Option<Span> {
    triggers.iter().zip(blocked).find(|((_, t), b)| !**b && want(ev.lexicon.triggers[*t].sub)).map(|((s, _), _)| *s)
}

/// ACLED's rules between two sub-types, applied to the event `decide` chose for a sentence.
pub(crate) fn refine(
    ev: &Events,
    s: &Sentence,
    mut best: Candidate,
    triggers: &[(Span, usize)],
    blocked: &[bool],
    doc_country: Option<&str>,
) -> Option<Candidate> {
    let cues = ev.phrases.cues_in(s.text, s.span);
    let has = |k: SubtypeCue| cues.iter().any(|(_, c)| *c == k);
    let best_trigger = triggers.iter().find(|(sp, _)| *sp == best.trigger).map(|(_, t)| ev.lexicon.triggers[*t].sub);
    let protest_trigger = unblocked(ev, triggers, blocked, |t| t == TriggerSub::Protest);
    match best.sub {
        // "took control of the town without resistance", "seized the area following the withdrawal of the
        // army": territory that changed hands without fighting (ACLED: non-violent transfer of territory).
        SubEventType::GovernmentRegainsTerritory | SubEventType::NonStateActorOvertakesTerritory
            if has(SubtypeCue::Unopposed) || has(SubtypeCue::Withdrawal) =>
        {
            best.sub = SubEventType::NonViolentTransferOfTerritory;
        }
        // A grenade that is a crowd-control device ("police used smoke grenades to disperse crowds"): a
        // protest met by intervention when there is a protest, else no conflict event at all.
        SubEventType::Grenade if crowd_control_device(s, &cues, best.trigger) => {
            let span = protest_trigger?;
            let mut c = ev.protest(s, span, 40, doc_country, false);
            if c.sub == SubEventType::PeacefulProtest {
                c.sub = SubEventType::ProtestWithIntervention;
                c.actor2 = s.mentions.iter().find(|m| !m.speaker && is_armed(m.actor.kind)).map(|m| m.actor.clone()).or_else(|| ev.generic_actor("police", doc_country));
            }
            return Some(c);
        }
        _ => {}
    }
    if best.sub.event_type() == EventType::Battles {
        // ACLED codes a suicide bombing as such even when fighting follows it.
        if let Some(span) = unblocked(ev, triggers, blocked, |t| t == TriggerSub::Fixed(SubEventType::SuicideBomb)) {
            best.sub = SubEventType::SuicideBomb;
            best.trigger = span;
            return Some(best);
        }
        // A casualty word read as a clash ("the bombardments left scores of militants dead") when the act
        // named is an air strike: the strike. A fighting word (clashes, battle) keeps the battle, as ACLED
        // codes air support within a ground battle.
        if best_trigger == Some(TriggerSub::Kill) {
            if let Some(span) = unblocked(ev, triggers, blocked, |t| t == TriggerSub::Fixed(SubEventType::AirDroneStrike)) {
                best.sub = SubEventType::AirDroneStrike;
                best.trigger = span;
                return Some(best);
            }
        }
        // Clashes during a protest ("clashes broke out after the police attacked a peaceful protest"): a
        // violent demonstration, the crowd against the force.
        if best.sub == SubEventType::ArmedClash && protest_trigger.is_some() && !best.actor2.as_ref().is_some_and(|a| is_armed(a.kind) && a.kind != ActorKind::StateForces) {
            let force = [best.actor1.take(), best.actor2.take()].into_iter().flatten().find(|a| is_armed(a.kind));
            best.sub = SubEventType::ViolentDemonstration;
            best.actor1 = ev.generic_actor("protesters", doc_country);
            best.actor2 = force;
            best.civilian_targeting = false;
            return Some(best);
        }
    }
    // "Warplanes destroyed an arms depot", "missiles fired by Israeli jets": an aircraft that acts makes the
    // event an air strike.
    if matches!(
        best.sub,
        SubEventType::ShellingArtilleryMissileAttack
            | SubEventType::LootingPropertyDestruction
            | SubEventType::DisruptedWeaponsUse
            | SubEventType::Attack
    ) && aircraft_acted(s, &cues, best.trigger)
    {
        best.sub = SubEventType::AirDroneStrike;
        return Some(best);
    }
    // "A man was killed as villagers clashed with sticks": unarmed groups fighting each other, no armed
    // group named, is mob violence (ACLED), not an attack by an unidentified armed group.
    if matches!(best.sub, SubEventType::Attack | SubEventType::ArmedClash)
        && !s.mentions.iter().any(|m| !m.speaker && m.armed())
        && crowd_fought(s)
    {
        best.sub = SubEventType::MobViolence;
        best.actor1 = ev.generic_actor("rioters", doc_country);
        best.civilian_targeting = false;
        return Some(best);
    }
    // ACLED's excessive force is lethal force or force that seriously injures: a police "attack" on a
    // protest with no one hurt and no live fire is an intervention.
    if best.sub == SubEventType::ExcessiveForceAgainstProtesters
        && !s.has_figures
        && !s.has_cue(CueKind::ExcessiveForce)
        && !s.words.iter().any(|w| HURT_WORDS.iter().any(|h| w.span.of(s.text).eq_ignore_ascii_case(h)))
    {
        best.sub = SubEventType::ProtestWithIntervention;
        std::mem::swap(&mut best.actor1, &mut best.actor2);
        best.civilian_targeting = false;
        return Some(best);
    }
    // "A protest took place following the arrest of local leaders": the arrest is what the crowd protests,
    // not an intervention in the protest.
    if best.sub == SubEventType::ProtestWithIntervention && arrest_is_the_reason(ev, s, triggers) {
        best.sub = SubEventType::PeacefulProtest;
        best.actor2 = None;
        return Some(best);
    }
    // "Militants attacked a checkpoint": an armed group attacking a military post fights its garrison
    // (ACLED: a battle), unless only civilians are named as hurt.
    if best.sub == SubEventType::Attack
        && best_trigger == Some(TriggerSub::Kill)
        && is_attack_word(best.trigger.of(s.text))
        && best.actor1.as_ref().is_some_and(|a| is_armed(a.kind) && a.kind != ActorKind::StateForces)
        && best.actor2.as_ref().is_none_or(|a| a.kind != ActorKind::Civilians)
        && cues.iter().any(|(sp, c)| *c == SubtypeCue::MilitaryTarget && sp.start >= best.trigger.end && sp.start <= best.trigger.end + 40)
    {
        best.sub = SubEventType::ArmedClash;
        best.civilian_targeting = false;
        if !best.actor2.as_ref().is_some_and(|a| is_armed(a.kind)) {
            best.actor2 = ev.generic_actor("security forces", doc_country);
        }
    }
    Some(best)
}

/// Words that say someone was hurt or killed.
const HURT_WORDS: &[&str] = &["killed", "killing", "dead", "died", "shot", "wounded", "wounding", "injured", "injuring", "injuries", "hospitalised", "hospitalized"];

/// Words before an arrest noun that make the arrest the protest's reason ("against the arrest of").
const REASON_WORDS: &[&str] = &["following", "after", "over", "against", "protest", "protesting", "protested", "condemn", "condemning", "denounce", "denouncing", "demanding", "oppose", "opposing"];

/// Every arrest in the sentence is a noun the protest is about ("following the arrest of …"), and no other
/// intervention word stands outside those arrests.
fn arrest_is_the_reason(ev: &Events, s: &Sentence, triggers: &[(Span, usize)]) -> bool {
    let arrests: Vec<Span> = triggers
        .iter()
        .filter(|(_, t)| ev.lexicon.triggers[*t].sub == TriggerSub::Fixed(SubEventType::Arrests))
        .map(|(sp, _)| *sp)
        .collect();
    let reason = |sp: &Span| {
        let w0 = word_at(&s.words, sp.start);
        ["arrest", "arrests", "detention", "detention of", "jailing"].iter().any(|n| sp.of(s.text).eq_ignore_ascii_case(n))
            && (w0.saturating_sub(3)..w0).any(|i| s.lower_word_is(i, REASON_WORDS))
    };
    !arrests.is_empty()
        && arrests.iter().all(reason)
        && !s.lex.iter().any(|m| {
            matches!(m.entry, Entry::Cue(c) if c.kind == CueKind::Intervention) && !arrests.iter().any(|a| a.overlaps(m.span))
        })
}

/// Settles, over a document's events, what one sentence could not:
/// - an explosion or strike a sentence of its evidence says carried a chemical agent ("the shells contained
///   poisonous gas") is a chemical weapon attack;
/// - a place taken in one sentence and said in another of its evidence, or in an event of the same day, to
///   have been taken after the other side withdrew
///   ("Militants took control of the village. They seized it following the withdrawal of the army") is one
///   non-violent transfer of territory;
/// - weapons found or seized after an arrest raid or a fight the document reported, on the same day, were
///   found in that operation ("The search team found three mines"): ACLED codes one event per place and
///   day, so the find is that operation's evidence, not a disrupted-weapons-use event of its own.
pub(crate) fn settle(ev: &Events, doc: &sitrep_core::Document, events: &mut Vec<sitrep_core::Event>) {
    let text = doc.text.as_str();
    for e in events.iter_mut() {
        let remote = e.event_type() == EventType::ExplosionsRemoteViolence && e.sub_event_type != SubEventType::ChemicalWeapon;
        if remote && e.evidence.iter().any(|sp| ev.phrases.cues_in(text, *sp).iter().any(|(_, c)| *c == SubtypeCue::ChemicalAgent)) {
            e.sub_event_type = SubEventType::ChemicalWeapon;
        }
    }
    let territory = |e: &sitrep_core::Event| {
        !e.aggregate
            && matches!(e.sub_event_type, SubEventType::GovernmentRegainsTerritory | SubEventType::NonStateActorOvertakesTerritory)
    };
    for e in events.iter_mut().filter(|e| territory(e)) {
        let unopposed = e.evidence.iter().any(|sp| {
            ev.phrases.cues_in(text, *sp).iter().any(|(_, c)| matches!(c, SubtypeCue::Unopposed | SubtypeCue::Withdrawal))
        });
        if unopposed {
            e.sub_event_type = SubEventType::NonViolentTransferOfTerritory;
        }
    }
    let same_side = |a: &Option<sitrep_core::Actor>, b: &Option<sitrep_core::Actor>| match (a, b) {
        (Some(a), Some(b)) => {
            a.name == b.name
                || a.name.starts_with("Unidentified")
                || b.name.starts_with("Unidentified")
                || (a.kind == ActorKind::StateForces) == (b.kind == ActorKind::StateForces)
        }
        _ => true,
    };
    fold_finds_into_operations(doc, events);
    let mut i = 0;
    while i < events.len() {
        let partner = (territory(&events[i]))
            .then(|| {
                events.iter().position(|o| {
                    o.sub_event_type == SubEventType::NonViolentTransferOfTerritory
                        && !o.aggregate
                        && same_side(&o.actor1, &events[i].actor1)
                        && o.date == events[i].date
                })
            })
            .flatten();
        if let Some(j) = partner {
            let other = events.remove(j);
            let k = if j < i { i - 1 } else { i };
            let e = &mut events[k];
            e.sub_event_type = SubEventType::NonViolentTransferOfTerritory;
            e.evidence.extend(other.evidence);
            e.evidence.sort();
            e.evidence.dedup();
        }
        i += 1;
    }
}

/// A group of civilians right before a fighting verb ("villagers clashed", "rival groups of youths fought").
fn crowd_fought(s: &Sentence) -> bool {
    s.words.iter().enumerate().any(|(i, w)| {
        ["clashed", "fought", "clashing", "brawled"].iter().any(|c| w.span.of(s.text).eq_ignore_ascii_case(c))
            && s.mentions.iter().any(|m| {
                !m.speaker && m.actor.kind == ActorKind::Civilians && {
                    let end = word_at(&s.words, m.span.end.saturating_sub(1));
                    end < i && i - end <= 2
                }
            })
    })
}

/// The days named by resolved, past time expressions inside an event's evidence.
fn days_of(doc: &sitrep_core::Document, e: &sitrep_core::Event) -> Vec<sitrep_core::DateRange> {
    e.evidence.iter().flat_map(|sp| crate::dates_in(doc, *sp)).collect()
}

/// Whether both events' evidence names places and no gazetteer region is shared between them.
fn places_differ(doc: &sitrep_core::Document, a: &sitrep_core::Event, b: &sitrep_core::Event) -> bool {
    let regions = |e: &sitrep_core::Event| -> Vec<(Option<String>, Option<String>)> {
        doc.places
            .iter()
            .filter(|p| e.evidence.iter().any(|sp| sp.contains(p.span)))
            .filter_map(|p| p.geo.as_ref())
            .filter(|g| g.precision != sitrep_core::GeoPrecision::Country)
            .map(|g| (g.country.clone(), g.admin1.clone()))
            .collect()
    };
    let (ra, rb) = (regions(a), regions(b));
    !ra.is_empty() && !rb.is_empty() && !ra.iter().any(|x| rb.contains(x))
}

fn fold_finds_into_operations(doc: &sitrep_core::Document, events: &mut Vec<sitrep_core::Event>) {
    let mut i = 0;
    while i < events.len() {
        let find = &events[i];
        let operation = (find.sub_event_type == SubEventType::DisruptedWeaponsUse && !find.aggregate)
            .then(|| {
                let own = days_of(doc, find);
                let start = find.evidence.first().map_or(0, |sp| sp.start);
                events[..i].iter().rposition(|o| {
                    let before = o.evidence.last().is_some_and(|sp| sp.end <= start);
                    let kind = o.sub_event_type == SubEventType::Arrests
                        || matches!(o.event_type(), EventType::Battles | EventType::ViolenceAgainstCivilians);
                    let theirs = days_of(doc, o);
                    let same_day = own.is_empty() || theirs.is_empty() || own.iter().any(|a| theirs.iter().any(|b| a.start <= b.end && b.start <= a.end));
                    // ACLED's one event per place and day: a find at another place the text names is an event
                    // of its own.
                    !o.aggregate && before && kind && same_day && !places_differ(doc, o, find)
                })
            })
            .flatten();
        if let Some(j) = operation {
            let find = events.remove(i);
            // "… were seized in addition to detaining multiple suspects": the find's figures are the operation's
            // when it has none of its own.
            let op = &mut events[j];
            op.fatalities = op.fatalities.take().or(find.fatalities);
            op.injured = op.injured.take().or(find.injured);
            op.detained = op.detained.take().or(find.detained);
            events[j].evidence.extend(find.evidence);
            events[j].evidence.sort();
            events[j].evidence.dedup();
        } else {
            i += 1;
        }
    }
}

fn is_attack_word(w: &str) -> bool {
    ["attack", "attacked", "attacks", "attacking", "ambushed", "stormed", "raided", "fired on", "fired at", "opened fire on"]
        .iter()
        .any(|a| w.eq_ignore_ascii_case(a))
}

/// A crowd-control word right before the grenade ("stun grenades", "tear gas grenades").
fn crowd_control_device(s: &Sentence, cues: &[(Span, SubtypeCue)], trigger: Span) -> bool {
    let w0 = word_at(&s.words, trigger.start);
    w0 > 0 && cues.iter().any(|(sp, c)| *c == SubtypeCue::CrowdControl && word_at(&s.words, sp.end.saturating_sub(1)) + 1 == w0)
}

/// An aircraft as the subject before the trigger in its clause, or as the agent right after it ("by jets",
/// "fired from planes").
fn aircraft_acted(s: &Sentence, cues: &[(Span, SubtypeCue)], trigger: Span) -> bool {
    let tw0 = word_at(&s.words, trigger.start);
    cues.iter().filter(|(_, c)| *c == SubtypeCue::Aircraft).any(|(sp, _)| {
        if sp.end <= trigger.start {
            let from = word_at(&s.words, sp.end);
            from + 8 >= tw0 && !(from..tw0).any(|i| clause_mark(s.text, &s.words[i]))
        } else {
            let from = word_at(&s.words, trigger.end);
            let at = word_at(&s.words, sp.start);
            at <= from + 4 && (from..at).any(|i| s.lower_word_is(i, &["by", "from"]))
        }
    })
}

#[cfg(test)]
mod tests {
    use sitrep_core::check::assert_spans;
    use sitrep_core::{Document, SubEventType as T};

    use crate::Events;

    fn sub_of(ev: &Events, text: &str) -> Option<T> {
        let mut doc = Document::from_text("t", text);
        ev.annotate(&mut doc);
        assert_spans(&doc);
        doc.events.iter().find(|e| !e.aggregate).map(|e| e.sub_event_type)
    }

    fn check(cases: &[(&str, Option<T>)]) {
        let ev = Events::load().expect("the shipped lexicons parse");
        let wrong: Vec<String> = cases
            .iter()
            .filter_map(|(text, want)| {
                let got = sub_of(&ev, text);
                (got != *want).then(|| format!("{text}: got {got:?}, want {want:?}"))
            })
            .collect();
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn one_head_may_start_several_rules() {
        let mut triggers = Vec::new();
        let p = super::Phrases::load(&mut triggers).unwrap();
        let text = "The strikes targeted positions and missiles targeted the base.";
        let mut out = Vec::new();
        p.find_in(text, sitrep_core::Span::new(0, text.len()), &mut out);
        let found: Vec<&str> = out.iter().map(|m| m.span.of(text)).collect();
        assert_eq!(found, ["strikes targeted", "missiles targeted"]);
    }

    #[test]
    fn phrases_do_not_swallow_other_acts_or_negations() {
        check(&[
            ("Gunmen opened fire on a military base in Zamfara, Nigeria, on Monday, killing two soldiers.", Some(T::ArmedClash)),
            ("Soldiers searched the compound in Kandahar province on Monday but found no weapons.", None),
            ("Two houses in the village were destroyed by shrapnel from explosive devices on Monday.", None),
        ]);
    }

    #[test]
    fn bases_and_posts_set_up_by_armed_forces() {
        check(&[
            ("Russian troops have set up a new military base near the town of Qamishli, Syria, on Monday.", Some(T::HeadquartersOrBaseEstablished)),
            ("The Turkish army set up its fifth observation post in Idlib province on Friday.", Some(T::HeadquartersOrBaseEstablished)),
            ("Al-Shabaab fighters established a training camp in the forest near Kismayo, Somalia.", Some(T::HeadquartersOrBaseEstablished)),
            ("Aid agencies set up a camp for displaced families outside the town on Monday.", None),
            ("The army is expected to set up a new military base in the district next year.", None),
        ]);
    }

    #[test]
    fn territory_changing_hands_without_a_fight() {
        check(&[
            ("The rebels handed over control of the town to government forces on Tuesday.", Some(T::NonViolentTransferOfTerritory)),
            ("The district was formally handed over by the militia to the army in Bor, South Sudan, on Monday.", Some(T::NonViolentTransferOfTerritory)),
            ("Two districts were handed over by the militia to the army in Juba, South Sudan, on Sunday.", Some(T::NonViolentTransferOfTerritory)),
            ("Insurgents took control of the village of Kolofata without resistance on Monday.", Some(T::NonViolentTransferOfTerritory)),
            ("Militants seized the town after the withdrawal of government troops on Friday.", Some(T::NonViolentTransferOfTerritory)),
            ("Al-Shabaab militants took control of the village of Elasha on Monday. Insurgents captured the district headquarters after the army pulled out.", Some(T::NonViolentTransferOfTerritory)),
            ("Government troops recaptured the town of Palma from insurgents after heavy fighting on Monday.", Some(T::GovernmentRegainsTerritory)),
            ("The rebels have never handed over any territory to the government.", None),
        ]);
    }

    #[test]
    fn withdrawals_and_new_units_change_a_group_activity() {
        check(&[
            ("French troops withdrew from their base in Timbuktu, Mali, on Tuesday.", Some(T::ChangeToGroupActivity)),
            ("The militia formed a new brigade in the north of the country on Monday, its commander said.", Some(T::ChangeToGroupActivity)),
            ("The army sent reinforcements to the border town of Kidal, Mali, on Wednesday.", Some(T::ChangeToGroupActivity)),
            ("The president said the troops would withdraw from the region once the elections are over.", None),
            ("The rebel group was formed in 2012 by former army officers.", None),
        ]);
    }

    #[test]
    fn surrenders_and_prisoner_exchanges_are_agreements() {
        check(&[
            ("More than 80 militants surrendered to the army in Borno State, Nigeria, on Monday.", Some(T::Agreement)),
            ("The two sides exchanged 200 prisoners near Donetsk, Ukraine, on Sunday.", Some(T::Agreement)),
            ("Two men were freed from prison in Nairobi, Kenya, on Monday after their sentences ended.", None),
            ("The government may release more prisoners under an amnesty, the minister said on Sunday.", None),
        ]);
    }

    #[test]
    fn weapons_found_or_destroyed_before_use() {
        check(&[
            ("Soldiers discovered a large amount of ammunition in a cave near Mosul, Iraq, on Sunday.", Some(T::DisruptedWeaponsUse)),
            ("Explosives and mines were discovered in a well near the village on Monday, the army said.", Some(T::DisruptedWeaponsUse)),
            ("Special forces destroyed an improvised explosive device during an operation in Kandahar province.", Some(T::DisruptedWeaponsUse)),
            ("Police found a cache of stolen jewellery in a house in Lagos, Nigeria, on Friday.", None),
            ("Soldiers arrested two militants in a raid in Kandahar province on Monday. The search team found three mines in the compound.", Some(T::Arrests)),
        ]);
    }

    #[test]
    fn how_the_weapon_was_delivered_decides() {
        check(&[
            ("Two suicide bombers detonated their vests at a market in Maiduguri, Nigeria, on Sunday, killing 12 people.", Some(T::SuicideBomb)),
            ("A suicide bomber struck an army base in Helmand on Monday, killing four soldiers.", Some(T::SuicideBomb)),
            ("Syrian warplanes destroyed an arms depot of the militants in Homs province on Monday.", Some(T::AirDroneStrike)),
            ("The aerial bombardments on militant positions in Idlib province left scores of fighters dead on Monday.", Some(T::AirDroneStrike)),
            ("Air defences intercepted two missiles over Damascus, Syria, on Monday night.", Some(T::DisruptedWeaponsUse)),
            ("Rockets were fired from planes at the village of Tenancingo, El Salvador, on Sunday.", Some(T::AirDroneStrike)),
            ("Houthi forces fired six missiles at an oil facility in Jizan, Saudi Arabia, on Monday.", Some(T::ShellingArtilleryMissileAttack)),
            ("Four grenades were hurled at a police station in Srinagar, India, on Wednesday.", Some(T::Grenade)),
            ("Militants attacked a checkpoint in North Sinai, Egypt, on Friday, killing three.", Some(T::ArmedClash)),
            ("Rebels fired shells into the town of Kafr Zita, Syria, on Tuesday. Doctors said the shells contained chlorine gas.", Some(T::ChemicalWeapon)),
            ("The strikes targeted militant positions near Sirte, Libya, on Monday, killing 12 fighters.", Some(T::AirDroneStrike)),
            ("Government forces seized control of the highway on Tuesday for the first time since 2012.", Some(T::GovernmentRegainsTerritory)),
        ]);
    }

    #[test]
    fn who_used_violence_at_a_protest_decides() {
        check(&[
            ("Police used stun grenades and tear gas to disperse protesters in Minsk, Belarus, on Sunday.", Some(T::ProtestWithIntervention)),
            ("Police fired stun grenades into the house during a drug raid in Rio de Janeiro on Tuesday.", None),
            ("Farmers blocked roads and railways in Punjab, India, to protest the new farm laws on Thursday.", Some(T::ViolentDemonstration)),
            ("Projectiles were thrown at police during a protest in Bristol, England, on Friday night.", Some(T::ViolentDemonstration)),
            ("Security forces dispersed a demonstration in Najaf, Iraq, with live bullets on Monday, wounding ten protesters.", Some(T::ExcessiveForceAgainstProtesters)),
            ("Police attacked a peaceful human chain in Dhaka, Bangladesh, on Sunday.", Some(T::ProtestWithIntervention)),
            ("Hundreds of villagers staged a protest in Katsina, Nigeria, on Monday following the arrest of two local leaders.", Some(T::PeacefulProtest)),
            ("Police arrested 30 protesters during a demonstration in Moscow, Russia, on Sunday.", Some(T::ProtestWithIntervention)),
            ("A man was killed on Sunday as villagers clashed with machetes near Jos, Nigeria.", Some(T::MobViolence)),
            ("Soldiers clashed with villagers near Jos, Nigeria, on Sunday, killing two.", Some(T::Attack)),
            ("Thousands of students staged peaceful marches in Nairobi, Kenya, on Friday.", Some(T::PeacefulProtest)),
        ]);
    }
}
