#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""smtpd.py: the loopback SMTP server of regiomon's mail tests.

A thin wrapper around Debian's python3-aiosmtpd (run it with
/usr/bin/python3).  It listens on 127.0.0.1 only and keeps every message
it accepts as the bytes that came over the wire: the DATA lines exactly
as received (CR, LF and all, so a bare LF would show), with only the
SMTP dot-stuffing undone, as the server's own handler sees them in
envelope.original_content.

Each accepted message N (0000, 0001, ...) becomes two files in the
directory given:

    N.eml    the raw message bytes
    N.json   {"mail_from": "...", "rcpt_tos": [...], "auth": "user" or
              null, "reply": "250 ..."}

written to a temp name and renamed, so a reader never sees half of one.

Options:

    auth          (user, password): advertise AUTH and require it before
                  MAIL; on loopback it is offered without TLS
    data_replies  a list of SMTP replies for the end of DATA, consumed
                  one per message (["451 4.3.0 try later", "250 OK"]:
                  the first message is refused after its data, the next
                  accepted); once used up, messages are accepted.  A
                  refused message is not saved.

From Python:

    import smtpd
    srv = smtpd.start(directory)            # ephemeral port
    srv = smtpd.start(directory, port=p)    # a given port, e.g. one from
                                            # smtpd.free_port() that a
                                            # test first used while no
                                            # server listened on it
    srv.port
    srv.messages()      # [{"raw": bytes, "mail_from": ..., ...}, ...]
    srv.set_data_replies([...])
    srv.stop()

Command line (for a server outside the test process):

    smtpd.py --dir DIR [--port 0] [--port-file FILE] [--auth USER:PASS]

writes the port to --port-file once it listens (atomically) and serves
until SIGTERM or SIGINT.
"""

import argparse
import asyncio
import glob
import json
import logging
import os
import signal
import socket
import threading
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

# AUTH without TLS is what these tests want on loopback, and aiosmtpd's
# own use of its deprecated Session.login_data is not ours to fix: keep
# both warnings out of the test output.
logging.getLogger("mail.log").setLevel(logging.ERROR)


def free_port():
    """A port on 127.0.0.1 that nothing listens on right now."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class _Handler:
    def __init__(self, directory, auth):
        self.dir = directory
        self.auth = auth
        self.lock = threading.Lock()
        self.replies = []

    def authenticate(self, server, session, envelope, mechanism, data):
        ok = (isinstance(data, LoginPassword) and self.auth is not None
              and (data.login.decode("utf-8", "replace"),
                   data.password.decode("utf-8", "replace")) == self.auth)
        return AuthResult(success=ok, handled=False,
                          auth_data=data.login.decode() if ok else None)

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            reply = self.replies.pop(0) if self.replies else \
                "250 2.0.0 OK message accepted"
            if not reply.startswith("250"):
                return reply
            n = len(glob.glob(os.path.join(self.dir, "*.eml")))
            base = os.path.join(self.dir, "%04d" % n)
            meta = {"mail_from": envelope.mail_from,
                    "rcpt_tos": list(envelope.rcpt_tos),
                    "auth": session.auth_data if session.authenticated
                    else None,
                    "reply": reply}
            with open(base + ".json.tmp", "w", encoding="utf-8") as f:
                json.dump(meta, f)
            os.replace(base + ".json.tmp", base + ".json")
            with open(base + ".eml.tmp", "wb") as f:
                f.write(envelope.original_content)
            os.replace(base + ".eml.tmp", base + ".eml")
        return reply


class Running:
    """A server on 127.0.0.1 served by an asyncio loop in a thread."""

    def __init__(self, directory, port=0, auth=None):
        os.makedirs(directory, exist_ok=True)
        self.dir = directory
        self.handler = _Handler(directory, auth)
        self.loop = asyncio.new_event_loop()
        self.error = None
        self.port = None
        ready = threading.Event()

        def factory():
            # unittest resets the warning filters: silence this here.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return SMTP(self.handler, hostname="localhost",
                            authenticator=self.handler.authenticate
                            if auth else None,
                            auth_required=bool(auth),
                            auth_require_tls=False, loop=self.loop)

        def run():
            asyncio.set_event_loop(self.loop)
            try:
                self.server = self.loop.run_until_complete(
                    self.loop.create_server(factory, host="127.0.0.1",
                                            port=port, reuse_address=True))
                self.port = self.server.sockets[0].getsockname()[1]
            except Exception as e:      # noqa: BLE001 (reported below)
                self.error = e
                ready.set()
                return
            ready.set()
            self.loop.run_forever()
            self.loop.close()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        ready.wait(30)
        if self.error is not None:
            raise self.error
        if self.port is None:
            raise RuntimeError("smtpd did not start")

    async def _close(self):
        self.server.close()
        tasks = [t for t in asyncio.all_tasks()
                 if t is not asyncio.current_task()]
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.server.wait_closed()

    def stop(self):
        if self.thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._close(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(30)
        self.thread = None

    def set_data_replies(self, replies):
        with self.handler.lock:
            self.handler.replies = list(replies)

    def messages(self):
        """Every message accepted so far, oldest first."""
        out = []
        for path in sorted(glob.glob(os.path.join(self.dir, "*.eml"))):
            with open(path, "rb") as f:
                raw = f.read()
            with open(path[:-4] + ".json", encoding="utf-8") as f:
                meta = json.load(f)
            meta["raw"] = raw
            meta["path"] = path
            out.append(meta)
        return out


def start(directory, port=0, auth=None):
    """Start a server saving into directory; returns a Running."""
    return Running(directory, port, auth)


def main():
    ap = argparse.ArgumentParser(description="regiomon's test SMTP server")
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--auth", help="USER:PASSWORD")
    a = ap.parse_args()
    auth = tuple(a.auth.split(":", 1)) if a.auth else None
    srv = start(a.dir, a.port, auth)
    if a.port_file:
        tmp = a.port_file + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write("%d\n" % srv.port)
        os.replace(tmp, a.port_file)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    srv.stop()


if __name__ == "__main__":
    main()
