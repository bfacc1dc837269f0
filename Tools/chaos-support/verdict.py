"""Holds the log to what every shopper of a chaos run was told (the invariants that need the
driver's records; `cartline check-invariants` checks the rest from the log alone):

  nothing acknowledged lost     every change a shopper got a 2xx for is in the log, at the
                                version its answer named;
  nothing refused applied       no change a shopper was definitely refused is in the log;
  carts change only by their    every change event in a cart's stream is explained by a
  shopper                       request of the cart's own shopper (acknowledged, or unanswered);
                                another shopper's attempts on the cart were 404;
  the shopper was told the      a call the shopper saw end, ended in the log the same way;
  truth                         accepted, declined and cancelled offers and calls are there;
  calls end as the far end      with no fault near it, a call ends as its phone behaves
  behaved                       (busy is busy, a talker's call ends normally, …).

Each violation is one line naming the shopper, the cart or call, and what is wrong.
"""
import json

from common import note

SHOPPER_EVENTS = {"CartOpened", "ItemAdded", "ItemRemoved", "QuantityChanged", "CheckoutStarted", "CheckoutCompleted"}
CART_OPS = {"open", "add", "quantity", "remove", "checkout", "complete"}

# How a call must end when nothing was injected near it and the shopper did not cancel:
# status, and the reasons allowed (None: any).
EXPECTED_ENDINGS = {
    "talker": ("ended", None),
    "lossy": ("ended", None),
    "pstn": ("ended", None),
    "busy": ("failed", {"busy"}),
    "decline": ("failed", {"declined"}),
    "ringer": ("failed", {"no-answer"}),
    "silent": ("ended", None),
}
# A phone that answers and never sends a packet: the node's RTP timeout ends the call before
# the agent joins, so nothing is billable (charged right means: not charged).
SILENT_CAUSE = "media-timeout"


def matches(op, event_type, data):
    kind = op["kind"]
    if kind == "open":
        return event_type == "CartOpened"
    if kind == "add":
        return event_type in ("ItemAdded", "QuantityChanged") and data.get("sku") == op["sku"]
    if kind == "quantity":
        return event_type == "QuantityChanged" and data.get("sku") == op["sku"] and data.get("quantity") == op["quantity"]
    if kind == "remove":
        return event_type == "ItemRemoved" and data.get("sku") == op["sku"]
    if kind == "checkout":
        return event_type == "CheckoutStarted"
    if kind == "complete":
        return event_type == "CheckoutCompleted" and data.get("orderRef") == op["orderRef"]
    return False


def describe(event_type, data):
    detail = ", ".join(f"{k}={data[k]}" for k in ("sku", "quantity", "orderRef") if k in data)
    return f"{event_type}({detail})"


def check_cart(shopper, events):
    """`events`: [(version, type, data)] of the cart's stream in order, shopper-made types only."""
    who = f"shopper {shopper['index']} ({shopper['kind']}) cart {shopper['cartId']}"
    violations = []
    ops = [op for op in shopper["ops"] if op["kind"] in CART_OPS]
    by_version = {version: (event_type, data) for version, event_type, data in events}
    position = 0            # index into events of the next unexplained event
    consumed_version = 0
    unanswered = []         # ops without an answer since the last acknowledged one

    def explain(upto):
        """Events before index `upto` must be the unanswered ops, in order."""
        nonlocal position
        while position < upto:
            version, event_type, data = events[position]
            while unanswered and not matches(unanswered[0], event_type, data):
                unanswered.pop(0)
            if unanswered:
                unanswered.pop(0)
            else:
                violations.append(f"{who}: version {version} {describe(event_type, data)} answers no request of its shopper "
                                  f"(a refused request applied anyway, or someone else changed the cart)")
            position += 1

    for op in ops:
        if op["outcome"] == "unknown":
            unanswered.append(op)
            continue
        if op["outcome"] != "acked":
            continue
        version = op.get("version")
        if version is not None and version <= consumed_version:
            continue  # answered with a version already accounted for (a replay, or a change that changed nothing)
        if version is not None:
            if version not in by_version:
                violations.append(f"{who}: acknowledged {op['kind']} at version {version} is not in the log (acknowledged, lost)")
                continue
            target = next(i for i, (v, _, _) in enumerate(events) if v == version)
        else:
            target = next((i for i in range(position, len(events)) if matches(op, events[i][1], events[i][2])), None)
            if target is None:
                violations.append(f"{who}: acknowledged {op['kind']} {op.get('sku', '')} is not in the log (acknowledged, lost)")
                continue
        explain(target)
        version_found, event_type, data = events[target]
        if not matches(op, event_type, data):
            violations.append(f"{who}: version {version_found} holds {describe(event_type, data)}, "
                              f"not the acknowledged {op['kind']} {op.get('sku', '')}")
        position = target + 1
        consumed_version = version_found
        unanswered = []
    explain(len(events))
    return violations


def overlaps(faults, started, begin, end, margin=5.0):
    return any(f.injected_at is not None and begin - started - margin <= f.injected_at <= end - started + f.down_seconds + margin
               for f in faults)


def check(shoppers, database, faults, started):
    """Returns (violations, counts) for the run's shopper records."""
    violations = []
    counts = {"acknowledged": 0, "refused": 0, "unanswered": 0, "carts": 0, "calls followed": 0, "trespasses": 0}
    rows = database.query(
        "SELECT stream_id, stream_version, event_type, data::text FROM events WHERE stream_id LIKE 'cart-%' "
        f"AND event_type IN ({', '.join(repr(t) for t in sorted(SHOPPER_EVENTS))}) ORDER BY stream_id, stream_version")
    carts = {}
    for stream, version, event_type, data in rows:
        carts.setdefault(stream[5:], []).append((int(version), event_type, json.loads(data)))
    outcomes = {}
    for stream, event_type, data in database.query(
            "SELECT stream_id, event_type, data::text FROM events WHERE stream_id LIKE 'call-%' "
            "AND event_type IN ('CallRequested', 'CallEnded', 'CallFailed', 'CallCancelRequested')"):
        outcomes.setdefault(stream[5:], []).append((event_type, json.loads(data)))
    engagement = {}
    for event_type, offer in database.query(
            "SELECT event_type, lower(data->>'offerId') FROM events WHERE event_type IN ('OfferAccepted', 'OfferDeclined')"):
        engagement.setdefault(offer, set()).add(event_type)
    topups = {}
    for stream, count in database.query(
            "SELECT stream_id, count(*) FROM events WHERE stream_id LIKE 'wallet-%' AND event_type = 'FundsTransferred' "
            "AND data->>'reason' = 'topUp' GROUP BY stream_id"):
        topups[stream[7:]] = int(count)

    for shopper in shoppers:
        who = f"shopper {shopper['index']} ({shopper['kind']})"
        for op in shopper["ops"]:
            counts[{"acked": "acknowledged", "failed": "refused", "unknown": "unanswered"}.get(op["outcome"], "unanswered")] += 1
        for attempt in shopper["trespass"]:
            counts["trespasses"] += 1
            if attempt["status"] not in (404, None, 503):
                violations.append(f"{who}: {attempt['method']} on another shopper's cart {attempt['victim']} answered "
                                  f"{attempt['status']}, not 404")
        cart = shopper["cartId"]
        if cart:
            counts["carts"] += 1
            violations += check_cart(shopper, carts.get(cart, []))
            opened = next((data for _, t, data in carts.get(cart, []) if t == "CartOpened"), None)
            ups = [op for op in shopper["ops"] if op["kind"] == "top-up"]
            if opened:
                found = topups.get(opened["shopperId"].lower(), 0)
                acked = sum(op["outcome"] == "acked" for op in ups)
                maybe = sum(op["outcome"] == "unknown" for op in ups)
                if not acked <= found <= acked + maybe:
                    violations.append(f"{who}: {acked} acknowledged (+{maybe} unanswered) top-ups, the wallet holds {found}")
        for op in shopper["ops"]:
            offer = (op.get("offerId") or "").lower()
            if op["kind"] in ("accept", "decline") and offer:
                wanted = "OfferAccepted" if op["kind"] == "accept" else "OfferDeclined"
                present = wanted in engagement.get(offer, set())
                if op["outcome"] == "acked" and not present:
                    violations.append(f"{who}: acknowledged {op['kind']} of offer {offer} is not in the log")
                if op["outcome"] == "failed" and present and not any(o["outcome"] == "acked" and o.get("offerId") == offer
                                                                      for o in shopper["ops"] if o is not op):
                    violations.append(f"{who}: refused {op['kind']} of offer {offer} was applied ({wanted} in the log)")
            if op["kind"] == "accept" and op["outcome"] == "acked" and isinstance(op.get("result"), dict):
                call = (op["result"].get("callId") or "").lower()
                if not any(t == "CallRequested" for t, _ in outcomes.get(call, [])):
                    violations.append(f"{who}: accepted offer {offer} answered call {call}, which the log never requested")
            if op["kind"] == "cancel" and op["outcome"] == "acked":
                if not any(t == "CallCancelRequested" for t, _ in outcomes.get(op["callId"].lower(), [])):
                    violations.append(f"{who}: acknowledged cancel of call {op['callId']} is not in the log")
        call = shopper.get("call")
        if call and call.get("final"):
            counts["calls followed"] += 1
            logged = [(t, d) for t, d in outcomes.get(call["callId"].lower(), []) if t in ("CallEnded", "CallFailed")]
            if len(logged) != 1:
                violations.append(f"{who}: call {call['callId']} has {len(logged)} outcomes in the log (one wanted)")
                continue
            event_type, data = logged[0]
            status = "ended" if event_type == "CallEnded" else "failed"
            if status != call["final"] or (status == "failed" and data.get("reason") != call.get("reason")):
                violations.append(f"{who}: call {call['callId']}: the shopper was told {call['final']} {call.get('reason') or ''}, "
                                  f"the log says {event_type} {data.get('reason') or data.get('cause') or ''}")
            expected = EXPECTED_ENDINGS.get(shopper["kind"])
            quiet = not overlaps(faults, started, shopper["started"], shopper["ended"] or shopper["started"])
            if expected and quiet and not call.get("cancelled"):
                want_status, reasons = expected
                if call["final"] != want_status or (reasons and call.get("reason") not in reasons):
                    violations.append(f"{who}: call {call['callId']} to a {shopper['kind']} phone, no fault near it, "
                                      f"ended {call['final']} {call.get('reason') or ''} (expected {want_status} "
                                      f"{'/'.join(sorted(reasons)) if reasons else ''})")
                elif shopper["kind"] == "silent" and (data.get("cause") != SILENT_CAUSE or data.get("billableMilliseconds") != 0):
                    violations.append(f"{who}: call {call['callId']} to a silent phone ended {data.get('cause')} with "
                                      f"{data.get('billableMilliseconds')} ms billable (expected {SILENT_CAUSE}, nothing billable)")
    note(f"verdict: {len(violations)} violations over {counts['carts']} carts")
    return violations, counts


def check_browsers(records, database, counts):
    """A browser shopper's call must have exactly one outcome in the log, and the one the
    page showed when it showed one (a vanished page's call ends as the shopper's hang-up)."""
    violations = []
    counts["browsers"] = len(records)
    counts["browser errors"] = sum(bool(record.get("error")) for record in records)
    calls = [record for record in records if record.get("callId")]
    counts["browser calls"] = len(calls)
    if not calls:
        return violations
    ids = ", ".join(f"'call-{record['callId'].lower()}'" for record in calls)
    outcomes = {}
    for stream, event_type in database.query(
            f"SELECT stream_id, event_type FROM events WHERE stream_id IN ({ids}) AND event_type IN ('CallEnded', 'CallFailed')"):
        outcomes.setdefault(stream[5:], []).append(event_type)
    for record in calls:
        call = record["callId"].lower()
        logged = outcomes.get(call, [])
        who = f"browser shopper (cart {record.get('cartId')}) call {call}"
        if len(logged) != 1:
            violations.append(f"{who}: {len(logged)} outcomes in the log (one wanted); the page said {record.get('final')}")
        elif record.get("final") in ("ended", "failed") and logged[0] != ("CallEnded" if record["final"] == "ended" else "CallFailed"):
            violations.append(f"{who}: the page said {record['final']}, the log says {logged[0]}")
    return violations
