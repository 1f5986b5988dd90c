#!/usr/bin/env python3
"""Writes the MQTT payload of one legacy-sis vector case to a file:
legacy_payload.py VECTORS_JSON CASE_ID OUT"""

import base64
import json
import sys


def payload(cases, case):
    if "sis_msgpack_b64" in case:
        return base64.b64decode(case["sis_msgpack_b64"])
    base = payload(cases, cases[case["base_case"]])
    out = b""
    for s in case["sis_msgpack_segments"]:
        if "base_offset" in s:
            out += base[s["base_offset"]:s["base_offset"] + s["len"]]
        else:
            out += bytes.fromhex(s["hex"])
    return out


def main(vectors, case_id, out):
    with open(vectors) as f:
        cases = {c["id"]: c for c in json.load(f)["cases"]}
    with open(out, "wb") as f:
        f.write(payload(cases, cases[case_id]))


if __name__ == "__main__":
    main(*sys.argv[1:4])
