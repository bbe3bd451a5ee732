#!/usr/bin/env python3
"""A UDP request/response flow from one fixed source port: COUNT requests to
the lab's echo server, one every INTERVAL seconds, each waiting up to
INTERVAL for its answer. Prints "<i> ok" or "<i> lost" per request, at
once (the test reads it as it runs). Bounded: COUNT requests.

    udp_ping.py SERVER COUNT [INTERVAL] [PORT]      default 0.2 s, port 7
"""
import socket
import sys
import time


def main():
    host, count = sys.argv[1], int(sys.argv[2])
    interval = float(sys.argv[3]) if len(sys.argv) > 3 else 0.2
    port = int(sys.argv[4]) if len(sys.argv) > 4 else 7
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        s.connect((host, port))
        for i in range(count):
            start = time.monotonic()
            s.send(f"ping {i}".encode())
            verdict = "lost"
            while (left := interval - (time.monotonic() - start)) > 0:
                s.settimeout(left)
                try:
                    if s.recv(2048) == f"ping {i}".encode():
                        verdict = "ok"
                        break
                except (socket.timeout, ConnectionRefusedError):
                    break
            print(i, verdict, flush=True)
            time.sleep(max(0.0, interval - (time.monotonic() - start)))


if __name__ == "__main__":
    main()
