#!/usr/bin/env bash
# scripts/build.sh: configures and builds flowctl in build/ (debug + ASan/UBSan by default).
# Extra arguments go to `meson setup`, e.g. scripts/build.sh --buildtype=release -Db_sanitize=none
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -f build/build.ninja ]]; then
  if (($# > 0)); then meson configure build "$@" >/dev/null; fi
else
  meson setup build "$@" >/dev/null
fi
meson compile -C build
