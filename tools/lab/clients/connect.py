#!/usr/bin/env python3
"""Opens N short TCP connections (HTTP GET /) to a server, one after another,
each from a fresh ephemeral port, and prints how many succeeded. Bounded:
N connections, each with a timeout."""
import socket
import sys


def main():
    host, count = sys.argv[1], int(sys.argv[2])
    port = int(sys.argv[3]) if len(sys.argv) > 3 else 80
    ok = 0
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for _ in range(count):
        try:
            with socket.socket(family, socket.SOCK_STREAM) as s:
                s.settimeout(5)
                s.connect((host, port))
                s.sendall(b"GET / HTTP/1.0\r\n\r\n")
                while s.recv(4096):
                    pass
                ok += 1
        except OSError:
            pass
    print(ok)


if __name__ == "__main__":
    main()
