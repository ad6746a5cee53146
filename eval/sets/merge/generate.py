#!/usr/bin/env python3
"""Writes articles.jsonl and clusters.tsv for the merge set from the cluster specs below.

Every article is invented. Each cluster is one real-world event as ACLED would code it; each
article reports exactly one event (its lead). Articles of one cluster differ the way outlets do:
wording, spelling of the place ("Tal Afar" / "Tall Afar"), toll (12 vs 15), a day's offset in the
date, and verbatim wire copies re-run by another outlet (syndication). Near misses sit in separate
clusters: same city and same day but a different event. Deterministic: run it again to get the
same files.
"""
import json
import random
from datetime import date, timedelta

random.seed(20260414)

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def day_words(d, published, style):
    if style == "weekday" and 0 < (published - d).days < 6:
        return "on " + WEEKDAYS[d.weekday()]
    if style == "weekday" and published == d:
        return "on " + WEEKDAYS[d.weekday()]
    return f"on {MONTHS[d.month - 1]} {d.day}"


# Phrasings per kind. {place} is the place as the outlet spells it, {region} its province,
# {n} the toll, {when} the date words, {a1}/{a2} actors, {src} who said it.
TEMPLATES = {
    "airstrike": [
        "Air strikes hit {place} in {region} {when}, killing {n} people, {src} said. Residents said warplanes struck a market and a row of houses.",
        "At least {n} people were killed when warplanes bombed {place} {when}, {src} said. The strikes destroyed several buildings in the town centre.",
        "{src} said an air strike on {place} {when} killed {n} civilians, including children. Rescue teams searched the rubble through the night.",
        "A drone strike on a house in {place}, {region}, killed {n} people {when}, according to {src}.",
    ],
    "shelling": [
        "Artillery shells hit {place} {when}, killing {n} people, {src} said. The shells struck a residential neighbourhood.",
        "At least {n} civilians were killed {when} when shelling struck {place} in {region}, {src} said.",
        "{src} said {n} people died after rockets slammed into {place} {when}.",
    ],
    "clash": [
        "{a1} clashed with {a2} in {place} {when}, and {n} fighters were killed, {src} said.",
        "Fighting between {a1} and {a2} near {place} in {region} {when} left {n} people dead, according to {src}.",
        "At least {n} people were killed {when} in heavy fighting between {a1} and {a2} in {place}, {src} said.",
        "{src} said {n} combatants died when {a2} attacked positions held by {a1} in {place} {when}.",
    ],
    "raid": [
        "{a1} raided a hideout of {a2} in {place} {when}, killing {n} militants, {src} said.",
        "{src} said {n} militants were killed when {a1} stormed a {a2} safe house in {place} {when}.",
        "A raid by {a1} on {a2} fighters in {place}, {region}, {when} killed {n}, according to {src}.",
    ],
    "carbomb": [
        "A car bomb exploded at a busy market in {place} {when}, killing {n} people, {src} said.",
        "At least {n} people were killed {when} when a car packed with explosives blew up near a checkpoint in {place}, {src} said.",
        "{src} said a roadside bomb in {place} killed {n} people {when}.",
    ],
    "massacre": [
        "Gunmen attacked the village of {place} in {region} {when}, killing {n} civilians, {src} said.",
        "{src} said armed men killed {n} villagers in {place} {when} and burned homes.",
        "At least {n} civilians were shot dead {when} when gunmen stormed {place}, according to {src}.",
    ],
    "abduction": [
        "Gunmen kidnapped {n} people from a bus near {place} {when}, {src} said.",
        "{src} said armed men abducted {n} passengers on the road outside {place} {when}.",
        "{n} people were abducted by gunmen in {place}, {region}, {when}, according to {src}.",
    ],
    "protest": [
        "Hundreds of {a1} marched through {place} {when} to demand higher wages, {src} said. The protest ended peacefully.",
        "{a1} rallied in the centre of {place} {when}, chanting against the government, according to {src}. No violence was reported.",
        "Thousands of {a1} protested peacefully in {place} {when}, {src} said.",
    ],
    "protest_force": [
        "Police fired tear gas and live rounds at protesters in {place} {when}, killing {n}, {src} said.",
        "{src} said security forces opened fire on demonstrators in {place} {when}, killing {n} people.",
        "At least {n} protesters were shot dead by police in {place} {when}, according to {src}.",
    ],
    "riot": [
        "Rioters torched shops and clashed with police in {place} {when}, {src} said.",
        "Angry crowds burned tyres, looted stores and threw stones at police in {place} {when}, according to {src}.",
    ],
    "arrests": [
        "Police arrested {n} opposition activists in {place} {when}, {src} said.",
        "{src} said security forces detained {n} members of the opposition in a dawn sweep in {place} {when}.",
    ],
}

OUTLETS = [
    ("Reuters", "reuters.example"), ("Agence France-Presse", "afp.example"),
    ("Associated Press", "apnews.example"), ("Al Jazeera", "aljazeera.example"),
    ("BBC News", "bbc.example"), ("The Guardian", "guardian.example"),
    ("Radio Okapi", "radiookapi.example"), ("The New Humanitarian", "thenewhumanitarian.example"),
    ("Daily Sabah", "dailysabah.example"), ("Kurdistan 24", "kurdistan24.example"),
    ("Garowe Online", "garoweonline.example"), ("Premium Times", "premiumtimes.example"),
    ("Dawn", "dawn.example"), ("Sudan Tribune", "sudantribune.example"),
    ("Kyiv Independent", "kyivindependent.example"), ("Libya Observer", "libyaobserver.example"),
]

SOURCES = ["local officials", "a provincial official", "a hospital official", "police",
           "the health ministry", "residents", "a security source", "medics", "a local monitor"]

# Each cluster: key, kind, place spellings (one per article, cycled), region, dateline city,
# event date, tolls (one per article, cycled), date offsets in days per article (cycled),
# actors, number of articles, syndicated copies (indexes of articles re-run verbatim).
def C(key, kind, places, region, event_day, tolls, n_articles, a1="", a2="", offsets=(0,), synd=()):
    return dict(key=key, kind=kind, places=places, region=region, day=event_day, tolls=tolls,
                n=n_articles, a1=a1, a2=a2, offsets=offsets, synd=synd)


D = date
CLUSTERS = [
    # The Tal Afar raid: two spellings, tolls 12 vs 15, one outlet a day off.
    C("talafar-raid", "raid", ["Tal Afar", "Tall Afar", "Tal Afar"], "Nineveh", D(2026, 3, 3), [12, 15, 12], 3,
      a1="Iraqi special forces", a2="Islamic State", offsets=(0, 1, 0)),
    # Same city, same day, a different event: a protest in Tal Afar.
    C("talafar-protest", "protest", ["Tal Afar"], "Nineveh", D(2026, 3, 3), [0], 2, a1="teachers"),
    C("mosul-carbomb", "carbomb", ["Mosul"], "Nineveh", D(2026, 3, 5), [7, 7, 9], 3, synd=(1,)),
    C("mosul-arrests", "arrests", ["Mosul"], "Nineveh", D(2026, 3, 5), [14], 2),
    C("aleppo-airstrike", "airstrike", ["Aleppo"], "Aleppo", D(2026, 3, 8), [9, 11, 9, 10], 4, synd=(2,)),
    C("aleppo-protest", "protest", ["Aleppo"], "Aleppo", D(2026, 3, 8), [0], 2, a1="students"),
    C("idlib-shelling", "shelling", ["Maarat al-Numan", "Maarrat al-Nu'man"], "Idlib", D(2026, 3, 1), [9, 9, 8], 3),
    C("idlib-airstrike", "airstrike", ["Idlib"], "Idlib", D(2026, 3, 12), [4, 5], 2),
    C("homs-carbomb", "carbomb", ["Homs"], "Homs", D(2026, 2, 20), [6, 6], 2, synd=(1,)),
    C("deir-clash", "clash", ["Deir ez-Zor", "Deir al-Zor"], "Deir ez-Zor", D(2026, 2, 25), [11, 13, 11], 3,
      a1="Syrian Democratic Forces", a2="Islamic State"),
    C("bangui-clash", "clash", ["Bangui"], "Bangui", D(2026, 4, 12), [8, 10, 8], 3,
      a1="UN peacekeepers", a2="armed men"),
    C("bangui-protest", "protest", ["Bangui"], "Bangui", D(2026, 4, 12), [0], 2, a1="market traders"),
    C("bambari-massacre", "massacre", ["Bambari"], "Ouaka", D(2026, 4, 2), [21, 25, 21], 3),
    C("goma-force", "protest_force", ["Goma"], "North Kivu", D(2026, 1, 28), [4, 6, 4], 3),
    C("beni-massacre", "massacre", ["Beni"], "North Kivu", D(2026, 2, 9), [17, 17, 19, 17], 4, synd=(3,)),
    C("bunia-abduction", "abduction", ["Bunia"], "Ituri", D(2026, 2, 14), [12, 12], 2),
    C("mogadishu-carbomb", "carbomb", ["Mogadishu"], "Banaadir", D(2026, 1, 17), [10, 13, 10], 3, synd=(2,)),
    C("mogadishu-clash", "clash", ["Mogadishu"], "Banaadir", D(2026, 1, 17), [3], 2,
      a1="Somali troops", a2="al-Shabaab"),
    C("kismayo-airstrike", "airstrike", ["Kismayo"], "Lower Juba", D(2026, 1, 22), [6, 8], 2),
    C("maiduguri-carbomb", "carbomb", ["Maiduguri"], "Borno", D(2026, 3, 20), [5, 5, 7], 3),
    C("maiduguri-raid", "raid", ["Maiduguri"], "Borno", D(2026, 3, 22), [9, 9], 2,
      a1="Nigerian troops", a2="Boko Haram"),
    C("zamfara-abduction", "abduction", ["Gusau"], "Zamfara", D(2026, 3, 15), [30, 32], 2),
    C("gao-clash", "clash", ["Gao"], "Gao", D(2026, 2, 2), [7, 7, 6], 3, a1="Malian soldiers", a2="jihadists"),
    C("kidal-airstrike", "airstrike", ["Kidal"], "Kidal", D(2026, 2, 4), [8, 8], 2),
    C("bamako-protest", "protest", ["Bamako"], "Bamako", D(2026, 2, 6), [0], 3, a1="nurses"),
    C("khartoum-shelling", "shelling", ["Omdurman"], "Khartoum", D(2026, 1, 5), [19, 22, 19], 3),
    C("fasher-shelling", "shelling", ["El Fasher", "Al Fashir"], "North Darfur", D(2026, 1, 9), [31, 31, 35], 3, synd=(1,)),
    C("kandahar-carbomb", "carbomb", ["Kandahar"], "Kandahar", D(2026, 4, 1), [11, 11], 2),
    C("kabul-arrests", "arrests", ["Kabul"], "Kabul", D(2026, 4, 3), [20, 20], 2),
    C("sanaa-airstrike", "airstrike", ["Sanaa"], "Sanaa", D(2026, 4, 5), [14, 16, 14], 3),
    C("taiz-shelling", "shelling", ["Taiz"], "Taiz", D(2026, 4, 5), [5, 5], 2),
    C("kharkiv-airstrike", "airstrike", ["Kharkiv"], "Kharkiv", D(2026, 1, 12), [3, 3, 4], 3, synd=(1,)),
    C("kharkiv-shelling", "shelling", ["Kharkiv"], "Kharkiv", D(2026, 1, 14), [2, 2], 2),
    C("benghazi-riot", "riot", ["Benghazi"], "Benghazi", D(2026, 2, 17), [0], 2),
    C("tripoli-clash", "clash", ["Tripoli"], "Tripoli", D(2026, 2, 17), [4, 6], 2,
      a1="rival militias", a2="a government-backed brigade"),
    C("peshawar-carbomb", "carbomb", ["Peshawar"], "Khyber Pakhtunkhwa", D(2026, 3, 27), [13, 13, 16], 3),
    C("quetta-arrests", "arrests", ["Quetta"], "Balochistan", D(2026, 3, 27), [8], 2),
    C("kirkuk-carbomb", "carbomb", ["Kirkuk"], "Kirkuk", D(2026, 3, 10), [6, 6, 8], 3),
    C("juba-clash", "clash", ["Juba"], "Central Equatoria", D(2026, 1, 25), [5, 5, 7], 3,
      a1="South Sudanese soldiers", a2="rebels"),
    C("donetsk-shelling", "shelling", ["Donetsk"], "Donetsk", D(2026, 1, 30), [4, 4, 5], 3),
    C("mopti-massacre", "massacre", ["Mopti"], "Mopti", D(2026, 2, 11), [16, 18, 16], 3),
]


def main():
    articles, rows = [], []
    counter = 0
    for ci, cl in enumerate(CLUSTERS):
        templates = TEMPLATES[cl["kind"]]
        written = []
        start_outlet = ci % len(OUTLETS)
        for i in range(cl["n"]):
            counter += 1
            outlet, host = OUTLETS[(start_outlet + i * 5) % len(OUTLETS)]
            art_id = f"m{counter:03d}"
            if i in cl["synd"] and written:
                # A wire story re-run verbatim by another outlet, the next day.
                orig = written[0]
                published = (date.fromisoformat(orig["published"]) + timedelta(days=1)).isoformat()
                art = dict(id=art_id, text=orig["text"], url=f"https://{host}/news/{art_id}",
                           published=published, outlet=outlet, title=orig["title"])
            else:
                offset = cl["offsets"][i % len(cl["offsets"])]
                event_day = cl["day"] + timedelta(days=offset)
                published = event_day + timedelta(days=random.choice([0, 1, 1, 2]))
                place = cl["places"][i % len(cl["places"])]
                toll = cl["tolls"][i % len(cl["tolls"])]
                style = "weekday" if i % 2 else "date"
                template = templates[i % len(templates)]
                body = template.format(place=place, region=cl["region"], n=toll,
                                       when=day_words(event_day, published, style),
                                       a1=cl["a1"], a2=cl["a2"], src=random.choice(SOURCES))
                body = body[0].upper() + body[1:]
                dateline = f"{place.upper()}, {MONTHS[published.month - 1]} {published.day} ({outlet}) - "
                title = body.split(",")[0][:80]
                art = dict(id=art_id, text=dateline + body, url=f"https://{host}/news/{art_id}",
                           published=published.isoformat(), outlet=outlet, title=title)
            written.append(art)
            articles.append(art)
            rows.append((art_id, cl["key"]))
    with open("articles.jsonl", "w", encoding="utf-8") as f:
        for a in articles:
            f.write(json.dumps(a, ensure_ascii=False) + "\n")
    with open("clusters.tsv", "w", encoding="utf-8") as f:
        f.write("# Merge set gold clusters. Format: article_id<TAB>cluster_id, one article a line; every\n")
        f.write("# article reports one event (its lead), and articles with the same cluster_id report the same event.\n")
        for art_id, key in rows:
            f.write(f"{art_id}\t{key}\n")
    print(len(articles), "articles,", len(CLUSTERS), "clusters")


if __name__ == "__main__":
    main()
