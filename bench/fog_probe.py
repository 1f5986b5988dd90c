#!/usr/bin/env python3
"""Small probes of a running fog, for bench/playback_load.sh and the e2e
tests. Each prints JSON.

  fog_probe.py pids UP_PID          the api's and workers' pids under `fog up`
  fog_probe.py rss PID...           peak (VmHWM) and current (VmRSS) MiB
  fog_probe.py hist URL NAME        a histogram's cumulative buckets
  fog_probe.py quantiles A B        p50/p99 (ms) of the observations between
                                    two `hist` outputs (linear within a
                                    bucket)
  fog_probe.py counter URL NAME [LABEL=VALUE]  a counter's sum over series
"""
import json
import os
import re
import sys
import urllib.request


def pids(up_pid):
    out = {"api": [], "worker": []}
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % p) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open("/proc/%s/cmdline" % p, "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if ppid != up_pid or len(argv) < 2:
            continue
        role = argv[1].decode()
        if role in out:
            out[role].append(int(p))
    return out


def rss(pid):
    got = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmHWM", "VmRSS"):
                got[k] = round(int(v.split()[0]) / 1024.0, 1)
    return {"peak_mib": got.get("VmHWM", 0.0), "rss_mib": got.get("VmRSS", 0.0)}


def scrape(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read().decode()


def hist(url, name):
    buckets = {}
    for line in scrape(url).splitlines():
        m = re.match(r'%s_bucket\{.*le="([^"]+)".*\} (\S+)' % re.escape(name), line)
        if m:
            le = float("inf") if m.group(1) == "+Inf" else float(m.group(1))
            buckets[le] = buckets.get(le, 0.0) + float(m.group(2))
    return sorted(buckets.items())


def quantile(buckets, q):
    total = buckets[-1][1] if buckets else 0
    if total <= 0:
        return None
    want = q * total
    prev_le, prev_n = 0.0, 0.0
    for le, n in buckets:
        if n >= want:
            if le == float("inf"):
                return prev_le * 1000.0
            frac = (want - prev_n) / (n - prev_n) if n > prev_n else 1.0
            return round((prev_le + frac * (le - prev_le)) * 1000.0, 3)
        prev_le, prev_n = le, n
    return None


def counter(url, name, label):
    total = 0.0
    for line in scrape(url).splitlines():
        if not line.startswith(name) or line.startswith("#"):
            continue
        series, _, value = line.rpartition(" ")
        if series.split("{")[0] != name:
            continue
        if label and ('%s="%s"' % tuple(label.split("=", 1))) not in series:
            continue
        total += float(value)
    return total


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "pids":
        print(json.dumps(pids(int(args[0]))))
    elif cmd == "rss":
        print(json.dumps({p: rss(int(p)) for p in args}))
    elif cmd == "hist":
        print(json.dumps([[("+Inf" if le == float("inf") else le), n]
                          for le, n in hist(args[0], args[1])]))
    elif cmd == "quantiles":
        a = {str(le): n for le, n in json.load(open(args[0]))}
        b = json.load(open(args[1]))
        delta = [(float("inf") if le == "+Inf" else le, n - a.get(str(le), 0.0))
                 for le, n in b]
        print(json.dumps({"count": delta[-1][1] if delta else 0,
                          "p50_ms": quantile(delta, 0.5),
                          "p99_ms": quantile(delta, 0.99)}))
    elif cmd == "counter":
        print(json.dumps(counter(args[0], args[1], args[2] if len(args) > 2 else "")))
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
