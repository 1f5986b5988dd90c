#!/usr/bin/env bash
# `fog experiment run` with one fog's components on hosts of their own
# (network.hosts, experiments/hosts.yaml shortened): the broker, API,
# master, balancer and federation on `core`, worker-1 on `edge1`, workers 2
# and 3 on `edge2`, each host a network namespace behind a 50 Mbit/s link.
# While the run goes on, `ip netns pids` must show every process in its
# host's namespace; the core-edge1 link is cut at 4 s and restored at 8 s,
# and worker-1's copies dispatched meanwhile must reach it only after the
# restore, nothing lost. Viewers ask the API (on core) and, as `fog get`
# does, the workers over MQTT (verified packets). Asserts resolved.json's hosts, the fault rows, and
# that the namespaces are gone after the run; and that a misplaced role is
# refused (exit 2) before anything starts.
# Usage: experiment_hosts_test.sh FOG_BINARY
set -uo pipefail
fog=$1
suite=experiment_hosts
source "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Refused before anything starts: worker-2 is on two hosts.
cat >"$tmp/bad.yaml" <<'YAML'
name: bad
fog: {workers: 2, replicas: 2, balancer: none}
network:
  bandwidth_mbit: 50
  hosts:
    core: [broker, api, master, federation, worker-2]
    edge: [worker-1, worker-2]
publishers: [{count: 1}]
YAML
"$fog" experiment run "$tmp/bad.yaml" --out "$tmp/bad" 2>"$tmp/bad.err"
expect "a role on two hosts exits 2" test $? = 2
expect "the refusal names the line and the host" \
  grep -q "bad.yaml:7: network.hosts.edge: worker-2 is already on host core" \
  "$tmp/bad.err"
expect "no fog started" test ! -e "$tmp/bad/fog"

cat >"$tmp/hosts.yaml" <<'YAML'
name: hosts
duration_s: 12
drain_s: 20
seed: 13
fog: {workers: 3, replicas: 2, balancer: exact, balancer_period_ms: 1000}
network:
  bandwidth_mbit: 50
  hosts:
    core: [broker, api, master, balancer, federation]
    edge1: [worker-1]
    edge2: [worker-2, worker-3]
publishers: [{count: 3, bitrate_kbps: 1000, gop_s: 1}]
viewers:
  - {kind: packet, rate_per_s: 2}
  - {kind: get, rate_per_s: 2}
faults:
  - {at_s: 4, action: cut-link, target: core-edge1}
  - {at_s: 8, action: restore-link, target: core-edge1}
assertions:
  - {metric: packets_lost, max: 0}
  - {metric: packets_under_replicated, max: 0}
  - {metric: stores.packets_lost, max: 0}
YAML
"$fog" experiment run "$tmp/hosts.yaml" --out "$tmp/out" --no-plot \
  >"$tmp/run.out" 2>"$tmp/run.err" &
run=$!

# Which fog process each namespace holds: "NS ROLE" lines, a role named by
# its config file (roles/NAME.conf) or its program.
placed() {
  local ns pid cmd
  for ns in "fog-exp-$run" "fog-exp-$run-1" "fog-exp-$run-2"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do
      # A process may be gone between the listing and the read.
      cmd=$({ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null) || continue
      if [[ $cmd =~ roles/([a-z0-9-]+)\.conf ]]; then
        echo "${ns#fog-exp-$run} ${BASH_REMATCH[1]}"
      elif [[ $cmd =~ ^mosquitto ]]; then
        echo "${ns#fog-exp-$run} mosquitto"
      elif [[ $cmd =~ ws-bridge ]]; then
        echo "${ns#fog-exp-$run} ws-bridge"
      fi
    done
  done | sort
}
want=$(printf '%s\n' " api" " balancer" " federation" " master" \
  " mosquitto" " ws-bridge" "-1 worker-1" "-2 worker-2" "-2 worker-3" | sort)
# Every process is started before the clock does; wait until all are there
# (or the run ends).
seen=""
for _ in $(seq 600); do
  seen=$(placed)
  [[ $seen == "$want" ]] && break
  kill -0 "$run" 2>/dev/null || break
  sleep 0.1
done
expect "every process runs in its host's namespace" test "$seen" = "$want"
[[ $seen == "$want" ]] || printf 'seen:\n%s\n' "$seen"

wait "$run"
rc=$?
expect "the run exits 0 (every assertion held)" test $rc = 0
[[ $rc = 0 ]] || cat "$tmp/run.out" "$tmp/run.err"
expect "the namespaces are removed after the run" \
  test -z "$(ip netns list | grep "fog-exp-$run")"

PYTHONPATH="$(dirname "$0")" /usr/bin/python3 - "$tmp/out" >"$tmp/check.out" 2>&1 <<'PY'
from experiment_outputs import *
check("packets published", s["packets_published"] > 0)
check("nothing lost, every packet at 2 copies", s["packets_lost"] == 0
      and s["packets_under_replicated"] == 0 and s["stores"]["packets_lost"] == 0)
hosts = r["emulation"].get("hosts", {})
check("resolved: three hosts with their roles",
      {h: v["roles"] for h, v in hosts.items()} == {
          "core": ["broker", "api", "master", "balancer", "federation"],
          "edge1": ["worker-1"], "edge2": ["worker-2", "worker-3"]})
check("resolved: three addresses", len({v["address"] for v in hosts.values()}) == 3)
check("the fog is reached at core's address",
      r["fog"]["mqtt"] == "tcp://%s:%s" % (hosts["core"]["address"],
                                           r["fog"]["mqtt"].rsplit(":", 1)[1]))
faults = {e["verdict"]: e for e in events if e["kind"] == "fault"}
check("cut-link and restore-link recorded",
      set(faults) == {"cut-link", "restore-link"}
      and all(f["worker"] == "core-edge1" and f["status"] == "ok"
              for f in faults.values()))
cut = float(faults["cut-link"]["at_ms"])
restore = float(faults["restore-link"]["at_ms"])
# Dispatched to worker-1 well inside the cut: it could only get it after
# the restore.
inside = [e for e in events if e["kind"] == "copy" and e["worker"] == "worker-1"
          and e["dispatched_ms"] and cut + 500 < float(e["dispatched_ms"]) < restore - 500]
check("worker-1 was dispatched copies during the cut", len(inside) > 0)
check("they reached it only after the restore",
      all(e["received_ms"] and float(e["received_ms"]) >= restore for e in inside))
others = [e for e in events if e["kind"] == "copy" and e["worker"] != "worker-1"
          and e["dispatched_ms"] and cut + 500 < float(e["dispatched_ms"]) < restore - 500]
check("the other hosts' workers stored during the cut",
      any(e["stored_ms"] and float(e["stored_ms"]) < restore for e in others))
views = [e for e in events if e["kind"] == "view"]
gets = [v for v in views if v["verdict"] == "get"]
check("get viewers asked over MQTT", len(gets) >= 5)
check("their packets came back verified (200), but for the cut's",
      sum(1 for v in gets if v["status"] == "200") >= 0.75 * len(gets))
check("no get answer failed verification",
      not any(v["status"] == "422" for v in gets))
check("the summary counts both kinds", s["viewers"]["requests"] == len(views)
      and s["viewers"]["by_kind"]["get"]["requests"] == len(gets)
      and s["viewers"]["by_kind"]["packet"]["requests"] == len(views) - len(gets) > 0)
done()
PY
expect "the outputs show the hosts, the cut and nothing lost" test $? = 0
cat "$tmp/check.out"

finish
