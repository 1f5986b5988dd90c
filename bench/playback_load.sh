#!/usr/bin/env bash
# Playback under load: does a crowd of viewers delay ingest, and how much
# memory do the API and the workers take? On a fog started here (fog up on
# free ports: 3 workers, replication 2, the API's defaults):
#   1. a long video (LONG_SECONDS at 4 Mbit/s) is published and stored;
#   2. baseline: a live video is published in real time (LIVE_SECONDS), no
#      viewers; the master's dispatch→stored latency histogram is read
#      before and after;
#   3. load: another live video in real time while, in rounds until it
#      ends, REQUESTS concurrent HLS requests (a quarter for made-up ids)
#      and REQUESTS fog/get packet requests for the whole long video hit
#      the API and the workers.
# Prints one JSON object: ingest latency p50/p99 idle and under load (and
# their ratio), HLS statuses by kind, packet requests answered and refused
# busy, the API's and workers' peak RSS (VmHWM), and whether every live
# packet was stored twice.
# Usage: bench/playback_load.sh [BUILD_DIR]. Env: REQUESTS (300),
# LONG_SECONDS (120), LIVE_SECONDS (30), ROUNDS (10, at most).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
fog=$build/src/cli/fog
[[ -x $fog ]] || { echo "missing $fog: build it first"; exit 2; }
requests=${REQUESTS:-300}
long_seconds=${LONG_SECONDS:-120}
live_seconds=${LIVE_SECONDS:-30}
max_rounds=${ROUNDS:-10}
probe="python3 $root/bench/fog_probe.py"
source "$root/tests/e2e/lib.sh"
tmp=$(mktemp -d)
live_pid=
trap '[[ -n $live_pid ]] && kill $live_pid 2>/dev/null; stop_fog; rm -rf "$tmp"' EXIT
start_fog "$tmp/fog" || exit 1
log() { echo "playback_load: $*" >&2; }

ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=640x360:rate=25 \
  -f lavfi -i sine=frequency=440:sample_rate=48000 -t "$long_seconds" -c:v libx264 \
  -preset veryfast -b:v 4M -g 25 -keyint_min 25 -sc_threshold 0 -c:a aac -b:a 96k \
  "$tmp/long.mp4" || exit 1
make_video "$tmp/live.mp4" "$live_seconds" >/dev/null || exit 1
long=$("$fog" stream "$tmp/long.mp4" --dir "$tmp/fog" 2>"$tmp/long.err") || exit 1
wait_for 120 video_complete "$long" || { log "long video incomplete"; exit 1; }
packets=$(video_field "$long" "j['total_packets']")
long_bytes=$(stat -c %s "$tmp/long.mp4")
log "long video $long: $packets packets, $long_bytes bytes"

master_metrics=$(json "$(cat "$tmp/fog/fog.json")" "j['metrics']['master']")
workers_metrics=$(json "$(cat "$tmp/fog/fog.json")" \
  "' '.join(v for k, v in j['metrics'].items() if k.startswith('worker'))")
hist() { $probe hist "$master_metrics" fog_master_dispatch_latency_seconds; }
worker_sum() {  # NAME [LABEL=VALUE]
  local url sum=0
  for url in $workers_metrics; do
    sum=$(python3 -c "print($sum + $($probe counter "$url" "$@"))")
  done
  python3 -c "print(int($sum))"
}

# live ID: publishes live.mp4 in real time; sets live_pid.
live() {
  "$fog" stream "$tmp/live.mp4" --dir "$tmp/fog" --realtime --video-id "$1" \
    >"$tmp/$1.out" 2>"$tmp/$1.err" &
  live_pid=$!
}
stored_twice() {
  wait_for 60 video_complete "$1" || return 1
  local n c
  n=$(video_field "$1" "j['total_packets']")
  c=$(video_field "$1" "j['copies']")
  log "$1: $c copies of $n packets"
  [[ $c == $((2 * n)) ]]
}

# --- baseline: ingest alone
hist >"$tmp/h0.json"
live live-idle
wait "$live_pid"
live_pid=
idle_ok=false
stored_twice live-idle && idle_ok=true
hist >"$tmp/h1.json"

# --- the same ingest with viewers
viewer_pw=$(role_password "$tmp/fog" viewer)
answered0=$(worker_sum fog_worker_get_requests_answered_total)
busy0=$(worker_sum fog_worker_rejected_total reason=viewer-busy)
live live-load
registered() { curl -sf "$http/videos/$1" >/dev/null; }
wait_for 30 registered live-load
rounds=0
: >"$tmp/loads.jsonl"
while kill -0 "$live_pid" 2>/dev/null && ((rounds < max_rounds)); do
  rounds=$((rounds + 1))
  for i in $(seq "$requests"); do echo '{"first":1}'; done |
    mosquitto_pub -V 5 -q 1 -p "$mqtt_port" -u viewer -P "$viewer_pw" \
      -t "fog/get/$long" -D publish response-topic reply/bench -l
  python3 "$root/bench/playback_load.py" --api "$http" --video "$long" \
    --packets "$packets" --live live-load --requests "$requests" \
    --concurrency "$requests" --seed "$rounds" >>"$tmp/loads.jsonl"
done
wait "$live_pid"
live_pid=
load_ok=false
stored_twice live-load && load_ok=true
hist >"$tmp/h2.json"
log "master: $(curl -s "$master_metrics" | grep -E '^fog_master_(redispatched_total|acks_total)' | tr '\n' ' ')"
answered=$(($(worker_sum fog_worker_get_requests_answered_total) - answered0))
busy=$(($(worker_sum fog_worker_rejected_total reason=viewer-busy) - busy0))

pids=$($probe pids "$fog_pid")
mem=$($probe rss $(json "$pids" "' '.join(map(str, j['api'] + j['worker']))"))
$probe quantiles "$tmp/h0.json" "$tmp/h1.json" >"$tmp/q_idle.json"
$probe quantiles "$tmp/h1.json" "$tmp/h2.json" >"$tmp/q_load.json"

python3 - "$tmp" "$pids" "$mem" "$rounds" "$requests" "$answered" "$busy" \
  "$idle_ok" "$load_ok" "$packets" "$long_bytes" <<'PY'
import json, os, sys
tmp, pids, mem = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
rounds, requests, answered, busy = map(int, sys.argv[4:8])
idle = json.load(open(tmp + "/q_idle.json"))
load = json.load(open(tmp + "/q_load.json"))
statuses, lat = {}, []
for line in open(tmp + "/loads.jsonl"):
    j = json.loads(line)
    lat.append(j["latency_ms"])
    for kind, codes in j["by_kind"].items():
        for code, n in codes.items():
            statuses.setdefault(kind, {}).setdefault(code, 0)
            statuses[kind][code] += n
def ratio(a, b):
    return round(b / a, 2) if a and b else None
print(json.dumps({
    "machine": {"cpus": os.cpu_count(),
                "model": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                               if l.startswith("model name")), "")},
    "long_video": {"packets": int(sys.argv[10]), "bytes": int(sys.argv[11])},
    "ingest_latency_ms": {"idle": idle, "load": load,
                          "p50_ratio": ratio(idle["p50_ms"], load["p50_ms"]),
                          "p99_ratio": ratio(idle["p99_ms"], load["p99_ms"])},
    "hls": {"rounds": rounds, "requests": rounds * requests, "by_kind": statuses,
            "latency_ms_per_round": lat},
    "packet_requests": {"sent": rounds * requests, "answered": answered,
                        "refused_busy": busy},
    "peak_rss_mib": {"api": mem[str(pids["api"][0])]["peak_mib"],
                     "workers": [mem[str(p)]["peak_mib"] for p in pids["worker"]]},
    "stored_twice": {"idle": sys.argv[8] == "true", "load": sys.argv[9] == "true"},
}, indent=1, sort_keys=True))
PY
