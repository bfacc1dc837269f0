"""Small things every part of the chaos tool uses: its error, free ports, progress notes,
and one HTTP exchange that never raises for a server's sake."""
import http.client
import json
import socket
import sys
import threading
import time

STARTED = time.monotonic()
_print_lock = threading.Lock()


class ChaosError(Exception):
    """The run itself could not be set up or carried out (not a finding about Cartline)."""


def note(message):
    with _print_lock:
        print(f"[chaos {time.monotonic() - STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


def free_port(udp=False, even=False):
    """A port nobody holds now (for `even`, one whose next port is free too: SIPp's RTP)."""
    for _ in range(200):
        kind = socket.SOCK_DGRAM if udp else socket.SOCK_STREAM
        sock = socket.socket(socket.AF_INET, kind)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()
        if even and (port % 2 or port > 65000):
            continue
        return port
    raise ChaosError("no free port found")


class Answer:
    """What the server said — or `status None` with `error` when no answer came: the
    request may or may not have been applied (`unknown`)."""

    def __init__(self, status=None, headers=None, body=b"", error=None):
        self.status, self.headers, self.body, self.error = status, headers or {}, body, error

    @property
    def unknown(self):
        return self.status is None

    @property
    def ok(self):
        return self.status is not None and 200 <= self.status < 300

    def json(self):
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None

    def __repr__(self):
        return f"HTTP {self.status}" if self.status is not None else f"no answer ({self.error})"


def exchange(base_port, method, path, body=None, cookie=None, headers=None, timeout=15):
    """One request on a fresh connection to 127.0.0.1:base_port."""
    connection = http.client.HTTPConnection("127.0.0.1", base_port, timeout=timeout)
    sent = {"Accept": "application/json"}
    if body is not None:
        sent["Content-Type"] = "application/json"
    if cookie:
        sent["Cookie"] = cookie
    sent.update(headers or {})
    try:
        connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=sent)
        response = connection.getresponse()
        data = response.read()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
    except (OSError, http.client.HTTPException) as error:
        return Answer(error=type(error).__name__)
    finally:
        connection.close()
