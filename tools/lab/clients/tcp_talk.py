#!/usr/bin/env python3
"""A client that keeps sending: 1 KiB to the lab's TCP echo server every
50 ms for SECONDS, reading the echoes as they come. Prints "done" and exits
0 at the end; "reset" and exits 3 when the connection is reset; "timeout"
and exits 4 when it stalls for 30 s (bounded either way).

    tcp_talk.py SERVER SECONDS [PORT]      default port 7
"""
import socket
import sys
import time


def main():
    host, seconds = sys.argv[1], float(sys.argv[2])
    port = int(sys.argv[3]) if len(sys.argv) > 3 else 7
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    end = time.monotonic() + seconds
    try:
        with socket.create_connection((host, port), timeout=30) as s:
            print("connected", flush=True)
            while time.monotonic() < end:
                s.sendall(b"x" * 1024)
                s.recv(65536)
                time.sleep(0.05)  # the pace of the sender, not a wait for a condition
    except ConnectionResetError:
        print("reset", flush=True)
        sys.exit(3)
    except socket.timeout:
        print("timeout", flush=True)
        sys.exit(4)
    print("done", flush=True)


if __name__ == "__main__":
    main()
