#!/usr/bin/env bash
# scripts/example.sh: installs dependencies, builds flowctl, then checks the bundled
# example catalog and runs its tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
EXAMPLE=examples/rides/flow.yaml
echo "+ build/flowctl check --source $EXAMPLE"
build/flowctl check --source "$EXAMPLE"
echo "catalog OK"
echo "+ build/flowctl test --source $EXAMPLE"
build/flowctl test --source "$EXAMPLE"
