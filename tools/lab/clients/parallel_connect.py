#!/usr/bin/env python3
"""Starts N TCP connects to a server at once, each from its own ephemeral
port, waits at most TIMEOUT seconds and prints how many connected. The
handshakes a balancer spreads over its WANs, all in flight together."""
import selectors
import socket
import sys
import time


def main():
    host, count = sys.argv[1], int(sys.argv[2])
    timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 3.0
    port = int(sys.argv[4]) if len(sys.argv) > 4 else 80
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sel = selectors.DefaultSelector()
    socks = []
    for _ in range(count):
        s = socket.socket(family, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex((host, port))
        sel.register(s, selectors.EVENT_WRITE)
        socks.append(s)
    ok, pending = 0, count
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        for key, _ in sel.select(max(0.0, deadline - time.monotonic())):
            sel.unregister(key.fileobj)
            pending -= 1
            if key.fileobj.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                ok += 1
    for s in socks:
        s.close()
    print(ok)


if __name__ == "__main__":
    main()
