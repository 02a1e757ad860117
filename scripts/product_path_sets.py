#!/usr/bin/env python3
"""Writes the shared data sets in the shape `../shared/tools/product-path.py` reads.

The maintainers check the sense engine through the product's own path with that tool, on
JSON Lines of `key, title, body/description, created, components, labels, type, epic_key,
epic_title` (and `split`, `label` for the labels mode). Iceberg already has that shape; the
others are converted here, so one command measures the engine on every organisation:

    python3 scripts/product_path_sets.py OUT_DIR     # then see scripts/product-path-all.sh

- appcelerator.jsonl: the real Appcelerator Jira (all five projects; epics themselves left out,
  as `items` lists no epics), with components, type, labels and the Agile epic (components and
  epics modes);
- storypoints.jsonl: the 16 story-point projects, the project as the component and the keys
  renumbered, so that only the text tells the project (rows are in
  creation order per file; `created` spreads each file over the same span, so the newest
  fifth of every project is held out);
- appcelerator-kinds.jsonl: a three-kind label task (Bug / New Feature / Improvement from the
  tracker type, which is then left out), oldest 80% train, newest 20% test.
"""
import csv, json, os, sys
from datetime import datetime, timedelta

out = sys.argv[1]
data = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'shared', 'data')
os.makedirs(out, exist_ok=True)


def appcelerator():
    rows = []
    for f in sorted(os.listdir(os.path.join(data, 'appcelerator'))):
        if not f.endswith('.json'):
            continue
        for i in json.load(open(os.path.join(data, 'appcelerator', f)))['issues']:
            fl = i['fields']
            epic = fl.get('epic') or {}
            if (fl.get('issuetype') or {}).get('name') == 'Epic':
                continue  # epics are no work items: `items` does not list them
            rows.append({
                'key': i['key'],
                'title': fl.get('summary') or '',
                'description': (fl.get('description') or '')[:3000],
                'type': (fl.get('issuetype') or {}).get('name'),
                'created': fl['created'],
                'components': [c['name'] for c in fl.get('components') or []],
                'labels': fl.get('labels') or [],
                'epic_key': epic.get('key'),
                'epic_title': epic.get('name') or epic.get('summary'),
            })
    rows.sort(key=lambda r: r['created'])
    return rows


def storypoints():
    rows = []
    base = datetime(2015, 1, 1)
    d = os.path.join(data, 'storypoints')
    for f in sorted(os.listdir(d)):
        if not f.endswith('.csv'):
            continue
        with open(os.path.join(d, f), encoding='utf8', newline='') as fh:
            recs = list(csv.DictReader(fh))
        for n, r in enumerate(recs):
            t = base + timedelta(days=1000 * n / max(len(recs), 1))
            # Keys without the project prefix: the importer reads a key's prefix as the
            # project, which would give the answer away.
            rows.append({'key': f'SP-{len(rows) + 1}', 'title': r['title'],
                         'description': (r['description'] or '')[:3000],
                         'created': t.strftime('%Y-%m-%dT%H:%M:%S+00:00'),
                         'components': [f[:-4]], 'labels': []})
    return rows


def write(name, rows):
    with open(os.path.join(out, name), 'w', encoding='utf8') as fh:
        for r in rows:
            fh.write(json.dumps(r) + '\n')


ac = appcelerator()
write('appcelerator.jsonl', ac)
write('storypoints.jsonl', storypoints())
kinds = [r for r in ac if r['type'] in ('Bug', 'New Feature', 'Improvement')]
cut = int(round(len(kinds) * 0.8))
write('appcelerator-kinds.jsonl', [
    {**{k: v for k, v in r.items() if k not in ('type', 'epic_key', 'epic_title')},
     'label': r['type'].lower().replace(' ', '-'), 'split': 'train' if n < cut else 'test'}
    for n, r in enumerate(kinds)])
