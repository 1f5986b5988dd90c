#!/usr/bin/env python3
"""Writes a seed corpus for the fuzz targets: one valid-looking payload of
each format (seed VideoPacket, native envelope signed and unsigned, legacy
VideoPacketSIS from the published vectors)."""

import base64
import json
import os
import struct
import sys


def pack(obj):
    """Minimal msgpack encoder: dict (str keys), str, bytes, int."""
    if isinstance(obj, dict):
        out = bytes([0x80 | len(obj)])
        for k, v in obj.items():
            out += pack(k) + pack(v)
        return out
    if isinstance(obj, str):
        b = obj.encode()
        return (bytes([0xA0 | len(b)]) if len(b) < 32 else bytes([0xD9, len(b)])) + b
    if isinstance(obj, bytes):
        if len(obj) < 256:
            return bytes([0xC4, len(obj)]) + obj
        if len(obj) < 65536:
            return b"\xc5" + struct.pack(">H", len(obj)) + obj
        return b"\xc6" + struct.pack(">I", len(obj)) + obj
    if isinstance(obj, int):
        if 0 <= obj < 128:
            return bytes([obj])
        return b"\xd3" + struct.pack(">q", obj)
    raise TypeError(obj)


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    seed = {"video_id": "cam-1", "packet_number": 1, "total_packets": 0,
            "data": b"\x00\x00\x00\x18ftypiso6"}
    seeds = {
        "video_packet": pack(seed),
        "native_unsigned": pack({**seed, "v": 1}),
        "native_signed": pack({**seed, "v": 1, "d": bytes(72), "p": bytes(72),
                               "k": bytes(16), "s": bytes(2420)}),
        "native_segment": pack({**seed, "packet_number": 9, "v": 1,
                                "d": bytes(72), "p": bytes(72), "f": 5,
                                "k": bytes(16), "s": bytes(2420)}),
    }
    vectors = os.path.join(os.path.dirname(__file__), "..", "..", "shared",
                           "vectors", "legacy-sis", "vectors.json")
    with open(vectors) as f:
        for case in json.load(f)["cases"]:
            if case["id"] in ("pos-data-0", "pos-data-100"):
                seeds["legacy_" + case["id"]] = base64.b64decode(
                    case["sis_msgpack_b64"])
    for name, data in seeds.items():
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main(sys.argv[1])
