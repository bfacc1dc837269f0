#!/usr/bin/env python3
"""The browser-call benchmark's driver (run by Tools/bench/browser-call, which starts
everything it talks to). Mouth-to-ear cannot be measured here, so it measures what can be:

1. Set-up: from the shopper's click on "Accept" to the first RTP packet that reaches the
   agent (a SIPp UAS with -rtp_echo) from the shopper's side, over CALLS calls one after
   another — the shopper in browser mode (Chromium with a fake microphone, through Janus),
   and as the same-run baseline the shopper's SIPp softphone (VoIP; it streams a WAV file).
   Packets are seen on the loopback interface with a packet socket (needs root), so the
   time is when the kernel delivered the packet, not when SIPp read it.
2. CPU per concurrent leg: CONCURRENT calls talking at once, the CPU seconds Janus and
   `cartline serve` used over WINDOW seconds (from /proc/PID/stat), minus the same window
   idle, divided by the calls — in browser mode, and in VoIP mode as the baseline.

Prints a table and `RESULT name value` lines.

Usage: measure.py BASE_URL OPS_URL SOFTPHONE_URI AGENT_MEDIA_PORT JANUS_PID SERVER_PID CALLS CONCURRENT
Environment: CARTLINE_OPS_TOKEN; WINDOW (seconds, default 10).
"""
import json
import os
import socket
import statistics
import struct
import sys
import threading
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

MERCHANT = "bench-shop"
TIMEOUT_SECONDS = 30
# The cart idles after the shop's 5 s, then the offer is pushed.
OFFER_TIMEOUT_SECONDS = 40
# From accept to the agent hearing the shopper: the page's join, the greeting, the agent's ring.
FIRST_PACKET_TIMEOUT_SECONDS = 60
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


class FirstPackets(threading.Thread):
    """Arrival times of UDP packets to one port on the loopback interface."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port = port
        self.times = []
        self.lock = threading.Lock()
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.sock.bind(("lo", 0))
        self.sock.settimeout(0.5)
        self.stopped = False

    def run(self):
        while not self.stopped:
            try:
                frame, address = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            arrived = time.time()
            # Loopback shows each packet twice (sent and received): count it once.
            if address[2] == PACKET_OUTGOING or len(frame) < 14 + 20 + 8 or frame[12:14] != b"\x08\x00":
                continue
            header = (frame[14] & 0x0F) * 4
            if frame[14 + 9] != 17:
                continue
            destination = struct.unpack("!H", frame[14 + header + 2:14 + header + 4])[0]
            if destination == self.port:
                with self.lock:
                    self.times.append(arrived)

    def first_after(self, moment):
        with self.lock:
            later = [t for t in self.times if t > moment]
        return min(later) if later else None

    def stop(self):
        self.stopped = True


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000",
                     "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                     "--autoplay-policy=no-user-gesture-required"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)


def attribute(driver, element_id, name):
    return driver.find_element(By.ID, element_id).get_attribute(name)


def offered_shopper(driver, base_url, softphone_uri):
    """A new shopper with one item whose offer is showing; browser mode unless `softphone_uri`."""
    wait = WebDriverWait(driver, TIMEOUT_SECONDS)
    driver.get(base_url + "/health")
    driver.delete_all_cookies()
    driver.get(f"{base_url}/?merchant={MERCHANT}")
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
    if softphone_uri:
        Select(driver.find_element(By.ID, "pref-mode")).select_by_value("voip")
        driver.find_element(By.ID, "pref-sip").send_keys(softphone_uri)
    driver.find_element(By.ID, "pref-consent").click()
    driver.find_element(By.ID, "prefs-save").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "prefs-status"), "We may call you at" if softphone_uri else "here on this page"))
    driver.find_elements(By.CSS_SELECTOR, "button.add-item")[0].click()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#cart-items tr.cart-line")) == 1)
    WebDriverWait(driver, OFFER_TIMEOUT_SECONDS).until(lambda d: attribute(d, "offer-section", "data-status") == "open")


def accept(driver):
    """Clicks Accept; the moment of the click and the call's id."""
    clicked = time.time()
    driver.find_element(By.ID, "offer-accept").click()
    WebDriverWait(driver, TIMEOUT_SECONDS).until(lambda d: attribute(d, "call-section", "data-call-id"))
    return clicked, attribute(driver, "call-section", "data-call-id")


def hang_up(ops_url, call_id):
    request = urllib.request.Request(f"{ops_url}/ops/v1/calls/{call_id}/hangup", method="POST",
                                     headers={"Authorization": f"Bearer {os.environ['CARTLINE_OPS_TOKEN']}"})
    try:
        urllib.request.urlopen(request, timeout=10).read()
    except urllib.error.HTTPError as error:
        if error.code != 404:  # already over
            raise


def wait_ended(driver):
    WebDriverWait(driver, TIMEOUT_SECONDS).until(lambda d: attribute(d, "call-section", "data-status") in ("ended", "failed"))


def set_up_times(driver, base_url, ops_url, softphone_uri, packets, calls, label):
    times = []
    for number in range(1, calls + 1):
        offered_shopper(driver, base_url, softphone_uri)
        clicked, call_id = accept(driver)
        deadline = time.monotonic() + FIRST_PACKET_TIMEOUT_SECONDS
        first = None
        while first is None and time.monotonic() < deadline:
            time.sleep(0.05)
            first = packets.first_after(clicked)
        if first is None:
            raise AssertionError(f"{label} call {number} ({call_id}): no RTP reached the agent in {FIRST_PACKET_TIMEOUT_SECONDS} s")
        times.append((first - clicked) * 1000)
        print(f"  {label} call {number}/{calls}: first RTP at the agent {times[-1]:.0f} ms after Accept", file=sys.stderr)
        hang_up(ops_url, call_id)
        wait_ended(driver)
        time.sleep(0.5)  # the last packets of this call are not the next call's first
    return times


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as file:
        fields = file.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_share(pids, window):
    """Each process's CPU use over `window` seconds, as a share of one core."""
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    started = time.monotonic()
    time.sleep(window)
    elapsed = time.monotonic() - started
    return {name: (cpu_seconds(pid) - before[name]) / elapsed for name, pid in pids.items()}


def cpu_per_leg(drivers, base_url, ops_url, softphone_uri, packets, pids, window, label):
    for driver in drivers:
        offered_shopper(driver, base_url, softphone_uri)
    idle = cpu_share(pids, window)
    calls = [accept(driver) for driver in drivers]
    for driver, (clicked, call_id) in zip(drivers, calls):
        deadline = time.monotonic() + FIRST_PACKET_TIMEOUT_SECONDS
        while time.monotonic() < deadline and attribute(driver, "call-section", "data-status") != "talking":
            time.sleep(0.1)
        assert attribute(driver, "call-section", "data-status") == "talking", f"{label}: call {call_id} is not talking"
    time.sleep(1)
    busy = cpu_share(pids, window)
    for driver, (_, call_id) in zip(drivers, calls):
        hang_up(ops_url, call_id)
    for driver in drivers:
        wait_ended(driver)
    return {name: max(0.0, busy[name] - idle[name]) / len(drivers) for name in pids}


def greeting_seconds():
    """The length of the greeting the default handler plays before dialling the agent (0 if
    unknown): its WAV data size over the byte rate (the prompts are G.711, which Python's
    `wave` does not read)."""
    try:
        with open(os.environ.get("GREETING_WAV", ""), "rb") as file:
            data = file.read(16 * 1024 * 1024)
    except OSError:
        return 0.0
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return 0.0
    offset, byte_rate, size = 12, 0, 0
    while offset + 8 <= len(data):
        chunk, length = data[offset:offset + 4], struct.unpack("<I", data[offset + 4:offset + 8])[0]
        if chunk == b"fmt " and length >= 12:
            byte_rate = struct.unpack("<I", data[offset + 16:offset + 20])[0]
        elif chunk == b"data":
            size = length
        offset += 8 + length + (length & 1)
    return size / byte_rate if byte_rate else 0.0


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main(base_url, ops_url, softphone_uri, agent_media_port, janus_pid, server_pid, calls, concurrent):
    window = float(os.environ.get("WINDOW", "10"))
    packets = FirstPackets(agent_media_port)
    packets.start()
    drivers = [browser() for _ in range(concurrent)]
    try:
        print(f"set-up: {calls} calls in browser mode, then {calls} from the SIPp softphone", file=sys.stderr)
        browser_times = set_up_times(drivers[0], base_url, ops_url, None, packets, calls, "browser")
        softphone_times = set_up_times(drivers[0], base_url, ops_url, softphone_uri, packets, calls, "softphone")
        pids = {"janus": janus_pid, "cartline": server_pid}
        print(f"CPU: {concurrent} concurrent calls talking, {window:.0f} s windows", file=sys.stderr)
        browser_cpu = cpu_per_leg(drivers, base_url, ops_url, None, packets, pids, window, "browser")
        softphone_cpu = cpu_per_leg(drivers, base_url, ops_url, softphone_uri, packets, pids, window, "softphone")
    finally:
        packets.stop()
        for driver in drivers:
            driver.quit()

    def row(name, value, baseline, unit):
        # A baseline of (nearly) nothing makes no ratio: Janus does no work for SIPp calls.
        ratio = f"{value / baseline:.2f}×" if baseline > 0.05 else "—"
        print(f"{name:<44} {value:>10.1f} {unit:<4} {baseline:>10.1f} {unit:<4} {ratio:>7}")

    print()
    print(f"{'measure':<44} {'browser':>15} {'SIPp softphone':>15} {'ratio':>7}")
    row("accept → first RTP at the agent, p50", statistics.median(browser_times), statistics.median(softphone_times), "ms")
    row("accept → first RTP at the agent, p99", percentile(browser_times, 0.99), percentile(softphone_times, 0.99), "ms")
    greeting = greeting_seconds() * 1000
    if greeting:
        row("  the same beyond the greeting, p50", statistics.median(browser_times) - greeting,
            statistics.median(softphone_times) - greeting, "ms")
    row("Janus CPU per concurrent leg", browser_cpu["janus"] * 100, softphone_cpu["janus"] * 100, "%")
    row("cartline serve CPU per concurrent leg", browser_cpu["cartline"] * 100, softphone_cpu["cartline"] * 100, "%")
    print(f"({calls} calls each for set-up; {concurrent} concurrent calls for CPU, % of one core over {window:.0f} s minus idle)")
    if greeting:
        print(f"(the call handler plays the greeting, {greeting / 1000:.2f} s, to the shopper before it dials the agent)")
    results = {
        "browser_setup_p50_ms": statistics.median(browser_times), "browser_setup_p99_ms": percentile(browser_times, 0.99),
        "softphone_setup_p50_ms": statistics.median(softphone_times), "softphone_setup_p99_ms": percentile(softphone_times, 0.99),
        "browser_janus_cpu_per_leg_pct": browser_cpu["janus"] * 100, "browser_cartline_cpu_per_leg_pct": browser_cpu["cartline"] * 100,
        "softphone_cartline_cpu_per_leg_pct": softphone_cpu["cartline"] * 100,
    }
    for name, value in results.items():
        print(f"RESULT {name} {value:.2f}")
    print(json.dumps({"browser_ms": [round(t) for t in browser_times], "softphone_ms": [round(t) for t in softphone_times]}), file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 9:
        sys.exit("usage: measure.py BASE_URL OPS_URL SOFTPHONE_URI AGENT_MEDIA_PORT JANUS_PID SERVER_PID CALLS CONCURRENT")
    main(sys.argv[1].rstrip("/"), sys.argv[2].rstrip("/"), sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]),
         int(sys.argv[7]), int(sys.argv[8]))
