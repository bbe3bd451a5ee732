#!/usr/bin/env python3
"""Forged DHCPOFFERs on a raw Ethernet socket, for the rogue-DHCP flood test.

  dhcp_flood.py IFACE COUNT [--macs N]

Sends COUNT broadcast OFFERs (UDP 67 -> 68) from N forged source MACs
(02:66:xx:xx:xx:xx, round robin) and prints how many went out. Stdlib only.
"""
import argparse
import socket
import struct
import sys


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def offer(xid: int) -> bytes:
    bootp = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 2, 1, 6, 0, xid, 0, 0, b"\0" * 4,
                        socket.inet_aton("192.0.2.199"), b"\0" * 4, b"\0" * 4,
                        bytes.fromhex("02000000000c") + b"\0" * 10, b"\0" * 64, b"\0" * 128)
    options = bytes([0x63, 0x82, 0x53, 0x63, 53, 1, 2, 54, 4]) + socket.inet_aton("192.0.2.66") + bytes([255])
    return bootp + options


def frame(src_mac: bytes, payload: bytes) -> bytes:
    udp = struct.pack("!HHHH", 67, 68, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                     socket.inet_aton("192.0.2.66"), socket.inet_aton("255.255.255.255"))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return b"\xff" * 6 + src_mac + b"\x08\x00" + ip + udp


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("iface")
    ap.add_argument("count", type=int)
    ap.add_argument("--macs", type=int, default=1)
    a = ap.parse_args()
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    frames = [frame(bytes([0x02, 0x66]) + struct.pack("!I", m), offer(0x1000 + m)) for m in range(a.macs)]
    sent = 0
    for i in range(a.count):
        for _ in range(10000):  # ENOBUFS: the device queue is full; bounded retries
            try:
                s.send(frames[i % a.macs])
                break
            except OSError as e:
                if e.errno not in (11, 105):
                    raise
        else:
            raise SystemExit(f"gave up after {sent} frames: the queue stayed full")
        sent += 1
    print(sent)
    return 0


if __name__ == "__main__":
    sys.exit(main())
