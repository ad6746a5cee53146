#!/usr/bin/env python3
"""Validate the stance gold set (test.jsonl, dev.jsonl) and print counts. Run: python3 check.py"""
import json, re, sys, collections, pathlib
HERE = pathlib.Path(__file__).parent
STANCES = {"asserts", "denies", "disputes"}
PHEN = {"plain_report", "outlet_voice", "named_source", "denial", "denial_next_sentence", "dispute_toll",
        "dispute_perpetrator", "dispute_victims", "cannot_confirm", "differing_tolls", "claim_of_responsibility",
        "multiple_sources", "negated_cue", "hedged", "other_event_denial", "unrelated_statement", "did_not_deny",
        "intent_denial", "unattributed_claim"}
KEYS = ["id", "published", "text", "event", "claims", "contested", "phenomena"]
errors, seen_ids, seen_texts = [], set(), set()
def err(i, m): errors.append(f"{i}: {m}")
for name in ("test.jsonl", "dev.jsonl"):
    stance_n, phen_n, contested_n, n = collections.Counter(), collections.Counter(), collections.Counter(), 0
    for ln, line in enumerate(open(HERE / name, encoding="utf-8"), 1):
        try: o = json.loads(line)
        except Exception as e: err(f"{name}:{ln}", f"bad JSON {e}"); continue
        n += 1; i = o.get("id", f"{name}:{ln}")
        if list(o) != KEYS: err(i, f"keys {list(o)}")
        if i in seen_ids: err(i, "duplicate id")
        seen_ids.add(i)
        if o["text"] in seen_texts: err(i, "duplicate text")
        seen_texts.add(o["text"])
        if not re.fullmatch(r"2026-\d\d-\d\d", o["published"]): err(i, "published")
        sents = len(re.findall(r"[.!?][\"']?(\s|$)", re.sub(r"\b(?:[A-Z]\.){2,}", "XX", o["text"])))  # U.S. is not a sentence end
        if not 1 <= sents <= 4: err(i, f"{sents} sentences")
        cl = o["claims"]
        if not cl: err(i, "no claims")
        for c in cl:
            if c["stance"] not in STANCES: err(i, f"stance {c['stance']}")
            if c["source"] != "OUTLET" and c["source"] not in o["text"]: err(i, f"source not in text: {c['source']}")
        srcs = [c["source"] for c in cl]
        if len(set(srcs)) != len(srcs): err(i, "repeated source")
        st = {c["stance"] for c in cl}; ph = set(o["phenomena"])
        if ph - PHEN: err(i, f"unknown phenomena {ph - PHEN}")
        if "differing_tolls" in ph and len(cl) < 2: err(i, "differing_tolls needs >=2 claims")
        want = bool(st & {"denies", "disputes"}) or "differing_tolls" in ph
        if o["contested"] is not want: err(i, f"contested {o['contested']} but rule says {want}")
        if ("denial" in ph) != ("denies" in st): err(i, "denial tag vs denies stance")
        if "denial_next_sentence" in ph and "denial" not in ph: err(i, "denial_next_sentence without denial")
        if ("disputes" in st) != bool(ph & {"dispute_toll", "dispute_perpetrator", "dispute_victims", "cannot_confirm"}):
            err(i, "dispute tags vs disputes stance")
        if ("multiple_sources" in ph) != (len(cl) >= 2): err(i, "multiple_sources tag")
        if ("outlet_voice" in ph) != ("OUTLET" in srcs): err(i, "outlet_voice tag")
        if "plain_report" in ph and (o["contested"] or len(cl) != 1): err(i, "plain_report must be single, uncontested")
        for c in cl: stance_n[c["stance"]] += 1
        phen_n.update(ph); contested_n[o["contested"]] += 1
    print(f"== {name}: {n} texts, contested={contested_n[True]} uncontested={contested_n[False]}, "
          f"claims={sum(stance_n.values())}")
    print("  stance:", dict(sorted(stance_n.items())))
    print("  phenomena:", dict(sorted(phen_n.items(), key=lambda kv: -kv[1])))
if errors:
    print("\n".join(errors)); sys.exit(1)
print("OK")
