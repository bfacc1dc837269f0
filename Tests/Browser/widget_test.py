#!/usr/bin/env python3
"""The embeddable widget on a merchant's own site (issue 13), in headless Chromium.

A "merchant site" of the test's own runs on a second local origin (http://127.0.0.1:PORT):
its page carries the one <script> tag, and its backend (`/cartline/shopper-token`) signs the
shopper token with the shop's webhook secret, as docs/merchant-guide.md shows. The test
registers a shop whose allowed origins list that site, gives it a webhook secret, and then:

- the widget appears in a shadow root: the page's own CSS does not reach it, its CSS does
  not reach the page;
- the shopper consents in the widget (talk in this page); the shop's platform reports the
  shopper's cart (a signed Cartline-format webhook); the cart idles; the offer arrives in the
  widget; the shopper accepts; the call's progress shows, the page talks to the echoing SIPp
  agent through Janus; the shopper hangs up;
- the same site reached as http://localhost:PORT — an origin not in the list — gets nothing:
  the preflight is refused and the widget says why.

Usage: widget_test.py BASE_URL ARTIFACTS_DIR   (env CARTLINE_ADMIN_TOKEN)
"""
import base64
import hashlib
import hmac
import http.server
import json
import os
import secrets
import sys
import threading
import time
import urllib.error
import urllib.request

from selenium.webdriver.support.ui import WebDriverWait

from agent_console_test import Client
from voice_test import ROOT, browser

MERCHANT_ID = "widget-shop"
TIMEOUT_SECONDS = 20
OFFER_TIMEOUT_SECONDS = 40
CALL_TIMEOUT_SECONDS = 60

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tea Shop</title>
<style>
  /* The shop's own styles: none of this may reach the widget. */
  button {{ background: rgb(255, 0, 0) !important; font-size: 40px; }}
  p {{ color: rgb(0, 0, 255); }}
</style></head>
<body>
  <h1>Tea Shop</h1>
  <p>Our teapots.</p>
  <button id="own" type="button">The shop's own button</button>
  <script src="{cartline}/widget.js" data-merchant="{merchant}" data-token-url="/cartline/shopper-token" async></script>
</body></html>
"""


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def shopper_token(merchant, customer, secret, lifetime=600):
    """What the merchant's backend does (docs/merchant-guide.md, the Python sample)."""
    payload = b64url(json.dumps({"merchant": merchant, "customer": customer, "exp": int(time.time()) + lifetime}).encode())
    mac = hmac.new(secret.encode(), f"cartline-shopper-token.v1.{payload}".encode(), hashlib.sha256).digest()
    return f"v1.{payload}.{b64url(mac)}"


class MerchantSite:
    """The merchant's own site on an origin of its own: the page and the token endpoint."""

    def __init__(self, cartline, customer):
        site = self
        self.secret = ""  # the shop's webhook secret, once it has one

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/":
                    body, kind = PAGE.format(cartline=cartline, merchant=MERCHANT_ID).encode(), "text/html; charset=utf-8"
                elif self.path == "/cartline/shopper-token":
                    site.tokens_issued += 1
                    body, kind = json.dumps({"token": shopper_token(MERCHANT_ID, customer, site.secret)}).encode(), "application/json"
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.tokens_issued = 0
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def in_widget(driver, script):
    """Runs `script` with `root` bound to the widget's shadow root (null when absent)."""
    return driver.execute_script(
        "const host = document.getElementById('cartline-widget'); const root = host && host.shadowRoot;"
        "if (!root) return null;" + script)


def widget_data(driver):
    return driver.execute_script("const h = document.getElementById('cartline-widget'); return h ? Object.assign({}, h.dataset) : null;") or {}


def click(driver, selector):
    assert in_widget(driver, f"const e = root.querySelector({json.dumps(selector)}); if (!e || e.hidden) return false; e.click(); return true;"), selector


def post_cart(base_url, secret, token, customer):
    """The shop's platform reports the cart: a signed Cartline-format webhook."""
    body = json.dumps({"id": f"evt-{secrets.token_hex(6)}", "type": "cart.updated", "occurredAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                       "cart": {"token": token, "customerId": customer, "currency": "EUR",
                                "items": [{"sku": "teapot", "title": "Blue teapot", "quantity": 1, "unitPrice": "349.00"}]}}).encode()
    stamp = int(time.time())
    signature = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(f"{base_url}/v1/webhooks/{MERCHANT_ID}/cartline", data=body, method="POST",
                                     headers={"Content-Type": "application/json", "Cartline-Signature": f"t={stamp},v1={signature}"})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        assert response.status in (200, 202), response.status


def register_shop(admin, site_origin):
    demo = admin.send("GET", "/v1/admin/merchants/demo-shop")["merchant"]
    with open(os.path.join(ROOT, "Tools/demo/merchant.json")) as file:
        merchant = json.load(file)
    merchant.update(merchantId=MERCHANT_ID, name="Tea Shop", agents=demo["agents"], allowedOrigins=[site_origin])
    merchant["engagement"].update(idleThresholdSeconds=5, cooldownSeconds=0, offerTTLSeconds=60)
    merchant["pricing"].update(payer="merchant")
    admin.send("POST", "/v1/admin/merchants", merchant, expect=(201,))
    return admin.send("POST", f"/v1/admin/merchants/{MERCHANT_ID}/webhooks/secrets", {}, expect=(201,))["secret"]


def main(base_url, artifacts):
    base_url = base_url.rstrip("/")
    admin = Client(base_url, {"Authorization": f"Bearer {os.environ['CARTLINE_ADMIN_TOKEN']}"})
    customer = f"c-{secrets.token_hex(4)}"
    site = MerchantSite(base_url, customer)
    allowed, stranger = f"http://127.0.0.1:{site.port}", f"http://localhost:{site.port}"
    secret = register_shop(admin, allowed)
    site.secret = secret
    driver = browser()
    try:
        wait = WebDriverWait(driver, TIMEOUT_SECONDS)
        driver.get(allowed + "/")
        wait.until(lambda d: widget_data(d).get("ready") == "true")
        assert widget_data(driver).get("consent") == "asked", widget_data(driver)
        assert site.tokens_issued >= 1, "the widget asked the shop's backend for a token"

        # Isolation both ways: the page's button stays the page's; the widget's are its own.
        own = driver.execute_script("return getComputedStyle(document.getElementById('own')).backgroundColor")
        assert own == "rgb(255, 0, 0)", own
        launcher = in_widget(driver, "return getComputedStyle(root.querySelector('.launcher')).backgroundColor")
        assert launcher != "rgb(255, 0, 0)", f"the page's CSS reached the widget: {launcher}"
        text_colour = in_widget(driver, "return getComputedStyle(root.querySelector('.consent p')).color")
        assert text_colour != "rgb(0, 0, 255)", f"the page's p colour reached the widget: {text_colour}"

        # The shopper consents in the widget: talk here in the page.
        click(driver, ".launcher")
        click(driver, ".agree")
        click(driver, ".save")
        wait.until(lambda d: widget_data(d).get("consent") == "given")

        # The shop's platform reports the cart; it idles; the offer arrives in the widget.
        post_cart(base_url, secret, f"tok-{secrets.token_hex(4)}", customer)
        WebDriverWait(driver, OFFER_TIMEOUT_SECONDS).until(lambda d: widget_data(d).get("offer") == "open")
        driver.save_screenshot(os.path.join(artifacts, "widget-offer.png"))
        click(driver, ".accept")
        wait.until(lambda d: widget_data(d).get("callId"))
        statuses = set()

        def talking(d):
            data = widget_data(d)
            statuses.add(data.get("callStatus"))
            if data.get("error"):
                raise AssertionError(f"the widget says: {data['error']}")
            return data.get("voicePhase") == "talking" and data.get("callStatus") == "talking" and int(data.get("inPackets") or 0) > 50
        WebDriverWait(driver, CALL_TIMEOUT_SECONDS).until(talking)
        status_text = in_widget(driver, "return root.querySelector('.call-status').textContent")
        print(f"the widget shows the call: {status_text!r} (statuses seen: {sorted(s for s in statuses if s)})")
        driver.save_screenshot(os.path.join(artifacts, "widget-talking.png"))
        click(driver, ".hangup")
        wait.until(lambda d: widget_data(d).get("callStatus") == "ended")
        ended_text = in_widget(driver, "return root.querySelector('.call-status').textContent")
        print(f"after Hang up: {ended_text!r}")

        # The same site as another origin, not in the shop's list: refused, and said so.
        preflight = urllib.request.Request(f"{base_url}/v1/widget/{MERCHANT_ID}/engagement", method="OPTIONS",
                                           headers={"Origin": stranger, "Access-Control-Request-Method": "GET"})
        try:
            urllib.request.urlopen(preflight, timeout=TIMEOUT_SECONDS)
            raise AssertionError(f"the preflight from {stranger} was allowed")
        except urllib.error.HTTPError as error:
            assert error.code == 403, error.code
            assert error.headers.get("Access-Control-Allow-Origin") is None
        driver.get(stranger + "/")
        WebDriverWait(driver, TIMEOUT_SECONDS).until(lambda d: "allowed origins" in (widget_data(d).get("error") or ""))
        driver.save_screenshot(os.path.join(artifacts, "widget-refused-origin.png"))
        print(f"widget test passed: offer, call and hang-up on {allowed}; {stranger} refused")
    except Exception:
        driver.save_screenshot(os.path.join(artifacts, "widget-failed.png"))
        try:
            with open(os.path.join(artifacts, "widget-console.log"), "w") as log:
                for entry in driver.get_log("browser"):
                    log.write(f"{entry['level']} {entry['message']}\n")
        except Exception:  # evidence is a courtesy; the failure below is what matters
            pass
        print(f"widget test FAILED; screenshot and console log in {artifacts}", file=sys.stderr)
        raise
    finally:
        driver.quit()
        site.stop()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: widget_test.py BASE_URL ARTIFACTS_DIR")
    main(sys.argv[1], sys.argv[2])
