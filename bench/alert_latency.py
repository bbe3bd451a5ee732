#!/usr/bin/env python3
"""Rogue-DHCP alert latency, the driver of bench/alert_latency.sh: sends
forged DHCPOFFERs on a LAN client's raw socket, each from a new random MAC
(only a server's first sighting alerts at once), and times each until the
lab's Bot API mock has accepted the alert that names that MAC.

  alert_latency.py IFACE COUNT MESSAGES_FILE AGENT_LOG [--spacing S] [--timeout S]

Both ends are stamped with CLOCK_MONOTONIC (system-wide, the same in every
network namespace): here just before send(), in the mock when it accepts the
message (MESSAGES_FILE, one JSON line per message). Runs start at least
--spacing seconds after the previous send and the previous alert: the
notifier sends a chat at most one message a second, so closer runs would
measure that pacing. The agent's own log line for the server splits each
latency in two (its clock is wall time, to the millisecond).

Prints one Markdown table (after "@@ alert_latency") on stdout, progress on
stderr. Stdlib only.
"""
import argparse
import datetime
import json
import math
import os
import re
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "lab", "clients"))
from dhcp_frames import frame, offer  # noqa: E402


def random_mac() -> bytes:
    b = bytearray(os.urandom(6))
    b[0] = (b[0] & 0xFC) | 0x02  # unicast, locally administered
    return bytes(b)


def mac_text(m: bytes) -> str:
    return ":".join(f"{x:02x}" for x in m)


def nearest_rank(sorted_values, pct):
    return sorted_values[max(0, math.ceil(pct / 100 * len(sorted_values)) - 1)]


LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}) ")


def agent_log_times(path):
    """server MAC -> wall time (epoch s) of the agent's first log line for it"""
    out = {}
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                m = re.search(r"rogue DHCP server ([0-9a-f:]{17})", line)
                t = LOG_TIME.match(line)
                if m and t and m.group(1) not in out:
                    out[m.group(1)] = datetime.datetime.strptime(t.group(1), "%Y-%m-%dT%H:%M:%S.%f").timestamp()
    except OSError:
        pass
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("iface")
    ap.add_argument("count", type=int)
    ap.add_argument("messages")
    ap.add_argument("agent_log")
    ap.add_argument("--spacing", type=float, default=1.1)
    ap.add_argument("--timeout", type=float, default=10.0)
    a = ap.parse_args()

    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    runs = []  # (mac, sent_mono, sent_wall, accepted_mono or None)
    others = 0
    next_at = 0.0
    with open(a.messages, "a+", encoding="utf-8") as f:
        f.seek(0, os.SEEK_END)
        for i in range(a.count):
            now = time.monotonic()
            if now < next_at:
                time.sleep(next_at - now)
            m = random_mac()
            fr = frame(m, offer(0x5000 + i))
            sent_wall = time.time()
            sent = time.monotonic()
            s.send(fr)
            want = mac_text(m)
            got = None
            deadline = sent + a.timeout
            buf = ""
            while got is None and time.monotonic() < deadline:
                chunk = f.read()
                if not chunk:
                    time.sleep(0.002)
                    continue
                buf += chunk
                *lines, buf = buf.split("\n")
                for line in lines:
                    if not line.strip():
                        continue
                    msg = json.loads(line)
                    if want in msg.get("text", ""):
                        got = msg["monotonic"]
                    else:
                        others += 1
            runs.append((want, sent, sent_wall, got))
            lat = "lost" if got is None else f"{(got - sent) * 1000:.1f} ms"
            print(f"run {i + 1}/{a.count}: {want}: {lat}", file=sys.stderr)
            next_at = max(sent, got or sent) + a.spacing

    logged = agent_log_times(a.agent_log)
    lat = sorted((g - t) * 1000 for _, t, _, g in runs if g is not None)
    to_log = sorted((logged[m] - w) * 1000 for m, _, w, g in runs if m in logged)
    from_log = sorted((g - t) * 1000 - (logged[m] - w) * 1000 for m, t, w, g in runs if g is not None and m in logged)
    lost = sum(1 for r in runs if r[3] is None)

    def row(name, v):
        if not v:
            return f"| {name} | 0 | | | | |"
        return (f"| {name} | {len(v)} | {nearest_rank(v, 50):.1f} | {nearest_rank(v, 99):.1f} | {v[-1]:.1f} | "
                f"{sum(v) / len(v):.1f} |")

    print("@@ alert_latency")
    print("| interval | runs | p50 ms | p99 ms | max ms | mean ms |")
    print("|---|---:|---:|---:|---:|---:|")
    print(row("OFFER sent → the mock has the Telegram message", lat))
    print(row("OFFER sent → the agent logs the rogue server (ms clock)", to_log))
    print(row("the agent's log line → the mock has the message", from_log))
    print()
    if lat:
        p99 = nearest_rank(lat, 99)
        print("@@ targets")
        print(f"| rogue DHCP alert: OFFER → Telegram message, p99 ≤ 500 ms ({len(lat)} runs, {lost} lost) | "
              f"{p99:.1f} ms | {'yes' if p99 <= 500 and lost == 0 else 'no'} |")
        print()
    print(f"runs: {len(runs)}, alerts lost (none within {a.timeout:.0f} s): {lost}, "
          f"other messages meanwhile: {others}", file=sys.stderr)
    return 0 if lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
