#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench/validate/run.sh: parse + validate the rides workload with
# `flowctl raw validate` and with Ajv (reference_ajv.mjs) on the same file, in the same
# run; prints docs/s and MB/s for both, their ratio, and flowctl's peak RSS.
#
#   bench/validate/run.sh            # 1,000,000 rides, 3 runs each, median reported
# Env: N (docs, default 1000000), RUNS (default 3), FLOWBENCH (data dir, /tmp/flowbench).
# flowctl's time is the whole process (start-up, schema compile, reading stdin, one
# output line per document to /dev/null); Ajv's excludes node start-up and compile.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
N="${N:-1000000}"
RUNS="${RUNS:-3}"
data="${FLOWBENCH:-/tmp/flowbench}"
rides="$data/rides-$N.jsonl"
schema="$root/bench/schemas/rides.schema.json"
flowctl="$root/build-release/flowctl"

mkdir -p "$data"
[[ -d "$root/build-release" ]] || meson setup "$root/build-release" --buildtype=release -Db_sanitize=none >/dev/null
if ! meson compile -C "$root/build-release" -j 2 flowctl >"$data/validate-build.log" 2>&1; then
  [[ -x "$flowctl" ]] || { cat "$data/validate-build.log" >&2; exit 1; }
  echo "warning: rebuilding flowctl failed (see $data/validate-build.log); using the existing binary" >&2
fi
[[ -f "$rides" ]] || "$root/bench/gen" -n "$N" -k 100000 --seed 42 -o "$rides"
if [[ ! -d "$root/bench/node_modules/ajv-formats" ]]; then
  (cd "$root/bench" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi

docs=$(wc -l < "$rides")
bytes=$(stat -L -c %s "$rides")

# Both sides must agree that every document is valid before anything is timed.
got=$("$flowctl" raw validate --schema "$schema" < "$rides" | grep -c '^{"valid":true}$' || true)
if [[ "$got" != "$docs" ]]; then
  echo "flowctl reported $got of $docs documents valid" >&2
  exit 1
fi

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
flow=() rss=() ajv=() flowcpu=() ajvcpu=()
for ((i = 0; i < RUNS; i++)); do
  t0=$(date +%s.%N)
  /usr/bin/time -v -o "$data/validate-time.txt" "$flowctl" raw validate --schema "$schema" < "$rides" > /dev/null
  t1=$(date +%s.%N)
  flow+=("$(echo "$t1 - $t0" | bc)")
  rss+=("$(awk -F': ' '/Maximum resident set size/ {print $2}' "$data/validate-time.txt")")
  flowcpu+=("$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u + s}' "$data/validate-time.txt")")
  line=$(node --max-old-space-size=4096 "$here/reference_ajv.mjs" "$rides" "$schema")
  [[ "$line" == *"valid=$docs "* ]] || { echo "ajv disagrees: $line" >&2; exit 1; }
  ajv+=("$(echo "$line" | sed -E 's/.* seconds=([0-9.]+).*/\1/')")
  ajvcpu+=("$(echo "$line" | sed -E 's/.*cpu_seconds=([0-9.]+).*/\1/')")
done
f=$(printf '%s\n' "${flow[@]}" | median)
a=$(printf '%s\n' "${ajv[@]}" | median)
r=$(printf '%s\n' "${rss[@]}" | sort -n | tail -1)
fc=$(printf '%s\n' "${flowcpu[@]}" | median)
ac=$(printf '%s\n' "${ajvcpu[@]}" | median)
awk -v n="$docs" -v b="$bytes" -v f="$f" -v a="$a" -v r="$r" -v runs="$RUNS" -v fc="$fc" -v ac="$ac" 'BEGIN {
  printf "validate  flowctl docs/s=%.0f MB/s=%.1f  ajv docs/s=%.0f MB/s=%.1f  ratio=%.2f\n",
    n / f, b / f / 1e6, n / a, b / a / 1e6, a / f
  printf "  %d docs, %.1f MB; median of %d runs: flowctl %.3f s, ajv %.3f s; flowctl peak RSS %.1f MB\n",
    n, b / 1e6, runs, f, a, r / 1024
  printf "  CPU time (user+sys; the machine is shared): flowctl %.3f s = %.0f docs/s, ajv %.3f s = %.0f docs/s, ratio=%.2f\n",
    fc, n / fc, ac, n / ac, ac / fc
}'
