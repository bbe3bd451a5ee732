#!/usr/bin/env python3
"""The lab internet's HTTP server: tells a client which address it came from.

    whoami.py [ADDR] [PORT] [CERT KEY]   default :: 80 (IPv4 too, as ::ffff:a.b.c.d);
                                         with CERT and KEY (PEM files), HTTPS

GET /                   the client's source address, one line (which WAN carried it)
GET /stats              JSON: connections per source address since start or /reset
GET /reset              clears the counts
GET /bytes?n=N          N bytes of payload (transfers)
GET /stream?seconds=S   a line "<i> <source>" every 100 ms for S seconds (long flows)

HTTP/1.0: one request per connection, so a request is a connection.
Every other path answers like /. /stats and /reset are not counted.
"""
import json
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

counts = {}
lock = threading.Lock()
CHUNK = b"x" * 262144


def query_number(query, key, default, limit):
    try:
        return max(0, min(float(query.get(key, [default])[0]), limit))
    except ValueError:
        return default


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):
        pass

    def source(self):
        return self.client_address[0].removeprefix("::ffff:")

    def reply(self, body, ctype="text/plain"):
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def count(self, src):
        with lock:
            counts[src] = counts.get(src, 0) + 1

    def send_bytes(self, n):
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(n))
        self.end_headers()
        view = memoryview(CHUNK)
        while n > 0:
            step = min(n, len(CHUNK))
            self.wfile.write(view[:step])
            n -= step

    def send_stream(self, seconds, src):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        end = time.monotonic() + seconds
        i = 0
        while time.monotonic() < end:
            self.wfile.write(f"{i} {src}\n".encode())
            self.wfile.flush()
            i += 1
            time.sleep(0.1)  # the trickle itself, not a wait for a condition

    def do_GET(self):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        src = self.source()
        try:
            if url.path == "/stats":
                with lock:
                    body = json.dumps(counts, sort_keys=True)
                return self.reply(body + "\n", "application/json")
            if url.path == "/reset":
                with lock:
                    counts.clear()
                return self.reply("ok\n")
            self.count(src)
            if url.path == "/bytes":
                return self.send_bytes(int(query_number(query, "n", 0, 1 << 34)))
            if url.path == "/stream":
                return self.send_stream(query_number(query, "seconds", 10, 3600), src)
            return self.reply(src + "\n")
        except (BrokenPipeError, ConnectionResetError):
            return None  # the client went away: nothing to answer


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 4096  # the listen backlog: bursts of short connections
    allow_reuse_address = True


def main():
    addr = sys.argv[1] if len(sys.argv) > 1 else "::"
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 80
    Server.address_family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    server = Server((addr, port), Handler)
    if len(sys.argv) > 4:
        # the handshake runs in accept(); one that fails (a client refusing
        # the certificate) is dropped by the server loop like any socket error
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(sys.argv[3], sys.argv[4])
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
