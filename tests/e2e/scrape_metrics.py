#!/usr/bin/env python3
"""Scrapes every metrics endpoint a fog.json lists and prints one JSON object:
{component: {"name{label=value,...}": value, ...}}.

Each body must come with the text format's Content-Type and parse with
prometheus_client's parser (the one Prometheus' Python tooling uses); any
failure is printed to stderr and exits 1.

Usage: scrape_metrics.py FOG_JSON
"""
import json
import sys
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def key(sample):
    labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
    return f"{sample.name}{{{labels}}}" if labels else sample.name


def scrape(url):
    with urllib.request.urlopen(url, timeout=10) as res:
        if res.status != 200:
            raise ValueError(f"{url}: HTTP {res.status}")
        ctype = res.headers.get("Content-Type")
        if ctype != CONTENT_TYPE:
            raise ValueError(f"{url}: Content-Type {ctype!r}")
        text = res.read().decode("utf-8")
    samples = {}
    for family in text_string_to_metric_families(text):
        if not family.name.startswith("fog_"):
            raise ValueError(f"{url}: family {family.name} outside fog_")
        for s in family.samples:
            if key(s) in samples:
                raise ValueError(f"{url}: sample {key(s)} twice")
            samples[key(s)] = s.value
    return samples


def main():
    with open(sys.argv[1]) as f:
        endpoints = json.load(f)["metrics"]
    out = {}
    for component, url in sorted(endpoints.items()):
        try:
            out[component] = scrape(url)
        except Exception as e:  # any failure is the test's failure
            print(f"scrape {component}: {e}", file=sys.stderr)
            sys.exit(1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
