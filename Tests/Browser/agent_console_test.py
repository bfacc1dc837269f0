#!/usr/bin/env python3
"""Real-browser test of the agent console: headless Chromium, driven by Selenium, against a
real `cartline serve` (started by Tools/browser-test, with the demo merchant seeded).

An administrator issues a one-time code for the demo merchant's agent through the admin API;
the agent signs in through the console's form (a wrong code first, which the form reports).
A shopper then asks for help through the public HTTP API (cart, item, preferences, POST
/v1/help); the call arrives on the console with the alert title, its status updates live,
the agent claims it and records an outcome. The administrator revokes the agent and the
console refuses with its message. Screenshots at 390, 768 and 1280 px; no width may scroll
sideways.

Usage: agent_console_test.py BASE_URL ARTIFACT_DIR   (env CARTLINE_ADMIN_TOKEN)
"""
import http.cookiejar
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

TIMEOUT_SECONDS = 20
# The telephony node claims a requested call within a second or two; ringing follows.
STATUS_CHANGE_TIMEOUT_SECONDS = 45
MERCHANT_ID = "demo-shop"
ALERT_TITLE = "(1) New call — Cartline agent"
REVOKED = "your sign-in was revoked; ask your administrator for a new code"
WIDTHS = (390, 768, 1280)
LIVE = ("requested", "connecting", "ringing", "answered", "talking")


class Client:
    """urllib with a cookie jar of its own: one shopper, or the administrator."""

    def __init__(self, base_url, headers=None):
        self.base_url = base_url.rstrip("/")
        self.headers = headers or {}
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def send(self, method, path, body=None, expect=(200, 201)):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=dict(self.headers))
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with self.opener.open(request, timeout=TIMEOUT_SECONDS) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        assert status in expect, f"{method} {path} answered {status}: {text}"
        return json.loads(text) if text else None


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000",
                     "--autoplay-policy=no-user-gesture-required"):
        options.add_argument(argument)
    # Debian's driver; Selenium Manager would try to download one, and this machine is offline.
    return webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)


def set_width(driver, width):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": 1000, "deviceScaleFactor": 1, "mobile": width < 500})
    time.sleep(0.3)  # one layout


def assert_no_sideways_scrolling(driver, width):
    scroll_width, inner_width = driver.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, f"at {width} px the page scrolls sideways: scrollWidth {scroll_width} > {inner_width}"


def screenshots(driver, artifacts, name):
    for width in WIDTHS:
        set_width(driver, width)
        assert_no_sideways_scrolling(driver, width)
        driver.save_screenshot(os.path.join(artifacts, f"{name}-{width}.png"))
    set_width(driver, 1280)


def card_state(driver, call_id):
    return driver.execute_script("""
        const card = document.querySelector(`.call[data-call-id="${arguments[0]}"]`);
        if (!card) return null;
        return { status: card.dataset.status, outcome: card.dataset.outcome || "",
                 claim: card.querySelector('.claim-line').textContent, text: card.textContent };
        """, call_id)


def main(base_url, artifacts):
    os.makedirs(artifacts, exist_ok=True)
    admin = Client(base_url, {"Authorization": f"Bearer {os.environ['CARTLINE_ADMIN_TOKEN']}"})
    merchant = admin.send("GET", f"/v1/admin/merchants/{MERCHANT_ID}")["merchant"]
    agent_name = merchant["agents"][0]["name"]
    agent_path = f"/v1/admin/merchants/{MERCHANT_ID}/agents/{urllib.parse.quote(agent_name, safe='')}"
    issued = admin.send("POST", f"{agent_path}/sign-in-codes", expect=(201,))
    assert issued["console"] == "/agent" and issued["agentName"] == agent_name, issued

    driver = browser()
    try:
        wait = WebDriverWait(driver, TIMEOUT_SECONDS)
        driver.get(base_url.rstrip("/") + "/agent")
        wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-state") == "signed-out")

        def fill(code):
            for field, value in (("merchant-id", MERCHANT_ID), ("agent-name", agent_name), ("code", code)):
                element = driver.find_element(By.ID, field)
                element.clear()
                element.send_keys(value)
            driver.find_element(By.ID, "sign-in-button").click()

        # A wrong code is refused beside the form.
        wrong = "ABCD-EFGH" if issued["code"] != "ABCD-EFGH" else "ABCD-EFGJ"
        fill(wrong)
        wait.until(lambda d: "sign-in code is wrong" in d.find_element(By.ID, "sign-in-error").text)
        screenshots(driver, artifacts, "agent-sign-in")

        fill(issued["code"])
        wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-state") == "signed-in")
        wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
        assert agent_name in driver.find_element(By.ID, "who-text").text
        assert "code" not in driver.current_url and "token" not in driver.current_url, driver.current_url
        cookies = {c["name"]: c for c in driver.execute_cdp_cmd("Network.getAllCookies", {})["cookies"]}
        session = cookies.get("cartline_agent")
        assert session and session["httpOnly"] and session["sameSite"] == "Strict" and session["path"] == "/v1/agent", session
        assert driver.execute_script("return document.cookie").find("cartline_agent") < 0, "the session must be invisible to scripts"
        time.sleep(2.5)  # one refresh after the first: calls listed so far are known, not new
        assert driver.title == "Cartline agent console", driver.title

        # A shopper asks for help, as the storefront does, over the public HTTP API.
        shopper = Client(base_url)
        cart = shopper.send("POST", "/v1/carts", {"merchantId": MERCHANT_ID})
        sku = merchant["catalog"][0]["sku"]
        shopper.send("POST", f"/v1/carts/{cart['id']}/items", {"sku": sku, "quantity": 2})
        shopper.send("PUT", "/v1/preferences", {"mode": "pstn", "phone": "+4930123456", "consent": True})
        # The demo shop bills calls to the shopper: money in the wallet first.
        shopper.send("POST", "/v1/wallet/top-ups", {"amountMicros": 5000000, "currency": merchant["currency"]})
        help_answer = shopper.send("POST", "/v1/help")
        assert help_answer["action"] == "call" and "call" in help_answer, f"expected a call now, got {help_answer}"
        call_id = help_answer["call"]["callId"]

        wait.until(lambda d: card_state(d, call_id) is not None)
        wait.until(lambda d: d.title == ALERT_TITLE)
        beeps = int(driver.find_element(By.TAG_NAME, "body").get_attribute("data-beeps") or 0)
        assert beeps >= 1, "a new call beeps"
        first = card_state(driver, call_id)
        assert "2 × " in first["text"] and "Total" in first["text"], f"the card shows the cart with prices: {first['text']}"
        assert "Requested" in first["text"] and "Shopper " in first["text"], first["text"]
        print(f"the call {call_id} arrived as {first['status']}: {first['text'][:160]}")
        screenshots(driver, artifacts, "agent-console-new-call")

        # Its status follows the call as the telephony node places it.
        WebDriverWait(driver, STATUS_CHANGE_TIMEOUT_SECONDS).until(
            lambda d: (card_state(d, call_id) or {}).get("status") not in (None, first["status"]))
        print(f"its status changed live to {card_state(driver, call_id)['status']}")

        card = lambda: driver.find_element(By.CSS_SELECTOR, f'.call[data-call-id="{call_id}"]')
        card().find_element(By.CSS_SELECTOR, "button.claim").click()
        wait.until(lambda d: "Claimed by you" in (card_state(d, call_id) or {}).get("claim", ""))
        wait.until(lambda d: d.title == "Cartline agent console")
        card().find_element(By.CSS_SELECTOR, "input.note").send_keys("Wants the grinder in black")
        card().find_element(By.CSS_SELECTOR, 'button.outcome[data-outcome="sold"]').click()
        wait.until(lambda d: (card_state(d, call_id) or {}).get("outcome") == "sold")
        screenshots(driver, artifacts, "agent-console")

        # The filters and pages work in the browser too.
        driver.find_element(By.CSS_SELECTOR, '.filter[data-filter="all"]').click()
        wait.until(lambda d: "Page 1 of" in d.find_element(By.ID, "page-info").text)
        driver.find_element(By.CSS_SELECTOR, '.filter[data-filter="live"]').click()
        time.sleep(0.5)

        # Revoked: the console refuses at its next refresh, with the message.
        admin.send("POST", f"{agent_path}/revoke")
        wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-state") == "signed-out")
        message = driver.find_element(By.ID, "sign-in-error").text
        assert message == REVOKED, f"expected the revocation message, saw {message!r}"
        screenshots(driver, artifacts, "agent-revoked")
        print("agent console: sign-in, new-call alert, live status, claim, outcome and revocation work; "
              f"screenshots in {artifacts}")
    finally:
        driver.quit()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
