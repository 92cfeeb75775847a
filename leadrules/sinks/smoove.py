"""smoove: contact custom fields (and list subscriptions) through its REST API.

`PUT /v1/Contacts/{email}?by=Email` with `{"customFields": {"<field id>": value},
"lists_ToSubscribe": [id], "lists_ToUnSubscribe": [id]}`, `Authorization: Bearer <API key>`: one
contact a request (smoove documents no batch update), within `requests_per_second`."""

from __future__ import annotations

import json
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

from leadrules.sinks.config import SmooveConfig
from leadrules.sinks.http import Outcome, RateLimiter, client, http_failure, transport_failure
from leadrules.sinks.hubspot import coalesce
from leadrules.sinks.updates import Update


class SmooveSink:
    name = "smoove"

    def __init__(self, cfg: SmooveConfig, token: str, stop: threading.Event | None = None):
        self.cfg = cfg
        self.token = token
        self.stop = stop
        self.limiter = RateLimiter(cfg.requests_per_second, 1.0)
        self._http = client(cfg.timeout)
        self.requests = 0

    def close(self) -> None:
        self._http.close()

    def send(self, updates: list[Update]) -> list[Outcome]:
        merged, carrier = coalesce(updates)
        if len(merged) <= 1 or self.cfg.concurrency <= 1:
            results = [self._send_one(u) for u in merged]
        else:
            with ThreadPoolExecutor(min(self.cfg.concurrency, len(merged))) as pool:
                results = list(pool.map(self._send_one, merged))
        return [results[c] for c in carrier]

    def _send_one(self, u: Update) -> Outcome:
        if not u.contact:
            return Outcome(False, "the lead has no e-mail (the id attribute is empty)", False)
        if not self.limiter.acquire(self.stop):
            return Outcome(False, "stopped before sending", True)
        url = f"{self.cfg.base_url}/Contacts/{urllib.parse.quote(str(u.contact), safe='@')}"
        try:
            response = self._http.put(
                url,
                params={"by": "Email"},
                content=json.dumps(u.data, separators=(",", ":")),
                headers={
                    "Authorization": f"Bearer {self.token}",
                    "Content-Type": "application/json",
                    "Idempotency-Key": u.key,
                },
            )
        except Exception as e:  # noqa: BLE001 - httpx transport errors: retried
            return transport_failure(e)
        finally:
            self.requests += 1
            self.limiter.release()
        if 200 <= response.status_code < 300:
            return Outcome(True)
        if response.status_code == 404:
            return Outcome(False, f"smoove has no contact with e-mail {u.contact}", False)
        return http_failure(response)
