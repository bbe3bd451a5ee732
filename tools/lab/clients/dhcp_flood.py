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

from dhcp_frames import frame, offer


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
