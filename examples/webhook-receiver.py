#!/usr/bin/env python3
"""An example receiver of xinfang 数据推送 (webhooks), Python standard library only.

It does what every receiver must do (docs/integrations/EVENTS.md):

1. verify the signature: HMAC-SHA256 of the RAW request body, keyed with the
   endpoint's secret, hex, in ``X-Xinfang-Signature: sha256=<hex>``;
   compared in constant time; a request that fails is answered 401 and
   dropped;
2. de-duplicate on the event id (``X-Xinfang-Event-Id``, also ``id`` in the
   body): delivery is at least once, and a retry carries the same id;
3. answer 2xx quickly once the event is stored — anything else is retried.

Events of one case arrive in order (``sequence`` rises); this receiver
notes it if one ever does not.

    python3 examples/webhook-receiver.py --port 8765 --secret 'the secret' \
        [--db events.sqlite3] [--log events.jsonl]

The secret may also come from XINFANG_WEBHOOK_SECRET. ``--port 0`` picks a
free port; the first line printed is ``listening on http://HOST:PORT/``.
"""

import argparse
import hashlib
import hmac
import json
import os
import sqlite3
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 1 << 20  # an event is a few hundred bytes


def signature_ok(secret: bytes, body: bytes, header: str) -> bool:
    """True when ``header`` is ``sha256=`` + the HMAC-SHA256 of ``body``."""
    if not header.startswith("sha256="):
        return False
    expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len("sha256="):].strip().lower())


class Store:
    """Events received, keyed by event id (SQLite, so a restart still de-duplicates)."""

    def __init__(self, path: str):
        self.lock = threading.Lock()
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, case_no TEXT,"
            " sequence INTEGER, kind TEXT, body TEXT)"
        )
        self.db.commit()

    def add(self, event: dict, body: str) -> str:
        """'new', 'duplicate' or 'out_of_order' (stored all the same)."""
        case_no = event["case"]["case_no"]
        with self.lock:
            if self.db.execute("SELECT 1 FROM events WHERE id = ?", (event["id"],)).fetchone():
                return "duplicate"
            last = self.db.execute(
                "SELECT MAX(sequence) FROM events WHERE case_no = ?", (case_no,)
            ).fetchone()[0]
            self.db.execute(
                "INSERT INTO events VALUES (?, ?, ?, ?, ?)",
                (event["id"], case_no, event["sequence"], event["kind"], body),
            )
            self.db.commit()
        return "out_of_order" if last is not None and event["sequence"] <= last else "new"


def handler(secret: bytes, store: Store, log):
    class Handler(BaseHTTPRequestHandler):
        def reply(self, status: int, text: str):
            data = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length <= 0 or length > MAX_BODY:
                return self.reply(400, "bad length")
            body = self.rfile.read(length)  # the raw bytes: verify BEFORE parsing
            if not signature_ok(secret, body, self.headers.get("X-Xinfang-Signature", "")):
                self.log_message("signature mismatch, dropped")
                return self.reply(401, "bad signature")
            try:
                event = json.loads(body)
            except ValueError:
                return self.reply(400, "not JSON")
            if event.get("id") != self.headers.get("X-Xinfang-Event-Id"):
                return self.reply(400, "event id differs from its header")
            outcome = store.add(event, body.decode("utf-8"))
            line = {
                "outcome": outcome,
                "id": event["id"],
                "kind": event["kind"],
                "case_no": event["case"]["case_no"],
                "sequence": event["sequence"],
                "status": event["case"]["status"],
                "attempt": self.headers.get("X-Xinfang-Attempt"),
            }
            if log:
                log.write(json.dumps(line, ensure_ascii=False) + "\n")
                log.flush()
            return self.reply(200, outcome)

        def log_message(self, fmt, *args):
            sys.stderr.write("webhook-receiver: " + (fmt % args) + "\n")

    return Handler


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--secret", default=os.environ.get("XINFANG_WEBHOOK_SECRET"))
    p.add_argument("--db", default=":memory:", help="SQLite file of received events")
    p.add_argument("--log", help="append one JSON line per accepted event")
    a = p.parse_args()
    if not a.secret:
        p.error("--secret or XINFANG_WEBHOOK_SECRET is required")
    log = open(a.log, "a", encoding="utf-8") if a.log else None
    server = ThreadingHTTPServer((a.host, a.port), handler(a.secret.encode("utf-8"), Store(a.db), log))
    print(f"listening on http://{a.host}:{server.server_address[1]}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
