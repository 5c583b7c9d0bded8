#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench/derive/run.sh: SQLite derivations: N rides (bench/gen) through (a) a pure mapping
# lambda (mapping.sql) and (b) a stateful upsert lambda (upsert.sql: INSERT ... ON
# CONFLICT DO UPDATE ... RETURNING), by `flowctl preview --fixture` and, in the same run,
# by raw SQLite executing the same statements with the same bound values in one
# transaction (reference_sqlite.cc). Then the wall time of `flowctl test` over every
# catalog of the acceptance suite.
#
#   bench/derive/run.sh [N]          (default 1000000)
# Env: RUNS (default 3; medians are reported), TXN (fixture documents per transaction,
# default 10000), FLOWBENCH (default /tmp/flowbench).
#
# flowctl's time is the whole process: catalog load, reading and parsing the fixture,
# validating every source document against rides.schema.json, UUIDs, binding, SQLite,
# mapping rows to documents, validating and combining outputs by key, commits, and
# printing JSON lines (to /dev/null). The reference's is SQLite alone: open, migrate,
# prepare, BEGIN, bind/step/read columns/reset per row, COMMIT (rows preloaded).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
N="${1:-1000000}"
RUNS="${RUNS:-3}"
TXN="${TXN:-10000}"
FB="${FLOWBENCH:-/tmp/flowbench}"
data="$FB/derive-$N"
flowctl="$root/build-release/flowctl"
ref="$FB/derive_reference_sqlite"

[[ -d "$root/build-release" ]] || meson setup "$root/build-release" --buildtype=release -Db_sanitize=none >/dev/null
meson compile -C "$root/build-release" -j 2 flowctl >/dev/null
mkdir -p "$data"
if [[ ! -x "$ref" || "$here/reference_sqlite.cc" -nt "$ref" ]]; then
  g++ -O3 -std=c++20 "$here/reference_sqlite.cc" -lsqlite3 -o "$ref"
fi
if [[ ! -f "$data/rides.jsonl" ]]; then
  "$root/bench/gen" -n "$N" -k 100000 --seed 42 -o "$data/rides.jsonl"
  "$root/bench/gen" -n "$N" -k 100000 --seed 42 --csv rides -o "$data/rides.csv"
fi
fixture="$data/fixture-$TXN.json"
if [[ ! -f "$fixture" ]]; then
  # One [collection, document] pair per ride, TXN rides per transaction.
  awk -v n="$TXN" 'BEGIN { printf "[" }
    { if ((NR - 1) % n == 0) { if (NR > 1) printf "],\n"; printf "[" } else printf ",\n"
      printf "[\"bench/rides\",%s]", $0 }
    END { if (NR > 0) printf "]"; printf "]\n" }' "$data/rides.jsonl" >"$fixture"
fi
bytes=$(stat -c %s "$data/rides.jsonl")

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now() { date +%s.%N; }

bench() {  # NAME DERIVATION MIGRATION LAMBDA
  local name="$1" derivation="$2" migration="$3" lambda="$4" f=() r=() t0 t1 lines rows
  for ((i = 0; i < RUNS; i++)); do
    t0=$(now)
    lines=$("$flowctl" preview --source "$here/flow.yaml" --name "$derivation" --fixture "$fixture" | wc -l)
    t1=$(now)
    f+=("$(echo "$t1 - $t0" | bc)")
    local out
    out=$("$ref" "$name" "$data/rides.csv" "$migration" "$lambda")
    r+=("$(sed -E 's/.*seconds=([0-9.]+).*/\1/' <<<"$out")")
    rows=$(sed -E 's/.* rows=([0-9]+).*/\1/' <<<"$out")
  done
  local fs rs
  fs=$(printf '%s\n' "${f[@]}" | median)
  rs=$(printf '%s\n' "${r[@]}" | median)
  awk -v name="$name" -v n="$N" -v b="$bytes" -v fs="$fs" -v rs="$rs" -v lines="$lines" -v rows="$rows" 'BEGIN {
    printf "%s  flowctl docs/s=%d MB/s=%.1f  sqlite3 docs/s=%d MB/s=%.1f  ratio=%.2f  (flowctl %.3fs, %d docs out after combining; sqlite3 %.3fs, %d rows)\n",
      name, n / fs, b / 1e6 / fs, n / rs, b / 1e6 / rs, rs / fs, fs, lines, rs, rows }'
}

echo "workload: $N rides ($((bytes / 1000000)) MB JSONL), $TXN per fixture transaction, median of $RUNS"
bench derive_map bench/mapped - "$here/mapping.sql"
bench derive_upsert bench/bikes "$here/migration.sql" "$here/upsert.sql"

acceptance="$root/../shared/acceptance/catalogs"
if [[ -d "$acceptance" ]]; then
  a=()
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  for ((i = 0; i < RUNS; i++)); do
    t0=$(now)
    for c in "$acceptance"/*/; do
      (cd "$work" && "$flowctl" test --source "$c/flow.yaml" >/dev/null)
    done
    t1=$(now)
    a+=("$(echo "$t1 - $t0" | bc)")
  done
  printf 'flowctl test over %d acceptance catalogs: %.3f s wall (median of %d; one process per catalog)\n' \
    "$(ls -d "$acceptance"/*/ | wc -l)" "$(printf '%s\n' "${a[@]}" | median)" "$RUNS"
fi
