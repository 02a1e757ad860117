#!/usr/bin/env bash
# The same items into SQLite and into PostgreSQL, step by step: wall time and peak RSS of
# each command (GNU time), for the README's "Run it on PostgreSQL" figures. N items
# resampled from the real Iceberg changes (scripts/bench_items.py), the Iceberg strategy.
#
#   createdb -h 127.0.0.1 -U postgres bench1m
#   scripts/bench-stores.sh 1000000 postgres://postgres@127.0.0.1:5432/bench1m
#   BIN=target/release/throughline OUT=/tmp/b scripts/bench-stores.sh 100000 postgres://...
#
# The PostgreSQL database must be empty (a fresh `createdb`); the SQLite file is made in
# OUT. Both are left in place for the load test (crates/server/examples/load.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:?usage: bench-stores.sh N POSTGRES_URL}
pg=${2:?usage: bench-stores.sh N POSTGRES_URL}
bin=${BIN:-target/release/throughline}
out=${OUT:-$(mktemp -d)}
shared=../shared/data/iceberg/commits.jsonl
[ -x "$bin" ] || { echo "no $bin: cargo build --release -p throughline-cli first" >&2; exit 1; }
mkdir -p "$out"
items=$out/items-$n.jsonl
[ -f "$items" ] || python3 scripts/bench_items.py "$n" "$items" "$shared"
db=$out/bench.db
rm -f "$db" "$db-wal" "$db-shm"

# One step on one store: wall seconds and peak RSS in MB; the phases (-v) go to a log.
step() {
  local store=$1 name=$2; shift 2
  /usr/bin/time -f "%e %M" -o "$out/time" "$bin" -v "$@" >"$out/$store.$name.out" 2>"$out/$store.$name.log"
  read -r secs kib <"$out/time"
  printf '%s\t%s\t%s\t%s\t%s\n' "$store" "$name" "$secs" "$((kib / 1024))" "$(cut -d' ' -f1-3 /proc/loadavg)" \
    | tee -a "$out/steps.tsv"
}
: >"$out/steps.tsv"
for store in sqlite postgres; do
  target=$db
  [ "$store" = postgres ] && target=$pg
  step "$store" "strategy apply" --db "$target" strategy apply examples/iceberg/strategy.toml
  step "$store" "import + align" --db "$target" import csv "$items" --source bench
  step "$store" "status --json --no-keys" --db "$target" status --json --no-keys
  step "$store" "brief" --db "$target" brief
done
# The report's own clock differs; everything else must not.
if diff <(grep -v '"at":' "$out/sqlite.status --json --no-keys.out") \
        <(grep -v '"at":' "$out/postgres.status --json --no-keys.out") >/dev/null; then
  echo "status --json: the same on both stores"
else
  echo "status --json: the stores DIFFER (see $out)" >&2
  exit 1
fi
echo "(store, step, wall s, peak RSS MB, load average 1/5/15 min after the step) in $out/steps.tsv"
