#!/usr/bin/env bash
# One broker login per component: what each login may do, asserted by the
# broker's own answers (PUBACK and SUBACK reason codes, MQTT v5), the
# master's refusal of an ack naming another worker, the API's token scopes
# (401, 403), and `fog worker add` issuing a login the running broker
# accepts without a restart (the same broker pid).
# Usage: identities_test.sh FOG_BINARY
set -uo pipefail
fog=$1
suite=identities
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
tmp=$(mktemp -d)
trap 'stop_fog; [[ -n ${worker_pid:-} ]] && kill "$worker_pid" 2>/dev/null; [[ $failures == 0 ]] && rm -rf "$tmp"' EXIT

start_fog "$tmp/fog" --workers 2 --no-balancer || exit 1
dir=$tmp/fog

# verdict LOGIN TOPIC [MESSAGE]: the broker's PUBACK line for a QoS 1 publish.
verdict() {
  probe "$1" pub "$2" --message "${3:-x}" 2>&1 | grep -E '^(puback|disconnect)' | head -n 1
}
# allowed / refused DESCRIPTION LOGIN TOPIC [MESSAGE]
allowed() {
  local what=$1 out
  shift
  out=$(verdict "$@")
  [[ $out =~ ^puback\ 0x(00|10) ]] && pass || fail "$what: $out"
}
refused() {
  local what=$1 out
  shift
  out=$(verdict "$@")
  [[ $out == "puback 0x87 Not authorized" ]] && pass || fail "$what: $out"
}

online='{"worker":"worker-1","state":"online"}'
allowed "worker-1 announces itself" worker-1 fog/status/worker/worker-1 "$online"
refused "worker-1 announces as worker-2" worker-1 fog/status/worker/worker-2 \
  '{"worker":"worker-2","state":"offline"}'
refused "worker-1 heartbeats as worker-2" worker-1 fog/heartbeat/worker-2
refused "worker-1 reports worker-2's stats" worker-1 fog/stats/worker-2 '{}'
refused "worker-1 acks on worker-2's topic" worker-1 fog/ack/worker-2 '[]'
refused "worker-1 acks on the old shared fog/ack" worker-1 fog/ack '[]'
refused "worker-1 dispatches to worker-2" worker-1 fog/dispatch/worker-2
allowed "worker-1 answers a seed channel (write +)" worker-1 some-seed-channel

# Reading another worker's dispatches: Mosquitto 2.0 checks read rules when
# it delivers, not when it subscribes (its default ACL grants every
# SUBSCRIBE: SUBACK 0x01 here, the QoS asked). What it answers, and that it delivers
# nothing: a message published on fog/dispatch/worker-2 by the master
# (allowed, PUBACK 0x00 first) never reaches worker-1's subscription, while
# worker-2's own subscription (the control) receives it.
: >"$tmp/w1.out" >"$tmp/w2.out"
probe worker-1 --client-id spy sub fog/dispatch/worker-2 --qos 1 --timeout 30 \
  --count 1 --out "$tmp/w1.out" >"$tmp/w1.probe" 2>&1 &
spy=$!
probe worker-2 --client-id control sub fog/dispatch/worker-2 --qos 1 \
  --timeout 30 --count 1 --out "$tmp/w2.out" >"$tmp/w2.probe" 2>&1 &
control=$!
expect "both subscriptions are answered (SUBACK)" \
  wait_for 10 bash -c "grep -q '^suback' '$tmp/w1.probe' && grep -q '^suback' '$tmp/w2.probe'"
suback=$(grep '^suback' "$tmp/w1.probe")
echo "worker-1 subscribing to fog/dispatch/worker-2: $suback"
[[ $suback =~ ^suback\ 0x0[01]$ ]] && pass || fail "unexpected SUBACK: $suback"
allowed "the master writes worker-2's dispatch topic" master fog/dispatch/worker-2 not-a-packet
expect "worker-2 receives its dispatch" wait_for 10 grep -q not-a-packet "$tmp/w2.out"
# The control has its message; the broker delivered to every allowed reader
# in the same pass: worker-1's queue got nothing.
kill "$spy" 2>/dev/null
wait "$spy" 2>/dev/null
[[ ! -s $tmp/w1.out ]] && pass || fail "worker-1 read worker-2's dispatch"
wait "$control" 2>/dev/null

# An ack on worker-1's own topic naming worker-2: the master refuses it.
allowed "worker-1 sends an ack naming worker-2 on its own topic" worker-1 \
  fog/ack/worker-1 '[{"worker":"worker-2","dispatch_id":"d-1","video_id":"cam","packet_number":1,"result":"stored","reason":""}]'
master_metrics=$(json "$(cat "$dir/fog.json")" "j['metrics']['master']")
expect "the master counts the ack naming another worker" wait_for 10 bash -c \
  "curl -sf '$master_metrics' | grep -q 'fog_master_rejected_total{reason=\"ack-wrong-worker\"} 1'"

# The viewer: requests, chat and its own replies only.
refused "the viewer publishes a stream" viewer video/stream/x
refused "the viewer writes fog/anything" viewer fog/anything
refused "the viewer writes to the master's replies" viewer reply/master/x
refused "the viewer announces a worker of its name" viewer fog/status/worker/viewer \
  '{"worker":"viewer","state":"online"}'
refused "the viewer acks under its name" viewer fog/ack/viewer '[]'
allowed "the viewer requests a packet" viewer packet-request '{}'
# A publisher: streams only.
refused "the publisher announces a worker of its name" publisher \
  fog/status/worker/publisher '{"worker":"publisher","state":"online"}'
refused "the publisher writes fog/dispatch" publisher fog/dispatch/publisher
allowed "the publisher streams" publisher video/stream/acl-probe not-a-packet

# The API's token scopes.
report=$(cat "$dir/roles/api-token")
admin=$(cat "$dir/roles/api-admin-token")
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
expect "GET /create without a token is 401" \
  test "$(code "$http/create?video_id=scoped")" = 401
expect "GET /create with the reporting token is 200" \
  test "$(code -H "Authorization: Bearer $report" "$http/create?video_id=scoped")" = 200
expect "DELETE with the reporting token is 403" \
  test "$(code -X DELETE -H "Authorization: Bearer $report" "$http/videos/scoped")" = 403
expect "DELETE without a token is 401" \
  test "$(code -X DELETE "$http/videos/scoped")" = 401
expect "DELETE with the administration token succeeds" \
  test "$(code -X DELETE -H "Authorization: Bearer $admin" "$http/videos/scoped")" = 204

# fog worker add: a new login for the running broker, no restart.
pid_before=$(cat "$dir/mosquitto/mosquitto.pid")
refused "worker-1 announces as worker-3 before it exists" worker-1 fog/status/worker/worker-3
"$fog" worker add worker-3 --dir "$dir" >"$tmp/add.log" 2>&1
rc=$?
[[ $rc == 0 ]] && grep -q "reloaded" "$tmp/add.log" && pass \
  || fail "fog worker add: exit $rc, $(cat "$tmp/add.log")"
w3() {
  probe_as worker-3 "$(role_password "$dir" worker-3)" pub "$1" --message "$2" 2>&1 |
    grep -E '^(connack|puback|disconnect)' | tr '\n' ' '
}
# The reload is asynchronous to the signal: wait for the broker's answer.
expect "worker-3 connects and announces itself" wait_for 10 bash -c \
  "[[ \"\$(python3 '$here/mqtt_probe.py' --port $mqtt_port --user worker-3 --password '$(role_password "$dir" worker-3)' pub fog/status/worker/worker-3 --message x 2>&1 | grep -c -E '^(connack 0x00|puback 0x00)')\" == 2 ]]"
out=$(w3 fog/status/worker/worker-1 '{"worker":"worker-1","state":"offline"}')
[[ $out == *"puback 0x87"* ]] && pass || fail "worker-3 announces as worker-1: $out"
expect "the broker kept running (same pid)" \
  test "$(cat "$dir/mosquitto/mosquitto.pid")" = "$pid_before"
expect "the broker process is alive" kill -0 "$pid_before"

# The added worker runs from its config file and joins the fog.
"$fog" worker --config "$dir/roles/worker-3.conf" >"$tmp/worker-3.log" 2>&1 &
worker_pid=$!
expect "worker-3 reports online through the API" wait_for 20 bash -c \
  "curl -sf '$http/fog' | grep -q worker-3"
kill "$worker_pid" 2>/dev/null
wait "$worker_pid" 2>/dev/null
worker_pid=

finish
