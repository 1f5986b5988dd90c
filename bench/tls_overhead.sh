#!/usr/bin/env bash
# The data path with TLS against without, in one run: `fog bench datapath`
# on a fog it starts plaintext and on one it starts with --tls, alternated
# ROUNDS times (default 2) so that drift in the machine's load hits both.
# Prints each run's MB/s (raw broker path and the whole fog path, 64 KiB and
# 1 MiB packets), the medians, and TLS/plain ratios, as JSON.
# Usage: bench/tls_overhead.sh FOG_BINARY [ROUNDS] [more fog bench datapath flags]
set -euo pipefail
fog=$1
rounds=${2:-2}
shift $(($# >= 2 ? 2 : 1))
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for r in $(seq "$rounds"); do
  for mode in plain tls; do
    flags=()
    [[ $mode == tls ]] && flags=(--tls)
    # --dir names no running fog: the benchmark starts its own.
    "$fog" bench datapath --dir "$tmp/none" "${flags[@]}" "$@" >"$tmp/$mode-$r.json"
  done
done
python3 - "$tmp" "$rounds" <<'PY'
import json, statistics, sys, glob, os
tmp, rounds = sys.argv[1], int(sys.argv[2])
runs = {m: [json.load(open(os.path.join(tmp, f"{m}-{r}.json"))) for r in range(1, rounds + 1)]
        for m in ("plain", "tls")}
out = {"benchmark": "tls_overhead", "rounds": rounds,
       "machine": runs["plain"][0].get("machine"), "mb_per_s": {}, "ratio_tls_to_plain": {}}
for path in ("raw", "fog"):
    for size in ("64KiB", "1MiB"):
        key = f"{path}_{size}"
        vals = {m: [r.get(path, {}).get(size, {}).get("mb_per_s", 0.0) for r in runs[m]]
                for m in runs}
        med = {m: statistics.median(v) for m, v in vals.items()}
        out["mb_per_s"][key] = {"plain": vals["plain"], "tls": vals["tls"],
                                "plain_median": med["plain"], "tls_median": med["tls"]}
        out["ratio_tls_to_plain"][key] = round(med["tls"] / med["plain"], 3) if med["plain"] else None
out["incomplete"] = any(r.get("incomplete", True) for m in runs for r in runs[m])
out["errors"] = [r["error"] for m in runs for r in runs[m] if "error" in r]
print(json.dumps(out, indent=2))
PY
