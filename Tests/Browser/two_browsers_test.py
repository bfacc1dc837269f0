#!/usr/bin/env python3
"""Two browsers talking through Cartline (issue 12): a shopper on the storefront and an agent
on the agent console, each a headless Chromium of its own with a fake microphone, against a
real `cartline serve` whose telephony node dials both legs through the Janus gateway.

The test registers a shop whose only agent answers in the console (`sipUri: browser`) and
pays for its calls itself. The agent signs in with a one-time code. A new shopper consents
(browser mode), puts an item in the cart and asks for help; the page joins its leg. The
agent's card shows an Answer button; the agent answers, the console joins the agent leg, and
the node bridges the two pages. Each page's RTCPeerConnection.getStats() then shows audio
packets and audio energy arriving from the other (Chromium's fake microphone beeps). The agent
hangs up: both pages say the call ended, and the log holds CallEnded with cause agent-hangup
and a billable time near the time talked.

Usage: two_browsers_test.py BASE_URL ARTIFACTS_DIR
Environment: CARTLINE_ADMIN_TOKEN, CARTLINE_DB_NAME, CARTLINE_JANUS_WS_URL.
"""
import json
import os
import sys
import time
import urllib.parse

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from agent_console_test import Client
from voice_test import ROOT, Skip, browser, call_ended_event, require_gateway, save_evidence, text, voice_stats

MERCHANT_ID = "talk-shop"
AGENT_NAME = "Dana"
TIMEOUT_SECONDS = 20
# From asking for help to both pages talking: the node rings the shopper's page, greets,
# then rings the agent's console (each retried until its page has registered).
CALL_TIMEOUT_SECONDS = 60
TALK_SECONDS = 5
MIN_INBOUND_PACKETS = 50


def register_merchant(admin):
    """The demo shop's catalog and rules, with one agent who answers in the console."""
    with open(os.path.join(ROOT, "Tools/demo/merchant.json")) as file:
        merchant = json.load(file)
    merchant.update(merchantId=MERCHANT_ID, name="Talk Shop", agents=[{"name": AGENT_NAME, "sipUri": "browser"}])
    merchant["pricing"].update(payer="merchant")
    admin.send("POST", "/v1/admin/merchants", merchant, expect=(201,))


def sign_in_agent(driver, admin, base_url):
    path = f"/v1/admin/merchants/{MERCHANT_ID}/agents/{urllib.parse.quote(AGENT_NAME, safe='')}/sign-in-codes"
    code = admin.send("POST", path, expect=(201,))["code"]
    wait = WebDriverWait(driver, TIMEOUT_SECONDS)
    driver.get(base_url + "/agent")
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-state") == "signed-out")
    for field, value in (("merchant-id", MERCHANT_ID), ("agent-name", AGENT_NAME), ("code", code)):
        element = driver.find_element(By.ID, field)
        element.clear()
        element.send_keys(value)
    driver.find_element(By.ID, "sign-in-button").click()
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
    driver.find_element(By.CSS_SELECTOR, ".filter[data-filter='live']").click()


def ask_for_help(driver, base_url):
    """A new shopper in browser mode asks for help; the call's id."""
    wait = WebDriverWait(driver, TIMEOUT_SECONDS)
    driver.get(base_url + f"/?merchant={MERCHANT_ID}")
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
    driver.find_element(By.ID, "pref-consent").click()
    driver.find_element(By.ID, "prefs-save").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "prefs-status"), "here on this page"))
    driver.find_elements(By.CSS_SELECTOR, "button.add-item")[0].click()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#cart-items tr.cart-line")) == 1)
    driver.find_element(By.ID, "help").click()
    WebDriverWait(driver, CALL_TIMEOUT_SECONDS).until(
        lambda d: d.find_element(By.ID, "call-section").get_attribute("data-call-id"))
    return driver.find_element(By.ID, "call-section").get_attribute("data-call-id")


def no_voice_error(driver, who):
    error = text(driver, "voice-error")
    if error:
        if "no browser gateway" in error.lower():
            raise Skip(f"the server mints no voice credentials: {error}")
        raise AssertionError(f"the {who}'s page could not join the call: {error}")


def talking(driver, who):
    no_voice_error(driver, who)
    return voice_stats(driver)["phase"] == "talking"


def hearing(driver, before):
    now = voice_stats(driver)
    return now["inPackets"] >= before["inPackets"] + MIN_INBOUND_PACKETS and now["inEnergy"] > before["inEnergy"]


def main(base_url, artifacts):
    base_url = base_url.rstrip("/")
    try:
        require_gateway(base_url)
    except Skip as skip:
        print(f"SKIP two-browser test: {skip}")
        return
    admin = Client(base_url, {"Authorization": f"Bearer {os.environ['CARTLINE_ADMIN_TOKEN']}"})
    register_merchant(admin)
    agent, shopper = browser(), browser()
    try:
        sign_in_agent(agent, admin, base_url)
        call_id = ask_for_help(shopper, base_url)
        print(f"the shopper asked for help: call {call_id}")

        # The agent's card offers Answer (the call is routed to this agent, who answers here).
        answer = f".call[data-call-id='{call_id}'] button.answer"
        WebDriverWait(agent, TIMEOUT_SECONDS).until(lambda d: d.find_elements(By.CSS_SELECTOR, answer)
                                                    and d.find_element(By.CSS_SELECTOR, answer).is_displayed())
        agent.find_element(By.CSS_SELECTOR, answer).click()
        WebDriverWait(agent, CALL_TIMEOUT_SECONDS).until(lambda d: talking(d, "agent"))
        WebDriverWait(shopper, CALL_TIMEOUT_SECONDS).until(lambda d: talking(d, "shopper"))
        WebDriverWait(shopper, CALL_TIMEOUT_SECONDS).until(
            lambda d: d.find_element(By.ID, "call-section").get_attribute("data-status") == "talking")
        talk_started = time.monotonic()
        agent_before, shopper_before = voice_stats(agent), voice_stats(shopper)
        print(f"both pages talk: agent {json.dumps(agent_before)}, shopper {json.dumps(shopper_before)}")

        # Each page hears the other: packets and audio energy arrive on both.
        WebDriverWait(agent, TIMEOUT_SECONDS).until(lambda d: hearing(d, agent_before))
        WebDriverWait(shopper, TIMEOUT_SECONDS).until(lambda d: hearing(d, shopper_before))
        time.sleep(max(0.0, TALK_SECONDS - (time.monotonic() - talk_started)))
        agent_stats, shopper_stats = voice_stats(agent), voice_stats(shopper)
        print(f"after {time.monotonic() - talk_started:.1f} s: agent {json.dumps(agent_stats)}, shopper {json.dumps(shopper_stats)}")
        assert agent_stats["outPackets"] > 0 and shopper_stats["outPackets"] > 0, (agent_stats, shopper_stats)
        assert "Talking" in text(agent, "voice-state"), text(agent, "voice-state")
        agent.save_screenshot(os.path.join(artifacts, "two-browsers-agent.png"))
        shopper.save_screenshot(os.path.join(artifacts, "two-browsers-shopper.png"))

        # The agent hangs up: both pages say so, and the call is billed for the time talked.
        talked_seconds = time.monotonic() - talk_started
        agent.find_element(By.ID, "voice-hangup").click()
        WebDriverWait(agent, TIMEOUT_SECONDS).until(lambda d: voice_stats(d)["phase"] == "ended")
        WebDriverWait(shopper, TIMEOUT_SECONDS).until(lambda d: "Call ended" in text(d, "call-status"))
        event = call_ended_event(call_id)
        assert event, f"no CallEnded in the log for call-{call_id}"
        assert event["cause"] == "agent-hangup", event
        billable_seconds = event["billableMilliseconds"] / 1000
        assert abs(billable_seconds - talked_seconds) < 5, f"billable {billable_seconds:.1f} s, talked about {talked_seconds:.1f} s"
        print(f"two-browser test passed: CallEnded ({event['cause']}, billable {billable_seconds:.1f} s, talked about "
              f"{talked_seconds:.1f} s); the agent's page received {agent_stats['inPackets']} packets, the shopper's {shopper_stats['inPackets']}")
    except Skip as skip:
        print(f"SKIP two-browser test: {skip}")
    except Exception:
        for name, driver in (("agent", agent), ("shopper", shopper)):
            save_evidence(driver, artifacts, f"two-browsers-{name}")
        print(f"two-browser test FAILED; screenshots and console logs in {artifacts}", file=sys.stderr)
        raise
    finally:
        agent.quit()
        shopper.quit()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: two_browsers_test.py BASE_URL ARTIFACTS_DIR")
    main(sys.argv[1], sys.argv[2])
