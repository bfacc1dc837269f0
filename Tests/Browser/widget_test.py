#!/usr/bin/env python3
"""The embeddable widget on a merchant's own site (issue 13), in headless Chromium.

The demo's merchant site (Tools/demo/merchant_site.py) runs on a second local origin
(http://127.0.0.1:PORT): its page carries the one <script> tag, its backend signs the
shopper token with the shop's webhook secret and reports the visitor's cart to Cartline in a
signed webhook when they press "Add to cart", as docs/merchant-guide.md shows. The test
registers a shop whose allowed origins list that site, gives it a webhook secret, and then:

- the widget appears in a shadow root: the page's own CSS does not reach it, its CSS does
  not reach the page;
- the shopper consents in the widget (talk in this page), presses the shop's own "Add to
  cart" (the shop reports the cart in a signed Cartline-format webhook); the cart idles; the offer arrives in the
  widget; the shopper accepts; the call's progress shows, the page talks to the echoing SIPp
  agent through Janus; the shopper hangs up;
- the same site reached as http://localhost:PORT — an origin not in the list — gets nothing:
  the preflight is refused and the widget says why.

Usage: widget_test.py BASE_URL ARTIFACTS_DIR   (env CARTLINE_ADMIN_TOKEN)
"""
import json
import os
import sys
import urllib.error
import urllib.request

from selenium.webdriver.support.ui import WebDriverWait

from agent_console_test import Client
from voice_test import ROOT, browser, save_evidence

sys.path.insert(0, os.path.join(ROOT, "Tools", "demo"))
from merchant_site import MerchantSite  # noqa: E402  (the demo's own site is what is tested)

MERCHANT_ID = "widget-shop"
TIMEOUT_SECONDS = 20
OFFER_TIMEOUT_SECONDS = 40
CALL_TIMEOUT_SECONDS = 60


def in_widget(driver, script):
    """Runs `script` with `root` bound to the widget's shadow root (null when absent)."""
    return driver.execute_script(
        "const host = document.getElementById('cartline-widget'); const root = host && host.shadowRoot;"
        "if (!root) return null;" + script)


def widget_data(driver):
    return driver.execute_script("const h = document.getElementById('cartline-widget'); return h ? Object.assign({}, h.dataset) : null;") or {}


def click(driver, selector):
    assert in_widget(driver, f"const e = root.querySelector({json.dumps(selector)}); if (!e || e.hidden) return false; e.click(); return true;"), selector


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
    site = MerchantSite(base_url, MERCHANT_ID, secret="")
    allowed, stranger = f"http://127.0.0.1:{site.port}", f"http://localhost:{site.port}"
    site.secret = register_shop(admin, allowed)
    driver = browser()
    try:
        wait = WebDriverWait(driver, TIMEOUT_SECONDS)
        driver.get(allowed + "/")
        wait.until(lambda d: widget_data(d).get("ready") == "true")
        assert widget_data(driver).get("consent") == "asked", widget_data(driver)
        assert site.tokens_issued >= 1, "the widget asked the shop's backend for a token"

        # Isolation both ways: the page's button stays the page's; the widget's are its own.
        own = driver.execute_script("return getComputedStyle(document.getElementById('add')).backgroundColor")
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

        # The shopper puts a teapot in the shop's cart; the shop reports it; it idles; the offer arrives.
        driver.find_element("id", "add").click()
        wait.until(lambda d: "In your cart" in d.find_element("id", "added").text)
        assert site.carts_reported == 1, site.carts_reported
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
        save_evidence(driver, artifacts, "widget")
        print(f"widget test FAILED; screenshot and console log in {artifacts}", file=sys.stderr)
        raise
    finally:
        driver.quit()
        site.stop()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: widget_test.py BASE_URL ARTIFACTS_DIR")
    main(sys.argv[1], sys.argv[2])
