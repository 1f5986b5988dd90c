#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD_DIR, SECONDS in total split evenly
# between them (at least 1 s each), from a seed corpus generated on the spot
# (valid payloads of every format, a fragmented MP4, a JSON body of each
# kind), and fails on any crash, leak or sanitizer report.
#   scripts/fuzz.sh BUILD_DIR [SECONDS]   (default 60)
set -euo pipefail
build=${1:?usage: fuzz.sh BUILD_DIR [SECONDS]}
seconds=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

targets=(video_packet_fuzz legacy_payload_fuzz envelope_fuzz certificate_fuzz
  fmp4_splitter_fuzz fragment_inspector_fuzz json_bodies_fuzz)
each=$((seconds / ${#targets[@]}))
((each >= 1)) || each=1
echo "fuzz: ${#targets[@]} targets, ${each}s each (${seconds}s in total)"

python3 "$root/fuzz/make_corpus.py" "$work/seeds"

status=0
for target in "${targets[@]}"; do
  mkdir -p "$work/$target"
  echo "fuzz: $target for ${each}s"
  if ! "$build/fuzz/$target" -max_total_time="$each" -max_len=300000 \
      -rss_limit_mb=2048 -artifact_prefix="$work/$target-" -print_final_stats=1 \
      "$work/$target" "$work/seeds" 2>"$work/$target.log"; then
    tail -n 40 "$work/$target.log"
    status=1
  else
    grep -E "stat::number_of_executed_units|Done" "$work/$target.log" | tail -n 2
  fi
done
exit $status
