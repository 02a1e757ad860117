#!/usr/bin/env python3
"""Replays a product-path.py run directory with the project's own `eval --product-path`.

product-path.py writes WORKDIR/train.jsonl, test.jsonl (the newer work without the facts the
selectors match) and strategy.toml. A user's database holds all of that work with its facts;
this script builds that database (WORKDIR/ours.db: the strategy applied, every row imported
with its first component, epic or label put back from DATA) and prints what
`throughline eval --product-path --json` (with `--open` for the open-world mode) says, so the
two measurements can be compared side by side.

usage: product-path-ours.py BIN DATA.jsonl MODE WORKDIR
"""
import json, os, subprocess, sys

bin_, data, mode, work = sys.argv[1:5]
orig = {}
for line in open(data, encoding='utf8'):
    r = json.loads(line)
    orig[r['key']] = r
db = f'{work}/ours.db'
if os.path.exists(db):
    os.remove(db)
with open(f'{work}/full.jsonl', 'w', encoding='utf8') as out:
    for name in ('train.jsonl', 'test.jsonl'):
        for line in open(f'{work}/{name}', encoding='utf8'):
            r = json.loads(line)
            o = orig.get(r['key'])
            if name == 'test.jsonl' and o is not None:
                if mode.startswith('components'):
                    r['components'] = o['components'][:1]
                elif mode == 'epics':
                    r['epic_key'] = o.get('epic_key')
                elif mode == 'labels':
                    r['labels'] = [o['label']]
            out.write(json.dumps(r) + '\n')


def run(*args):
    p = subprocess.run([bin_, '-q', '--db', db, *args], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f'throughline {" ".join(args)} failed: {p.stderr.strip()[-300:]}')
    return p.stdout


strategy = f'{work}/strategy.toml'
if mode == 'components-open':
    # The closed strategy; `--open` leaves every other initiative out itself.
    strategy = f'{os.path.dirname(work)}/{os.path.basename(work).replace("-open", "")}/strategy.toml'
run('strategy', 'apply', strategy)
run('import', 'csv', f'{work}/full.jsonl', '--source', 'u', '--map', 'epic=epic_key')
args = ['eval', '--product-path', '--json'] + (['--open'] if mode == 'components-open' else [])
raw = run(*args)
# The whole report, items included, for studying thresholds after the run.
with open(f'{work}/ours.json', 'w', encoding='utf8') as f:
    f.write(raw)
r = json.loads(raw)
keep = ['test_items', 'covered_items', 'placed_right', 'precision_placed', 'wrongly_off_plan',
        'unclear', 'ece', 'aligned_share', 'uncovered_items', 'uncovered_placed_on_initiative']
print(json.dumps({k: r[k] for k in keep if k in r}))
