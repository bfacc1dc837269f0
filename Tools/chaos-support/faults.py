"""The faults of a chaos run, drawn from its seed: which, when, and for how long.

Every kind is injected at least once when the run is long enough (the first faults are every
kind once, in a seeded order), then kinds are drawn at random. Each fault waits for the
system to be whole again (every server healthy) before the next is drawn, so a report can say
what was injected and whether it recovered.
"""
import signal
import threading
import time

from common import note
from processes import wait_for

FAULT_KINDS = [
    "kill-all-roles",     # SIGKILL the server running web, engine and telephony; start it again
    "kill-web",           # SIGKILL the web-only server
    "kill-engine",        # SIGKILL the engine-only server
    "kill-telephony",     # SIGKILL the telephony-only node (its calls end node-restarted when it is back)
    "restart-postgres",   # Postgres stopped the hard way (immediate) and started again
    "freeze-far-end",     # SIGSTOP the talking phone mid-call: no RTP, no SIP, then SIGCONT
]


class Fault:
    def __init__(self, kind, at, down_seconds):
        self.kind, self.at, self.down_seconds = kind, at, down_seconds
        self.injected_at = None
        self.recovered = None
        self.recovery_seconds = None
        self.detail = ""

    def as_dict(self):
        return {"kind": self.kind, "at": self.at, "downSeconds": self.down_seconds, "injectedAt": self.injected_at,
                "recovered": self.recovered, "recoverySeconds": self.recovery_seconds, "detail": self.detail}


def schedule(rng, run_seconds, mean_interval_seconds, kinds=FAULT_KINDS):
    """Fault times (seconds from the start) and kinds: the first after a warm-up, none in the
    last 15 % of the run (so the last calls can end in a whole system)."""
    faults = []
    first_round = list(kinds)
    rng.shuffle(first_round)
    at = max(10.0, 0.12 * run_seconds)
    stop = 0.85 * run_seconds
    while at < stop:
        kind = first_round.pop(0) if first_round else rng.choice(kinds)
        down = round(rng.uniform(1.0, 6.0), 1)
        faults.append(Fault(kind, round(at, 1), down))
        at += mean_interval_seconds * rng.uniform(0.6, 1.4)
    return faults


class FaultInjector(threading.Thread):
    """Injects the scheduled faults into the world, one at a time, in its own thread."""

    def __init__(self, world, faults, started):
        super().__init__(daemon=True)
        self.world, self.faults, self.started = world, faults, started
        self.stopping = threading.Event()

    def run(self):
        for fault in self.faults:
            delay = self.started + fault.at - time.time()
            if delay > 0 and self.stopping.wait(delay):
                return
            if self.stopping.is_set():
                return
            fault.injected_at = round(time.time() - self.started, 1)
            note(f"fault: {fault.kind} for {fault.down_seconds} s")
            try:
                self.inject(fault)
            except Exception as error:  # a fault that could not be injected is reported, not fatal
                fault.detail = f"injecting failed: {type(error).__name__}: {error}"
            began = time.time()
            fault.recovered = wait_for(self.world.whole, 90, 0.5)
            fault.recovery_seconds = round(time.time() - began, 1)
            if not fault.recovered:
                note(f"fault {fault.kind}: the system was not whole again after 90 s ({self.world.describe()})")
                self.world.heal()

    def inject(self, fault):
        world = self.world
        if fault.kind.startswith("kill-"):
            server = world.server_for_fault(fault.kind)
            server.kill()
            fault.detail = f"killed {server.name} ({server.roles})"
            time.sleep(fault.down_seconds)
            server.start()
        elif fault.kind == "restart-postgres":
            world.database.crash()
            fault.detail = "pg_ctl stop -m immediate"
            time.sleep(fault.down_seconds)
            world.database.start()
        elif fault.kind == "freeze-far-end":
            phone = world.far_ends["talker"]
            phone.signal(signal.SIGSTOP)
            fault.detail = f"SIGSTOP {phone.name} (pid {phone.popen.pid})"
            time.sleep(fault.down_seconds + 4)  # longer than the node's RTP timeout at times
            phone.signal(signal.SIGCONT)
        else:
            raise ValueError(f"unknown fault {fault.kind}")

    def stop(self):
        self.stopping.set()
