#!/usr/bin/env bash
# tests/e2e/acceptance.sh: runs the shared acceptance suite (../shared/acceptance) against
# the built flowctl and reports its counts in the e2e summary form.
set -uo pipefail
flowctl="$1"
suite="$2/run.sh"
if [[ ! -x "$suite" && ! -f "$suite" ]]; then
  echo "acceptance suite not found at $suite"
  exit 77  # meson: skipped
fi
out=$(bash "$suite" "$flowctl" 2>&1)
rc=$?
echo "$out"
last=$(tail -n 1 <<<"$out")
echo "e2e: $last"
exit $rc
