#!/usr/bin/env python3
"""Real-browser test of talking from the storefront (issue 12, browser mode): headless
Chromium with a fake microphone, driven by Selenium, against a real `cartline serve` whose
telephony node dials browser legs through the Janus gateway (Tools/janus/run, started by
Tools/browser-test) and whose agent is the far ends' SIPp agent (it echoes RTP).

A new shopper of the demo shop (which bills its shoppers) saves preferences in browser mode
(consent, no number), tops up the wallet, puts an item in the cart and asks for help. The page
asks for the microphone, fetches the call's credentials (POST /v1/calls/{id}/voice), loads
/vendor/janus.js from Cartline, registers through Janus and accepts the node's INVITE. While
it talks, the page's RTCPeerConnection.getStats() shows audio packets received and audio
energy > 0 (the page's own fake-microphone tone, echoed by the agent). Hang up on the page:
the call says "Call ended", and the log holds CallEnded with cause customer-hangup and a
billable time near the time talked.

Exits 0 with a "SKIP" line (and says what is missing) when the server has no browser
gateway: no /vendor/janus.js, or the call cannot get voice credentials.

Usage: voice_test.py BASE_URL ARTIFACTS_DIR
Environment: CARTLINE_DB_NAME (the test's database, read with Tools/db psql).
"""
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TIMEOUT_SECONDS = 20
# From asking for help to the page talking: the node rings the page (retrying until it has
# registered), the handler greets, the agent answers.
CALL_TIMEOUT_SECONDS = 60
# How long the page talks before hanging up, and how long the echo has to show.
TALK_SECONDS = 6
MIN_INBOUND_PACKETS = 50
# CallEnded lands in the log a moment after the BYE.
LOG_TIMEOUT_SECONDS = 20


class Skip(Exception):
    """The server side of browser mode is not there: nothing to test against."""


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000",
                     "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                     "--autoplay-policy=no-user-gesture-required"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)


def attribute(driver, element_id, name):
    return driver.find_element(By.ID, element_id).get_attribute(name)


def text(driver, element_id):
    return driver.find_element(By.ID, element_id).text


def shown(driver, element_id):
    return driver.find_element(By.ID, element_id).is_displayed()


def voice_stats(driver):
    return driver.execute_script(
        "const d = document.getElementById('voice').dataset;"
        "return {phase: d.phase || null, inPackets: Number(d.inPackets || 0), inEnergy: Number(d.inEnergy || 0),"
        " outPackets: Number(d.outPackets || 0), level: Number(document.getElementById('voice-level').value)};")


def save_evidence(driver, artifacts, name):
    """After a failure: the page's screenshot (`<name>-failed.png`) and its console log
    (`<name>-console.log`). Evidence is a courtesy; the failure itself is what matters."""
    try:
        driver.save_screenshot(os.path.join(artifacts, f"{name}-failed.png"))
        with open(os.path.join(artifacts, f"{name}-console.log"), "w") as log:
            for entry in driver.get_log("browser"):
                log.write(f"{entry['level']} {entry['message']}\n")
    except Exception:
        pass


def db(sql):
    """One value from the test's database (Tools/db psql, CARTLINE_DB_NAME from the environment)."""
    result = subprocess.run([os.path.join(ROOT, "Tools/db"), "psql", "-tAc", sql], capture_output=True, text=True, timeout=30, check=True)
    return result.stdout.strip()


def require_gateway(base_url):
    try:
        with urllib.request.urlopen(base_url + "/vendor/janus.js", timeout=10) as response:
            library = response.read()
            assert b"Janus" in library, "/vendor/janus.js does not look like janus.js"
            assert "javascript" in response.headers.get("Content-Type", ""), response.headers.get("Content-Type")
    except urllib.error.HTTPError as error:
        raise Skip(f"GET /vendor/janus.js answered {error.code}: {error.read()[:200]!r}")
    with urllib.request.urlopen(base_url + "/", timeout=10) as response:
        policy = response.headers.get("Content-Security-Policy", "")
    websocket = os.environ.get("CARTLINE_JANUS_WS_URL", "")
    if not websocket:
        raise Skip("CARTLINE_JANUS_WS_URL is not set: Tools/browser-test started no gateway")
    assert websocket in policy, f"the page's Content-Security-Policy must allow {websocket}: {policy}"


def call_ended_event(call_id):
    """The call's CallEnded payload once it is in the log (None after LOG_TIMEOUT_SECONDS)."""
    deadline = time.monotonic() + LOG_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        ended = db(f"SELECT data::text FROM events WHERE event_type = 'CallEnded' AND stream_id = 'call-{call_id}'")
        if ended:
            return json.loads(ended)
        time.sleep(0.25)
    return None


def ask_for_a_browser_call(driver, base_url):
    """A new shopper of the demo shop in browser mode asks for help; the call's id once the
    page and the agent talk, the time the agent joined, and the page's statistics then."""
    wait = WebDriverWait(driver, TIMEOUT_SECONDS)
    # A new shopper: the cookies go on the shop's own origin (a new tab starts elsewhere).
    driver.get(base_url + "/health")
    driver.delete_all_cookies()
    driver.get(base_url + "/?merchant=demo-shop")
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")

    # Browser mode is the default: consent alone.
    mode = Select(driver.find_element(By.ID, "pref-mode"))
    assert mode.first_selected_option.get_attribute("value") == "browser", mode.first_selected_option.text
    assert "this page" in mode.first_selected_option.text
    assert not shown(driver, "phone-field") and not shown(driver, "sip-field")
    driver.find_element(By.ID, "pref-consent").click()
    driver.find_element(By.ID, "prefs-save").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "prefs-status"), "here on this page"))

    # The demo shop bills its shoppers: money in the wallet first (the page's own top-up).
    amount = driver.find_element(By.ID, "wallet-amount")
    amount.clear()
    amount.send_keys("20")
    driver.find_element(By.ID, "wallet-top-up").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "wallet-balance"), "20"))
    driver.find_elements(By.CSS_SELECTOR, "button.add-item")[0].click()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#cart-items tr.cart-line")) == 1)

    driver.find_element(By.ID, "help").click()
    WebDriverWait(driver, CALL_TIMEOUT_SECONDS).until(lambda d: attribute(d, "call-section", "data-call-id"))
    call_id = attribute(driver, "call-section", "data-call-id")
    print(f"the call {call_id}: {text(driver, 'call-status')}")
    wait.until(lambda d: shown(d, "voice"))

    def joined_or_refused(d):
        error = text(d, "voice-error")
        if error:
            if "no browser gateway" in error.lower() or "not configured" in error.lower():
                raise Skip(f"the server mints no voice credentials: {error}")
            raise AssertionError(f"the page could not join the call: {error}")
        return voice_stats(d)["phase"] == "talking"

    WebDriverWait(driver, CALL_TIMEOUT_SECONDS).until(joined_or_refused)
    print(f"the page is talking; the call says: {text(driver, 'call-status')}; getStats: {json.dumps(voice_stats(driver))}")
    # The bill counts from the agent joining (the call's `talking`), not from the page's answer.
    WebDriverWait(driver, CALL_TIMEOUT_SECONDS).until(lambda d: attribute(d, "call-section", "data-status") == "talking")
    talk_started = time.monotonic()
    bridged = voice_stats(driver)
    print(f"the agent joined; the call says: {text(driver, 'call-status')}; getStats: {json.dumps(bridged)}")
    assert shown(driver, "call-duration"), "the call's duration ticks while talking"
    return call_id, talk_started, bridged


def talk_and_hang_up(driver, base_url, artifacts):
    wait = WebDriverWait(driver, TIMEOUT_SECONDS)
    call_id, talk_started, bridged = ask_for_a_browser_call(driver, base_url)

    # The browser's audio reaches the agent, which echoes it: more packets and more energy.
    WebDriverWait(driver, TIMEOUT_SECONDS).until(
        lambda d: voice_stats(d)["inPackets"] >= bridged["inPackets"] + MIN_INBOUND_PACKETS
        and voice_stats(d)["inEnergy"] > bridged["inEnergy"])
    time.sleep(max(0.0, TALK_SECONDS - (time.monotonic() - talk_started)))
    stats = voice_stats(driver)
    print(f"getStats after {time.monotonic() - talk_started:.1f} s talking with the agent: {json.dumps(stats)}")
    assert stats["outPackets"] > 0, stats
    assert stats["level"] > 0 or stats["inEnergy"] > 0, stats
    assert not driver.find_element(By.ID, "voice-mute").get_attribute("disabled")
    driver.find_element(By.ID, "voice-mute").click()
    wait.until(lambda d: attribute(d, "voice-mute", "aria-pressed") == "true")
    driver.find_element(By.ID, "voice-mute").click()
    wait.until(lambda d: attribute(d, "voice-mute", "aria-pressed") == "false")
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(os.path.join(artifacts, "voice-talking.png"))

    talked_seconds = time.monotonic() - talk_started
    driver.find_element(By.ID, "voice-hangup").click()
    WebDriverWait(driver, TIMEOUT_SECONDS).until(lambda d: "Call ended" in text(d, "call-status"))
    assert voice_stats(driver)["phase"] == "ended", voice_stats(driver)
    print(f"after Hang up the call says: {text(driver, 'call-status')}")
    # The demo shop bills the shopper: the page shows what the call cost once it is charged.
    WebDriverWait(driver, TIMEOUT_SECONDS).until(lambda d: shown(d, "call-cost"))
    print(f"the page says: {text(driver, 'call-cost')}")
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(os.path.join(artifacts, "voice-ended.png"))

    event = call_ended_event(call_id)
    assert event, f"no CallEnded in the log for call-{call_id}"
    assert event["cause"] == "customer-hangup", event
    billable_seconds = event["billableMilliseconds"] / 1000
    assert abs(billable_seconds - talked_seconds) < 5, f"billable {billable_seconds:.1f} s, talked about {talked_seconds:.1f} s"
    print(f"CallEnded: cause {event['cause']}, billable {billable_seconds:.1f} s (talked about {talked_seconds:.1f} s on the page)")
    return stats


def close_the_tab(driver, base_url):
    """Closing the shopper's tab mid-call ends the call at once, as the shopper's hang-up."""
    first_tab = driver.current_window_handle
    driver.switch_to.new_window("tab")
    call_id, talk_started, _ = ask_for_a_browser_call(driver, base_url)
    time.sleep(2)
    driver.close()
    closed = time.monotonic()
    driver.switch_to.window(first_tab)
    event = call_ended_event(call_id)
    assert event, f"closing the tab left call-{call_id} without CallEnded for {LOG_TIMEOUT_SECONDS} s"
    noticed = time.monotonic() - closed
    assert event["cause"] == "customer-hangup", event
    talked_seconds = closed - talk_started
    billable_seconds = event["billableMilliseconds"] / 1000
    assert billable_seconds > 0 and abs(billable_seconds - talked_seconds) < 5, \
        f"billable {billable_seconds:.1f} s, talked about {talked_seconds:.1f} s"
    print(f"closing the tab: CallEnded ({event['cause']}, billable {billable_seconds:.1f} s) in the log {noticed:.1f} s later")


def main(base_url, artifacts):
    base_url = base_url.rstrip("/")
    try:
        require_gateway(base_url)
    except Skip as skip:
        print(f"SKIP voice browser test: {skip}")
        return
    driver = browser()
    try:
        stats = talk_and_hang_up(driver, base_url, artifacts)
        close_the_tab(driver, base_url)
        print(f"voice browser test passed (inbound packets {stats['inPackets']}, energy {stats['inEnergy']:.4f})")
    except Skip as skip:
        print(f"SKIP voice browser test: {skip}")
    except Exception:
        save_evidence(driver, artifacts, "voice")
        print(f"voice browser test FAILED; screenshot and console log in {artifacts}", file=sys.stderr)
        raise
    finally:
        driver.quit()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: voice_test.py BASE_URL ARTIFACTS_DIR")
    main(sys.argv[1], sys.argv[2])
