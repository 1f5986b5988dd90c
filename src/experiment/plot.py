#!/usr/bin/env python3
"""Draws an experiment's plots and report.html from its outputs.

Usage: plot.py DIR. Reads DIR/events.csv, samples.csv, summary.json and
resolved.json (docs/experiments.md); writes throughput.png, latency_cdf.png,
workers.png, verdicts.png and report.html in DIR. Faults are marked on every
time axis.
"""
import csv
import html
import json
import os
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def mark_faults(ax, faults):
    for f in faults:
        t = float(f["at_ms"]) / 1000
        ax.axvline(t, color="red", linestyle="--", linewidth=1)
        ax.annotate(f"{f['verdict']} {f['worker']}", (t, 1), xycoords=("data", "axes fraction"),
                    rotation=90, va="top", ha="right", fontsize=7, color="red")


def per_second(times_ms):
    counts = defaultdict(int)
    for t in times_ms:
        counts[int(t // 1000)] += 1
    if not counts:
        return [], []
    xs = list(range(0, max(counts) + 1))
    return xs, [counts[x] for x in xs]


def main(out):
    events = read_csv(os.path.join(out, "events.csv"))
    samples = read_csv(os.path.join(out, "samples.csv"))
    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f)
    with open(os.path.join(out, "resolved.json")) as f:
        resolved = json.load(f)
    packets = [e for e in events if e["kind"] == "packet"]
    copies = [e for e in events if e["kind"] == "copy"]
    faults = [e for e in events if e["kind"] == "fault"]
    name = resolved["experiment"]["name"]
    drawn = []

    # Throughput: packets published and packets reaching R copies, per second.
    fig, ax = plt.subplots(figsize=(8, 3.5))
    xs, ys = per_second([float(p["published_ms"]) for p in packets if p["published_ms"]])
    ax.step(xs, ys, where="post", label="published")
    xs, ys = per_second([float(p["complete_ms"]) for p in packets if p["complete_ms"]])
    ax.step(xs, ys, where="post", label="stored R times")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("packets per second")
    ax.set_title(f"{name}: throughput")
    mark_faults(ax, faults)
    ax.legend(loc="lower right")
    drawn.append(("throughput.png", "Throughput over time"))
    fig.tight_layout()
    fig.savefig(os.path.join(out, drawn[-1][0]), dpi=100)
    plt.close(fig)

    # Latency CDF: publish -> R-th copy stored.
    fig, ax = plt.subplots(figsize=(8, 3.5))
    lat = sorted(float(p["latency_ms"]) for p in packets if p["latency_ms"])
    if lat:
        ax.step(lat, [(i + 1) / len(lat) for i in range(len(lat))], where="post")
    ax.set_xlabel("publish -> stored R times (ms)")
    ax.set_ylabel("fraction of packets")
    ax.set_title(f"{name}: latency CDF (p99 {summary['latency_ms']['p99']} ms)")
    ax.grid(True, alpha=0.3)
    drawn.append(("latency_cdf.png", "Latency CDF"))
    fig.tight_layout()
    fig.savefig(os.path.join(out, drawn[-1][0]), dpi=100)
    plt.close(fig)

    # Per-worker load (dispatches per second, CPU) and policy weights.
    fig, axes = plt.subplots(3, 1, figsize=(8, 8), sharex=True)
    series = defaultdict(lambda: ([], []))
    for s in samples:
        if s["metric"] in ("dispatched_per_s", "policy_weight") or (
                s["metric"] == "cpu_pct"
                and s["label"].split("/")[-1].startswith("worker")):
            xs, ys = series[(s["metric"], s["label"])]
            xs.append(float(s["t_s"]))
            ys.append(float(s["value"]))
    for ax, metric, label in zip(axes, ("dispatched_per_s", "cpu_pct", "policy_weight"),
                                 ("copies dispatched / s", "worker CPU (%)",
                                  "policy weight")):
        for (m, worker), (xs, ys) in sorted(series.items()):
            if m == metric:
                ax.plot(xs, ys, label=worker)
        ax.set_ylabel(label)
        mark_faults(ax, faults)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="upper right", fontsize=7)
    axes[0].set_title(f"{name}: per-worker load and policy weights")
    axes[-1].set_xlabel("time (s)")
    drawn.append(("workers.png", "Per-worker load and policy weights"))
    fig.tight_layout()
    fig.savefig(os.path.join(out, drawn[-1][0]), dpi=100)
    plt.close(fig)

    # Several fogs: each link between two fogs, up (1) or not (0).
    links = defaultdict(lambda: ([], []))
    for s in samples:
        if s["metric"] == "link_up":
            xs, ys = links[s["label"]]
            xs.append(float(s["t_s"]))
            ys.append(float(s["value"]))
    if links:
        fig, ax = plt.subplots(figsize=(8, 3))
        for link, (xs, ys) in sorted(links.items()):
            ax.step(xs, ys, where="post", label=link)
        ax.set_ylim(-0.1, 1.1)
        ax.set_yticks([0, 1])
        ax.set_ylabel("link up")
        ax.set_xlabel("time (s)")
        ax.set_title(f"{name}: links between fogs")
        mark_faults(ax, faults)
        ax.legend(loc="lower right", fontsize=7)
        drawn.append(("links.png", "Links between fogs"))
        fig.tight_layout()
        fig.savefig(os.path.join(out, drawn[-1][0]), dpi=100)
        plt.close(fig)

    # Workers' verdicts per second.
    fig, ax = plt.subplots(figsize=(8, 3.5))
    by_verdict = defaultdict(list)
    for c in copies:
        by_verdict[c["verdict"]].append(float(c["stored_ms"]))
    for verdict, times in sorted(by_verdict.items()):
        xs, ys = per_second(times)
        ax.step(xs, ys, where="post", label=verdict)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("acks per second")
    ax.set_title(f"{name}: workers' verdicts")
    mark_faults(ax, faults)
    if by_verdict:
        ax.legend(loc="lower right")
    drawn.append(("verdicts.png", "Verdicts over time"))
    fig.tight_layout()
    fig.savefig(os.path.join(out, drawn[-1][0]), dpi=100)
    plt.close(fig)

    rows = "".join(
        f"<tr><td>{html.escape(a['name'])}</td><td>{a['value']}</td>"
        f"<td>{'held' if a['held'] else '<b>violated</b>'}</td></tr>"
        for a in summary.get("assertions", []))
    images = "".join(f"<h2>{html.escape(t)}</h2><img src='{f}' alt='{html.escape(t)}'>"
                     for f, t in drawn)
    machine = resolved["machine"]
    with open(os.path.join(out, "report.html"), "w") as f:
        f.write(f"""<!doctype html><html><head><meta charset="utf-8">
<title>experiment {html.escape(name)}</title></head><body>
<h1>experiment {html.escape(name)}</h1>
<p>commit {html.escape(machine['commit'])}, {html.escape(machine['cpu'])},
{machine['cores']} cores, {html.escape(machine['kernel'])};
network: {html.escape(resolved['emulation']['network'])}</p>
<h2>Assertions</h2><table border="1"><tr><th>assertion</th><th>value</th><th></th></tr>
{rows}</table>
<h2>Summary</h2><pre>{html.escape(json.dumps(summary, indent=2))}</pre>
{images}
</body></html>
""")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: plot.py DIR")
    main(sys.argv[1])
