#!/usr/bin/env python3
# A storm against jalur's HTTP endpoint: N concurrent GETs (all must get a
# 200), garbage of several kinds, and clients that connect and never finish
# their request. Prints one JSON line of counts; the test judges them.
#
#   http_storm.py HOST PORT CONCURRENT TIMEOUT_SECONDS
import asyncio
import json
import os
import sys
import time

HOST, PORT = sys.argv[1], int(sys.argv[2])
N, LIMIT = int(sys.argv[3]), float(sys.argv[4])
PATHS = ["/metrics", "/status", "/healthz"]

GARBAGE = [
    b"\x00\xff" * 512 + b"\r\n\r\n",                     # binary
    b"GET /" + b"A" * 20000 + b" HTTP/1.1\r\n\r\n",      # URI far beyond the limit
    b"GET /metrics HTTP/1.1\r\n" + b"X: " + b"y" * 20000 + b"\r\n\r\n",  # huge header
    b"POST /metrics HTTP/1.1\r\nContent-Length: 999999999\r\n\r\nabc",  # body it won't take
    b"GET /metrics HTTP/9.9\r\n\r\n",
    b"BREW /pot HTCPCP/1.0\r\n\r\n",
    b"GET /status?format=%ZZ&flows=%00 HTTP/1.1\r\nHost: x\r\n\r\n",
    b"\r\n\r\n\r\n",
]


async def get(path):
    try:
        r, w = await asyncio.wait_for(asyncio.open_connection(HOST, PORT), LIMIT)
        w.write(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode())
        await w.drain()
        data = await asyncio.wait_for(r.read(), LIMIT)
        w.close()
        return data.startswith(b"HTTP/1.1 200")
    except (OSError, asyncio.TimeoutError):
        return False


async def garbage(payload):
    try:
        r, w = await asyncio.wait_for(asyncio.open_connection(HOST, PORT), LIMIT)
        w.write(payload)
        await w.drain()
        await asyncio.wait_for(r.read(), LIMIT)  # an error answer, or a close
        w.close()
    except (OSError, asyncio.TimeoutError):
        pass  # the server may reset a connection it refuses: that's fine


async def silent():
    # connects and sends half a request line, then nothing until dropped
    try:
        r, w = await asyncio.wait_for(asyncio.open_connection(HOST, PORT), LIMIT)
        w.write(b"GET /met")
        await w.drain()
        await asyncio.wait_for(r.read(), LIMIT)
        w.close()
    except (OSError, asyncio.TimeoutError):
        pass


async def main():
    start = time.monotonic()
    tasks = [get(PATHS[i % len(PATHS)]) for i in range(N)]
    tasks += [garbage(GARBAGE[i % len(GARBAGE)]) for i in range(8 * len(GARBAGE))]
    tasks += [silent() for _ in range(16)]
    tasks += [garbage(os.urandom(4096)) for _ in range(16)]
    results = await asyncio.gather(*tasks)
    ok = sum(1 for r in results[:N] if r)
    print(json.dumps({"ok": ok, "requests": N, "seconds": round(time.monotonic() - start, 2)}))


asyncio.run(main())
