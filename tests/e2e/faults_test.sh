#!/usr/bin/env bash
# Fault injection through a real fog (fog up: mosquitto, API, master, 3
# workers, plus a fourth worker this script runs itself so it can kill and
# tamper with it at will). Each fault hits a live stream; afterwards fog get
# must return every packet intact (per-stream hashes equal the source):
#   kill -9 of a worker, kill -9 of the master, a broker restart (persistence
#   on), kill -9 of a worker mid-write with a torn record left behind, and a
#   flipped byte in a stored record (detected, not served, repaired from a
#   replica), and a worker gone for good (its packets copied again from the
#   surviving replicas).
# Usage: faults_test.sh FOG_BINARY
set -uo pipefail
fog=$1
suite=faults
source "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
w9_pid=
acks_pid=
cleanup() {
  [[ -n $w9_pid ]] && kill -9 "$w9_pid" 2>/dev/null
  [[ -n $acks_pid ]] && kill "$acks_pid" 2>/dev/null
  # What fog up saw exit and restarted tells a failure's story.
  ((failures > 0)) && tail -n 30 "$tmp/fog.up.log"
  stop_fog
  [[ -n ${FOG_KEEP_TMP:-} ]] && echo "kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT
# A worker silent for 6 s is gone for good (the default is a minute).
start_fog "$tmp/fog" --worker-gone-after-ms 6000 || exit 1
d=$tmp/fog

# 0.2 s fragments (a keyframe every 5 frames): a 10 s video is 51 packets.
make_short_video() {
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=320x180:rate=25 \
    -f lavfi -i sine=frequency=440:sample_rate=48000 -t "$2" -c:v libx264 \
    -preset veryfast -g 5 -keyint_min 5 -sc_threshold 0 -c:a aac -b:a 64k "$1"
}

# The pid of the process whose command line matches $1. Patterns name this
# fog's directory: other suites run fogs of their own meanwhile.
pid_of() { pgrep -f -- "$1" | head -n 1; }
# replaced PATTERN OLD-PID: a process other than OLD-PID matches PATTERN.
# (Not through sh -c: pgrep would find that shell's own command line.)
replaced() {
  local pid
  pid=$(pid_of "$1")
  [[ -n $pid && $pid != "$2" ]]
}

# check_video ID SOURCE PACKETS: fog get returns every packet, valid, and
# the same per-stream hashes as SOURCE; the registry counts each once.
check_video() {
  local id=$1 src=$2 n=$3
  registry_has() { [[ "$(video_field "$id" "j['packets'], j['status']")" = "($n, 'complete')" ]]; }
  expect "$id: the registry has all $n packets, each counted once" \
    wait_for 30 registry_has
  "$fog" get "$id" -o "$tmp/$id.mp4" --dir "$d" >"$tmp/$id.get" 2>"$tmp/$id.get.err"
  local valid
  valid=$(json "$(cat "$tmp/$id.get")" "j['valid']" 2>/dev/null)
  expect "$id: fog get returns all $n packets valid (got $valid)" test "$valid" = "$n"
  [[ $valid = "$n" ]] || sed 's/^/  | /' "$tmp/$id.get.err" | tail -n 5
  stream_hashes "$src" >"$tmp/$id.src.hashes"
  stream_hashes "$tmp/$id.mp4" >"$tmp/$id.out.hashes"
  expect "$id: per-stream hashes equal the source" \
    cmp -s "$tmp/$id.src.hashes" "$tmp/$id.out.hashes"
}

# stream_with_fault ID SOURCE PACKETS FAULT-COMMAND...: streams in real
# time and runs the fault once the registry counts PACKETS packets of the
# video (the stream is then under way); the fault must hit while the
# publisher still runs, and the publisher must succeed.
stream_with_fault() {
  local id=$1 src=$2 at=$3
  shift 3
  "$fog" stream "$src" --realtime --video-id "$id" --dir "$d" \
    >/dev/null 2>"$tmp/$id.stream.err" &
  local stream_pid=$!
  has_packets() { [[ $(video_field "$id" "j['packets']" 2>/dev/null) -ge $at ]]; }
  expect "$id: $at packets registered before the fault" wait_for 20 has_packets
  expect "$id: the fault hits mid-stream" kill -0 $stream_pid
  "$@"
  expect "$id: the fault was injected ($*)" test $? = 0
  wait $stream_pid
  local rc=$?
  expect "$id: the publisher exits 0 across the fault (rc $rc)" test $rc = 0
  [[ $rc = 0 ]] || tail -n 5 "$tmp/$id.stream.err"
}

worker_online() {
  curl -sf "$http/fog" | python3 -c 'import json,sys; w=json.load(sys.stdin)["workers"].get(sys.argv[1]); sys.exit(0 if w and w["state"] == "online" else 1)' "$1"
}

# --- the fourth worker, run by this script, with a login of its own
"$fog" worker add worker-9 --dir "$d" >"$tmp/add.log" 2>&1 ||
  fail "fog worker add worker-9: $(cat "$tmp/add.log")"
cp "$d/roles/worker-9.conf" "$tmp/worker-9.conf"
start_w9() {
  "$fog" worker --config "$tmp/worker-9.conf" >>"$tmp/worker-9.log" 2>&1 &
  w9_pid=$!
}
start_w9
expect "worker-9 joins" wait_for 20 worker_online worker-9

make_short_video "$tmp/src.mp4" 10 || { echo "ffmpeg failed"; exit 1; }
n=51

# --- 1. kill -9 a worker mid-stream; fog up restarts it
w2=$(pid_of "$d/roles/worker-2.conf")
stream_with_fault fault-worker "$tmp/src.mp4" 10 kill -9 "$w2"
check_video fault-worker "$tmp/src.mp4" $n
expect "fog up restarted worker-2" \
  wait_for 10 replaced "$d/roles/worker-2.conf" "$w2"

# --- 2. kill -9 the master mid-stream; fog up restarts it, its journal
# and the broker's persistent session hand it what it had not settled
master=$(pid_of "$d/roles/master.conf")
stream_with_fault fault-master "$tmp/src.mp4" 10 kill -9 "$master"
check_video fault-master "$tmp/src.mp4" $n
expect "the restarted master replayed its journal" \
  grep -q "journal .*to dispatch again" "$d/logs/master.log"

# --- 3. restart the broker mid-stream (persistence on); everyone reconnects
broker=$(pid_of "^mosquitto -c $d/")
stream_with_fault fault-broker "$tmp/src.mp4" 10 kill -TERM "$broker"
check_video fault-broker "$tmp/src.mp4" $n
expect "fog up restarted the broker" \
  wait_for 10 replaced "^mosquitto -c $d/" "$broker"

# --- 4. kill -9 worker-9 while it writes, leave a torn record, reopen
probe master sub 'fog/ack/+' --out "$tmp/acks" >"$tmp/acks.probe" 2>&1 &
acks_pid=$!
expect "the ack listener is subscribed (SUBACK)" \
  wait_for 10 grep -q '^suback 0x00' "$tmp/acks.probe"
make_short_video "$tmp/burst.mp4" 30
"$fog" stream "$tmp/burst.mp4" --video-id fault-torn --dir "$d" \
  >/dev/null 2>"$tmp/burst.err" &
burst_pid=$!
wait_for 20 grep -q '"result":"stored".*"worker":"worker-9"' "$tmp/acks"
kill -9 "$w9_pid"
wait "$w9_pid" 2>/dev/null
w9_pid=
# No signal exists for "every ack the killed worker sent has arrived": it
# sends nothing more, and its last acks reach the listener in no order
# relative to anything this script could publish. The pause only lets them
# in; a late ack missed leaves the check below weaker, never wrong.
sleep 0.5
kill "$acks_pid" 2>/dev/null
acks_pid=
segment=$(ls "$d/workers/worker-9/"*.log | sort | tail -n 1)
head -c 37 "$segment" >>"$segment"  # a record header cut short
"$fog" store check "$d/workers/worker-9" >"$tmp/check.json" 2>"$tmp/check.err"
expect "the store opens after kill -9 with a torn tail" test $? = 0
expect "the torn record is cut off" \
  test "$(json "$(cat "$tmp/check.json")" "j['torn_tail_bytes_truncated']")" -gt 0
missing=$(python3 - "$tmp/acks" "$tmp/check.json" <<'EOF'
import json, sys
held = {}
for vid, ranges in json.load(open(sys.argv[2]))["videos"].items():
    for r in ranges.split(","):
        a, _, b = r.partition("-")
        held.setdefault(vid, set()).update(range(int(a), int(b or a) + 1))
acked = 0
missing = 0
for line in open(sys.argv[1]):
    try:
        message = json.loads(line)
    except ValueError:
        continue
    # One message per group commit: an array of acks.
    for a in message if isinstance(message, list) else [message]:
        if a.get("worker") == "worker-9" and a.get("result") == "stored":
            acked += 1
            missing += a["packet_number"] not in held.get(a["video_id"], set())
print(missing if acked else "no-acks")
EOF
)
expect "every packet worker-9 acknowledged is in its store (missing: $missing)" \
  test "$missing" = 0
wait $burst_pid
expect "the burst's publisher exits 0" test $? = 0
start_w9
expect "worker-9 rejoins after the crash" wait_for 20 worker_online worker-9
check_video fault-torn "$tmp/burst.mp4" 151

# --- 5. flip a byte in a record of worker-9: detected, never served,
# repaired from a replica
segment=$(ls -S "$d/workers/worker-9/"*.log | head -n 1)
python3 - "$segment" <<'EOF'
import os, sys
with open(sys.argv[1], "r+b") as f:
    size = os.fstat(f.fileno()).st_size
    f.seek(size // 2)
    b = f.read(1)
    f.seek(size // 2)
    f.write(bytes([b[0] ^ 0xFF]))
EOF
for id in fault-worker fault-master fault-broker fault-torn; do
  "$fog" get "$id" -o "$tmp/again.mp4" --dir "$d" >"$tmp/again.get" 2>/dev/null
  expect "$id: fog get still returns every packet valid after the flip" test $? = 0
done
expect "worker-9 detected the damaged record" \
  grep -q "damaged here" "$tmp/worker-9.log"
expect "worker-9 repaired it from a replica" \
  wait_for 30 grep -q "repaired .* from worker-" "$tmp/worker-9.log"
kill -TERM "$w9_pid"
wait "$w9_pid" 2>/dev/null
w9_pid=
"$fog" store check "$d/workers/worker-9" >"$tmp/check2.json"
expect "after the repair no packet is damaged without an intact copy" test $? = 0
expect "the damaged record is still counted" \
  test "$(json "$(cat "$tmp/check2.json")" "j['corrupt_records']")" -ge 1

# --- 6. worker-9 stays away: the master copies its packets again, so every
# packet is back on 2 of the workers that remain
two_copies_without_w9() {
  for id in fault-worker fault-master fault-broker fault-torn; do
    curl -sf "$http/videos/$id" | python3 -c '
import json, sys
v = json.load(sys.stdin)
copies = {}
for w in v["workers"]:
    if w["worker"] == "worker-9":
        continue
    for r in w.get("ranges", "").split(","):
        a, _, b = r.partition("-")
        for n in range(int(a), int(b or a) + 1):
            copies[n] = copies.get(n, 0) + 1
total = v["total_packets"]
sys.exit(0 if all(copies.get(n, 0) >= 2 for n in range(1, total + 1)) else 1)
' || return 1
  done
}
expect "without worker-9 every packet is on 2 other workers again" \
  wait_for 60 two_copies_without_w9
expect "the master wrote worker-9 off and copied its packets" \
  grep -q "worker worker-9 is gone for good: copying [1-9]" "$d/logs/master.log"
finish
