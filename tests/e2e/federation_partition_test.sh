#!/usr/bin/env bash
# A partition between two fogs (docs/federation.md, "What a partition
# does"). Fog A runs on this host, bound to its end of a veth pair; fog C
# runs in its own network namespace behind the other end and dials A. The
# link is cut by setting C's end down (no netem here), then set up again:
# (a) both fogs mark each other down within the down timeout (metrics, and
#     GET /fog at A);
# (b) `fog get` at A of a video held only at C that A pulled before is
#     served from A's cache of pulled packets; of one it never pulled, fails
#     at once, saying C holds it and is down, instead of waiting for the
#     request timeout;
# (c) while C is away, a video streamed into C and A's repeated asking
#     leave nothing waiting for the other side: no request goes to C, none
#     stays pending, catalogs are held back, and every queue's gauge stays
#     under its bound;
# (d) once the link is back, both fogs see each other again, the video
#     streamed during the partition appears in A's federation catalog and
#     `fog get` at A of it is byte-equal to C's copy.
# Needs root (ip netns). Usage: federation_partition_test.sh FOG_BINARY
set -uo pipefail
fog=$1
suite=federation_partition
source "$(dirname "$0")/lib.sh"
if [[ $(id -u) != 0 ]] || ! ip netns list >/dev/null 2>&1; then
  echo "$suite: needs root and ip netns; skipped"
  echo "$suite: 0 passed, 0 failed"
  exit 0
fi
tmp=$(mktemp -d)
# Names unique to this run: two runs at once do not meet.
tag=$(printf '%04x' $(($$ % 65536)))
net=10.$((150 + $$ % 50)).$(($$ / 50 % 250)).
ns=fogp$tag
veth=vfp$tag
ipa=${net}1
ipc=${net}2
pids=()
cleanup() {
  for p in "${pids[@]}" $(ip netns pids "$ns" 2>/dev/null); do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  for _ in $(seq 50); do
    [[ -z $(ip netns pids "$ns" 2>/dev/null) ]] && break
    sleep 0.2  # polls until every process of the namespace has exited
  done
  for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
  ip netns del "$ns" 2>/dev/null
  ip link del "$veth" 2>/dev/null
  [[ -n ${FOG_KEEP_TMP:-} ]] || rm -rf "$tmp"
}
trap cleanup EXIT

# --- the network: C's namespace behind a veth pair
ip netns add "$ns" || exit 1
ip link add "$veth" type veth peer name eth0 netns "$ns" || exit 1
ip addr add "$ipa/24" dev "$veth"
ip link set "$veth" up
ip -n "$ns" addr add "$ipc/24" dev eth0
ip -n "$ns" link set eth0 up
ip -n "$ns" link set lo up
on_c() { ip netns exec "$ns" "$@"; }

# --- two fogs, started side by side. A trusts the packets C signs with its
# own key (docs/federation.md, "What is trusted"): that key is made first,
# and fog up keeps it. A's federation reads its trust directory at start.
mkdir -p "$tmp/a/trust" "$tmp/c/keys"
"$fog" keygen --out "$tmp/c/keys/publisher" >/dev/null || exit 1
cp "$tmp/c/keys/publisher.pub" "$tmp/a/trust/c.pub"
# Fog A on this host, bound to its end of the pair.
mqtt_port=$(free_port)
ws_port=$(free_port)
http_port=$(free_port)
http_a="http://$ipa:$http_port"
"$fog" up --dir "$tmp/a" --name a --bind "$ipa" --mqtt-port "$mqtt_port" \
  --ws-port "$ws_port" --http-port "$http_port" --workers 2 --no-balancer \
  >"$tmp/a.up.log" 2>&1 &
pids+=($!)
# Fog C in the namespace, on every address there (its own components reach
# it on the loopback, which the cut leaves alone), dialing A: A's fog.json
# (written before its children start) names the URI.
wait_for 30 test -s "$tmp/a/fog.json" || { echo "fog a wrote no fog.json"; exit 1; }
peer_a=$(json "$(cat "$tmp/a/fog.json")" "j['peer_uri']")
on_c "$fog" up --dir "$tmp/c" --name c --bind 0.0.0.0 --mqtt-port 1883 \
  --ws-port 9001 --http-port 8080 --workers 2 --no-balancer --peer "$peer_a" \
  >"$tmp/c.up.log" 2>&1 &
pids+=($!)
for f in a c; do
  wait_for 90 grep -q "fog is up" "$tmp/$f.up.log" ||
    { echo "fog $f did not come up"; cat "$tmp/$f.up.log"; exit 1; }
done

# Federation metrics: A's on this host, C's in its namespace.
fed_a=$(json "$(cat "$tmp/a/fog.json")" "j['metrics']['federation']")
fed_c=$(json "$(cat "$tmp/c/fog.json")" "j['metrics']['federation']")
metrics_of() {
  if [[ $1 == c ]]; then on_c curl -sf -m 5 "$fed_c"; else curl -sf -m 5 "$fed_a"; fi
}
# sample FOG NAME: one sample's value (empty when absent).
sample() { metrics_of "$1" | awk -v n="$2" '$1 == n { print $2 }'; }
link_is() {  # link_is FOG PEER 0|1
  local out  # whole, then grep: grep -q would cut curl's pipe (pipefail)
  out=$(metrics_of "$1") || return 1
  grep -q "^fog_federation_peer_connected{peer=\"$2\"} $3\$" <<<"$out"
}
counter() { local v; v=$(sample "$1" "$2"); echo "${v:-0}" | awk '{ printf "%d\n", $1 }'; }
expect "links up: c dialed a" wait_for 30 link_is c a 1
expect "links up: a hears c" wait_for 30 link_is a c 1

# held_by_c_at_a ID: A's federation catalog (GET /videos?scope=federation)
# lists ID with C among its holders.
held_by_c_at_a() {
  local body
  body=$(curl -sf -m 5 "$http_a/videos?scope=federation") || return 1
  json "$body" "any(v['video_id'] == '$1' and 'c' in v['fogs'] for v in j)" | grep -q True
}

# --- a video held only at C, known to A
make_video "$tmp/src.mp4" 3 </dev/null || { echo "ffmpeg failed"; exit 1; }
v1=$(on_c "$fog" stream "$tmp/src.mp4" --dir "$tmp/c" 2>"$tmp/stream1.err")
expect "streamed v1 into c" test -n "$v1"
expect "a's federation catalog lists v1 at c" wait_for 20 held_by_c_at_a "$v1"
"$fog" get "$v1" -o "$tmp/v1_at_a.mp4" --dir "$tmp/a" >/dev/null 2>"$tmp/v1_at_a.err"
expect "before the cut: fog get at a of v1 exits 0 ($(tail -c 200 "$tmp/v1_at_a.err"))" test $? = 0
# v3: held only at C and known to A, but never fetched there (not in A's
# cache of pulled packets).
v3=$(on_c "$fog" stream "$tmp/src.mp4" --dir "$tmp/c" --video-id never-pulled \
  2>"$tmp/stream3.err")
expect "streamed v3 into c" test "$v3" = never-pulled
expect "a's federation catalog lists v3 at c" wait_for 20 held_by_c_at_a "$v3"

phase() { echo "$suite: $* (at ${SECONDS} s)"; }
phase "links up, v1 at c; cutting the link"

# --- (a) detection
forwarded_before=$(counter a fog_federation_requests_forwarded_total)
ip -n "$ns" link set eth0 down
cut_at=$(date +%s%N)
expect "cut: a marks c down" wait_for 15 link_is a c 0
detect_ms=$((($(date +%s%N) - cut_at) / 1000000))
echo "detection at a: ${detect_ms} ms after the cut (down timeout 5000 ms)"
# The timeout (5 s) after the last hello heard (at most 1 s before the
# cut), plus this script's polling on a busy machine.
expect "cut: a marked c down soon after the down timeout (${detect_ms} ms)" \
  test "$detect_ms" -le 10000
expect "cut: c marks a down" wait_for 15 link_is c a 0
fog_peer_c() {
  json "$(curl -sf -m 5 "$http_a/fog")" \
    "[p['connected'] for p in j['federation']['peers'] if p['name'] == 'c']"
}
status_says_down() { test "$(fog_peer_c)" = "[False]"; }
expect "cut: GET /fog at a shows c not connected" wait_for 5 status_says_down

phase "both sides marked down"

# --- (b) served from what A pulled before, or fail fast with the reason
hits_before=$(counter a fog_federation_cache_hits_total)
"$fog" get "$v1" -o "$tmp/v1_cached.mp4" --dir "$tmp/a" --timeout 20 >/dev/null 2>"$tmp/v1_cached.err"
expect "cut: v1, pulled before the cut, is served from a's cache ($(tail -c 200 "$tmp/v1_cached.err"))" \
  cmp -s "$tmp/v1_at_a.mp4" "$tmp/v1_cached.mp4"
expect "cut: a counted the cache hit" \
  test "$(counter a fog_federation_cache_hits_total)" -gt "$hits_before"
start=$(date +%s%N)
"$fog" get "$v3" -o "$tmp/v1_cut.mp4" --dir "$tmp/a" --timeout 20 >/dev/null 2>"$tmp/v1_cut.err"
rc=$?
took_ms=$((($(date +%s%N) - start) / 1000000))
echo "fog get of a video held by a down peer: ${took_ms} ms"
expect "fail-fast: fog get at a of c's video fails" test $rc != 0
expect "fail-fast: it says c holds it and is down ($(tail -c 200 "$tmp/v1_cut.err"))" \
  grep -q "held by c, which is down" "$tmp/v1_cut.err"
expect "fail-fast: it ended before the 8 s request timeout (${took_ms} ms)" \
  test "$took_ms" -lt 8000
expect "fail-fast: a counted it unreachable" \
  test "$(counter a fog_federation_requests_unreachable_total)" -ge 1

# --- (c) nothing grows while C is away: stream into C, keep A asking
v2=$(on_c "$fog" stream "$tmp/src.mp4" --dir "$tmp/c" --video-id partition-video \
  2>"$tmp/stream2.err")
expect "streamed v2 into c during the partition" test "$v2" = partition-video
max_seen=0
bounded() {  # every gauge of FOG under its documented bound
  local f=$1 out queue fail=0
  out=$(metrics_of "$f") || return 1
  read_gauge() { awk -v n="$1" '$1 == n { printf "%d\n", $2 }' <<<"$out"; }
  (($(read_gauge fog_federation_outbox_messages) <= 65536)) || fail=1
  (($(read_gauge fog_federation_pending_requests) <= 256)) || fail=1
  (($(read_gauge fog_federation_pending_bytes) <= 268435456)) || fail=1
  (($(read_gauge fog_federation_jobs_waiting) <= 64)) || fail=1
  for queue in $(awk '$1 ~ /^fog_federation_peer_send_queue/ { printf "%d\n", $2 }' <<<"$out"); do
    ((queue <= 10000)) || fail=1
    ((queue > max_seen)) && max_seen=$queue
  done
  return $fail
}
for i in 1 2; do
  "$fog" get "$v3" -o "$tmp/ask.mp4" --dir "$tmp/a" --timeout 10 >/dev/null 2>"$tmp/ask.err"
  expect "partition: ask $i at a ends with the reason" grep -q "which is down" "$tmp/ask.err"
  expect "partition: a's gauges under their bounds (ask $i)" bounded a
  expect "partition: c's gauges under their bounds (ask $i)" bounded c
done
echo "largest peer send queue seen during the partition: $max_seen"
expect "partition: no request went to c while it was down" \
  test "$(counter a fog_federation_requests_forwarded_total)" = "$forwarded_before"
expect "partition: nothing stays pending at a" \
  test "$(counter a fog_federation_pending_requests)" = 0
held_back() {
  test "$(counter c 'fog_federation_peer_messages_held_back_total{kind="catalog"}')" -ge 1
}
expect "partition: c held its new catalog back from a (sent on return)" wait_for 10 held_back
still_down() { link_is a c 0 && link_is c a 0; }
expect "partition: still down on both sides after all of it" still_down

# --- (d) catch-up
phase "partition checked; link up again"
ip -n "$ns" link set eth0 up
up_at=$(date +%s%N)
expect "return: a sees c again" wait_for 40 link_is a c 1
expect "return: c sees a again" wait_for 20 link_is c a 1
back_ms=$((($(date +%s%N) - up_at) / 1000000))
echo "link back in ${back_ms} ms after the cable"
expect "return: a counted c's return" test "$(counter a fog_federation_peer_returns_total)" -ge 1
expect "return: v2 (streamed during the partition) is in a's federation catalog" \
  wait_for 20 held_by_c_at_a "$v2"
on_c "$fog" get "$v2" -o "$tmp/v2_at_c.mp4" --dir "$tmp/c" >/dev/null 2>"$tmp/v2_at_c.err"
expect "return: fog get at c of v2 exits 0" test $? = 0
"$fog" get "$v2" -o "$tmp/v2_at_a.mp4" --dir "$tmp/a" >/dev/null 2>"$tmp/v2_at_a.err"
expect "return: fog get at a of v2 exits 0 ($(tail -c 200 "$tmp/v2_at_a.err"))" test $? = 0
expect "return: fog get at a of v2 is byte-equal to c's copy" \
  cmp -s "$tmp/v2_at_c.mp4" "$tmp/v2_at_a.mp4"

phase "done"
if ((failures > 0)); then
  for f in "$tmp"/a/logs/federation.log "$tmp"/c/logs/federation.log; do
    echo "== $f"
    tail -n 25 "$f"
  done
fi
finish
