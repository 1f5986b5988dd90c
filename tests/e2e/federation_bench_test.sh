#!/usr/bin/env bash
# bench/federation_bench.sh end to end, small: one round with 4 s videos on
# two real linked fogs. Asserted: it exits 0 and prints its result lines
# (per video, the medians of the local and through-peer fetches and their
# ratio). The numbers themselves are not judged here (docs/performance.md).
# Usage: federation_bench_test.sh FOG_BINARY
set -uo pipefail
fog=$1
suite=federation_bench
source "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
SECONDS_OF_VIDEO=4 bash "$root/bench/federation_bench.sh" "$fog" 1 >"$out" 2>&1
rc=$?
expect "the bench exits 0 ($rc; $(tail -c 400 "$out"))" test $rc = 0
for kind in small large; do
  rows=$(grep -A4 "^round 1, $kind:" "$out")
  expect "a row for $kind, local" grep -q "^  local " <<<"$rows"
  expect "a row for $kind, through the peer" grep -q "^  peer-cold " <<<"$rows"
  expect "median $kind local" grep -Eq "^median $kind local: first packet [0-9.]+ ms, elapsed [0-9.]+ ms, [0-9.]+ MB/s" "$out"
  expect "median $kind peer-cold" grep -Eq "^median $kind peer-cold: first packet [0-9.]+ ms" "$out"
  expect "ratio $kind peer-cold/local" grep -Eq "^ratio $kind peer-cold/local: first packet [0-9.]+, elapsed [0-9.]+, MB/s [0-9.]+" "$out"
  # With the federation's packet cache, a warm fetch too.
  if "$fog" federation --help 2>&1 | grep -q -- --cache-mb; then
    expect "ratio $kind peer-warm/local" grep -Eq "^ratio $kind peer-warm/local: " "$out"
  fi
done
expect "the load is reported" grep -q "^load after: " "$out"
finish
