#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD_DIR for SECONDS each, from a seed
# corpus generated on the spot (valid payloads of every format), and fails
# on any crash, leak or sanitizer report.
set -euo pipefail
build=${1:?usage: fuzz.sh BUILD_DIR SECONDS}
seconds=${2:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 "$root/fuzz/make_corpus.py" "$work/seeds"

status=0
for target in video_packet_fuzz legacy_payload_fuzz envelope_fuzz; do
  mkdir -p "$work/$target"
  echo "fuzz: $target for ${seconds}s"
  if ! "$build/fuzz/$target" -max_total_time="$seconds" -max_len=300000 \
      -rss_limit_mb=2048 -artifact_prefix="$work/$target-" -print_final_stats=1 \
      "$work/$target" "$work/seeds" 2>"$work/$target.log"; then
    tail -n 40 "$work/$target.log"
    status=1
  else
    grep -E "stat::number_of_executed_units|Done" "$work/$target.log" | tail -n 2
  fi
done
exit $status
