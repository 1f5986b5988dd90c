#!/usr/bin/env python3
"""An MQTT v5 subscriber over WebSockets over TLS (wss://), for e2e tests.

Standard library only: TLS from the ssl module, verifying the server against
--ca (and its name, an IP address against the certificate's IP entries), a
WebSocket opening handshake offering the "mqtt" subprotocol, masked binary
frames, and just enough MQTT to CONNECT, SUBSCRIBE and read PUBLISHes.

Prints one line per step ("TLS ok", "WEBSOCKET 101", "CONNACK 0",
"SUBACK 0", "MESSAGE <topic> <payload>") and exits 0 after --count
messages; 2 with "TLS error: ..." when the TLS handshake fails (another
CA, no client certificate), 3 for any other refusal or a timeout.

Usage: wss_mqtt.py --port P --ca CA.crt [--cert C --key K] --user U
       --password PW --topic T [--count N] [--timeout S]
"""

import argparse
import base64
import os
import socket
import ssl
import struct
import sys
import time


def say(line):
    print(line, flush=True)


class WebSocket:
    """Binary frames over a TLS socket; reassembles what the server sends."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def _recv(self, deadline):
        self.sock.settimeout(max(0.01, deadline - time.monotonic()))
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("the server closed the connection")
        self.buf += data

    def _take(self, n, deadline):
        while len(self.buf) < n:
            self._recv(deadline)
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def handshake(self, host, port, deadline):
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (f"GET / HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
             f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
             "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n"
             ).encode())
        while b"\r\n\r\n" not in self.buf:
            self._recv(deadline)
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        status = head.split(b"\r\n", 1)[0].decode(errors="replace")
        return status

    def send(self, payload):
        mask = os.urandom(4)
        n = len(payload)
        if n < 126:
            header = struct.pack("!BB", 0x82, 0x80 | n)
        elif n < 65536:
            header = struct.pack("!BBH", 0x82, 0x80 | 126, n)
        else:
            header = struct.pack("!BBQ", 0x82, 0x80 | 127, n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def recv_message(self, deadline):
        """The payload of the next data frame (binary), or None on close."""
        b0, b1 = self._take(2, deadline)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self._take(2, deadline))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._take(8, deadline))[0]
        payload = self._take(n, deadline)  # servers do not mask
        opcode = b0 & 0x0F
        if opcode == 0x8:
            return None
        return payload


def varint(n):
    out = b""
    while True:
        byte, n = n % 128, n // 128
        out += bytes([byte | (0x80 if n else 0)])
        if not n:
            return out


def utf8(s):
    data = s.encode()
    return struct.pack("!H", len(data)) + data


def packet(first, body):
    return bytes([first]) + varint(len(body)) + body


class MqttStream:
    """MQTT packets out of the WebSocket's byte stream."""

    def __init__(self, ws):
        self.ws = ws
        self.data = b""

    def next(self, deadline):
        while True:
            if len(self.data) >= 2:
                length, shift, i = 0, 0, 1
                while i < len(self.data):
                    length |= (self.data[i] & 0x7F) << shift
                    shift += 7
                    i += 1
                    if not self.data[i - 1] & 0x80:
                        break
                else:
                    i = None
                if i is not None and len(self.data) >= i + length:
                    first, body = self.data[0], self.data[i:i + length]
                    self.data = self.data[i + length:]
                    return first, body
            more = self.ws.recv_message(deadline)
            if more is None:
                raise ConnectionError("the bridge closed the WebSocket")
            self.data += more


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--ca", required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--topic", required=True)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--timeout", type=float, default=30.0)
    a = p.parse_args()
    deadline = time.monotonic() + a.timeout

    ctx = ssl.create_default_context(cafile=a.ca)
    if a.cert:
        ctx.load_cert_chain(a.cert, a.key)
    raw = socket.create_connection((a.host, a.port), timeout=a.timeout)
    try:
        sock = ctx.wrap_socket(raw, server_hostname=a.host)
        # TLS 1.3 sends the server's verdict on our certificate after the
        # handshake: the first read reports it.
    except (ssl.SSLError, OSError) as e:
        say(f"TLS error: {e}")
        return 2
    say("TLS ok")
    ws = WebSocket(sock)
    try:
        status = ws.handshake(a.host, a.port, deadline)
        say(f"WEBSOCKET {status.split(' ')[1] if ' ' in status else status}")
        if " 101 " not in status + " ":
            return 3
        mqtt = MqttStream(ws)
        props = b"\x00"
        connect = (utf8("MQTT") + bytes([5, 0xC2]) + struct.pack("!H", 30) +
                   props + utf8(f"wss-e2e-{os.getpid()}") + utf8(a.user) +
                   utf8(a.password))
        ws.send(packet(0x10, connect))
        first, body = mqtt.next(deadline)
        code = body[1] if first >> 4 == 2 and len(body) > 1 else -1
        say(f"CONNACK {code}")
        if code != 0:
            return 3
        ws.send(packet(0x82, struct.pack("!H", 1) + b"\x00" +
                       utf8(a.topic) + b"\x00"))
        while True:
            first, body = mqtt.next(deadline)
            if first >> 4 == 9:
                props_len = body[2]  # short property lists only
                reason = body[3 + props_len]
                say(f"SUBACK {reason}")
                if reason > 2:
                    return 3
                break
        got = 0
        while got < a.count:
            first, body = mqtt.next(deadline)
            if first >> 4 != 3:
                continue
            n = struct.unpack("!H", body[:2])[0]
            topic = body[2:2 + n].decode()
            i = 2 + n + (2 if (first >> 1) & 3 else 0)
            plen, shift = 0, 0
            while True:  # the property length
                byte = body[i]
                i += 1
                plen |= (byte & 0x7F) << shift
                shift += 7
                if not byte & 0x80:
                    break
            payload = body[i + plen:].decode(errors="replace")
            say(f"MESSAGE {topic} {payload}")
            got += 1
        ws.send(packet(0xE0, b"\x00\x00"))
        return 0
    except ssl.SSLError as e:
        say(f"TLS error: {e}")
        return 2
    except (OSError, ConnectionError) as e:
        say(f"closed: {e}")
        return 3


if __name__ == "__main__":
    sys.exit(main())
