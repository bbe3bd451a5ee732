#!/usr/bin/env python3
"""Opens N short HTTP connections (GET /) one after another and prints JSON:
each one's completion time in seconds, connect to last byte (null for one
that failed). Bounded: N connections, each with a timeout.

    timed_requests.py HOST N [TIMEOUT]
"""
import json
import socket
import sys
import time


def main():
    host, n = sys.argv[1], int(sys.argv[2])
    timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 5.0
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    times = []
    for _ in range(n):
        t0 = time.monotonic()
        try:
            with socket.socket(family, socket.SOCK_STREAM) as s:
                s.settimeout(timeout)
                s.connect((host, 80))
                s.sendall(b"GET / HTTP/1.0\r\n\r\n")
                while s.recv(4096):
                    pass
            times.append(time.monotonic() - t0)
        except OSError:
            times.append(None)
    print(json.dumps(times))


if __name__ == "__main__":
    main()
