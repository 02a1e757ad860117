#!/usr/bin/env bash
# Runs every cargo-fuzz target (fuzz/fuzz_targets/) for a bounded time and prints, per
# target, its executions, wall time and findings, as the README's table reports them.
#
#   scripts/fuzz-all.sh                 # 300 s a target (issue 24's long campaign: FUZZ_SECONDS=3600 or more)
#   FUZZ_SECONDS=5 FUZZ_DEV=1 FUZZ_SANITIZER=none scripts/fuzz-all.sh
#                                       # what .ci/run does: every target compiles and runs
#   FUZZ_JOBS=2 ... / FUZZ_TARGETS="jira_json period" ...
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz --locked`). The
# corpus grows in $FUZZ_WORK/corpus/TARGET (default target/fuzz-work, never committed),
# seeded from fuzz/seeds/TARGET (the test fixtures and hand-written files) and the first
# records of the real files in ../shared/data (extracted each run, never committed). A crash leaves its input in fuzz/artifacts/TARGET/; minimise it (`cargo
# +nightly fuzz tmin TARGET FILE`) and keep it as a regression test in the crate's tests.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-300}
jobs=${FUZZ_JOBS:-1}
work=$(realpath -m "${FUZZ_WORK:-${CARGO_TARGET_DIR:-target}/fuzz-work}")
sanitizer=${FUZZ_SANITIZER:-address}
targets=${FUZZ_TARGETS:-$(sed -n 's/^name = "\(.*\)"$/\1/p' fuzz/Cargo.toml | grep -v '^throughline-fuzz$')}
# cargo fuzz needs nightly features: the nightly toolchain where there is one, else stable
# told to allow them.
if [ -z "${FUZZ_TOOLCHAIN+x}" ]; then
  if rustup run nightly rustc --version >/dev/null 2>&1; then
    toolchain=+nightly
  else
    toolchain=
    export RUSTC_BOOTSTRAP=1
  fi
else
  toolchain=$FUZZ_TOOLCHAIN
fi
# FUZZ_DEV=1: an unoptimised build (minutes less to compile, fewer executions a second),
# for checking that every target builds and runs rather than for finding bugs.
build_flags=(--sanitizer "$sanitizer")
[ "${FUZZ_DEV:-0}" = 1 ] && build_flags+=(--dev)

# The file importers write each input to a scratch file: in memory where there is one.
[ -d /dev/shm ] && export TMPDIR=${TMPDIR:-/dev/shm}
# A smaller quarantine than ASan's 256 MB: freed memory is still poisoned for a while,
# and the small inputs run twice as fast.
export ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=16}

cargo $toolchain fuzz build "${build_flags[@]}" >&2

# The real files' first records, as seeds beside fuzz/seeds/ (the data is not copied into
# the project; without ../shared/data or python3 the committed seeds alone are used).
shared_seeds=$work/shared-seeds
if [ -d ../shared/data ] && command -v python3 >/dev/null; then
  python3 scripts/fuzz-seeds-from-shared.py ../shared/data "$shared_seeds"
fi

status=0
printf '%-14s %12s %8s %10s %s\n' target executions seconds exec/s findings
for t in $targets; do
  mkdir -p "$work/corpus/$t" "$work/logs"
  log="$work/logs/$t.log"
  started=$(date +%s)
  # -rss_limit_mb and -timeout make out-of-memory and hangs findings, not stalls;
  # -max_len lets inputs grow to a page of real issues.
  parallel=()
  [ "$jobs" -gt 1 ] && parallel=(-jobs="$jobs" -workers="$jobs")
  seeds=("$PWD/fuzz/seeds/$t")
  [ -d "$shared_seeds/$t" ] && seeds+=("$shared_seeds/$t")
  if cargo $toolchain fuzz run "${build_flags[@]}" "$t" "$work/corpus/$t" "${seeds[@]}" -- \
      -max_total_time="$seconds" "${parallel[@]}" -timeout=10 \
      -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 >"$log" 2>&1; then
    found=0
  else
    found=1
    status=1
  fi
  ended=$(date +%s)
  # With -jobs, each worker writes fuzz-N.log; sum their final stats.
  execs=$({ cat "$log"; cat fuzz-*.log fuzz/fuzz-*.log 2>/dev/null || true; } |
    sed -n 's/^stat::number_of_executed_units: *//p' | awk '{s+=$1} END {print s+0}')
  rm -f fuzz-*.log fuzz/fuzz-*.log
  # libFuzzer's own time, without the build `cargo fuzz run` may have waited for.
  secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
  secs=${secs:-$((ended - started))}
  findings=$([ "$found" = 0 ] && echo 0 ||
    grep -m1 -E "panicked at|ERROR: (libFuzzer|AddressSanitizer)" "$log" || echo "see $log")
  printf '%-14s %12s %8s %10s %s\n' "$t" "$execs" "$secs" "$((execs / (secs > 0 ? secs : 1)))" "$findings"
done
exit $status
