#!/usr/bin/env python3
"""Browser-mode shoppers for Tools/chaos (issue 14): one shopper at a time in a headless
Chromium of its own (fresh profile, fake microphone), driven by Selenium through the real
storefront, talking through the browser gateway (Janus) while the chaos tool breaks things.

A run: open the storefront of one merchant, save preferences in browser mode with consent,
top up the wallet (shops may bill their shoppers), put an item in the cart, press the help
button (it requests a call at once), let the page take the call through the gateway, talk
for a while, then hang up on the page — or, sometimes, close the tab or quit the browser
mid-call (the "vanishing browser"). What the page said about the call is returned as a
record; a run never raises for a server or page problem, it writes the reason in the record
and leaves a screenshot and the page's console log in the artifacts folder.

Written after Tests/Browser/voice_test.py and storefront_test.py (same flags, same element
ids), but on its own: the chaos tool must not depend on the tests' files.

Alone: browser_shopper.py BASE_URL MERCHANT_ID [RUNS] [SEED] prints each record as one JSON
line (artifacts in $CARTLINE_CHAOS_ARTIFACTS, else a new temporary folder named on stderr).
"""
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import (JavascriptException, NoSuchElementException, StaleElementReferenceException,
                                        TimeoutException, WebDriverException)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

CHROMIUM_PATH = "/usr/bin/chromium"
CHROMEDRIVER_PATH = "/usr/bin/chromedriver"
# One step of the page (load, save, top-up, add to cart, help answered).
STEP_TIMEOUT_SECONDS = 20
# From pressing help to talking: the node rings the page (retrying until it has registered
# with the gateway), the handler greets, the agent answers.
CALL_TIMEOUT_SECONDS = 60
# From Hang up to the page saying how the call ended.
END_TIMEOUT_SECONDS = 20
# How long the shopper talks, and how often it vanishes instead of hanging up.
TALK_SECONDS_RANGE = (2.0, 5.0)
VANISH_PROBABILITY = 0.3
# Money put in the wallet before asking (whole units of the shop's currency; 0: none).
TOP_UP_UNITS = 20
# Every call to the browser or the API is bounded.
COMMAND_TIMEOUT_SECONDS = 30
PAGE_LOAD_TIMEOUT_SECONDS = 20
API_TIMEOUT_SECONDS = 5
POLL_SECONDS = 0.2
# Bounds on what a record carries.
MAX_TOLD = 50
MAX_REASON_CHARS = 300
MAX_CONSOLE_ENTRIES = 2000
# A deadline above this is a time.time() moment; below it, a time.monotonic() one.
WALL_CLOCK_AFTER = 1e9
FINAL_STATUSES = ("ended", "failed")

# Installed once the page is ready: every text the call's status line shows, in order
# (the status line is re-rendered by pushes and answers; a poll could miss a short one).
WATCH_TOLD_SCRIPT = """
if (!window.__chaosTold) {
  const told = window.__chaosTold = [];
  const line = document.getElementById('call-status');
  const note = () => {
    const text = line.textContent.trim();
    if (text && told[told.length - 1] !== text && told.length < arguments[0]) told.push(text);
  };
  new MutationObserver(note).observe(line, {childList: true, characterData: true, subtree: true});
  note();
}
"""

# What the page shows of the call and its voice, read in one go (elements re-render).
PAGE_SCRIPT = """
const $ = (id) => document.getElementById(id);
const visible = (e) => Boolean(e && !e.hidden && e.textContent.trim());
const errors = Array.from(document.querySelectorAll('.field-error, #message'))
  .filter(visible).map((e) => (e.id ? e.id + ': ' : '') + e.textContent.trim());
const section = $('call-section'), voice = $('voice');
return {
  callId: section.dataset.callId || null,
  status: section.dataset.status || null,
  statusText: $('call-status').textContent.trim(),
  voicePhase: voice.dataset.phase || null,
  voiceError: visible($('voice-error')) ? $('voice-error').textContent.trim() : '',
  helpAnswer: $('help-answer').textContent.trim(),
  errors: errors,
  told: window.__chaosTold || [],
};
"""


class ShopperProblem(Exception):
    """A step of the shopper that did not happen; the message is the record's short reason."""


class _Deadline:
    """The caller's deadline, on whichever clock it was given (wall or monotonic)."""

    def __init__(self, deadline: float):
        self._clock = time.time if deadline > WALL_CLOCK_AFTER else time.monotonic
        self._deadline = deadline

    def remaining_seconds(self) -> float:
        return self._deadline - self._clock()


class _Plan:
    """Every random choice of one run, drawn up front so that a seed gives the same shopper
    however far the run gets."""

    def __init__(self, rng: random.Random):
        self.item_fraction = rng.random()
        self.talk_seconds = rng.uniform(*TALK_SECONDS_RANGE)
        self.vanishes = rng.random() < VANISH_PROBABILITY
        # How a vanishing shopper goes: its tab closes (the page unloads), or the whole
        # browser dies at once (killed: no unload, its connections just drop).
        self.vanish_by = "tab" if rng.random() < 0.5 else "browser"


def _short(text, limit=MAX_REASON_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class BrowserShopper:
    """A browser-mode shopper of one merchant; `run_once` plays one shopper in a new browser."""

    def __init__(self, base_url: str, merchant_id: str, rng: random.Random, artifacts_dir: str,
                 top_up_units: int = TOP_UP_UNITS):
        self.base_url = base_url.rstrip("/")
        self.merchant_id = merchant_id
        self.rng = rng
        self.artifacts_dir = artifacts_dir
        self.top_up_units = top_up_units
        self._runs = 0

    def run_once(self, deadline: float) -> dict:
        """One shopper in a fresh headless Chromium (own profile, fake mic): open the storefront
        of merchant_id, save preferences in browser mode with consent, put an item in the cart,
        ask for help (the help button — it requests a call at once), let the page take the call
        through the gateway, talk for rng.uniform(2, 5) s, hang up on the page (or, with
        probability 0.3 chosen by rng, close the tab/quit the browser mid-call: the 'vanishing
        browser'), and return a record:
          {"kind": "browser", "cartId": str|None, "callId": str|None,
           "told": [list of the call status texts the page showed, in order],
           "final": "ended"|"failed"|"vanished"|"none", "error": str|None,
           "startedAt": float, "endedAt": float}
        Never raises for a server/page problem: a failure goes in "error" (with a short reason) and
        a screenshot + console log go to artifacts_dir. Quits its browser before returning.

        `deadline` (a time.time() moment; a time.monotonic() one is recognised too) bounds the
        shopping: a step not done by then is an error and no call is asked for. A call once
        requested is seen through on its own bounds (up to CALL_TIMEOUT_SECONDS to talk, the
        talk, END_TIMEOUT_SECONDS to end, the browser's quit): at worst ~90 s past the deadline.
        "final" is "none" when no call was shown, or the page never said how it ended."""
        self._runs += 1
        started_at = time.time()
        record = {"kind": "browser", "cartId": None, "callId": None, "told": [], "final": "none",
                  "error": None, "startedAt": started_at, "endedAt": started_at}
        tag = f"browser-shopper-{os.getpid()}-{self._runs}-{int(started_at)}"
        plan = _Plan(self.rng)
        run = _Run(self, plan, record, _Deadline(deadline))
        profile = tempfile.mkdtemp(prefix="cartline-shopper-profile-")
        try:
            if run.deadline.remaining_seconds() <= 0:
                raise ShopperProblem("the deadline had passed before the shopper started")
            run.driver = _browser(profile)
            run.shop()
        except ShopperProblem as problem:
            record["error"] = _short(problem)
        except WebDriverException as error:
            record["error"] = _short(f"the browser: {error.msg or type(error).__name__}")
        except Exception as error:  # a run never raises: the chaos tool goes on with the others
            record["error"] = _short(f"{type(error).__name__}: {error}")
        finally:
            run.finish(tag)
            shutil.rmtree(profile, ignore_errors=True)
            record["endedAt"] = time.time()
        return record


def _browser(profile_dir):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM_PATH
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000",
                     "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                     "--autoplay-policy=no-user-gesture-required", "--no-first-run", "--no-default-browser-check",
                     f"--user-data-dir={profile_dir}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # Debian's driver; Selenium Manager would try to download one, and the machine is offline.
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER_PATH), options=options)
    try:
        driver.command_executor.client_config.timeout = COMMAND_TIMEOUT_SECONDS
        driver.set_page_load_timeout(PAGE_LOAD_TIMEOUT_SECONDS)
        driver.set_script_timeout(COMMAND_TIMEOUT_SECONDS)
    except Exception:
        driver.quit()
        raise
    return driver


def _children(parent_pid):
    """The processes whose parent is `parent_pid` (the driver's child is the browser: Debian's
    /usr/bin/chromium execs it)."""
    children = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if len(fields) > 1 and fields[1] == str(parent_pid):
            children.append(int(entry))
    return children


class _Run:
    """One run_once: its browser, its plan and the record it fills in."""

    def __init__(self, shopper: BrowserShopper, plan: _Plan, record: dict, deadline: _Deadline):
        self.shopper = shopper
        self.plan = plan
        self.record = record
        self.deadline = deadline
        self.driver = None
        self.vanished = False

    # MARK: the shopper's steps

    def shop(self):
        driver = self.driver
        shopper = self.shopper
        # The shop opens in a second tab, so that "closing the tab" leaves a browser behind.
        driver.switch_to.new_window("tab")
        url = f"{shopper.base_url}/?merchant={urllib.parse.quote(shopper.merchant_id)}"
        try:
            driver.get(url)
        except TimeoutException:
            raise ShopperProblem(f"the storefront did not load within {PAGE_LOAD_TIMEOUT_SECONDS} s")
        except WebDriverException as error:  # the server is down: connection refused, reset
            raise ShopperProblem(f"the storefront did not load: {(error.msg or '').split(' (Session info')[0]}")
        self.wait_for_storefront()
        driver.execute_script(WATCH_TOLD_SCRIPT, MAX_TOLD)
        shown = driver.execute_script("return (typeof state === 'object' && state.merchant) ? state.merchant.id : null")
        if shown != shopper.merchant_id:
            raise ShopperProblem(f"the storefront shows merchant {shown!r}, not {shopper.merchant_id!r}")

        # Browser mode with consent.
        Select(driver.find_element(By.ID, "pref-mode")).select_by_value("browser")
        if not driver.find_element(By.ID, "pref-consent").is_selected():
            driver.find_element(By.ID, "pref-consent").click()
        driver.find_element(By.ID, "prefs-save").click()
        self.wait(lambda page: "on this page" in self.text("prefs-status"), STEP_TIMEOUT_SECONDS, "saving the preferences")

        if shopper.top_up_units > 0:
            before = self.text("wallet-balance")
            driver.execute_script("arguments[0].value = arguments[1]", driver.find_element(By.ID, "wallet-amount"), str(shopper.top_up_units))
            driver.find_element(By.ID, "wallet-top-up").click()
            self.wait(lambda page: self.text("wallet-balance") != before, STEP_TIMEOUT_SECONDS, "topping up the wallet")

        buttons = driver.find_elements(By.CSS_SELECTOR, "button.add-item")
        if not buttons:
            raise ShopperProblem("the shop's catalog is empty")
        buttons[min(len(buttons) - 1, int(self.plan.item_fraction * len(buttons)))].click()
        self.wait(lambda page: driver.find_elements(By.CSS_SELECTOR, "#cart-items tr.cart-line"),
                  STEP_TIMEOUT_SECONDS, "putting an item in the cart")
        self.record["cartId"] = self.cart_id()

        if self.deadline.remaining_seconds() <= 0:
            raise ShopperProblem("the deadline passed before the shopper asked for help")
        driver.find_element(By.ID, "help").click()
        self.wait(lambda page: page["callId"] or self.help_refused(page), STEP_TIMEOUT_SECONDS, "the help button to request a call")
        page = self.page()
        if not page["callId"]:
            raise ShopperProblem(f"help requested no call: {'; '.join([page['helpAnswer']] + page['errors']).strip('; ')}")
        self.record["callId"] = page["callId"]

        # The page takes the call through the gateway; the agent joins.
        self.wait(lambda page: self.call_over(page) or self.voice_broke(page)
                  or (page["voicePhase"] == "talking" and page["status"] == "talking"),
                  CALL_TIMEOUT_SECONDS, "the page to talk with the agent", mind_deadline=False, errors_stop=False)
        page = self.page()
        if page["status"] in FINAL_STATUSES:
            raise ShopperProblem(f"the call {page['status']} before the shopper talked: {page['statusText']}")
        if self.voice_broke(page):
            raise ShopperProblem(f"the page could not join the call: {page['voiceError']}")

        # Talk; the call may end under the shopper's feet.
        talk_until = time.monotonic() + self.plan.talk_seconds
        while time.monotonic() < talk_until:
            page = self.page()
            if page["status"] in FINAL_STATUSES:
                raise ShopperProblem(f"the call {page['status']} while the shopper talked: {page['statusText']}")
            if page["voicePhase"] in FINAL_STATUSES:
                broke = f" ({page['voiceError']})" if page["voiceError"] else ""
                raise ShopperProblem(f"the page's voice {page['voicePhase']}{broke} while the shopper talked; "
                                     f"the call still says: {page['statusText']}")
            time.sleep(POLL_SECONDS)

        if self.plan.vanishes:
            self.vanish()
            return
        driver.find_element(By.ID, "voice-hangup").click()
        self.wait(lambda page: page["status"] in FINAL_STATUSES, END_TIMEOUT_SECONDS, "the page to say the call ended after Hang up",
                  mind_deadline=False, errors_stop=False)
        page = self.page()
        if page["status"] != "ended":
            raise ShopperProblem(f"after Hang up the call {page['status']}: {page['statusText']}")

    def vanish(self):
        """Mid-call, the shopper's tab closes or its browser quits, without a hang-up."""
        self.record["told"] = list(self.page()["told"])
        self.vanished = True
        self.record["final"] = "vanished"
        if self.plan.vanish_by == "tab":
            self.driver.close()
            self.driver.switch_to.window(self.driver.window_handles[0])
            return
        # Killed rather than quit: a graceful quit with a call on waits for the page for up
        # to ~12 s, while a browser that vanishes is gone at once. The driver is quit after.
        browsers = _children(self.driver.service.process.pid)
        for pid in browsers:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if not browsers:
            driver, self.driver = self.driver, None
            driver.quit()

    def finish(self, tag):
        """What the page said last, evidence after a failure, and the browser quit."""
        driver = self.driver
        if driver is None:
            return
        try:
            if not self.vanished:
                page = self.page()
                self.record["told"] = list(page["told"])
                self.record["callId"] = self.record["callId"] or page["callId"]
                if page["status"] in FINAL_STATUSES:
                    self.record["final"] = page["status"]
                if self.record["error"] and page["errors"]:
                    self.record["error"] = _short(f"{self.record['error']} (the page says: {'; '.join(page['errors'])})")
        except Exception:
            pass  # the page is gone (or the browser hangs): the record keeps what it had
        if self.record["error"] and not self.vanished:
            self.save_evidence(tag)
        try:
            driver.quit()
        except Exception:
            pass
        self.driver = None

    # MARK: reading the page

    def page(self) -> dict:
        return self.driver.execute_script(PAGE_SCRIPT)

    def text(self, element_id) -> str:
        return self.driver.find_element(By.ID, element_id).text

    @staticmethod
    def call_over(page) -> bool:
        return page["status"] in FINAL_STATUSES

    @staticmethod
    def voice_broke(page) -> bool:
        return bool(page["voiceError"]) or page["voicePhase"] == "failed"

    @staticmethod
    def help_refused(page) -> bool:
        return bool(page["helpAnswer"]) or any(error.startswith(("help-answer", "message")) for error in page["errors"])

    def wait(self, condition, timeout_seconds, what, mind_deadline=True, errors_stop=True, read_page=True):
        """Waits until `condition(page)` holds; the timeout, the run's deadline or (with
        `errors_stop`) an error the page shows meanwhile is a ShopperProblem naming `what`.
        Without `read_page`, `condition` gets None and reads the page itself."""
        seconds = timeout_seconds
        if mind_deadline:
            seconds = min(seconds, self.deadline.remaining_seconds())
            if seconds <= 0:
                raise ShopperProblem(f"the deadline passed before waiting for {what}")

        def check(driver):
            if not read_page:
                return condition(None)
            page = self.page()
            if errors_stop and page["errors"] and not condition(page):
                raise ShopperProblem(f"{what}: the page says {'; '.join(page['errors'])}")
            return condition(page)

        try:
            WebDriverWait(self.driver, seconds, poll_frequency=POLL_SECONDS,
                          ignored_exceptions=(NoSuchElementException, StaleElementReferenceException,
                                              JavascriptException)).until(check)
        except TimeoutException:
            cut = " (the run's deadline)" if seconds < timeout_seconds else ""
            raise ShopperProblem(f"waited {seconds:.1f} s{cut} for {what}")

    def wait_for_storefront(self):
        """Until the storefront says it is ready; a page that is no storefront (the browser's
        own error page: the server is down) or an error it shows stops the wait at once."""
        def ready(page):
            state = self.driver.execute_script(
                "const message = document.getElementById('message');"
                "return {loaded: document.readyState === 'complete', storefront: Boolean(document.getElementById('call-section')),"
                " ready: document.body ? document.body.dataset.ready === 'true' : false,"
                " message: message ? message.textContent.trim() : '',"
                " text: document.body ? document.body.innerText.slice(0, 200) : ''}")
            if state["loaded"] and not state["storefront"]:
                raise ShopperProblem(f"no storefront at {self.driver.current_url}: {state['text']}")
            if state["message"]:
                raise ShopperProblem(f"the storefront did not get ready: {state['message']}")
            return state["ready"]

        self.wait(ready, STEP_TIMEOUT_SECONDS, "the storefront to get ready", errors_stop=False, read_page=False)

    def cart_id(self):
        """The shopper's open cart of this shop: from the API with the page's session cookie,
        else from the page's own state."""
        shopper = self.shopper
        cookie = self.driver.get_cookie("cartline_session")
        if cookie:
            request = urllib.request.Request(f"{shopper.base_url}/v1/carts", headers={
                "Cookie": f"cartline_session={cookie['value']}", "Accept": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=API_TIMEOUT_SECONDS) as response:
                    carts = json.load(response).get("carts", [])
                for cart in carts:
                    if cart.get("merchantId") == shopper.merchant_id and cart.get("status") != "completed":
                        return cart.get("id")
            except (OSError, ValueError, urllib.error.URLError):
                pass
        try:
            return self.driver.execute_script("return (typeof state === 'object' && state.cart) ? state.cart.id : null")
        except WebDriverException:
            return None

    def save_evidence(self, tag):
        """The page's screenshot and console log; evidence is a courtesy, never a failure."""
        try:
            os.makedirs(self.shopper.artifacts_dir, exist_ok=True)
            self.driver.save_screenshot(os.path.join(self.shopper.artifacts_dir, f"{tag}-failed.png"))
            with open(os.path.join(self.shopper.artifacts_dir, f"{tag}-console.log"), "w") as log:
                log.write(f"# {json.dumps(self.record)}\n")
                for entry in self.driver.get_log("browser")[:MAX_CONSOLE_ENTRIES]:
                    log.write(f"{entry.get('level')} {entry.get('message')}\n")
        except Exception:
            pass


def main(argv):
    if not 3 <= len(argv) <= 5:
        sys.exit("usage: browser_shopper.py BASE_URL MERCHANT_ID [RUNS] [SEED]")
    base_url, merchant_id = argv[1], argv[2]
    runs = int(argv[3]) if len(argv) > 3 else 1
    seed = int(argv[4]) if len(argv) > 4 else random.randrange(2**32)
    artifacts = os.environ.get("CARTLINE_CHAOS_ARTIFACTS") or tempfile.mkdtemp(prefix="browser-shopper-")
    print(f"seed {seed}, artifacts in {artifacts}", file=sys.stderr)
    shopper = BrowserShopper(base_url, merchant_id, random.Random(seed), artifacts)
    for _ in range(runs):
        record = shopper.run_once(time.time() + CALL_TIMEOUT_SECONDS + 4 * STEP_TIMEOUT_SECONDS)
        print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main(sys.argv)
