#!/usr/bin/env python3
# A stand-in for systemd's notification socket: binds a datagram socket at
# PATH and writes every line of every datagram to LOG as "MONOTONIC LINE".
# Ends after LIMIT seconds (default 120) at most.
import socket
import sys
import time

path, log = sys.argv[1], sys.argv[2]
limit = float(sys.argv[3]) if len(sys.argv) > 3 else 120.0
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.settimeout(0.5)
end = time.monotonic() + limit
with open(log, "a", buffering=1) as out:
    while time.monotonic() < end:
        try:
            data = s.recv(65536)
        except socket.timeout:
            continue
        now = time.monotonic()
        for line in data.decode(errors="replace").split("\n"):
            if line:
                out.write(f"{now:.3f} {line}\n")
