#!/usr/bin/env bash
# scripts/test.sh: installs dependencies, builds with ASan+UBSan, checks formatting and
# layering, runs every test, and prints "N passed, M failed" as its last line.
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }
if ! scripts/build.sh; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

lint_failed=0
scripts/check_format.sh || lint_failed=1
scripts/check_layering.sh || lint_failed=$((lint_failed + 1))

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
meson test -C build --print-errorlogs --num-processes 2 "$@" >build/test-output.txt 2>&1
meson_rc=$?
grep -E "^ *[0-9]+/[0-9]+ " build/test-output.txt || true
if ((meson_rc != 0)); then
  echo "--- failures ---"
  tail -n 200 build/test-output.txt
fi

summary=$(python3 tests/summarize.py build/meson-logs/testlog.json)
read -r passed _ failed _ <<<"${summary//,/}"
failed=$((failed + lint_failed))
echo "lint: ${lint_failed} failed check(s)"
echo "${passed} passed, ${failed} failed"
((failed == 0 && meson_rc == 0))
