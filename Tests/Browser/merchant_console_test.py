#!/usr/bin/env python3
"""Real-browser test of the merchant console: headless Chromium, driven by Selenium, against a
real `cartline serve` with every role (started by Tools/browser-test, with the demo merchant
seeded).

The administrator registers a shop of its own ("console-shop": carts idle after 120 s, 10 %
held out) and invites its owner through the admin API. In the browser the owner first signs
in without a password (refused, in words), then sets one with the invitation code; the
session cookie is HttpOnly, SameSite=Strict and scoped to /v1/merchant. The overview draws
the conversion and spending charts as inline SVG. In Settings the owner changes two rules
(idle after 5 s, nobody held out) and saves; a reload shows them. They take effect: a shopper
who leaves a cart (public HTTP API) is offered a call within seconds, not two minutes. The
shopper accepts; the call shows on the console's Calls page; the spending and invoices page,
the webhook secrets (one added) and the users render. Another merchant's agent is refused.
Screenshots at 390, 768 and 1280 px; no width may scroll sideways.

Usage: merchant_console_test.py BASE_URL ARTIFACT_DIR   (env CARTLINE_ADMIN_TOKEN)
"""
import os
import sys
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from agent_console_test import Client, browser, screenshots

TIMEOUT_SECONDS = 20
MERCHANT_ID = "console-shop"
LOGIN = "owner@console-shop.test"
PASSWORD = "a long console password"
# With the old rule (120 s) no offer could come this soon; with the new one (5 s) it does.
OFFER_TIMEOUT_SECONDS = 25


def body_attribute(driver, name):
    return driver.find_element(By.TAG_NAME, "body").get_attribute(name)


def fill(driver, values):
    for field, value in values.items():
        element = driver.find_element(By.ID, field)
        element.clear()
        element.send_keys(value)


def tab(driver, name):
    driver.find_element(By.CSS_SELECTOR, f'.tab[data-tab="{name}"]').click()


def main(base_url, artifacts):
    os.makedirs(artifacts, exist_ok=True)
    admin = Client(base_url, {"Authorization": f"Bearer {os.environ['CARTLINE_ADMIN_TOKEN']}"})
    merchant = admin.send("GET", "/v1/admin/merchants/demo-shop")["merchant"]
    merchant.update(merchantId=MERCHANT_ID, name="Console Shop")
    merchant["engagement"].update(idleThresholdSeconds=120, holdoutBasisPoints=1000, cooldownSeconds=0)
    merchant["pricing"].update(payer="merchant")
    admin.send("POST", "/v1/admin/merchants", merchant, expect=(201,))
    invitation = admin.send("POST", f"/v1/admin/merchants/{MERCHANT_ID}/users", {"login": LOGIN}, expect=(201,))
    assert invitation["role"] == "owner" and invitation["console"] == "/merchant", invitation

    driver = browser()
    try:
        wait = WebDriverWait(driver, TIMEOUT_SECONDS)
        driver.get(base_url.rstrip("/") + "/merchant")
        wait.until(lambda d: body_attribute(d, "data-state") == "signed-out")

        # No password yet: refused beside the form, in words.
        fill(driver, {"merchant-id": MERCHANT_ID, "login": LOGIN, "password": PASSWORD})
        driver.find_element(By.ID, "sign-in-button").click()
        wait.until(lambda d: "the login or the password is wrong" in d.find_element(By.ID, "sign-in-error").text)
        # Two different passwords are caught before anything is sent.
        fill(driver, {"invite-code": invitation["code"], "new-password": PASSWORD, "new-password-again": PASSWORD + "!"})
        driver.find_element(By.ID, "password-button").click()
        wait.until(lambda d: "differ" in d.find_element(By.ID, "password-error").text)
        screenshots(driver, artifacts, "merchant-sign-in")

        fill(driver, {"new-password-again": PASSWORD})
        driver.find_element(By.ID, "password-button").click()
        wait.until(lambda d: body_attribute(d, "data-state") == "signed-in")
        assert "Console Shop" in driver.find_element(By.ID, "who-text").text
        cookies = {c["name"]: c for c in driver.execute_cdp_cmd("Network.getAllCookies", {})["cookies"]}
        session = cookies.get("cartline_merchant")
        assert session and session["httpOnly"] and session["sameSite"] == "Strict" and session["path"] == "/v1/merchant", session
        assert "cartline_merchant" not in driver.execute_script("return document.cookie"), "the session must be invisible to scripts"

        # The overview draws the finance report's charts as inline SVG.
        wait.until(lambda d: body_attribute(d, "data-overview") == "ready")
        charts = driver.execute_script("return [...document.querySelectorAll('.chart svg')].map(s => s.getAttribute('aria-label'))")
        assert len(charts) == 2 and charts[0].startswith("Conversion rate") and charts[1].startswith("Spending by day"), charts
        screenshots(driver, artifacts, "merchant-overview")

        # Change two rules and save.
        tab(driver, "settings")
        wait.until(lambda d: body_attribute(d, "data-settings") == "v1")
        assert driver.find_element(By.ID, "idleThresholdSeconds").get_attribute("value") == "120"
        fill(driver, {"idleThresholdSeconds": "5", "holdoutPercent": "0"})
        driver.find_element(By.ID, "save-settings").click()
        wait.until(lambda d: d.find_element(By.ID, "settings-status").text or d.find_element(By.ID, "settings-error").text)
        saved = driver.find_element(By.ID, "settings-status").text
        assert "Saved (version 2)" in saved, f"not saved: {driver.find_element(By.ID, 'settings-error').text!r}"
        screenshots(driver, artifacts, "merchant-settings")
        # Another shop's agent is not this shop's: the agent list offers only its own.
        agents = driver.execute_script("return [...document.querySelectorAll('#agent-access li')].map(l => l.dataset.agent)")
        assert agents == [a["name"] for a in merchant["agents"]], agents
        driver.refresh()
        wait.until(lambda d: body_attribute(d, "data-state") == "signed-in")
        tab(driver, "settings")
        wait.until(lambda d: body_attribute(d, "data-settings") == "v2")
        assert driver.find_element(By.ID, "idleThresholdSeconds").get_attribute("value") == "5"
        assert driver.find_element(By.ID, "holdoutPercent").get_attribute("value") == "0"
        stored = admin.send("GET", f"/v1/admin/merchants/{MERCHANT_ID}")["merchant"]["engagement"]
        assert stored["idleThresholdSeconds"] == 5 and stored["holdoutBasisPoints"] == 0, stored

        # The rules take effect: a cart left alone is offered a call within seconds.
        shopper = Client(base_url)
        cart = shopper.send("POST", "/v1/carts", {"merchantId": MERCHANT_ID}, expect=(201,))
        shopper.send("POST", f"/v1/carts/{cart['id']}/items", {"sku": merchant["catalog"][0]["sku"], "quantity": 1})
        shopper.send("PUT", "/v1/preferences", {"mode": "pstn", "phone": "+4930123456", "consent": True})
        started = time.monotonic()
        offer = None
        while time.monotonic() - started < OFFER_TIMEOUT_SECONDS and offer is None:
            offer = shopper.send("GET", "/v1/engagement").get("offer")
            if offer is None:
                time.sleep(0.5)
        assert offer is not None, f"no offer within {OFFER_TIMEOUT_SECONDS} s: the new idle threshold did not take effect"
        print(f"the cart was offered a call {time.monotonic() - started:.1f} s after it was left (new rule: 5 s; old: 120 s)")
        accepted = shopper.send("POST", f"/v1/offers/{offer['offerId']}/accept", expect=(200, 201, 202))
        call_id = accepted["callId"] if "callId" in accepted else accepted["call"]["callId"]

        # The call shows on the Calls page.
        tab(driver, "calls")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, f'.call[data-call-id="{call_id}"]'))
        text = driver.find_element(By.CSS_SELECTOR, f'.call[data-call-id="{call_id}"]').text
        assert "Requested" in text and "Cart" in text, text
        screenshots(driver, artifacts, "merchant-calls")

        # Spending and invoices.
        tab(driver, "invoices")
        wait.until(lambda d: body_attribute(d, "data-invoices") == "ready")
        summary = driver.find_element(By.ID, "spending-summary").text
        assert "paid by your shop" in summary, summary
        assert driver.find_elements(By.CSS_SELECTOR, "#spending-chart svg"), "the spending chart is drawn"
        screenshots(driver, artifacts, "merchant-invoices")

        # Webhook secrets: one added, shown once.
        tab(driver, "webhooks")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#secrets li"))
        driver.find_element(By.ID, "add-secret").click()
        wait.until(lambda d: "shown this once" in d.find_element(By.ID, "new-secret").text)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#secrets .remove-secret"))
        screenshots(driver, artifacts, "merchant-webhooks")

        # Users: the owner, who may invite.
        tab(driver, "users")
        wait.until(lambda d: LOGIN in d.find_element(By.ID, "users").text)
        assert driver.find_element(By.ID, "invite-form").is_displayed()
        screenshots(driver, artifacts, "merchant-users")

        driver.find_element(By.ID, "sign-out").click()
        wait.until(lambda d: body_attribute(d, "data-state") == "signed-out")
        assert "signed out" in driver.find_element(By.ID, "sign-in-error").text
        print("merchant console: sign-in, charts, a rule changed and taking effect, calls, invoices, webhooks and users work; "
              f"screenshots in {artifacts}")
    finally:
        driver.quit()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
