"""A fake smoove REST API on 127.0.0.1: `PUT /v1/Contacts/{email}?by=Email` with a bearer API
key and `{"customFields": {id: value}, "lists_ToSubscribe": [...], "lists_ToUnSubscribe": [...]}`;
404 for an e-mail it does not know (when `known` is given), 429 past `per_second` requests in a
rolling second, configured 5xx answers."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections import Counter

from fakes.server import FakeApp, RollingCounter

BODY_KEYS = {"customFields", "lists_ToSubscribe", "lists_ToUnSubscribe", "email"}


class FakeSmoove(FakeApp):
    prefix = "/v1"

    def __init__(self, token="smoove-test-key", per_second=10, known=None, fail_first=0):
        self.token = token
        self.per_second = per_second
        self.known = known
        self.fail_first = fail_first
        self.contacts: dict[str, dict] = {}
        self.lists: dict[int, set[str]] = {}
        self.updates: Counter[str] = Counter()
        self.requests = 0
        self.rejected = 0
        self.bad_requests: list[str] = []
        self.window = RollingCounter(1.0)
        self._lock = threading.Lock()

    async def app(self, scope, receive, send):
        from starlette.requests import Request
        from starlette.responses import JSONResponse

        request = Request(scope, receive)
        raw = await request.body()
        status, body = self._handle(request, raw)
        await JSONResponse(body, status_code=status)(scope, receive, send)

    def _handle(self, request, raw: bytes):
        with self._lock:
            self.requests += 1
            if self.window.arrive() > self.per_second:
                self.rejected += 1
                return 429, {"message": "Too many requests"}
            if request.headers.get("authorization") != f"Bearer {self.token}":
                return 401, {"message": "Authorization has been denied for this request."}
            parts = request.url.path.split("/")
            if request.method != "PUT" or len(parts) != 4 or parts[1:3] != ["v1", "Contacts"]:
                return 404, {"message": "No HTTP resource was found"}
            if request.query_params.get("by", "").lower() != "email":
                self.bad_requests.append("by=Email missing")
                return 400, {"message": "by must name the identifier (Email)"}
            if self.fail_first > 0:
                self.fail_first -= 1
                return 503, {"message": "Service unavailable"}
            email = urllib.parse.unquote(parts[3])
            try:
                body = json.loads(raw)
            except ValueError:
                return 400, {"message": "invalid JSON"}
            if not isinstance(body, dict) or not set(body) <= BODY_KEYS:
                self.bad_requests.append(f"unknown keys {sorted(set(body) - BODY_KEYS)}")
                return 400, {"message": "unknown keys"}
            if self.known is not None and email not in self.known:
                return 404, {"message": f"Contact {email} not found"}
            contact = self.contacts.setdefault(email, {"email": email, "customFields": {}})
            contact["customFields"].update(body.get("customFields", {}))
            for lid in body.get("lists_ToSubscribe", []):
                self.lists.setdefault(lid, set()).add(email)
            for lid in body.get("lists_ToUnSubscribe", []):
                self.lists.setdefault(lid, set()).discard(email)
            self.updates[email] += 1
            return 200, {"id": abs(hash(email)) % 10**8, **contact}
