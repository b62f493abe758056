#!/usr/bin/env python3
"""A small SMPP 3.4 server (an SMSC) for the notification tests: it stands
outside the product, as an operator's gateway does.

It accepts bind_transmitter with the given system_id/password (a wrong one
is answered 0x0000000E, ESME_RINVPASWD), answers submit_sm with
submit_sm_resp, decodes UCS2 text, joins concatenated parts (UDH IEI 0x00)
and answers enquire_link and unbind. One JSON line per event goes to --out:
  {"pdu": "bind", "system_id": ..., "system_type": ..., "ok": bool}
  {"pdu": "submit", "to": ..., "source": ..., "coding": 8, "esm": 64, "part": [ref, total, seq]}
  {"pdu": "message", "to": ..., "text": ...}   (a whole message, parts joined)
  {"pdu": "enquire_link"} / {"pdu": "unbind"}
If the file named by --status-file exists, submit_sm is answered with the
hexadecimal command_status it holds (e.g. 45) instead of 0.
Prints "ready" once listening. Python standard library only.
"""

import argparse
import json
import os
import socketserver
import struct
import threading

LOCK = threading.Lock()


def record(out, obj):
    with LOCK, open(out, "a", encoding="utf-8") as f:
        f.write(json.dumps(obj, ensure_ascii=False) + "\n")


def cstr(body, i):
    j = body.index(b"\0", i)
    return body[i:j].decode("latin-1"), j + 1


class Handler(socketserver.BaseRequestHandler):
    def read(self, n):
        data = b""
        while len(data) < n:
            chunk = self.request.recv(n - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return data

    def reply(self, command, status, seq, body=b""):
        self.request.sendall(struct.pack(">IIII", 16 + len(body), command, status, seq) + body)

    def handle(self):
        cfg = self.server.cfg
        parts = {}
        bound = False
        try:
            while True:
                length, command, _status, seq = struct.unpack(">IIII", self.read(16))
                body = self.read(length - 16)
                if command == 0x00000002:  # bind_transmitter
                    system_id, i = cstr(body, 0)
                    password, i = cstr(body, i)
                    system_type, i = cstr(body, i)
                    ok = system_id == cfg.system_id and password == cfg.password
                    record(cfg.out, {"pdu": "bind", "system_id": system_id,
                                     "system_type": system_type, "version": body[i], "ok": ok})
                    self.reply(0x80000002, 0 if ok else 0x0E, seq, b"test-smsc\0")
                    bound = ok
                elif command == 0x00000004:  # submit_sm
                    if not bound:
                        self.reply(0x80000004, 0x04, seq, b"\0")  # ESME_RINVBNDSTS
                        continue
                    _service, i = cstr(body, 0)
                    i += 2
                    source, i = cstr(body, i)
                    i += 2
                    to, i = cstr(body, i)
                    esm = body[i]
                    i += 3
                    _sched, i = cstr(body, i)
                    _valid, i = cstr(body, i)
                    coding = body[i + 2]
                    sm_len = body[i + 4]
                    sm = body[i + 5:i + 5 + sm_len]
                    part = None
                    if esm & 0x40:
                        udh_len = sm[0]
                        udh = sm[1:1 + udh_len]
                        if udh[0] == 0x00:
                            part = [udh[2], udh[3], udh[4]]
                        sm = sm[1 + udh_len:]
                    text = sm.decode("utf-16-be") if coding == 8 else sm.decode("latin-1")
                    record(cfg.out, {"pdu": "submit", "to": to, "source": source,
                                     "coding": coding, "esm": esm, "part": part, "octets": sm_len})
                    status = 0
                    if cfg.status_file and os.path.exists(cfg.status_file):
                        with open(cfg.status_file) as f:
                            status = int(f.read().strip() or "0", 16)
                    if status:
                        self.reply(0x80000004, status, seq, b"\0")
                        continue
                    # Recorded before the answer, so a client that has its
                    # answer finds the record written.
                    if part is None:
                        record(cfg.out, {"pdu": "message", "to": to, "text": text})
                    else:
                        ref, total, n = part
                        got = parts.setdefault((to, ref), {})
                        got[n] = text
                        if len(got) == total:
                            whole = "".join(got[k] for k in sorted(got))
                            del parts[(to, ref)]
                            record(cfg.out, {"pdu": "message", "to": to, "text": whole})
                    self.reply(0x80000004, 0, seq, b"msg-%d\0" % seq)
                elif command == 0x00000015:  # enquire_link
                    record(cfg.out, {"pdu": "enquire_link"})
                    self.reply(0x80000015, 0, seq)
                elif command == 0x00000006:  # unbind
                    record(cfg.out, {"pdu": "unbind"})
                    self.reply(0x80000006, 0, seq)
                    return
                else:
                    self.reply(0x80000000, 0x03, seq)  # generic_nack: invalid command id
        except (EOFError, ConnectionError):
            return


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--system-id", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--status-file")
    cfg = ap.parse_args()
    server = Server(("127.0.0.1", cfg.port), Handler)
    server.cfg = cfg
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
