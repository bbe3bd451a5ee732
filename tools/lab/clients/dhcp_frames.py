"""Forged DHCPOFFER frames, for the lab's rogue-DHCP tools (dhcp_flood.py,
bench/alert_latency.py): a broadcast OFFER from 192.0.2.66 (server
identifier 192.0.2.66, offering 192.0.2.199) on Ethernet. Stdlib only.
"""
import socket
import struct


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


def frame(src_mac: bytes, payload: bytes, sport: int = 67) -> bytes:
    """A broadcast from 192.0.2.66:sport to port 68 (UDP checksum 0: none)."""
    udp = struct.pack("!HHHH", sport, 68, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                     socket.inet_aton("192.0.2.66"), socket.inet_aton("255.255.255.255"))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return b"\xff" * 6 + src_mac + b"\x08\x00" + ip + udp
