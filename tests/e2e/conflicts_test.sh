#!/usr/bin/env bash
# Conflicts and private viewer channels on a real fog, with the original wire
# formats, from MQTT clients over TCP:
# - a legacy packet altered past offset 1537 (the seed's check cannot see it)
#   arrives first, the genuine one with the same number after it: the second
#   is reported as a conflict (ack reason, log line naming video and number,
#   counter), never dropped silently, and fog get reports that packet's
#   status as `conflict` (exit 1);
# - a native packet forged then genuine: the forgery is refused with its
#   packet number, the genuine one stored; genuine then forged: the master
#   reports the conflict and the signature refuses the forgery;
# - a viewer cannot read another viewer's packet-request (delivery count:
#   its own answer, published after the other's request, arrives first).
# Usage: conflicts_test.sh FOG_BINARY
set -uo pipefail
fog=$1
suite=conflicts
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
tmp=$(mktemp -d)
ack_pid=
trap '[[ -n $ack_pid ]] && kill $ack_pid 2>/dev/null; stop_fog; [[ $failures == 0 ]] && rm -rf "$tmp"' EXIT
start_fog "$tmp/fog" --workers 2 --accept-legacy || exit 1
logs=$tmp/fog/logs
key=$tmp/fog/keys/publisher.key
vectors=${FOG_VECTORS_DIR:-$here/../../../shared/vectors}/legacy-sis/vectors.json
legacy() { python3 "$here/../cli/legacy_payload.py" "$vectors" "$1" "$2"; }
sign() { "$fog" packet sign --key "$key" --video-id "$1" --number "$2" --total "$3" "$4"; }

# Every ack the workers send, read as the master reads them (one JSON array
# per line). The SUBACK line is the signal that the subscription is in place.
probe master sub 'fog/ack/+' --qos 1 --timeout 280 --out "$tmp/acks" >"$tmp/acks.probe" &
ack_pid=$!
wait_for 10 grep -q suback "$tmp/acks.probe"
# has_ack VIDEO NUMBER RESULT [REASON]: whether such an ack was sent.
has_ack() {
  python3 - "$tmp/acks" "$@" <<'PY'
import json, sys
path, video, number, result = sys.argv[1:5]
reason = sys.argv[5] if len(sys.argv) > 5 else None
for line in open(path, "rb"):
    try:
        acks = json.loads(line)
    except ValueError:
        continue
    for a in acks if isinstance(acks, list) else [acks]:
        if (a["video_id"], a["packet_number"], a["result"]) == (video, int(number), result) \
                and (reason is None or a["reason"] == reason):
            sys.exit(0)
sys.exit(1)
PY
}
logged() { grep -q "$2" "$logs/$1.log"; }

# --- legacy: altered past offset 1537 first, genuine after it
legacy neg-tamper-offset-1537 "$tmp/forged"
legacy pos-data-5000 "$tmp/genuine"
"$fog" packet inspect "$tmp/genuine" >"$tmp/genuine.json"
vid=$(json "$(cat "$tmp/genuine.json")" "j['video_id']")
num=$(json "$(cat "$tmp/genuine.json")" "j['packet_number']")
pub "$tmp/fog" publisher "video/stream/$vid" "$tmp/forged"
expect "legacy: the altered packet arrives first and is stored" \
  wait_for 30 has_ack "$vid" "$num" stored
pub "$tmp/fog" publisher "video/stream/$vid" "$tmp/genuine"
expect "legacy: the genuine packet gets an ack of its own: rejected, conflict, with its number" \
  wait_for 30 has_ack "$vid" "$num" rejected conflict
expect "legacy: the master logs the conflict naming video and number" \
  wait_for 10 logged master "conflict: video $vid packet $num"
expect "legacy: the worker logs it naming video and number" \
  wait_for 10 grep -q "video $vid packet $num: a different payload" "$logs"/worker-*.log
expect "legacy: counted as a conflict" \
  metric_at_least "$tmp/fog" master 1 fog_master_packets_conflicting_total
# A reader of the legacy video is told the packet was disputed: the worker
# that refused the genuine copy marks its reply, fog get reports `conflict`
# for that number and exits 1.
"$fog" get "$vid" -o "$tmp/legacy.out" --dir "$tmp/fog" --timeout 10 \
  >"$tmp/legacy.get" 2>"$tmp/legacy.get.err"
get_rc=$?
expect "legacy: fog get exits 1 after the conflict (rc $get_rc)" test $get_rc = 1
# status_of NUMBER: the status fog get reported for that packet.
status_of() {
  python3 - "$tmp/legacy.get" "$1" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
print([s["status"] for s in summary["statuses"] if s["first"] <= n <= s["last"]][0])
PY
}
expect "legacy: fog get reports packet $num as conflict ($(status_of "$num" 2>&1))" \
  test "$(status_of "$num")" = conflict
expect "legacy: fog get counts it" grep -q '"conflict":1' "$tmp/legacy.get"
expect "legacy: fog get's status line says why" \
  grep -q "conflict (another payload claimed this number and was refused" "$tmp/legacy.get.err"

# --- native: forged first (a byte of video flipped), genuine after it
head -c 3000 /dev/urandom >"$tmp/d1"
sign nat-1 1 1 "$tmp/d1" >"$tmp/n1.payload"
cp "$tmp/n1.payload" "$tmp/n1.forged"
flip_byte "$tmp/n1.forged" 500
pub "$tmp/fog" publisher video/stream/nat-1 "$tmp/n1.forged"
expect "native: the forgery is refused, the ack naming its packet number" \
  wait_for 30 has_ack nat-1 1 rejected digest-mismatch
expect "native: the refusal's log line names the packet" \
  wait_for 10 grep -q "video nat-1 packet 1: " "$logs"/worker-*.log
pub "$tmp/fog" publisher video/stream/nat-1 "$tmp/n1.payload"
expect "native: the genuine packet after the forgery is stored" \
  wait_for 30 has_ack nat-1 1 stored

# --- native: genuine first, forged after it: the signature decides
sign nat-2 1 1 "$tmp/d1" >"$tmp/n2.payload"
cp "$tmp/n2.payload" "$tmp/n2.forged"
flip_byte "$tmp/n2.forged" 500
pub "$tmp/fog" publisher video/stream/nat-2 "$tmp/n2.payload"
expect "native: the genuine packet is stored" wait_for 30 has_ack nat-2 1 stored
pub "$tmp/fog" publisher video/stream/nat-2 "$tmp/n2.forged"
expect "native: the later forgery is reported as a conflict by the master" \
  wait_for 30 logged master "conflict: video nat-2 packet 1"
expect "native: ... and refused by the signature check, with its number" \
  wait_for 30 has_ack nat-2 1 rejected digest-mismatch
expect "native: the refusal of the conflicting copy is counted" \
  wait_for 10 metric_at_least "$tmp/fog" master 1 fog_master_conflicts_refused_total

# --- viewers: B cannot read A's requests
chan_a=$(python3 -c 'import uuid; print(uuid.uuid4())')
chan_b=$(python3 -c 'import uuid; print(uuid.uuid4())')
request() { printf '{"video_id":"%s","packet_number":%s,"channel_uuid":"%s"}' "$vid" "$num" "$1"; }
# B (client id = its channel) subscribes to the requests topic, to every
# fog reply and to its own channel, and stops at the first message.
probe viewer --client-id "$chan_b" sub packet-request 'reply/#' "$chan_b" --qos 1 \
  --count 1 --timeout 30 --out "$tmp/b.out" >"$tmp/b.probe" &
b_pid=$!
wait_for 10 grep -q suback "$tmp/b.probe"
# A asks for itself, then (same connection order: QoS 1, one publisher) for
# B's channel. The broker routes A's first request to B, if B may read it,
# before A's second request even reaches a worker, so B's first message is
# A's request unless the ACL withholds it.
probe viewer --client-id "$chan_a" pub packet-request --message "$(request "$chan_a")" >/dev/null
probe viewer --client-id "$chan_a" pub packet-request --message "$(request "$chan_b")" >/dev/null
wait $b_pid
rc=$?
expect "viewer: B got its own answer ($(tr '\n' ' ' <"$tmp/b.probe"))" test $rc = 0
expect "viewer: B received none of A's requests" \
  test "$(grep -c channel_uuid "$tmp/b.out")" = 0
expect "viewer: B's first message is its answer, a seed VideoPacket" \
  grep -q "$vid" "$tmp/b.out"

finish
