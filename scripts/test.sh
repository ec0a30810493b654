#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite: unit, integration and
# fuzz-regression tests in the release build, then again under AddressSanitizer + UBSan, then the
# libFuzzer targets built with clang over their corpora (scripts/fuzz-check.sh).
# Usage: scripts/test.sh [preset...]   (default: release asan fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# The browser test of the review UI must run in CI, never skip silently.
export TRIAGENT_REQUIRE_UI_TEST="${TRIAGENT_REQUIRE_UI_TEST:-1}"
presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(release asan fuzz)
jobs="$(nproc)"
for preset in "${presets[@]}"; do
  if [ "$preset" = fuzz ]; then
    echo "== fuzz: build and replay the corpora" >&2
    start=$(date +%s)
    scripts/fuzz-check.sh
    echo "== fuzz: done in $(( $(date +%s) - start )) s" >&2
    continue
  fi
  echo "== $preset: build" >&2
  start=$(date +%s)
  scripts/build.sh "$preset"
  echo "== $preset: built in $(( $(date +%s) - start )) s" >&2
  echo "== $preset: tests" >&2
  ctest --preset "$preset" -j "$jobs" --timeout 300
done
