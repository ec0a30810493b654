#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite: unit, integration and
# fuzz-regression tests in the release build, then again under AddressSanitizer + UBSan.
# Usage: scripts/test.sh [preset...]   (default: release asan)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# The browser test of the review UI must run in CI, never skip silently.
export TRIAGENT_REQUIRE_UI_TEST="${TRIAGENT_REQUIRE_UI_TEST:-1}"
presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(release asan)
jobs="$(nproc)"
for preset in "${presets[@]}"; do
  echo "== $preset: build" >&2
  start=$(date +%s)
  scripts/build.sh "$preset"
  echo "== $preset: built in $(( $(date +%s) - start )) s" >&2
  echo "== $preset: tests" >&2
  ctest --preset "$preset" -j "$jobs" --timeout 300
done
