#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench/combine/run.sh: `flowctl raw combine` against DuckDB GROUP BY on the same
# generated reduce deltas, in the same run.
#
#   bench/combine/run.sh           # 1M deltas over 100k bike ids: flowctl vs DuckDB
#   bench/combine/run.sh spill     # 10M deltas over 2M ids, --memory-limit 128MiB:
#                                  # peak RSS and identical output to an unlimited run
# Env: RUNS (default 3; medians are reported), N and K (docs, keys), FLOWBENCH
# (data dir, default /tmp/flowbench).
#
# The agg workload (bench/gen --agg) is rides summed, total_s summed, last_seen
# maximized and the stations object merged with per-station sums, keyed by bike_id
# (bench/schemas/rides_agg.schema.json). Both sides are timed end to end from the JSONL
# file to a JSONL result file; outputs are then compared key by key (untimed).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
mode="${1:-compare}"
FB="${FLOWBENCH:-/tmp/flowbench}"
RUNS="${RUNS:-3}"
flowctl="$root/build-release/flowctl"
schema="$root/bench/schemas/rides_agg.schema.json"
mkdir -p "$FB"

if [[ ! -x "$flowctl" ]]; then
  [[ -d "$root/build-release" ]] || meson setup "$root/build-release" --buildtype=release -Db_sanitize=none >/dev/null
  meson compile -C "$root/build-release" -j 2 flowctl >/dev/null
fi

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# Wall seconds and peak RSS (KB) of a command with stdin/stdout redirected.
timed() {  # in out cmd...
  local in="$1" out="$2"; shift 2
  /usr/bin/time -f "%e %M" -o "$FB/.time" "$@" <"$in" >"$out"
  cat "$FB/.time"
}

if [[ "$mode" == "compare" ]]; then
  N="${N:-1000000}" K="${K:-100000}"
  data="$FB/agg-$N-$K.jsonl"
  [[ -f "$data" ]] || "$root/bench/gen" --agg -n "$N" -k "$K" -o "$data"
  if [[ ! -d "$root/bench/node_modules/@duckdb/node-api" ]]; then
    (cd "$root/bench" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
  fi
  bytes=$(stat -L -c %s "$data")
  flow=(); duck=()
  for ((i = 0; i < RUNS; i++)); do
    flow+=("$(timed "$data" "$FB/combine.flowctl.jsonl" "$flowctl" raw combine --schema "$schema" --key /bike_id | cut -d' ' -f1)")
    duck+=("$(node "$here/duckdb_reduce.mjs" "$data" "$FB/combine.duckdb.jsonl" | sed -E 's/seconds=//')")
  done
  f=$(printf '%s\n' "${flow[@]}" | median)
  d=$(printf '%s\n' "${duck[@]}" | median)
  python3 "$here/compare.py" "$FB/combine.flowctl.jsonl" "$FB/combine.duckdb.jsonl"
  echo "runs: flowctl ${flow[*]} s; duckdb ${duck[*]} s"
  awk -v f="$f" -v d="$d" -v n="$N" -v b="$bytes" 'BEGIN {
    printf "combine (%d deltas, %.1f MB)  flowctl %.3f s docs/s=%d MB/s=%.1f  duckdb %.3f s docs/s=%d MB/s=%.1f  ratio=%.2f (duckdb time / flowctl time)\n",
      n, b / 1e6, f, n / f, b / 1e6 / f, d, n / d, b / 1e6 / d, d / f }'
elif [[ "$mode" == "spill" ]]; then
  N="${N:-10000000}" K="${K:-2000000}"
  data="$FB/agg-$N-$K.jsonl"
  [[ -f "$data" ]] || "$root/bench/gen" --agg -n "$N" -k "$K" -o "$data"
  read -r t1 rss1 < <(timed "$data" "$FB/spill.limited.jsonl" "$flowctl" raw combine --schema "$schema" --key /bike_id --memory-limit 128MiB --log.level debug)
  read -r t2 rss2 < <(timed "$data" "$FB/spill.unlimited.jsonl" "$flowctl" raw combine --schema "$schema" --key /bike_id --memory-limit 64GiB)
  s1=$(sha256sum "$FB/spill.limited.jsonl" | cut -d' ' -f1)
  s2=$(sha256sum "$FB/spill.unlimited.jsonl" | cut -d' ' -f1)
  keys=$(wc -l <"$FB/spill.limited.jsonl")
  echo "spill ($N deltas over $K ids -> $keys keys)"
  echo "  --memory-limit 128MiB: $t1 s, peak RSS $((rss1 / 1024)) MB, sha256 $s1"
  echo "  unlimited:             $t2 s, peak RSS $((rss2 / 1024)) MB, sha256 $s2"
  if [[ "$s1" == "$s2" && $rss1 -lt $((256 * 1024)) ]]; then
    echo "  OK: identical output, peak RSS under 256 MB"
  else
    echo "  FAIL"; exit 1
  fi
else
  echo "usage: $0 [compare|spill]" >&2; exit 2
fi
