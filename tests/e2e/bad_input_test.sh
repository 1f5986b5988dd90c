#!/usr/bin/env bash
# Bad input at each hop of a real fog, each rejected (or idempotent for an
# exact duplicate), counted, logged once, nothing stored, nothing crashes:
# malformed msgpack, oversized payload, unknown publisher key, tampered data,
# a packet replayed into another video, out-of-order and duplicate packets,
# a video id like ../../etc/passwd, legacy packets without --accept-legacy.
# Usage: bad_input_test.sh FOG_BINARY
set -uo pipefail
fog=$1
suite=bad_input
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
tmp=$(mktemp -d)
trap 'stop_fog; [[ $failures == 0 ]] && rm -rf "$tmp"' EXIT
start_fog "$tmp/fog" --workers 2 --max-packet-bytes 1000000 || exit 1
key=$tmp/fog/keys/publisher.key
logs=$tmp/fog/logs

status_of() { curl -s -o /dev/null -w '%{http_code}' "$http/videos/$1"; }
# occurrences REASON: rejection log lines for REASON across all components.
# Each component logs a reason once per video; a QoS 1 redelivery that the
# master dispatches to another worker is logged there too, so checks after
# the first use ">= 1".
occurrences() { cat "$logs"/*.log | grep -c "rejected ($1)"; }
# logged REASON OP N: the count compared now (wait_for retries it, so the
# count must be taken inside, not expanded once by the caller).
logged() { test "$(occurrences "$1")" "$2" "$3"; }
sign() {  # sign ID N TOTAL DATAFILE [PREV] > payload
  "$fog" packet sign --key "${KEY:-$key}" --video-id "$1" --number "$2" --total "$3" \
    ${5:+--prev "$5"} "$4"
}
link_of() { "$fog" packet inspect "$1" | sed -n 's/.*"link":"\([0-9a-f]*\)".*/\1/p'; }

head -c 3000 /dev/urandom >"$tmp/d1"
head -c 4000 /dev/urandom >"$tmp/d2"

# 1. Malformed msgpack, three times: rejected by the master, logged once.
printf 'not msgpack at all' >"$tmp/garbage"
for _ in 1 2 3; do pub "$tmp/fog" publisher video/stream/bad-1 "$tmp/garbage"; done
expect "malformed: logged once" wait_for 30 logged malformed = 1
expect "malformed: nothing registered" test "$(status_of bad-1)" = 404

# 2. Oversized: over the master's limit (1 MB) but under the broker's.
head -c 1040000 /dev/urandom >"$tmp/big"
sign big-1 1 1 "$tmp/big" >"$tmp/big.payload"
pub "$tmp/fog" publisher video/stream/big-1 "$tmp/big.payload"
expect "oversized: rejected by the master" wait_for 30 logged oversized -ge 1
expect "oversized: nothing registered" test "$(status_of big-1)" = 404

# 3. Unknown publisher key.
"$fog" keygen --out "$tmp/stranger" >/dev/null
KEY=$tmp/stranger.key sign stranger-1 1 1 "$tmp/d1" >"$tmp/stranger.payload"
pub "$tmp/fog" publisher video/stream/stranger-1 "$tmp/stranger.payload"
expect "unknown key: rejected by a worker" wait_for 30 logged untrusted-key -ge 1
expect "unknown key: nothing registered" test "$(status_of stranger-1)" = 404

# 4. Tampered data (one byte of video flipped).
sign tamper-1 1 1 "$tmp/d1" >"$tmp/tamper.payload"
flip_byte "$tmp/tamper.payload" 500
pub "$tmp/fog" publisher video/stream/tamper-1 "$tmp/tamper.payload"
expect "tampered: rejected" wait_for 30 logged digest-mismatch -ge 1
expect "tampered: nothing registered" test "$(status_of tamper-1)" = 404

# 5. A valid packet of video A replayed into video B.
sign video-a 1 1 "$tmp/d1" >"$tmp/a1.payload"
pub "$tmp/fog" publisher video/stream/video-b "$tmp/a1.payload"
expect "replay into another video: rejected" \
  wait_for 30 logged video-id-mismatch -ge 1
expect "replay: nothing registered under video-b" test "$(status_of video-b)" = 404

# 6. Out of order, then duplicated: stored once each, in any order.
sign ooo-1 1 2 "$tmp/d1" >"$tmp/o1.payload"
sign ooo-1 2 2 "$tmp/d2" "$(link_of "$tmp/o1.payload")" >"$tmp/o2.payload"
# The master counts every packet it takes, and every copy of a packet it
# already placed (or is placing): those counters say when all four were
# handled and that neither duplicate was dispatched again.
seen=(fog_master_packets_repeated_total fog_master_packets_already_placed_total)
received0=$(metric "$tmp/fog" master fog_master_packets_received_total)
seen0=$(metric "$tmp/fog" master "${seen[@]}")
pub "$tmp/fog" publisher video/stream/ooo-1 "$tmp/o2.payload"
pub "$tmp/fog" publisher video/stream/ooo-1 "$tmp/o1.payload"
pub "$tmp/fog" publisher video/stream/ooo-1 "$tmp/o2.payload"
pub "$tmp/fog" publisher video/stream/ooo-1 "$tmp/o1.payload"
expect "out of order + duplicates: complete with 2 packets" \
  wait_for 10 sh -c "curl -sf $http/videos/ooo-1 | grep -q '\"packets\":2,'"
expect "the master took all four publishes" wait_for 10 \
  metric_at_least "$tmp/fog" master $((received0 + 4)) fog_master_packets_received_total
expect "the master placed neither duplicate again" wait_for 10 \
  metric_at_least "$tmp/fog" master $((seen0 + 2)) "${seen[@]}"
expect "duplicates: still 2 packets" \
  test "$(video_field ooo-1 "j['packets']")" = 2
"$fog" get ooo-1 -o "$tmp/ooo.out" --dir "$tmp/fog" >"$tmp/ooo.json" 2>/dev/null
expect "out of order + duplicates: fog get verifies both" grep -q '"valid":2' "$tmp/ooo.json"

# 7. A path as video id: in the payload (the topic level cannot hold '/').
python3 "$here/../../fuzz/make_corpus.py" "$tmp/corpus"
python3 - "$tmp/corpus/native_unsigned" "$tmp/path.payload" <<'PY'
import sys
data = open(sys.argv[1], "rb").read().replace(b"\xa5cam-1", b"\xb0../../etc/passwd")
open(sys.argv[2], "wb").write(data)
PY
pub "$tmp/fog" publisher video/stream/cam-1 "$tmp/path.payload"
expect "path video id: rejected" wait_for 30 logged malformed -ge 2
expect "no store file is named after a video" \
  test -z "$(find "$tmp/fog/workers" -type f ! -name '*.log' ! -name LOCK)"

# 8. Legacy packets without --accept-legacy.
python3 "$here/../cli/legacy_payload.py" "${FOG_VECTORS_DIR:-$here/../../../shared/vectors}/legacy-sis/vectors.json" \
  pos-data-100 "$tmp/legacy.payload"
legacy_id=3f1c9a52-7d4e-4b1a-9c2f-0e8d6b5a4c31
pub "$tmp/fog" publisher "video/stream/$legacy_id" "$tmp/legacy.payload"
expect "legacy: refused without --accept-legacy" \
  wait_for 30 logged legacy-not-accepted -ge 1
expect "legacy: nothing registered" test "$(status_of $legacy_id)" = 404

# Nothing crashed: no component restarted, the fog is healthy.
if ((failures > 0)); then
  echo "rejections logged:"
  grep -h "rejected" "$logs"/*.log | sed 's/^/  | /'
fi
expect "no component exited" sh -c "! grep -q exited '$tmp/fog.up.log'"
expect "the fog is healthy" test "$(curl -s -o /dev/null -w '%{http_code}' "$http/health")" = 200
finish
