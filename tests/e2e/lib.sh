# Helpers for the end-to-end tests: checks that count, a fog started with
# `fog up` on free ports, and JSON field access. Source it; set $fog first.

checks=0
failures=0

pass() { checks=$((checks + 1)); }
fail() {
  checks=$((checks + 1))
  failures=$((failures + 1))
  echo "FAIL: $*"
}
expect() {  # expect DESCRIPTION CONDITION-COMMAND...
  local what=$1
  shift
  if "$@"; then pass; else fail "$what"; fi
}
finish() {
  echo "$suite: $((checks - failures)) passed, $failures failed"
  ((failures == 0))
}

# flip_byte FILE OFFSET: inverts every bit of one byte in place, so the file
# changes whatever the byte held (writing a fixed value would not, 1 time in 256).
flip_byte() {
  local old
  old=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
  printf "\\x$(printf %02x $((old ^ 0xff)))" |
    dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# free_port: a TCP port free a moment ago, below the kernel's ephemeral
# range, where no outgoing connection can take it before its listener binds
# it (as common/free_ports.h picks).
free_port() {
  python3 "$(dirname "${BASH_SOURCE[0]}")/free_port.py"
}

# json FILE-OR-STRING EXPR: prints a Python expression over the parsed JSON `j`.
json() {
  python3 -c 'import json,sys; j=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"
}

# start_fog DIR [fog up flags...]: starts a fog in the background and waits
# until it is healthy. Sets fog_pid, http, mqtt_port.
start_fog() {
  local dir=$1
  shift
  mqtt_port=$(free_port)
  local ws_port=$(free_port) http_port=$(free_port)
  http="http://127.0.0.1:$http_port"
  "$fog" up --dir "$dir" --mqtt-port "$mqtt_port" --ws-port "$ws_port" \
    --http-port "$http_port" "$@" >"$dir.up.log" 2>&1 &
  fog_pid=$!
  for _ in $(seq 300); do
    grep -q "fog is up" "$dir.up.log" 2>/dev/null && return 0
    kill -0 $fog_pid 2>/dev/null || break
    sleep 0.2  # polls for the signal, the "fog is up" line
  done
  echo "fog did not come up:"
  cat "$dir.up.log"
  tail -n 20 "$dir"/logs/*.log
  return 1
}

stop_fog() {
  [[ -n ${fog_pid:-} ]] || return 0
  kill -TERM "$fog_pid" 2>/dev/null
  wait "$fog_pid" 2>/dev/null
  fog_pid=
}

# role_password DIR ROLE
role_password() {
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]]["password"])' \
    "$1/mosquitto/roles.json" "$2"
}

# pub DIR ROLE TOPIC FILE: publishes FILE's bytes with QoS 1, MQTT v5.
pub() {
  mosquitto_pub -V 5 -q 1 -p "$mqtt_port" -u "$2" -P "$(role_password "$1" "$2")" \
    -t "$3" -f "$4"
}

# probe ROLE ARGS...: tests/e2e/mqtt_probe.py (the broker's reason codes,
# SUBACK as the readiness signal) as ROLE of the fog in $tmp/fog.
# probe_as USER PASSWORD ARGS...: the same with any credentials.
probe_as() {
  local user=$1 password=$2
  shift 2
  python3 "$(dirname "${BASH_SOURCE[0]}")/mqtt_probe.py" --port "$mqtt_port" \
    --user "$user" --password "$password" "$@"
}
probe() {
  local role=$1
  shift
  probe_as "$role" "$(role_password "$tmp/fog" "$role")" "$@"
}

# wait_for SECONDS COMMAND...: retries COMMAND every 0.2 s until it succeeds.
wait_for() {
  local seconds=$1
  shift
  for _ in $(seq $((seconds * 5))); do
    "$@" && return 0
    sleep 0.2  # polls the condition (the signal) until the deadline
  done
  return 1
}

# metric DIR COMPONENT NAME...: the sum of these samples on COMPONENT's
# metrics endpoint (as DIR/fog.json lists it; https:// verified against its
# ca_file); 0 for a sample not there.
metric() {
  local dir=$1 component=$2 url ca
  shift 2
  url=$(json "$(cat "$dir/fog.json")" "j['metrics']['$component']") || return 1
  ca=$(json "$(cat "$dir/fog.json")" "j.get('ca_file', '')")
  curl -sf ${ca:+--cacert "$ca"} "$url" | awk -v names="$*" '
    BEGIN { n = split(names, want, " "); for (i = 1; i <= n; i++) w[want[i]] = 1 }
    ($1 in w) { sum += $2 }
    END { printf "%d\n", sum }'
}
# metric_at_least DIR COMPONENT MIN NAME...: whether that sum is >= MIN.
metric_at_least() {
  local dir=$1 component=$2 min=$3
  shift 3
  (($(metric "$dir" "$component" "$@") >= min))
}

# video_field ID EXPR: a field of GET /videos/ID (empty if absent).
video_field() {
  local body
  body=$(curl -sf "$http/videos/$1") || return 1
  json "$body" "$2"
}

# video_field_is ID EXPR VALUE: whether EXPR over the video's registry
# entry prints VALUE. Each worker reports on its own round, so a video may
# be complete (the union of the ranges) before every copy is counted: wait
# on this for the copies.
video_field_is() {
  test "$(video_field "$1" "$2" 2>/dev/null)" = "$3"
}

# video_complete ID: whether the registry marks the video complete.
video_complete() {
  curl -sf "$http/videos/$1" | grep -q '"status":"complete"'
}

# stream_hashes FILE: the packet hashes per stream (framemd5), in a form
# comparable across containers (fragmenting shifts timestamps).
stream_hashes() {
  ffmpeg -hide_banner -loglevel error -i "$1" -map 0:v -map 0:a -c copy -f framemd5 - |
    grep -v '^#' | awk -F', *' '{print $1, $6}' | sort -s -k1,1
}

# make_video FILE SECONDS: H.264 + AAC test video, a keyframe every second.
make_video() {
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=640x360:rate=25 \
    -f lavfi -i sine=frequency=440:sample_rate=48000 -t "$2" -c:v libx264 \
    -preset veryfast -g 25 -keyint_min 25 -sc_threshold 0 -c:a aac -b:a 96k "$1"
}
