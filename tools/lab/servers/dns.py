#!/usr/bin/env python3
"""A DNS target for probes (RFC 1035, the minimum): answers every A query
with 198.51.100.10 and every AAAA with 2001:db8:ff::10; other types get an
empty NOERROR answer.

    dns.py [PORT] [ADDR...]     default 53 on the lab's three server addresses

One socket per address, not one on the wildcard: a wildcard UDP socket
answers from whatever address the route back picks (here the inet side of
an ISP link), and the client's conntrack/NAT would drop that answer.
"""
import selectors
import socket
import struct
import sys

A = socket.inet_pton(socket.AF_INET, "198.51.100.10")
AAAA = socket.inet_pton(socket.AF_INET6, "2001:db8:ff::10")
SERVERS = ["198.51.100.10", "203.0.113.10", "2001:db8:ff::10"]
QR, RD, RA = 0x8000, 0x0100, 0x0080


def question_end(query):
    """Offset just past the first question's QTYPE and QCLASS, or None."""
    i = 12
    while i < len(query):
        length = query[i]
        if length == 0:
            end = i + 5
            return end if end <= len(query) else None
        if length & 0xC0:  # a compression pointer has no place in a question
            return None
        i += length + 1
    return None


def answer(query):
    if len(query) < 12:
        return None
    qid, flags, qdcount = struct.unpack("!HHH", query[:6])
    if flags & QR or (flags >> 11) & 0xF != 0 or qdcount != 1:
        return None  # a response, an opcode other than QUERY, or not one question
    end = question_end(query)
    if end is None:
        return None
    qtype = struct.unpack("!H", query[end - 4:end - 2])[0]
    rdata = {1: A, 28: AAAA}.get(qtype)
    header = struct.pack("!HHHHHH", qid, QR | (flags & RD) | RA, 1, 1 if rdata else 0, 0, 0)
    body = query[12:end]
    if rdata:
        # the answer's name is a pointer to the question's (offset 12)
        body += struct.pack("!HHHIH", 0xC00C, qtype, 1, 60, len(rdata)) + rdata
    return header + body


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 53
    addrs = sys.argv[2:] or SERVERS
    sel = selectors.DefaultSelector()
    for addr in addrs:
        s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((addr, port))
        sel.register(s, selectors.EVENT_READ)
    while True:
        for key, _ in sel.select():
            try:
                data, peer = key.fileobj.recvfrom(4096)
                reply = answer(data)
                if reply:
                    key.fileobj.sendto(reply, peer)
            except OSError:
                pass  # one bad packet or peer must not stop the server


if __name__ == "__main__":
    main()
