#!/usr/bin/env bash
# Several fogs as one (docs/federation.md), three real fogs on one machine,
# each with its own directory, broker and ports, linked in a ring (A-B, B-C,
# C-A: C dials both, B dials A). A video streamed only into A:
# - `fog get` at B fetches it through the federation, verified, byte-equal
#   to `fog get` at A;
# - B's API serves it as HLS (ffmpeg's framemd5 equal to the source's), its
#   packet 2 (the same bytes as at A) and its poster; a second `fog get` at
#   B is answered from B's cache of verified pulled packets;
# - the seed's packet-request at B is answered with A's packet;
# - B and C list it in GET /fog's federation status, with A as its holder;
# a video nobody holds ends with "not found" at once, and the three fogs
# together sent at most 2 requests and 2 ends for it (their metrics);
# a hostile fog E that alters the packets it sends is caught by B: counted
# as forged, and nothing of it reaches B's viewer.
# Usage: federation_test.sh FOG_BINARY
set -uo pipefail
fog=$1
suite=federation
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/federation_lib.sh"

up a
# B, C and E trust A's packets the documented way: A's certificate
# authority (for A's registered publishers, whose packets carry a
# certificate), and A's own publisher key (what `fog stream --dir a` signs
# with, no certificate).
for f in b c e; do trusts $f a; done
up b --peer "$(peer_uri a)"
up c --peer "$(peer_uri a)" --peer "$(peer_uri b)"
expect "links up: a-b" wait_for 20 linked a b
expect "links up: a-c" wait_for 20 linked a c
expect "links up: b-c (c dialed b)" wait_for 20 linked b c
expect "links up: c-b (answered over b's broker)" wait_for 20 linked c b
expect "links up: c-a" wait_for 20 linked c a

# --- pull-through of a video held only at A
# ffmpeg reads its stdin for commands: give it none.
make_video "$tmp/src.mp4" 4 </dev/null || { echo "ffmpeg failed"; exit 1; }
vid=$("$fog" stream "$tmp/src.mp4" --dir "$tmp/a" 2>"$tmp/stream.err")
expect "streamed into a" test -n "$vid"
"$fog" get "$vid" -o "$tmp/at_a.mp4" --dir "$tmp/a" >"$tmp/get_a.json" 2>&1
expect "fog get at a" test -s "$tmp/at_a.mp4"
# B learns A holds it from A's catalog (a signal in B's status).
in_catalog() {
  curl -sf "$http_b/fog" >/dev/null
  mosquitto_sub -V 5 -p "$port_b" -u federation \
    -P "$(role_password "$tmp/b" federation)" -t fog/status/federation -C 1 \
    -W 3 2>/dev/null | grep -q "\"$vid\""
}
expect "b's federation status lists a's video" wait_for 20 in_catalog
"$fog" get "$vid" -o "$tmp/at_b.mp4" --dir "$tmp/b" >"$tmp/get_b.json" 2>"$tmp/get_b.err"
rc=$?
expect "fog get at b exits 0 ($(tail -c 300 "$tmp/get_b.err"))" test $rc = 0
expect "fog get at b is byte-equal to a's copy" cmp -s "$tmp/at_a.mp4" "$tmp/at_b.mp4"
expect "b verified the packets it pulled" \
  metric_at_least "$tmp/b" federation 1 fog_federation_packets_verified_total
expect "b counted nothing forged from a" \
  test "$(fed b fog_federation_forged_packets_total)" = 0

# --- the API at B pulls through: HLS, the packet endpoint, the poster
hls_b=$http_b/videos/$vid/index.m3u8
code=$(curl -s -o "$tmp/b.m3u8" -w '%{http_code}' "$hls_b")
expect "hls at b: playlist answered ($code)" test "$code" = 200
expect "hls at b: the playlist is complete" grep -qxF '#EXT-X-ENDLIST' "$tmp/b.m3u8"
stream_hashes "$tmp/src.mp4" >"$tmp/src.hashes" </dev/null
stream_hashes "$hls_b" >"$tmp/hls_b.hashes" </dev/null
expect "hls at b: ffmpeg through b's playlist, per-stream hashes equal the source" \
  test -s "$tmp/hls_b.hashes" -a "$(cat "$tmp/src.hashes")" = "$(cat "$tmp/hls_b.hashes")"
curl -s -o "$tmp/p2_a" "$http_a/videos/$vid/packets/2"
code=$(curl -s -o "$tmp/p2_b" -w '%{http_code}' "$http_b/videos/$vid/packets/2")
expect "packet 2 at b answered ($code)" test "$code" = 200
expect "packet 2 at b: the same bytes as at a" cmp -s "$tmp/p2_a" "$tmp/p2_b"
code=$(curl -s -o "$tmp/poster_b.jpg" -w '%{http_code}' "$http_b/videos/$vid/poster.jpg")
expect "poster at b answered ($code)" test "$code" = 200
for path in index.m3u8 packets/2 poster.jpg; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$http_b/videos/nobody-has-this/$path")
  expect "unknown everywhere: $path at b is 404 ($code)" test "$code" = 404
done
# A second `fog get` at B: every packet is in B's cache of verified pulled
# packets, so the federation answers without asking A.
hits=$(fed b fog_federation_cache_hits_total)
fwd=$(fed b fog_federation_requests_forwarded_total)
"$fog" get "$vid" -o "$tmp/at_b2.mp4" --dir "$tmp/b" >/dev/null 2>"$tmp/get_b2.err"
expect "second fog get at b is byte-equal to a's copy" cmp -s "$tmp/at_a.mp4" "$tmp/at_b2.mp4"
expect "second fog get at b: served from the cache" \
  test "$(fed b fog_federation_cache_hits_total)" -gt "$hits"
expect "second fog get at b: nothing asked of the peers" \
  test "$(fed b fog_federation_requests_forwarded_total)" = "$fwd"
expect "b's cache holds bytes" metric_at_least "$tmp/b" federation 1 fog_federation_cache_bytes

# --- the seed's packet-request at B for A's video
chan=$(python3 -c 'import uuid; print(uuid.uuid4())')
mqtt_port=$port_b
probe_as "$(json "$(cat "$tmp/b/fog.json")" "j['credentials']['viewer']['username']")" \
  "$(json "$(cat "$tmp/b/fog.json")" "j['credentials']['viewer']['password']")" \
  --client-id "$chan" sub "$chan" --qos 1 --count 1 --timeout 20 \
  --out "$tmp/seed.out" >"$tmp/seed.probe" &
seed_pid=$!
wait_for 10 grep -qs suback "$tmp/seed.probe"
probe_as "$(json "$(cat "$tmp/b/fog.json")" "j['credentials']['viewer']['username']")" \
  "$(json "$(cat "$tmp/b/fog.json")" "j['credentials']['viewer']['password']")" \
  --client-id "$chan-pub" pub packet-request \
  --message "{\"video_id\":\"$vid\",\"packet_number\":2,\"channel_uuid\":\"$chan\"}" >/dev/null
wait $seed_pid
expect "packet-request at b answered with a's packet" grep -q "$vid" "$tmp/seed.out"

# --- the ring, a video nobody holds
before_req=$(($(fed a fog_federation_requests_forwarded_total) + $(fed b fog_federation_requests_forwarded_total) + $(fed c fog_federation_requests_forwarded_total)))
before_end=$(($(fed a 'fog_federation_peer_messages_sent_total{kind="end"}') + $(fed b 'fog_federation_peer_messages_sent_total{kind="end"}') + $(fed c 'fog_federation_peer_messages_sent_total{kind="end"}')))
start=$(date +%s)
"$fog" get nobody-has-this -o "$tmp/none.mp4" --dir "$tmp/b" --timeout 10 >/dev/null 2>&1
took=$(($(date +%s) - start))
expect "ring: fog get of a video nobody holds fails" test ! -s "$tmp/none.mp4"
expect "ring: not found within seconds (${took}s)" test "$took" -le 8
expect "ring: b counted not-found" \
  metric_at_least "$tmp/b" federation 1 fog_federation_requests_not_found_total
after_req=$(($(fed a fog_federation_requests_forwarded_total) + $(fed b fog_federation_requests_forwarded_total) + $(fed c fog_federation_requests_forwarded_total)))
after_end=$(($(fed a 'fog_federation_peer_messages_sent_total{kind="end"}') + $(fed b 'fog_federation_peer_messages_sent_total{kind="end"}') + $(fed c 'fog_federation_peer_messages_sent_total{kind="end"}')))
expect "ring: at most 2 requests per page ($((after_req - before_req)))" \
  test $((after_req - before_req)) -le 2 -a $((after_req - before_req)) -ge 1
expect "ring: as many ends as requests ($((after_end - before_end)))" \
  test $((after_end - before_end)) = $((after_req - before_req))

# The links stayed up through all of it: every federation process still
# answers its metrics and hears its peers (a process that deadlocked
# between its MQTT clients and its own lock failed here).
for l in "a b" "a c" "b a" "b c" "c a" "c b"; do
  expect "links still up: ${l/ /-}" wait_for 10 linked $l
done

# --- a hostile peer: E holds a video signed with A's key and alters it
up e --peer "$(peer_uri b)"
cp "$tmp/a/keys/publisher.pub" "$tmp/e/trust/a.pub"
vid2=$("$fog" stream "$tmp/src.mp4" --dir "$tmp/e" --key "$tmp/a/keys/publisher.key" \
  --video-id hostile-video 2>"$tmp/stream_e.err")
expect "streamed into e" test "$vid2" = hostile-video
echo "tamper-for-test = true" >>"$tmp/e/roles/federation.conf"
fed_pid=$(pgrep -f -- "federation --config $tmp/e/roles/federation.conf")
kill -TERM $fed_pid  # the supervisor restarts it with the flag
expect "links up: b-e after e's federation restarted" wait_for 20 linked b e
# B learns from E's catalog that E holds it (E's registry first); each try
# is one fetch through E.
hostile_caught() {
  "$fog" get hostile-video -o "$tmp/hostile.mp4" --dir "$tmp/b" --timeout 5 \
    >"$tmp/hostile.json" 2>/dev/null
  metric_at_least "$tmp/b" federation 1 fog_federation_forged_packets_total
}
expect "hostile: b counted forged packets" wait_for 40 hostile_caught
expect "hostile: b served no packet of it" \
  test "$(json "$(cat "$tmp/hostile.json")" "j['valid']")" = 0

finish
