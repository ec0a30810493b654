#!/usr/bin/env bash
# Builds every libFuzzer target with clang (preset fuzz: ASan + UBSan + coverage) and runs each once
# over its checked-in corpus (-runs=0: a replay, no new inputs, so the result does not depend on
# luck or time). The gcc builds replay the same corpora through <name>_replay; this step keeps the
# clang build compiling (it rotted once unseen: clang-only errors) and runs the corpora under
# clang's sanitizers. Fuzzing for new inputs: tests/fuzz/README.md.
# Usage: scripts/fuzz-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
targets=()
for dir in tests/fuzz/corpus/*/; do targets+=("$(basename "$dir")"); done
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target "${targets[@]}"
failed=()
for t in "${targets[@]}"; do
  log="build/fuzz/${t}.replay.log"
  if build/fuzz/tests/fuzz/"$t" -runs=0 -timeout=30 -rss_limit_mb=2048 "tests/fuzz/corpus/$t" >"$log" 2>&1; then
    echo "fuzz-check: $t: corpus of $(ls "tests/fuzz/corpus/$t" | wc -l) inputs replayed clean" >&2
  else
    echo "fuzz-check: $t FAILED, log $log:" >&2
    tail -n 30 "$log" >&2
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz-check: failed: ${failed[*]}" >&2
  exit 1
fi
