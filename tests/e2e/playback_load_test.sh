#!/usr/bin/env bash
# Bounded playback under load, on a real fog (fog up: mosquitto, API, master,
# 3 workers, replication 2). While `fog stream --realtime` publishes a live
# video, 200 concurrent HLS requests (a quarter for made-up ids) hit the API
# and 200 fog/get packet requests for a long video hit the workers at once.
# Asserted: every HTTP request gets a status (made-up ids 404, the rest 200 or
# 503), workers refuse what their viewer queue cannot hold ("viewer-busy",
# counted) rather than queue it, the API's and workers' peak memory stay
# under the bounds docs/performance.md states, every packet of the live
# video is stored twice, and `fog get` still fetches the long video whole
# and verified (paging).
# Usage: playback_load_test.sh FOG_BINARY
set -uo pipefail
fog=$1
suite=playback_load
source "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
probe="python3 $root/bench/fog_probe.py"
# Peak RSS bounds (MiB): the API's HLS cache (256 MiB by default) plus its
# fetches in flight (64 MiB) plus the process itself; a worker's viewer
# queue and reply backlog are a few MiB over its base.
api_bound=${API_BOUND_MIB:-400}
worker_bound=${WORKER_BOUND_MIB:-160}
requests=${REQUESTS:-200}
tmp=$(mktemp -d)
live_pid=
trap '[[ -n $live_pid ]] && kill $live_pid 2>/dev/null; stop_fog; rm -rf "$tmp"' EXIT
start_fog "$tmp/fog" || exit 1

# A long video: 60 s at 4 Mbit/s, some 30 MB: longer than a page.
ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=640x360:rate=25 \
  -f lavfi -i sine=frequency=440:sample_rate=48000 -t 60 -c:v libx264 -preset veryfast \
  -b:v 4M -g 25 -keyint_min 25 -sc_threshold 0 -c:a aac -b:a 96k "$tmp/long.mp4" ||
  { echo "ffmpeg failed"; exit 1; }
long=$("$fog" stream "$tmp/long.mp4" --dir "$tmp/fog" 2>"$tmp/long.err")
expect "the long video is published" test -n "$long"
expect "the long video completes" wait_for 60 video_complete "$long"
packets=$(video_field "$long" "j['total_packets']")
make_video "$tmp/live.mp4" 20 || { echo "ffmpeg failed"; exit 1; }

workers_metrics=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["metrics"]; print(" ".join(v for k,v in m.items() if k.startswith("worker")))' "$tmp/fog/fog.json")
busy_total() {
  local sum=0 url n
  for url in $workers_metrics; do
    n=$($probe counter "$url" fog_worker_rejected_total reason=viewer-busy)
    sum=$(python3 -c "print(int($sum + $n))")
  done
  echo "$sum"
}
answered_total() {
  local sum=0 url n
  for url in $workers_metrics; do
    n=$($probe counter "$url" fog_worker_get_requests_answered_total)
    sum=$(python3 -c "print(int($sum + $n))")
  done
  echo "$sum"
}
answered_before=$(answered_total)

# --- the live stream, and the load while it is published
"$fog" stream "$tmp/live.mp4" --dir "$tmp/fog" --realtime --video-id live-load \
  >"$tmp/live.out" 2>"$tmp/live.err" &
live_pid=$!
registered() { curl -sf "$http/videos/$1" >/dev/null; }
expect "the live video is registered" wait_for 30 registered live-load

viewer_pw=$(role_password "$tmp/fog" viewer)
# Packet requests straight to the workers: one connection, $requests
# requests of the whole long video (each worker answers a page of each).
for i in $(seq "$requests"); do echo '{"first":1}'; done |
  mosquitto_pub -V 5 -q 1 -p "$mqtt_port" -u viewer -P "$viewer_pw" \
    -t "fog/get/$long" -D publish response-topic reply/load-test -l
expect "the packet requests were published" test $? = 0

python3 "$root/bench/playback_load.py" --api "$http" --video "$long" \
  --packets "$packets" --live live-load --requests "$requests" \
  --concurrency "$requests" >"$tmp/load.json"
expect "the HLS load ran" test -s "$tmp/load.json"
echo "load: $(cat "$tmp/load.json")"
python3 - "$tmp/load.json" "$requests" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
n = sum(sum(v.values()) for v in j["by_kind"].values())
allowed = {"made_up": {"404"}, "segment": {"200", "503"},
           "playlist": {"200", "503"}, "live": {"200", "404", "503"}}
bad = {k: {c: m for c, m in v.items() if c not in allowed[k]}
       for k, v in j["by_kind"].items()}
bad = {k: v for k, v in bad.items() if v}
if bad or n != int(sys.argv[2]):
    print("unexpected statuses:", bad, "requests", n)
    sys.exit(1)
PY
expect "every request got its status: made-up ids 404, the rest 200 or 503" test $? = 0
ok_segments=$(json "$(cat "$tmp/load.json")" "j['by_kind'].get('segment',{}).get('200',0)")
expect "segments of the long video were served under load ($ok_segments)" test "$ok_segments" -gt 0

# --- the live video is stored whole, twice
wait "$live_pid"
expect "fog stream --realtime succeeded under load" test $? = 0
live_pid=
expect "the live video completes" wait_for 60 video_complete live-load
# Each worker reports its copies on its own round: wait for the second ones.
wait_for 30 video_field_is live-load "j['copies'] == 2 * j['total_packets']" True
live_packets=$(video_field live-load "j['total_packets']")
live_copies=$(video_field live-load "j['copies']")
master_metrics=$(json "$(cat "$tmp/fog/fog.json")" "j['metrics']['master']")
echo "master: $(curl -s "$master_metrics" | grep -E '^fog_master_(redispatched_total|acks_total|dispatch_latency_seconds_(count|sum))' | tr '\n' ' ')"
expect "2 copies of each live packet ($live_copies of $live_packets)" \
  test "$live_copies" = $((2 * live_packets))

# --- the workers answered or refused every packet request, none silently
settled() { test $(($(answered_total) + $(busy_total) - answered_before)) -ge "$requests"; }
wait_for 60 settled
expect "every packet request answered or refused busy (answered $(($(answered_total) - answered_before)), busy $(busy_total))" \
  test $(($(answered_total) + $(busy_total) - answered_before)) -ge "$requests"
expect "the viewer queues refused some as busy" test "$(busy_total)" -gt 0

# --- memory
pids=$($probe pids "$fog_pid")
api_pid=$(json "$pids" "j['api'][0]")
worker_pids=$(json "$pids" "' '.join(map(str, j['worker']))")
mem=$($probe rss "$api_pid" $worker_pids)
echo "memory: $mem"
api_peak=$(json "$mem" "int(j['$api_pid']['peak_mib'])")
expect "API peak RSS ${api_peak} MiB <= ${api_bound} MiB" test "$api_peak" -le "$api_bound"
for p in $worker_pids; do
  peak=$(json "$mem" "int(j['$p']['peak_mib'])")
  expect "worker $p peak RSS ${peak} MiB <= ${worker_bound} MiB" test "$peak" -le "$worker_bound"
done

# --- the long video comes back whole and verified, page by page
"$fog" get "$long" -o "$tmp/long.copy" --dir "$tmp/fog" >"$tmp/get.out" 2>&1
expect "fog get of the long video: every packet valid" test $? = 0
finish
