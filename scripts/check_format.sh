#!/usr/bin/env bash
# scripts/check_format.sh: fails if any C++ file differs from .clang-format's layout.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files -co --exclude-standard -- '*.h' '*.cc' | grep -v '^build')
if ((${#files[@]} == 0)); then exit 0; fi
if ! clang-format --dry-run -Werror "${files[@]}" 2>/tmp/flowctl-format.txt; then
  grep -E "^[^ ].*: (error|warning):" /tmp/flowctl-format.txt | cut -d: -f1 | sort -u | sed 's/^/format: /'
  echo "format: run clang-format -i on the files above" >&2
  exit 1
fi
