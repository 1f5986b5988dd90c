"""The outputs of one `fog experiment run` for the experiment tests' inline
checks. The run's DIR is the script's first argument:

    PYTHONPATH=tests/e2e python3 - DIR <<'PY'
    from experiment_outputs import *
    check("packets published", s["packets_published"] > 0)
    done()
    PY

`events` and `samples` are the CSV rows (empty when the file is missing),
`s` summary.json and `r` resolved.json (None when missing), `columns` each
CSV's header; `check` records a failed check by its description and `done`
prints them and exits 1 when there are any."""
import csv
import json
import os
import sys

__all__ = ["out", "bad", "check", "done", "events", "samples", "columns", "s", "r"]

out = sys.argv[1]
bad = []
columns = {}


def check(what, ok):
    if not ok:
        bad.append(what)


def done():
    print("\n".join(bad))
    sys.exit(1 if bad else 0)


def _rows(name):
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return []
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        columns[name] = reader.fieldnames
        return list(reader)


def _json(name):
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


events = _rows("events.csv")
samples = _rows("samples.csv")
s = _json("summary.json")
r = _json("resolved.json")
