"""One shopper of a chaos run, played through the public HTTP API and the offer stream (SSE)
exactly as the storefront does it, and a record of everything the shopper asked for and was
told.

A shopper's whole life is drawn from the run's seed and its index: which phone it has
(FAR_END_KINDS), how many items it adds, changes and removes, whether it also tries to change
another shopper's cart, whether it accepts, declines or ignores the offer, whether it cancels
a ringing call, whether it checks out. Requests go to any live web server; a request that got
no answer is retried (with the same `Idempotency-Key` where the API has one) on another.

Every logical change is an `Op` whose outcome is what the shopper was told:
  acked    a 2xx answer — the change must be in the log (nothing acknowledged lost);
  failed   a definite refusal (4xx/5xx, or the connection was refused before anything was
           sent) — the change must not be in the log;
  unknown  no answer ever came — the log may or may not hold it.
verdict.py holds the log to these.
"""
import http.client
import json
import random
import threading
import time
import uuid

from common import Answer, exchange

# The kinds of phones shoppers have, and how often each is drawn. Each maps to a far end (a
# SIPp scenario, see chaos.py) or, for `handler-*`, to the talker behind a call handler that
# misbehaves (chaos_handler.py reads the kind from the destination's user part).
FAR_END_KINDS = [
    ("talker", 30),          # answers, talks ~9 s, hangs up
    ("pstn", 12),            # a phone number: Kamailio (the carrier) in front of a handset that never hangs up;
                             #   the call ends when the shopper's small wallet is spent
    ("busy", 8),             # 486
    ("decline", 8),          # 603
    ("ringer", 10),          # rings; nobody answers (the shopper cancels, or the handler gives up)
    ("silent", 8),           # answers and never sends a packet: the node's RTP timeout ends it
    ("lossy", 8),            # a talker behind a path that loses 15 % of SIP and RTP datagrams and delays them
    ("handler-crash", 4),    # the call handler exits at once
    ("handler-hang", 3),     # the call handler reads and never answers (killed after its idle timeout)
    ("handler-flood", 4),    # the call handler writes garbage
]
SKUS = ["espresso-machine", "grinder", "beans-1kg", "tamper"]
FINAL_STATUSES = {"ended", "failed"}


def draw_kind(rng):
    total = sum(weight for _, weight in FAR_END_KINDS)
    pick = rng.uniform(0, total)
    for kind, weight in FAR_END_KINDS:
        pick -= weight
        if pick <= 0:
            return kind
    return FAR_END_KINDS[0][0]


class Op:
    """One change a shopper asked for, with every attempt's answer and the outcome told."""

    def __init__(self, kind, **details):
        self.kind, self.details = kind, details
        self.key = str(uuid.uuid4()) if details.pop("keyed", False) else None
        self.attempts = []
        self.outcome = None
        self.version = None
        self.result = None

    def record(self, answer, server):
        self.attempts.append((server, repr(answer)))

    def as_dict(self):
        return {"kind": self.kind, **self.details, "outcome": self.outcome, "version": self.version,
                "attempts": self.attempts, "result": self.result}


class Shopper:
    def __init__(self, index, seed, world, merchant, config, cart_registry):
        self.index = index
        self.rng = random.Random(f"{seed}:shopper:{index}")
        self.world, self.merchant, self.config = world, merchant, config
        self.registry = cart_registry
        self.kind = draw_kind(self.rng)
        self.cookie = None
        self.cart_id = None
        self.ops = []
        self.told = []           # (seconds since start, what) — the offers and call states shown to the shopper
        self.call = None         # {"callId", "final", "reason", "durationSeconds", "cancelled"}
        self.offer = None        # {"offerId", "decision"}
        self.trespass = []       # attempts on another shopper's cart and their answers
        self.notes = []
        self.started = time.time()
        self.ended = None

    # --- requests ------------------------------------------------------------------------

    def send(self, op, method, path, body=None, expect=(200, 201), attempts=4):
        """Sends `op` until a definite answer (or `attempts` tries); sets its outcome."""
        headers = {"Idempotency-Key": op.key} if op.key else {}
        outcome = None
        answer = Answer(error="not sent")
        for attempt in range(attempts):
            server = self.world.pick_web(self.rng)
            if server is None:
                time.sleep(0.5)
                continue
            answer = exchange(server.port, method, path, body, self.cookie, headers)
            op.record(answer, server.name)
            if answer.status is None:
                if answer.error == "ConnectionRefusedError" and outcome is None:
                    outcome = "failed"      # nothing reached a server
                else:
                    outcome = "unknown"     # sent, no answer: it may have been applied
                time.sleep(0.2 + 0.3 * attempt)
                continue
            if answer.status in expect or 200 <= answer.status < 300:
                op.outcome = "acked"
                etag = answer.headers.get("etag", "").strip('"')
                op.version = int(etag) if etag.isdigit() else None
                op.result = answer.json()
                return answer
            if answer.status in (502, 503, 504) or self.key_in_progress(answer):
                # Refused before anything was done (the database is away, a gate is shut), or
                # the first attempt of this key is still running (its 60-s lease, when the
                # server that ran it died): try again a moment later.
                outcome = outcome or "failed"
                op.result = answer.json()
                time.sleep(0.5 + 0.5 * attempt)
                continue
            # A definite refusal. After an unanswered attempt it does not say the first one
            # was not applied (a DELETE retried after its line is gone is 404, for one).
            op.outcome = "unknown" if outcome == "unknown" else "failed"
            op.result = answer.json()
            return answer
        op.outcome = outcome or "failed"
        return answer

    @staticmethod
    def key_in_progress(answer):
        problem = answer.json() if answer.status == 409 else None
        return isinstance(problem, dict) and str(problem.get("type", "")).endswith(":idempotency-key-in-progress")

    def change(self, kind, method, path, body=None, keyed=True, **details):
        op = Op(kind, keyed=keyed and method == "POST", cart=self.cart_id, **details)
        self.ops.append(op)
        return op, self.send(op, method, path, body)

    def say(self, what):
        self.told.append((round(time.time() - self.started, 2), what))

    # --- a shopper's life ------------------------------------------------------------------

    def run(self, deadline):
        try:
            self.live(deadline)
        except Exception as error:  # a bug in the driver must not end the run: record it
            self.notes.append(f"driver error: {type(error).__name__}: {error}")
        self.ended = time.time()
        return self

    def live(self, deadline):
        if not self.open_session():
            return
        self.set_preferences()
        self.top_up()
        op, answer = self.change("open", "POST", "/v1/carts", {"merchantId": self.merchant})
        if op.outcome != "acked" or not isinstance(op.result, dict):
            return
        self.cart_id = op.result["id"]
        op.details["cart"] = self.cart_id
        op.version = op.version or 1
        self.registry.add(self.cart_id)
        self.fill_cart()
        if self.rng.random() < self.config.trespass_share:
            self.trespass_on_another_cart()
        offer = self.wait_for_offer(deadline)
        if offer is not None:
            self.answer_offer(offer, deadline)
        if self.rng.random() < self.config.checkout_share and time.time() < deadline:
            self.change("checkout", "POST", f"/v1/carts/{self.cart_id}/checkout", {})
            ref = f"CHAOS-{self.index}-{self.rng.randrange(10**6)}"
            self.change("complete", "POST", f"/v1/carts/{self.cart_id}/checkout/complete", {"orderRef": ref}, orderRef=ref)

    def open_session(self):
        """A read issues the session cookie without changing anything."""
        for _ in range(10):
            server = self.world.pick_web(self.rng)
            if server is not None:
                answer = exchange(server.port, "GET", "/v1/carts")
                cookie = answer.headers.get("set-cookie", "")
                if answer.ok and cookie:
                    self.cookie = cookie.split(";", 1)[0]
                    return True
            time.sleep(0.5)
        self.notes.append("no session: no web server answered")
        return False

    def set_preferences(self):
        if self.kind == "pstn":
            body = {"mode": "pstn", "phone": self.world.pstn_number, "consent": True}
        else:
            body = {"mode": "voip", "sipUri": self.world.far_end_uri(self.kind, f"c{self.index}-{self.kind}"), "consent": True}
        self.change("preferences", "PUT", "/v1/preferences", body, keyed=False, mode=body["mode"])

    def top_up(self):
        # The pstn handset never hangs up: a small wallet (about 15 s of talk) ends its call.
        amount = self.config.small_top_up_micros if self.kind == "pstn" else self.config.top_up_micros
        self.change("top-up", "POST", "/v1/wallet/top-ups", {"amountMicros": amount, "currency": "EUR"}, amountMicros=amount)

    def fill_cart(self):
        held = {}
        for _ in range(self.rng.randint(1, 3)):
            sku = self.rng.choice(SKUS)
            quantity = self.rng.randint(1, 3)
            op, _ = self.change("add", "POST", f"/v1/carts/{self.cart_id}/items", {"sku": sku, "quantity": quantity},
                                sku=sku, quantity=quantity)
            if op.outcome == "acked":
                held[sku] = held.get(sku, 0) + quantity
        if held and self.rng.random() < 0.3:
            sku = self.rng.choice(sorted(held))
            quantity = self.rng.randint(1, 5)
            self.change("quantity", "PATCH", f"/v1/carts/{self.cart_id}/items/{sku}", {"quantity": quantity},
                        keyed=False, sku=sku, quantity=quantity)
        if len(held) > 1 and self.rng.random() < 0.3:
            sku = self.rng.choice(sorted(held))
            self.change("remove", "DELETE", f"/v1/carts/{self.cart_id}/items/{sku}", keyed=False, sku=sku)

    def trespass_on_another_cart(self):
        """Tries to add to, and to read, another shopper's cart: both must be 404."""
        victim = self.registry.another(self.cart_id, self.rng)
        if victim is None:
            return
        server = self.world.pick_web(self.rng)
        if server is None:
            return
        for method, path, body in (("POST", f"/v1/carts/{victim}/items", {"sku": "tamper", "quantity": 7}),
                                   ("GET", f"/v1/carts/{victim}", None)):
            answer = exchange(server.port, method, path, body, self.cookie)
            self.trespass.append({"victim": victim, "method": method, "status": answer.status})

    # --- the offer ---------------------------------------------------------------------------

    def wait_for_offer(self, deadline):
        """Reads the offer stream (reconnecting to any live web server) until an open offer
        for this cart arrives; None when none comes in time."""
        give_up = min(deadline + self.config.grace_seconds, time.time() + self.config.offer_wait_seconds)
        while time.time() < give_up:
            server = self.world.pick_web(self.rng)
            if server is None:
                time.sleep(0.5)
                continue
            offer = self.read_stream(server, give_up)
            if offer is not None:
                return offer
            time.sleep(0.3)
        self.say("no offer")
        return None

    def read_stream(self, server, give_up):
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
        try:
            connection.request("GET", "/v1/offers/stream", headers={"Cookie": self.cookie, "Accept": "text/event-stream"})
            response = connection.getresponse()
            if response.status != 200:
                response.read()
                time.sleep(1)
                return None
            event = None
            while time.time() < give_up:
                line = response.fp.readline(65536)
                if not line:
                    return None
                line = line.decode("utf-8", "replace").rstrip("\r\n")
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:") and event == "offer":
                    data = json.loads(line[5:])
                    if data.get("cartId") == self.cart_id and data.get("status") == "open":
                        self.say(f"offer {data['offerId']}")
                        return data
            return None
        except (OSError, http.client.HTTPException, ValueError):
            return None
        finally:
            connection.close()

    def answer_offer(self, offer, deadline):
        offer_id = offer["offerId"]
        draw = self.rng.random()
        if draw < self.config.decline_share:
            self.offer = {"offerId": offer_id, "decision": "decline"}
            self.change("decline", "POST", f"/v1/offers/{offer_id}/decline", {}, offerId=offer_id)
            return
        if draw < self.config.decline_share + self.config.ignore_share:
            self.offer = {"offerId": offer_id, "decision": "ignore"}
            return
        self.offer = {"offerId": offer_id, "decision": "accept"}
        op, _ = self.change("accept", "POST", f"/v1/offers/{offer_id}/accept", {}, offerId=offer_id)
        if op.outcome != "acked" or not isinstance(op.result, dict):
            return
        self.follow_call(op.result["callId"], deadline)

    def follow_call(self, call_id, deadline):
        """Polls the call as the storefront does until it is over, cancelling a ringing call
        at a drawn moment when this shopper is one who cancels."""
        self.call = {"callId": call_id, "final": None, "reason": None, "durationSeconds": None, "cancelled": False}
        cancel_after = None
        if self.kind == "ringer" and self.rng.random() < 0.6 or self.rng.random() < 0.05:
            cancel_after = time.time() + self.rng.uniform(0.5, 6)
        give_up = max(deadline, time.time()) + self.config.call_wait_seconds
        last = None
        while time.time() < give_up:
            server = self.world.pick_web(self.rng)
            answer = exchange(server.port, "GET", f"/v1/calls/{call_id}", cookie=self.cookie) if server else Answer(error="no server")
            view = answer.json() if answer.ok else None
            if isinstance(view, dict):
                state = (view.get("status"), view.get("reason"))
                if state != last:
                    self.say(f"call {view.get('status')}{' ' + view['reason'] if view.get('reason') else ''}")
                    last = state
                if view.get("status") in FINAL_STATUSES:
                    self.call.update(final=view["status"], reason=view.get("reason"), durationSeconds=view.get("durationSeconds"))
                    return
                if cancel_after and time.time() >= cancel_after and view.get("cancellable"):
                    cancel_after = None
                    op, _ = self.change("cancel", "POST", f"/v1/calls/{call_id}/cancel", {}, callId=call_id)
                    self.call["cancelled"] = op.outcome != "failed"
            time.sleep(0.5)
        self.notes.append(f"call {call_id} not over after {self.config.call_wait_seconds} s past the run")

    def as_dict(self):
        return {"index": self.index, "kind": self.kind, "cartId": self.cart_id, "ops": [op.as_dict() for op in self.ops],
                "told": self.told, "offer": self.offer, "call": self.call, "trespass": self.trespass, "notes": self.notes,
                "started": self.started, "ended": self.ended}


class CartRegistry:
    """The carts opened so far, for shoppers who try to touch someone else's."""

    def __init__(self):
        self._carts, self._lock = [], threading.Lock()

    def add(self, cart):
        with self._lock:
            self._carts.append(cart)

    def another(self, own, rng):
        with self._lock:
            others = [cart for cart in self._carts[-200:] if cart != own]
        return rng.choice(others) if others else None
