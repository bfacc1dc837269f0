#!/usr/bin/env python3
"""Real-browser test of the storefront: headless Chromium, driven by Selenium, against a
real `cartline serve` with real far ends (started by Tools/browser-test).

The demo shop (idle after 20 s): two items in the cart, preferences with a national phone
number read with the shop's country, a reload keeps both. A second tab opens. The cart goes
idle and the offer is pushed to both tabs; with the offer showing, the shopper adds an item
and changes a quantity — both land, nothing is refused. Accepting in one tab shows the call
in both (the offer leaves both); the call is placed for real, answered, bridged; a reload
keeps the call box; the handset hangs up and both tabs say how long it took.

The quick shop (`quick-shop`: idle after 5 s, offers open 10 s), each time a new shopper:
an offer declined says so; an offer left alone expires and says so; a call to a phone that
never answers (it rings) is cancelled from the page.

Screenshots at 390, 768 and 1280 px wide, none of which may scroll sideways.

Usage: storefront_test.py BASE_URL SCREENSHOT_PATH UNANSWERED_SIP_URI
"""
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

TIMEOUT_SECONDS = 20
# The demo merchant idles carts after 20 s; the scheduler looks every second.
OFFER_TIMEOUT_SECONDS = 60
# From accepting to talking (ring, greeting, agent) and from talking to the handset's hang-up (30 s).
CALL_TIMEOUT_SECONDS = 60
WIDTHS = (390, 768, 1280)
ZONE = "Europe/Berlin"


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000"):
        options.add_argument(argument)
    # Debian's driver; Selenium Manager would try to download one, and this machine is offline.
    return webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)


def wait_ready(driver):
    WebDriverWait(driver, TIMEOUT_SECONDS).until(
        lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")


def cart_lines(driver):
    # Read in one script: the page re-renders the rows, and element handles go stale.
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#cart-items tr.cart-line'))"
        ".map(row => [row.dataset.sku, Number(row.querySelector('.qty-input').value)])")


def skus(driver):
    return [sku for sku, _ in cart_lines(driver)]


def attribute(driver, element_id, name):
    return driver.find_element(By.ID, element_id).get_attribute(name)


def shown(driver, element_id):
    return driver.find_element(By.ID, element_id).is_displayed()


def text(driver, element_id):
    return driver.find_element(By.ID, element_id).text


def no_errors(driver):
    """No error text anywhere on the page (none beside a control, none at the bottom)."""
    errors = driver.execute_script(
        "return Array.from(document.querySelectorAll('.field-error, #message'))"
        ".filter(e => !e.hidden && e.textContent.trim()).map(e => e.textContent)")
    assert errors == [], f"the page shows errors: {errors}"


def set_value(driver, element_id, value):
    # Time inputs take their value in 24-hour "HH:MM" whatever the browser's locale shows.
    driver.execute_script("arguments[0].value = arguments[1]", driver.find_element(By.ID, element_id), value)


def screenshots(driver, path, name):
    """The page at each width, saved; none scrolls sideways."""
    for width in WIDTHS:
        driver.set_window_size(width, 1000)
        overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        driver.save_screenshot(path.replace(".png", f"-{name}-{width}.png"))
        assert overflow <= 0, f"at {width} px the page scrolls sideways by {overflow} px ({name})"
    driver.set_window_size(1280, 1000)


def in_tab(driver, handle):
    driver.switch_to.window(handle)
    return driver


def demo_shop(driver, base_url, path):
    wait = WebDriverWait(driver, TIMEOUT_SECONDS)
    driver.get(base_url)
    wait_ready(driver)
    buttons = driver.find_elements(By.CSS_SELECTOR, "button.add-item")
    assert len(buttons) >= 3, f"expected the demo catalog, found {len(buttons)} items"
    first, second, third = (button.get_attribute("data-sku") for button in buttons[:3])
    buttons[0].click()
    wait.until(lambda d: skus(d) == [first])
    buttons[1].click()
    wait.until(lambda d: skus(d) == [first, second])

    # Preferences in a shopper's words: a national number read with the shop's country
    # (Germany), quiet hours well away from now, a time zone chosen by city.
    Select(driver.find_element(By.ID, "pref-mode")).select_by_value("pstn")
    assert shown(driver, "phone-field") and not shown(driver, "sip-field")
    driver.find_element(By.ID, "pref-phone").send_keys("030 123456")
    driver.find_element(By.ID, "pref-consent").click()
    hour = datetime.now(ZoneInfo(ZONE)).hour
    quiet_start, quiet_end = f"{(hour + 6) % 24:02d}:00", f"{(hour + 8) % 24:02d}:00"
    set_value(driver, "pref-quiet-start", quiet_start)
    set_value(driver, "pref-quiet-end", quiet_end)
    Select(driver.find_element(By.ID, "pref-tz")).select_by_value(ZONE)
    assert "Berlin" in Select(driver.find_element(By.ID, "pref-tz")).first_selected_option.text
    driver.find_element(By.ID, "prefs-save").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "prefs-status"), "We may call you on +4930123456"))
    no_errors(driver)

    # The demo shop bills calls to the shopper: top the wallet up by 5 EUR.
    assert "No money" in text(driver, "wallet-balance"), text(driver, "wallet-balance")
    set_value(driver, "wallet-amount", "5")
    driver.find_element(By.ID, "wallet-top-up").click()
    wait.until(lambda d: "Balance" in text(d, "wallet-balance") and "5.00" in text(d, "wallet-balance"))
    assert "Top-up" in text(driver, "wallet-recent"), text(driver, "wallet-recent")
    no_errors(driver)

    driver.refresh()
    wait_ready(driver)
    wait.until(lambda d: skus(d) == [first, second])
    wait.until(lambda d: attribute(d, "pref-phone", "value") == "+4930123456")
    assert driver.find_element(By.ID, "pref-consent").is_selected()
    assert attribute(driver, "pref-quiet-start", "value") == quiet_start
    assert attribute(driver, "pref-tz", "value") == ZONE
    page = driver.find_element(By.TAG_NAME, "body").text
    for jargon in ("E.164", "PSTN", "SIP URI", "checkingOut", "Order ref"):
        assert jargon not in page, f"jargon on the page: {jargon}"
    total = text(driver, "cart-total")
    assert total.endswith("EUR") and total != "0.00 EUR", total
    cookies = {cookie["name"]: cookie for cookie in driver.get_cookies()}
    assert cookies["cartline_session"]["httpOnly"], "the session cookie must be HttpOnly"
    assert "4930123456" not in cookies["cartline_prefs"]["value"], "the preferences cookie must be encrypted"
    screenshots(driver, path, "cart")

    # A second tab of the same shopper.
    tab_a = driver.current_window_handle
    driver.switch_to.new_window("tab")
    tab_b = driver.current_window_handle
    driver.get(base_url)
    wait_ready(driver)

    # Left alone, the cart goes idle and the offer is pushed to both tabs.
    for tab in (tab_a, tab_b):
        WebDriverWait(in_tab(driver, tab), OFFER_TIMEOUT_SECONDS).until(lambda d: shown(d, "offer-section"))
    # Going idle changed nothing the shopper's concurrency check sees: with the offer showing,
    # an added item and a changed quantity both land, and nothing is refused.
    in_tab(driver, tab_a)
    driver.find_element(By.CSS_SELECTOR, f"button.add-item[data-sku='{third}']").click()
    wait.until(lambda d: skus(d) == [first, second, third])
    quantity = driver.find_element(By.CSS_SELECTOR, f"tr.cart-line[data-sku='{first}'] .qty-input")
    quantity.clear()
    quantity.send_keys("2")
    driver.execute_script("arguments[0].dispatchEvent(new Event('change'))", quantity)
    wait.until(lambda d: dict(cart_lines(d)).get(first) == 2)
    no_errors(driver)
    # The other tab's page still holds the old version: its change lost a race with this
    # tab's, and is applied again to the cart as it is now — the click is not lost.
    in_tab(driver, tab_b)
    driver.find_element(By.CSS_SELECTOR, f"button.add-item[data-sku='{second}']").click()
    wait.until(lambda d: dict(cart_lines(d)).get(second) == 2)
    assert dict(cart_lines(driver)).get(first) == 2, cart_lines(driver)
    assert "another tab" in text(driver, "cart-notice"), text(driver, "cart-notice")
    no_errors(driver)
    screenshots(driver, path, "offer")

    # Before accepting, the shopper is told who pays and what it costs.
    in_tab(driver, tab_a)
    assert shown(driver, "offer-section")
    offer_text = text(driver, "offer-text")
    assert "a minute" in offer_text and "wallet" in offer_text, offer_text
    # Accepted in one tab: both show the call, neither the offer.
    driver.find_element(By.ID, "offer-accept").click()
    for tab in (tab_a, tab_b):
        WebDriverWait(in_tab(driver, tab), TIMEOUT_SECONDS).until(lambda d: shown(d, "call-section") and not shown(d, "offer-section"))
        box = text(driver, "call-section")
        assert "4930123456" not in box, f"the number is personal data: {box}"
    # The call is placed for real: the demo handset (behind Kamailio) answers, the greeting
    # plays, the agent is bridged — both tabs say the shopper is talking with Dana.
    for tab in (tab_a, tab_b):
        WebDriverWait(in_tab(driver, tab), CALL_TIMEOUT_SECONDS).until(lambda d: attribute(d, "call-section", "data-status") == "talking")
        assert "Talking with" in text(driver, "call-status"), text(driver, "call-status")
        assert not shown(driver, "call-cancel"), "a connected call cannot be cancelled from the page"
    screenshots(driver, path, "call")

    # A reload keeps the box: the state comes from the server.
    in_tab(driver, tab_a)
    call_id = attribute(driver, "call-section", "data-call-id")
    driver.refresh()
    wait_ready(driver)
    wait.until(lambda d: attribute(d, "call-section", "data-call-id") == call_id)
    assert shown(driver, "call-section") and text(driver, "call-status") != ""

    # The demo handset hangs up after 30 s: both tabs say the call ended, and how long it took.
    for tab in (tab_a, tab_b):
        WebDriverWait(in_tab(driver, tab), CALL_TIMEOUT_SECONDS).until(lambda d: attribute(d, "call-section", "data-status") == "ended")
        assert "Call ended after" in text(driver, "call-status"), text(driver, "call-status")
    driver.close()
    in_tab(driver, tab_a)
    # A reload (or a new tab) still says how the call ended.
    driver.refresh()
    wait_ready(driver)
    wait.until(lambda d: "Call ended after" in text(d, "call-status"))
    # The call was charged to the wallet: a "Call" line, and less than the 5 EUR topped up.
    WebDriverWait(driver, TIMEOUT_SECONDS).until(lambda d: "Call" in text(d, "wallet-recent"))
    balance = text(driver, "wallet-balance")
    assert "5.00" not in balance and "held" not in balance, balance
    screenshots(driver, path, "ended")

    # Checkout takes no order number from the shopper: the server assigns it.
    driver.find_element(By.ID, "checkout").click()
    wait.until(lambda d: d.find_element(By.ID, "complete").is_enabled())
    driver.find_element(By.ID, "complete").click()
    wait.until(lambda d: "Your order CL-" in text(d, "cart-notice"))
    no_errors(driver)
    return text(driver, "cart-total") or total


def quick_shopper(driver, base_url, unreachable_sip_uri):
    """A new shopper of the quick shop with a SIP phone that rings and nobody answers, and one item."""
    wait = WebDriverWait(driver, TIMEOUT_SECONDS)
    driver.delete_all_cookies()
    driver.get(base_url + "?merchant=quick-shop")
    wait_ready(driver)
    assert text(driver, "shop-name") == "Quick Shop", text(driver, "shop-name")
    Select(driver.find_element(By.ID, "pref-mode")).select_by_value("voip")
    assert shown(driver, "sip-field") and not shown(driver, "phone-field")
    driver.find_element(By.ID, "pref-sip").send_keys(unreachable_sip_uri)
    driver.find_element(By.ID, "pref-consent").click()
    driver.find_element(By.ID, "prefs-save").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "prefs-status"), "We may call you at"))
    driver.find_elements(By.CSS_SELECTOR, "button.add-item")[0].click()
    wait.until(lambda d: len(skus(d)) == 1)
    # The cart goes idle after 5 s: the offer (one per cart) is pushed.
    WebDriverWait(driver, OFFER_TIMEOUT_SECONDS).until(lambda d: attribute(d, "offer-section", "data-status") == "open")


def quick_shop(driver, base_url, path, unreachable_sip_uri):
    wait = WebDriverWait(driver, TIMEOUT_SECONDS)
    # Declined: the box says so instead of vanishing.
    quick_shopper(driver, base_url, unreachable_sip_uri)
    driver.find_element(By.ID, "offer-decline").click()
    wait.until(lambda d: attribute(d, "offer-section", "data-status") == "declined")
    assert "You declined the call" in text(driver, "offer-text"), text(driver, "offer-text")
    assert not shown(driver, "offer-actions")

    # Left alone (10 s), the offer expires and says so.
    quick_shopper(driver, base_url, unreachable_sip_uri)
    WebDriverWait(driver, OFFER_TIMEOUT_SECONDS).until(lambda d: attribute(d, "offer-section", "data-status") == "expired")
    assert "expired" in text(driver, "offer-text"), text(driver, "offer-text")
    screenshots(driver, path, "expired")

    # Help places a call to a phone nobody answers; while it rings, the shopper cancels it.
    driver.find_element(By.ID, "help").click()
    WebDriverWait(driver, CALL_TIMEOUT_SECONDS).until(lambda d: attribute(d, "call-section", "data-status") == "ringing")
    assert shown(driver, "call-cancel")
    driver.find_element(By.ID, "call-cancel").click()
    WebDriverWait(driver, CALL_TIMEOUT_SECONDS).until(lambda d: attribute(d, "call-section", "data-status") == "failed")
    assert "You cancelled the call" in text(driver, "call-status"), text(driver, "call-status")
    assert shown(driver, "call-retry") and not shown(driver, "call-cancel")
    no_errors(driver)


def main(base_url, screenshot_path, unreachable_sip_uri):
    driver = browser()
    try:
        total = demo_shop(driver, base_url, screenshot_path)
        quick_shop(driver, base_url, screenshot_path, unreachable_sip_uri)
        print(f"storefront browser test passed (cart total {total}); screenshots beside {screenshot_path}")
    except Exception:
        driver.save_screenshot(screenshot_path)
        print(f"storefront browser test FAILED; screenshot {screenshot_path}", file=sys.stderr)
        raise
    finally:
        driver.quit()


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: storefront_test.py BASE_URL SCREENSHOT_PATH UNANSWERED_SIP_URI")
    main(sys.argv[1], sys.argv[2], sys.argv[3])
