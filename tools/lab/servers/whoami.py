#!/usr/bin/env python3
"""The lab internet's HTTP server: tells a client which address it came from.

GET /               the client's source address (which WAN carried it)
GET /stats          JSON: connections per source address since start or /reset
GET /reset          clears the counts
GET /bytes?n=N      N bytes of payload (transfers)
GET /stream?seconds=S   trickles a line every 100 ms for S seconds (long flows)
"""
import json
import socketserver
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

counts = {}
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):
        pass

    def reply(self, body, ctype="text/plain"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urlparse(self.path)
        q = parse_qs(url.query)
        src = self.client_address[0].removeprefix("::ffff:")
        if url.path == "/stats":
            with lock:
                return self.reply(json.dumps(counts), "application/json")
        if url.path == "/reset":
            with lock:
                counts.clear()
            return self.reply("ok\n")
        with lock:
            counts[src] = counts.get(src, 0) + 1
        if url.path == "/bytes":
            n = min(int(q.get("n", ["0"])[0]), 1 << 31)
            self.send_response(200)
            self.send_header("Content-Length", str(n))
            self.end_headers()
            chunk = b"x" * 65536
            while n > 0:
                self.wfile.write(chunk[: min(n, len(chunk))])
                n -= min(n, len(chunk))
            return None
        if url.path == "/stream":
            seconds = min(float(q.get("seconds", ["10"])[0]), 600)
            self.send_response(200)
            self.end_headers()
            end = time.monotonic() + seconds
            i = 0
            while time.monotonic() < end:
                self.wfile.write(f"{i} {src}\n".encode())
                self.wfile.flush()
                i += 1
                time.sleep(0.1)
            return None
        return self.reply(src + "\n")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024
    allow_reuse_address = True


def main():
    addr = sys.argv[1] if len(sys.argv) > 1 else "::"
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 80
    Server.address_family = __import__("socket").AF_INET6 if ":" in addr else __import__("socket").AF_INET
    Server((addr, port), Handler).serve_forever()


if __name__ == "__main__":
    main()
