#!/usr/bin/env bash
# `fog experiment run` with two fogs (experiments/federation.yaml,
# shortened): fog b dials fog a, each fog in a network namespace of its own
# joined through one bridge; streams published into both; the link a-b cut
# (blackhole routes) at 3 s and restored at 10 s. Asserts the per-fog
# summaries (fogs.a, fogs.b, with their stores), the cut-link and
# restore-link rows in events.csv, the link seen down while cut and up
# again after the restore (summary.json links.a-b, samples.csv link_up),
# resolved.json's emulation, both fogs' process samples, nothing lost at a;
# and that a declaration cutting a link without network is refused (exit 2)
# before anything starts.
# Usage: experiment_federation_test.sh FOG_BINARY
set -uo pipefail
fog=$1
suite=experiment_federation
source "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Refused before anything starts: no network, so no link to cut.
cat >"$tmp/bad.yaml" <<'YAML'
name: bad
fogs:
  - {name: a, workers: 2, replicas: 2, balancer: none}
  - {name: b, workers: 2, replicas: 2, balancer: none, peers: [a]}
publishers: [{count: 1}]
faults:
  - {at_s: 1, action: cut-link, target: a-b}
YAML
"$fog" experiment run "$tmp/bad.yaml" --out "$tmp/bad" 2>"$tmp/bad.err"
expect "cut-link without network exits 2" test $? = 2
expect "the refusal names the line and the reason" \
  grep -q "bad.yaml:7: faults\[0\]: cut-link needs network" "$tmp/bad.err"
expect "no fog started" test ! -e "$tmp/bad/fogs"

if [[ $(id -u) != 0 ]] || ! command -v ip >/dev/null; then
  echo "SKIP: fogs in network namespaces need root and iproute2"
  finish
  exit
fi

cat >"$tmp/fed.yaml" <<'YAML'
name: fed
duration_s: 12
drain_s: 15
seed: 5
fogs:
  - {name: a, workers: 2, replicas: 2, balancer: none}
  - {name: b, workers: 2, replicas: 2, balancer: none, peers: [a]}
network: {bandwidth_mbit: 50}
publishers:
  - {count: 2, bitrate_kbps: 1000, gop_s: 1, fog: a}
  - {count: 1, bitrate_kbps: 500, gop_s: 1, fog: b}
viewers:
  - {kind: packet, rate_per_s: 2, fog: a}
  - {kind: packet, rate_per_s: 1, fog: b}
faults:
  - {at_s: 3, action: cut-link, target: a-b}
  - {at_s: 10, action: restore-link, target: a-b}
assertions:
  - {metric: fogs.a.packets_lost, max: 0}
  - {metric: fogs.a.stores.packets_lost, max: 0}
  - {metric: links.a-b.up_at_end, min: 1}
YAML
"$fog" experiment run "$tmp/fed.yaml" --out "$tmp/out" --no-plot \
  >"$tmp/run.out" 2>"$tmp/run.err"
rc=$?
expect "the run exits 0 (every assertion held)" test $rc = 0
[[ $rc = 0 ]] || cat "$tmp/run.out" "$tmp/run.err"

PYTHONPATH="$(dirname "$0")" /usr/bin/python3 - "$tmp/out" >"$tmp/check.out" 2>&1 <<'PY'
import os
from experiment_outputs import *
check("per-fog summaries", set(s.get("fogs", {})) == {"a", "b"})
for name in ("a", "b"):
    f = s.get("fogs", {}).get(name, {})
    check(name + ": packets published", f.get("packets_published", 0) > 0)
    check(name + ": stores read", f.get("stores", {}).get("checked") is True)
check("the figures over all fogs add up",
      s["packets_published"] == sum(f["packets_published"] for f in s["fogs"].values()))
check("nothing lost at a", s["fogs"]["a"]["packets_lost"] == 0
      and s["fogs"]["a"]["stores"]["packets_lost"] == 0)
views = [e for e in events if e["kind"] == "view"]
for name in ("a", "b"):
    mine = [v for v in views if v["worker"] == name]
    v = s["fogs"][name]["viewers"]
    check(name + ": viewers asked it, counted per fog", len(mine) > 0
          and v["requests"] == len(mine)
          and v["ok"] == sum(1 for x in mine if x["status"] == "200"))
    check(name + ": its viewers asked for its own videos",
          all(x["video"].startswith("exp-5-" + name + "-") for x in mine))
check("viewers at a answered", s["fogs"]["a"]["viewers"]["availability"] >= 0.75)
packets = [e for e in events if e["kind"] == "packet"]
check("each packet's video names its fog",
      all(p["video"].startswith(("exp-5-a-", "exp-5-b-")) for p in packets))
faults = {e["verdict"]: e for e in events if e["kind"] == "fault"}
check("cut-link and restore-link recorded", set(faults) == {"cut-link", "restore-link"}
      and all(f["worker"] == "a-b" and f["status"] == "ok" for f in faults.values()))
cut_ms = float(faults.get("cut-link", {}).get("at_ms") or -1)
check("cut at 3 s", 3000 <= cut_ms < 4500)
link = s.get("links", {}).get("a-b", {})
check("the link was seen down while cut", link.get("seconds_down", 0) >= 1)
check("the link is up again after the restore", link.get("up_at_end") == 1
      and link.get("up_after_last_change_ms") is not None)
ups = [(float(x["t_s"]), float(x["value"])) for x in samples
       if x["metric"] == "link_up" and x["label"] == "a-b"]
check("link_up sampled each second", len(ups) >= 10)
check("link_up: up before the cut, down after it",
      any(v == 1 for t, v in ups if t * 1000 < cut_ms)
      and any(v == 0 for t, v in ups if t * 1000 > cut_ms))
labels = {x["label"] for x in samples if x["metric"] == "cpu_pct"}
check("both fogs' processes sampled",
      {"a/master", "a/worker-1", "b/master", "b/federation"} <= labels)
e = r["emulation"]
check("resolved: one host per fog", set(e.get("hosts", {})) == {"a", "b"})
check("resolved: the link and how it is cut", e.get("links") == ["a-b"]
      and "blackhole" in (e.get("cut_link") or ""))
check("resolved: the fogs", set(r.get("fogs", {})) == {"a", "b"}
      and os.path.isdir(out + "/fogs/a") and os.path.isdir(out + "/fogs/b"))
done()
PY
expect "the outputs show both fogs, the cut and the recovery" test $? = 0
cat "$tmp/check.out"

finish
