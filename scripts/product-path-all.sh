#!/usr/bin/env bash
# Measures the sense engine through the product's own path on every shared data set, with
# the maintainers' tool (../shared/tools/product-path.py), and prints one line per run.
#   scripts/product-path-all.sh [BIN] [OUT_DIR]      (default: target/release/throughline)
#   OURS=1 scripts/product-path-all.sh ...   also replays each run with `eval --product-path`
#                                            (scripts/product-path-ours.py), ECE and shares too
# Decide engine changes on all of these at once: a gain on one data set alone does not hold
# on the held-back ones.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/throughline}
out=${2:-$(mktemp -d)}
shared=../shared
[ -d "$shared/data" ] || { echo "no $shared/data: nothing to measure" >&2; exit 1; }
[ -f "$out/sets/storypoints.jsonl" ] || python3 scripts/product_path_sets.py "$out/sets"
run() {
  local name=$1 data=$2 mode=$3
  local line
  line=$(python3 "$shared/tools/product-path.py" "$bin" "$data" "$mode" "$out/$name-$mode")
  echo "$name $line"
  if [ -n "${OURS:-}" ]; then
    # The same split through the project's own `eval --product-path`.
    echo "$name ours $(python3 scripts/product-path-ours.py "$bin" "$data" "$mode" "$out/$name-$mode")"
  fi
}
sets=${SETS:-"iceberg appcelerator storypoints kinds"}
for s in $sets; do
  case $s in
    iceberg)
      run iceberg "$shared/data/iceberg/commits.jsonl" components
      run iceberg "$shared/data/iceberg/commits.jsonl" components-open ;;
    appcelerator)
      run appcelerator "$out/sets/appcelerator.jsonl" components
      run appcelerator "$out/sets/appcelerator.jsonl" components-open
      run appcelerator "$out/sets/appcelerator.jsonl" epics ;;
    storypoints)
      run storypoints "$out/sets/storypoints.jsonl" components
      run storypoints "$out/sets/storypoints.jsonl" components-open ;;
    kinds)
      run kinds "$out/sets/appcelerator-kinds.jsonl" labels ;;
  esac
done
