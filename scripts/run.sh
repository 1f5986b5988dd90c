#!/usr/bin/env bash
# The main job on the embedded default: installs what is needed, builds the
# fog binary, starts a whole local fog (Mosquitto, the registry API on
# SQLite, the master and 3 workers) in ./fog-data, streams a generated
# 20-second video into it, lists it, fetches it back verified, and checks the
# copy against the source. On a terminal the fog then keeps running until
# Ctrl-C; otherwise it stops after the demonstration.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
# The web UI too when CMake found npm (FOG_WEB_UI): fog api serves it.
targets=(fog)
grep -q '^FOG_WEB_UI:BOOL=ON' build/CMakeCache.txt && targets+=(fog_web_ui)
cmake --build build -j "${FOG_JOBS:-2}" --target "${targets[@]}"
fog=$root/build/src/cli/fog
dir=${FOG_DIR:-$root/fog-data}
mkdir -p "$dir"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "Starting the fog in $dir"
"$fog" up --dir "$dir" ${FOG_UP_FLAGS:-} &
fog_pid=$!
trap 'kill -TERM $fog_pid 2>/dev/null; wait $fog_pid 2>/dev/null' EXIT
http=
for _ in $(seq 300); do
  if [[ -f $dir/fog.json ]] && curl -sf "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["http"])' "$dir/fog.json")/health" >/dev/null 2>&1; then
    http=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["http"])' "$dir/fog.json")
    break
  fi
  kill -0 $fog_pid 2>/dev/null || { echo "fog up failed"; exit 1; }
  sleep 0.2
done
[[ -n $http ]] || { echo "the fog did not become healthy"; exit 1; }

say "A 20 s test video (H.264 + AAC, a keyframe every second)"
ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=640x360:rate=25 \
  -f lavfi -i sine=frequency=440:sample_rate=48000 -t 20 -c:v libx264 -preset veryfast \
  -g 25 -keyint_min 25 -sc_threshold 0 -c:a aac "$dir/demo.mp4"

say "fog stream: cut into fMP4 packets, each signed (ML-DSA-44 over the SIS digest chain)"
id=$("$fog" stream "$dir/demo.mp4" --dir "$dir")

say "The registry (GET $http/videos)"
for _ in $(seq 50); do
  curl -sf "$http/videos/$id" | grep -q '"status":"complete"' && break
  sleep 0.2
done
"$fog" videos --dir "$dir"

say "fog get: fetch every packet back over MQTT v5, verify each, reassemble"
"$fog" get "$id" -o "$dir/demo.copy.mp4" --dir "$dir"

say "Per-stream packet hashes of the source and the copy"
hashes() {
  ffmpeg -hide_banner -loglevel error -i "$1" -map 0:v -map 0:a -c copy -f framemd5 - |
    grep -v '^#' | awk -F', *' '{print $1, $6}' | sort -s -k1,1 | sha256sum | cut -c1-16
}
echo "source $(hashes "$dir/demo.mp4")   copy $(hashes "$dir/demo.copy.mp4")"

ui=${http/0.0.0.0/127.0.0.1}/
say "The web UI: $ui (this video: ${ui}watch/$id)"
if [[ -t 0 ]]; then
  say "The fog keeps running (fog.json in $dir); Ctrl-C stops it"
  wait $fog_pid
fi
