#!/usr/bin/env bash
# `fog bench datapath` end to end, small: against a fog it starts itself
# (and removes afterwards) and against a running one, every run completes
# (the raw path with Paho and with libmosquitto, the fog path),
# the fog's packets are stored with two copies and registered, the CPU is
# broken down by role, and bad options are refused. Also: the broker runs
# with the malloc settings of common/heap_tuning.h. The numbers themselves
# are not judged here (docs/performance.md).
# Usage: bench_test.sh FOG_BINARY
set -uo pipefail
fog=$1
suite=bench
source "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'stop_fog; rm -rf "$tmp"' EXIT
# The broker's check below expects only our malloc settings.
unset GLIBC_TUNABLES

# check_runs JSON_FILE N64 N1M WARMUP: every run complete, nothing failed.
check_runs() {
  local j
  j=$(cat "$1")
  expect "the benchmark is complete" test "$(json "$j" "j['incomplete']")" = False
  for path in raw raw_mosquitto raw_mosquitto_window fog; do
    for size in 64KiB 1MiB; do
      local n=$2
      [[ $size == 1MiB ]] && n=$3
      expect "$path $size: $n of $n received" \
        test "$(json "$j" "j['$path']['$size']['completed']")" = "$n"
      expect "$path $size: none failed" \
        test "$(json "$j" "j['$path']['$size']['failed']")" = 0
      expect "$path $size: a rate and latencies" \
        test "$(json "$j" "(j['$path']['$size']['mb_per_s'] > 0 and
          0 < j['$path']['$size']['latency_ms']['p50'] <= j['$path']['$size']['latency_ms']['p99'])")" = True
    done
    expect "$path warm-up: $4 received" \
      test "$(json "$j" "j['warmup_64KiB']['$path']['completed']")" = "$4"
  done
  # A few 1 MiB messages through the raw path may cost less than a clock
  # tick of CPU (their CPU then reads 0): only the 64 KiB runs must have a
  # CPU ratio, here and below.
  expect "rate ratios for both sizes, a CPU ratio for 64 KiB" \
    test "$(json "$j" "all(j['ratio_fog_to_raw'][s] > 0 for s in ('64KiB', '1MiB')) and j['cpu_bound_ratio']['64KiB'] > 0")" = True
  # The libmosquitto runs of this size spend 0-2 clock ticks of CPU each,
  # so their CPU ratio may read 0 (or null, over a Paho run of 0 ticks).
  expect "libmosquitto against Paho on the raw path, both sizes" \
    test "$(json "$j" "all(j[r][s]['mb_per_s'] > 0 and 'cpu_ms_per_message' in j[r][s] for r in ('ratio_mosquitto_to_paho', 'ratio_mosquitto_window_to_paho') for s in ('64KiB', '1MiB'))")" = True
  expect "the fog's CPU is spent in broker, master and workers" \
    test "$(json "$j" "all(j['fog']['64KiB']['cpu']['seconds'][r] > 0 for r in ('broker', 'master', 'worker'))")" = True
  expect "the raw path leaves the workers idle" \
    test "$(json "$j" "j['raw']['64KiB']['cpu']['seconds']['worker'] < j['fog']['64KiB']['cpu']['seconds']['worker']")" = True
}

# --- a fog of its own, started and removed
"$fog" bench datapath --dir "$tmp/absent" --packets-64k 300 --packets-1m 4 \
  --warmup-64k 100 >"$tmp/own.json" 2>"$tmp/own.err"
expect "bench datapath exits 0 with a fog of its own" test $? = 0
check_runs "$tmp/own.json" 300 4 100
own_dir=$(json "$(cat "$tmp/own.json")" "j['fog_instance']['dir']")
expect "it says it started the fog" \
  test "$(json "$(cat "$tmp/own.json")" "j['fog_instance']['started_by_bench']")" = True
expect "the fog it started is gone ($own_dir)" test ! -e "$own_dir"
# Not through sh -c: pgrep would find that shell's own command line.
no_process_under() { ! pgrep -f -- "$1" >/dev/null; }
expect "no process of that fog is left" no_process_under "$own_dir"

# --- a running fog: the packets stay, registered, two copies each
start_fog "$tmp/fog" || exit 1
"$fog" bench datapath --dir "$tmp/fog" --packets-64k 200 --packets-1m 3 \
  --warmup-64k 50 >"$tmp/run.json" 2>"$tmp/run.err"
expect "bench datapath exits 0 on a running fog" test $? = 0
check_runs "$tmp/run.json" 200 3 50
expect "it says it used the running fog" \
  test "$(json "$(cat "$tmp/run.json")" "j['fog_instance']['started_by_bench']")" = False
video=$(json "$(cat "$tmp/run.json")" "j['fog']['64KiB']['video_id']")
wait_for 20 video_complete "$video"
expect "the registry holds $video, complete" video_complete "$video"
# Each worker reports its copies on its own round: wait for the second ones.
expect "200 packets, 400 copies" \
  wait_for 20 video_field_is "$video" "(j['packets'], j['copies'])" "(200, 400)"

# --- the broker fog up started keeps message buffers in its heap
broker_pid=$(pgrep -f "mosquitto -c $tmp/fog/" | head -n 1)
# glibc cuts the variable at its first ':' in place while parsing it, so
# /proc shows the first setting only.
expect "fog up started the broker with glibc's malloc thresholds raised" \
  grep -qz '^GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432' \
  "/proc/$broker_pid/environ"

# --- bad options
for bad in "--packets-64k 0" "--warmup-64k -1" "--replicas 4" "--timeout 0"; do
  # shellcheck disable=SC2086
  "$fog" bench datapath --dir "$tmp/fog" $bad >"$tmp/bad.out" 2>"$tmp/bad.err"
  code=$?
  expect "$bad is refused (exit $code)" test "$code" != 0
  expect "$bad: the error names the option" grep -q -- "${bad%% *}" "$tmp/bad.err"
done
finish
