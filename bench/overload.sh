#!/usr/bin/env bash
# Burst and sustained overload on a default fog started here (fog up on free
# ports: 3 workers, R = 2, the master's default backlog limit), with
# `fog bench burst` (4 publishers replaying pre-signed 1 MiB packets,
# following fog/backlog):
#   1. baseline: BASELINE_BYTES (256 MiB), under the backlog limit, so no
#      publisher is held back: the fog's store rate without overload;
#   2. burst: BURST_BYTES (2 GiB) as fast as the fog lets them;
#   3. sustained overload: OVERLOAD_SECONDS (60) of publishing more than the
#      fog stores (OVERLOAD_BYTES, 4 GiB, pre-signed): publishers held back,
#      the store rate in the steady part (from 10 s on) against the
#      baseline's, and the master's and broker's RSS over it (flat or not).
# Prints one JSON object per phase and a summary line; docs/performance.md
# ("Burst ingest") records the numbers.
# Usage: bench/overload.sh [BUILD_DIR]
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
fog=$build/src/cli/fog
[[ -x $fog ]] || { echo "missing $fog: build it first"; exit 2; }
baseline_bytes=${BASELINE_BYTES:-$((256 << 20))}
burst_bytes=${BURST_BYTES:-$((2 << 30))}
overload_bytes=${OVERLOAD_BYTES:-$((4 << 30))}
overload_seconds=${OVERLOAD_SECONDS:-60}
source "$root/tests/e2e/lib.sh"
tmp=$(mktemp -d)
trap 'stop_fog; rm -rf "$tmp"' EXIT
start_fog "$tmp/fog" || exit 1
log() { echo "overload: $*" >&2; }

run() {  # run NAME ARGS...: bench burst into $tmp/NAME.json
  local name=$1
  shift
  log "$name: $*"
  "$fog" bench burst --dir "$tmp/fog" --publishers 4 --work-dir "$tmp/packets" \
    "$@" >"$tmp/$name.json" 2>"$tmp/$name.err"
  local rc=$?
  ((rc == 0)) || { log "$name failed ($rc):"; tail -n 20 "$tmp/$name.err" >&2; }
  python3 - "$tmp/$name.json" "$name" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
t = j.pop("timeline", [])
j["name"] = sys.argv[2]
print(json.dumps(j))
PY
}

run baseline --bytes "$baseline_bytes"
run burst --bytes "$burst_bytes"
run overload --bytes "$overload_bytes" --seconds "$overload_seconds"

python3 - "$tmp" "$overload_seconds" <<'PY'
import json, sys
tmp, seconds = sys.argv[1], float(sys.argv[2])
def load(n): return json.load(open("%s/%s.json" % (tmp, n)))
base, burst, over = load("baseline"), load("burst"), load("overload")
# The steady part of the overload: from 10 s to the end of publishing.
tl = [p for p in over["timeline"] if 10 <= p["t"] <= seconds]
rate = None
if len(tl) >= 2:
    rate = (tl[-1]["stored_mib"] - tl[0]["stored_mib"]) * 1048576 / 1e6 / (tl[-1]["t"] - tl[0]["t"])
def span(key):
    v = [p[key] for p in tl]
    return [min(v), max(v)] if v else None
print(json.dumps({
    "baseline_store_mb_per_s": base["stored"]["mb_per_s"],
    "burst": {"published_mb_per_s": burst["published"]["mb_per_s"],
              "stored_mb_per_s": burst["stored"]["mb_per_s"],
              "held_back_s": burst["held_back"]["seconds_total"],
              "master_rss_max_mib": burst["rss"]["master"]["max_mib"],
              "broker_rss_max_mib": burst["rss"]["broker"]["max_mib"],
              "under_replicated": burst["verdict"]["under_replicated"]},
    "overload": {"published_mb_per_s": over["published"]["mb_per_s"],
                 "steady_store_mb_per_s": round(rate, 1) if rate else None,
                 "held_back_s": over["held_back"]["seconds_total"],
                 "held_back_times": over["held_back"]["times"],
                 "backlog_mib_10s_on": span("backlog_mib"),
                 "master_rss_mib_10s_on": span("master_rss_mib"),
                 "broker_rss_mib_10s_on": span("broker_rss_mib"),
                 "under_replicated": over["verdict"]["under_replicated"]},
}))
PY
