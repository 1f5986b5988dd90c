#!/usr/bin/env bash
# A fog with TLS on every listener (fog up --tls): the broker refuses a
# plaintext MQTT connection and a client that trusts another CA; openssl
# s_client verifies the MQTT and HTTPS listeners against the fog CA; the
# whole data path works over TLS: fog stream, fog get byte-equal to the
# verified packets, the HLS playlist and segments through HTTPS; a
# restart keeps the CA and certificates. The WebSockets bridge speaks only
# wss:// (an MQTT client subscribes through it and receives a message; a
# plaintext or distrusting client is refused) and so do the per-component
# metrics listeners speak only HTTPS. Then mutual TLS: a client without a
# certificate is refused by the broker, the API and the bridge.
# Usage: tls_test.sh FOG_BINARY
set -uo pipefail
fog=$1
suite=tls
source "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'stop_fog; rm -rf "$tmp"' EXIT

start_fog "$tmp/fog" --tls --workers 2 || exit 1
ca=$tmp/fog/tls/ca.crt
http=$(json "$(cat "$tmp/fog/fog.json")" "j['http']")
mqtt=$(json "$(cat "$tmp/fog/fog.json")" "j['mqtt']")
http_port=${http##*:}
expect "fog.json names the CA" test "$(json "$(cat "$tmp/fog/fog.json")" "j['ca_file']")" = "$ca"
expect "fog.json's MQTT URI is mqtts://" test "$mqtt" = "mqtts://127.0.0.1:$mqtt_port"
expect "fog.json's API URL is https://" test "$http" = "https://127.0.0.1:$http_port"
expect "the broker has one listener, with TLS" \
  test "$(grep -c '^listener ' "$tmp/fog/mosquitto/mosquitto.conf")" = 1 -a \
  "$(grep -c '^certfile ' "$tmp/fog/mosquitto/mosquitto.conf")" = 1
expect "the CA key is private" test "$(stat -c %a "$tmp/fog/tls/ca.key")" = 600

# --- each listener verifies against the fog CA
s_client() {  # s_client PORT CAFILE [more args]: exit 0 iff verified
  local port=$1 cafile=$2
  shift 2
  echo | timeout 10 openssl s_client -connect "127.0.0.1:$port" -verify_return_error \
    -verify_ip 127.0.0.1 -CAfile "$cafile" "$@" >"$tmp/s_client.out" 2>&1
}
expect "s_client verifies the MQTT listener against the fog CA" s_client "$mqtt_port" "$ca"
grep -q "Verify return code: 0 (ok)" "$tmp/s_client.out"
expect "  ... Verify return code: 0 (ok)" test $? = 0
expect "s_client verifies the HTTPS listener against the fog CA" s_client "$http_port" "$ca"
ws=$(json "$(cat "$tmp/fog/fog.json")" "j['websocket']")
ws_port=${ws##*:}
expect "fog.json's WebSockets URI is wss:// ($ws)" test "$ws" = "wss://127.0.0.1:$ws_port"
expect "fog up's summary names the wss:// URI" grep -q "WebSockets  $ws" "$tmp/fog.up.log"
expect "s_client verifies the wss listener against the fog CA" s_client "$ws_port" "$ca"
metrics_urls=$(json "$(cat "$tmp/fog/fog.json")" \
  "' '.join(u for c, u in sorted(j['metrics'].items()) if c != 'api')")
expect "fog.json lists 5 metrics listeners (master, 2 workers, balancer, federation), all https://" \
  test "$(echo "$metrics_urls" | grep -o 'https://127.0.0.1:[0-9]*/metrics' | wc -l)" = 5 -a \
  "$(echo "$metrics_urls" | wc -w)" = 5
for url in $metrics_urls; do
  port=${url##*:}
  port=${port%%/*}
  expect "s_client verifies the metrics listener :$port against the fog CA" s_client "$port" "$ca"
  expect "  ... and curl scrapes it over HTTPS" \
    sh -c "curl -sf --cacert '$ca' '$url' | grep -q '^fog_'"
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/metrics")
  expect "  ... plain HTTP gets no HTTP answer ($code)" test "$code" = 000
done
expect "lib.sh's metric reads the master's over HTTPS with fog.json's CA" \
  metric_at_least "$tmp/fog" master 1 fog_master_metrics_http_scrapes_total

# --- another CA is refused by openssl, mosquitto_pub, curl and fog stream
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
  -subj /CN=other -keyout "$tmp/other.key" -out "$tmp/other.crt" 2>/dev/null
! s_client "$mqtt_port" "$tmp/other.crt"
expect "s_client trusting another CA fails on MQTT" test $? = 0
expect "  ... with a verify error" grep -q "verify error:" "$tmp/s_client.out"
! s_client "$http_port" "$tmp/other.crt"
expect "s_client trusting another CA fails on HTTPS" test $? = 0
pw=$(role_password "$tmp/fog" publisher)
mosquitto_pub -V 5 -h 127.0.0.1 -p "$mqtt_port" --cafile "$tmp/other.crt" -u publisher -P "$pw" \
  -t video/stream/x -m hi >"$tmp/pub-other.out" 2>&1
expect "mosquitto_pub trusting another CA is refused" test $? != 0
expect "  ... for the certificate" grep -qi "certificate verify failed\|TLS error" "$tmp/pub-other.out"
curl -s -o /dev/null --cacert "$tmp/other.crt" "$http/health"
expect "curl trusting another CA: exit 60 (peer certificate)" test $? = 60
! s_client "$ws_port" "$tmp/other.crt"
expect "s_client trusting another CA fails on wss" test $? = 0
expect "  ... with a verify error" grep -q "verify error:" "$tmp/s_client.out"
viewer=$(json "$(cat "$tmp/fog/fog.json")" "j['credentials']['viewer']['username']")
vpw=$(json "$(cat "$tmp/fog/fog.json")" "j['credentials']['viewer']['password']")
wss_client() {  # wss_client OUT CA [more args]: tests/e2e/wss_mqtt.py
  local out=$1 cafile=$2
  shift 2
  python3 "$(dirname "$0")/wss_mqtt.py" --port "$ws_port" --ca "$cafile" \
    --user "$viewer" --password "$vpw" --topic chat/tls-e2e --timeout 20 "$@" >"$out" 2>&1
}
wss_client "$tmp/wss-other.out" "$tmp/other.crt"
expect "an MQTT client over wss trusting another CA is refused (exit 2)" test $? = 2
expect "  ... for the certificate" grep -q "TLS error:.*CERTIFICATE_VERIFY_FAILED" "$tmp/wss-other.out"
make_video "$tmp/src.mp4" 4 || { echo "ffmpeg failed"; exit 1; }
"$fog" stream "$tmp/src.mp4" --dir "$tmp/fog" --ca-file "$tmp/other.crt" >/dev/null 2>"$tmp/stream-other.err"
expect "fog stream trusting another CA exits 2" test $? = 2
expect "  ... and says it could not connect" grep -q "cannot connect to the broker" "$tmp/stream-other.err"

# --- plaintext is refused: no listener speaks it
mosquitto_pub -V 5 -h 127.0.0.1 -p "$mqtt_port" -u publisher -P "$pw" -t video/stream/x -m hi \
  >"$tmp/pub-plain.out" 2>&1
expect "a plaintext MQTT connection is refused" test $? != 0
probe_as publisher "$pw" pub video/stream/x --message hi >"$tmp/probe-plain.out" 2>&1
expect "  ... the raw probe gets no CONNACK (exit 2)" test $? = 2
expect "  ... and the broker logs the failed handshake" \
  wait_for 20 grep -qi "openssl error\|protocol error\|wrong version\|http request" "$tmp/fog/mosquitto/mosquitto.log"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http_port/health")
expect "plain HTTP to the API gets no HTTP answer ($code)" test "$code" = 000
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Upgrade: websocket' -H 'Connection: Upgrade' \
  -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' \
  -H 'Sec-WebSocket-Protocol: mqtt' "http://127.0.0.1:$ws_port/")
expect "a plaintext ws:// upgrade gets no HTTP answer ($code)" test "$code" = 000
expect "  ... and the bridge logs the failed TLS handshake" \
  wait_for 20 grep -q "TLS handshake with a client failed" "$tmp/fog/logs/ws-bridge.log"
expect "GET /ui-config hands browsers the wss:// URL" \
  sh -c "curl -sf --cacert '$ca' '$http/ui-config' | grep -qF '\"mqtt_ws_url\":\"wss://127.0.0.1:$ws_port/\"'"
expect "over wss, /health answers 200" \
  test "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$ca" "https://127.0.0.1:$ws_port/health")" = 200
: >"$tmp/wss.out"
wss_client "$tmp/wss.out" "$ca" &
wss_pid=$!
expect "an MQTT client over wss (fog CA) subscribes through the bridge" \
  wait_for 20 grep -q "^SUBACK 0" "$tmp/wss.out"
expect "  ... a message published over mqtts" \
  mosquitto_pub -V 5 -q 1 -h 127.0.0.1 -p "$mqtt_port" --cafile "$ca" -u "$viewer" -P "$vpw" \
  -t chat/tls-e2e -m hello-over-wss
wait "$wss_pid"
expect "  ... reaches it (exit 0)" test $? = 0
expect "  ... intact" grep -qx "MESSAGE chat/tls-e2e hello-over-wss" "$tmp/wss.out"
expect "over TLS with the fog CA, MQTT accepts the publisher" \
  mosquitto_pub -V 5 -q 1 -h 127.0.0.1 -p "$mqtt_port" --cafile "$ca" -u publisher -P "$pw" \
  -t video/stream/tls-probe -m hi

# --- the data path over TLS
id=$("$fog" stream "$tmp/src.mp4" --dir "$tmp/fog" 2>"$tmp/stream.err")
expect "fog stream over TLS prints the video id" test -n "$id"
complete() { curl -sf --cacert "$ca" "$http/videos/$1" | grep -q '"status":"complete"'; }
expect "the video completes in the registry (workers report over HTTPS)" wait_for 30 complete "$id"
"$fog" get "$id" -o "$tmp/get.mp4" --dir "$tmp/fog" >"$tmp/get.json" 2>"$tmp/get.err"
expect "fog get over TLS exits 0" test $? = 0
packets=$(json "$(curl -sf --cacert "$ca" "$http/videos/$id")" "j['total_packets']")
curl -sf --cacert "$ca" "$http/videos/$id/init.mp4" >"$tmp/hls.mp4"
for n in $(seq 2 "$packets"); do
  curl -sf --cacert "$ca" "$http/videos/$id/$n.m4s" >>"$tmp/hls.mp4"
done
expect "init + segments through HTTPS = fog get's bytes ($packets packets)" cmp -s "$tmp/get.mp4" "$tmp/hls.mp4"
curl -sf --cacert "$ca" "$http/videos/$id/index.m3u8" >"$tmp/index.m3u8"
expect "the HLS playlist through HTTPS ends" grep -qxF '#EXT-X-ENDLIST' "$tmp/index.m3u8"
expect "the playlist lists every fragment" test "$(grep -c '^#EXTINF:' "$tmp/index.m3u8")" = $((packets - 1))
stream_hashes "$tmp/src.mp4" >"$tmp/src.hashes"
stream_hashes "$tmp/get.mp4" >"$tmp/get.hashes"
expect "fog get's file has the source's per-stream packet hashes" cmp -s "$tmp/src.hashes" "$tmp/get.hashes"
expect "fog videos lists it over HTTPS" sh -c "'$fog' videos --dir '$tmp/fog' | grep -q '$id'"
expect "GET /metrics over HTTPS" sh -c "curl -sf --cacert '$ca' '$http/metrics' | grep -q '^fog_api_'"
expect "GET /metrics/master is relayed over HTTPS" \
  sh -c "curl -sf --cacert '$ca' '$http/metrics/master' | grep -q '^fog_master_'"

# --- a restart keeps the CA and the certificates
sum_before=$(cat "$tmp/fog/tls/"*.crt | sha256sum)
stop_fog
"$fog" up --dir "$tmp/fog" --tls --workers 2 --mqtt-port "$mqtt_port" --http-port "$http_port" \
  --ws-port "$(free_port)" >"$tmp/fog.up2.log" 2>&1 &
fog_pid=$!
expect "the fog comes up again" wait_for 60 grep -qs "fog is up" "$tmp/fog.up2.log"
expect "the CA and the certificates are reused" test "$(cat "$tmp/fog/tls/"*.crt | sha256sum)" = "$sum_before"
"$fog" get "$id" -o "$tmp/get2.mp4" --dir "$tmp/fog" >/dev/null 2>&1
expect "the video reads back after the restart" cmp -s "$tmp/get.mp4" "$tmp/get2.mp4"
stop_fog

# --- mutual TLS: no client certificate, no connection
start_fog "$tmp/mfog" --tls --tls-mutual --workers 1 || exit 1
mca=$tmp/mfog/tls/ca.crt
mhttp=$(json "$(cat "$tmp/mfog/fog.json")" "j['http']")
mpw=$(role_password "$tmp/mfog" publisher)
expect "mTLS: the broker asks for a certificate" grep -q '^require_certificate true' "$tmp/mfog/mosquitto/mosquitto.conf"
mosquitto_pub -V 5 -h 127.0.0.1 -p "$mqtt_port" --cafile "$mca" -u publisher -P "$mpw" -t video/stream/x -m hi \
  >"$tmp/pub-nocert.out" 2>&1
expect "mTLS: a client without a certificate is refused by the broker" test $? != 0
cert=$tmp/mfog/tls/clients/fog
expect "mTLS: with the fog's client certificate the broker accepts" \
  mosquitto_pub -V 5 -q 1 -h 127.0.0.1 -p "$mqtt_port" --cafile "$mca" --cert "$cert.crt" --key "$cert.key" \
  -u publisher -P "$mpw" -t video/stream/x -m hi
curl -s -o /dev/null --cacert "$mca" "$mhttp/health"
rc=$?
expect "mTLS: curl without a certificate fails the handshake ($rc)" test $rc != 0
expect "mTLS: curl with the client certificate gets /health 200" \
  test "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$mca" --cert "$cert.crt" --key "$cert.key" "$mhttp/health")" = 200
mws=$(json "$(cat "$tmp/mfog/fog.json")" "j['websocket']")
ws_port=${mws##*:}
viewer=$(json "$(cat "$tmp/mfog/fog.json")" "j['credentials']['viewer']['username']")
vpw=$(json "$(cat "$tmp/mfog/fog.json")" "j['credentials']['viewer']['password']")
wss_client "$tmp/mwss-nocert.out" "$mca"
expect "mTLS: an MQTT client over wss without a certificate is refused (exit 2)" test $? = 2
expect "  ... in the TLS handshake" grep -q "TLS error:" "$tmp/mwss-nocert.out"
: >"$tmp/mwss.out"
wss_client "$tmp/mwss.out" "$mca" --cert "$cert.crt" --key "$cert.key" &
wss_pid=$!
expect "mTLS: with a client certificate it subscribes (the bridge presents its own to the broker)" \
  wait_for 20 grep -q "^SUBACK 0" "$tmp/mwss.out"
mosquitto_pub -V 5 -q 1 -h 127.0.0.1 -p "$mqtt_port" --cafile "$mca" --cert "$cert.crt" --key "$cert.key" \
  -u "$viewer" -P "$vpw" -t chat/tls-e2e -m hello-over-wss
wait "$wss_pid"
expect "mTLS: ... and receives the message" grep -qx "MESSAGE chat/tls-e2e hello-over-wss" "$tmp/mwss.out"
id2=$("$fog" stream "$tmp/src.mp4" --dir "$tmp/mfog" 2>"$tmp/mstream.err")
expect "mTLS: fog stream publishes with the descriptor's certificate" test -n "$id2"
mcomplete() {
  curl -sf --cacert "$mca" --cert "$cert.crt" --key "$cert.key" "$mhttp/videos/$1" |
    grep -q '"status":"complete"'
}
expect "mTLS: the video completes (workers present their certificates)" wait_for 30 mcomplete "$id2"
"$fog" get "$id2" -o "$tmp/mget.mp4" --dir "$tmp/mfog" >/dev/null 2>"$tmp/mget.err"
expect "mTLS: fog get exits 0" test $? = 0
stream_hashes "$tmp/mget.mp4" >"$tmp/mget.hashes"
expect "mTLS: fog get's file has the source's packet hashes" cmp -s "$tmp/src.hashes" "$tmp/mget.hashes"

finish
