#!/usr/bin/env bash
# HLS playback from a real fog (fog up: mosquitto, API, master, 3 workers):
# ffmpeg plays the API's playlist back with the source's per-stream packet
# hashes; the playlist's durations come from the fragments; init and
# segments are the verified packets fog get returns, with their content
# types, caching headers and ETags; a live stream's playlist grows and ends with
# EXT-X-ENDLIST; an API trusting another key serves none of it (502); bad
# input gets 4xx JSON errors and changes nothing.
# Usage: hls_test.sh FOG_BINARY
set -uo pipefail
fog=$1
suite=hls
source "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
other_api=
trap '[[ -n $other_api ]] && kill $other_api 2>/dev/null; stop_fog; rm -rf "$tmp"' EXIT
start_fog "$tmp/fog" || exit 1

# status URL [curl args...]: the HTTP status of a GET.
status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
# header URL NAME: one response header's value.
header() {
  curl -s -D - -o /dev/null "$1" | tr -d '\r' |
    awk -v n="$(echo "$2" | tr A-Z a-z)" -F': ' 'tolower($1)==n {print $2}'
}
# is_json_error URL CODE [curl args...]: a JSON error {"error","status"}.
is_json_error() {
  local url=$1 code=$2
  shift 2
  local body got
  body=$(curl -s --path-as-is -w '\n%{http_code}' "$@" "$url")
  got=${body##*$'\n'}
  body=${body%$'\n'*}
  [[ $got == "$code" ]] &&
    python3 -c 'import json,sys; j=json.loads(sys.argv[1]); sys.exit(0 if j["status"]==int(sys.argv[2]) and j["error"] else 1)' "$body" "$code" 2>/dev/null
}

# --- a complete video: playlist, ffmpeg playback, packets
make_video "$tmp/src.mp4" 12 || { echo "ffmpeg failed"; exit 1; }
id=$("$fog" stream "$tmp/src.mp4" --dir "$tmp/fog" 2>"$tmp/stream.err")
expect "fog stream prints the video id" test -n "$id"
expect "the video completes in the registry" \
  wait_for 20 video_complete "$id"
packets=$(video_field "$id" "j['total_packets']")
url=$http/videos/$id/index.m3u8
curl -s "$url" >"$tmp/index.m3u8"
expect "playlist is 200" test "$(status "$url")" = 200
expect "playlist content type" test "$(header "$url" Content-Type)" = application/vnd.apple.mpegurl
for tag in '#EXTM3U' '#EXT-X-VERSION:7' '#EXT-X-MEDIA-SEQUENCE:0' '#EXT-X-PLAYLIST-TYPE:VOD' \
  '#EXT-X-INDEPENDENT-SEGMENTS' '#EXT-X-MAP:URI="init.mp4"' '#EXT-X-ENDLIST'; do
  expect "complete playlist has $tag" grep -qxF "$tag" "$tmp/index.m3u8"
done
expect "one EXTINF per fragment ($((packets - 1)))" \
  test "$(grep -c '^#EXTINF:' "$tmp/index.m3u8")" = $((packets - 1))
expect "segments are named by packet number 2..$packets" \
  test "$(grep -v '^#' "$tmp/index.m3u8" | tr '\n' ' ')" = "$(seq -f '%g.m4s' -s ' ' 2 "$packets") "
# The video track is 300 frames of 1/25 s: the EXTINFs add up to 12 s exactly,
# and the target duration is the longest one rounded up.
python3 - "$tmp/index.m3u8" <<'PY'
import math, sys
lines = open(sys.argv[1]).read().splitlines()
d = [float(l[8:].rstrip(',')) for l in lines if l.startswith('#EXTINF:')]
t = int([l for l in lines if l.startswith('#EXT-X-TARGETDURATION:')][0].split(':')[1])
ok = abs(sum(d) - 12.0) < 1e-3 and t == math.ceil(max(d) - 1e-9) and all(x > 0 for x in d)
print(f"durations {d} target {t}") if not ok else None
sys.exit(0 if ok else 1)
PY
expect "EXTINF durations sum to 12 s, target = ceil(longest)" test $? = 0
expect "complete playlist is cacheable" test "$(header "$url" Cache-Control)" = "public, max-age=300"

stream_hashes "$tmp/src.mp4" >"$tmp/src.hashes"
stream_hashes "$url" >"$tmp/hls.hashes"
expect "ffmpeg through the playlist: per-stream hashes equal the source" \
  cmp -s "$tmp/src.hashes" "$tmp/hls.hashes"
expect "hashes cover video and audio ($(wc -l <"$tmp/hls.hashes") packets)" \
  test "$(cut -d' ' -f1 "$tmp/hls.hashes" | sort -u | wc -l)" = 2

"$fog" get "$id" -o "$tmp/get.mp4" --dir "$tmp/fog" >/dev/null 2>&1
curl -s "$http/videos/$id/init.mp4" >"$tmp/hls.mp4"
for n in $(seq 2 "$packets"); do curl -s "$http/videos/$id/$n.m4s" >>"$tmp/hls.mp4"; done
expect "init.mp4 + every N.m4s = the verified packets fog get writes" \
  cmp -s "$tmp/get.mp4" "$tmp/hls.mp4"
expect "init.mp4 content type" test "$(header "$http/videos/$id/init.mp4" Content-Type)" = video/mp4
expect "segment content type" test "$(header "$http/videos/$id/2.m4s" Content-Type)" = video/iso.segment
expect "segments of a complete video are immutable" \
  test "$(header "$http/videos/$id/3.m4s" Cache-Control)" = "public, max-age=31536000, immutable"
etag=$(header "$http/videos/$id/3.m4s" ETag)
expect "segments carry an ETag" test -n "$etag"
expect "If-None-Match with it: 304" \
  test "$(status "$http/videos/$id/3.m4s" -H "If-None-Match: $etag")" = 304
expect "segment beyond the end: 404" is_json_error "$http/videos/$id/$((packets + 1)).m4s" 404
expect "CORS on segments" test "$(header "$http/videos/$id/2.m4s" Access-Control-Allow-Origin)" = "*"

# --- a live stream: the playlist grows, then ends
make_video "$tmp/live.mp4" 10
"$fog" stream "$tmp/live.mp4" --realtime --video-id hls-live-1 --dir "$tmp/fog" \
  >/dev/null 2>"$tmp/live.err" &
live_pid=$!
live=$http/videos/hls-live-1/index.m3u8
segments() { curl -s "$live" | grep -c '^#EXTINF:'; }
expect "the live playlist appears with segments" \
  wait_for 15 sh -c "curl -sf $live | grep -q '^#EXTINF:'"
curl -s "$live" >"$tmp/live1.m3u8"
first=$(grep -c '^#EXTINF:' "$tmp/live1.m3u8")
expect "a live playlist is an EVENT" grep -qxF '#EXT-X-PLAYLIST-TYPE:EVENT' "$tmp/live1.m3u8"
expect "a live playlist has no ENDLIST" test "$(grep -c ENDLIST "$tmp/live1.m3u8")" = 0
expect "a live playlist is not cached" test "$(header "$live" Cache-Control)" = no-cache
grows() { (($(segments) > first)); }
expect "the live playlist grows ($first segments at first)" wait_for 10 grows
wait $live_pid
expect "the live publisher exits 0" test $? = 0
expect "the live playlist ends with ENDLIST" \
  wait_for 20 sh -c "curl -s $live | grep -qxF '#EXT-X-ENDLIST'"
wait_for 20 video_complete hls-live-1
live_packets=$(video_field hls-live-1 "j['total_packets']")
expect "the ended playlist lists every fragment ($(segments) of $live_packets packets)" \
  test "$(segments)" = $((live_packets - 1))
stream_hashes "$tmp/live.mp4" >"$tmp/live-src.hashes"
stream_hashes "$live" >"$tmp/live-hls.hashes"
expect "the ended live stream plays back with the source's hashes" \
  cmp -s "$tmp/live-src.hashes" "$tmp/live-hls.hashes"

# --- bad input: 4xx JSON errors, the registry unchanged
before=$(curl -s "$http/videos?limit=1000")
for path in "/videos/../index.m3u8" "/videos/..%2Findex.m3u8" "/videos/$id/../../etc/passwd" \
  "/videos/$id/..%2F..%2Fetc%2Fpasswd" "/videos/$id/1.m4s" "/videos/$id/0.m4s" \
  "/videos/$id/-3.m4s" "/videos/$id/03.m4s" "/videos/$id/x.m4s" \
  "/videos/$id/99999999999999999999999.m4s" "/videos/$id/index.html" "/videos/$id/a/2.m4s"; do
  expect "GET $path: 400" is_json_error "$http$path" 400
done
expect "unknown video: 404" is_json_error "$http/videos/no-such-video/index.m3u8" 404
expect "unknown video segment: 404" is_json_error "$http/videos/no-such-video/2.m4s" 404
for method in POST PUT DELETE PATCH; do
  expect "$method on a segment: 405" is_json_error "$http/videos/$id/2.m4s" 405 -X $method -d ""
done
expect "DELETE on a playlist: 405" is_json_error "$url" 405 -X DELETE
expect "the registry is unchanged" test "$(curl -s "$http/videos?limit=1000")" = "$before"
expect "the video still plays" test "$(status "$http/videos/$id/2.m4s")" = 200

# --- an API that trusts another publisher serves nothing of the video
mkdir -p "$tmp/other-trust"
"$fog" keygen --out "$tmp/other" >/dev/null 2>&1
mv "$tmp/other.pub" "$tmp/other-trust/"
api_user=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["api"]["username"])' \
  "$tmp/fog/mosquitto/roles.json")
other_port=$(free_port)
"$fog" api --mqtt "tcp://127.0.0.1:$mqtt_port" --username "$api_user" \
  --password "$(role_password "$tmp/fog" api)" --port "$other_port" --client-id other-api \
  --db "sqlite3://$tmp/fog/registry.sqlite" --trust "$tmp/other-trust" \
  --viewer-username viewer --viewer-password "$(role_password "$tmp/fog" viewer)" \
  >"$tmp/other-api.log" 2>&1 &
other_api=$!
other=http://127.0.0.1:$other_port
wait_for 10 curl -sf "$other/openapi.json" -o /dev/null
expect "untrusted playlist: 502" is_json_error "$other/videos/$id/index.m3u8" 502
expect "untrusted init: 502" is_json_error "$other/videos/$id/init.mp4" 502
expect "untrusted segment: 502" is_json_error "$other/videos/$id/2.m4s" 502
expect "the verification failure is logged" grep -q "unverified" "$tmp/other-api.log"
kill $other_api
wait $other_api 2>/dev/null
other_api=

finish
