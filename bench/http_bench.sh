#!/usr/bin/env bash
# HTTP API throughput with wrk, against a fog started here (fog up on free
# ports), each number beside a baseline measured in the same run:
#   GET /health                     baseline: the cheapest route
#   GET /videos (100 and 1000)      with 10 000 videos in the registry
#   GET /videos/ID/N.m4s, cached    every segment in the API's cache
#   GET /videos/ID/N.m4s, uncached  a second API with a 1 MiB cache, so each
#                                   request fetches and verifies over MQTT
# Usage: bench/http_bench.sh [BUILD_DIR]   (default build; needs a Release
# build of fog and fog_registry_fill). Env: SECONDS_PER_RUN (10), VIDEOS
# (10000), CONNECTIONS (8).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
fog=$build/src/cli/fog
fill=$build/bench/fog_registry_fill
duration=${SECONDS_PER_RUN:-10}
videos=${VIDEOS:-10000}
conns=${CONNECTIONS:-8}
for f in "$fog" "$fill"; do
  [[ -x $f ]] || { echo "missing $f: build it first (cmake --build $build)"; exit 2; }
done
if ! command -v wrk >/dev/null; then
  echo "http_bench: installing wrk (Debian package)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk ||
    exit 2
fi

source "$root/tests/e2e/lib.sh"
tmp=$(mktemp -d)
other_api=
trap '[[ -n $other_api ]] && kill $other_api 2>/dev/null; stop_fog; rm -rf "$tmp"' EXIT
start_fog "$tmp/fog" || exit 1

# run NAME URL [LUA_SCRIPT ARGS...]: prints "NAME req/s MB/s" and keeps them.
declare -A rps mbps
run() {
  local name=$1 url=$2
  shift 2
  local script=()
  if (($#)); then
    script=(-s "$1" "$url" --)
    shift
  else
    script=("$url")
  fi
  local out
  out=$(wrk -t2 -c"$conns" -d"${duration}s" --latency "${script[@]}" "$@" 2>&1)
  local non2xx
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  rps[$name]=$(echo "$out" | awk '/^Requests\/sec/ {print $2}')
  mbps[$name]=$(echo "$out" | awk '/^Transfer\/sec/ {
    v=$2; u=substr(v, length(v)-1); v=substr(v, 1, length(v)-2);
    if (u=="GB") v*=1024; else if (u=="KB") v/=1024; else if (u!="MB") v/=1048576;
    printf "%.1f", v}')
  local p50 p99
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  printf '%-22s %10s req/s %9s MB/s  p50 %-9s p99 %-9s%s\n' "$name" "${rps[$name]}" \
    "${mbps[$name]}" "$p50" "$p99" "${non2xx:+  NON-2XX: $non2xx}"
}
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1])/float(sys.argv[2]):.3f}')" "$1" "$2"; }

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs," \
  "$(free -g | awk '/Mem:/ {print $2}') GiB; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrk: 2 threads, $conns connections, ${duration} s per run"

# A 60 s video: 61 packets, 1 s fragments.
make_video "$tmp/src.mp4" 60 || exit 1
id=$("$fog" stream "$tmp/src.mp4" --dir "$tmp/fog" 2>/dev/null)
wait_for 30 sh -c "curl -sf $http/videos/$id | grep -q '\"status\":\"complete\"'" ||
  { echo "the video did not complete"; exit 1; }
packets=$(video_field "$id" "j['total_packets']")
bytes=$(video_field "$id" "j['bytes']")
echo "video: $packets packets, $((bytes / 1024)) KiB held (all replicas)"
"$fill" "sqlite3://$tmp/fog/registry.sqlite" "$videos" || exit 1
listed=$(curl -s "$http/videos?limit=1000" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
echo "registry: $((videos + 1)) videos; GET /videos?limit=1000 lists $listed"

curl -sf "$http/videos/$id/index.m3u8" -o /dev/null || { echo "playlist failed"; exit 1; }
for n in $(seq 2 "$packets"); do curl -sf "$http/videos/$id/$n.m4s" -o /dev/null; done

# The second API: same broker, registry and keys, a 1 MiB cache.
api_user=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["api"]["username"])' \
  "$tmp/fog/mosquitto/roles.json")
other_port=$(free_port)
"$fog" api --mqtt "tcp://127.0.0.1:$mqtt_port" --username "$api_user" \
  --password "$(role_password "$tmp/fog" api)" --client-id bench-api --port "$other_port" \
  --db "sqlite3://$tmp/fog/registry.sqlite" --trust "$tmp/fog/trust" --hls-cache-mb 1 \
  --viewer-username viewer --viewer-password "$(role_password "$tmp/fog" viewer)" \
  >"$tmp/uncached-api.log" 2>&1 &
other_api=$!
uncached=http://127.0.0.1:$other_port
wait_for 10 curl -sf "$uncached/videos/$id/index.m3u8" -o /dev/null ||
  { echo "second API did not serve"; cat "$tmp/uncached-api.log"; exit 1; }

echo
run health "$http/health"
run videos_100 "$http/videos"
run videos_1000 "$http/videos?limit=1000"
run segments_cached "$http" "$root/bench/segments.lua" "$id" 2 "$packets"
run segments_uncached "$uncached" "$root/bench/segments.lua" "$id" 2 "$packets"
echo
echo "GET /videos (100) / GET /health, req/s:    $(ratio "${rps[videos_100]}" "${rps[health]}")"
echo "GET /videos (1000) / GET /health, req/s:   $(ratio "${rps[videos_1000]}" "${rps[health]}")"
echo "segments uncached / cached, MB/s:          $(ratio "${mbps[segments_uncached]}" "${mbps[segments_cached]}")"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
