#!/usr/bin/env bash
# End to end through a real fog (fog up: mosquitto, API, master, 3 workers,
# balancer): every component's /metrics endpoint that fog.json and the
# startup listing name is scraped and parsed with prometheus_client's text
# parser, and the numbers agree with what happened: a streamed video's
# packets are received, dispatched, verified, stored and timed; garbage is
# rejected by reason; the policy has a weight per worker; a broker restart
# shows as MQTT reconnections.
# Usage: metrics_test.sh FOG_BINARY
set -uo pipefail
fog=$1
suite=metrics
source "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'stop_fog; rm -rf "$tmp"' EXIT
scrape_py="$(dirname "$0")/scrape_metrics.py"
# Debian's python3-prometheus-client is installed for the system interpreter.
py=/usr/bin/python3
[[ -x $py ]] || py=python3
start_fog "$tmp/fog" --balancer-period-ms 500 || exit 1
desc="$tmp/fog/fog.json"

# --- the endpoints: fog.json and the startup listing
components=$(json "$(cat "$desc")" "' '.join(sorted(j['metrics']))")
expect "fog.json lists metrics of api, balancer, federation, master, 3 workers (got $components)" \
  test "$components" = "api balancer federation master worker-1 worker-2 worker-3"
expect "the API's metrics are on its HTTP port" \
  test "$(json "$(cat "$desc")" "j['metrics']['api']")" = "$http/metrics"
for c in $components; do
  url=$(json "$(cat "$desc")" "j['metrics']['$c']")
  expect "fog up prints $c's metrics URL" grep -q "metrics *$url *($c)" "$tmp/fog.up.log"
done
master_url=$(json "$(cat "$desc")" "j['metrics']['master']")

# scrape: fetches and parses every endpoint into $tmp/m.json.
scrape() { "$py" "$scrape_py" "$desc" >"$tmp/m.json" 2>"$tmp/scrape.err"; }
# until SECONDS COMMAND...: retries COMMAND until it succeeds or the time is
# up (a scrape of six endpoints takes a while on a loaded machine).
until_ok() {
  local end=$((SECONDS + $1))
  shift
  while ((SECONDS < end)); do
    "$@" && return 0
    sleep 0.5  # polls the condition (the signal) until the deadline
  done
  return 1
}
# m EXPR: a Python expression over the scrape `j` (sum_of, one: helpers).
m() {
  python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
def one(c, k): return j[c].get(k, 0)
def sum_of(prefix, k): return sum(v.get(k, 0) for c, v in j.items() if c.startswith(prefix))
print(eval(sys.argv[2]))' "$tmp/m.json" "$1"
}
expect "every endpoint answers in the text format and parses" scrape
cat "$tmp/scrape.err"

# --- stream a video: 6 s is 7 packets (init + one per second)
make_video "$tmp/src.mp4" 6 || { echo "ffmpeg failed"; exit 1; }
id=$("$fog" stream "$tmp/src.mp4" --dir "$tmp/fog" 2>"$tmp/stream.err")
expect "fog stream prints the video id" test -n "$id"
expect "the video completes in the registry" \
  wait_for 20 video_complete "$id"
packets=$(video_field "$id" "j['packets']")
bytes=$(video_field "$id" "j['bytes']")
expect "the registry holds 7 packets (got $packets)" test "$packets" = 7

# Garbage on a stream topic, a bad API path and a bad metrics path: each is
# counted by reason.
printf 'not a packet' >"$tmp/garbage"
pub "$tmp/fog" publisher "video/stream/garbage-1" "$tmp/garbage"
# Under an API prefix: other paths are the web UI's (index.html).
status=$(curl -s -o /dev/null -w '%{http_code}' "$http/fog/no-such-path")
expect "the API answers 404 to a bad API path (got $status)" test "$status" = 404
status=$(curl -s -o "$tmp/404.json" -w '%{http_code}' "${master_url%/metrics}/nope")
expect "a metrics endpoint answers 404 elsewhere (got $status)" test "$status" = 404
expect "... with a JSON error" grep -q '"status":404' "$tmp/404.json"
status=$(curl -s -o /dev/null -w '%{http_code}' -X POST -d x "$master_url")
expect "a metrics endpoint answers 405 to POST (got $status)" test "$status" = 405

# The acks, the policy and the rejections arrive asynchronously.
settled() {
  scrape || return 1
  [[ $(m "(one('master', 'fog_master_rejected_total{reason=malformed}') >= 1 and
          sum_of('worker', 'fog_worker_store_latency_seconds_count') >= $packets and
          sum_of('worker', 'fog_worker_store_latency_seconds_count') ==
            sum_of('worker', 'fog_worker_packets_stored_total') and
          one('master', 'fog_master_dispatch_latency_seconds_count') >= $packets and
          len([k for k in j['balancer'] if k.startswith('fog_balancer_policy_weight{')]) == 3)") = True ]]
}
expect "the metrics settle" until_ok 30 settled
cat "$tmp/scrape.err"

expect "master: received >= $packets stream packets" \
  test "$(m "one('master', 'fog_master_packets_received_total') >= $packets")" = True
dispatched=$(m "int(one('master', 'fog_master_packets_dispatched_total'))")
expect "master: dispatched >= $packets (got $dispatched)" test "$dispatched" -ge "$packets"
expect "master: per-worker dispatch counts add up to $dispatched" \
  test "$(m "int(sum(v for k, v in j['master'].items() if k.startswith('fog_master_dispatched_total{worker=')))")" = "$dispatched"
expect "master: the garbage counted as rejected{reason=malformed}" \
  test "$(m "one('master', 'fog_master_rejected_total{reason=malformed}')")" = 1.0
expect "master: dispatch latency histogram counted every stored packet" \
  test "$(m "one('master', 'fog_master_dispatch_latency_seconds_count') >= $packets")" = True
expect "master: +Inf bucket equals the count" \
  test "$(m "one('master', 'fog_master_dispatch_latency_seconds_bucket{le=+Inf}') == one('master', 'fog_master_dispatch_latency_seconds_count')")" = True
expect "master: a policy weight per worker" \
  test "$(m "sorted(k for k in j['master'] if k.startswith('fog_master_policy_weight{'))")" = \
  "['fog_master_policy_weight{worker=worker-1}', 'fog_master_policy_weight{worker=worker-2}', 'fog_master_policy_weight{worker=worker-3}']"
expect "balancer: a policy weight per worker, summing to at most 1" \
  test "$(m "0 < sum(v for k, v in j['balancer'].items() if k.startswith('fog_balancer_policy_weight{')) <= 1.000001")" = True

expect "workers: received >= $packets" \
  test "$(m "sum_of('worker', 'fog_worker_packets_received_total') >= $packets")" = True
expect "workers: verified >= $packets" \
  test "$(m "sum_of('worker', 'fog_worker_packets_verified_total') >= $packets")" = True
expect "workers: stored >= $packets" \
  test "$(m "sum_of('worker', 'fog_worker_packets_stored_total') >= $packets")" = True
expect "workers: the stores hold >= $packets packets" \
  test "$(m "sum_of('worker', 'fog_worker_store_packets') >= $packets")" = True
expect "workers: bytes stored >= the registry's $bytes" \
  test "$(m "sum_of('worker', 'fog_worker_bytes_stored_total') >= $bytes")" = True
expect "workers: store files hold at least those bytes" \
  test "$(m "sum_of('worker', 'fog_worker_store_bytes') >= $bytes")" = True
expect "workers: store latency counted every stored packet" \
  test "$(m "sum_of('worker', 'fog_worker_store_latency_seconds_count') == sum_of('worker', 'fog_worker_packets_stored_total')")" = True
expect "workers: no packet rejected" \
  test "$(m "sum(v for c in j if c.startswith('worker') for k, v in j[c].items() if k.startswith('fog_worker_rejected_total'))")" = 0

expect "api: the bad path counted as rejected{reason=no_route}" \
  test "$(m "one('api', 'fog_api_rejected_total{reason=no_route}') >= 1")" = True
expect "master: its metrics endpoint counted the 404 and the 405" \
  test "$(m "one('master', 'fog_master_metrics_http_rejected_total{reason=no_route}') + one('master', 'fog_master_metrics_http_rejected_total{reason=method_not_allowed}')")" = 2.0
for c in $components; do
  name="fog_${c%%-*}_mqtt_reconnects_total"
  expect "$c: $name present" test "$(m "'$name' in j['$c']")" = True
  expect "$c: connected" test "$(m "one('$c', 'fog_${c%%-*}_mqtt_connected')")" = 1.0
  expect "$c: no publish waiting once idle" \
    test "$(m "one('$c', 'fog_${c%%-*}_mqtt_publishes_waiting')")" = 0.0
  expect "$c: in-flight bytes within the 1 MiB budget" \
    test "$(m "0 <= one('$c', 'fog_${c%%-*}_mqtt_inflight_bytes') <= 1048576")" = True
  expect "$c: no publish failed" \
    test "$(m "j['$c'].get('fog_${c%%-*}_mqtt_publishes_failed_total')")" = 0.0
  expect "$c: publishes sent again present" \
    test "$(m "'fog_${c%%-*}_mqtt_publishes_sent_again_total' in j['$c']")" = True
done

# --- a broker restart: every client reconnects, and says so
broker_pid=$(pgrep -f "^mosquitto -c $tmp/fog/mosquitto/" | head -n 1)
expect "the broker's pid is found" test -n "$broker_pid"
[[ -n $broker_pid ]] && kill -KILL "$broker_pid"
reconnected() {
  scrape || return 1
  [[ $(m "all(one(c, 'fog_' + c.split('-')[0] + '_mqtt_reconnects_total') >= 1 for c in j)") = True ]]
}
expect "after a broker restart every component counts a reconnection" \
  until_ok 60 reconnected

finish
