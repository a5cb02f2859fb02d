#!/usr/bin/env bash
# README command two: install dependencies, build (warnings as errors),
# run every test through ctest. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install_deps.sh
cmake --preset ci
cmake --build --preset ci --parallel "$(nproc)"
ctest --preset ci --parallel "$(nproc)"
