#!/usr/bin/env python3
"""Echo (RFC 862) for the lab internet: TCP on the wildcard address, UDP on
each server address.

    echo.py [ADDR] [PORT]       default :: 7 (TCP); UDP on the three server addresses

UDP gets one socket per address for the reason given in dns.py: a wildcard
UDP socket would answer from the wrong source address.
"""
import socket
import socketserver
import sys
import threading

UDP_ADDRS = ["198.51.100.10", "203.0.113.10", "2001:db8:ff::10"]


class TcpEcho(socketserver.BaseRequestHandler):
    def handle(self):
        try:
            while data := self.request.recv(65536):
                self.request.sendall(data)
        except OSError:
            pass


class TcpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 4096


def udp_socket(addr, port):
    s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    return s


def udp_echo(s):
    while True:
        try:
            data, peer = s.recvfrom(65536)
            s.sendto(data, peer)
        except OSError:
            pass


def main():
    addr = sys.argv[1] if len(sys.argv) > 1 else "::"
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    # bound before the TCP listener: once TCP listens, UDP is ready too
    for s in [udp_socket(a, port) for a in UDP_ADDRS]:
        threading.Thread(target=udp_echo, args=(s,), daemon=True).start()
    TcpServer.address_family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    TcpServer((addr, port), TcpEcho).serve_forever()


if __name__ == "__main__":
    main()
