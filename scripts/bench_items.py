#!/usr/bin/env python3
"""Writes N work items made from the real Apache Iceberg changes, as JSON Lines, for the
side-by-side benchmark (scripts/bench-vs-python.sh).

Each item resamples one real change: its title, the first 600 characters of its body and
a creation date spread over the real history; 60% keep their components (the strategy's
selectors link those), the rest have none (the engine, or the Python pipeline's SVM, must
place them). Keys are new (`IB-1`...), so nothing but the text tells the answer.

usage: bench_items.py N OUT.jsonl [SOURCE.jsonl]   (seeded: the same N gives the same file)
"""
import json
import random
import sys
from datetime import datetime, timedelta

n = int(sys.argv[1])
out = sys.argv[2]
source = sys.argv[3] if len(sys.argv) > 3 else '../shared/data/iceberg/commits.jsonl'
rows = [json.loads(line) for line in open(source, encoding='utf8')]
rng = random.Random(7)
start = datetime(2018, 1, 1)
span = timedelta(days=8 * 365).total_seconds()
with open(out, 'w', encoding='utf8') as f:
    for i in range(n):
        r = rows[rng.randrange(len(rows))]
        keep = rng.random() < 0.6
        created = start + timedelta(seconds=span * i / n)
        f.write(json.dumps({
            'key': f'IB-{i + 1}',
            'title': r['title'],
            'description': (r.get('body') or '')[:600],
            'created': created.strftime('%Y-%m-%dT%H:%M:%SZ'),
            'components': r['components'] if keep else [],
        }) + '\n')
