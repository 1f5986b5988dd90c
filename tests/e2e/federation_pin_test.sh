#!/usr/bin/env bash
# Pinning across sites (docs/federation.md, "Pinning"): two real fogs, B
# linked to A. A video streamed only into A is pinned to B with `fog pin ID
# --to b` at A; B fetches it through the federation, verifies it and
# stores it with its own copies. Then fog A is stopped entirely, and at B
# `fog get` is byte-equal to A's copy and the HLS playlist plays (ffmpeg
# framemd5 equal to the source). A video pinned while it is streamed live
# into A is followed by B until it is complete. A pin to a fog that is no
# peer, and of a video no fog holds, is refused with the documented status.
# Usage: federation_pin_test.sh FOG_BINARY
set -uo pipefail
fog=$1
suite=federation_pin
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/federation_lib.sh"
# in_status DIR VIDEO: the federation status of fog DIR lists VIDEO.
in_status() {
  mosquitto_sub -V 5 -p "$(eval echo \$port_$1)" -u federation \
    -P "$(role_password "$tmp/$1" federation)" -t fog/status/federation -C 1 \
    -W 3 2>/dev/null | grep -q "\"$2\""
}

up a
trusts b a  # b trusts a's packets (docs/federation.md)
up b --peer "$(peer_uri a)"
expect "links up: a-b" wait_for 20 linked a b
expect "links up: b-a" wait_for 20 linked b a

make_video "$tmp/src.mp4" 4 </dev/null || { echo "ffmpeg failed"; exit 1; }
vid=$("$fog" stream "$tmp/src.mp4" --dir "$tmp/a" 2>"$tmp/stream.err")
expect "streamed into a" test -n "$vid"
"$fog" get "$vid" -o "$tmp/at_a.mp4" --dir "$tmp/a" >/dev/null 2>&1
expect "fog get at a" test -s "$tmp/at_a.mp4"
expect "a's federation lists its video" wait_for 20 in_status a "$vid"
expect "b knows a holds it" wait_for 20 in_status b "$vid"

# --- refusals, each with its status and reason
"$fog" pin "$vid" --to nosuch --dir "$tmp/a" >"$tmp/pin_unknown.json" 2>"$tmp/pin_unknown.err"
rc=$?
expect "pin to an unknown fog exits 1 ($rc)" test $rc = 1
expect "pin to an unknown fog: 404, unknown fog" \
  python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(not (j["status"]==404 and j["result"]=="refused" and "unknown fog" in j["reason"]))' "$tmp/pin_unknown.json"
"$fog" pin nobody-has-this --to b --dir "$tmp/a" >"$tmp/pin_none.json" 2>/dev/null
expect "pin of a video no fog holds: 404" \
  python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(not (j["status"]==404 and "no fog" in j["reason"]))' "$tmp/pin_none.json"
"$fog" pin "$vid" --to a --dir "$tmp/a" >"$tmp/pin_self.json" 2>/dev/null
expect "pin to the fog itself: 409" \
  python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["status"]!=409)' "$tmp/pin_self.json"
"$fog" pin "$vid" --to 'bad/name' --dir "$tmp/a" >"$tmp/pin_bad.json" 2>/dev/null
expect "pin with a bad fog name: 400" \
  python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["status"]!=400)' "$tmp/pin_bad.json"

# The API's route asks the same federation (administration token).
admin=$(cat "$tmp/a/roles/api-admin-token")
api_pin() {  # api_pin VIDEO TO [TOKEN]: prints the HTTP status
  curl -s -o "$tmp/api_pin.json" -w '%{http_code}' -X POST \
    -H "Authorization: Bearer ${3:-$admin}" -H 'Content-Type: application/json' \
    -d "{\"to\":\"$2\"}" "$http_a/videos/$1/pin"
}
code=$(api_pin "$vid" nosuch)
expect "POST /videos/ID/pin to an unknown fog: 404 ($code $(cat "$tmp/api_pin.json"))" \
  test "$code" = 404
expect "POST /videos/ID/pin without the token: 401" test "$(api_pin "$vid" b wrong)" = 401

# --- the pin
"$fog" pin "$vid" --to b --dir "$tmp/a" >"$tmp/pin.json" 2>"$tmp/pin.err"
rc=$?
expect "fog pin --to b exits 0 ($(cat "$tmp/pin.err"))" test $rc = 0
expect "fog pin --to b accepted" grep -q '"result":"accepted"' "$tmp/pin.json"
http=$http_b
stored_at_b() {
  video_complete "$vid" && (($(video_field "$vid" "j['copies']") >= 2))
}
expect "b stores the video complete with 2 copies" wait_for 40 stored_at_b
# The pinner counts, marks the pin complete and saves it once the broker
# took the last page, which the workers may have stored before: wait.
expect "b counted the packets it pinned" \
  wait_for 10 metric_at_least "$tmp/b" federation 1 fog_federation_packets_pinned_total
pin_saved() { grep -q '"complete": true' "$tmp/b/federation/pins.json"; }
expect "b keeps its pin, complete, in federation/pins.json" wait_for 10 pin_saved
no_pin_active() { test "$(fed b fog_federation_pins_active)" = 0; }
expect "no pin active at b any more" wait_for 10 no_pin_active

# --- a live video: pinned while it is streamed into a (in real time), b
# follows it until it is complete
make_video "$tmp/live.mp4" 6 </dev/null || { echo "ffmpeg failed"; exit 1; }
"$fog" stream "$tmp/live.mp4" --realtime --video-id live-1 --dir "$tmp/a" \
  >"$tmp/live.out" 2>"$tmp/live.err" &
live_pid=$!
expect "b knows a holds the live video" wait_for 20 in_status b live-1
"$fog" pin live-1 --to b --dir "$tmp/a" >"$tmp/pin_live.json" 2>&1
expect "fog pin of the live video accepted" grep -q '"result":"accepted"' "$tmp/pin_live.json"
wait "$live_pid"
expect "the live stream into a ended" test $? = 0
live_at_b() {
  video_complete live-1 && (($(video_field live-1 "j['copies']") >= 2))
}
expect "b followed the live video to its end: complete, 2 copies" wait_for 40 live_at_b
"$fog" get live-1 -o "$tmp/live_a.mp4" --dir "$tmp/a" >/dev/null 2>&1
expect "fog get of the live video at a" test -s "$tmp/live_a.mp4"

# --- fog a stopped entirely
kill -TERM "$pid_a"
wait "$pid_a" 2>/dev/null
# fog up stops its children before it exits: nothing of a runs any more.
expect "fog a is gone, all its processes" test -z "$(pgrep -f -- "$tmp/a/")"
"$fog" get "$vid" -o "$tmp/at_b.mp4" --dir "$tmp/b" >"$tmp/get_b.json" 2>"$tmp/get_b.err"
rc=$?
expect "fog get at b with a stopped exits 0 ($(tail -c 300 "$tmp/get_b.err"))" test $rc = 0
expect "fog get at b is byte-equal to a's copy" cmp -s "$tmp/at_a.mp4" "$tmp/at_b.mp4"
"$fog" get live-1 -o "$tmp/live_b.mp4" --dir "$tmp/b" >/dev/null 2>&1
expect "the live video at b is byte-equal to a's copy" \
  cmp -s "$tmp/live_a.mp4" "$tmp/live_b.mp4"
stream_hashes "$tmp/src.mp4" >"$tmp/src.hashes"
stream_hashes "$http_b/videos/$vid/index.m3u8" >"$tmp/hls.hashes"
expect "HLS at b plays: per-stream hashes equal the source's" \
  cmp -s "$tmp/src.hashes" "$tmp/hls.hashes"
expect "hashes cover video and audio" \
  test "$(cut -d' ' -f1 "$tmp/hls.hashes" | sort -u | wc -l)" = 2

finish
