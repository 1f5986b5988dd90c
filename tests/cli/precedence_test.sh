#!/usr/bin/env bash
# Config precedence (README.md, "Using a fog"): the command line, then the
# config file, then the environment. The load balancer against a real
# Mosquitto with the seed's BROKER_ADDRESS/BROKER_PORT and FOG_MQTT_URI
# pointing elsewhere, and `fog up`, whose children must not inherit the
# variables the components read.
# Usage: precedence_test.sh FOG_BINARY
set -uo pipefail
fog=$1
tmp=$(mktemp -d)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
checks=0
failures=0
pass() { checks=$((checks + 1)); }
fail() {
  checks=$((checks + 1))
  failures=$((failures + 1))
  echo "FAIL: $*"
}

free_port() { python3 "$(dirname "$0")/../e2e/free_port.py"; }
# Nothing listens on port 1 (it needs root and no service uses it).
dead_port=1

# wait_for SECONDS COMMAND...: retries COMMAND every 0.1 s until it succeeds.
wait_for() {
  local seconds=$1
  shift
  for _ in $(seq $((seconds * 10))); do
    "$@" && return 0
    sleep 0.1
  done
  return 1
}

# --- a broker that allows anonymous clients
port=$(free_port)
cat >"$tmp/mosquitto.conf" <<CONF
listener $port 127.0.0.1
allow_anonymous true
persistence false
CONF
mosquitto -c "$tmp/mosquitto.conf" >"$tmp/mosquitto.log" 2>&1 &
pids+=($!)
wait_for 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null ||
  { echo "mosquitto did not start"; cat "$tmp/mosquitto.log"; exit 1; }

real="tcp://127.0.0.1:$port"
dead="tcp://127.0.0.1:$dead_port"

# balancer_connects WHAT [env NAME=value...] -- [fog balancer args...]: the
# balancer logs that it connected to the real broker and says so on
# /metrics.
balancer_connects() {
  local what=$1 log="$tmp/balancer.$checks.log" mport
  shift
  local envs=()
  while [[ $1 != -- ]]; do envs+=("$1"); shift; done
  shift
  mport=$(free_port)
  env "${envs[@]}" "$fog" balancer --period-ms 200 \
    --metrics-listen "127.0.0.1:$mport" "$@" >"$log" 2>&1 &
  local pid=$!
  if wait_for 20 grep -qF "balancer: connected to $real " "$log" &&
    curl -sf "http://127.0.0.1:$mport/metrics" |
      grep -qx 'fog_balancer_mqtt_connected 1'; then
    pass
  else
    fail "$what: the balancer did not connect to $real"
    sed 's/^/  | /' "$log" | head -n 20
  fi
  kill -TERM "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  last_log=$log
}

seed_env=(BROKER_ADDRESS=127.0.0.1 BROKER_PORT=$dead_port)

balancer_connects "--mqtt over BROKER_ADDRESS and FOG_MQTT_URI" \
  "${seed_env[@]}" FOG_MQTT_URI=$dead -- --mqtt "$real"
grep -qF "broker $real (--mqtt, command line)" "$last_log" && pass ||
  fail "the balancer does not say the broker came from --mqtt"

printf 'mqtt = "%s"\nperiod-ms = 200\n' "$real" >"$tmp/balancer.conf"
balancer_connects "config file over BROKER_ADDRESS" \
  "${seed_env[@]}" -- --config "$tmp/balancer.conf"
grep -qF "broker $real (--mqtt, config file)" "$last_log" && pass ||
  fail "the balancer does not say the broker came from the config file"

printf 'mqtt = "%s"\n' "$dead" >"$tmp/dead.conf"
balancer_connects "command line over config file" \
  -- --config "$tmp/dead.conf" --mqtt "$real"

balancer_connects "--broker-address over FOG_MQTT_URI" \
  FOG_MQTT_URI=$dead -- --broker-address 127.0.0.1 --broker-port "$port"

# The variables are read when nothing else names the broker.
balancer_connects "FOG_MQTT_URI alone" FOG_MQTT_URI=$real --
balancer_connects "the seed's BROKER_ADDRESS alone" \
  BROKER_ADDRESS=127.0.0.1 BROKER_PORT=$port --

# ...and a dead one is used, and refused: the variables are really read.
env "${seed_env[@]}" "$fog" balancer >"$tmp/dead.log" 2>&1
status=$?
[[ $status == 2 ]] && pass ||
  fail "BROKER_ADDRESS=127.0.0.1 BROKER_PORT=$dead_port: exit $status, expected 2"
grep -qF "broker $dead (BROKER_ADDRESS, environment)" "$tmp/dead.log" && pass ||
  { fail "the dead broker did not come from BROKER_ADDRESS"; sed 's/^/  | /' "$tmp/dead.log" | head; }

# --- fog up: its children see none of the variables the components read
stray=(MQTT_BROKER_URI=$dead BROKER_URI=$dead MQTT_USERNAME=stray
  MQTT_PASSWORD=stray MQTT_CLIENT_ID=stray API_HOST=http://127.0.0.1:1
  BROKER_ADDRESS=127.0.0.1 BROKER_PORT=$dead_port FOG_MQTT_URI=$dead
  OTHER_EDGES='["tcp://127.0.0.1:1"]' FOG_API_TOKEN=stray FOG_DB=sqlite3:///nonexistent/x
  FOG_VIEWER_PASSWORD=stray MASTERNODE_URI=$dead)
mqtt_port=$(free_port)
ws_port=$(free_port)
http_port=$(free_port)
: >"$tmp/up.log"
env "${stray[@]}" FOG_PRECEDENCE_MARKER=passed-through "$fog" up \
  --dir "$tmp/fog" --workers 1 --mqtt-port "$mqtt_port" \
  --ws-port "$ws_port" --http-port "$http_port" \
  --balancer-period-ms 200 >"$tmp/up.log" 2>&1 &
up_pid=$!
pids+=($up_pid)
# Healthy means the API, the master, the worker and the balancer all reached
# the broker fog up started, whatever the stray variables said.
if wait_for 60 grep -q "fog is up" "$tmp/up.log"; then
  pass
else
  fail "fog up did not become healthy with stray variables"
  cat "$tmp/up.log"
  tail -n 20 "$tmp"/fog/logs/*.log
fi
children=$(ps -o pid= --ppid "$up_pid")
roles=()
for child in $children; do
  cmd=$(tr '\0' ' ' <"/proc/$child/cmdline")
  [[ $cmd == *" --config "* ]] || continue  # mosquitto
  roles+=("${cmd#* }")
  environ=$(tr '\0' '\n' <"/proc/$child/environ")
  grep -qx 'FOG_PRECEDENCE_MARKER=passed-through' <<<"$environ" && pass ||
    fail "pid $child ($cmd): other variables should pass through"
  for entry in "${stray[@]}"; do
    name=${entry%%=*}
    if grep -q "^$name=" <<<"$environ"; then
      fail "pid $child ($cmd) inherited $name"
    else
      pass
    fi
  done
done
[[ ${#roles[@]} == 5 ]] && pass ||
  fail "expected api, master, worker, balancer, federation children; saw: ${roles[*]:-none}"

# --- fog stream: fog.json is its config file, so it beats MQTT_USERNAME and
# MQTT_PASSWORD (a stray master's, say); the flags beat fog.json.
ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=320x180:rate=25 \
  -t 1 -c:v libx264 -preset veryfast -g 25 "$tmp/v.mp4"
if env MQTT_USERNAME=stray MQTT_PASSWORD=stray "$fog" stream "$tmp/v.mp4" \
  --dir "$tmp/fog" --video-id prec-1 >"$tmp/stream.log" 2>&1; then
  pass
else
  fail "fog stream took MQTT_USERNAME over fog.json's publisher"
  sed 's/^/  | /' "$tmp/stream.log" | head -n 10
fi
if "$fog" stream "$tmp/v.mp4" --dir "$tmp/fog" --video-id prec-2 \
  --username stray --password stray >"$tmp/stream2.log" 2>&1; then
  fail "fog stream ignored --username (the broker took a stray user)"
else
  pass
fi

echo "precedence: $((checks - failures)) passed, $failures failed"
((failures == 0))
