#!/usr/bin/env python3
"""The call handler of a chaos run (CARTLINE_CALL_HANDLER): the real cartline-call-handler,
except for calls whose destination names a misbehaving handler in its user part —
`sip:c12-handler-crash@…` exits at once, `…handler-hang…` reads and never answers, and
`…handler-flood…` writes lines that are not the protocol as fast as it can. The node must end
each such call (handler-crashed, handler-hung, handler-protocol) and charge it right.

Usage (set by chaos.py): chaos_handler.py REAL_HANDLER [ARGUMENTS…]
"""
import os
import subprocess
import sys
import threading

FLOOD_LINES = 200_000


def read_header():
    """The header's lines (`name: value`) up to and including the blank line."""
    lines = []
    while len(lines) < 64:
        line = sys.stdin.buffer.readline()
        if not line:
            break
        lines.append(line)
        if line.strip() == b"":
            break
    return lines


def destination(lines):
    for line in lines:
        if line.startswith(b"destination:"):
            return line.split(b":", 1)[1].strip().decode("utf-8", "replace")
    return ""


def main():
    header = read_header()
    where = destination(header)
    if "handler-crash" in where:
        os._exit(3)
    if "handler-hang" in where:
        # Reads and never answers until the node kills it (its idle timeout); if the node
        # itself is killed first, stdin ends and the handler goes too, so no run leaves one behind.
        while sys.stdin.buffer.readline():
            pass
        return 0
    if "handler-flood" in where:
        try:
            for number in range(FLOOD_LINES):
                sys.stdout.buffer.write(b"GARBAGE %d \x01\x02 not a command at all\n" % number)
            sys.stdout.flush()
        except (BrokenPipeError, OSError):
            pass
        os._exit(0)
    # Everything else: the real handler, given the header we read and then our stdin.
    child = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=None, stderr=None)

    def forward():
        try:
            child.stdin.write(b"".join(header))
            child.stdin.flush()
            while True:
                chunk = os.read(0, 4096)
                if not chunk:
                    break
                child.stdin.write(chunk)
                child.stdin.flush()
        except (BrokenPipeError, OSError):
            pass
        finally:
            try:
                child.stdin.close()
            except OSError:
                pass

    threading.Thread(target=forward, daemon=True).start()
    return child.wait()


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: chaos_handler.py REAL_HANDLER [ARGUMENTS…]")
    sys.exit(main())
