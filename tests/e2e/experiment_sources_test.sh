#!/usr/bin/env bash
# `fog experiment run` with video sources and store faults: a `file` stream
# (a clip made here with ffmpeg, cut as `fog stream` cuts it) and a
# `pattern` stream (ffmpeg's test pattern rendered at the declared rate),
# while a stored packet is damaged on worker-1's disk and worker-2's store
# quota is filled. Asserts the fault rows in events.csv, one packet per
# GOP slot from each source, the damaged packet held intact again after the
# run (and the worker's log of the repair), nothing lost, and that a
# declaration with a missing file exits 2 naming it. Then the fog in a
# network namespace behind a 4 Mbit/s tbf link: resolved.json records the
# emulation, and every 250 KB publish is held back by the limit (each
# takes over 200 ms to be acknowledged, against a few on the loopback);
# a declared delay is refused before anything starts when the kernel has
# no netem.
# Usage: experiment_sources_test.sh FOG_BINARY
set -uo pipefail
fog=$1
suite=experiment_sources
source "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ffmpeg -hide_banner -loglevel error -nostdin -y -f lavfi \
  -i testsrc2=size=320x240:rate=25 -t 10 -c:v libx264 -preset veryfast \
  -pix_fmt yuv420p -g 25 -keyint_min 25 -sc_threshold 0 -b:v 800k \
  "$tmp/clip.mp4"
expect "the clip is made" test -s "$tmp/clip.mp4"

cat >"$tmp/sources.yaml" <<'YAML'
name: sources
duration_s: 8
drain_s: 20
seed: 4
fog: {workers: 3, replicas: 2, balancer: exact, balancer_period_ms: 1000,
      store_quota_bytes: 16000000}
publishers:
  - {count: 2, source: pattern, bitrate_kbps: 2000, gop_s: 1}
  - {count: 1, source: file, path: clip.mp4, gop_s: 1}
viewers:
  - {kind: packet, rate_per_s: 2}
faults:
  - {at_s: 3, action: corrupt-packet, target: worker-1}
  - {at_s: 4, action: fill-quota, target: worker-2}
assertions:
  - {metric: packets_lost, max: 0}
  - {metric: stores.packets_lost, max: 0}
  - {metric: stores.packets_under_replicated, max: 0}
  - {metric: stores.corrupted_repaired, min: 1}
YAML
"$fog" experiment run "$tmp/sources.yaml" --out "$tmp/out" --no-plot \
  >"$tmp/run.out" 2>"$tmp/run.err"
rc=$?
expect "the run exits 0 (every assertion held)" test $rc = 0
[[ $rc = 0 ]] || cat "$tmp/run.out" "$tmp/run.err"

PYTHONPATH="$(dirname "$0")" /usr/bin/python3 - "$tmp/out" >"$tmp/check.out" 2>&1 <<'PY'
import os
from experiment_outputs import *
faults = {e["verdict"]: e for e in events if e["kind"] == "fault"}
check("both faults recorded", set(faults) == {"corrupt-packet", "fill-quota"})
c = faults.get("corrupt-packet", {})
check("corrupt-packet applied to worker-1", c.get("worker") == "worker-1"
      and c.get("status") == "ok")
check("corrupt-packet names the damaged packet",
      c.get("video", "").startswith("exp-4-s") and int(c.get("packet") or 0) >= 1)
f = faults.get("fill-quota", {})
check("fill-quota applied to worker-2", f.get("worker") == "worker-2"
      and f.get("status") == "ok" and f.get("video") == "exp-4-fill-worker-2")
check("the damaged packet is held intact again",
      s["stores"]["corrupted_packets"] == 1 and s["stores"]["corrupted_repaired"] == 1)
check("nothing lost", s["packets_lost"] == 0 and s["stores"]["packets_lost"] == 0
      and s["stores"]["packets_under_replicated"] == 0)
# Every store-full refusal is an error ack with that reason, and counted.
full = [e for e in events if e["kind"] == "copy" and e["status"] == "store-full"]
check("store-full refusals counted", s["refusals"].get("store-full", 0) == len(full)
      and all(e["worker"] == "worker-2" and e["verdict"] == "error" for e in full))
packets = [e for e in events if e["kind"] == "packet"]
by_video = {}
for p in packets:
    by_video.setdefault(p["video"], []).append(p)
check("three streams", len(by_video) == 3)
# One packet per 1 s slot in 8 s; the group's second stream starts 0.5 s in.
check("pattern streams: one packet per slot", len(by_video.get("exp-4-s0", [])) == 8
      and len(by_video.get("exp-4-s1", [])) == 7)
check("file stream: one packet per slot", len(by_video.get("exp-4-s2", [])) == 8)
pubs = r["experiment"]["publishers"]
check("resolved: sources", [p["source"] for p in pubs] == ["pattern", "file"]
      and pubs[1]["path"].endswith("/clip.mp4"))
check("no media left behind", not os.path.exists(out + "/media"))
done()
PY
expect "events.csv and summary.json show the faults and sources" test $? = 0
cat "$tmp/check.out"

expect "worker-1 logged the damage and asked for a copy" \
  grep -rq "is damaged here; asking the others" "$tmp/out/fog"

# A file that is not there: exit 2 before anything starts, naming it.
printf 'name: bad\npublishers: [{source: file, path: none.mp4}]\n' \
  >"$tmp/bad.yaml"
"$fog" experiment run "$tmp/bad.yaml" --out "$tmp/bad" 2>"$tmp/bad.err"
expect "a missing file exits 2" test $? = 2
expect "the missing file is named" grep -q "none.mp4" "$tmp/bad.err"
expect "no fog started" test ! -e "$tmp/bad/fog"

# Network emulation: needs root (ip netns, tc).
if [[ $(id -u) != 0 ]] || ! command -v tc >/dev/null; then
  echo "SKIP: network emulation needs root and iproute2"
  finish
  exit
fi
cat >"$tmp/net.yaml" <<'YAML'
name: net
duration_s: 5
drain_s: 20
fog: {workers: 2, replicas: 2, balancer: none}
network: {bandwidth_mbit: 4}
publishers:
  - {count: 1, bitrate_kbps: 2000, gop_s: 1}
assertions:
  - {metric: packets_lost, max: 0}
YAML
"$fog" experiment run "$tmp/net.yaml" --out "$tmp/net" --no-plot \
  >"$tmp/net.out" 2>"$tmp/net.err"
rc=$?
expect "the network run exits 0" test $rc = 0
[[ $rc = 0 ]] || cat "$tmp/net.out" "$tmp/net.err"
PYTHONPATH="$(dirname "$0")" /usr/bin/python3 - "$tmp/net" >"$tmp/net.check" 2>&1 <<'PY'
from experiment_outputs import *
e = r["emulation"]
check("emulation: namespace and tbf", "network namespace" in e["network"]
      and e["bandwidth_limit"] == "tbf 4 Mbit/s each way" and e["delay_ms"] is None)
check("the fog listens inside the namespace", r["fog"]["mqtt"].startswith("tcp://10.77."))
packets = [p for p in events if p["kind"] == "packet"]
check("five packets", len(packets) == 5)
# 250 KB through 4 Mbit/s after a 64 KiB bucket: at least 370 ms each.
slow = [float(p["broker_acked_ms"]) - float(p["published_ms"]) for p in packets]
check(f"every publish held back by the limit: {slow}", min(slow) > 200)
done()
PY
expect "resolved.json and events.csv show the limited link" test $? = 0
cat "$tmp/net.check"
expect "the namespace is removed" \
  bash -c "! ip netns list | grep -q fog-exp-"

if ip netns add "fog-netem-t$$" 2>/dev/null; then
  ip netns exec "fog-netem-t$$" tc qdisc add dev lo root netem delay 1ms \
    2>/dev/null && netem=1 || netem=0
  ip netns del "fog-netem-t$$"
  if [[ $netem = 0 ]]; then
    sed 's/bandwidth_mbit: 4}/bandwidth_mbit: 4, delay_ms: 20}/' \
      "$tmp/net.yaml" >"$tmp/delay.yaml"
    "$fog" experiment run "$tmp/delay.yaml" --out "$tmp/delay" 2>"$tmp/delay.err"
    expect "a delay without netem exits 2" test $? = 2
    expect "the refusal names netem" grep -q "need the kernel's netem" "$tmp/delay.err"
    expect "no fog started" test ! -e "$tmp/delay/fog"
  fi
fi

finish
