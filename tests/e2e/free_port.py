"""Prints a TCP port free a moment ago on 127.0.0.1, chosen at random below
the kernel's ephemeral range (net.ipv4.ip_local_port_range), where no
outgoing connection can take it before the caller's listener binds it; the
kernel's own pick for port 0 when that span is too small or crowded."""
import random
import socket

try:
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        low = int(f.read().split()[0])
except (OSError, ValueError, IndexError):
    low = 32768

candidates = [random.randrange(10000, low) for _ in range(200)] if low - 10000 >= 1000 else []
for port in candidates + [0]:
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        s.close()
        continue
    print(s.getsockname()[1])
    s.close()
    break
