#!/usr/bin/env bash
# End to end with the original clients' wire formats, over MQTT on TCP:
# seed VideoPacketSIS payloads from the published vectors
# (vectors/legacy-sis), the original end of stream (EOSTREAMING on
# go-streaming) and the original viewer's packet-request JSON. A seed video
# completes at its end of stream (total = the highest packet number); fog
# get reassembles it and reports each packet (valid but unauthenticated, or
# missing); HLS refuses it with the reason; each packet-request is answered
# exactly once, with two and with three copies of every packet.
# Usage: legacy_clients_test.sh FOG_BINARY
set -uo pipefail
fog=$1
suite=legacy_clients
source "$(dirname "$0")/lib.sh"
vectors=${FOG_VECTORS:-$(dirname "$0")/../../../shared/vectors}/legacy-sis/vectors.json
[[ -f $vectors ]] || vectors=/work/wt/shared/vectors/legacy-sis/vectors.json
tmp=$(mktemp -d)
trap 'stop_fog; rm -rf "$tmp"' EXIT

# The seed video of the vectors: packets 1..4, total_packets 0 (unknown),
# all valid under the seed's check.
vid=3f1c9a52-7d4e-4b1a-9c2f-0e8d6b5a4c31
python3 - "$vectors" "$tmp" <<'PY' || { echo "cannot read $vectors"; exit 1; }
import base64, json, sys
cases = {c["id"]: c for c in json.load(open(sys.argv[1]))["cases"]}
for n, case in enumerate(["pos-data-0", "pos-data-1", "pos-pkt-1536", "pos-pkt-1537"], 1):
    open(f"{sys.argv[2]}/seed-{n}.payload", "wb").write(
        base64.b64decode(cases[case]["sis_msgpack_b64"]))
PY

# probe_in DIR ROLE ARGS...: the probe as ROLE of the fog in DIR.
probe_in() {
  local dir=$1 role=$2
  shift 2
  probe_as "$role" "$(role_password "$dir" "$role")" "$@"
}

# answers DIR NUMBER: publishes the original viewer's packet-request for
# packet NUMBER once its answer channel is subscribed (SUBACK awaited by
# the probe), and prints how many answers arrive on the channel. It waits
# for a second answer that must not come (3 s).
answers() {
  local dir=$1 n=$2 channel
  channel=$(python3 -c 'import uuid; print(uuid.uuid4())')
  rm -f "$tmp/answer"
  # The channel is the viewer's client id: viewers read only their own.
  probe_in "$dir" viewer --client-id "$channel" sub "$channel" --count 2 --timeout 3 --report \
    --out "$tmp/answer" --publish packet-request \
    "{\"video_id\":\"$vid\",\"packet_number\":$n,\"channel_uuid\":\"$channel\"}" \
    >"$tmp/probe.out"
  grep -q '^suback 0x00' "$tmp/probe.out" || { echo "no-suback"; return; }
  grep -c '^publish ' "$tmp/probe.out"
}

# stream_seed DIR N...: seed packets N..., then the original end of stream.
stream_seed() {
  local dir=$1 n
  shift
  for n in "$@"; do
    pub "$dir" publisher "video/stream/$vid" "$tmp/seed-$n.payload" || return 1
  done
  mosquitto_pub -V 5 -q 1 -p "$mqtt_port" -u publisher \
    -P "$(role_password "$dir" publisher)" -t go-streaming -m EOSTREAMING
}

copies_are() {  # copies_are N: the registry counts N copies of the video
  test "$(video_field "$vid" "j['copies']" 2>/dev/null)" = "$1"
}

for replicas in 2 3; do
  dir=$tmp/fog$replicas
  start_fog "$dir" --accept-legacy --replicas "$replicas" || exit 1
  if ((replicas == 3)); then
    # Packet 3 lost on the way: the end makes the total 4, the video stays
    # live, and fog get reports packet 3 missing and exits 1.
    expect "[$replicas copies] seed packets 1, 2, 4 and EOSTREAMING are published" \
      stream_seed "$dir" 1 2 4
    has_total() { test "$(video_field "$vid" "j['total_packets']" 2>/dev/null)" = 4; }
    expect "[$replicas copies] the end of stream sets the total to 4" wait_for 20 has_total
    # The end may be registered before packet 4's commit: wait until the
    # packets published are all on their 3 workers.
    expect "[$replicas copies] packets 1, 2 and 4 on 3 workers each" \
      wait_for 20 copies_are 9
    expect "[$replicas copies] ... and the video stays live without packet 3" \
      test "$(video_field "$vid" "j['status']")" = live
    "$fog" get "$vid" -o "$tmp/part.out" --dir "$dir" >"$tmp/part.json" 2>"$tmp/part.err"
    rc=$?
    expect "fog get of a seed video missing packet 3 exits 1 (got $rc)" test $rc = 1
    expect "fog get: 1-2 valid, 3 missing, 4 valid ($(cat "$tmp/part.json"))" \
      test "$(json "$(cat "$tmp/part.json")" "[(s['first'], s['last'], s['status']) for s in j['statuses']]")" = \
      "[(1, 2, 'valid'), (3, 3, 'missing'), (4, 4, 'valid')]"
    expect "fog get prints the missing packet on stderr" grep -q '^packet 3: missing' "$tmp/part.err"
    pub "$dir" publisher "video/stream/$vid" "$tmp/seed-3.payload"
  else
    expect "[$replicas copies] the seed packets and EOSTREAMING are published" \
      stream_seed "$dir" 1 2 3 4
  fi
  expect "[$replicas copies] EOSTREAMING completes the seed video" \
    wait_for 20 video_complete "$vid"
  total=$(video_field "$vid" "j['total_packets']")
  expect "[$replicas copies] total = the highest packet number received (got $total)" \
    test "$total" = 4
  expect "[$replicas copies] every packet is on $replicas workers" \
    wait_for 20 copies_are $((4 * replicas))
  for n in 1 4; do
    got=$(answers "$dir" "$n")
    expect "[$replicas copies] packet-request $n answered exactly once (got $got)" \
      test "$got" = 1
  done
  # The answer is the seed's VideoPacket (no check) of the right packet.
  head -c -1 "$tmp/answer" >"$tmp/answer.packet"
  "$fog" packet inspect "$tmp/answer.packet" >"$tmp/inspect.json"
  expect "[$replicas copies] the answer is a seed VideoPacket of packet 4" \
    grep -q "\"format\":\"video-packet\".*\"video_id\":\"$vid\",\"packet_number\":4" \
    "$tmp/inspect.json"
  if ((replicas == 2)); then
    # fog get reassembles it, each packet under the seed's check.
    "$fog" get "$vid" -o "$tmp/seed.out" --dir "$dir" >"$tmp/get.json" 2>"$tmp/get.err"
    rc=$?
    expect "fog get of the seed video exits 0 (got $rc: $(tail -n 3 "$tmp/get.err"))" test $rc = 0
    summary=$(cat "$tmp/get.json")
    expect "fog get: 4 packets, 4 valid, never authenticated ($summary)" \
      test "$(json "$summary" "(j['packets'], j['valid'], j['authenticated'])")" = "(4, 4, False)"
    expect "fog get: each valid packet says unauthenticated, 1537 bytes covered" \
      test "$(json "$summary" "[(s['first'], s['last'], s['status'], s['reason']) for s in j['statuses']]")" = \
      "[(1, 4, 'valid', 'unauthenticated, 1537 bytes covered')]"
    expect "fog get: the output is the packets' data (0 + 1 + 1450 + 1451 bytes)" \
      test "$(stat -c %s "$tmp/seed.out")" = 2902
    # HLS: refused with the reason, not "holds no packets".
    code=$(curl -s -o "$tmp/hls.body" -w '%{http_code}' "$http/videos/$vid/index.m3u8")
    expect "HLS of a seed video answers 422 (got $code: $(head -c 300 "$tmp/hls.body"))" \
      test "$code" = 422
    expect "... saying the seed's client cuts at fixed sizes" \
      grep -q "fixed sizes" "$tmp/hls.body"
    # fog stream --legacy cuts at fMP4 fragments: that seed video plays.
    make_video "$tmp/src.mp4" 4 || { echo "ffmpeg failed"; exit 1; }
    "$fog" stream "$tmp/src.mp4" --legacy --video-id legacy-frag --dir "$dir" \
      >/dev/null 2>"$tmp/stream.err"
    expect "fog stream --legacy exits 0 ($(tail -n 2 "$tmp/stream.err"))" test $? = 0
    expect "the fragment-aligned seed video completes" wait_for 20 video_complete legacy-frag
    url=$http/videos/legacy-frag/index.m3u8
    code=$(curl -s -o "$tmp/frag.m3u8" -w '%{http_code}' "$url")
    expect "HLS serves the fragment-aligned seed video (got $code: $(head -c 300 "$tmp/frag.m3u8"))" \
      test "$code" = 200
    stream_hashes "$tmp/src.mp4" >"$tmp/src.hashes"
    stream_hashes "$url" >"$tmp/hls.hashes"
    expect "ffmpeg through its playlist: per-stream hashes equal the source" \
      cmp -s "$tmp/src.hashes" "$tmp/hls.hashes"
  fi
  got=$(answers "$dir" 9)
  expect "[$replicas copies] a packet nobody holds gets no answer (got $got)" \
    test "$got" = 0
  stop_fog
done
finish
