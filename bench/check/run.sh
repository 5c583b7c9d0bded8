#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench/check/run.sh: time `flowctl check` on a generated catalog of 2,000 collections
# (1,000 SQLite derivations) and 1,000 tests, next to the same schema and SQLite work
# done by reference tools (Ajv for schemas and ingest documents, Python's sqlite3 for
# migrations and statement preparation) on the same catalog in the same run.
#
#   bench/check/run.sh [COLLECTIONS DERIVATIONS TESTS]
# Env: RUNS (default 3; the median is reported), FLOWBENCH (default /tmp/flowbench).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
C="${1:-2000}" D="${2:-1000}" T="${3:-1000}"
RUNS="${RUNS:-3}"
data="${FLOWBENCH:-/tmp/flowbench}/check-$C-$D-$T"

if [[ ! -x "$root/build-release/flowctl" ]]; then
  [[ -d "$root/build-release" ]] || meson setup "$root/build-release" --buildtype=release -Db_sanitize=none >/dev/null
  meson compile -C "$root/build-release" -j 2 flowctl >/dev/null
fi
[[ -f "$data/catalog.json" ]] || python3 "$here/gen_catalog.py" --out "$data" --collections "$C" --derivations "$D" --tests "$T"
if [[ ! -d "$root/bench/node_modules/ajv" ]]; then
  (cd "$root/bench" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
secs() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }

flow=(); ajv=(); sql=()
for ((i = 0; i < RUNS; i++)); do
  flow+=("$(secs "$root/build-release/flowctl" check --source "$data/flow.yaml")")
  ajv+=("$(node "$here/reference_ajv.mjs" "$data" | sed -E 's/.*seconds=([0-9.]+).*/\1/')")
  sql+=("$(python3 "$here/reference_sqlite.py" "$data" | sed -E 's/.*seconds=([0-9.]+).*/\1/')")
done
f=$(printf '%s\n' "${flow[@]}" | median)
a=$(printf '%s\n' "${ajv[@]}" | median)
s=$(printf '%s\n' "${sql[@]}" | median)
ref=$(echo "$a + $s" | bc)
echo "catalog: $C collections ($D SQLite derivations), $T tests; $(du -sh "$data" | cut -f1) on disk"
printf 'flowctl check (load YAML + resolve + full validation + SQLite): %.3f s (median of %d; target < 2 s)\n' "$f" "$RUNS"
printf 'reference: ajv compile+validate %.3f s + python sqlite3 migrate+prepare %.3f s = %.3f s\n' "$a" "$s" "$ref"
printf 'ratio: flowctl / reference = %.2f (flowctl also parses YAML, checks keys, projections and selectors)\n' \
  "$(echo "$f / $ref" | bc -l)"
echo "where the time goes (flowctl --log.level=debug):"
"$root/build-release/flowctl" --log.level=debug check --source "$data/flow.yaml" 2>&1 | grep 'catalog:' | sed 's/^/  /'
