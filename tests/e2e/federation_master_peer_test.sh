#!/usr/bin/env bash
# Peer links that do not come from `fog up --peer` (docs/federation.md):
# 1. a master run alone as the seed's were (one broker login for all, no
#    ACL) links to fog A through the seed's OTHER_EDGES; A sees the link
#    (configured on one side only), and the seed's packet-request at the
#    master's broker is answered with A's packet, verified;
# 2. two `fog up --tls` fogs link over mqtts://: A runs mutual TLS and its
#    peer_uri names its CA and the certificate issued for the peer role; B
#    dials it, and `fog get` at B pulls A's video through, byte-equal;
#    `fog videos --federation` reads B's API over HTTPS; a federation that
#    dials A with the wrong CA, or with A's CA and no client certificate,
#    is refused: the link stays down, its dial failures are counted and
#    logged, and A never hears from it.
# Usage: federation_master_peer_test.sh FOG_BINARY
set -uo pipefail
fog=$1
suite=federation_master_peer
source "$(dirname "$0")/lib.sh"
fed_workers=1
source "$(dirname "$0")/federation_lib.sh"

field() { json "$(cat "$tmp/$1/fog.json")" "j.get('$2', '')"; }
# connected URL CA PEER: the metrics at URL (checked against CA, if any)
# say PEER's link is up.
connected() {
  curl -sf -m 5 ${2:+--cacert "$2"} "$1" |
    grep -q "^fog_federation_peer_connected{peer=\"$3\"} 1"
}
fed_metrics() { json "$(cat "$tmp/$1/fog.json")" "j['metrics']['federation']"; }

make_video "$tmp/src.mp4" 2 </dev/null || { echo "ffmpeg failed"; exit 1; }

# --- 1. fog master, alone, with OTHER_EDGES
up a
vid=$("$fog" stream "$tmp/src.mp4" --dir "$tmp/a" 2>"$tmp/stream_a.err")
expect "streamed into a" test -n "$vid"

# The seed's broker: one login for every component, no ACL.
mkdir -p "$tmp/seed"
port_s=$(free_port)
pw=$(openssl rand -hex 12)
mosquitto_passwd -c -b "$tmp/seed/passwd" edge "$pw" 2>/dev/null
cat >"$tmp/seed/mosquitto.conf" <<EOF
user $(id -un)
listener $port_s 127.0.0.1
allow_anonymous false
password_file $tmp/seed/passwd
persistence false
EOF
mosquitto -c "$tmp/seed/mosquitto.conf" >"$tmp/seed/mosquitto.log" 2>&1 &
pids+=($!)
listens() { (echo >"/dev/tcp/127.0.0.1/$port_s") 2>/dev/null; }
expect "the seed's broker listens" wait_for 10 listens
trusts seed a
metrics_s=$(free_port)
OTHER_EDGES="[\"$(field a peer_uri)\"]" "$fog" master --mqtt "tcp://127.0.0.1:$port_s" \
  --username edge --password "$pw" --name edge --trust "$tmp/seed/trust" \
  --metrics-listen "127.0.0.1:$metrics_s" >"$tmp/seed/master.log" 2>&1 &
pids+=($!)
master_pid=$!
expect "master: its link to a is up" \
  wait_for 20 connected "http://127.0.0.1:$metrics_s/metrics" "" a
expect "a: the master's link works both ways (a hears edge)" \
  wait_for 20 connected "$(fed_metrics a)" "" edge
expect "master logs its federation" grep -q "federation edge: on tcp://127.0.0.1:$port_s" "$tmp/seed/master.log"

# The seed's client at the master's broker asks for packet 1 of A's video.
chan=$(python3 -c 'import uuid; print(uuid.uuid4())')
mqtt_port=$port_s
probe_as edge "$pw" --client-id "$chan" sub "$chan" --qos 1 --count 1 --timeout 20 \
  --out "$tmp/seed.out" >"$tmp/seed.probe" &
seed_pid=$!
wait_for 10 grep -qs suback "$tmp/seed.probe"
probe_as edge "$pw" --client-id "$chan-pub" pub packet-request \
  --message "{\"video_id\":\"$vid\",\"packet_number\":1,\"channel_uuid\":\"$chan\"}" >/dev/null
wait $seed_pid
expect "packet-request at the master's broker answered with a's packet" grep -q "$vid" "$tmp/seed.out"
mstat() {
  curl -sf "http://127.0.0.1:$metrics_s/metrics" | awk -v n="$1" '$1 == n { print $2 }'
}
expect "master's federation forwarded the seed request" \
  test "$(mstat fog_federation_seed_requests_forwarded_total)" -ge 1
expect "master's federation verified a's packet" \
  test "$(mstat fog_federation_packets_verified_total)" -ge 1
kill -TERM $master_pid
wait $master_pid
expect "master stops cleanly with its federation" test $? = 0

# --- 2. over TLS: ta (mutual TLS) and tb, which dials it
up ta --tls --tls-mutual
ta_uri=$(field ta peer_uri)
expect "ta's peer_uri names its TLS listener" \
  test "${ta_uri%%\?*}" != "${ta_uri}" -a "${ta_uri:0:8}" = "mqtts://"
expect "ta's peer_uri names its CA and the peer certificate" \
  sh -c "echo '$ta_uri' | grep -q 'ca=.*ta/tls/ca.crt&cert=.*peer.crt&key=.*peer.key'"
trusts tb ta
up tb --tls --peer "$ta_uri"
ca_tb=$(field tb ca_file)
ca_ta=$(field ta ca_file)
expect "tls: tb's link to ta is up" wait_for 20 connected "$(fed_metrics tb)" "$ca_tb" ta
expect "tls: ta hears tb" wait_for 20 connected "$(fed_metrics ta)" "$ca_ta" tb

vid2=$("$fog" stream "$tmp/src.mp4" --dir "$tmp/ta" 2>"$tmp/stream_ta.err")
expect "streamed into ta" test -n "$vid2"
"$fog" get "$vid2" -o "$tmp/at_ta.mp4" --dir "$tmp/ta" >/dev/null 2>&1
in_federation() {
  "$fog" videos --federation --dir "$tmp/tb" >"$tmp/videos_tb.txt" 2>&1 &&
    grep -q "$vid2.*ta" "$tmp/videos_tb.txt"
}
expect "tls: fog videos --federation at tb (HTTPS) lists ta's video" wait_for 20 in_federation
"$fog" get "$vid2" -o "$tmp/at_tb.mp4" --dir "$tmp/tb" >"$tmp/get_tb.json" 2>"$tmp/get_tb.err"
rc=$?
expect "tls: fog get at tb exits 0 ($(tail -c 300 "$tmp/get_tb.err"))" test $rc = 0
expect "tls: fog get at tb is byte-equal to ta's copy" cmp -s "$tmp/at_ta.mp4" "$tmp/at_tb.mp4"

# A federation on tb's broker that dials ta with tb's CA: ta's broker
# certificate does not chain to it.
wrong=${ta_uri/ca=*ta\/tls\/ca.crt/ca=$ca_tb}
expect "the wrong-CA URI names tb's CA" sh -c "echo '$wrong' | grep -qF 'ca=$ca_tb'"
expect "wrong CA: the handshake itself fails verification" \
  sh -c "openssl s_client -connect 127.0.0.1:$port_ta -CAfile '$ca_tb' -verify_return_error </dev/null 2>&1 | grep -q 'verify error'"
# And one with the right CA but no client certificate: ta asks for one.
nocert=${ta_uri%%&cert=*}
expect "the no-certificate URI names ta's CA only" \
  sh -c "echo '$nocert' | grep -q 'ca=.*ta/tls/ca.crt$'"
declare -A metrics_x
for x in x y; do
  metrics_x[$x]=$(free_port)
  uri=$wrong
  [[ $x == y ]] && uri=$nocert
  "$fog" federation --config "$tmp/tb/roles/federation.conf" --name $x --peer "$uri" \
    --metrics-listen "127.0.0.1:${metrics_x[$x]}" >"$tmp/$x.log" 2>&1 &
  pids+=($!)
done
xstat() {
  curl -sf --cacert "$ca_tb" "https://127.0.0.1:${metrics_x[$1]}/metrics" |
    awk -v n="$2" '$1 == n { s += $2 } END { print s + 0 }'
}
dial_failed() { (($(xstat $1 fog_federation_peer_dial_failures_total) >= 2)); }
for x in x y; do
  what="wrong CA"
  [[ $x == y ]] && what="no client certificate"
  expect "$what: dial failures counted" wait_for 30 dial_failed $x
  expect "$what: the link stays down" \
    test "$(xstat $x fog_federation_peer_connected)" = 0
  expect "$what: logged" grep -q "federation $x: dialing 127.0.0.1:$port_ta" "$tmp/$x.log"
  expect "$what: ta never heard $x" \
    sh -c "! curl -sf --cacert '$ca_ta' '$(fed_metrics ta)' | grep -q 'peer=\"$x\"'"
done

finish
