"""HubSpot: contact property updates through the CRM v3 batch endpoint.

`POST /crm/v3/objects/contacts/batch/update` with `{"inputs": [{"id", "idProperty",
"properties"}]}`, at most 100 inputs a request (HubSpot's batch limit), bearer token. Answers:
200 (every input updated), 207 (multi-status: `errors[]`, each naming its inputs in
`context.ids`), 429 (`policyName` `TEN_SECONDLY_ROLLING` or `DAILY`), 4xx/5xx. Rate limits come
from the config and from the `X-HubSpot-RateLimit-*` headers of every answer.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

from leadrules.sinks.config import HubSpotConfig
from leadrules.sinks.http import (
    DailyBudget,
    Outcome,
    RateLimiter,
    client,
    http_failure,
    transport_failure,
)
from leadrules.sinks.updates import Update, delivery_key

PATH = "/crm/v3/objects/contacts/batch/update"
RECORD_ID = "hs_object_id"
# error categories that another attempt will not fix
PERMANENT = {"OBJECT_NOT_FOUND", "VALIDATION_ERROR", "INVALID_EMAIL", "PROPERTY_DOESNT_EXIST"}


def coalesce(updates: list[Update]) -> tuple[list[Update], list[int]]:
    """One update per contact, later properties winning; and for each input, the index of the
    update that carries it."""
    merged: dict[object, int] = {}
    out: list[Update] = []
    carrier: list[int] = []
    for u in updates:
        who = u.contact if u.contact is not None else ("lead", u.lead_id)
        if who in merged:
            i = merged[who]
            prev = out[i]
            data = {**prev.data}
            for k, v in u.data.items():
                data[k] = {**data[k], **v} if isinstance(v, dict) and k in data else v
            out[i] = Update(u.sink, u.lead_id, u.contact, data, delivery_key(prev.key, u.key))
        else:
            merged[who] = len(out)
            out.append(u)
        carrier.append(merged[who])
    return out, carrier


class HubSpotSink:
    name = "hubspot"

    def __init__(self, cfg: HubSpotConfig, token: str, stop: threading.Event | None = None):
        self.cfg = cfg
        self.token = token
        self.stop = stop
        self.limiter = RateLimiter(cfg.requests_per_10s, 10.0)
        self.daily = DailyBudget(cfg.requests_per_day)
        self.batch_size = min(cfg.batch_size, 100)
        self._http = client(cfg.timeout)
        self.requests = 0

    def close(self) -> None:
        self._http.close()

    def send(self, updates: list[Update]) -> list[Outcome]:
        """Deliver the updates (coalesced per contact, in batches of at most 100, several
        batches in flight within the rate limits); one outcome per input update."""
        merged, carrier = coalesce(updates)
        batches = [
            list(range(i, min(i + self.batch_size, len(merged))))
            for i in range(0, len(merged), self.batch_size)
        ]
        results: list[Outcome | None] = [None] * len(merged)

        def run(batch: list[int]) -> None:
            got = self._send_batch([merged[i] for i in batch])
            for i, outcome in zip(batch, got, strict=True):
                results[i] = outcome

        if len(batches) <= 1 or self.cfg.concurrency <= 1:
            for b in batches:
                run(b)
        else:
            with ThreadPoolExecutor(min(self.cfg.concurrency, len(batches))) as pool:
                list(pool.map(run, batches))
        return [results[c] for c in carrier]

    def _send_batch(self, batch: list[Update]) -> list[Outcome]:
        missing = [u for u in batch if not u.contact]
        if missing:
            bad = Outcome(False, "the lead has no value for the id attribute", False)
            ok = [u for u in batch if u.contact]
            got = iter(self._send_batch(ok)) if ok else iter(())
            return [bad if not u.contact else next(got) for u in batch]
        if not self.daily.take():
            wait = self.daily.seconds_to_reset()
            why = f"HubSpot daily request limit reached ({self.daily.limit} a day)"
            return [Outcome(False, why, True, wait)] * len(batch)
        if not self.limiter.acquire(self.stop):
            return [Outcome(False, "stopped before sending", True)] * len(batch)
        body = {"inputs": [self._input(u) for u in batch]}
        try:
            response = self._http.post(
                self.cfg.base_url + PATH,
                content=json.dumps(body, separators=(",", ":")),
                headers={
                    "Authorization": f"Bearer {self.token}",
                    "Content-Type": "application/json",
                    "Idempotency-Key": delivery_key(*(u.key for u in batch)),
                },
            )
        except Exception as e:  # noqa: BLE001 - httpx transport errors: retried
            return [transport_failure(e)] * len(batch)
        finally:
            self.requests += 1
            self.limiter.release()
        self._headers(response.headers)
        status = response.status_code
        if status in (200, 201):
            return [Outcome(True)] * len(batch)
        if status == 207:
            return self._multi_status(batch, response)
        if status == 429:
            return [self._rate_limited(response)] * len(batch)
        if status == 400 and len(batch) > 1:
            # HubSpot refuses a whole batch for one bad input ("Property values were not
            # valid"): halve it until the bad inputs stand alone, so the others go through
            half = len(batch) // 2
            return self._send_batch(batch[:half]) + self._send_batch(batch[half:])
        return [http_failure(response)] * len(batch)

    def _input(self, u: Update) -> dict:
        item = {"id": str(u.contact), "properties": u.data["properties"]}
        if self.cfg.id_property != RECORD_ID:
            item["idProperty"] = self.cfg.id_property
        return item

    def _multi_status(self, batch: list[Update], response) -> list[Outcome]:
        try:
            errors = response.json().get("errors") or []
        except ValueError:
            return [http_failure(response)] * len(batch)
        failed: dict[str, Outcome] = {}
        for err in errors:
            ids = (err.get("context") or {}).get("ids") or []
            category = err.get("category") or ""
            message = f"{category}: {err.get('message', '')}".strip(": ")
            for i in ids:
                failed[str(i)] = Outcome(False, message, category not in PERMANENT)
        return [failed.get(str(u.contact), Outcome(True)) for u in batch]

    def _rate_limited(self, response) -> Outcome:
        try:
            body = response.json()
        except ValueError:
            body = {}
        policy = body.get("policyName", "")
        header = response.headers.get("Retry-After")
        if policy == "DAILY":
            self.daily.exhausted()
            wait = self.daily.seconds_to_reset()
        else:
            wait = float(header) if header and header.replace(".", "", 1).isdigit() else 1.0
            self.limiter.pause(wait)
        message = f"HTTP 429 {policy or 'rate limited'}: {body.get('message', '')}".strip(": ")
        return Outcome(False, message, True, wait)

    def _headers(self, headers) -> None:
        def number(name: str) -> int | None:
            value = headers.get(name)
            return int(value) if value is not None and value.isdigit() else None

        interval = number("X-HubSpot-RateLimit-Interval-Milliseconds")
        most = number("X-HubSpot-RateLimit-Max")
        if most is not None and interval == 10_000:
            self.limiter.lower(most)
        remaining = number("X-HubSpot-RateLimit-Daily-Remaining")
        if remaining is not None:
            self.daily.seen(remaining)
