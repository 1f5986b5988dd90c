#!/usr/bin/env python3
"""Writes a seed corpus for the fuzz targets: one valid-looking payload of
each format (seed VideoPacket, native envelope signed and unsigned, legacy
VideoPacketSIS from the published vectors), a fragmented MP4 from ffmpeg
(whole, its init segment and one fragment) for the ISO-BMFF parsers, and
one body of each JSON kind prefixed with json_bodies_fuzz's selector byte.
Every target gets every seed: a seed of another kind costs a little time."""

import base64
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile


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
    seeds.update(media_seeds())
    seeds.update(json_seeds())
    for name, data in seeds.items():
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(data)


def boxes(data):
    """(offset, type, size) of the top-level ISO-BMFF boxes."""
    at = 0
    while at + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[at:at + 8])
        if size == 1:
            size = struct.unpack(">Q", data[at + 8:at + 16])[0]
        if size < 8:
            return
        yield at, kind, size
        at += size


def media_seeds():
    """A 1 s fragmented MP4 (H.264 + AAC, a fragment every 0.5 s): whole,
    the init segment, and one fragment with its chunk-size byte for
    fmp4_splitter_fuzz. None when ffmpeg is missing."""
    if shutil.which("ffmpeg") is None:
        print("make_corpus: no ffmpeg, no media seeds", file=sys.stderr)
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "seed.mp4")
        subprocess.run(
            ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
             "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10",
             "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000",
             "-t", "1", "-c:v", "libx264", "-g", "5", "-c:a", "aac",
             "-b:a", "16k", "-movflags", "frag_keyframe+empty_moov", out],
            check=True)
        whole = open(out, "rb").read()
    moofs = [at for at, kind, _ in boxes(whole) if kind == b"moof"]
    init = whole[:moofs[0]]
    fragment = whole[moofs[0]:moofs[1] if len(moofs) > 1 else len(whole)]
    return {"fmp4_whole": whole, "fmp4_init": init,
            "fmp4_fragment": fragment,
            "fmp4_chunked": bytes([63]) + whole}


def json_seeds():
    """One body per decoder of json_bodies_fuzz (selector byte first)."""
    bodies = [
        (0, "acks", [{"worker": "worker-1", "dispatch_id": "s-1",
                      "video_id": "cam-1", "packet_number": 3,
                      "result": "stored", "reason": ""}]),
        (1, "get_range", {"first": 2, "last": 9}),
        (2, "status", {"state": "online"}),
        (3, "holdings", {"video_id": "cam-1", "worker": "worker-1",
                         "packets": 2, "bytes": 100, "ranges": "1-2",
                         "total_packets": 5, "publisher_key": None,
                         "authenticated": True, "timescales": {"1": 90000},
                         "track_end_ticks": {"1": 180000}}),
        (4, "policy", {"weights": {"worker-1": 0.25, "worker-2": 0.75}}),
        (5, "stats", {"seq": 3, "cpu": 12.5, "free_storage": 1 << 30,
                      "cpus": 2}),
        (6, "seed_request", {"video_id": "cam-1", "packet_number": 1,
                             "channel_uuid": "stream-1"}),
    ]
    return {f"json_{name}": bytes([selector]) + json.dumps(body).encode()
            for selector, name, body in bodies}


if __name__ == "__main__":
    main(sys.argv[1])
