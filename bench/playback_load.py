#!/usr/bin/env python3
"""Concurrent HLS viewers against a fog's API, for bench/playback_load.sh and
tests/e2e/playback_load_test.sh.

Each of --requests requests runs on its own thread (all started at once,
--concurrency at a time): playlists and segments of --video (packets
2..--packets) and of --live, and a share of made-up ids and made-up segment
numbers. Prints one JSON object: counts by kind and HTTP status, transport
errors, and request latency percentiles in ms."""
import argparse
import json
import random
import threading
import time
import urllib.error
import urllib.request


def get(url, timeout):
    t0 = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            r.read()
            code = r.status
    except urllib.error.HTTPError as e:
        e.read()
        code = e.code
    except Exception as e:  # refused, reset, timed out: no HTTP status
        code = "error:" + type(e).__name__
    return code, (time.monotonic() - t0) * 1000.0


def plan(args, rng):
    reqs = []
    for i in range(args.requests):
        r = rng.random()
        if r < args.made_up_share:
            made = "made-up-%d-%d" % (i, rng.randrange(1 << 30))
            path = rng.choice(["index.m3u8", "init.mp4", "%d.m4s" % rng.randrange(2, 500)])
            reqs.append(("made_up", "/videos/%s/%s" % (made, path)))
        elif args.live and r < args.made_up_share + 0.15:
            reqs.append(("live", "/videos/%s/index.m3u8" % args.live))
        elif r < args.made_up_share + 0.25:
            reqs.append(("playlist", "/videos/%s/index.m3u8" % args.video))
        else:
            n = rng.randrange(2, args.packets + 1)
            reqs.append(("segment", "/videos/%s/%d.m4s" % (args.video, n)))
    return reqs


def pct(xs, q):
    if not xs:
        return 0.0
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(q * len(xs)))], 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--api", required=True)
    ap.add_argument("--video", required=True)
    ap.add_argument("--packets", type=int, required=True)
    ap.add_argument("--live", default="")
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=200)
    ap.add_argument("--made-up-share", type=float, default=0.25)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    reqs = plan(args, rng)
    results = [None] * len(reqs)
    gate = threading.Semaphore(args.concurrency)

    def run(i):
        with gate:
            kind, path = reqs[i]
            results[i] = (kind,) + get(args.api + path, args.timeout)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(reqs))]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out = {"requests": len(reqs), "seconds": round(time.monotonic() - t0, 2),
           "by_kind": {}, "latency_ms": {}}
    lat = []
    for kind, code, ms in results:
        k = out["by_kind"].setdefault(kind, {})
        k[str(code)] = k.get(str(code), 0) + 1
        lat.append(ms)
    out["latency_ms"] = {"p50": pct(lat, 0.5), "p99": pct(lat, 0.99),
                         "max": round(max(lat), 1) if lat else 0.0}
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
