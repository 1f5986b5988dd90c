#!/usr/bin/env bash
# Soak: continuous streaming into a real fog (fog up: 4 workers, R = 2)
# while a random worker is killed with SIGKILL every few seconds (fog up
# restarts it). At the end every video is fetched back and checked.
# Prints one JSON line: videos and packets published, packets fetched valid,
# missing, copies per packet (min, max), kills, hashes equal.
#
# Usage: bench/soak.sh FOG_BINARY [SECONDS] [KILL_EVERY_SECONDS]
# Not part of the test suite: it runs for minutes (docs/durability.md).
set -uo pipefail
fog=$(realpath "$1")
seconds=${2:-180}
kill_every=${3:-7}
suite=soak
source "$(dirname "$0")/../tests/e2e/lib.sh"
tmp=$(mktemp -d)
trap 'stop_fog; rm -rf "$tmp"' EXIT
start_fog "$tmp/fog" --workers 4 || exit 1
d=$tmp/fog

# 0.2 s fragments: a 10 s video is 51 packets, streamed in real time.
ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=320x180:rate=25 \
  -f lavfi -i sine=frequency=440:sample_rate=48000 -t 10 -c:v libx264 \
  -preset veryfast -g 5 -keyint_min 5 -sc_threshold 0 -c:a aac -b:a 64k \
  "$tmp/src.mp4" || exit 1
stream_hashes "$tmp/src.mp4" >"$tmp/src.hashes"

# Two publishers, one video after another, until the time is up.
publisher() {
  local p=$1 i=0
  while ((SECONDS < end)); do
    i=$((i + 1))
    if "$fog" stream "$tmp/src.mp4" --realtime --video-id "soak-$p-$i" \
      --dir "$d" >/dev/null 2>>"$tmp/publisher-$p.err"; then
      echo "soak-$p-$i" >>"$tmp/videos"
    else
      echo "soak-$p-$i" >>"$tmp/failed"
    fi
  done
}
end=$((SECONDS + seconds))
publisher 1 &
pub1=$!
publisher 2 &
pub2=$!
kills=0
while ((SECONDS < end)); do
  sleep "$kill_every"
  victim="roles/worker-$((RANDOM % 4 + 1)).conf"
  pkill -9 -f -- "$victim" && kills=$((kills + 1))
done
wait $pub1 $pub2
sleep 15 # the last re-dispatches (ack timeout 10 s)

# Lowest and highest copy count over every packet of every video, from the
# registry's per-worker ranges.
copies_range() {
  local lo=99 hi=0 a b
  for id in $(cat "$tmp/videos"); do
    read -r a b < <(curl -sf "$http/videos/$id" | python3 -c '
import json, sys
v = json.load(sys.stdin)
copies = {}
for w in v["workers"]:
    for r in w.get("ranges", "").split(","):
        a, _, b = r.partition("-")
        for n in range(int(a), int(b or a) + 1):
            copies[n] = copies.get(n, 0) + 1
c = [copies.get(n, 0) for n in range(1, 52)]
print(min(c), max(c))')
    ((a < lo)) && lo=$a
    ((b > hi)) && hi=$b
  done
  echo "$lo $hi"
}

videos=0 packets=0 valid=0 missing=0 hashes_equal=0
for id in $(cat "$tmp/videos"); do
  videos=$((videos + 1))
  "$fog" get "$id" -o "$tmp/out.mp4" --dir "$d" >"$tmp/get.json" 2>/dev/null
  packets=$((packets + 51))
  valid=$((valid + $(json "$(cat "$tmp/get.json")" "j['valid']")))
  missing=$((missing + 51 - $(json "$(cat "$tmp/get.json")" "j['valid']")))
  stream_hashes "$tmp/out.mp4" | cmp -s - "$tmp/src.hashes" &&
    hashes_equal=$((hashes_equal + 1))
done
read -r min_copies max_copies < <(copies_range)
# Whether packets left with one copy reach two later (ack timeout, top-up).
sleep 45
read -r min_later max_later < <(copies_range)
failed=$(cat "$tmp/failed" 2>/dev/null | wc -l)
echo "{\"seconds\":$seconds,\"kills\":$kills,\"videos\":$videos,\"publisher_failures\":$failed,\"packets\":$packets,\"valid\":$valid,\"missing\":$missing,\"copies_min\":$min_copies,\"copies_max\":$max_copies,\"copies_min_45s_later\":$min_later,\"copies_max_45s_later\":$max_later,\"hashes_equal\":$hashes_equal}"
