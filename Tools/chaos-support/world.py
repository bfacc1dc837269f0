"""The whole system a chaos run plays against, all real processes on loopback:

  database   a Postgres cluster of the run's own (fsync on), one database;
  servers    four `cartline serve` processes on that database —
               a     web, engine and telephony (node chaos-a)
               web   web only
               engine engine only
               node  telephony only (node chaos-node)
             so every role runs twice, and every role can be killed alone;
  far ends   Tools/farends/start (Kamailio as the carrier in front of a SIPp handset, the
             SIPp agent, a SIPp phone that rings forever) plus the run's own SIPp phones: a
             talker (answers, talks ~9 s, hangs up), busy (486), decline (603) and silent
             (answers, never sends a packet);
  handler    Tools/chaos-support/chaos_handler.py in front of cartline-call-handler;
  gateway    with browser shoppers: the browser gateway (Tools/janus/run: Janus and its
             registrar), so that shoppers can talk from the storefront page.
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import time

from common import ChaosError, exchange, free_port, note
from processes import Database, FarEnd, Process, Server, wait_for

SERVERS = [("a", "web,engine,telephony"), ("web", "web"), ("engine", "engine"), ("node", "telephony")]
FAULT_TARGETS = {"kill-all-roles": "a", "kill-web": "web", "kill-engine": "engine", "kill-telephony": "node"}
TALK_MILLISECONDS = 9000
# The lossy path: each datagram (SIP and RTP, each way) lost with this chance, and delayed.
LOSSY_LOSS = 0.15
LOSSY_DELAY_MS = 60


def key():
    return base64.b64encode(os.urandom(32)).decode()


class World:
    def __init__(self, root, run_dir, db_folder, db_port, channels, rtp_timeout_seconds, seed, gateway=False):
        self.root, self.run_dir = root, run_dir
        self.database = Database(root, db_folder, db_port)
        self.channels, self.rtp_timeout_seconds = channels, rtp_timeout_seconds
        self.servers = []
        self.far_ends = {}
        self.farend_settings = {}
        self.farend_env = None
        self.admin_token = "chaos-admin-" + os.urandom(12).hex()
        self.pstn_number = None
        self.merchant = "chaos-shop"
        # A copy of the binaries lets a long run go on while the checkout is rebuilt.
        self.binaries = os.environ.get("CARTLINE_CHAOS_BIN_DIR", os.path.join(root, ".build/debug"))
        self.seed = seed
        self.lossy_link = None
        self.lossy_link_port = None
        self.with_gateway = gateway
        self.gateway_env = None
        self.gateway_settings = {}

    # --- start and stop ------------------------------------------------------------------

    def start(self):
        note("starting Postgres (a cluster of the run's own)")
        self.database.start_fresh()
        binary = os.path.join(self.binaries, "cartline")
        done = subprocess.run([binary, "migrate", "--database-url", self.database.url], capture_output=True, text=True, timeout=180)
        if done.returncode != 0:
            raise ChaosError(f"cartline migrate failed: {done.stderr[-400:]}")
        self.start_far_ends()
        if self.with_gateway:
            self.start_gateway()
        env = self.server_environment(binary)
        for name, roles in SERVERS:
            server = Server(name, roles, binary, env, os.path.join(self.run_dir, f"server-{name}.log"), self.root)
            server.start()
            self.servers.append(server)
        for server in self.servers:
            if not server.wait_healthy(90):
                raise ChaosError(f"cartline serve ({server.name}: {server.roles}) did not become healthy; see {server.log_path}")
        note("servers up: " + ", ".join(f"{s.name} ({s.roles}) :{s.port}" for s in self.servers))
        self.register_merchant()

    def start_far_ends(self):
        note("starting the far ends (Kamailio, SIPp)")
        ports = {name: str(free_port(udp=True)) for name in ("TRUNK", "HANDSET", "SOFTPHONE", "AGENT", "RINGER")}
        media = {name: str(free_port(udp=True, even=True)) for name in ("HANDSET", "SOFTPHONE", "AGENT", "RINGER")}
        self.farend_env = dict(os.environ, CARTLINE_DATA=os.path.join(self.run_dir, "farends-data"),
                               **{f"CARTLINE_{n}_PORT": p for n, p in ports.items()},
                               **{f"CARTLINE_{n}_MEDIA_PORT": p for n, p in media.items()})
        done = subprocess.run([os.path.join(self.root, "Tools/farends/start")], env=self.farend_env, cwd=self.root,
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise ChaosError(f"Tools/farends/start failed: {done.stderr[-600:]}")
        self.farend_settings = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
        self.pstn_number = self.farend_settings["CARTLINE_DEMO_PHONE_NUMBER"]
        fixtures = os.path.join(self.root, "Tests/Fixtures/sipp")
        shutil.copy(os.path.join(fixtures, "talk.wav"), os.path.join(self.run_dir, "talk.wav"))
        phones = {
            "talker": (os.path.join(fixtures, "uas-talks-then-hangs-up.xml"), True, ("-d", str(TALK_MILLISECONDS))),
            "busy": (os.path.join(fixtures, "uas-busy.xml"), False, ()),
            "decline": (os.path.join(fixtures, "sip-reject-603.xml"), False, ()),
            # The shopper's softphone scenario, without RTP echo: it answers and stays silent.
            "silent": (os.path.join(self.root, "Tools/farends/sipp/softphone.xml"), False, ()),
            # A talker of its own behind impaired_link.py (below), for calls over a lossy path.
            "lossy": (os.path.join(fixtures, "uas-talks-then-hangs-up.xml"), True, ("-d", str(TALK_MILLISECONDS))),
        }
        for kind, (scenario, echo, extra) in phones.items():
            phone = FarEnd(kind, scenario, self.run_dir, echo, extra)
            phone.start()
            if not phone.wait_started():
                raise ChaosError(f"SIPp ({kind}) did not start; see {phone.log_path}")
            self.far_ends[kind] = phone
        # Loss and delay on the SIP and RTP path to the lossy phone, both ways: this kernel has
        # no netem, so a relay in user space drops and delays datagrams (seeded).
        link_port = free_port(udp=True)
        self.lossy_link = Process("lossy-link", [sys.executable, os.path.join(self.root, "Tools/chaos-support/impaired_link.py"),
                                                 "--listen", f"127.0.0.1:{link_port}", "--target", f"127.0.0.1:{self.far_ends['lossy'].sip_port}",
                                                 "--loss", str(LOSSY_LOSS), "--delay-ms", str(LOSSY_DELAY_MS), "--jitter-ms", "20",
                                                 "--seed", str(self.seed), "--stats-file", os.path.join(self.run_dir, "lossy-link.json")],
                                  os.path.join(self.run_dir, "lossy-link.log"))
        self.lossy_link.start()
        self.lossy_link_port = link_port
        if not wait_for(lambda: os.path.exists(os.path.join(self.run_dir, "lossy-link.json")), 10, 0.1):
            raise ChaosError(f"impaired_link.py did not start; see {self.lossy_link.log_path}")

    def start_gateway(self):
        note("starting the browser gateway (Janus and its registrar)")
        # Port ranges of the run's own (Tools/run uses 20000-20999, Tools/browser-test 21000-21399).
        self.gateway_env = dict(os.environ, CARTLINE_DATA=os.path.join(self.run_dir, "gateway-data"),
                                CARTLINE_JANUS_HTTP_PORT=str(free_port()), CARTLINE_JANUS_WS_PORT=str(free_port()),
                                CARTLINE_JANUS_ICE_PORTS="22000-22199", CARTLINE_JANUS_SIP_RTP_PORTS="22200-22399",
                                CARTLINE_GATEWAY_REGISTRAR_PORT=str(free_port(udp=True)))
        done = subprocess.run([os.path.join(self.root, "Tools/janus/run"), "start"], env=self.gateway_env, cwd=self.root,
                              capture_output=True, text=True, timeout=180)
        if done.returncode != 0:
            raise ChaosError(f"Tools/janus/run start failed: {done.stderr[-600:]}")
        self.gateway_settings = {name: value for name, value in (line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
                                 if name.startswith(("CARTLINE_JANUS_", "CARTLINE_GATEWAY_"))}
        if "CARTLINE_JANUS_WS_URL" not in self.gateway_settings:
            raise ChaosError("Tools/janus/run start printed no CARTLINE_JANUS_WS_URL")

    def server_environment(self, binary):
        handler = f"/usr/bin/python3 {os.path.join(self.root, 'Tools/chaos-support/chaos_handler.py')} " \
                  f"{os.path.join(os.path.dirname(binary), 'cartline-call-handler')}"
        settings = self.farend_settings
        return dict(
            os.environ, DATABASE_URL=self.database.url, CARTLINE_SESSION_KEY=key(), CARTLINE_PREFS_KEYS=f"p1:{key()}",
            CARTLINE_SEALING_KEY=key(), CARTLINE_ADMIN_TOKEN=self.admin_token,
            CARTLINE_METRICS_TOKEN="chaos-metrics-" + os.urandom(8).hex(), CARTLINE_OPS_TOKEN="chaos-ops-" + os.urandom(8).hex(),
            CARTLINE_OPS_PORT="0", CARTLINE_HOST="127.0.0.1", CARTLINE_LOG_LEVEL="info",
            CARTLINE_CHANNELS=str(self.channels), CARTLINE_CALL_HANDLER=handler,
            CARTLINE_RTP_TIMEOUT_SECONDS=str(self.rtp_timeout_seconds),
            CARTLINE_TRUNK=settings["CARTLINE_TRUNK_ADDRESS"], CARTLINE_TRUNK_DOMAIN=settings["CARTLINE_TRUNK_REALM"],
            CARTLINE_TRUNK_USER=settings["CARTLINE_TRUNK_USER"], CARTLINE_TRUNK_PASSWORD=settings["CARTLINE_TRUNK_PASSWORD"],
            **self.gateway_settings)

    def register_merchant(self):
        with open(os.path.join(self.root, "Tools/demo/merchant.json")) as file:
            merchant = json.load(file)
        merchant.update(merchantId=self.merchant, name="Chaos Shop",
                        agents=[{"name": "Agent Chaos", "sipUri": self.farend_settings["CARTLINE_DEMO_AGENT_SIP_URI"]}])
        # Offers soon after a cart goes idle (5 s is the shortest allowed), to every consenting
        # shopper, once per shopper; the shopper pays (so every call moves money).
        merchant["engagement"].update(idleThresholdSeconds=5, holdoutBasisPoints=0, offerTTLSeconds=30, cooldownSeconds=3600)
        merchant["pricing"].update(payer="shopper")
        web = next(server for server in self.servers if server.serves_web)
        answer = exchange(web.port, "POST", "/v1/admin/merchants", merchant, headers={"Authorization": f"Bearer {self.admin_token}"})
        if answer.status != 201:
            raise ChaosError(f"registering the chaos merchant answered {answer!r}: {answer.body[:300]!r}")

    def stop(self):
        for server in self.servers:
            server.terminate(20)
        for phone in self.far_ends.values():
            phone.terminate(5)
        if self.lossy_link is not None:
            self.lossy_link.terminate(5)
        if self.gateway_env is not None:
            subprocess.run([os.path.join(self.root, "Tools/janus/run"), "stop"], env=self.gateway_env, cwd=self.root,
                           capture_output=True, timeout=60)
        if self.farend_env is not None:
            subprocess.run([os.path.join(self.root, "Tools/farends/stop")], env=self.farend_env, cwd=self.root,
                           capture_output=True, timeout=60)
        self.database.stop()

    # --- what shoppers and faults need ---------------------------------------------------

    def pick_web(self, rng):
        """A live web server, drawn with the shopper's generator (None while none is up)."""
        alive = [server for server in self.servers if server.serves_web and server.alive]
        return rng.choice(alive) if alive else None

    def far_end_uri(self, kind, user):
        if kind == "lossy":
            return f"sip:{user}@127.0.0.1:{self.lossy_link_port}"
        phone = self.far_ends["talker" if kind.startswith("handler-") else kind] if kind != "ringer" else None
        if phone is None:
            ringer = self.farend_settings["CARTLINE_DEMO_UNANSWERED_SIP_URI"]
            return ringer.replace("sip:nobody@", f"sip:{user}@")
        return phone.uri(user)

    def server_for_fault(self, kind):
        name = FAULT_TARGETS[kind]
        return next(server for server in self.servers if server.name == name)

    def whole(self):
        return all(server.healthy() for server in self.servers)

    def describe(self):
        return ", ".join(f"{s.name}: {'up' if s.healthy() else 'down'}" for s in self.servers)

    def heal(self):
        """Starts what is down (the database, then any server), for the checks at the end."""
        self.database.start()
        for server in self.servers:
            if not server.alive:
                server.start()
        wait_for(self.whole, 90, 0.5)

    def open_calls(self):
        return int(self.database.query("SELECT count(*) FROM live_calls")[0][0])

    def settle(self, seconds):
        """Waits until no call is live (every call has its outcome) and the projectors have had
        a moment to catch up; True when the calls ended in time."""
        ended = wait_for(lambda: self.open_calls() == 0, seconds, 1.0)
        time.sleep(3)
        return ended
