#!/usr/bin/env python3
"""Writes fuzz seeds from the first records of the real files in ../shared/data into
OUT/TARGET/ (the real data stays out of the project; fuzz-all.sh calls this each run).

Usage: fuzz-seeds-from-shared.py SHARED_DATA_DIR OUT_DIR
"""
import csv
import io
import json
import os
import sys

data, out = sys.argv[1], sys.argv[2]


def put(target, name, content):
    os.makedirs(os.path.join(out, target), exist_ok=True)
    mode = "wb" if isinstance(content, bytes) else "w"
    with open(os.path.join(out, target, name), mode) as f:
        f.write(content)


def trim(issue):
    """An issue with its description cut and its link lists dropped: a seed stays small."""
    issue = json.loads(json.dumps(issue))
    fields = issue["fields"]
    if isinstance(fields.get("description"), str):
        fields["description"] = fields["description"][:600]
    for k in ("issuelinks", "subtasks"):
        fields.pop(k, None)
    return issue


# Appcelerator's Jira: the first issues, the two with an empty summary, and issues with
# the Agile epic field, a parent and an {html} description.
ac = json.load(open(os.path.join(data, "appcelerator/AC.json")))["issues"]
put("jira_json", "ac_first.json", json.dumps({"startAt": 0, "maxResults": 3, "total": 3,
                                                 "issues": [trim(i) for i in ac[:3]]}))
put("jira_json", "ac_empty_summaries.json",
    json.dumps({"issues": [trim(i) for i in ac if not (i["fields"].get("summary") or "").strip()]}))
aloy = json.load(open(os.path.join(data, "appcelerator/ALOY.json")))["issues"]
picked = [next(i for i in aloy if i["fields"].get("epic")),
          next(i for i in aloy if i["fields"].get("parent"))]
put("jira_json", "aloy_agile.json", json.dumps({"issues": [trim(i) for i in picked]}))

# Story points CSVs and Iceberg's JSON Lines: the header and first rows.
for name in ("mesos", "titanium"):
    with open(os.path.join(data, f"storypoints/{name}.csv"), newline="", encoding="utf-8") as f:
        rows = [r for _, r in zip(range(6), csv.reader(f))]
    buf = io.StringIO()
    w = csv.writer(buf)
    for r in rows:
        w.writerow([c[:500] for c in r])
    put("generic_csv", f"storypoints_{name}.csv", buf.getvalue())
with open(os.path.join(data, "iceberg/commits.jsonl"), encoding="utf-8") as f:
    lines = [json.dumps({k: (v[:400] if isinstance(v, str) else v) for k, v in json.loads(l).items()})
             for _, l in zip(range(5), f)]
text = "\n".join(lines) + "\n"
put("generic_jsonl", "iceberg.jsonl", text)
put("generic_jsonl", "iceberg_mapped.bin", b'[columns]\nlabels = "components"\n\0' + text.encode())
