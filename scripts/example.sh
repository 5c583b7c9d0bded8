#!/usr/bin/env bash
# scripts/example.sh: installs dependencies, builds flowctl, and runs it on the bundled example.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
EXAMPLE=examples/rides/flow.yaml
echo "+ build/flowctl check --source $EXAMPLE"
build/flowctl check --source "$EXAMPLE"
echo "catalog OK"
