#!/usr/bin/env python3
"""A real SMTP server for sitrep_digest's tests (Debian's python3-aiosmtpd).

    smtp_sink.py PORT OUTDIR [RULES]

Listens on 127.0.0.1:PORT and writes every accepted message to OUTDIR as NNN-<ns>.eml (written to a
temporary name, then renamed, so a reader never sees half a message). RULES, re-read at every
command so a test can change it while the server runs, holds one rule a line:

    reply  GLOB  CODE  TEXT     answer RCPT TO for addresses matching GLOB with CODE TEXT
                                (e.g. `reply bounce-*@example.org 550 5.1.1 no such user`)
    delay  SECONDS              wait this long before answering DATA (to kill the server mid-run)
    crash-after-data GLOB       for a recipient matching GLOB, store the message and then die before
                                answering DATA: the "accepted, but the reply never came" window

Prints READY once listening. Stops on SIGTERM; a test's SIGKILL is the point of the exercise.
"""

import asyncio
import fnmatch
import os
import signal
import sys
import threading
import time

from aiosmtpd.controller import Controller


def rules(path):
    out = []
    if not path or not os.path.exists(path):
        return out
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if parts and not parts[0].startswith("#"):
                out.append(parts)
    return out


class Sink:
    def __init__(self, outdir, rules_path):
        self.outdir = outdir
        self.rules_path = rules_path
        self.count = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        for r in rules(self.rules_path):
            if r[0] == "reply" and len(r) >= 3 and fnmatch.fnmatch(address.lower(), r[1].lower()):
                return " ".join(r[2:])
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        for r in rules(self.rules_path):
            if r[0] == "delay" and len(r) == 2:
                await asyncio.sleep(float(r[1]))
        with self.lock:
            self.count += 1
            n = self.count
        name = "%03d-%d.eml" % (n, time.time_ns())
        tmp = os.path.join(self.outdir, "." + name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(tmp, os.path.join(self.outdir, name))
        for r in rules(self.rules_path):
            if r[0] == "crash-after-data" and len(r) == 2 and any(fnmatch.fnmatch(a.lower(), r[1].lower()) for a in envelope.rcpt_tos):
                os._exit(3)
        return "250 Message accepted for delivery"


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    port, outdir = int(sys.argv[1]), sys.argv[2]
    rules_path = sys.argv[3] if len(sys.argv) > 3 else None
    os.makedirs(outdir, exist_ok=True)
    controller = Controller(Sink(outdir, rules_path), hostname="127.0.0.1", port=port)
    controller.start()
    print("READY", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
