#!/usr/bin/env python3
"""Engagement benchmark driver (run by Tools/bench/engagement).

Opens CARTS carts (each its own shopper, consenting, with one item) against a real
`cartline serve`, keeps Server-Sent Event streams open for STREAMS of those shoppers, and
measures:
  - idle-to-browser latency: from the moment a cart's idle threshold passed (its last
    add-item answer + the threshold) to the offer arriving on the open stream;
  - offers appended per second (from the log, by the caller);
  - projector lag: /metrics' cartline_projection_lag_seconds sampled while carts are made;
  - baseline, same run: add-item then GET of the cart (an append and its read back), p50/p99.
Prints RESULT lines for the caller.

Usage: drive.py BASE_URL CARTS STREAMS IDLE_THRESHOLD_SECONDS
"""
import http.client
import json
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

base, carts, streams, threshold = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
url = urlparse(base)


def connection():
    return http.client.HTTPConnection(url.hostname, url.port, timeout=30)


def call(conn, method, path, body=None, cookie=None):
    headers = {"Content-Type": "application/json"}
    if cookie:
        headers["Cookie"] = cookie
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if response.status >= 300:
        sys.exit(f"{method} {path} answered {response.status}: {data[:200]}")
    return response, (json.loads(data) if data else None)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


# Projector lag, sampled from /metrics while the carts are being made.
lag_samples = []
sampling = threading.Event()


def sample_lag():
    conn = connection()
    while not sampling.is_set():
        conn.request("GET", "/metrics", headers={"Authorization": "Bearer " + os.environ["CARTLINE_METRICS_TOKEN"]})
        text = conn.getresponse().read().decode()
        for line in text.splitlines():
            if line.startswith("cartline_projection_lag_seconds") and "unconcluded_carts" in line:
                lag_samples.append(float(line.rsplit(" ", 1)[1]))
        time.sleep(0.05)


sampler = threading.Thread(target=sample_lag, daemon=True)
sampler.start()

# Carts: a shopper each (the first request issues the session), preferences, one item;
# WORKERS connections in parallel, so the log sees a real event rate.
WORKERS = 32
local = threading.local()


def make_cart(index):
    if not hasattr(local, "conn"):
        local.conn = connection()
    conn = local.conn
    response, cart = call(conn, "POST", "/v1/carts", {"merchantId": "bench-shop"})
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    call(conn, "PUT", "/v1/preferences", {"mode": "voip", "sipUri": f"sip:s{index}@example.net", "consent": True}, cookie)
    call(conn, "POST", f"/v1/carts/{cart['id']}/items", {"sku": "grinder", "quantity": 1}, cookie)
    return (cookie, cart["id"], time.time() + threshold)


started = time.time()
with ThreadPoolExecutor(max_workers=WORKERS) as pool:
    shoppers = list(pool.map(make_cart, range(carts)))  # (cookie, cartId, idle_at), in order made
made = time.time() - started
shoppers.sort(key=lambda shopper: shopper[2])
conn = connection()
sampling.set()
print(f"{carts} carts made in {made:.1f} s ({3 * carts / made:,.0f} requests/s)", file=sys.stderr)

# Open streams for the last STREAMS shoppers (their carts go idle last), before they idle.
arrivals = {}
ready = threading.Barrier(streams + 1)


def listen(cookie, cart_id, idle_at):
    conn = connection()
    conn.request("GET", "/v1/offers/stream", headers={"Cookie": cookie, "Accept": "text/event-stream"})
    response = conn.getresponse()
    ready.wait()
    event = None
    while True:
        line = response.fp.readline()
        if not line:
            return
        line = line.decode().rstrip("\n")
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:") and event == "offer":
            data = json.loads(line[5:])
            if data.get("status") == "open" and data.get("cartId") == cart_id:
                arrivals[cart_id] = time.time() - idle_at
                conn.close()
                return


threads = [threading.Thread(target=listen, args=shopper, daemon=True) for shopper in shoppers[-streams:]]
for thread in threads:
    thread.start()
ready.wait()
deadline = time.time() + threshold + 60
for thread in threads:
    thread.join(max(0.1, deadline - time.time()))

# Baseline, same run: an append and its read back (add-item, then GET the cart).
baseline = []
cookie, cart_id, _ = shoppers[0]
for _ in range(200):
    begin = time.time()
    call(conn, "POST", f"/v1/carts/{cart_id}/items", {"sku": "tamper", "quantity": 1}, cookie)
    call(conn, "GET", f"/v1/carts/{cart_id}", None, cookie)
    baseline.append(time.time() - begin)
    call(conn, "DELETE", f"/v1/carts/{cart_id}/items/tamper", None, cookie)

latencies = list(arrivals.values())
print(f"RESULT offers_seen {len(latencies)} {streams}")
print(f"RESULT idle_to_browser_p50_ms {percentile(latencies, 0.5) * 1000:.0f}")
print(f"RESULT idle_to_browser_p99_ms {percentile(latencies, 0.99) * 1000:.0f}")
print(f"RESULT baseline_p50_ms {percentile(baseline, 0.5) * 1000:.1f}")
print(f"RESULT baseline_p99_ms {percentile(baseline, 0.99) * 1000:.1f}")
print(f"RESULT lag_p99_ms {percentile(lag_samples, 0.99) * 1000:.0f}")
print(f"RESULT event_rate {3 * carts / made:.0f}")
