#!/usr/bin/env python3
"""A Telegram Bot API mock for the lab internet: sendMessage, checked the way
Telegram checks it, and told how to misbehave.

    botapi.py ADDR PORT TOKEN [MESSAGES_FILE]     e.g. :: 8081 123:abc

POST /bot<TOKEN>/sendMessage   JSON or form body. Another token: 401. Needs
                               chat_id, a non-empty text, parse_mode HTML;
                               the HTML must parse (Telegram's tags, closed,
                               known entities) and show at most 4096 UTF-16
                               units, else 400. Accepted messages are kept
                               (and appended to MESSAGES_FILE as JSON lines).
GET  /_messages                accepted messages, in order (JSON list)
GET  /_requests                every sendMessage call: time, chat, status
                               ("time" is epoch seconds, "monotonic" the
                               system's CLOCK_MONOTONIC, on arrival; a
                               message's are when it was accepted)
POST /_mode                    misbehave: {"mode": M, "chat": C, "times": N,
                               "retry_after": S, "to": ID} or {"rules": [...]};
                               M: ok | 429 | 500 | hang | 401 | 403 | migrate.
                               Without "chat" a rule applies to every chat,
                               without "times" to every request. The first
                               rule that matches answers. {"mode": "ok"} clears.
POST /_reset                   forget messages, requests and rules
POST /bot<TOKEN>/getUpdates    long polling: the queued updates with update_id
                               >= offset (those below are confirmed and
                               forgotten), at most `limit`; none: waits up to
                               `timeout` s (at most 2) for one
POST /_updates                 queue messages for getUpdates: {"updates": [{"user": ID,
                               "username": U, "chat": ID, "text": T, "age": S}]}
                               (with "data": D instead of "text": an inline
                               button pressed, a callback_query)
                               ("age": sent S s ago), or {"raw": TEXT} for an
                               update that is this text verbatim (hostile input)
GET  /_polls                   every getUpdates call's offset and limit
"""
import json
import re
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code", "pre",
        "blockquote", "tg-emoji"}
TOKEN_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*>|&(lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);|[<>&]")

lock = threading.Lock()
messages = []
requests = []
rules = []
release = threading.Event()  # ends every hanging request
updates = []  # (update_id, raw JSON text) for getUpdates
polls = []
arrived = threading.Condition(lock)
state = {"message_id": 0, "messages_file": None, "token": ""}


def visible_text(html):
    """The text Telegram would show, or raises ValueError like its parser."""
    out, stack, pos = [], [], 0
    for m in TOKEN_RE.finditer(html):
        out.append(html[pos:m.start()])
        pos = m.end()
        if m.group(2):
            name = m.group(2).lower()
            if name not in TAGS:
                raise ValueError(f"Unsupported start tag \"{name}\"")
            if m.group(1):
                if not stack or stack.pop() != name:
                    raise ValueError(f"Unexpected end tag \"{name}\"")
            else:
                stack.append(name)
        elif m.group(3):
            out.append("x")
        else:
            raise ValueError(f"Unexpected character \"{m.group(0)}\"")
    out.append(html[pos:])
    if stack:
        raise ValueError(f"Unclosed start tag \"{stack[-1]}\"")
    return "".join(out)


def utf16_len(s):
    return len(s.encode("utf-16-le")) // 2


def take_rule(chat):
    with lock:
        for r in rules:
            if r.get("chat") not in (None, chat):
                continue
            if r.get("times", -1) == 0:
                continue
            if r.get("times", -1) > 0:
                r["times"] -= 1
            return dict(r)
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, description, **parameters):
        body = {"ok": False, "error_code": status, "description": description}
        if parameters:
            body["parameters"] = parameters
        self.answer(status, body)

    def body(self):
        n = int(self.headers.get("Content-Length", "0") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def do_GET(self):
        with lock:
            if self.path == "/_messages":
                return self.answer(200, messages)
            if self.path == "/_requests":
                return self.answer(200, requests)
            if self.path == "/_polls":
                return self.answer(200, polls)
        return self.error(404, "Not Found")

    def do_POST(self):
        raw = self.body()
        if self.path == "/_reset":
            with lock:
                messages.clear()
                requests.clear()
                rules.clear()
                updates.clear()
                polls.clear()
            release.set()
            return self.answer(200, {"ok": True})
        if self.path == "/_updates":
            spec = json.loads(raw or b"{}")
            with lock:
                for u in spec.get("updates", []) + ([{"raw": spec["raw"]}] if "raw" in spec else []):
                    state["update_id"] = state.get("update_id", 100) + 1
                    uid = state["update_id"]
                    if "raw" in u:
                        text = u["raw"].replace("UID", str(uid))
                    elif "data" in u:  # an inline button pressed
                        text = json.dumps({"update_id": uid, "callback_query": {
                            "id": f"cb{uid}", "from": {"id": u["user"], "is_bot": False, "first_name": "x",
                                                       "username": u.get("username", "")},
                            "message": {"message_id": uid, "chat": {"id": u["chat"], "type": "private"},
                                        "date": int(time.time() - u.get("age", 0)), "text": "..."},
                            "chat_instance": "1", "data": u["data"]}})
                    else:
                        text = json.dumps({"update_id": uid, "message": {
                            "message_id": uid, "from": {"id": u["user"], "is_bot": False, "first_name": "x",
                                                        "username": u.get("username", "")},
                            "chat": {"id": u["chat"], "type": "private" if u["chat"] > 0 else "group"},
                            "date": int(time.time() - u.get("age", 0)), "text": u["text"]}})
                    updates.append((uid, text))
                arrived.notify_all()
            return self.answer(200, {"ok": True, "last_update_id": state.get("update_id", 100)})
        if self.path == "/_mode":
            spec = json.loads(raw or b"{}")
            new = spec.get("rules", [spec])
            with lock:
                rules[:] = [r for r in new if r.get("mode", "ok") != "ok"]
            release.set()  # hanging requests end now; new ones hang on a fresh event
            if rules:
                release.clear()
            return self.answer(200, {"ok": True, "rules": len(rules)})
        m = re.fullmatch(r"/bot([^/]*)/(\w+)", self.path)
        if not m:
            return self.error(404, "Not Found")
        if m.group(1) != state["token"]:
            return self.error(401, "Unauthorized")
        if m.group(2) == "getUpdates":
            return self.get_updates(json.loads(raw or b"{}"))
        if m.group(2) != "sendMessage":
            return self.error(404, "Not Found: method not found")
        if "json" in self.headers.get("Content-Type", ""):
            try:
                params = json.loads(raw)
            except ValueError:
                return self.error(400, "Bad Request: can't parse JSON")
        else:
            params = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        chat = params.get("chat_id")
        chat = str(chat) if chat is not None else None
        rule = take_rule(chat)
        # recorded on arrival: a request told to hang is seen before it ends
        entry = {"time": time.time(), "monotonic": time.monotonic(), "chat_id": chat, "status": None,
                 "mode": rule["mode"] if rule else "ok"}
        with lock:
            requests.append(entry)
        status = self.misbehave(rule, chat) if rule else 0
        if not status:
            status = self.send_message(params, chat)
        with lock:
            entry["status"] = status
        return None

    def get_updates(self, params):
        offset, limit = int(params.get("offset", 0)), int(params.get("limit", 100))
        deadline = time.monotonic() + min(float(params.get("timeout", 0)), 2.0)
        with lock:
            polls.append({"time": time.time(), "offset": offset, "limit": limit})
            updates[:] = [u for u in updates if u[0] >= offset]  # below the offset: confirmed
            while not updates and time.monotonic() < deadline:
                arrived.wait(deadline - time.monotonic())
            batch = [text for _, text in updates[:limit]]
        data = ('{"ok":true,"result":[' + ",".join(batch) + "]}").encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def misbehave(self, rule, chat):
        mode = rule["mode"]
        if mode == "429":
            ra = int(rule.get("retry_after", 2))
            self.error(429, f"Too Many Requests: retry after {ra}", retry_after=ra)
            return 429
        if mode == "500":
            self.error(500, "Internal Server Error")
            return 500
        if mode in ("401", "403"):
            self.error(int(mode), "Unauthorized" if mode == "401" else "Forbidden: bot was kicked from the group chat")
            return int(mode)
        if mode == "migrate":
            self.error(400, "Bad Request: group chat was upgraded to a supergroup chat",
                       migrate_to_chat_id=int(rule["to"]))
            return 400
        if mode == "hang":
            release.wait(float(rule.get("seconds", 30)))
            self.close_connection = True
            return -1  # no answer at all
        return 0

    def send_message(self, params, chat):
        text = params.get("text")
        if chat is None:
            self.error(400, "Bad Request: chat_id is empty")
            return 400
        if not isinstance(text, str) or not text.strip():
            self.error(400, "Bad Request: message text is empty")
            return 400
        if params.get("parse_mode") != "HTML":
            self.error(400, "Bad Request: expected parse_mode HTML (this mock checks what jalur sends)")
            return 400
        try:
            shown = visible_text(text)
        except ValueError as e:
            self.error(400, f"Bad Request: can't parse entities: {e}")
            return 400
        if utf16_len(shown) > 4096:
            self.error(400, "Bad Request: message is too long")
            return 400
        with lock:
            state["message_id"] += 1
            msg = {"message_id": state["message_id"], "time": time.time(), "monotonic": time.monotonic(),
                   "chat_id": chat, "thread_id": params.get("message_thread_id"), "text": text,
                   "silent": params.get("disable_notification") in (True, "true"),
                   "reply_markup": params.get("reply_markup")}
            messages.append(msg)
            if state["messages_file"]:
                with open(state["messages_file"], "a", encoding="utf-8") as f:
                    f.write(json.dumps(msg) + "\n")
        self.answer(200, {"ok": True, "result": {"message_id": msg["message_id"], "chat": {"id": chat},
                                                 "date": int(msg["time"]), "text": shown}})
        return 200


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    addr, port, state["token"] = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    state["messages_file"] = sys.argv[4] if len(sys.argv) > 4 else None
    Server.address_family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    Server((addr, port), Handler).serve_forever()


if __name__ == "__main__":
    main()
