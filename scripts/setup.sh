#!/usr/bin/env bash
# scripts/setup.sh: installs every system package flowctl builds and tests with (idempotent).
set -euo pipefail

PACKAGES=(
  build-essential g++ cmake meson ninja-build pkg-config python3 clang-format
  libcli11-dev libyaml-cpp-dev libsimdjson-dev libsqlite3-dev libuv1-dev libfmt-dev doctest-dev
  zlib1g-dev libzstd-dev libdeflate-dev libcurl4-openssl-dev libssl-dev libpq-dev
  sqlite3 gzip
)

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  SUDO="sudo"
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  echo "setup: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# DuckDB (npm @duckdb/node-api) for the end-to-end tests that query the data lake
# (tests/e2e/ingest_test.py); installed once into tests/e2e/node/node_modules.
e2e_node="$(cd "$(dirname "$0")/.." && pwd)/tests/e2e/node"
if command -v npm >/dev/null && [[ ! -d $e2e_node/node_modules/@duckdb/node-api ]]; then
  echo "setup: npm install --prefix tests/e2e/node" >&2
  npm install --prefix "$e2e_node" --no-audit --no-fund --loglevel=error >/dev/null ||
    echo "setup: warning: npm install failed; the DuckDB end-to-end checks will fail" >&2
fi
