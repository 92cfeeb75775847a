"""Webhooks: a JSON POST signed as Stripe and HubSpot sign theirs.

`X-Leadrules-Signature: t=TIMESTAMP,v1=HEX` where HEX is HMAC-SHA256, keyed by the shared
secret, of `TIMESTAMP` + `.` + the raw body bytes; `Idempotency-Key` is the same on every retry of
one delivery. A receiver verifies with `verify` (or the snippet in docs/delivery.md), refusing
timestamps more than five minutes away, and drops a key it has already seen."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time

from leadrules.sinks.http import Outcome, client, http_failure, transport_failure
from leadrules.sinks.updates import Update

HEADER = "X-Leadrules-Signature"
TOLERANCE = 300  # seconds


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The signature header's value for `body`."""
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def verify(secret: str, header: str, body: bytes, now: float | None = None) -> bool:
    """True when `header` signs `body` with `secret` and its timestamp is within five minutes."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        t = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs((time.time() if now is None else now) - t) > TOLERANCE:
        return False
    expected = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))


def encode(body: dict) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


class WebhookSink:
    """POSTs signed JSON. An update's data is `{"url": ..., "body": {...}}` (an action) or
    `{"lead": {...}}` (a `sync` batch, to the configured url)."""

    name = "webhook"

    def __init__(
        self,
        secret: str,
        url: str | None = None,
        timeout: float = 10.0,
        stop: threading.Event | None = None,
        batch_size: int = 100,
    ):
        self.secret = secret
        self.url = url
        self.stop = stop
        self.batch_size = batch_size
        self._http = client(timeout)
        self.requests = 0

    def close(self) -> None:
        self._http.close()

    def post(self, url: str, body: dict, key: str) -> Outcome:
        raw = encode(body)
        try:
            response = self._http.post(
                url,
                content=raw,
                headers={
                    "Content-Type": "application/json",
                    HEADER: sign(self.secret, raw),
                    "Idempotency-Key": key,
                    "User-Agent": "leadrules",
                },
            )
        except Exception as e:  # noqa: BLE001 - httpx transport errors: retried
            return transport_failure(e)
        finally:
            self.requests += 1
        if 200 <= response.status_code < 300:
            return Outcome(True)
        return http_failure(response)

    def send(self, updates: list[Update]) -> list[Outcome]:
        out: list[Outcome] = []
        leads = [u for u in updates if "lead" in u.data]
        for u in updates:
            if "url" in u.data:
                out.append(self.post(u.data["url"], u.data["body"], u.key))
        results: dict[int, Outcome] = {}
        for i in range(0, len(leads), self.batch_size):
            chunk = leads[i : i + self.batch_size]
            if not self.url:
                got = Outcome(False, "[sinks.webhook] has no url", False)
            else:
                from leadrules.sinks.updates import delivery_key

                got = self.post(
                    self.url,
                    {"leads": [u.data["lead"] for u in chunk]},
                    delivery_key(*(u.key for u in chunk)),
                )
            for u in chunk:
                results[id(u)] = got
        it = iter(out)
        return [results[id(u)] if "lead" in u.data else next(it) for u in updates]
