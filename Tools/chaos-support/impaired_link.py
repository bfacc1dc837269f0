#!/usr/bin/env python3
"""impaired_link.py — a lossy, slow UDP path between Cartline's telephony node and a far end.

Why: the kernel on our machines has no netem (`tc qdisc add … netem` → "Specified qdisc kind is
unknown") and no modules to load, so packet loss and delay are made here, in user space, by a
relay that sits on the path. Python 3 standard library only.

    impaired_link.py --listen HOST:PORT --target HOST:PORT
                     [--loss 0.2] [--delay-ms 80] [--jitter-ms 20] [--duplicate 0.0]
                     [--seed 7] [--stats-file F] [--no-media] [--verbose]

  --listen HOST:PORT   where the node sends its SIP (dial the far end as sip:user@HOST:PORT)
  --target HOST:PORT   the far end's SIP address (a SIPp, a proxy)
  --loss P             chance (0…1) that a datagram is dropped, drawn per datagram, each
                       direction on its own
  --delay-ms MS        fixed one-way delay added in each direction
  --jitter-ms MS       each datagram's delay is MS ± jitter (uniform, never below 0); as with
                       netem, jitter can reorder datagrams
  --duplicate P        chance that a forwarded datagram is sent twice (the copy with its own delay)
  --seed N             seeds the draws: the same seed and the same traffic give the same losses.
                       Each direction and each kind (SIP, RTP) has a random stream of its own, so
                       which SIP messages are lost does not depend on how much RTP flowed.
  --stats-file F       JSON counters, rewritten atomically every 250 ms and at exit; the file
                       first appears once every socket is bound, so its existence means "ready"
  --no-media           relay SIP only: SDP is left alone and RTP flows directly, unimpaired
  --verbose            one line per SIP datagram on stderr: time, direction, message, fate
  --max-queue N        datagrams waiting for their delay at most (default 4096); more are dropped
                       and counted as `overflow`
  --max-media-sessions N   calls whose RTP is relayed at once (default 64); the least recently
                       active one is closed to make room

Stats (the file and the exit print): `directions.{to_far,to_node}.{sip,rtp}` each count
received, forwarded, dropped (the loss draw), delayed, duplicated, overflow, send_errors and
unroutable; `dropped_sip_messages.{to_far,to_node}` names the lost SIP messages (`INVITE`,
`200/INVITE`, `ACK`, `BYE`, `200/BYE`…); `totals` sums every counter; `rewrites` counts the
Contact, Via and SDP rewrites below; `stopped` is true in the final write. to_far is node → far
end, to_node is far end → node.

SIGTERM or SIGINT: stops, drops what still waits in the queue (counted as `discarded_at_exit`),
writes the stats file and prints the same JSON on stdout. The signals are unblocked at start:
a child started from a thread that blocks them (Foundation's Process from Swift concurrency)
would otherwise never see them.

How SIP is kept on the impaired path (checked against Cartline's SIP user agent, Sources/SIP,
and SIPp, Tests/Fixtures/sipp):

  node ──► listen socket ═[impair "to_far"]═► far socket ──► target
  node ◄── listen socket ◄═[impair "to_node"]═ far socket ◄── target (or anyone)

  * The node sends INVITE/ACK/CANCEL/BYE to --listen; the relay sends them on from a socket of its
    own (the "far socket"). The far end answers to where a request came from (the node's Via
    carries `rport`, SIPp always answers to the source), so responses and the far end's own
    requests (a BYE from SIPp, which sends every message of a call to the address it learnt the
    call from) come back to the far socket and go to the node's last seen address.
  * The node sends ACK for a 2xx and its BYE to the far end's Contact (RFC 3261 §12.2.1.1), not to
    where the INVITE went. SIPp's Contact is its own address, so without help those would bypass
    the relay. So in messages from the far end, a Contact URI whose host:port is the target's is
    rewritten to the listen address: the node's in-dialog requests stay on the impaired path.
  * In messages from the node, the Contact and the top Via sent-by (the node's host:port) are
    rewritten to the far socket's address, so a far end that routes by Contact or by Via (no
    rport) also stays on the path; in responses coming back, a top Via that names the far socket
    is turned back into the node's address. Cartline matches responses by branch only.
  * Record-Route/Route are left alone (rewriting them would make the proxy loop). So with a
    record-routing proxy as the target (Kamailio as the trunk, Tools/farends), the node's ACK for
    a 2xx and its BYE follow the Record-Route straight to the proxy, unimpaired; the INVITE
    transaction (INVITE, CANCEL, the ACK of a non-2xx, every response) and the far end's requests
    stay on the path. SIPp far ends (Tests/Fixtures/sipp, Tools/farends/sipp) do not record-route:
    with them every SIP message of the call crosses the relay, both ways.
  * Several nodes may share a relay: far-end SIP goes to the node that sent that Call-ID's
    requests (the last node seen for a Call-ID it never saw).

How RTP is kept on the impaired path (unless --no-media): for each Call-ID with an SDP body the
relay opens two sockets, one facing the node and one facing the far end. The node's offer gets
c=/m= rewritten to the far-facing socket (the far end sends its RTP there), the far end's answer
gets c=/m= rewritten to the node-facing socket (the node sends its RTP there); Content-Length is
updated. RTP then crosses the relay with the same impairment as SIP, each direction on its own.
Only the first audio stream is relayed (no RTCP on port + 1, no video): every c= line is
rewritten to the relay, which is what an audio-only call needs.
"""

from __future__ import annotations

import argparse
import collections
import heapq
import ipaddress
import json
import os
import random
import re
import selectors
import signal
import socket
import sys
import time

MAX_DATAGRAM_BYTES = 65_535
# Datagrams read from one socket per wake-up, so one busy socket cannot starve the others.
MAX_READS_PER_WAKE = 256
STATS_INTERVAL_SECONDS = 0.25
# A media session with no packet for this long is closed (late retransmissions are long over).
MEDIA_IDLE_SECONDS = 120.0
# Message kinds counted by name in the stats (INVITE, 200/INVITE, …) at most, per direction.
MAX_MESSAGE_NAMES = 64

DIRECTIONS = ("to_far", "to_node")
# Calls whose node the relay remembers (the oldest is forgotten first).
MAX_CALLS_REMEMBERED = 4096
KINDS = ("sip", "rtp")
COUNTERS = ("received", "forwarded", "dropped", "delayed", "duplicated", "overflow", "send_errors", "unroutable")


class UsageError(Exception):
    """Bad command-line input: printed as one line, exit status 2."""


def parse_host_port(text: str, what: str) -> tuple[str, int]:
    """`HOST:PORT` or `[V6]:PORT` → (host, port); a UsageError says what is wrong."""
    match = re.fullmatch(r"\[([0-9A-Fa-f:.]+)\]:(\d{1,5})|([^:\[\]]+):(\d{1,5})", text)
    if not match:
        raise UsageError(f"{what} must be HOST:PORT (or [IPv6]:PORT), got {text!r}")
    host = match.group(1) or match.group(3)
    port = int(match.group(2) or match.group(4))
    if not 1 <= port <= 65_535:
        raise UsageError(f"{what}: port {port} is outside 1…65535")
    try:
        resolved = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)[0][4][0]
    except socket.gaierror as error:
        raise UsageError(f"{what}: cannot resolve {host!r}: {error}") from None
    return resolved, port


def probability(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not a probability in 0…1")
    return value


def milliseconds(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 60_000.0:
        raise argparse.ArgumentTypeError(f"{text} ms is outside 0…60000")
    return value


def bounded_int(low: int, high: int):
    def parse(text: str) -> int:
        value = int(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text} is outside {low}…{high}")
        return value
    return parse


def family_of(host: str) -> int:
    return socket.AF_INET6 if ipaddress.ip_address(host).version == 6 else socket.AF_INET


def uri_host(host: str) -> str:
    """A host as it appears in a SIP URI or Via (IPv6 in brackets)."""
    return f"[{host}]" if ":" in host else host


def same_host(a: str, b: str) -> bool:
    try:
        return ipaddress.ip_address(a.strip("[]")) == ipaddress.ip_address(b.strip("[]"))
    except ValueError:
        return a.strip("[]").lower() == b.strip("[]").lower()


class Impairment:
    """Loss, delay, jitter and duplication drawn from a seeded random stream of its own."""

    def __init__(self, loss: float, delay_ms: float, jitter_ms: float, duplicate: float, seed: str):
        self.loss = loss
        self.delay_ms = delay_ms
        self.jitter_ms = jitter_ms
        self.duplicate = duplicate
        # A string seed is hashed deterministically (random.seed version 2), unlike hash().
        self.random = random.Random(seed)

    def drops(self) -> bool:
        return self.loss > 0 and self.random.random() < self.loss

    def duplicates(self) -> bool:
        return self.duplicate > 0 and self.random.random() < self.duplicate

    def delay_seconds(self) -> float:
        jitter = self.random.uniform(-self.jitter_ms, self.jitter_ms) if self.jitter_ms > 0 else 0.0
        return max(0.0, self.delay_ms + jitter) / 1000.0


# ---------------------------------------------------------------------------------------------
# SIP text surgery. Messages are handled as latin-1 text, which maps bytes 1:1, so a body or a
# header we do not touch goes out byte for byte as it came in.

COMPACT = {"v": "via", "m": "contact", "i": "call-id", "l": "content-length", "c": "content-type"}
SIP_START = re.compile(r"^(?:[A-Z]+ \S+ SIP/2\.0|SIP/2\.0 \d{3})", re.ASCII)
VIA_SENT_BY = re.compile(r"^(\s*SIP/2\.0/[A-Za-z]+\s+)(\[[^\]]+\]|[^\s;:,]+)(?::(\d+))?", re.ASCII)
URI_HOSTPORT = re.compile(r"(sips?:(?:[^@<>\s;,]+@)?)(\[[^\]]+\]|[^\s:;>?,]+)(?::(\d+))?", re.ASCII | re.IGNORECASE)


class SIPMessage:
    """Start line, header lines and body of one SIP datagram, editable and re-serialisable."""

    def __init__(self, start: str, headers: list[tuple[str, str]], body: str, separator: str):
        self.start = start
        self.headers = headers
        self.body = body
        self.separator = separator

    @staticmethod
    def parse(data: bytes) -> "SIPMessage | None":
        text = data.decode("latin-1")
        if not SIP_START.match(text):
            return None
        for separator in ("\r\n", "\n"):
            head, found, body = text.partition(separator * 2)
            if found:
                break
        else:
            return None
        lines = head.split(separator)
        headers = []
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            if not colon or name[:1].isspace():
                headers.append(("", line))  # a folded or odd line: kept verbatim
            else:
                headers.append((name, value))
        return SIPMessage(lines[0], headers, body, separator)

    def serialise(self) -> bytes:
        lines = [self.start] + [value if not name else f"{name}:{value}" for name, value in self.headers]
        return (self.separator.join(lines) + self.separator * 2 + self.body).encode("latin-1")

    @staticmethod
    def canonical(name: str) -> str:
        name = name.strip().lower()
        return COMPACT.get(name, name)

    def values(self, header: str) -> list[str]:
        return [value.strip() for name, value in self.headers if name and self.canonical(name) == header]

    def replace(self, header: str, transform, first_only: bool = False) -> int:
        """Applies `transform(value) -> value` to each `header` line; returns how many changed."""
        changed = 0
        for index, (name, value) in enumerate(self.headers):
            if name and self.canonical(name) == header:
                new = transform(value)
                if new != value:
                    self.headers[index] = (name, new)
                    changed += 1
                if first_only:
                    break
        return changed

    @property
    def is_request(self) -> bool:
        return not self.start.startswith("SIP/2.0")

    @property
    def call_id(self) -> str | None:
        values = self.values("call-id")
        return values[0] if values else None

    def name(self) -> str:
        """`INVITE`, `ACK`, `200/INVITE`, `487/INVITE`…: what the stats count losses by."""
        cseq = self.values("cseq")
        method = cseq[0].split()[-1] if cseq and cseq[0].split() else "?"
        if self.is_request:
            return self.start.split(" ", 1)[0]
        return f"{self.start.split()[1]}/{method}"

    def has_sdp(self) -> bool:
        types = self.values("content-type")
        return bool(self.body.strip()) and (
            any("application/sdp" in value.lower() for value in types) or self.body.lstrip().startswith("v=0"))

    def set_body(self, body: str) -> None:
        self.body = body
        length = str(len(body.encode("latin-1")))
        if not self.replace("content-length", lambda value: f" {length}"):
            self.headers.append(("Content-Length", f" {length}"))


def rewrite_uris(value: str, matches, host: str, port: int) -> str:
    """Rewrites each SIP URI's host[:port] in a header value for which `matches(host, port)`."""
    def substitute(match: re.Match) -> str:
        uri_port = int(match.group(3)) if match.group(3) else 5060
        if not matches(match.group(2), uri_port):
            return match.group(0)
        return f"{match.group(1)}{uri_host(host)}:{port}"
    return URI_HOSTPORT.sub(substitute, value)


def rewrite_top_via(value: str, host: str, port: int) -> str:
    return VIA_SENT_BY.sub(lambda m: f"{m.group(1)}{uri_host(host)}:{port}", value, count=1)


def via_sent_by(value: str) -> tuple[str, int] | None:
    match = VIA_SENT_BY.match(value)
    if not match:
        return None
    return match.group(2).strip("[]"), int(match.group(3)) if match.group(3) else 5060


def sdp_audio_address(body: str) -> tuple[str, int] | None:
    """The first audio stream's RTP address: its own c= line, else the session's."""
    session_host = audio_host = None
    audio_port = None
    in_audio = seen_audio = False
    for line in body.splitlines():
        if line.startswith("m="):
            if seen_audio:
                break
            fields = line[2:].split()
            in_audio = len(fields) >= 2 and fields[0] == "audio"
            if in_audio:
                seen_audio = True
                try:
                    audio_port = int(fields[1].split("/")[0])
                except ValueError:
                    return None
        elif line.startswith("c="):
            fields = line[2:].split()
            if len(fields) >= 3:
                host = fields[2].split("/")[0]
                if in_audio:
                    audio_host = host
                elif not seen_audio:
                    session_host = host
    host = audio_host or session_host
    if host is None or audio_port is None or audio_port == 0:
        return None
    return host, audio_port


def sdp_rewritten(body: str, host: str, port: int) -> str:
    """Every c= points at `host`, the first audio m= at `port`; other lines byte for byte."""
    address_type = "IP6" if ":" in host else "IP4"
    out = []
    audio_done = False
    for line in body.splitlines(keepends=True):
        content = line.rstrip("\r\n")
        ending = line[len(content):]
        if content.startswith("c="):
            content = f"c=IN {address_type} {host}"
        elif content.startswith("m=audio ") and not audio_done:
            fields = content.split(" ")
            if len(fields) >= 2:
                fields[1] = str(port)
                content = " ".join(fields)
            audio_done = True
        out.append(content + ending)
    return "".join(out)


# ---------------------------------------------------------------------------------------------


class MediaSession:
    """One call's RTP through the relay: a socket facing the node and one facing the far end."""

    def __init__(self, call_id: str, node_facing: socket.socket, far_facing: socket.socket):
        self.call_id = call_id
        self.node_facing = node_facing
        self.far_facing = far_facing
        self.node_rtp: tuple[str, int] | None = None  # where the node receives RTP (its offer)
        self.far_rtp: tuple[str, int] | None = None  # where the far end receives RTP (its answer)
        self.last_active = time.monotonic()


class Relay:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.listen_host, self.listen_port = args.listen
        self.target = args.target
        self.selector = selectors.DefaultSelector()
        self.listen_socket = self.bind(self.listen_host, self.listen_port)
        # The far socket binds where it can reach the target: the listen host, unless that is a
        # wildcard (then the address the kernel would use towards the target is advertised).
        self.far_socket = self.bind(self.listen_host, 0)
        self.far_host = self.advertised_host(self.listen_host, self.target)
        self.far_port = self.far_socket.getsockname()[1]
        self.selector.register(self.listen_socket, selectors.EVENT_READ, ("sip", "to_far", None))
        self.selector.register(self.far_socket, selectors.EVENT_READ, ("sip", "to_node", None))
        self.node_address: tuple[str, int] | None = None  # the node's SIP address, last seen
        self.nodes_by_call: collections.OrderedDict[str, tuple[str, int]] = collections.OrderedDict()
        self.media: dict[str, MediaSession] = {}
        self.impairments = {
            (direction, kind): Impairment(args.loss, args.delay_ms, args.jitter_ms, args.duplicate,
                                          seed=f"{args.seed}:{direction}:{kind}")
            for direction in DIRECTIONS for kind in KINDS
        }
        self.queue: list[tuple[float, int, socket.socket, bytes, tuple[str, int], str, str]] = []
        self.sequence = 0
        self.counters = {d: {k: dict.fromkeys(COUNTERS, 0) for k in KINDS} for d in DIRECTIONS}
        self.dropped_messages = {d: {} for d in DIRECTIONS}
        self.rewrites = {"contact": 0, "via": 0, "sdp": 0}
        self.media_sessions_opened = 0
        self.discarded_at_exit = 0
        self.stopping = False
        self.dirty = True
        self.started = time.monotonic()

    # -- sockets -------------------------------------------------------------------------------

    def bind(self, host: str, port: int) -> socket.socket:
        sock = socket.socket(family_of(host), socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.setblocking(False)
        return sock

    @staticmethod
    def advertised_host(bound_host: str, towards: tuple[str, int]) -> str:
        if not ipaddress.ip_address(bound_host).is_unspecified:
            return bound_host
        probe = socket.socket(family_of(towards[0]), socket.SOCK_DGRAM)
        try:
            probe.connect(towards)  # no packet is sent: this only asks the routing table
            return probe.getsockname()[0]
        finally:
            probe.close()

    def node_facing_host(self) -> str:
        if self.node_address is None:
            return self.listen_host
        return self.advertised_host(self.listen_host, self.node_address)

    # -- the loop ------------------------------------------------------------------------------

    def run(self) -> None:
        self.write_stats()  # the file's existence means: bound and ready
        next_stats = time.monotonic() + STATS_INTERVAL_SECONDS
        while not self.stopping:
            now = time.monotonic()
            timeout = min(next_stats, self.queue[0][0] if self.queue else next_stats) - now
            for key, _ in self.selector.select(max(0.0, timeout)):
                self.drain(key.fileobj, key.data)
            self.send_due(time.monotonic())
            if time.monotonic() >= next_stats:
                self.expire_media()
                if self.dirty:
                    self.write_stats()
                next_stats = time.monotonic() + STATS_INTERVAL_SECONDS
        self.discarded_at_exit = len(self.queue)
        self.queue.clear()
        self.write_stats()
        print(json.dumps(self.stats(), indent=2, sort_keys=True), flush=True)
        self.close()

    def drain(self, sock: socket.socket, data) -> None:
        kind, direction, session = data
        for _ in range(MAX_READS_PER_WAKE):
            try:
                payload, source = sock.recvfrom(MAX_DATAGRAM_BYTES)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                # An ICMP "port unreachable" from an earlier send surfaces here on Linux: the
                # datagram it answers is lost already; keep reading.
                continue
            source = (source[0], source[1])
            self.counters[direction][kind]["received"] += 1
            self.dirty = True
            if kind == "sip":
                self.on_sip(payload, source, direction)
            else:
                self.on_rtp(payload, source, direction, session)

    def on_sip(self, payload: bytes, source: tuple[str, int], direction: str) -> None:
        message = SIPMessage.parse(payload)
        call = message.call_id if message is not None else None
        if direction == "to_far":
            # Several nodes may call through one relay: each call's messages from the far end go
            # back to the node that sent that call's requests (the last one seen otherwise).
            self.node_address = source
            if call:
                self.nodes_by_call[call] = source
                self.nodes_by_call.move_to_end(call)
                while len(self.nodes_by_call) > MAX_CALLS_REMEMBERED:
                    self.nodes_by_call.popitem(last=False)
            destination, out = self.target, self.far_socket
        else:
            if call and call in self.nodes_by_call:
                self.node_address = self.nodes_by_call[call]
            if self.node_address is None:
                self.counters[direction]["sip"]["unroutable"] += 1
                return
            destination, out = self.node_address, self.listen_socket
        name = "non-sip"
        if message is not None:
            name = message.name()
            if direction == "to_far":
                self.rewrite_from_node(message)
            else:
                self.rewrite_from_far(message)
            payload = message.serialise()
        self.impair_and_queue(payload, out, destination, direction, "sip", name)

    def rewrite_from_node(self, message: SIPMessage) -> None:
        node_host, node_port = self.node_address
        is_node = lambda host, port: same_host(host, node_host) and port == node_port
        self.rewrites["contact"] += message.replace(
            "contact", lambda v: rewrite_uris(v, is_node, self.far_host, self.far_port))
        if message.is_request:
            self.rewrites["via"] += message.replace(
                "via", lambda v: rewrite_top_via(v, self.far_host, self.far_port)
                if (sent := via_sent_by(v)) and is_node(*sent) else v, first_only=True)
        if not self.args.no_media and message.has_sdp() and message.call_id:
            session = self.media_session(message.call_id)
            if session is not None and (address := sdp_audio_address(message.body)) is not None:
                session.node_rtp = address
                host, port = session.far_facing.getsockname()[:2]
                message.set_body(sdp_rewritten(message.body, self.advertised_host(host, self.target), port))
                self.rewrites["sdp"] += 1

    def rewrite_from_far(self, message: SIPMessage) -> None:
        target_host, target_port = self.target
        is_target = lambda host, port: same_host(host, target_host) and port == target_port
        self.rewrites["contact"] += message.replace(
            "contact", lambda v: rewrite_uris(v, is_target, self.node_facing_host(), self.listen_port))
        if not message.is_request:
            node_host, node_port = self.node_address
            is_far_socket = lambda host, port: same_host(host, self.far_host) and port == self.far_port
            self.rewrites["via"] += message.replace(
                "via", lambda v: rewrite_top_via(v, node_host, node_port)
                if (sent := via_sent_by(v)) and is_far_socket(*sent) else v, first_only=True)
        if not self.args.no_media and message.has_sdp() and message.call_id:
            session = self.media_session(message.call_id)
            if session is not None and (address := sdp_audio_address(message.body)) is not None:
                session.far_rtp = address
                port = session.node_facing.getsockname()[1]
                message.set_body(sdp_rewritten(message.body, self.node_facing_host(), port))
                self.rewrites["sdp"] += 1

    def on_rtp(self, payload: bytes, source: tuple[str, int], direction: str, session: MediaSession) -> None:
        session.last_active = time.monotonic()
        if direction == "to_far":
            destination, out = session.far_rtp, session.far_facing
        else:
            destination, out = session.node_rtp, session.node_facing
        if destination is None:  # RTP before the SDP that says where it goes
            self.counters[direction]["rtp"]["unroutable"] += 1
            return
        self.impair_and_queue(payload, out, destination, direction, "rtp", "rtp")

    def impair_and_queue(self, payload: bytes, out: socket.socket, destination: tuple[str, int],
                         direction: str, kind: str, name: str) -> None:
        impairment = self.impairments[(direction, kind)]
        counters = self.counters[direction][kind]
        if impairment.drops():
            counters["dropped"] += 1
            if kind == "sip":
                names = self.dropped_messages[direction]
                if name in names or len(names) < MAX_MESSAGE_NAMES:
                    names[name] = names.get(name, 0) + 1
                self.log(direction, name, "dropped")
            return
        copies = 2 if impairment.duplicates() else 1
        if copies == 2:
            counters["duplicated"] += 1
        for _ in range(copies):
            if len(self.queue) >= self.args.max_queue:
                counters["overflow"] += 1
                if kind == "sip":
                    self.log(direction, name, "overflow")
                continue
            delay = impairment.delay_seconds()
            if delay > 0:
                counters["delayed"] += 1
            if kind == "sip":
                self.log(direction, name, f"forwarded after {delay * 1000:.0f} ms")
            self.sequence += 1
            heapq.heappush(self.queue, (time.monotonic() + delay, self.sequence, out, payload, destination, direction, kind))

    def log(self, direction: str, name: str, fate: str) -> None:
        if self.args.verbose:
            print(f"{time.monotonic() - self.started:9.3f} {direction:7} {name:14} {fate}", file=sys.stderr, flush=True)

    def send_due(self, now: float) -> None:
        while self.queue and self.queue[0][0] <= now:
            _, _, out, payload, destination, direction, kind = heapq.heappop(self.queue)
            counters = self.counters[direction][kind]
            try:
                out.sendto(payload, destination)
                counters["forwarded"] += 1
            except OSError:
                counters["send_errors"] += 1  # a closed media socket, an unreachable peer
            self.dirty = True

    # -- media sessions ------------------------------------------------------------------------

    def media_session(self, call_id: str) -> MediaSession | None:
        session = self.media.get(call_id)
        if session is not None:
            return session
        if len(self.media) >= self.args.max_media_sessions:
            self.close_media(min(self.media.values(), key=lambda s: s.last_active))
        try:
            node_facing = self.bind(self.listen_host, 0)
            far_facing = self.bind(self.listen_host, 0)
        except OSError as error:
            print(f"impaired_link: cannot open media sockets: {error}", file=sys.stderr, flush=True)
            return None
        session = MediaSession(call_id, node_facing, far_facing)
        self.selector.register(node_facing, selectors.EVENT_READ, ("rtp", "to_far", session))
        self.selector.register(far_facing, selectors.EVENT_READ, ("rtp", "to_node", session))
        self.media[call_id] = session
        self.media_sessions_opened += 1
        return session

    def close_media(self, session: MediaSession) -> None:
        self.media.pop(session.call_id, None)
        for sock in (session.node_facing, session.far_facing):
            self.selector.unregister(sock)
            sock.close()
        # Queued packets that were to leave through these sockets count as send errors.

    def expire_media(self) -> None:
        cutoff = time.monotonic() - MEDIA_IDLE_SECONDS
        for session in [s for s in self.media.values() if s.last_active < cutoff]:
            self.close_media(session)

    # -- stats and shutdown --------------------------------------------------------------------

    def stats(self) -> dict:
        totals = {counter: sum(self.counters[d][k][counter] for d in DIRECTIONS for k in KINDS) for counter in COUNTERS}
        return {
            "ready": True,
            "pid": os.getpid(),
            "uptime_seconds": round(time.monotonic() - self.started, 3),
            "listen": f"{uri_host(self.listen_host)}:{self.listen_port}",
            "far_socket": f"{uri_host(self.far_host)}:{self.far_port}",
            "target": f"{uri_host(self.target[0])}:{self.target[1]}",
            "node": f"{uri_host(self.node_address[0])}:{self.node_address[1]}" if self.node_address else None,
            "settings": {"loss": self.args.loss, "delay_ms": self.args.delay_ms, "jitter_ms": self.args.jitter_ms,
                         "duplicate": self.args.duplicate, "seed": self.args.seed, "media": not self.args.no_media},
            "directions": self.counters,
            "dropped_sip_messages": self.dropped_messages,
            "totals": totals,
            "rewrites": self.rewrites,
            "media_sessions_open": len(self.media),
            "media_sessions_opened": self.media_sessions_opened,
            "queued": len(self.queue),
            "discarded_at_exit": self.discarded_at_exit,
            "stopped": self.stopping,
        }

    def write_stats(self) -> None:
        self.dirty = False
        if not self.args.stats_file:
            return
        temporary = f"{self.args.stats_file}.tmp"
        try:
            with open(temporary, "w", encoding="utf-8") as file:
                json.dump(self.stats(), file, indent=2, sort_keys=True)
            os.replace(temporary, self.args.stats_file)  # readers never see half a file
        except OSError as error:
            print(f"impaired_link: cannot write {self.args.stats_file}: {error}", file=sys.stderr, flush=True)

    def stop(self, *_: object) -> None:
        self.stopping = True

    def close(self) -> None:
        for session in list(self.media.values()):
            self.close_media(session)
        for sock in (self.listen_socket, self.far_socket):
            self.selector.unregister(sock)
            sock.close()
        self.selector.close()


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="impaired_link.py",
        description="UDP relay with seeded loss, delay, jitter and duplication for SIP and its RTP.")
    parser.add_argument("--listen", required=True, help="HOST:PORT the node sends its SIP to")
    parser.add_argument("--target", required=True, help="HOST:PORT of the far end's SIP")
    parser.add_argument("--loss", type=probability, default=0.0, help="drop probability per datagram (0…1)")
    parser.add_argument("--delay-ms", type=milliseconds, default=0.0, help="fixed one-way delay")
    parser.add_argument("--jitter-ms", type=milliseconds, default=0.0, help="± uniform jitter on the delay")
    parser.add_argument("--duplicate", type=probability, default=0.0, help="duplication probability (0…1)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random draws")
    parser.add_argument("--stats-file", help="JSON counters, written atomically while running and at exit")
    parser.add_argument("--no-media", action="store_true", help="relay SIP only; RTP goes direct")
    parser.add_argument("--verbose", action="store_true", help="log each SIP datagram's fate on stderr")
    parser.add_argument("--max-queue", type=bounded_int(1, 1_000_000), default=4096, help="delayed datagrams at most")
    parser.add_argument("--max-media-sessions", type=bounded_int(1, 4096), default=64, help="calls with relayed RTP at most")
    args = parser.parse_args(argv)
    try:
        args.listen = parse_host_port(args.listen, "--listen")
        args.target = parse_host_port(args.target, "--target")
    except UsageError as error:
        parser.error(str(error))
    if args.jitter_ms > 0 and args.delay_ms == 0:
        print("impaired_link: --jitter-ms without --delay-ms: delays below 0 are clamped to 0", file=sys.stderr)
    return args


def main(argv: list[str]) -> int:
    args = parse_arguments(argv)
    # Unblock first: a parent may have started us with these signals blocked (see the top).
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    try:
        relay = Relay(args)
    except OSError as error:
        print(f"impaired_link: cannot bind: {error}", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, relay.stop)
    signal.signal(signal.SIGINT, relay.stop)
    relay.run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
