"""A webhook receiver on 127.0.0.1 that verifies leadrules' signature (with the snippet of
docs/delivery.md), fails its first N requests, and keeps what it accepted by idempotency key."""

from __future__ import annotations

import json
import threading

from fakes.server import FakeApp


class Receiver(FakeApp):
    prefix = "/hook"

    def __init__(self, secret: str, fail_first: int = 0, down: bool = False):
        self.secret = secret
        self.fail_first = fail_first
        self.down = down  # answer 503 to everything while True
        self.attempts = 0
        self.accepted: dict[str, dict] = {}  # idempotency key -> body (first delivery)
        self.deliveries: list[dict] = []  # every accepted request, duplicates included
        self.bad_signatures = 0
        self._lock = threading.Lock()

    async def app(self, scope, receive, send):
        from starlette.requests import Request
        from starlette.responses import JSONResponse

        request = Request(scope, receive)
        raw = await request.body()
        status = self._handle(request.headers, raw)
        await JSONResponse({"status": status}, status_code=status)(scope, receive, send)

    def _handle(self, headers, raw: bytes) -> int:
        from fakes.verify import verify_signature

        with self._lock:
            self.attempts += 1
            if self.down:
                return 503
            if self.fail_first > 0:
                self.fail_first -= 1
                return 500
            header = headers.get("x-leadrules-signature", "")
            if not verify_signature(self.secret, header, raw):
                self.bad_signatures += 1
                return 401
            body = json.loads(raw)
            self.deliveries.append(body)
            self.accepted.setdefault(headers.get("idempotency-key", ""), body)
            return 200
