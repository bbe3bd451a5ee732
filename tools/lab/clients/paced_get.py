#!/usr/bin/env python3
"""A download read at a steady rate, so that it crosses the wire at that rate.

    paced_get.py HOST BYTES RATE [SECONDS]

GET /bytes?n=BYTES from HOST:80 with a small receive buffer (64 KiB), read
at RATE bytes per second until BYTES arrived or SECONDS (default 60) passed;
prints the bytes read. curl --limit-rate paces only its reads: the kernel's
autotuned receive buffer takes megabytes at once, and the wire goes quiet.
"""
import socket
import sys
import time


def main():
    host, total, rate = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    deadline = time.monotonic() + (float(sys.argv[4]) if len(sys.argv) > 4 else 60.0)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)  # before connect: the window stays small
    s.settimeout(5)
    s.connect((host, 80))
    s.sendall(f"GET /bytes?n={total} HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
    start, got = time.monotonic(), 0
    while time.monotonic() < deadline:
        chunk = s.recv(16384)
        if not chunk:
            break
        got += len(chunk)
        ahead = got / rate - (time.monotonic() - start)
        if ahead > 0:
            time.sleep(ahead)
    s.close()
    print(got)


if __name__ == "__main__":
    main()
