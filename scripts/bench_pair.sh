#!/usr/bin/env bash
# Compares two builds of analyzer_bench by paired, alternating runs: single runs on a shared VM
# drift by several percent over minutes, more than most changes worth measuring. Prints, for each
# figure, the median of the per-pair ratios B/A with its quartiles; two identical binaries give
# 1.00 with quartiles within about one percent.
#
#   scripts/bench_pair.sh OLD/analyzer_bench NEW/analyzer_bench [PART] [MB] [PAIRS]
#     PART: all, classify or redact (default classify); MB per run (default 20); PAIRS (default 30)
set -euo pipefail
if [[ $# -lt 2 ]]; then
  sed -n '2,9p' "$0" >&2
  exit 64
fi
a=$1 b=$2 part=${3:-classify} mb=${4:-20} pairs=${5:-30}
logs=${TRIAGENT_BENCH_LOGS:-$(cd "$(dirname "$0")/.." && pwd)/../shared/data/logs/raw}
figures() {  # "label MB/s" per figure line of one run
  "$1" "$logs" "$mb" "$part" 1 | sed -n 's/^\([a-z].*\): [0-9.]* MB in .* = \([0-9.]*\) MB\/s.*/\1|\2/p'
}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for ((i = 0; i < pairs; i++)); do
  paste -d'|' <(figures "$a") <(figures "$b") >> "$tmp"  # label|a|label|b
done
awk -F'|' '{ print $1 "|" $4 / $2 "|" $2 "|" $4 }' "$tmp" | sort -t'|' -k1,1 -k2,2g |
  awk -F'|' '
    function flush() {
      if (n == 0) return
      printf "%-58s ratio %.3f (q1 %.3f, q3 %.3f; n %d)\n", label, r[int((n - 1) / 2) + 1], r[int(n / 4) + 1], r[int(3 * n / 4) + 1], n
    }
    $1 != label { flush(); label = $1; n = 0 }
    { r[++n] = $2 }
    END { flush() }'
