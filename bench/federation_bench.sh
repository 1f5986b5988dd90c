#!/usr/bin/env bash
# Fetching through a peer against fetching locally, in the same run
# (docs/performance.md, "Federation: fetching through a peer"). Starts two
# real fogs on free ports, A and B (`fog up --peer` A's broker; B trusts
# A's key and authority as docs/federation.md says), streams two videos into
# A only:
#   small: SECONDS s at 4 Mbit/s, a keyframe every 0.2 s (~100 KB packets)
#   large: SECONDS s at 8 Mbit/s, a keyframe every 2 s   (~2 MB packets)
# then, ROUNDS times, alternating which goes first, `fog get` of the same
# video at A (its own workers) and at B (B's federation asks A's, verifies
# every packet, relays them). Each `fog get` reports the time from its
# request to the first packet and to the last (first_packet_ms,
# elapsed_ms); MB/s and packets/s are over elapsed_ms. When the federation
# has a packet cache (`fog federation --help` lists --cache-mb), B fetches
# each round's video twice: cold, then warm from its cache; each round then
# uses its own copy of the video (streamed under its own id), so every
# cold fetch is cold. Without a cache every fetch at B goes to A.
# Prints a table per round, the medians and the peer / local ratios.
# Usage: bench/federation_bench.sh FOG [ROUNDS]   (ROUNDS: 5). Env: SECONDS_OF_VIDEO (10).
# Exit 3 when a fetch at B got no packet at all (counted as "missed").
set -uo pipefail
fog=$(realpath "${1:?usage: federation_bench.sh FOG [ROUNDS]}")
rounds=${2:-5}
length=${SECONDS_OF_VIDEO:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
[[ -x $fog ]] || { echo "missing $fog: build it first"; exit 2; }
((rounds >= 1)) || { echo "ROUNDS must be at least 1"; exit 2; }
suite=federation_bench
source "$root/tests/e2e/lib.sh"
source "$root/tests/e2e/federation_lib.sh"
# in_catalog_b ID: B's federation knows A holds ID (from A's catalog).
in_catalog_b() {
  curl -sf "$http_b/videos?scope=federation" | grep -q "\"$1\""
}
# encode FILE MBITS GOP_FRAMES: a constant-rate H.264 + AAC test video.
encode() {
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=640x360:rate=25 \
    -f lavfi -i sine=frequency=440:sample_rate=48000 -t "$length" -c:v libx264 \
    -preset ultrafast -b:v "$2M" -minrate "$2M" -maxrate "$2M" -bufsize "$2M" \
    -x264-params nal-hrd=cbr -g "$3" -keyint_min "$3" -sc_threshold 0 \
    -c:a aac -b:a 96k "$1" </dev/null
}

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs," \
  "$(free -g | awk '/Mem:/ {print $2}') GiB; $(date -u '+%F %H:%M UTC')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

cache=0
"$fog" federation --help 2>&1 | grep -q -- --cache-mb && cache=1
echo "federation packet cache: $([[ $cache = 1 ]] && echo "yes (B fetches cold, then warm)" || echo "none (every fetch at B goes to A)")"

up a
trusts b a
up b --peer "$(peer_uri a)"
wait_for 30 linked b a || { echo "b did not link to a"; exit 1; }
wait_for 30 linked a b || { echo "a did not see b"; exit 1; }

kinds=(small large)
declare -A mbits=([small]=4 [large]=8) gop=([small]=5 [large]=50)
for k in "${kinds[@]}"; do
  encode "$tmp/$k.mp4" "${mbits[$k]}" "${gop[$k]}" || { echo "ffmpeg failed"; exit 1; }
done
# vid KIND ROUND: the video id that round fetches.
vid() { if [[ $cache = 1 ]]; then echo "fb-$1-$2"; else echo "fb-$1"; fi; }
copies=1
[[ $cache = 1 ]] && copies=$rounds
http=$http_a
for k in "${kinds[@]}"; do
  for r in $(seq "$copies"); do
    id=$(vid "$k" "$r")
    got=$("$fog" stream "$tmp/$k.mp4" --dir "$tmp/a" --video-id "$id" 2>"$tmp/stream.err")
    [[ $got == "$id" ]] || { echo "fog stream $id failed:"; tail -5 "$tmp/stream.err"; exit 1; }
    wait_for 60 video_complete "$id" || { echo "$id did not complete at a"; exit 1; }
    wait_for 30 in_catalog_b "$id" || { echo "b never learnt that a holds $id"; exit 1; }
  done
done

results=$tmp/results.tsv
: >"$results"
: >"$tmp/misses.tsv"
# fetch KIND ROUND WHAT DIR: one `fog get`, every packet valid, its numbers
# appended to $results and printed as a table row.
fetch() {
  local kind=$1 round=$2 what=$3 dir=$4 id
  id=$(vid "$kind" "$round")
  local t0 t1 out
  t0=$(date +%s%N)
  "$fog" get "$id" -o "$tmp/out.mp4" --dir "$dir" --timeout 60 >"$tmp/get.json" 2>"$tmp/get.err"
  local rc=$?
  t1=$(date +%s%N)
  # Nothing at all at B: `fog get` stops 2 s after B's own workers said
  # they hold nothing, and B's federation relays a page only once it has
  # all of it from A, verified. Counted, and the rounds go on.
  if [[ $rc != 0 && $what == peer-* ]] &&
    [[ $(json "$(cat "$tmp/get.json")" "j['packets']") == 0 ]]; then
    printf '  %-10s no packet before fog get gave up (%.0f ms)\n' "$what" \
      "$(json "$(cat "$tmp/get.json")" "j['elapsed_ms']")"
    printf '%s\t%s\t%s\n' "$kind" "$round" "$what" >>"$tmp/misses.tsv"
    return 1
  fi
  if [[ $rc != 0 ]]; then
    echo "fog get $id at $(basename "$dir") ($what) failed ($rc):"
    tail -c 600 "$tmp/get.json"
    tail -5 "$tmp/get.err"
    exit 1
  fi
  out=$(python3 - "$(cat "$tmp/get.json")" "$kind" "$round" "$what" $(((t1 - t0) / 1000000)) <<'EOF'
import json, sys
j = json.loads(sys.argv[1])
kind, rnd, what, wall = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
assert j["valid"] == j["packets"] > 0 and j["first_packet_ms"] is not None, j
s = j["elapsed_ms"] / 1000
row = [kind, rnd, what, j["first_packet_ms"], j["elapsed_ms"],
       j["bytes"] / 1e6 / s, j["packets"] / s, wall, j["packets"], j["bytes"]]
print("\t".join(str(x) for x in row))
EOF
  ) || { echo "fog get $id at $(basename "$dir"): not every packet valid"; exit 1; }
  echo "$out" >>"$results"
  echo "$out" | awk -F'\t' '{printf "  %-10s %14.1f %11.1f %8.1f %10.0f %8d\n", $3, $4, $5, $6, $7, $8}'
}

verified_before=0
for r in $(seq "$rounds"); do
  for k in "${kinds[@]}"; do
    id=$(vid "$k" "$r")
    echo "round $r, $k: $id"
    printf '  %-10s %14s %11s %8s %10s %8s\n' fetch "first pkt ms" "elapsed ms" "MB/s" "packets/s" "wall ms"
    verified_before=$(metric "$tmp/b" federation fog_federation_packets_verified_total)
    peer() {
      fetch "$k" "$r" peer-cold "$tmp/b" || return 0
      # A cold fetch at B went through A: B verified what A sent.
      metric_at_least "$tmp/b" federation $((verified_before + 1)) \
        fog_federation_packets_verified_total ||
        { echo "b's fetch of $id did not go through its federation"; exit 1; }
      [[ $cache = 1 ]] && fetch "$k" "$r" peer-warm "$tmp/b"
      return 0
    }
    if ((r % 2)); then
      fetch "$k" "$r" local "$tmp/a"
      peer
    else
      peer
      fetch "$k" "$r" local "$tmp/a"
    fi
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$results" "$tmp/misses.tsv" "$rounds" <<'EOF'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
misses = [l.rstrip("\n").split("\t") for l in open(sys.argv[2]) if l.strip()]
rounds = int(sys.argv[3])
by = {}
for kind, rnd, what, first, elapsed, mbs, pps, wall, packets, nbytes in rows:
    by.setdefault((kind, what), []).append(
        (float(first), float(elapsed), float(mbs), float(pps), int(packets), int(nbytes)))
med = {k: [statistics.median(x[i] for x in v) for i in range(4)] for k, v in by.items()}
for kind in ("small", "large"):
    some = by[(kind, "local")][0]
    print(f"{kind}: {some[4]} packets, {some[5] / 1e6:.1f} MB of video "
          f"({some[5] / some[4] / 1e3:.0f} kB a packet)")
    for what in ("peer-cold", "peer-warm"):
        missed = sum(1 for m in misses if m[0] == kind and m[2] == what)
        if missed:
            print(f"missed {kind} {what}: {missed} of {rounds} fetches got no packet")
    for what in ("local", "peer-cold", "peer-warm"):
        if (kind, what) not in med:
            continue
        f, e, m, p = med[(kind, what)]
        print(f"median {kind} {what}: first packet {f:.1f} ms, elapsed {e:.1f} ms, "
              f"{m:.1f} MB/s, {p:.0f} packets/s")
    lf, le, lm, lp = med[(kind, "local")]
    for what in ("peer-cold", "peer-warm"):
        if (kind, what) not in med:
            continue
        f, e, m, p = med[(kind, what)]
        print(f"ratio {kind} {what}/local: first packet {f / lf:.2f}, "
              f"elapsed {e / le:.2f}, MB/s {m / lm:.2f}, packets/s {p / lp:.2f}")
EOF
# A fetch at B that got nothing is a failure of the path measured.
[[ ! -s $tmp/misses.tsv ]] || exit 3
