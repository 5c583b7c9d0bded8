#!/usr/bin/env bash
# scripts/check_layering.sh: rejects includes that point up the module stack.
# base < doc < catalog; base < storage; runtime uses all of those; cli uses everything.
set -euo pipefail
cd "$(dirname "$0")/.."
declare -A allowed=(
  [base]="base"
  [doc]="base doc"
  [catalog]="base doc catalog"
  [storage]="base doc storage"
  [runtime]="base doc catalog storage runtime"
  [cli]="base doc catalog storage runtime cli"
)
bad=0
for mod in "${!allowed[@]}"; do
  [[ -d src/$mod ]] || continue
  while IFS=: read -r file _ inc; do
    target=$(sed -E 's/.*#include "([a-z_]+)\/.*/\1/' <<<"$inc")
    [[ $target == tests ]] && continue
    if [[ " ${allowed[$mod]} " != *" $target "* ]]; then
      echo "layering: $file includes $target/ (src/$mod may include: ${allowed[$mod]})"
      bad=1
    fi
  done < <(grep -rnE '^#include "[a-z_]+/' "src/$mod" --include='*.h' --include='*.cc' || true)
done
exit $bad
