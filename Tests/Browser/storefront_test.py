#!/usr/bin/env python3
"""Real-browser test of the storefront: headless Chromium, driven by Selenium, against a
real `cartline serve` (started by Tools/browser-test). Adds two items, sets preferences,
reloads, and checks that the cart and the preferences are still there; then waits for the
server to push a call offer, accepts it, and sees the call's status (kept over a reload);
then waits for the call to end. Saves screenshots.

Usage: storefront_test.py BASE_URL SCREENSHOT_PATH
"""
import sys
from datetime import datetime, timezone

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

TIMEOUT_SECONDS = 20
# The demo merchant idles carts after 20 s; the scheduler looks every second.
OFFER_TIMEOUT_SECONDS = 60
CALL_STATUSES = ("requested", "connecting", "ringing", "answered", "talking", "ended", "failed")


# From accepting to talking (ring, greeting, agent) and from talking to the handset's hang-up (30 s).
CALL_TIMEOUT_SECONDS = 60


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1200,1000"):
        options.add_argument(argument)
    # Debian's driver; Selenium Manager would try to download one, and this machine is offline.
    return webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)


def wait_ready(driver):
    WebDriverWait(driver, TIMEOUT_SECONDS).until(
        lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")


def cart_skus(driver):
    # Read in one script: the page re-renders the rows, and element handles go stale.
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#cart-items tr.cart-line')).map(row => row.dataset.sku)")


def main(base_url, screenshot_path):
    driver = browser()
    try:
        driver.get(base_url)
        wait_ready(driver)
        wait = WebDriverWait(driver, TIMEOUT_SECONDS)
        buttons = driver.find_elements(By.CSS_SELECTOR, "button.add-item")
        assert len(buttons) >= 2, f"expected the demo catalog, found {len(buttons)} items"
        first, second = buttons[0].get_attribute("data-sku"), buttons[1].get_attribute("data-sku")
        buttons[0].click()
        wait.until(lambda d: cart_skus(d) == [first])
        buttons[1].click()
        wait.until(lambda d: cart_skus(d) == [first, second])

        Select(driver.find_element(By.ID, "pref-mode")).select_by_value("pstn")
        driver.find_element(By.ID, "pref-phone").send_keys("+4930123456")
        driver.find_element(By.ID, "pref-sip").send_keys("sip:ann@example.net")
        driver.find_element(By.ID, "pref-consent").click()
        # Quiet hours well away from now, so the offer below is due whenever the test runs.
        hour = datetime.now(timezone.utc).hour
        quiet_start, quiet_end = f"{(hour + 6) % 24:02d}:00", f"{(hour + 8) % 24:02d}:00"
        driver.find_element(By.ID, "pref-quiet-start").send_keys(quiet_start)
        driver.find_element(By.ID, "pref-quiet-end").send_keys(quiet_end)
        driver.find_element(By.ID, "pref-tz").send_keys("UTC")
        driver.find_element(By.ID, "prefs-save").click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "prefs-status"), "Saved preferences (pstn)"))
        assert driver.find_element(By.ID, "message").text == "", driver.find_element(By.ID, "message").text

        driver.refresh()
        wait_ready(driver)
        wait.until(lambda d: cart_skus(d) == [first, second])
        wait.until(lambda d: d.find_element(By.ID, "pref-phone").get_attribute("value") == "+4930123456")
        assert Select(driver.find_element(By.ID, "pref-mode")).first_selected_option.get_attribute("value") == "pstn"
        assert driver.find_element(By.ID, "pref-consent").is_selected()
        assert driver.find_element(By.ID, "pref-quiet-start").get_attribute("value") == quiet_start
        assert driver.find_element(By.ID, "pref-tz").get_attribute("value") == "UTC"
        total = driver.find_element(By.ID, "cart-total").text
        assert total.endswith("EUR") and total != "0.00 EUR", total
        cookies = {cookie["name"]: cookie for cookie in driver.get_cookies()}
        assert cookies["cartline_session"]["httpOnly"], "the session cookie must be HttpOnly"
        assert "4930123456" not in cookies["cartline_prefs"]["value"], "the preferences cookie must be encrypted"
        driver.save_screenshot(screenshot_path)

        # Left alone, the cart goes idle (the demo merchant: 20 s) and the server pushes an
        # offer of a call over Server-Sent Events: it appears without a reload.
        WebDriverWait(driver, OFFER_TIMEOUT_SECONDS).until(
            lambda d: d.find_element(By.ID, "offer-section").is_displayed())
        # Going idle changed nothing the shopper's concurrency check sees: adding an item now
        # lands, with no "the cart changed elsewhere".
        third = driver.find_elements(By.CSS_SELECTOR, "button.add-item")[2]
        third_sku = third.get_attribute("data-sku")
        third.click()
        wait.until(lambda d: cart_skus(d) == [first, second, third_sku])
        assert driver.find_element(By.ID, "message").text == "", driver.find_element(By.ID, "message").text
        driver.find_element(By.ID, "offer-accept").click()
        # The "Your call" box shows the call's state in words (whatever a telephony node has
        # made of it by now), the mode in words, and never the number.
        wait.until(lambda d: d.find_element(By.ID, "call-section").get_attribute("data-status") in CALL_STATUSES)
        wait.until(lambda d: d.find_element(By.ID, "call-status").text != "")
        detail = driver.find_element(By.ID, "call-detail").text
        box = driver.find_element(By.ID, "call-section").text
        assert "4930123456" not in box, f"the number is personal data: {box}"
        assert "on your phone" in detail or driver.find_element(By.ID, "call-section").get_attribute("data-status") in ("ended", "failed"), detail
        # The call is placed for real: the demo handset (behind Kamailio) answers, the greeting
        # plays, the agent is bridged — the box says the shopper is talking with Dana.
        WebDriverWait(driver, CALL_TIMEOUT_SECONDS).until(
            lambda d: d.find_element(By.ID, "call-section").get_attribute("data-status") == "talking")
        assert "Talking with" in driver.find_element(By.ID, "call-status").text, driver.find_element(By.ID, "call-status").text
        driver.save_screenshot(screenshot_path.replace(".png", "-call.png"))

        # A reload keeps the box (the stream's catch-up, or the call id the tab remembers).
        call_id = driver.find_element(By.ID, "call-section").get_attribute("data-call-id")
        driver.refresh()
        wait_ready(driver)
        wait.until(lambda d: d.find_element(By.ID, "call-section").get_attribute("data-call-id") == call_id)
        assert driver.find_element(By.ID, "call-section").is_displayed()
        assert driver.find_element(By.ID, "call-status").text != ""

        # The demo handset hangs up after 30 s: the storefront says the call ended, and how long it took.
        driver.get(base_url)
        wait_ready(driver)
        WebDriverWait(driver, CALL_TIMEOUT_SECONDS).until(
            lambda d: d.find_element(By.ID, "call-section").get_attribute("data-status") == "ended")
        ended = driver.find_element(By.ID, "call-status").text
        assert "Call ended after" in ended, ended
        driver.save_screenshot(screenshot_path.replace(".png", "-ended.png"))
        print(f"storefront browser test passed: cart {first}, {second}; total {total}; offer accepted: {detail}; screenshot {screenshot_path}")
    except Exception:
        driver.save_screenshot(screenshot_path)
        print(f"storefront browser test FAILED; screenshot {screenshot_path}", file=sys.stderr)
        raise
    finally:
        driver.quit()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: storefront_test.py BASE_URL SCREENSHOT_PATH")
    main(sys.argv[1], sys.argv[2])
