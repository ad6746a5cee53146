#!/usr/bin/env python3
"""Writes N invented wire items (JSON Lines, the `sitrep ingest` shape) for the serve load benchmark.

Every item is generated from the templates below: invented sentences about real cities (so the gazetteer
places them), spread over a year, so that most become distinct stored events. Nothing is taken from a real
article or from ../shared/data. Deterministic: the same N and seed give the same file.
usage: articles.py N SEED > feed.jsonl
"""
import datetime
import json
import random
import sys

CITIES = [
    ("Aleppo", "Syria"), ("Homs", "Syria"), ("Hama", "Syria"), ("Idlib", "Syria"), ("Deir ez-Zor", "Syria"),
    ("Raqqa", "Syria"), ("Daraa", "Syria"), ("Latakia", "Syria"), ("Mosul", "Iraq"), ("Kirkuk", "Iraq"),
    ("Basra", "Iraq"), ("Fallujah", "Iraq"), ("Ramadi", "Iraq"), ("Tikrit", "Iraq"), ("Erbil", "Iraq"),
    ("Kandahar", "Afghanistan"), ("Herat", "Afghanistan"), ("Jalalabad", "Afghanistan"), ("Kunduz", "Afghanistan"),
    ("Mazar-i-Sharif", "Afghanistan"), ("Peshawar", "Pakistan"), ("Quetta", "Pakistan"), ("Karachi", "Pakistan"),
    ("Lahore", "Pakistan"), ("Sanaa", "Yemen"), ("Aden", "Yemen"), ("Taiz", "Yemen"), ("Hodeidah", "Yemen"),
    ("Marib", "Yemen"), ("Benghazi", "Libya"), ("Tripoli", "Libya"), ("Misrata", "Libya"), ("Sirte", "Libya"),
    ("Mogadishu", "Somalia"), ("Kismayo", "Somalia"), ("Baidoa", "Somalia"), ("Beledweyne", "Somalia"),
    ("Goma", "Democratic Republic of Congo"), ("Bunia", "Democratic Republic of Congo"), ("Beni", "Democratic Republic of Congo"),
    ("Bukavu", "Democratic Republic of Congo"), ("Uvira", "Democratic Republic of Congo"), ("Bangui", "Central African Republic"),
    ("Bambari", "Central African Republic"), ("Bria", "Central African Republic"), ("Maiduguri", "Nigeria"),
    ("Kaduna", "Nigeria"), ("Jos", "Nigeria"), ("Zaria", "Nigeria"), ("Sokoto", "Nigeria"), ("Makurdi", "Nigeria"),
    ("Gao", "Mali"), ("Timbuktu", "Mali"), ("Mopti", "Mali"), ("Kidal", "Mali"), ("Segou", "Mali"),
    ("Ouagadougou", "Burkina Faso"), ("Djibo", "Burkina Faso"), ("Dori", "Burkina Faso"), ("Kaya", "Burkina Faso"),
    ("Niamey", "Niger"), ("Tillaberi", "Niger"), ("Diffa", "Niger"), ("Khartoum", "Sudan"), ("Omdurman", "Sudan"),
    ("El Fasher", "Sudan"), ("Nyala", "Sudan"), ("El Obeid", "Sudan"), ("Juba", "South Sudan"), ("Malakal", "South Sudan"),
    ("Bentiu", "South Sudan"), ("Mekelle", "Ethiopia"), ("Gondar", "Ethiopia"), ("Bahir Dar", "Ethiopia"),
    ("Kharkiv", "Ukraine"), ("Odesa", "Ukraine"), ("Zaporizhzhia", "Ukraine"), ("Kherson", "Ukraine"),
    ("Dnipro", "Ukraine"), ("Mykolaiv", "Ukraine"), ("Sumy", "Ukraine"), ("Donetsk", "Ukraine"),
    ("Mandalay", "Myanmar"), ("Sittwe", "Myanmar"), ("Myitkyina", "Myanmar"), ("Lashio", "Myanmar"),
    ("Medellin", "Colombia"), ("Cali", "Colombia"), ("Cucuta", "Colombia"), ("Culiacan", "Mexico"),
    ("Tijuana", "Mexico"), ("Acapulco", "Mexico"), ("Port-au-Prince", "Haiti"), ("Gaza", "Palestine"),
    ("Khan Younis", "Palestine"), ("Rafah", "Palestine"), ("Jenin", "Palestine"), ("Nablus", "Palestine"),
    ("Beirut", "Lebanon"), ("Tyre", "Lebanon"), ("Sidon", "Lebanon"), ("Tripoli", "Lebanon"),
]

TEMPLATES = [
    "An air strike killed {n} civilians in {city} on {day}, rescue workers said.",
    "Government troops clashed with rebels near {city} on {day}, and {n} fighters were killed, officials said.",
    "A roadside bomb exploded in {city} on {day}, killing {n} people, police said.",
    "Police fired tear gas at protesters in {city} on {day}, killing {n} people, witnesses said.",
    "Gunmen abducted {n} villagers near {city} on {day}, local officials said.",
    "Artillery shells hit a market in {city} on {day}, killing {n} civilians, a hospital official said.",
]

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def main():
    n, seed = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    start = datetime.date(2025, 1, 2)
    out = sys.stdout
    for i in range(n):
        city, country = rng.choice(CITIES)
        published = start + datetime.timedelta(days=rng.randrange(363))
        happened = published - datetime.timedelta(days=1)
        sentence = rng.choice(TEMPLATES).format(n=rng.randrange(2, 40), city=city, day=WEEKDAYS[happened.weekday()])
        dateline = f"{city.upper()}, {country}, {published.strftime('%B')} {published.day} (Bench Wire) - "
        text = dateline + sentence + " The report could not be independently verified."
        out.write(json.dumps({"id": f"bench-{i}", "url": f"https://bench.example/{i}", "outlet": f"Bench Wire {i % 7}",
                              "published": published.isoformat(), "title": f"Report {i} from {city}", "text": text}) + "\n")


main()
