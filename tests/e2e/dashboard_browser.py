#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The dashboard in a real browser (Debian's chromium, chromedriver and
python3-selenium), headless, for e2e.dashboard. Run inside the router's
namespace, where the agent's endpoint is; the lab's actions come as shell
commands the test builds (--blackhole, --transfer, --rogue), so this script
knows the page, not the lab.

  lab:  the page loads with no console errors and every WAN's card; the
        chart's points move while a transfer runs; a blackhole on a WAN turns
        its card down within 2 s of the agent's transition, with the cause,
        and the events timeline gains the transition; a rogue DHCP server
        appears in its list. Screenshots (light and desktop, dark and phone)
        go to --shots.
  screenshot: the page as it is (the demo's picture).
  auth: without credentials the endpoint answers 401 with a Basic challenge;
        the page, given them, shows its cards.
"""
import argparse
import base64
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

ZERO_Y = 148  # dashboard.js: CHART.h - CHART.bottom, where 0 bit/s is drawn


def fail(msg):
    print(f"FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def note(msg):
    print(f"--- {msg}", flush=True)


def wait_for(what, seconds, check, step=0.05):
    """check() until it returns something true, at most `seconds`; its value."""
    deadline = time.monotonic() + seconds
    while True:
        v = check()
        if v:
            return v
        if time.monotonic() > deadline:
            fail(f"{what}: not within {seconds} s")
        time.sleep(step)


def browser(profile):
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
              "--disable-extensions", "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--metrics-recording-only", "--window-size=1280,1500",
              f"--user-data-dir={profile}"):
        o.add_argument(a)
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    log = os.path.join(profile, "chromedriver.log")
    # selenium 4.8 (Debian 12) takes log_path; later ones log_output
    if "log_output" in Service.__init__.__code__.co_varnames:
        service = Service("/usr/bin/chromedriver", log_output=log)
    else:
        service = Service("/usr/bin/chromedriver", log_path=log)
    return webdriver.Chrome(service=service, options=o)


def console_errors(d):
    return [e for e in d.get_log("browser") if e.get("level") == "SEVERE"]


def cards(d):
    return {c.get_attribute("data-wan"): c for c in d.find_elements(By.CSS_SELECTOR, "#wans .card")}


def card_state(d, wan):
    c = cards(d).get(wan)
    return c.get_attribute("data-state") if c else None


def rx_path(d, wan):
    return d.execute_script(
        "const p = document.querySelector(`.card[data-wan='${arguments[0]}'] path.rx`); return p ? p.getAttribute('d') : null;",
        wan)


def highest_point_y(path):
    """The smallest y of the path's points (SVG's y grows downwards)."""
    ys = [float(y) for _, y in re.findall(r"[ML](-?[\d.]+),(-?[\d.]+)", path or "")]
    return min(ys) if ys else None


def download_now(d, wan):
    return d.find_element(By.CSS_SELECTOR, f".card[data-wan='{wan}'] dd[data-key='rx']").text


def bits(rate):
    """ "12.5 Mbit/s" -> 12500000.0; anything else 0 """
    m = re.match(r"^([\d.]+) (bit|kbit|Mbit|Gbit)/s$", rate)
    return float(m.group(1)) * {"bit": 1, "kbit": 1e3, "Mbit": 1e6, "Gbit": 1e9}[m.group(2)] if m else 0.0


def check_live(d):
    """The page got its last answer and drew it without an exception."""
    link = d.find_element(By.ID, "link")
    if "stale" in (link.get_attribute("class") or "") or not link.text.startswith("updated "):
        fail(f"the page reports: {link.text}")


def shot(d, shots, name):
    path = os.path.join(shots, name)
    d.save_screenshot(path)
    note(f"screenshot {path}")


def run(cmd):
    subprocess.run(cmd, shell=True, check=True, stdout=subprocess.DEVNULL, timeout=60)


def log_lines(path, pattern):
    with open(path, errors="replace") as f:
        return [l for l in f if re.search(pattern, l)]


def lab(a):
    profile = tempfile.mkdtemp(prefix="jalur-chromium-")
    d = browser(profile)
    try:
        d.get(a.url)
        wans = a.wans.split(",")
        wait_for("a card for every WAN", 10, lambda: all(card_state(d, w) == "up" for w in wans))
        for w in wans:
            text = cards(d)[w].text
            for label in ("RTT (mean)", "loss", "flows", "download now", "upload now", "tier", "weight"):
                if label not in text:
                    fail(f"card {w} has no '{label}': {text!r}")
        if errs := console_errors(d):
            fail(f"console errors after load: {errs}")
        wait_for("the first answer drawn", 3, lambda: d.find_element(By.ID, "link").text.startswith("updated "))
        check_live(d)
        for key in ("active", "capacity"):
            if not d.find_elements(By.CSS_SELECTOR, f"#flows dd[data-key='{key}']"):
                fail(f"no flows figure {key}")
        if not d.find_elements(By.CSS_SELECTOR, "#rogue tbody tr"):
            fail("the rogue servers' table is not drawn")
        note(f"cards: {', '.join(f'{w} {card_state(d, w)}' for w in wans)}; no console errors")
        # the history the agent held before the page opened is drawn at once
        wait_for("the chart's first points", 5, lambda: all(rx_path(d, w) for w in wans))
        shot(d, a.shots, "dashboard.png")

        # --- the chart moves during a transfer
        transfer = subprocess.Popen(a.transfer, shell=True, stdout=subprocess.DEVNULL)
        try:
            def busy():
                for w in wans:
                    if bits(download_now(d, w)) >= 1e6:
                        return w
                return None
            busy_wan = wait_for("a download of at least 1 Mbit/s on a card", 8, busy)
            first = rx_path(d, busy_wan)
            wait_for("the chart's points to move", 3, lambda: rx_path(d, busy_wan) != first)
            y = highest_point_y(rx_path(d, busy_wan))
            if y is None or y > ZERO_Y - 20:
                fail(f"the chart's highest point is at y={y}, not well above the zero line ({ZERO_Y})")
            note(f"transfer through {busy_wan}: its chart moves, download now {download_now(d, busy_wan)}")
            check_live(d)
            shot(d, a.shots, "dashboard-transfer.png")
        finally:
            transfer.wait(timeout=60)

        # --- a blackhole on a WAN: its card down within 2 s of the agent's transition
        wan = a.blackhole_wan
        marker = f"WAN {wan} down"
        downs = len(log_lines(a.agent_log, marker))
        run(a.blackhole)
        t_log = t_card = None
        deadline = time.monotonic() + 15
        while (t_log is None or t_card is None) and time.monotonic() < deadline:
            now = time.monotonic()
            if t_log is None and len(log_lines(a.agent_log, marker)) > downs:
                t_log = now
            if t_card is None and card_state(d, wan) == "down":
                t_card = now
            time.sleep(0.05)
        if t_log is None:
            fail(f"the agent never logged '{marker}'")
        if t_card is None:
            fail(f"the card of {wan} is not down 15 s after the blackhole")
        lag = t_card - t_log
        note(f"{wan}'s card down {lag:.2f} s after the agent's transition")
        if lag > 2.0:
            fail(f"{wan}'s card turned down {lag:.2f} s after the agent's transition (more than 2 s)")
        cause = cards(d)[wan].find_element(By.CSS_SELECTOR, ".cause").text
        if a.cause not in cause:
            fail(f"the card's cause is {cause!r}, expected it to contain {a.cause!r}")
        note(f"card {wan}: {cause}")

        def transition_shown():
            for li in d.find_elements(By.CSS_SELECTOR, f"#events li[data-kind='transition'][data-wan='{wan}']"):
                if "down" in li.text:
                    return li.text
            return None
        note("timeline: " + wait_for("the transition in the events timeline", 2, transition_shown).replace("\n", " | "))
        check_live(d)
        shot(d, a.shots, "dashboard-down.png")
        run(a.restore)
        wait_for(f"{wan}'s card up again", 20, lambda: card_state(d, wan) == "up", step=0.2)

        # --- a rogue DHCP server appears in its list
        run(a.rogue)
        mac = a.rogue_mac
        row = wait_for("the rogue server in its list", 5,
                       lambda: d.find_elements(By.CSS_SELECTOR, f"#rogue tbody tr[data-mac='{mac}']"))
        note("rogue server row: " + row[0].text)
        wait_for("the sighting in the timeline", 3,
                 lambda: d.find_elements(By.CSS_SELECTOR, "#events li[data-kind='rogue-dhcp']"))
        check_live(d)
        shot(d, a.shots, "dashboard-rogue.png")

        # --- a phone, in dark mode: one column, nothing wider than the screen
        d.set_window_size(390, 844)
        d.execute_cdp_cmd("Emulation.setEmulatedMedia",
                          {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
        time.sleep(1.2)  # one poll: the charts redrawn at the new width
        overflow = d.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 1:
            fail(f"on a phone-sized screen the page is {overflow} px wider than the screen")
        bg = d.execute_script("return getComputedStyle(document.body).backgroundColor")
        if bg != "rgb(13, 17, 23)":
            fail(f"dark mode: the background is {bg}")
        shot(d, a.shots, "dashboard-phone-dark.png")
        if errs := console_errors(d):
            fail(f"console errors: {errs}")
        check_live(d)
    finally:
        d.quit()


def auth(a):
    try:
        urllib.request.urlopen(a.url, timeout=5)
        fail("a request without credentials was answered")
    except urllib.error.HTTPError as e:
        if e.code != 401:
            fail(f"without credentials: HTTP {e.code}, expected 401")
        challenge = e.headers.get("WWW-Authenticate", "")
        if not challenge.startswith("Basic "):
            fail(f"401 without a Basic challenge: {challenge!r}")
        note(f"without credentials: 401, WWW-Authenticate: {challenge}")
    token = base64.b64encode(f"{a.user}:{a.password}".encode()).decode()
    wrong = base64.b64encode(f"{a.user}:x{a.password}".encode()).decode()
    try:
        urllib.request.urlopen(urllib.request.Request(a.url + "api/dashboard",
                                                      headers={"Authorization": f"Basic {wrong}"}), timeout=5)
        fail("a wrong password was accepted")
    except urllib.error.HTTPError as e:
        if e.code != 401:
            fail(f"a wrong password: HTTP {e.code}, expected 401")
    profile = tempfile.mkdtemp(prefix="jalur-chromium-")
    d = browser(profile)
    try:
        d.execute_cdp_cmd("Network.enable", {})
        d.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {"Authorization": f"Basic {token}"}})
        d.get(a.url)
        wait_for("the cards with credentials", 10, lambda: len(cards(d)) == len(a.wans.split(",")))
        if errs := console_errors(d):
            fail(f"console errors with credentials: {errs}")
        note("with credentials the page shows its cards")
        shot(d, a.shots, "dashboard-auth.png")
    finally:
        d.quit()


def screenshot(a):
    """The page as it is now (the demo's picture): desktop, then a phone in dark mode."""
    profile = tempfile.mkdtemp(prefix="jalur-chromium-")
    d = browser(profile)
    try:
        d.get(a.url)
        wait_for("a card for every WAN", 10, lambda: len(cards(d)) == len(a.wans.split(",")))
        wait_for("the first answer drawn", 3, lambda: d.find_element(By.ID, "link").text.startswith("updated "))
        time.sleep(1.2)  # a second poll: figures that need two ticks (rates) are drawn
        shot(d, a.shots, "dashboard.png")
        d.set_window_size(390, 844)
        d.execute_cdp_cmd("Emulation.setEmulatedMedia",
                          {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
        time.sleep(1.2)
        shot(d, a.shots, "dashboard-phone-dark.png")
        if errs := console_errors(d):
            fail(f"console errors: {errs}")
    finally:
        d.quit()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["lab", "auth", "screenshot"])
    p.add_argument("--url", required=True)
    p.add_argument("--wans", required=True, help="isp1,isp2")
    p.add_argument("--shots", required=True)
    p.add_argument("--agent-log")
    p.add_argument("--transfer")
    p.add_argument("--blackhole")
    p.add_argument("--blackhole-wan")
    p.add_argument("--cause")
    p.add_argument("--restore")
    p.add_argument("--rogue")
    p.add_argument("--rogue-mac")
    p.add_argument("--user")
    p.add_argument("--password")
    a = p.parse_args()
    os.makedirs(a.shots, exist_ok=True)
    {"lab": lab, "auth": auth, "screenshot": screenshot}[a.mode](a)
    print("browser: OK")


if __name__ == "__main__":
    main()
