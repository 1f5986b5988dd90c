#!/usr/bin/env python3
"""A minimal MQTT v5 client that reports the broker's verdicts.

The end-to-end tests use it where mosquitto_pub and mosquitto_sub say too
little: the broker's reason code on a SUBACK or a PUBACK, a DISCONNECT the
broker sends, and the moment a subscription is in place (the SUBACK), so
that nothing is published before a subscriber can receive it.

It speaks the protocol over a plain socket (standard library only) so the
reason codes printed are the bytes the broker sent, not a library's reading
of them.

  mqtt_probe.py --port P --user U --password PW pub TOPIC (--file F | --message M)
      Publishes with QoS 1 (--qos 0|1) and prints the broker's answer:
      "puback 0x00 Success", "puback 0x87 Not authorized", or
      "disconnect 0x87 Not authorized".

  mqtt_probe.py --port P --user U --password PW sub TOPIC [TOPIC...]
      [--count N] [--timeout S] [--out FILE] [--publish TOPIC MESSAGE]
      Subscribes (QoS 0, --qos 1), prints "suback 0x00 ..." (one code per
      topic) and flushes it: that line is the readiness signal. Then, with
      --publish, publishes MESSAGE on TOPIC (QoS 1) from the same connection,
      and writes every message received to FILE (default stdout), each
      payload followed by a newline, flushed, until N messages (then exits
      0), the timeout (exits 3) or a signal. With --report, also prints
      "publish N BYTES" on stdout for the N-th message received.

Every packet the broker sends back is printed as one line on stdout:
"connack CODE NAME", "suback CODE...", "puback CODE NAME",
"disconnect CODE NAME".

Exit status: 0 the broker accepted everything; 1 it refused something (a
reason code >= 0x80 in CONNACK, SUBACK or PUBACK, or a DISCONNECT); 2 usage
or connection error; 3 timeout.
"""

import argparse
import select
import socket
import struct
import sys
import time

CONNECT, CONNACK, PUBLISH, PUBACK = 1, 2, 3, 4
SUBSCRIBE, SUBACK, PINGREQ, PINGRESP, DISCONNECT = 8, 9, 12, 13, 14

REASONS = {
    0x00: "Success", 0x01: "Granted QoS 1", 0x02: "Granted QoS 2",
    0x10: "No matching subscribers", 0x80: "Unspecified error",
    0x81: "Malformed packet", 0x82: "Protocol error",
    0x83: "Implementation specific error", 0x84: "Unsupported protocol version",
    0x85: "Client identifier not valid", 0x86: "Bad user name or password",
    0x87: "Not authorized", 0x88: "Server unavailable", 0x89: "Server busy",
    0x8E: "Session taken over", 0x8F: "Topic filter invalid",
    0x90: "Topic name invalid", 0x95: "Packet too large",
    0x97: "Quota exceeded", 0x99: "Payload format invalid",
    0x9E: "Shared subscriptions not supported",
}

KEEPALIVE = 60


class Refused(Exception):
    """The broker said no (the line describing it is already printed)."""


def say(line):
    print(line, flush=True)


def verdict(kind, code):
    return f"{kind} 0x{code:02x} {REASONS.get(code, 'unknown')}"


def varint(n):
    out = bytearray()
    while True:
        byte, n = n % 128, n // 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def utf8(s):
    b = s.encode() if isinstance(s, str) else s
    return struct.pack("!H", len(b)) + b


def packet(first_byte, body):
    return bytes([first_byte]) + varint(len(body)) + body


class Connection:
    def __init__(self, host, port, user, password, client_id, timeout):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buf = b""
        self.pending = []  # (flags, body) of PUBLISH packets not yet handled
        self.next_id = 1
        self.last_sent = time.monotonic()
        flags = 0x02  # clean start
        if user is not None:
            flags |= 0x80
        if password is not None:
            flags |= 0x40
        body = utf8("MQTT") + bytes([5, flags]) + struct.pack("!H", KEEPALIVE)
        body += varint(0)  # no properties
        body += utf8(client_id)
        if user is not None:
            body += utf8(user)
        if password is not None:
            body += utf8(password)
        self.send(packet(CONNECT << 4, body))
        kind, _, data = self.read(timeout)
        if kind != CONNACK or len(data) < 2:
            raise ConnectionError(f"expected CONNACK, got packet type {kind}")
        say(verdict("connack", data[1]))
        if data[1] >= 0x80:
            raise Refused()

    def send(self, data):
        self.sock.sendall(data)
        self.last_sent = time.monotonic()

    def packet_id(self):
        pid = self.next_id
        self.next_id = self.next_id % 65535 + 1
        return pid

    def _fill(self, deadline):
        while True:
            wait = KEEPALIVE / 2 - (time.monotonic() - self.last_sent)
            if deadline is not None:
                wait = min(wait, deadline - time.monotonic())
            if wait <= 0:
                if deadline is not None and time.monotonic() >= deadline:
                    raise TimeoutError()
                self.send(packet(PINGREQ << 4, b""))
                continue
            ready, _, _ = select.select([self.sock], [], [], wait)
            if ready:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise ConnectionError("the broker closed the connection")
                self.buf += chunk
                return

    def read(self, timeout=None):
        """Returns (type, flags, body) of the next packet but PINGRESP."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            parsed = self._parse()
            if parsed is None:
                self._fill(deadline)
                continue
            kind, flags, body = parsed
            if kind == PINGRESP:
                continue
            if kind == DISCONNECT:
                code = body[0] if body else 0
                say(verdict("disconnect", code))
                raise Refused()
            return kind, flags, body

    def _parse(self):
        if len(self.buf) < 2:
            return None
        length, mult, i = 0, 1, 1
        while True:
            if i >= len(self.buf):
                return None
            byte = self.buf[i]
            length += (byte & 0x7F) * mult
            mult *= 128
            i += 1
            if not byte & 0x80:
                break
        if len(self.buf) < i + length:
            return None
        first, body = self.buf[0], self.buf[i:i + length]
        self.buf = self.buf[i + length:]
        return first >> 4, first & 0x0F, body

    def subscribe(self, topics, qos, timeout):
        pid = self.packet_id()
        body = struct.pack("!H", pid) + varint(0)
        for t in topics:
            body += utf8(t) + bytes([qos])
        self.send(packet((SUBSCRIBE << 4) | 0x02, body))
        while True:
            kind, flags, data = self.read(timeout)
            if kind == SUBACK and struct.unpack("!H", data[:2])[0] == pid:
                break
            self.keep(kind, flags, data)
        props_len, n = read_varint(data, 2)
        codes = data[2 + n + props_len:]
        say("suback " + " ".join(f"0x{c:02x}" for c in codes))
        if any(c >= 0x80 for c in codes):
            raise Refused()

    def publish(self, topic, payload, qos, timeout):
        pid = self.packet_id() if qos else None
        body = utf8(topic)
        if qos:
            body += struct.pack("!H", pid)
        body += varint(0) + payload
        self.send(packet((PUBLISH << 4) | (qos << 1), body))
        if not qos:
            return
        while True:
            kind, flags, data = self.read(timeout)
            if kind == PUBACK and struct.unpack("!H", data[:2])[0] == pid:
                break
            self.keep(kind, flags, data)
        code = data[2] if len(data) > 2 else 0  # absent: Success
        say(verdict("puback", code))
        if code >= 0x80:
            raise Refused()

    def keep(self, kind, flags, data):
        # Messages that arrive before an acknowledgement are not lost.
        if kind == PUBLISH:
            self.pending.append((flags, data))

    def message(self, flags, body):
        """The payload of a PUBLISH (acknowledged when QoS 1)."""
        tlen = struct.unpack("!H", body[:2])[0]
        i = 2 + tlen
        qos = (flags >> 1) & 3
        if qos:
            pid = body[i:i + 2]
            i += 2
            self.send(packet(PUBACK << 4, pid))
        props_len, n = read_varint(body, i)
        return body[i + n + props_len:]

    def disconnect(self):
        try:
            self.send(packet(DISCONNECT << 4, b"\x00\x00"))
        except OSError:
            pass
        self.sock.close()


def read_varint(data, i):
    value, mult, n = 0, 1, 0
    while True:
        byte = data[i + n]
        value += (byte & 0x7F) * mult
        mult *= 128
        n += 1
        if not byte & 0x80:
            return value, n


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--client-id", default="")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--timeout", type=float, default=30.0,
                        help="seconds to wait for an answer (sub --count: "
                        "for the messages)")
    common.add_argument("--qos", type=int, choices=(0, 1))
    sub = p.add_subparsers(dest="command", required=True)
    pp = sub.add_parser("pub", parents=[common])
    pp.add_argument("topic")
    group = pp.add_mutually_exclusive_group(required=True)
    group.add_argument("--file")
    group.add_argument("--message")
    sp = sub.add_parser("sub", parents=[common])
    sp.add_argument("topics", nargs="+")
    sp.add_argument("--count", type=int)
    sp.add_argument("--out")
    sp.add_argument("--report", action="store_true",
                    help='print "publish N BYTES" on stdout per message '
                    "received, to count answers")
    sp.add_argument("--publish", nargs=2, metavar=("TOPIC", "MESSAGE"))
    args = p.parse_args()

    client_id = args.client_id or f"probe-{time.time_ns() % 10**12}"
    conn = None
    try:
        conn = Connection(args.host, args.port, args.user, args.password,
                          client_id, args.timeout)
        if args.command == "pub":
            payload = (open(args.file, "rb").read() if args.file is not None
                       else args.message.encode())
            qos = 1 if args.qos is None else args.qos
            conn.publish(args.topic, payload, qos, args.timeout)
            return 0
        conn.subscribe(args.topics, args.qos or 0, args.timeout)
        if args.publish:
            conn.publish(args.publish[0], args.publish[1].encode(), 1,
                         args.timeout)
        out = open(args.out, "ab") if args.out else sys.stdout.buffer
        received = 0
        deadline = (time.monotonic() + args.timeout
                    if args.count is not None else None)
        while args.count is None or received < args.count:
            if conn.pending:
                flags, data = conn.pending.pop(0)
                kind = PUBLISH
            else:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise TimeoutError()
                kind, flags, data = conn.read(left)
            if kind != PUBLISH:
                continue
            payload = conn.message(flags, data)
            out.write(payload + b"\n")
            out.flush()
            received += 1
            if args.report:
                say(f"publish {received} {len(payload)}")
        return 0
    except Refused:
        return 1
    except TimeoutError:
        say("timeout")
        return 3
    except (OSError, ConnectionError, struct.error, IndexError) as e:
        say(f"error {e}")
        return 2
    finally:
        if conn is not None:
            conn.disconnect()


if __name__ == "__main__":
    sys.exit(main())
