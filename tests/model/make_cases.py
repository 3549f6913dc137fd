#!/usr/bin/env python3
"""Regenerates tests/model/cases.jsonl: a few real accounts per dataset that the shipped
model judges clearly (bots at or above the default level, humans well below it), so a later
model that gets them wrong fails a test. Run after `botlens train`:

    python3 tests/model/make_cases.py > tests/model/cases.jsonl
"""
import gzip, json, os, subprocess, sys, hashlib

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
data = os.path.join(os.environ.get("BOTLENS_DATA", os.path.join(root, "..", "shared", "data")), "accounts")
exe = os.path.join(root, "target", "release", "botlens")
KEEP = ["dataset", "platform", "id", "screen_name", "name", "description", "location", "url",
        "created_at", "collected_at", "followers_count", "friends_count", "statuses_count",
        "favourites_count", "default_profile_image", "label"]
out = []
for f in sorted(os.listdir(data)):
    if not f.endswith(".jsonl.gz") or f.startswith("bluesky"):
        continue
    rows = [json.loads(l) for l in gzip.open(os.path.join(data, f), "rt")]
    rows.sort(key=lambda r: hashlib.sha1(str(r.get("id") or r.get("screen_name")).encode()).hexdigest())
    rows = rows[:300]
    res = subprocess.run([exe, "score", "/dev/stdin"], input="\n".join(json.dumps(r) for r in rows),
                         capture_output=True, text=True, check=True).stdout.splitlines()
    took = {"bot": 0, "human": 0}
    for r, v in zip(rows, res):
        s = json.loads(v).get("score")
        if s is None:
            continue
        lab = r["label"]
        ok = s >= 0.995 if lab == "bot" else s <= 0.02
        if ok and took[lab] < 2:
            took[lab] += 1
            case = {k: r.get(k) for k in KEEP}
            case["expect"] = lab
            out.append(case)
for c in out:
    print(json.dumps(c, ensure_ascii=False))
