#!/usr/bin/env python3
"""A DNS target for probes: answers every A query with 198.51.100.10 and
every AAAA with 2001:db8:ff::10 (RFC 1035, the minimum)."""
import socket
import struct
import sys

A = socket.inet_pton(socket.AF_INET, "198.51.100.10")
AAAA = socket.inet_pton(socket.AF_INET6, "2001:db8:ff::10")


def answer(query):
    if len(query) < 12:
        return None
    qid, flags, qd = struct.unpack("!HHH", query[:6])
    if qd != 1 or flags & 0x8000:
        return None
    i = 12
    while i < len(query) and query[i] != 0:
        i += query[i] + 1
    if i + 5 > len(query):
        return None
    qtype = struct.unpack("!H", query[i + 1:i + 3])[0]
    question = query[12:i + 5]
    rdata = A if qtype == 1 else AAAA if qtype == 28 else None
    header = struct.pack("!HHHHHH", qid, 0x8180, 1, 1 if rdata else 0, 0, 0)
    body = question
    if rdata:
        body += struct.pack("!HHHIH", 0xC00C, qtype, 1, 60, len(rdata)) + rdata
    return header + body


def main():
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", int(sys.argv[1]) if len(sys.argv) > 1 else 53))
    while True:
        data, peer = s.recvfrom(2048)
        reply = answer(data)
        if reply:
            s.sendto(reply, peer)


if __name__ == "__main__":
    main()
