#!/usr/bin/env bash
# The web UI's server side on a real fog (fog up: mosquitto, API, master,
# workers, ffmpeg): GET /videos/{id}/packets/{n} returns payloads that
# `fog packet inspect` verifies, with the holders; the poster is a JPEG made
# once; /keys lists the trusted key, the fog key and, at the next request, a
# new revocation list; /ui-config gives the viewer's login and the
# WebSockets bridge; /metrics/<component> relays the master's and the
# workers' Prometheus text (404 for a component not started); the viewer may publish to chat/<id> (PUBACK 0x00)
# and still not to video/stream/... or fog/... (PUBACK 0x87); bad input gets
# 4xx JSON errors; fog up prints the UI's URL.
# Usage: web_api_test.sh FOG_BINARY
set -uo pipefail
fog=$1
suite=web_api
source "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'stop_fog; rm -rf "$tmp"' EXIT
start_fog "$tmp/fog" --workers 2 --no-balancer || exit 1

status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
header() {
  curl -s -D - -o /dev/null "$1" | tr -d '\r' |
    awk -v n="$(echo "$2" | tr A-Z a-z)" -F': ' 'tolower($1)==n {print $2}'
}
is_json_error() {
  local url=$1 code=$2 body got
  body=$(curl -s --path-as-is -w '\n%{http_code}' "$url")
  got=${body##*$'\n'}
  body=${body%$'\n'*}
  [[ $got == "$code" ]] &&
    python3 -c 'import json,sys; j=json.loads(sys.argv[1]); sys.exit(0 if j["status"]==int(sys.argv[2]) and j["error"] else 1)' "$body" "$code" 2>/dev/null
}

expect "fog up prints the web UI's URL" grep -q "web UI      $http/" "$tmp/fog.up.log"

make_video "$tmp/src.mp4" 6 || { echo "ffmpeg failed"; exit 1; }
id=$("$fog" stream "$tmp/src.mp4" --dir "$tmp/fog" 2>"$tmp/stream.err")
expect "fog stream prints the video id" test -n "$id"
expect "the video completes in the registry" wait_for 20 video_complete "$id"
packets=$(video_field "$id" "j['total_packets']")

# --- signed packets, as the workers hold them
for n in 1 2 "$packets"; do
  url=$http/videos/$id/packets/$n
  curl -s -D "$tmp/h$n" -o "$tmp/p$n" "$url"
  expect "packet $n is 200" grep -q "^HTTP/1.1 200" "$tmp/h$n"
  expect "packet $n is application/octet-stream" grep -qi "^content-type: application/octet-stream" "$tmp/h$n"
  expect "packet $n is not cached" grep -qi "^cache-control: no-store" "$tmp/h$n"
  expect "packet $n names its holders" grep -Eqi "^x-fog-holders: worker-[0-9]" "$tmp/h$n"
  out=$("$fog" packet inspect "$tmp/p$n" --trust "$tmp/fog/trust")
  expect "packet $n verifies with fog packet inspect: $out" \
    test "$(json "$out" "(j['valid'], j['authenticated'], j['packet_number'], j['format'])")" = "(True, True, $n, 'native')"
done
expect "packet numbers past the end are 404" is_json_error "$http/videos/$id/packets/$((packets + 5))" 404
expect "packet 0 is 400" is_json_error "$http/videos/$id/packets/0" 400
expect "a non-number packet is 400" is_json_error "$http/videos/$id/packets/x1" 400
expect "an unknown video's packet is 404" is_json_error "$http/videos/nope/packets/1" 404
expect "a bad video id is 400" is_json_error "$http/videos/a+b/packets/1" 400

# --- the poster
curl -s -D "$tmp/ph" -o "$tmp/poster.jpg" "$http/videos/$id/poster.jpg"
expect "poster is 200" grep -q "^HTTP/1.1 200" "$tmp/ph"
expect "poster is image/jpeg" grep -qi "^content-type: image/jpeg" "$tmp/ph"
expect "poster is a JPEG" python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); sys.exit(0 if d[:2]==b"\xff\xd8" and len(d)>1000 else 1)' "$tmp/poster.jpg"
expect "the poster is served again from the cache" cmp -s "$tmp/poster.jpg" <(curl -s "$http/videos/$id/poster.jpg")
expect "an unknown video's poster is 404" is_json_error "$http/videos/nope/poster.jpg" 404

# --- keys and the UI's config
keys=$(curl -s "$http/keys")
expect "GET /keys lists the publisher key of the trust dir" python3 - "$keys" "$tmp/fog/trust" <<'PY'
import base64, glob, json, sys
keys = json.loads(sys.argv[1])["keys"]
pubs = sorted(open(p, "rb").read() for p in glob.glob(sys.argv[2] + "/*.pub"))
got = sorted(base64.b64decode(k["public_key"]) for k in keys)
assert got == pubs and pubs, (len(got), len(pubs))
assert all(k["algorithm"] == "mldsa44" and len(k["key_id"]) == 32 for k in keys)
PY
expect "GET /keys serves the fog key, then the revocation list once one is made" python3 - "$keys" "$tmp/fog/trust" <<'PY'
import base64, json, sys
j = json.loads(sys.argv[1])
ca = open(sys.argv[2] + "/fog-ca.authority", "rb").read()
assert [base64.b64decode(a["public_key"]) for a in j["authorities"]] == [ca], j["authorities"]
assert j["authorities"][0]["algorithm"] == "mldsa65"
assert j["revocations"] == [], j["revocations"]
PY
"$fog" publisher add web-cam --dir "$tmp/fog" >/dev/null
"$fog" publisher revoke web-cam --dir "$tmp/fog" >/dev/null
expect "a revocation shows at the next GET /keys, as the trust dir holds it" python3 - "$(curl -s "$http/keys")" "$tmp/fog/trust/fog.revocations" <<'PY'
import base64, json, sys
j = json.loads(sys.argv[1])
assert [base64.b64decode(r) for r in j["revocations"]] == [open(sys.argv[2], "rb").read()], j["revocations"]
PY
config=$(curl -s "$http/ui-config")
expect "GET /ui-config gives the viewer login and the bridge" python3 - "$config" "$tmp/fog/fog.json" <<'PY'
import json, sys
c, d = json.loads(sys.argv[1]), json.load(open(sys.argv[2]))
v = d["credentials"]["viewer"]
port = d["websocket"].rsplit(":", 1)[1].strip("/")
assert c["username"] == v["username"] and c["password"] == v["password"], c
assert c["mqtt_ws_url"] == f"ws://127.0.0.1:{port}/", c["mqtt_ws_url"]
assert c["chat_topic_prefix"] == "chat/"
PY

# --- the components' metrics, relayed on the API's origin
curl -s -D "$tmp/mh" -o "$tmp/master.prom" "$http/metrics/master"
expect "GET /metrics/master is 200" grep -q "^HTTP/1.1 200" "$tmp/mh"
expect "GET /metrics/master is Prometheus text" grep -qi "^content-type: text/plain; version=0.0.4" "$tmp/mh"
expect "GET /metrics/master is not cached" grep -qi "^cache-control: no-store" "$tmp/mh"
expect "GET /metrics/master relays the master's metrics" grep -q "^fog_master_packets_received_total " "$tmp/master.prom"
curl -s -o "$tmp/worker.prom" "$http/metrics/worker-1"
expect "GET /metrics/worker-1 relays a worker's metrics" grep -q "^fog_worker_store_latency_seconds_count" "$tmp/worker.prom"
direct=$(json "$(cat "$tmp/fog/fog.json")" "j['metrics']['worker-1']")
expect "the relayed text has the families of worker-1's own endpoint" \
  cmp -s <(grep "^# TYPE" "$tmp/worker.prom") <(curl -s "$direct" | grep "^# TYPE")
expect "GET /metrics/worker-2 is 200" test "$(status "$http/metrics/worker-2")" = 200
expect "GET /metrics/balancer is 404 without a balancer" is_json_error "$http/metrics/balancer" 404
expect "an unknown component's metrics are 404" is_json_error "$http/metrics/worker-9" 404
expect "a host:port in place of a name is 404" is_json_error "$http/metrics/127.0.0.1:${http##*:}" 404

# --- the app's routes never shadow the API
expect "GET /videos is still JSON" test "$(header "$http/videos" Content-Type)" = application/json
code=$(status "$http/watch/$id")
expect "GET /watch/ID is the app or the 'not built' page ($code)" test "$code" = 200 -o "$code" = 503

# --- the viewer's chat rights
viewer=$(json "$(cat "$tmp/fog/fog.json")" "j['credentials']['viewer']['username']")
viewer_pw=$(json "$(cat "$tmp/fog/fog.json")" "j['credentials']['viewer']['password']")
# Subscribed to chat/+ first, so the broker has a subscriber and says 0x00.
out=$(probe_as "$viewer" "$viewer_pw" sub "chat/+" --publish "chat/$id" 'hello fog' \
  --count 1 --timeout 10 2>&1)
expect "the viewer may subscribe to chat/+: $out" grep -q "^suback 0x00" <<<"$out"
expect "the viewer may publish to chat/ID: $out" grep -q "^puback 0x00" <<<"$out"
expect "the viewer reads the chat message back: $out" grep -qx "hello fog" <<<"$out"
for topic in "video/stream/$id" "fog/status/api" "chat/a/b"; do
  out=$(probe_as "$viewer" "$viewer_pw" pub "$topic" --message x --timeout 10 2>&1)
  expect "the viewer may not publish to $topic: $out" grep -q "^puback 0x87" <<<"$out"
done

finish
