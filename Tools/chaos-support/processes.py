"""The processes of a chaos run: a Postgres cluster of its own, the SIP far ends, and
`cartline serve` processes sharing that one database (each with its own roles).

Everything here is a real process started from the checkout; nothing is simulated. Each
process can be killed with SIGKILL (or frozen with SIGSTOP) and started again, which is what
the faults in faults.py do. `World.stop()` ends everything it started, whatever happened.
"""
import os
import signal
import socket
import subprocess
import time
import urllib.request

from common import ChaosError, free_port, note

PGBIN = "/usr/lib/postgresql/15/bin"


class Database:
    """A project-local cluster (Tools/db) in a folder of the run: fsync on, so a crash loses
    nothing Postgres acknowledged — what the run checks is Cartline's side of that promise."""

    def __init__(self, root, folder, port):
        self.root, self.folder, self.port = root, folder, port
        self.env = dict(os.environ, CARTLINE_DB_DIR=folder, CARTLINE_DB_PORT=str(port), CARTLINE_DB_NAME="cartline_chaos")
        self.env.pop("CARTLINE_DB_FAST", None)
        self.url = None

    def tool(self, *arguments, check=True):
        done = subprocess.run([os.path.join(self.root, "Tools/db"), *arguments], env=self.env, cwd=self.root,
                              capture_output=True, text=True, timeout=120)
        if check and done.returncode != 0:
            raise ChaosError(f"Tools/db {' '.join(arguments)} failed: {done.stderr.strip()[-400:]}")
        return done.stdout.strip()

    def start_fresh(self):
        self.tool("start")
        self.url = self.tool("reset")

    def crash(self):
        """Stops the cluster the hard way (`pg_ctl stop -m immediate`: no checkpoint, a crash
        as far as Postgres is concerned; it recovers from its WAL on the next start)."""
        data = os.path.join(self.folder, "data")
        command = [f"{PGBIN}/pg_ctl", "-D", data, "stop", "-m", "immediate", "-w"]
        if os.getuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, capture_output=True, timeout=60)

    def start(self):
        self.tool("start")

    def stop(self):
        self.tool("stop", check=False)

    def query(self, sql):
        """Rows of a query as lists of strings (psql's unaligned output, tab-separated)."""
        done = subprocess.run([os.path.join(self.root, "Tools/db"), "psql", "-v", "ON_ERROR_STOP=1", "-tA", "-F", "\t", "-c", sql],
                              env=self.env, cwd=self.root, capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise ChaosError(f"query failed: {done.stderr.strip()[-400:]}")
        return [line.split("\t") for line in done.stdout.splitlines() if line]


class Process:
    """A child process in a process group of its own, its output in a log file."""

    def __init__(self, name, command, log_path, env=None, cwd=None):
        self.name, self.command, self.log_path, self.env, self.cwd = name, command, log_path, env, cwd
        self.popen = None
        self.starts = 0
        self.started_at = 0.0

    def start(self):
        log = open(self.log_path, "ab")
        log.write(f"\n--- start {self.starts + 1} at {time.strftime('%H:%M:%S')}\n".encode())
        log.flush()
        self.popen = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                      env=self.env, cwd=self.cwd, start_new_session=True)
        log.close()
        self.starts += 1
        self.started_at = time.monotonic()

    @property
    def alive(self):
        return self.popen is not None and self.popen.poll() is None

    def signal(self, number):
        if self.alive:
            try:
                os.killpg(self.popen.pid, number)
            except ProcessLookupError:
                pass

    def kill(self):
        """SIGKILL to the whole group (a server's call handlers die with it, as on a crash)."""
        self.signal(signal.SIGKILL)
        if self.popen is not None:
            try:
                self.popen.wait(10)
            except subprocess.TimeoutExpired:
                pass

    def terminate(self, seconds=20):
        """SIGTERM, then SIGKILL after `seconds`; True when it exited by itself."""
        if not self.alive:
            return True
        self.signal(signal.SIGCONT)
        self.popen.send_signal(signal.SIGTERM)
        try:
            self.popen.wait(seconds)
            return True
        except subprocess.TimeoutExpired:
            self.kill()
            return False


class Server(Process):
    """One `cartline serve` with some roles; `base` is its HTTP address (every role serves
    /health; only `web` serves the API)."""

    def __init__(self, name, roles, binary, env, log_path, cwd):
        self.port = free_port()
        self.roles = roles
        server_env = dict(env, CARTLINE_PORT=str(self.port), CARTLINE_ROLES=roles, CARTLINE_NODE_NAME=f"chaos-{name}")
        super().__init__(name, [binary, "serve"], log_path, server_env, cwd)
        self.base = f"http://127.0.0.1:{self.port}"

    @property
    def serves_web(self):
        return "web" in self.roles.split(",")

    def healthy(self):
        """Web servers: /health answers 200. The others serve no HTTP: alive for 3 s (a
        server that cannot reach its database or bind its ports exits at once)."""
        if not self.alive:
            return False
        if not self.serves_web:
            return time.monotonic() - self.started_at >= 3
        try:
            with urllib.request.urlopen(self.base + "/health", timeout=2) as answer:
                return answer.status == 200
        except OSError:
            return False

    def wait_healthy(self, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not self.alive:
                return False
            if self.healthy():
                return True
            time.sleep(0.2)
        return False


def sip_answers(port, seconds):
    """True once a SIP OPTIONS to 127.0.0.1:port gets any SIP answer within `seconds`."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    local = sock.getsockname()[1]
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            key = os.urandom(8).hex()
            probe = (f"OPTIONS sip:127.0.0.1:{port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{local};branch=z9hG4bK{key};rport\r\n"
                     f"Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag={key[:8]}\r\nTo: <sip:127.0.0.1:{port}>\r\n"
                     f"Call-ID: {key}@chaos\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n")
            sock.sendto(probe.encode(), ("127.0.0.1", port))
            sock.settimeout(0.25)
            try:
                if sock.recv(4096).startswith(b"SIP/2.0 "):
                    return True
            except (socket.timeout, ConnectionRefusedError):
                time.sleep(0.05)
        return False
    finally:
        sock.close()


class FarEnd(Process):
    """A SIPp user agent server playing one kind of shopper's phone (see FAR_ENDS)."""

    def __init__(self, kind, scenario, work, echo, extra=()):
        self.kind = kind
        self.sip_port, self.media_port = free_port(udp=True), free_port(udp=True, even=True)
        command = ["sipp", "-sf", scenario, "-i", "127.0.0.1", "-p", str(self.sip_port), "-mi", "127.0.0.1",
                   "-mp", str(self.media_port), "-nostdin", "-trace_err", "-error_file", os.path.join(work, f"{kind}.errors.log"), *extra]
        if echo:
            command.append("-rtp_echo")
        super().__init__(kind, command, os.path.join(work, f"farend-{kind}.log"), cwd=work)

    def uri(self, user):
        return f"sip:{user}@127.0.0.1:{self.sip_port}"

    def wait_started(self, seconds=10):
        """SIPp is up once its port is bound; not every scenario answers OPTIONS, so this
        looks for the bound UDP port rather than for an answer."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not self.alive:
                return False
            probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                probe.bind(("127.0.0.1", self.sip_port))
            except OSError:
                return True  # taken: SIPp holds it
            finally:
                probe.close()
            time.sleep(0.1)
        return False


def wait_for(predicate, seconds, interval=0.5):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def note_process_exit(process):
    if process.popen is not None and process.popen.poll() is not None:
        note(f"{process.name} exited with status {process.popen.returncode}")
