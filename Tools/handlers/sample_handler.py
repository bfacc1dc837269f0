#!/usr/bin/env python3
"""Sample call handler in Python (docs/call-handler-protocol.md): the default click-to-call flow.

Replies are the lines that do not start with "800 "; events are kept aside.
EOF on stdin, a broken pipe or "511" ends the handler quietly with status 0.
"""
import re
import sys

MAX_PENDING_EVENTS = 64


class ChannelGone(Exception):
    """stdin closed, stdout broken or 511: the call is over."""


class Handler:
    def __init__(self, reader, writer):
        self.reader = reader
        self.writer = writer
        self.events = []

    def read_line(self):
        line = self.reader.readline(4096)
        if not line:
            raise ChannelGone()
        return line.rstrip("\r\n")

    def read_header(self):
        header = {}
        while True:
            line = self.read_line()
            if line == "":
                return header
            name, _, value = line.partition(":")
            header[name.strip()] = value.strip()

    def send(self, command):
        try:
            self.writer.write(command + "\n")
            self.writer.flush()
        except (BrokenPipeError, OSError):
            raise ChannelGone()
        while True:
            line = self.read_line()
            if line.startswith("800 "):
                self.events = (self.events + [line])[-MAX_PENDING_EVENTS:]
                continue
            if line.startswith("511 "):
                raise ChannelGone()
            return line

    def wait_for_event(self, prefix):
        for index, event in enumerate(self.events):
            if event.startswith(prefix):
                return self.events.pop(index)
        while True:
            line = self.read_line()
            if line.startswith(prefix):
                return line

    def run(self):
        self.read_header()
        reply = self.send("DIAL customer 30000")
        if reply != "200 result=answered":
            match = re.match(r"200 result=([A-Za-z0-9_-]+)", reply)
            self.send("HANGUP customer-" + (match.group(1) if match else "failed"))
            return
        self.send("PLAY greeting")
        if self.send("DIAL agent 30000") != "200 result=answered":
            self.send("PLAY no-agent")
            self.send("HANGUP no-agent")
            return
        self.send("BRIDGE")
        self.wait_for_event("800 event=hangup")
        self.send("HANGUP")


def main():
    try:
        Handler(sys.stdin, sys.stdout).run()
    except (ChannelGone, KeyboardInterrupt):
        pass
    try:
        sys.stdout.close()
    except (BrokenPipeError, OSError):
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
