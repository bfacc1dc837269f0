#!/usr/bin/env python3
"""A merchant's own shop site, for the demo and the widget's browser test: another origin than
Cartline's, carrying the widget with one <script> tag, as docs/merchant-guide.md tells a
merchant to do. Its "backend" does what a real shop's does:

- names each visitor (a cookie of its own) and signs their Cartline shopper token
  (`/cartline/shopper-token`, HMAC-SHA256 with the shop's webhook secret);
- reports the visitor's cart to Cartline as the shop platform would: a signed Cartline-format
  `cart.updated` webhook when the visitor presses "Add to cart" (`POST /shop/cart`).

Usage: merchant_site.py CARTLINE_URL MERCHANT_ID SECRET_FILE [PORT]
(the webhook secret is read from SECRET_FILE, so it never shows in a process list).
"""
import base64
import hashlib
import hmac
import http.server
import json
import secrets
import sys
import threading
import time
import urllib.error
import urllib.request

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tea Shop</title>
<style>
  /* The shop's own styles: none of this may reach the widget. */
  body {{ font-family: Georgia, serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }}
  button {{ background: rgb(255, 0, 0) !important; color: #fff; font-size: 1.2rem; padding: 0.5rem 1rem; border: 0; }}
  p {{ color: rgb(0, 0, 255); }}
</style></head>
<body>
  <h1>Tea Shop</h1>
  <p>A shop of its own, on its own site: Cartline's widget sits in the corner.</p>
  <p>Blue teapot, 1.2 l — 349.00 EUR</p>
  <button id="add" type="button">Add to cart</button>
  <p id="added" role="status"></p>
  <script>
    document.getElementById("add").addEventListener("click", async () => {{
      const answer = await fetch("/shop/cart", {{ method: "POST" }});
      document.getElementById("added").textContent = answer.ok
        ? "In your cart. Leave it a moment: an advisor may offer to talk." : "The shop could not add it (" + answer.status + ").";
    }});
  </script>
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


def report_cart(cartline, merchant, secret, customer, cart_token):
    """The shop platform's notification of the visitor's cart: Cartline's format, signed with the time."""
    body = json.dumps({"id": f"evt-{secrets.token_hex(8)}", "type": "cart.updated",
                       "occurredAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                       "cart": {"token": cart_token, "customerId": customer, "currency": "EUR",
                                "items": [{"sku": "teapot", "title": "Blue teapot, 1.2 l", "quantity": 1, "unitPrice": "349.00"}]}}).encode()
    stamp = int(time.time())
    signature = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(f"{cartline}/v1/webhooks/{merchant}/cartline", data=body, method="POST",
                                     headers={"Content-Type": "application/json", "Cartline-Signature": f"t={stamp},v1={signature}"})
    with urllib.request.urlopen(request, timeout=20) as response:
        return response.status


class MerchantSite:
    """The site, served on 127.0.0.1:`port` (0: any free port) from a thread of its own."""

    def __init__(self, cartline, merchant, secret, port=0):
        site = self
        self.cartline, self.merchant, self.secret = cartline.rstrip("/"), merchant, secret
        self.tokens_issued = 0
        self.carts_reported = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def visitor(self):
                cookie = self.headers.get("Cookie", "")
                for part in cookie.split(";"):
                    name, _, value = part.strip().partition("=")
                    if name == "tea_visitor" and value.isalnum() and len(value) <= 40:
                        return value, False
                return f"c{secrets.token_hex(6)}", True

            def answer(self, status, body, kind, visitor, new):
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                if new:
                    self.send_header("Set-Cookie", f"tea_visitor={visitor}; Path=/; HttpOnly; SameSite=Lax")
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                visitor, new = self.visitor()
                if self.path == "/":
                    page = PAGE.format(cartline=site.cartline, merchant=site.merchant).encode()
                    self.answer(200, page, "text/html; charset=utf-8", visitor, new)
                elif self.path == "/cartline/shopper-token":
                    site.tokens_issued += 1
                    token = shopper_token(site.merchant, visitor, site.secret)
                    self.answer(200, json.dumps({"token": token}).encode(), "application/json", visitor, new)
                else:
                    self.send_error(404)

            def do_POST(self):
                visitor, new = self.visitor()
                if self.path != "/shop/cart":
                    self.send_error(404)
                    return
                try:
                    status = report_cart(site.cartline, site.merchant, site.secret, visitor, f"cart-{visitor}")
                    site.carts_reported += 1
                except (urllib.error.URLError, OSError) as error:
                    status = 502
                    print(f"merchant site: reporting the cart failed: {error}", file=sys.stderr)
                self.answer(200 if status in (200, 202) else 502, b"{}", "application/json", visitor, new)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        sys.exit("usage: merchant_site.py CARTLINE_URL MERCHANT_ID SECRET_FILE [PORT]")
    with open(sys.argv[3]) as file:
        secret_value = file.read().strip()
    if not secret_value:
        sys.exit(f"{sys.argv[3]} holds no webhook secret")
    site = MerchantSite(sys.argv[1], sys.argv[2], secret_value, int(sys.argv[4]) if len(sys.argv) == 5 else 0)
    print(f"merchant site at http://127.0.0.1:{site.port}/", flush=True)
    threading.Event().wait()
