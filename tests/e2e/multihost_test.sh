#!/usr/bin/env bash
# The fog spread over hosts, with TLS everywhere (docs/deploy.md): the
# broker, the master, two workers and the API each in its own network
# namespace, joined by veth pairs to a bridge in the root namespace, which
# plays the operator's host (fog tls, fog stream, fog get). Each component
# is started with its standalone command and its config file; every
# connection is TLS with client certificates (mutual TLS) against one fog
# CA. A video streamed from the root namespace is stored on both workers
# and read back with the source's packet hashes.
# Needs root (ip netns). Usage: multihost_test.sh FOG_BINARY
set -uo pipefail
fog=$1
suite=multihost
source "$(dirname "$0")/lib.sh"
if [[ $(id -u) != 0 ]] || ! ip netns list >/dev/null 2>&1; then
  echo "$suite: needs root and ip netns; skipped"
  echo "$suite: 0 passed, 0 failed"
  exit 0
fi
tmp=$(mktemp -d)
# Names unique to this run: two runs at once do not meet.
tag=$(printf '%04x' $(($$ % 65536)))
net=10.$((200 + $$ % 50)).$(($$ / 50 % 250)).
br=fogbr$tag
hosts=(broker master worker1 worker2 api)
declare -A ip=([broker]=${net}1 [master]=${net}2 [worker1]=${net}3 [worker2]=${net}4 [api]=${net}5)
pids=()
# Each host's processes are the namespace's own: `ip netns exec` runs them
# beside the background shell whose pid is in pids.
netns_pids() {
  for h in "${hosts[@]}"; do ip netns pids "fog$tag-$h" 2>/dev/null; done
}
cleanup() {
  for p in "${pids[@]}" $(netns_pids); do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  for _ in $(seq 50); do
    [[ -z $(netns_pids) ]] && break
    sleep 0.2  # polls until every host's process has exited
  done
  for p in $(netns_pids); do kill -KILL "$p" 2>/dev/null; done
  for h in "${hosts[@]}"; do ip netns del "fog$tag-$h" 2>/dev/null; done
  ip link del "$br" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

# --- the network: one namespace per host on a bridge
ip link add "$br" type bridge || exit 1
ip addr add "${net}254/24" dev "$br"
ip link set "$br" up
for h in "${hosts[@]}"; do
  ns=fog$tag-$h
  ip netns add "$ns"
  ip link add "v$tag${h:0:1}${h: -1}" type veth peer name eth0 netns "$ns"
  ip link set "v$tag${h:0:1}${h: -1}" master "$br" up
  ip -n "$ns" addr add "${ip[$h]}/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
done
on() {  # on HOST COMMAND...: runs COMMAND on that host
  local h=$1
  shift
  ip netns exec "fog$tag-$h" "$@"
}
has_address() { ip -n "fog$tag-$1" -4 addr show eth0 | grep -q "inet ${ip[$1]}/"; }
for h in "${hosts[@]}"; do expect "host $h has its address ${ip[$h]}" has_address "$h"; done

# --- the operator's files: CA, certificates, credentials, configs
d=$tmp/fog
"$fog" tls ca --dir "$d" >/dev/null || exit 1
"$fog" tls server mqtt --san "${ip[broker]}" --san broker.fog --dir "$d" >/dev/null
"$fog" tls server https --san "${ip[api]}" --dir "$d" >/dev/null
for c in master worker-1 worker-2 api operator; do "$fog" tls client "$c" --dir "$d" >/dev/null; done
expect "fog tls issued the CA and every certificate" \
  test -f "$d/tls/ca.crt" -a -f "$d/tls/mqtt.crt" -a -f "$d/tls/https.crt" -a -f "$d/tls/clients/worker-2.crt"
"$fog" keygen --out "$d/publisher" >/dev/null
mkdir -p "$d/trust" "$d/broker"
cp "$d/publisher.pub" "$d/trust/"
declare -A pw
: >"$d/broker/passwd"
for role in publisher master worker-1 worker-2 api viewer; do
  pw[$role]=$(openssl rand -hex 12)
  mosquitto_passwd -b "$d/broker/passwd" "$role" "${pw[$role]}"
done
token=$(openssl rand -hex 16)
cat >"$d/broker/acl" <<'ACL'
# The ACL of docs/security.md (one login per component; `fog up` writes
# the same from its identity store).
user publisher
topic write video/stream/#
topic write go-streaming
topic read fog/backlog
user master
topic read video/stream/#
topic read go-streaming
topic write fog/dispatch/#
topic readwrite fog/status/master
topic readwrite fog/backlog
topic read fog/status/#
topic read fog/heartbeat/#
topic read fog/policy
topic read fog/ack/+
topic write fog/get/#
topic read reply/master/#
topic read packet-request
topic write fog/seed-request/#
topic write fog/seed-end
topic read $SYS/broker/store/messages/bytes
topic readwrite fog/revocations
user worker-1
topic read fog/policy
topic read fog/ping/#
topic read fog/seed-end
topic read fog/revocations
topic readwrite fog/get/#
topic write reply/#
topic write +
user worker-2
topic read fog/policy
topic read fog/ping/#
topic read fog/seed-end
topic read fog/revocations
topic readwrite fog/get/#
topic write reply/#
topic write +
user api
topic readwrite fog/status/api
topic read fog/status/#
topic read fog/stats/#
topic read fog/policy
user viewer
topic write packet-request
topic write fog/get/#
pattern write fog/status/worker/%u
pattern write fog/heartbeat/%u
pattern write fog/stats/%u
pattern write fog/ack/%u
pattern read fog/dispatch/%u
pattern read fog/seed-request/%u
pattern read reply/repair/%u
pattern read %c
pattern read stream-%c
pattern read reply/%c/#
ACL
cat >"$d/broker/mosquitto.conf" <<CONF
user $(id -un)
per_listener_settings false
allow_anonymous false
password_file $d/broker/passwd
acl_file $d/broker/acl
max_packet_size 17825792
max_queued_messages 0
max_queued_bytes 536870912
log_dest file $d/broker/mosquitto.log
log_type error
log_type warning
log_type notice
listener 8883 ${ip[broker]}
cafile $d/tls/ca.crt
certfile $d/tls/mqtt.crt
keyfile $d/tls/mqtt.key
require_certificate true
CONF
mqtt=mqtts://${ip[broker]}:8883
api=https://${ip[api]}:8443
tls_lines() {  # tls_lines CLIENT: the config lines of a client's TLS files
  printf 'ca-file = "%s"\ncert-file = "%s"\nkey-file = "%s"\n' \
    "$d/tls/ca.crt" "$d/tls/clients/$1.crt" "$d/tls/clients/$1.key"
}
{
  printf 'mqtt = "%s"\nusername = "api"\npassword = "%s"\n' "$mqtt" "${pw[api]}"
  printf 'host = "%s"\nport = "8443"\ndb = "sqlite3://%s/registry.sqlite"\n' "${ip[api]}" "$d"
  printf 'token = "%s"\ntrust = "%s/trust"\nexpect-workers = "2"\n' "$token" "$d"
  printf 'viewer-username = "viewer"\nviewer-password = "%s"\n' "${pw[viewer]}"
  printf 'tls-cert = "%s/tls/https.crt"\ntls-key = "%s/tls/https.key"\n' "$d" "$d"
  printf 'tls-client-ca = "%s/tls/ca.crt"\n' "$d"
  tls_lines api
} >"$d/api.conf"
{
  printf 'mqtt = "%s"\nusername = "master"\npassword = "%s"\n' "$mqtt" "${pw[master]}"
  printf 'api = "%s"\njournal-dir = "%s/master-journal"\nreplicas = "2"\n' "$api" "$d"
  tls_lines master
} >"$d/master.conf"
for i in 1 2; do
  {
    printf 'mqtt = "%s"\nusername = "worker-%s"\npassword = "%s"\n' "$mqtt" "$i" "${pw[worker-$i]}"
    printf 'name = "worker-%s"\nstore = "%s/worker-%s"\ntrust = "%s/trust"\n' "$i" "$d" "$i" "$d"
    printf 'api = "%s"\napi-token = "%s"\n' "$api" "$token"
    tls_lines "worker-$i"
  } >"$d/worker-$i.conf"
done
# The operator's descriptor: fog get and fog videos read it.
cat >"$d/fog.json" <<JSON
{"mqtt": "$mqtt", "http": "$api",
 "credentials": {"publisher": {"username": "publisher", "password": "${pw[publisher]}"},
                 "viewer": {"username": "viewer", "password": "${pw[viewer]}"}},
 "publisher_key": "$d/publisher.key", "trust_dir": "$d/trust",
 "ca_file": "$d/tls/ca.crt",
 "client_cert": "$d/tls/clients/operator.crt", "client_key": "$d/tls/clients/operator.key"}
JSON

# --- start each host's component
on broker mosquitto -c "$d/broker/mosquitto.conf" >"$tmp/mosquitto.out" 2>&1 &
pids+=($!)
s_client_ok() {
  echo | timeout 5 openssl s_client -connect "$1" -verify_return_error -CAfile "$d/tls/ca.crt" \
    -cert "$d/tls/clients/operator.crt" -key "$d/tls/clients/operator.key" >/dev/null 2>&1
}
expect "the broker host accepts TLS, verified against the fog CA" wait_for 10 s_client_ok "${ip[broker]}:8883"
on api "$fog" api --config "$d/api.conf" >"$tmp/api.log" 2>&1 &
pids+=($!)
on master "$fog" master --config "$d/master.conf" >"$tmp/master.log" 2>&1 &
pids+=($!)
on worker1 "$fog" worker --config "$d/worker-1.conf" >"$tmp/worker-1.log" 2>&1 &
pids+=($!)
on worker2 "$fog" worker --config "$d/worker-2.conf" >"$tmp/worker-2.log" 2>&1 &
pids+=($!)
curl_fog() {
  curl -sf --cacert "$d/tls/ca.crt" --cert "$d/tls/clients/operator.crt" \
    --key "$d/tls/clients/operator.key" "$@"
}
expect "the API host answers /health 200 over HTTPS" wait_for 30 curl_fog -o /dev/null "$api/health"
expect "the API host verifies against the fog CA" s_client_ok "${ip[api]}:8443"
workers_live() { curl_fog "$api/fog" | grep -q worker-2; }
expect "both workers are seen through the broker" wait_for 20 workers_live

# --- stream from the operator's host, read back
make_video "$tmp/src.mp4" 6 || { echo "ffmpeg failed"; exit 1; }
id=$("$fog" stream "$tmp/src.mp4" --dir "$d" 2>"$tmp/stream.err")
expect "fog stream over mqtts:// prints the video id" test -n "$id"
complete() { curl_fog "$api/videos/$1" | grep -q '"status":"complete"'; }
expect "the video completes in the API's registry" wait_for 30 complete "$id"
holders() { json "$(curl_fog "$api/videos/$id")" "len(j['workers'])"; }
# Completion is reported by the first holder; the second reports its own.
two_holders() { test "$(holders)" = 2; }
expect "both workers report holding it (two replicas)" wait_for 30 two_holders
"$fog" get "$id" -o "$tmp/get.mp4" --dir "$d" >/dev/null 2>"$tmp/get.err"
expect "fog get exits 0" test $? = 0
stream_hashes "$tmp/src.mp4" >"$tmp/src.hashes"
stream_hashes "$tmp/get.mp4" >"$tmp/get.hashes"
expect "the video read back has the source's packet hashes" cmp -s "$tmp/src.hashes" "$tmp/get.hashes"
curl_fog "$api/videos/$id/init.mp4" >"$tmp/hls.mp4"
packets=$(json "$(curl_fog "$api/videos/$id")" "j['total_packets']")
for n in $(seq 2 "$packets"); do curl_fog "$api/videos/$id/$n.m4s" >>"$tmp/hls.mp4"; done
expect "HLS init + segments over HTTPS = fog get's bytes" cmp -s "$tmp/get.mp4" "$tmp/hls.mp4"
# A client from the operator's host without a certificate is refused.
curl -s -o /dev/null --cacert "$d/tls/ca.crt" "$api/health"
expect "the API refuses a client without a certificate" test $? != 0

if ((failures > 0)); then
  for f in "$tmp"/*.log "$tmp"/*.err "$d/broker/mosquitto.log"; do echo "== $f"; tail -n 15 "$f"; done
fi
finish
