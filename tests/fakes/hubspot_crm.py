"""A fake HubSpot CRM v3 contacts batch API on 127.0.0.1.

`POST /crm/v3/objects/contacts/batch/update` as HubSpot documents it: a bearer token, a body
checked against hubspot-api-client's `BatchInputSimplePublicObjectBatchInput` with client-side
validation on (and no key the model does not define), at most 100 inputs, no duplicate ids,
properties as strings. Answers 200 (`BatchResponseSimplePublicObject`), 207 with `errors[]`
naming their inputs in `context.ids` (unknown contacts, configured flaky ids), 429 with
HubSpot's body (`policyName` `TEN_SECONDLY_ROLLING` past `per_10s` requests in any rolling 10 s,
`DAILY` past `per_day`), configured 5xx answers and slow answers (timeouts), and the
`X-HubSpot-RateLimit-*` headers on every answer.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import threading
import uuid
from collections import Counter

from fakes.server import FakeApp, RollingCounter

PATH = "/crm/v3/objects/contacts/batch/update"
INPUT_KEYS = {"id", "idProperty", "objectWriteTraceId", "properties"}


def _validator():
    from hubspot.crm.contacts import ApiClient
    from hubspot.crm.contacts.configuration import Configuration

    config = Configuration()
    config.client_side_validation = True
    client = ApiClient(configuration=config)
    return lambda body: client._ApiClient__deserialize(
        body, "BatchInputSimplePublicObjectBatchInput"
    )


def _now() -> str:
    return (
        dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


class FakeHubSpot(FakeApp):
    def __init__(
        self,
        token: str = "hs-test-token",
        per_10s: int = 190,
        per_day: int = 1_000_000,
        known: set[str] | None = None,
        flaky: dict[str, int] | None = None,
        fail_first: int = 0,
        latency: float = 0.0,
        slow_first: int = 0,
        slow_seconds: float = 0.0,
    ):
        self.token = token
        self.per_10s = per_10s
        self.per_day = per_day
        self.known = known  # None: every id is a contact
        self.flaky = dict(flaky or {})  # id -> how many more times it fails (207, retryable)
        self.fail_first = fail_first  # the first N requests answer 503
        self.latency = latency
        self.slow_first = slow_first  # the first N requests take slow_seconds (timeouts)
        self.slow_seconds = slow_seconds
        self.invalid: set[str] = set()  # ids whose values HubSpot refuses: the batch is a 400
        self.contacts: dict[str, dict[str, str]] = {}
        self.updates: Counter[str] = Counter()  # id -> times its update was applied
        self.idempotency_keys: list[str] = []
        self.requests = 0
        self.rejected: Counter[str] = Counter()  # 429 policy -> count
        self.bad_requests: list[str] = []
        self.window = RollingCounter(10.0)
        self.day_count = 0
        self._lock = threading.Lock()
        self._validate = _validator()

    # ---- lifecycle -----------------------------------------------------------------------

    # ---- the API -------------------------------------------------------------------------
    async def app(self, scope, receive, send):
        from starlette.requests import Request
        from starlette.responses import JSONResponse

        request = Request(scope, receive)
        body = await request.body()
        status, payload, headers = self._handle(
            request.method, request.url.path, request.headers, body
        )
        if status != 429 and self._slow():
            await asyncio.sleep(self.slow_seconds)
        elif self.latency:
            await asyncio.sleep(self.latency)
        response = JSONResponse(payload, status_code=status, headers=headers)
        await response(scope, receive, send)

    def _slow(self) -> bool:
        with self._lock:
            if self.slow_first > 0:
                self.slow_first -= 1
                return True
        return False

    def _limits(self, in_window: int) -> dict[str, str]:
        return {
            "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
            "X-HubSpot-RateLimit-Max": str(self.per_10s),
            "X-HubSpot-RateLimit-Remaining": str(max(0, self.per_10s - in_window)),
            "X-HubSpot-RateLimit-Daily": str(self.per_day),
            "X-HubSpot-RateLimit-Daily-Remaining": str(max(0, self.per_day - self.day_count)),
        }

    def _error(self, status: int, message: str, category: str, headers=None, **extra):
        body = {
            "status": "error",
            "message": message,
            "correlationId": str(uuid.uuid4()),
            "category": category,
            **extra,
        }
        return status, body, headers or {}

    def _handle(self, method: str, path: str, headers, raw: bytes):
        with self._lock:
            self.requests += 1
            in_window = self.window.arrive()
            limits = self._limits(in_window)
            if headers.get("authorization") != f"Bearer {self.token}":
                return self._error(
                    401, "Authentication credentials not found.", "INVALID_AUTHENTICATION", limits
                )
            if method != "POST" or path != PATH:
                return self._error(404, f"No route for {method} {path}", "OBJECT_NOT_FOUND")
            if in_window > self.per_10s:
                self.rejected["TEN_SECONDLY_ROLLING"] += 1
                return self._rate_limited("TEN_SECONDLY_ROLLING", "ten_secondly_rolling", limits)
            if self.day_count >= self.per_day:
                self.rejected["DAILY"] += 1
                return self._rate_limited("DAILY", "daily", limits)
            self.day_count += 1
            limits = self._limits(in_window)
            if self.fail_first > 0:
                self.fail_first -= 1
                return self._error(503, "Service unavailable", "SERVICE_UNAVAILABLE", limits)
            problem = self._check(raw)
            if problem:
                self.bad_requests.append(problem)
                return self._error(400, problem, "VALIDATION_ERROR", limits)
            refused = [i["id"] for i in json.loads(raw)["inputs"] if i["id"] in self.invalid]
            if refused:
                return self._error(
                    400,
                    f"Property values were not valid: contact {refused[0]}",
                    "VALIDATION_ERROR",
                    limits,
                )
            key = headers.get("idempotency-key")
            if key:
                self.idempotency_keys.append(key)
            return self._apply(json.loads(raw)["inputs"], limits)

    def _rate_limited(self, policy: str, words: str, limits):
        body = {
            "status": "error",
            "message": f"You have reached your {words} limit.",
            "errorType": "RATE_LIMIT",
            "correlationId": str(uuid.uuid4()),
            "policyName": policy,
            "requestId": str(uuid.uuid4()),
        }
        return 429, body, limits

    def _check(self, raw: bytes) -> str | None:
        try:
            body = json.loads(raw)
        except ValueError:
            return "Invalid input JSON on line 1"
        if not isinstance(body, dict) or set(body) != {"inputs"}:
            return "the body must be an object with exactly `inputs`"
        inputs = body["inputs"]
        if not isinstance(inputs, list) or not inputs:
            return "`inputs` must be a non-empty array"
        if len(inputs) > 100:
            return f"Too many inputs: {len(inputs)}; the limit is 100"
        try:
            self._validate(body)
        except (ValueError, TypeError) as e:
            return f"invalid input: {e}"
        ids = []
        for item in inputs:
            if not isinstance(item, dict) or not set(item) <= INPUT_KEYS:
                return f"unknown keys in an input: {sorted(set(item) - INPUT_KEYS)}"
            if not isinstance(item.get("id"), str):
                return "every input needs a string `id`"
            props = item.get("properties")
            if not isinstance(props, dict) or not all(isinstance(v, str) for v in props.values()):
                return "`properties` must map property names to strings"
            ids.append((item.get("idProperty"), item["id"]))
        if len(set(ids)) != len(ids):
            return "Duplicate IDs found in batch input"
        return None

    def _apply(self, inputs: list[dict], limits):
        results, errors = [], []
        started = _now()
        for item in inputs:
            cid = item["id"]
            if self.known is not None and cid not in self.known:
                errors.append(self._input_error("OBJECT_NOT_FOUND", f"No contact {cid}", cid))
                continue
            if self.flaky.get(cid, 0) > 0:
                self.flaky[cid] -= 1
                errors.append(
                    self._input_error("CONFLICT", "The contact is locked; retry later", cid)
                )
                continue
            self.contacts.setdefault(cid, {}).update(item["properties"])
            self.updates[cid] += 1
            results.append(
                {
                    "id": cid,
                    "properties": dict(self.contacts[cid]),
                    "createdAt": started,
                    "updatedAt": _now(),
                    "archived": False,
                }
            )
        body = {
            "status": "COMPLETE",
            "results": results,
            "startedAt": started,
            "completedAt": _now(),
        }
        if errors:
            body["numErrors"] = len(errors)
            body["errors"] = errors
            return 207, body, limits
        return 200, body, limits

    @staticmethod
    def _input_error(category: str, message: str, cid: str) -> dict:
        return {
            "status": "error",
            "category": category,
            "message": message,
            "context": {"ids": [cid]},
        }
