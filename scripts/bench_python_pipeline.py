#!/usr/bin/env python3
"""The notebook a data-savvy user would write instead of Throughline, for the side-by-side
benchmark (scripts/bench-vs-python.sh): pandas loads the export, the strategy's component
selectors become a dictionary, TF-IDF + a linear SVM place the unlinked rest, a groupby
gives the shares. Prints one JSON object: each step's seconds, and the peak RSS.

usage: bench_python_pipeline.py ITEMS.jsonl STRATEGY.toml
"""
import json
import resource
import sys
import time
import tomllib

import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

items_path, strategy_path = sys.argv[1:3]
steps = {}


def step(name, t0):
    steps[name] = round(time.perf_counter() - t0, 2)
    return time.perf_counter()


t = time.perf_counter()
df = pd.read_json(items_path, lines=True)
t = step('load', t)

strategy = tomllib.load(open(strategy_path, 'rb'))
by_component = {}
goal_of = {}
for ini in strategy.get('initiative', []):
    goal_of[ini['id']] = (ini.get('goals') or [None])[0]
    for c in ini.get('components', []):
        by_component.setdefault(c.lower(), ini['id'])


def explicit(components):
    for c in components:
        hit = by_component.get(str(c).lower())
        if hit:
            return hit
    return None


df['initiative'] = df['components'].map(explicit)
t = step('explicit links', t)

text = df['title'].fillna('') + ' ' + df['description'].fillna('')
linked = df['initiative'].notna()
vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, max_features=200_000)
x_linked = vec.fit_transform(text[linked])
svm = LinearSVC(C=0.5).fit(x_linked, df.loc[linked, 'initiative'])
t = step('train', t)

unlinked = ~linked
if unlinked.any():
    df.loc[unlinked, 'initiative'] = svm.predict(vec.transform(text[unlinked]))
t = step('infer', t)

df['goal'] = df['initiative'].map(goal_of)
shares = df.groupby('goal', dropna=False).size() / len(df)
t = step('shares', t)

peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({'steps': steps, 'total': round(sum(steps.values()), 2),
                  'peak_rss_mb': round(peak_kib / 1024), 'goals': len(shares)}))
