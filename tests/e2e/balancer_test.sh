#!/usr/bin/env bash
# The load balancer with three real workers: two share CPU 0 (started by
# fog up), one runs alone on CPU 1. A busy process on CPU 1 lowers that
# worker's share of the policy within two periods; stopping the worker
# (SIGSTOP: silent, no last will) removes it from the policy after three
# periods of silence and the master sends it nothing; it comes back when it
# answers again, and again after a restart.
# Periods are counted by the policies' own round numbers, recorded by a
# subscriber, so how fast this script polls does not matter.
# Usage: balancer_test.sh FOG_BINARY
set -uo pipefail
fog=$1
suite=balancer
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
tmp=$(mktemp -d)
busy_pid=
worker_pid=
sub_pid=
cleanup() {
  [[ -n $busy_pid ]] && kill -9 "$busy_pid" 2>/dev/null
  if [[ -n $worker_pid ]]; then
    kill -CONT "$worker_pid" 2>/dev/null
    kill -TERM "$worker_pid" 2>/dev/null && wait "$worker_pid" 2>/dev/null
  fi
  [[ -n $sub_pid ]] && kill "$sub_pid" 2>/dev/null
  stop_fog
  [[ $failures == 0 ]] && rm -rf "$tmp"
}
trap cleanup EXIT
if (($(nproc) < 2)); then
  echo "balancer_test needs two CPUs (one per side of the load); found $(nproc)"
  exit 1
fi

make_video "$tmp/src.mp4" 20

# Everything fog up starts runs on CPU 0: this shell's affinity is inherited.
# This script's own processes stay on CPU 0 too, except while CPU 1 is
# loaded on purpose (they would load whichever side they run on).
taskset -cp 0 $$ >/dev/null
start_fog "$tmp/fog" --workers 2 --balancer-period-ms 1000 || exit 1

# Every policy the balancer publishes, one JSON object per line.
: >"$tmp/policies"
probe api sub fog/policy --out "$tmp/policies" >"$tmp/sub.probe" 2>&1 &
sub_pid=$!
expect "the policy listener is subscribed (SUBACK)" \
  wait_for 10 grep -q '^suback 0x00' "$tmp/sub.probe"

# The third worker, alone on CPU 1, with a login of its own.
"$fog" worker add lone --dir "$tmp/fog" >"$tmp/add.log" 2>&1 ||
  fail "fog worker add lone: $(cat "$tmp/add.log")"
start_lone_worker() {
  MQTT_PASSWORD=$(role_password "$tmp/fog" lone) taskset -c 1 "$fog" worker \
    --mqtt "tcp://127.0.0.1:$mqtt_port" --username lone --name lone \
    --store "$tmp/lone" --trust "$tmp/fog/trust" --api "$http" \
    --api-token "$(cat "$tmp/fog/roles/api-token")" >>"$tmp/lone.log" 2>&1 &
  worker_pid=$!
}
start_lone_worker

# Waiting reads the recorded policies in one Python process: polling with a
# process per check would itself load the CPUs being measured.
# policy_wait SECONDS CONDITION: until the latest policy `p` satisfies
# CONDITION (Python; w(p, name) is a weight, -1 when absent).
policy_wait() {
  python3 - "$tmp/policies" "$1" "$2" <<'PY'
import json, sys, time
path, seconds, cond = sys.argv[1], float(sys.argv[2]), sys.argv[3]
w = lambda p, name: p.get("weights", {}).get(name, -1)
deadline = time.time() + seconds
while time.time() < deadline:
    lines = [l for l in open(path) if l.strip()]
    if lines:
        p = json.loads(lines[-1])
        if eval(cond):
            sys.exit(0)
    time.sleep(0.1)  # polls the policies (the signal) until the deadline
sys.exit(1)
PY
}
# weight W: W's weight in the latest policy (-1 when absent).
weight() {
  python3 -c 'import json,sys; l=[x for x in open(sys.argv[1]) if x.strip()]; print(json.loads(l[-1]).get("weights",{}).get(sys.argv[2],-1) if l else -1)' \
    "$tmp/policies" "$1"
}
now_ms() { date +%s%3N; }
# policies_until T_MS CONDITION: how many policies published after T_MS it
# took until one satisfied CONDITION; fails if none did.
policies_until() {
  python3 - "$tmp/policies" "$1" "$2" <<'PY'
import json, sys
path, t_ms, cond = sys.argv[1], int(sys.argv[2]), sys.argv[3]
after = [p for p in map(json.loads, filter(str.strip, open(path)))
         if p.get("time_ms", 0) > t_ms]
w = lambda p, name: p.get("weights", {}).get(name, -1)
for i, p in enumerate(after):
    if eval(cond):
        print(i + 1)
        sys.exit(0)
sys.exit(1)
PY
}

expect "all three workers are in the policy" policy_wait 20 \
  "min(w(p, 'lone'), w(p, 'worker-1'), w(p, 'worker-2')) >= 0"
expect "GET /fog shows the lone worker's CPU count (1)" \
  test "$(json "$(curl -sf "$http/fog")" "j['workers']['lone']['stats']['cpus']")" = 1
expect "an idle lone worker has a fair share" policy_wait 10 "w(p, 'lone') > 0.2"

# 1. Load CPU 1: the lone worker's share drops within two periods.
taskset -cp 1 $$ >/dev/null
loaded_at=$(now_ms)
taskset -c 1 bash -c 'while :; do :; done' &
busy_pid=$!
expect "a loaded worker's share drops below 0.1" policy_wait 10 "0 <= w(p, 'lone') < 0.1"
took=$(policies_until "$loaded_at" "0 <= w(p, 'lone') < 0.1")
echo "share of the loaded worker: $(weight lone) after $took policies"
expect "... within two periods (took ${took:-none})" test "${took:-99}" -le 2
expect "the others take the load" policy_wait 1 "w(p, 'worker-1') > 0.4"
kill -9 "$busy_pid"
wait "$busy_pid" 2>/dev/null
busy_pid=
taskset -cp 0 $$ >/dev/null
expect "the share comes back once the load is gone" policy_wait 10 "w(p, 'lone') > 0.2"

# 2. Stop the lone worker without a word.
kill -STOP "$worker_pid"
expect "a silent worker leaves the policy" policy_wait 10 "w(p, 'lone') < 0"
# Periods of silence: the first policy without it minus the last ping it
# answered (its "seq" in the last policy that had it).
silence=$(python3 - "$tmp/policies" <<'PY'
import json, sys
last_seq = None
for p in (json.loads(l) for l in open(sys.argv[1]) if l.strip()):
    if "lone" in p["workers"]:
        last_seq = p["workers"]["lone"]["seq"]
    elif last_seq is not None:
        print(p["round"] - last_seq)
        break
PY
)
echo "the silent worker left the policy after $silence periods of silence"
expect "... after three periods (took ${silence:-none})" test "${silence:-99}" = 3

id1=$("$fog" stream "$tmp/src.mp4" --dir "$tmp/fog" --video-id while-stopped 2>"$tmp/s1.err")
expect "streaming while the worker is stopped succeeds" test "$id1" = while-stopped
kill -CONT "$worker_pid"
expect "it comes back when it answers again" policy_wait 10 "w(p, 'lone') >= 0"
# Nothing is to arrive, so no event marks the end of the wait: a dispatch the
# broker had queued for the stopped worker would be stored and registered
# within this pause after it answers again.
sleep 2
holders=$(video_field while-stopped "sorted(w['worker'] for w in j['workers'])")
expect "the master sent the stopped worker nothing (holders: $holders)" \
  test "$holders" = "['worker-1', 'worker-2']"

# 3. Restart it: it rejoins the policy and receives packets again.
kill -TERM "$worker_pid"
wait "$worker_pid" 2>/dev/null
expect "a cleanly stopped worker leaves the policy at once" policy_wait 3 "w(p, 'lone') < 0"
start_lone_worker
expect "a restarted worker rejoins the policy" policy_wait 20 "w(p, 'lone') >= 0"
expect "with a fair share" policy_wait 10 "w(p, 'lone') > 0.2"
id2=$("$fog" stream "$tmp/src.mp4" --dir "$tmp/fog" --video-id after-restart 2>"$tmp/s2.err")
expect "streaming after the restart succeeds" test "$id2" = after-restart
has_lone() { video_field after-restart "'lone' in [w['worker'] for w in j['workers']]" | grep -q True; }
expect "the restarted worker receives packets again" wait_for 20 has_lone

if grep -q "rejected" "$tmp/fog/logs/balancer.log"; then
  fail "the balancer rejected something: $(grep rejected "$tmp/fog/logs/balancer.log" | head -3)"
else
  pass
fi
finish
