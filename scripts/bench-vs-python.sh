#!/usr/bin/env bash
# Side by side on the same file: Throughline's whole job (import with alignment, status,
# brief) against the notebook a user would write instead (pandas + TF-IDF + a linear SVM,
# scripts/bench_python_pipeline.py, pinned in a venv this script makes). N items resampled
# from the real Iceberg changes (scripts/bench_items.py), with examples/iceberg/strategy.toml.
#
#   scripts/bench-vs-python.sh 1000000          # issue 26's comparison (Python takes minutes)
#   BIN=target/release/throughline OUT=/tmp/b scripts/bench-vs-python.sh 100000
#
# Prints each step's wall time and peak RSS for both, and the ratio of the whole jobs.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
bin=${BIN:-target/release/throughline}
out=${OUT:-$(mktemp -d)}
shared=../shared/data/iceberg/commits.jsonl
[ -f "$shared" ] || { echo "no $shared: the benchmark resamples the real Iceberg changes" >&2; exit 1; }
[ -x "$bin" ] || { echo "no $bin: cargo build --release -p throughline-cli first" >&2; exit 1; }
venv=${BENCH_VENV:-${CARGO_TARGET_DIR:-target}/bench-venv}
if ! "$venv/bin/python" -c 'import pandas, sklearn' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check pandas==3.1.2 scikit-learn==1.9.1
fi
mkdir -p "$out"
items=$out/items-$n.jsonl
[ -f "$items" ] || python3 scripts/bench_items.py "$n" "$items" "$shared"
db=$out/bench.db
rm -f "$db" "$db-wal" "$db-shm"

# One step: its wall seconds and peak RSS in MB, from GNU time.
timed() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$out/time" "$@" >/dev/null
  read -r secs kib <"$out/time"
  printf '%s\t%s\t%s\n' "$name" "$secs" "$((kib / 1024))" >>"$out/steps.tsv"
}
: >"$out/steps.tsv"
timed "strategy apply" "$bin" -q --db "$db" strategy apply examples/iceberg/strategy.toml
timed "import + align" "$bin" -q --db "$db" import csv "$items" --source bench
timed "status --json --no-keys" "$bin" -q --db "$db" status --json --no-keys
timed "brief" "$bin" -q --db "$db" brief
py_json=$(/usr/bin/time -f "%e %M" -o "$out/time" \
  "$venv/bin/python" scripts/bench_python_pipeline.py "$items" examples/iceberg/strategy.toml)
read -r py_secs py_kib <"$out/time"

python3 - "$out/steps.tsv" "$py_json" "$py_secs" "$py_kib" "$n" <<'PY'
import json, sys
steps_path, py_json, py_secs, py_kib, n = sys.argv[1:6]
ours = [line.rstrip('\n').split('\t') for line in open(steps_path)]
py = json.loads(py_json)
ours_total = sum(float(s) for _, s, _ in ours)
ours_peak = max(int(m) for _, _, m in ours)
print(f"{int(n):,} items (Iceberg changes resampled), 2 cores unless said otherwise\n")
print("| Throughline step | wall s | peak RSS MB |")
print("|---|---|---|")
for name, s, m in ours:
    print(f"| {name} | {float(s):.1f} | {m} |")
print(f"| **whole job** | **{ours_total:.1f}** | **{ours_peak}** |\n")
print("| Python step (pandas + scikit-learn) | wall s |")
print("|---|---|")
for name, s in py['steps'].items():
    print(f"| {name} | {s:.1f} |")
print(f"| **whole job** (with interpreter start) | **{float(py_secs):.1f}** (peak RSS {int(py_kib) // 1024} MB) |\n")
print(f"Throughline is {float(py_secs) / ours_total:.1f}x the Python pipeline's speed, "
      f"at {ours_peak / (int(py_kib) / 1024):.2f}x its peak memory.")
PY
