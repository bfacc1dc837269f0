#!/usr/bin/env python3
"""Cartline's chaos run (Tools/chaos): many shoppers at once against the whole running
system while faults are injected at seeded moments, then every invariant checked.

  1. world.py starts everything: a Postgres of the run's own, four `cartline serve`
     processes with different roles on that database, the far ends (Kamailio, SIPp phones
     that talk, are busy, decline, ring forever, stay silent) and a call handler that
     sometimes crashes, hangs or floods.
  2. shopper.py plays SHOPPERS shoppers at a time for MINUTES through the HTTP API and the
     offer stream; each shopper's life is drawn from the seed and its index.
  3. faults.py injects the seeded faults: servers killed with SIGKILL (all roles, and each
     role alone), Postgres crashed and restarted, a phone frozen mid-call.
  4. After the run: everything is started again, the calls are let end, and
     `cartline check-invariants` (the log and the read models) and verdict.py (the log against
     what each shopper was told) look for violations.

Prints a summary table; exits 1 when any invariant was violated (the findings are listed and
the run folder keeps every record and log), 2 when the run itself could not be carried out.
The same seed draws the same shoppers and the same fault schedule; timing on a real machine
still differs from run to run, so a seed reproduces the conditions of a failure, not its
every step.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import ChaosError, note  # noqa: E402
from faults import FaultInjector, schedule  # noqa: E402
from shopper import CartRegistry, Shopper  # noqa: E402
from verdict import check, check_browsers  # noqa: E402
from world import World  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class ShopperConfig:
    """How shoppers behave (shares of the draws) and how long they wait."""
    decline_share = 0.15
    ignore_share = 0.10
    checkout_share = 0.3
    trespass_share = 0.2
    offer_wait_seconds = 45       # the offer comes ~5 s after the last change; faults delay it
    grace_seconds = 20            # a shopper started just before the end may still see its offer
    call_wait_seconds = 150       # a hanging handler is killed after 60 s of silence
    top_up_micros = 1_000_000     # 1 EUR: minutes of talk at the demo price
    small_top_up_micros = 30_000  # 0.03 EUR: ~15 s, which ends a call to the handset that never hangs up


def arguments():
    parser = argparse.ArgumentParser(prog="Tools/chaos", description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=5.0, help="how long shoppers keep arriving (default 5)")
    parser.add_argument("--seed", type=int, default=1, help="draws the shoppers and the faults (default 1)")
    parser.add_argument("--shoppers", type=int, default=8, help="shoppers at a time (default 8)")
    parser.add_argument("--fault-interval", type=float, default=25.0, help="mean seconds between faults (default 25)")
    parser.add_argument("--no-faults", action="store_true", help="shoppers only: a baseline for the same seed")
    parser.add_argument("--browsers", type=int, default=1,
                        help="browser-mode shoppers at a time, each a headless Chromium talking through the gateway (default 1; 0: none)")
    parser.add_argument("--channels", type=int, default=12, help="voice channels per telephony node (default 12)")
    parser.add_argument("--db-port", type=int, default=int(os.environ.get("CARTLINE_CHAOS_DB_PORT", "54369")),
                        help="port of the run's Postgres (default $CARTLINE_CHAOS_DB_PORT or 54369)")
    parsed = parser.parse_args()
    if not 0.1 <= parsed.minutes <= 24 * 60:
        parser.error("--minutes must be between 0.1 and 1440")
    if not 1 <= parsed.shoppers <= 200:
        parser.error("--shoppers must be between 1 and 200")
    if not 5 <= parsed.fault_interval <= 3600:
        parser.error("--fault-interval must be between 5 and 3600 seconds")
    if not 0 <= parsed.browsers <= 4:
        parser.error("--browsers must be between 0 and 4 (each is a Chromium on this machine)")
    if not 1 <= parsed.channels <= 500:
        parser.error("--channels must be between 1 and 500")
    if not 1024 <= parsed.db_port <= 65535:
        parser.error("--db-port must be between 1024 and 65535")
    return parsed


def play(world, options, started, deadline):
    """Runs shoppers, SHOPPERS at a time (and BROWSERS browser shoppers), until the deadline;
    returns their records."""
    registry = CartRegistry()
    records = []
    browser_records = []
    lock = threading.Lock()
    next_index = iter(range(10**9))

    def worker():
        while time.time() < deadline:
            with lock:
                index = next(next_index)
            shopper = Shopper(index, options.seed, world, world.merchant, ShopperConfig, registry).run(deadline)
            with lock:
                records.append(shopper.as_dict())
                if len(records) % 25 == 0:
                    note(f"{len(records)} shoppers done")

    def browser_worker(number):
        from browser_shopper import BrowserShopper  # selenium is needed only with browsers
        rng = random.Random(f"{options.seed}:browser:{number}")
        artifacts = os.path.join(world.run_dir, "browser")
        os.makedirs(artifacts, exist_ok=True)
        while time.time() < deadline:
            server = world.pick_web(rng)
            if server is None:
                time.sleep(1)
                continue
            record = BrowserShopper(server.base, world.merchant, rng, artifacts).run_once(deadline)
            record["server"] = server.name
            with lock:
                browser_records.append(record)
            note(f"browser shopper: {record.get('final')} {record.get('error') or ''}".rstrip())

    with ThreadPoolExecutor(max_workers=options.shoppers + options.browsers) as pool:
        for number in range(options.browsers):
            pool.submit(browser_worker, number)
        for worker_index in range(options.shoppers):
            pool.submit(worker)
            time.sleep(0.3)  # staggered, so carts do not all idle at the same second
    return sorted(records, key=lambda record: record["index"]), browser_records


def check_invariants(world):
    done = subprocess.run([os.path.join(world.binaries, "cartline"), "check-invariants", "--database-url", world.database.url],
                          capture_output=True, text=True, timeout=600)
    return done.returncode, done.stdout + done.stderr


def lossy_link_line(world):
    """What the lossy path did, from impaired_link.py's stats file."""
    try:
        with open(os.path.join(world.run_dir, "lossy-link.json")) as file:
            totals = json.load(file)["totals"]
        return f"{'datagrams on the lossy path':<34}{totals['received']:>8}   ({totals['dropped']} dropped, {totals['delayed']} delayed)"
    except (OSError, ValueError, KeyError):
        return f"{'datagrams on the lossy path':<34}{'?':>8}   (no stats file)"


def summary(options, faults, records, counts, invariants_output, invariants_status, violations, seconds, settled, lossy_line):
    kinds = {}
    for fault in faults:
        if fault.injected_at is None:
            continue
        entry = kinds.setdefault(fault.kind, [0, 0])
        entry[0] += 1
        entry[1] += bool(fault.recovered)
    outcomes = {}
    for record in records:
        call = record.get("call") or {}
        label = call.get("final") or ("no offer" if not record.get("offer") else record["offer"]["decision"])
        if call.get("final") == "failed":
            label += f" ({call.get('reason')})"
        outcomes[label] = outcomes.get(label, 0) + 1
    checked = next((line for line in invariants_output.splitlines() if line.startswith(("clean", "VIOLATED"))), "no summary line")
    lines = [
        f"Cartline chaos run: seed {options.seed}, {options.minutes:g} min, {options.shoppers} shoppers at a time, "
        f"{'no faults' if options.no_faults else f'a fault every ~{options.fault_interval:g} s'} ({seconds:.0f} s in all)",
        "",
        f"{'faults injected':<34}{sum(v[0] for v in kinds.values()):>8}",
        *[f"  {kind:<32}{count:>8}   recovered {recovered}/{count}" for kind, (count, recovered) in sorted(kinds.items())],
        f"{'scenarios run (shoppers)':<34}{len(records):>8}",
        *[f"  {label:<32}{count:>8}" for label, count in sorted(outcomes.items(), key=lambda item: -item[1])],
        f"{'browser shoppers (Chromium)':<34}{counts.get('browsers', 0):>8}   "
        f"({counts.get('browser calls', 0)} calls, {counts.get('browser errors', 0)} gave up: see records)",
        lossy_line,
        f"{'requests acknowledged':<34}{counts.get('acknowledged', 0):>8}",
        f"{'requests refused':<34}{counts.get('refused', 0):>8}",
        f"{'requests unanswered':<34}{counts.get('unanswered', 0):>8}",
        f"{'attempts on others carts':<34}{counts.get('trespasses', 0):>8}",
        f"{'invariants checked':<34}{'':>8}",
        f"  {'log and read models':<32}{'clean' if invariants_status == 0 else 'VIOLATED':>8}   ({checked})",
        f"  {'log against shoppers records':<32}{'clean' if not violations else 'VIOLATED':>8}   "
        f"({counts.get('carts', 0)} carts, {counts.get('calls followed', 0)} calls followed)",
        f"  {'every call ended':<32}{'yes' if settled else 'NO':>8}",
        f"{'violations':<34}{len(violations) + (0 if invariants_status == 0 else 1):>8}",
    ]
    return "\n".join(lines)


def main():
    options = arguments()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    run_dir = os.path.join(os.environ.get("CARTLINE_DATA", os.path.join(ROOT, ".data")), "chaos", f"{stamp}-seed{options.seed}")
    os.makedirs(run_dir, exist_ok=True)
    note(f"run folder {run_dir}")
    world = World(ROOT, run_dir, os.path.join(os.path.dirname(run_dir), "postgres"), options.db_port,
                  options.channels, rtp_timeout_seconds=4, seed=options.seed, gateway=options.browsers > 0)
    began = time.time()
    try:
        world.start()
        started = time.time()
        run_seconds = options.minutes * 60
        faults = [] if options.no_faults else schedule(random.Random(f"{options.seed}:faults"), run_seconds, options.fault_interval)
        note(f"{len(faults)} faults scheduled: " + ", ".join(f"{f.kind}@{f.at:g}s" for f in faults))
        injector = FaultInjector(world, faults, started)
        injector.start()
        records, browser_records = play(world, options, started, started + run_seconds)
        injector.stop()
        injector.join(120)
        note("shoppers done; healing and letting the last calls end")
        world.heal()
        settled = world.settle(180)
        invariants_status, invariants_output = check_invariants(world)
        violations, counts = check(records, world.database, faults, started)
        violations += check_browsers(browser_records, world.database, counts)
        if not settled:
            violations.append(f"{world.open_calls()} calls still open 180 s after the run")
        seconds = time.time() - began
        table = summary(options, faults, records, counts, invariants_output, invariants_status, violations, seconds, settled,
                        lossy_link_line(world))
        with open(os.path.join(run_dir, "records.json"), "w") as file:
            json.dump({"seed": options.seed, "minutes": options.minutes, "faults": [f.as_dict() for f in faults],
                       "shoppers": records, "browserShoppers": browser_records, "violations": violations, "invariants": invariants_output}, file, indent=1)
        with open(os.path.join(run_dir, "summary.txt"), "w") as file:
            file.write(table + "\n")
        print(table)
        if invariants_status != 0:
            print("\ncartline check-invariants:\n" + invariants_output.strip())
        if violations:
            print("\nviolations (first 40):")
            for violation in violations[:40]:
                print("  " + violation)
        print(f"\nrecords and logs: {run_dir}")
        return 0 if invariants_status == 0 and not violations else 1
    except ChaosError as error:
        print(f"Tools/chaos: the run could not be carried out: {error}", file=sys.stderr)
        return 2
    finally:
        world.stop()


if __name__ == "__main__":
    sys.exit(main())
