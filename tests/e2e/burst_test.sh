#!/usr/bin/env bash
# Burst ingest into a default fog (fog up: 3 workers, R = 2, default
# backlog limit and memory settings). `fog bench burst` replays pre-signed
# packets from 4 publishers as fast as the fog lets them (they follow
# fog/backlog) and samples the master's and the broker's RSS from /proc
# every 250 ms. Asserted, never speed:
#   1. a burst of FOG_BURST_BYTES (384 MiB by default, to stay within the
#      suite's time; bench/overload.sh runs 2 GiB and 60 s of overload,
#      docs/performance.md): every packet the broker acknowledged is
#      stored on R workers, none twice by one worker, the registry counts
#      each packet once with R copies, fog get reads every video back valid,
#      and the master's and the broker's RSS stayed under the bounds;
#   2. a second burst with kill -9 of the master in the middle: fog up
#      restarts it, it replays its journal, and the same holds: nothing the
#      broker acknowledged is lost, nothing is stored twice.
# The publishers' throughput and the fog's store rate are printed.
# Usage: burst_test.sh FOG_BINARY
set -uo pipefail
fog=$1
suite=burst
source "$(dirname "$0")/lib.sh"
bytes=${FOG_BURST_BYTES:-$((384 << 20))}
# RSS bounds (MiB), docs/performance.md ("Burst ingest"): the master's
# memory budget (256 MiB) plus the process itself; the broker's publisher
# windows and per-client queues it holds for the master and the workers.
master_bound=${MASTER_BOUND_MIB:-512}
broker_bound=${BROKER_BOUND_MIB:-768}
publishers=4
replicas=2
tmp=$(mktemp -d)
bench_pid=
# On failure the fog's directory stays, for its logs.
trap '[[ -n $bench_pid ]] && kill $bench_pid 2>/dev/null; stop_fog
  if ((failures > 0)); then rm -rf "$tmp/packets"; echo "kept $tmp"; else rm -rf "$tmp"; fi' EXIT
start_fog "$tmp/fog" || exit 1
d=$tmp/fog

# check_burst NAME: the verdict of bench burst's JSON in $tmp/NAME.json, the
# registry's counts and fog get of every video.
check_burst() {
  local name=$1 j
  j=$(cat "$tmp/$name.json")
  echo "$name: $(json "$j" "{k: j.get(k) for k in ('published', 'stored', 'held_back', 'backlog_max_mib', 'rss', 'verdict', 'errors')}")"
  echo "$name: publishers $(json "$j" "j['published']['mb_per_s']") MB/s, the fog stored $(json "$j" "j['stored']['mb_per_s']") MB/s (R copies)"
  expect "$name: no publisher failed" test "$(json "$j" "len(j['errors'])")" = 0
  expect "$name: every packet the broker acknowledged has $replicas copies" \
    test "$(json "$j" "j['verdict']['under_replicated']")" = 0
  expect "$name: no worker stored a packet twice" \
    test "$(json "$j" "j['verdict']['stored_twice_by_one_worker']")" = 0
  expect "$name: the bench saw the burst complete" \
    test "$(json "$j" "j['complete']")" = True
  local peak
  peak=$(json "$j" "int(max(j['rss']['master']['max_mib'], j['rss']['master']['vmhwm_mib']))")
  expect "$name: master RSS peak ${peak} MiB <= ${master_bound} MiB" test "$peak" -le "$master_bound"
  peak=$(json "$j" "int(max(j['rss']['broker']['max_mib'], j['rss']['broker']['vmhwm_mib']))")
  expect "$name: broker RSS peak ${peak} MiB <= ${broker_bound} MiB" test "$peak" -le "$broker_bound"
  expect "$name: RSS was sampled throughout" \
    test "$(json "$j" "min(j['rss']['master']['samples'], j['rss']['broker']['samples']) >= 4")" = True
  local i n id valid
  for i in $(seq 0 $((publishers - 1))); do
    id=$(json "$j" "j['video_ids'][$i]")
    n=$(json "$j" "j['published']['per_publisher'][$i]")
    registry_has() { [[ "$(video_field "$id" "j['packets'], j['copies'] >= $replicas * j['packets']")" = "($n, True)" ]]; }
    expect "$id: the registry counts $n packets once each, $replicas copies" \
      wait_for 60 registry_has
    "$fog" get "$id" -o "$tmp/$id.bin" --dir "$d" >"$tmp/$id.get" 2>"$tmp/$id.get.err"
    valid=$(json "$(cat "$tmp/$id.get")" "j['valid']" 2>/dev/null)
    expect "$id: fog get reads all $n packets back valid (got $valid)" test "$valid" = "$n"
    rm -f "$tmp/$id.bin"
  done
}

# --- 1. the burst
"$fog" bench burst --dir "$d" --bytes "$bytes" --publishers $publishers \
  --replicas $replicas --work-dir "$tmp/packets" >"$tmp/first.json" 2>"$tmp/first.err"
expect "bench burst exits 0" test $? = 0 || tail -n 20 "$tmp/first.err"
check_burst first

# --- 2. a second burst; kill -9 of the master in its middle
received() { metric "$d" master fog_master_packets_received_total; }
before=$(received)
packets=$((bytes >> 20))
"$fog" bench burst --dir "$d" --bytes "$bytes" --publishers $publishers \
  --replicas $replicas --work-dir "$tmp/packets" >"$tmp/second.json" 2>"$tmp/second.err" &
bench_pid=$!
half_in() { (($(received) - before >= packets / 2)); }
expect "the master took half of the second burst" wait_for 300 half_in
master=$(pgrep -f -- "$d/roles/master.conf" | head -n 1)
kill -9 "$master"
replaced() {
  local pid
  pid=$(pgrep -f -- "$d/roles/master.conf" | head -n 1)
  [[ -n $pid && $pid != "$master" ]]
}
expect "fog up restarted the master" wait_for 30 replaced
wait "$bench_pid"
expect "bench burst exits 0 across the master's kill" test $? = 0 || tail -n 20 "$tmp/second.err"
bench_pid=
expect "the restarted master replayed its journal" \
  grep -q "journal .*to dispatch again" "$d/logs/master.log"
check_burst second
finish
