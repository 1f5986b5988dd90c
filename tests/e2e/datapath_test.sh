#!/usr/bin/env bash
# End to end through a real fog (fog up: mosquitto, API, master, 3 workers):
# a generated video streamed with fog stream comes back from fog get with
# the same per-stream packet hashes; the registry counts it, workers share
# it; a live stream is registered live, then complete; the seed's
# packet-request protocol answers as the seed's front end expects; the ACL
# keeps a viewer from publishing.
# Usage: datapath_test.sh FOG_BINARY
set -uo pipefail
fog=$1
suite=datapath
source "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'stop_fog; rm -rf "$tmp"' EXIT
start_fog "$tmp/fog" || exit 1

# --- a 22 s file: stream, registry, get, hashes
make_video "$tmp/src.mp4" 22 || { echo "ffmpeg failed"; exit 1; }
id=$("$fog" stream "$tmp/src.mp4" --dir "$tmp/fog" 2>"$tmp/stream.err")
expect "fog stream succeeds and prints the video id" test -n "$id"
expect "the video completes in the registry" \
  wait_for 20 video_complete "$id"
# Complete is the union of the workers' ranges; each worker reports its own
# on its own round, so the second copies may be counted a round later.
expect "the registry counts 2 copies of each of the 23 packets" \
  wait_for 20 video_field_is "$id" "j['copies']" 46
packets=$(video_field "$id" "j['packets']")
total=$(video_field "$id" "j['total_packets']")
workers=$(video_field "$id" "len([w for w in j['workers'] if w['packets'] > 0])")
expect "registry: 23 packets (init + 22 one-second fragments), got $packets/$total" \
  test "$packets" = 23 -a "$total" = 23
expect "packets spread over >= 2 workers (got $workers)" test "$workers" -ge 2
# Two copies of every packet (the default replication), on distinct workers:
# the union of the workers' ranges is every packet, each range set counted.
copies=$(video_field "$id" "j['copies']")
expect "2 copies of each packet (got $copies copies of $packets)" \
  test "$copies" = 46
twice=$(video_field "$id" "all(sum(1 for w in j['workers'] for r in w['ranges'].split(',') if int(r.split('-')[0]) <= n <= int(r.split('-')[-1])) == 2 for n in range(1, 24))")
expect "every packet on exactly 2 workers' ranges" test "$twice" = True
# Duration from the workers' track timing: the init segment's timescales on
# one worker, the fragment ends on all (AAC priming adds up to ~0.1 s).
duration_ok() {
  python3 -c "import sys; d=$(video_field "$id" "j['duration']"); sys.exit(0 if d is not None and abs(d - 22) < 0.2 else 1)" 2>/dev/null
}
expect "registry: duration 22 s (got $(video_field "$id" "j['duration']"))" \
  wait_for 10 duration_ok
listed=$(curl -sf "$http/videos" | python3 -c 'import json,sys; print(sum(1 for v in json.load(sys.stdin) if v["VideoID"]==sys.argv[1] and "ID" in v and "CreatedAt" in v))' "$id")
expect "GET /videos lists it with the seed's fields" test "$listed" = 1

"$fog" get "$id" -o "$tmp/out.mp4" --dir "$tmp/fog" >"$tmp/get.json" 2>"$tmp/get.err"
expect "fog get exits 0" test $? = 0
expect "fog get: all 23 packets valid" \
  test "$(json "$(cat "$tmp/get.json")" "j['valid']")" = 23
stream_hashes "$tmp/src.mp4" >"$tmp/src.hashes"
stream_hashes "$tmp/out.mp4" >"$tmp/out.hashes"
expect "per-stream packet hashes equal the source" cmp -s "$tmp/src.hashes" "$tmp/out.hashes"
expect "hashes cover video and audio" test "$(cut -d' ' -f1 "$tmp/src.hashes" | sort -u | wc -l)" = 2

# --- fog videos lists it
"$fog" videos --dir "$tmp/fog" >"$tmp/videos.txt"
expect "fog videos shows the video as complete" grep -q "$id *complete" "$tmp/videos.txt"

# --- a live input, published in real time: live first, then complete
make_video "$tmp/live.mp4" 8
"$fog" stream "$tmp/live.mp4" --realtime --video-id live-cam-1 --dir "$tmp/fog" \
  >/dev/null 2>"$tmp/live.err" &
live_pid=$!
expect "a live stream is registered as live while it streams" \
  wait_for 15 sh -c "curl -sf $http/videos/live-cam-1 | grep -q '\"status\":\"live\"'"
wait $live_pid
expect "the live stream's publisher exits 0" test $? = 0
expect "the live stream is complete once it ends" \
  wait_for 20 video_complete live-cam-1

# --- the seed's viewer protocol: packet-request -> msgpack VideoPacket
# A viewer may read only the channel named by its client id (docs/security.md).
channel=$(python3 -c 'import uuid; print(uuid.uuid4())')
# The probe publishes the request only after the broker's SUBACK for the
# answer channel, so the answer cannot pass before the subscription.
probe viewer --client-id "$channel" sub "$channel" --count 1 --timeout 20 --out "$tmp/seed-answer" \
  --publish packet-request \
  "{\"video_id\":\"$id\",\"packet_number\":3,\"channel_uuid\":\"$channel\"}" \
  >"$tmp/seed-probe"
rc=$?
expect "packet-request: subscribed, then answered ($(tr '\n' ' ' <"$tmp/seed-probe"))" \
  test $rc = 0
head -c -1 "$tmp/seed-answer" >"$tmp/seed-packet"  # mosquitto_sub adds a newline
"$fog" packet inspect "$tmp/seed-packet" >"$tmp/seed.json"
expect "packet-request answered with a seed VideoPacket" \
  grep -q '"format":"video-packet"' "$tmp/seed.json"
expect "... of the right video and number" \
  grep -q "\"video_id\":\"$id\",\"packet_number\":3" "$tmp/seed.json"

# --- our viewer protocol carries signed envelopes the viewer verifies
expect "fog get verified signatures (valid count above)" grep -q '"invalid":0' "$tmp/get.json"

# --- the ACL: a viewer cannot publish to video/stream/#
printf 'x' >"$tmp/one"
"$fog" packet sign --key "$tmp/fog/keys/publisher.key" --video-id acl-test --number 1 \
  --total 1 "$tmp/one" >"$tmp/acl.payload"
# The broker's own verdict: PUBACK with reason code 0x87 (Not authorized).
verdict=$(probe viewer pub video/stream/acl-test --file "$tmp/acl.payload")
expect "the broker refuses a viewer's publish to video/stream/ (got: ${verdict//$'\n'/ })" \
  grep -q '^puback 0x87' <<<"$verdict"
verdict=$(probe_as viewer wrong-password pub packet-request --message x)
expect "the broker refuses a wrong password (got: ${verdict//$'\n'/ })" \
  grep -qE '^connack 0x8[67]' <<<"$verdict"
expect "nothing of the refused publish reached the fog" \
  test "$(curl -s -o /dev/null -w '%{http_code}' "$http/videos/acl-test")" = 404
pub "$tmp/fog" publisher video/stream/acl-test "$tmp/acl.payload"
expect "the same payload from the publisher role is stored" \
  wait_for 10 sh -c "curl -sf $http/videos/acl-test >/dev/null"
expect "the fog is still healthy" \
  test "$(curl -s -o /dev/null -w '%{http_code}' "$http/health")" = 200

finish
