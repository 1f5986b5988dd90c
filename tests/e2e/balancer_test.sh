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

# Everything fog up starts runs on CPU 0: this shell's affinity is inherited.
all_cpus=$(taskset -cp $$ | sed 's/.*: //')
taskset -cp 0 $$ >/dev/null
start_fog "$tmp/fog" --workers 2 --balancer-period-ms 1000 || exit 1
taskset -cp "$all_cpus" $$ >/dev/null

# Every policy the balancer publishes, one JSON object per line.
mosquitto_sub -V 5 -p "$mqtt_port" -u api -P "$(role_password "$tmp/fog" api)" \
  -t fog/policy -F '%p' >"$tmp/policies" 2>"$tmp/sub.err" &
sub_pid=$!

# The third worker, alone on CPU 1.
start_lone_worker() {
  MQTT_PASSWORD=$(role_password "$tmp/fog" worker) taskset -c 1 "$fog" worker \
    --mqtt "tcp://127.0.0.1:$mqtt_port" --username worker --name lone \
    --store "$tmp/lone" --trust "$tmp/fog/trust" --api "$http" \
    --api-token "$(cat "$tmp/fog/roles/api-token")" >>"$tmp/lone.log" 2>&1 &
  worker_pid=$!
}
start_lone_worker

# weight W: the policy weight of worker W in GET /fog (-1 when absent).
weight() {
  json "$(curl -sf "$http/fog")" "(j.get('policy') or {}).get('weights', {}).get('$1', -1)"
}
cmp_weight() { python3 -c "import sys; w=float('$(weight "$1")'); sys.exit(0 if $2 else 1)"; }
in_policy() { cmp_weight "$1" "w >= 0"; }
not_in_policy() { cmp_weight "$1" "w < 0"; }
share_below() { cmp_weight "$1" "0 <= w < $2"; }
share_above() { cmp_weight "$1" "w > $2"; }
now_ms() { date +%s%3N; }
# policies_until T_MS CONDITION: how many policies published after T_MS it
# took until one satisfied CONDITION (Python, over the policy `p`, with
# w(p, name) its weight or -1); fails if none did.
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

expect "the lone worker joins the policy" wait_for 20 in_policy lone
expect "all three workers are in the policy" \
  wait_for 10 eval 'in_policy worker-1 && in_policy worker-2 && in_policy lone'
expect "GET /fog shows the lone worker's CPU count (1)" \
  test "$(json "$(curl -sf "$http/fog")" "j['workers']['lone']['stats']['cpus']")" = 1
expect "an idle lone worker has a fair share" wait_for 10 share_above lone 0.2
before=$(weight lone)

# 1. Load CPU 1: the lone worker's share drops within two periods.
loaded_at=$(now_ms)
taskset -c 1 bash -c 'while :; do :; done' &
busy_pid=$!
expect "a loaded worker's share drops" wait_for 30 share_below lone "$before / 2"
took=$(policies_until "$loaded_at" "0 <= w(p, 'lone') < $before / 2")
echo "share of the loaded worker: $before -> $(weight lone) after $took policies"
expect "... within two periods (took ${took:-none})" test "${took:-99}" -le 2
expect "the others take the load" share_above worker-1 0.4
kill -9 "$busy_pid"
wait "$busy_pid" 2>/dev/null
busy_pid=
expect "the share comes back once the load is gone" wait_for 10 share_above lone 0.2

# 2. Stop the lone worker without a word.
kill -STOP "$worker_pid"
expect "a silent worker leaves the policy" wait_for 30 not_in_policy lone
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

make_video "$tmp/src.mp4" 20
id1=$("$fog" stream "$tmp/src.mp4" --dir "$tmp/fog" --video-id while-stopped 2>"$tmp/s1.err")
expect "streaming while the worker is stopped succeeds" test "$id1" = while-stopped
kill -CONT "$worker_pid"
expect "it comes back when it answers again" wait_for 10 in_policy lone
sleep 2  # anything queued for it would be stored and registered by now
holders=$(video_field while-stopped "sorted(w['worker'] for w in j['workers'])")
expect "the master sent the stopped worker nothing (holders: $holders)" \
  test "$holders" = "['worker-1', 'worker-2']"

# 3. Restart it: it rejoins the policy and receives packets again.
kill -TERM "$worker_pid"
wait "$worker_pid" 2>/dev/null
expect "a cleanly stopped worker leaves the policy at once" wait_for 10 not_in_policy lone
start_lone_worker
expect "a restarted worker rejoins the policy" wait_for 20 in_policy lone
expect "with a fair share" wait_for 10 share_above lone 0.2
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
