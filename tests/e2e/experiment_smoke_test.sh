#!/usr/bin/env bash
# `fog experiment run experiments/smoke.yaml` end to end: every output is
# there, the CSV files have their columns, summary.json's figures agree with
# a recount of events.csv, the plots are non-empty PNGs and report.html shows
# them; a violated assertion exits 1 naming it, and a declaration with an
# unknown key is refused naming the key and its line.
# Usage: experiment_smoke_test.sh FOG_BINARY
set -uo pipefail
fog=$1
suite=experiment_smoke
source "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$fog" experiment run "$root/experiments/smoke.yaml" --out "$tmp/smoke" \
  >"$tmp/smoke.out" 2>"$tmp/smoke.err"
rc=$?
expect "smoke exits 0 (every assertion held)" test $rc = 0
[[ $rc = 0 ]] || { cat "$tmp/smoke.out" "$tmp/smoke.err"; }

for f in resolved.json events.csv samples.csv summary.json report.html \
    throughput.png latency_cdf.png workers.png verdicts.png; do
  expect "$f written" test -s "$tmp/smoke/$f"
done

# The recount: every figure from events.csv alone, as docs/experiments.md
# defines it.
PYTHONPATH="$(dirname "$0")" /usr/bin/python3 - "$tmp/smoke" >"$tmp/recount.out" 2>&1 <<'PY'
import math
from experiment_outputs import *
check("events.csv columns", columns.get("events.csv") == [
    "kind", "video", "packet", "worker", "at_ms", "scheduled_ms",
    "published_ms", "broker_acked_ms", "stored_ms", "complete_ms",
    "copies", "verdict", "latency_ms", "status", "dispatched_ms",
    "received_ms", "durable_ms"])
check("samples.csv columns", columns.get("samples.csv") == ["t_s", "metric", "label", "value"])
packets = [e for e in events if e["kind"] == "packet"]
copies = [e for e in events if e["kind"] == "copy"]
views = [e for e in events if e["kind"] == "view"]
R = s["replicas"]
# The copies of each packet, recounted from the workers' acks.
holders = {}
stored = {}
for c in copies:
    key = (c["video"], c["packet"])
    if c["verdict"] in ("stored", "duplicate"):
        holders.setdefault(key, set()).add(c["worker"])
    if c["verdict"] == "stored":
        stored[key + (c["worker"],)] = stored.get(key + (c["worker"],), 0) + 1
for p in packets:
    check(f"copies of {p['video']}/{p['packet']}",
          int(p["copies"]) == len(holders.get((p["video"], p["packet"]), ())))
def verdict(v):
    return sum(1 for p in packets if p["verdict"] == v)
# Each stored copy's path in time: published, dispatched by the master,
# received by the worker, durable, its ack at the experiment (one machine's
# clock; 5 ms of slack between the wall and the monotonic clock).
# A copy redelivered after a worker's restart keeps its first dispatch time,
# so a packet's first dispatch is taken over every copy, whatever its verdict.
published = {(p["video"], p["packet"]): float(p["published_ms"]) for p in packets}
first_dispatch = {}
timed = 0
for c in copies:
    key = (c["video"], c["packet"])
    if c["dispatched_ms"]:
        d = float(c["dispatched_ms"])
        first_dispatch[key] = min(first_dispatch.get(key, d), d)
    if c["verdict"] != "stored":
        continue
    times = [published[key]] + [float(c[k]) for k in
             ("dispatched_ms", "received_ms", "durable_ms", "stored_ms")]
    check(f"copy times in order {key} {c['worker']}: {times}",
          all(a <= b + 5 for a, b in zip(times, times[1:])))
    timed += 1
check("every stored copy has its times", timed > 0)
for p in packets:
    key = (p["video"], p["packet"])
    if key in first_dispatch:
        check(f"packet dispatched_ms is its first copy's {key}",
              abs(float(p["dispatched_ms"]) - first_dispatch[key]) < 0.01)
check("nothing past the event bounds, no unreadable ack",
      s["events_dropped"] == {"copies": 0, "views": 0, "acks_unreadable": 0})
check("packets published", s["packets_published"] == len(packets) > 0)
check("packets complete", s["packets_complete"] == verdict("complete")
      == sum(1 for p in packets if int(p["copies"]) >= R))
check("packets lost", s["packets_lost"] == verdict("lost"))
check("packets under-replicated", s["packets_under_replicated"] == verdict("under-replicated"))
check("packets duplicated", s["packets_duplicated"] == sum(n - 1 for n in stored.values()))
check("packets per second", abs(s["packets_per_s"] - verdict("complete") / s["duration_s"]) < 1e-3)
lat = sorted(float(p["latency_ms"]) for p in packets if p["latency_ms"])
for q in (50, 95, 99):
    want = lat[max(1, math.ceil(q / 100 * len(lat))) - 1]
    check(f"latency p{q}", abs(s["latency_ms"][f"p{q}"] - want) < 0.01)
for p in packets:
    if p["latency_ms"]:
        check("latency is complete - published", abs(
            float(p["latency_ms"]) - (float(p["complete_ms"]) - float(p["published_ms"]))) < 0.01)
first_slot, held = {}, {}
for p in packets:
    slot = float(p["scheduled_ms"])
    first_slot[p["video"]] = min(first_slot.get(p["video"], slot), slot)
    ok_p = bool(p["complete_ms"]) and float(p["complete_ms"]) - slot <= 1000
    sec = int(slot // 1000)
    held[sec] = held.get(sec, True) and ok_p
best = 0
for sec in sorted(held):
    if not held[sec]:
        break
    best = max(best, sum(1 for v in first_slot.values() if v < (sec + 1) * 1000))
check("max streams held", s["max_streams_held"] == best)
verdicts = {}
for c in copies:
    verdicts[c["verdict"]] = verdicts.get(c["verdict"], 0) + 1
check("verdicts", s["verdicts"] == verdicts)
check("viewer requests", s["viewers"]["requests"] == len(views) > 0)
ok = sum(1 for v in views if v["status"] == "200")
check("viewer availability", abs(s["viewers"]["availability"] - ok / len(views)) < 1e-3)
check("the fault is recorded", [e["verdict"] for e in events if e["kind"] == "fault"] == ["kill"])
check("stores read after the run agree: nothing lost", s["stores"]["checked"]
      and s["stores"]["packets_lost"] == 0 and s["stores"]["packets_under_replicated"] == 0)
check("balancer decisions", s["balancer"]["model"] == "exact"
      and len(s["balancer"]["policy_weight_last"]) >= 2
      and sum(s["balancer"]["dispatched_by_worker"].values()) > 0)
check("assertions listed", len(s["assertions"]) == 5 and all(a["held"] for a in s["assertions"]))
metrics = {x["metric"] for x in samples}
check("samples: CPU, RSS, throughput, queues, weights",
      {"cpu_pct", "rss_mib", "published_per_s", "complete_per_s",
       "master_in_flight", "policy_weight", "dispatched_per_s"} <= metrics)
check("resolved: seed, commit, machine, emulation",
      r["seed"] == 1 and len(r["machine"]["commit"]) == 40 and r["machine"]["cores"] > 0
      and "loopback" in r["emulation"]["network"])
for name in ("throughput", "latency_cdf", "workers", "verdicts"):
    data = open(f"{out}/{name}.png", "rb").read()
    check(f"{name}.png is a PNG", data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000)
    check(f"report.html shows {name}.png", f"{name}.png" in open(out + "/report.html").read())
done()
PY
expect "summary.json agrees with events.csv" test $? = 0
cat "$tmp/recount.out"

# `fog experiment plot` redraws from the data alone.
rm "$tmp/smoke/"*.png "$tmp/smoke/report.html"
"$fog" experiment plot "$tmp/smoke" 2>"$tmp/plot.err"
expect "experiment plot exits 0" test $? = 0
expect "experiment plot redraws" test -s "$tmp/smoke/throughput.png" -a -s "$tmp/smoke/report.html"

# A violated assertion: exit 1, naming it.
cat >"$tmp/violated.yaml" <<'YAML'
name: violated
duration_s: 2
drain_s: 5
fog: {workers: 2, replicas: 1, balancer: none}
publishers: [{count: 1, bitrate_kbps: 500, gop_s: 1}]
assertions:
  - metric: packets_lost
    max: 0
  - metric: packets_published
    max: 0
YAML
"$fog" experiment run "$tmp/violated.yaml" --out "$tmp/violated" --no-plot \
  >"$tmp/violated.out" 2>"$tmp/violated.err"
expect "a violated assertion exits 1" test $? = 1
expect "the violated assertion is named" \
  grep -q "assertion violated: packets_published <= 0" "$tmp/violated.err"
expect "the held assertion is not named" \
  bash -c "! grep -q 'violated: packets_lost' '$tmp/violated.err'"

# An unknown key: refused before anything starts, naming key and line.
printf 'name: bad\npublishers: [{count: 1}]\nfog:\n  worker: 3\n' >"$tmp/bad.yaml"
"$fog" experiment run "$tmp/bad.yaml" --out "$tmp/bad" 2>"$tmp/bad.err"
expect "an unknown key exits 2" test $? = 2
expect "the unknown key and its line are named" \
  grep -q "bad.yaml:4: unknown key 'fog.worker'" "$tmp/bad.err"
expect "nothing ran" test ! -e "$tmp/bad"

finish
