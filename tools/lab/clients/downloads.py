#!/usr/bin/env python3
"""Starts N downloads of SIZE bytes (HTTP GET /bytes?n=SIZE) at once and
waits for all of them; prints JSON: how many completed, the batch's time
(first connect to last byte) and each download's time. Bounded: every
socket has a timeout, and the whole batch gives up after TIMEOUT seconds.

    downloads.py HOST N SIZE [TIMEOUT]
"""
import json
import socket
import sys
import threading
import time


def main():
    host, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 60.0
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    deadline = time.monotonic() + timeout
    start = threading.Barrier(n)
    each = [None] * n

    def one(i):
        try:
            start.wait(timeout)
            t0 = time.monotonic()
            with socket.socket(family, socket.SOCK_STREAM) as s:
                s.settimeout(max(1.0, deadline - time.monotonic()))
                s.connect((host, 80))
                s.sendall(b"GET /bytes?n=%d HTTP/1.0\r\n\r\n" % size)
                got = 0
                while time.monotonic() < deadline:
                    b = s.recv(65536)
                    if not b:
                        break
                    got += len(b)
            if got >= size:
                each[i] = (t0, time.monotonic())
        except (OSError, threading.BrokenBarrierError):
            pass

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    done = [e for e in each if e]
    batch = max(e[1] for e in done) - min(e[0] for e in done) if done else None
    print(json.dumps({"ok": len(done), "seconds": batch, "each": [e[1] - e[0] for e in done]}))


if __name__ == "__main__":
    main()
