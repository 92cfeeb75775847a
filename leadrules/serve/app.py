"""The HTTP layer: Starlette routes over `Service`, bearer auth, size limits, problem+json.

Handlers read the body (bounded), then run the service's blocking work in the thread pool.
Errors are `application/problem+json` (RFC 9457): `type`, `title`, `status`, `detail`, and for a
422 `errors`, one entry per bad item (`index`, `field`, `detail`). Logs never hold attribute or
property values (the service logs nothing per request; uvicorn's access log is off).
"""

from __future__ import annotations

import hmac
import json
import logging
import time

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from leadrules.serve import hubspot, validate
from leadrules.serve.reads import NotFound
from leadrules.serve.service import Service
from leadrules.store import is_full

log = logging.getLogger("leadrules.serve")
PROBLEM = "application/problem+json"
COOKIE = "leadrules_token"
HUBSPOT_WINDOW_MS = 5 * 60 * 1000
SLUGS = {
    400: "malformed-json",
    401: "unauthorized",
    404: "not-found",
    405: "method-not-allowed",
    413: "too-large",
    422: "invalid",
    500: "server-error",
    503: "server-error",
}


def _unavailable(e: Exception) -> bool:
    """The database is unreachable or busy (worth retrying), rather than a bug."""
    return type(e).__name__ in ("OperationalError", "StoreError", "PoolTimeout")


class HttpProblem(Exception):
    def __init__(self, status: int, title: str, detail: str, errors: list | None = None):
        super().__init__(detail)
        self.status, self.title, self.detail, self.errors = status, title, detail, errors


def problem(
    status: int, title: str, detail: str, errors: list | None = None, headers=None, slug=None
):
    body = {
        "type": f"https://leadrules.dev/problems/{slug or SLUGS.get(status, status)}",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


class Api:
    """The routes, bound to one service and its settings."""

    def __init__(self, service: Service, tokens: tuple[str, ...], no_auth: bool, reload=None):
        self.service = service
        self.tokens = tuple(t.encode() for t in tokens)
        self.no_auth = no_auth
        self.reload = reload  # text -> loaded model or raises validate.Invalid / ModelErrors
        self.limits = service.config

    # ---- plumbing
    def authorized(self, token: str | None) -> bool:
        if self.no_auth:
            return True
        if not token:
            return False
        given = token.encode()
        ok = False
        for t in self.tokens:  # every token compared, in constant time
            ok |= hmac.compare_digest(given, t)
        return ok

    def bearer(self, request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        return token.strip() if scheme.lower() == "bearer" else None

    async def body(self, request: Request) -> bytes:
        limit = self.limits.max_body_bytes
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            raise HttpProblem(413, "body too large", f"the body exceeds {limit} bytes")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise HttpProblem(413, "body too large", f"the body exceeds {limit} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    async def json(self, request: Request):
        raw = await self.body(request)
        try:
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError) as e:
            raise HttpProblem(400, "malformed JSON", f"the body is not valid JSON: {e}") from None

    def route(self, handler, auth: bool = True):
        name = handler.__name__

        async def endpoint(request: Request):
            started = time.perf_counter()
            try:
                if auth and not self.authorized(self.bearer(request)):
                    response = problem(
                        401,
                        "unauthorized",
                        "send `Authorization: Bearer TOKEN` with a token the server accepts",
                        headers={"WWW-Authenticate": "Bearer"},
                    )
                else:
                    response = await handler(request)
            except HttpProblem as e:
                response = problem(e.status, e.title, e.detail, e.errors)
            except validate.Invalid as e:
                if name in ("events", "track"):
                    bad = {p.index for p in e.problems}
                    self.service.metrics.events["rejected"] += len(bad)
                errors = [p.to_json() for p in e.problems]
                detail = "; ".join(
                    (f"item {p.index}: " if p.index is not None else "")
                    + (f"`{p.field}` " if p.field else "")
                    + p.detail
                    for p in e.problems[:5]
                )
                response = problem(422, e.title, detail, errors)
            except NotFound as e:
                response = problem(404, "not found", f"no lead {json.dumps(str(e))}")
            except Exception as e:  # noqa: BLE001 - a problem+json answer, never a bare 500
                log.error("%s failed: %s", name, type(e).__name__)  # no values in logs
                if is_full(e):
                    response = problem(
                        503,
                        "store full",
                        "the store's disk is full: nothing of this request was stored; retry "
                        "once space is freed (event ids make retries safe)",
                        headers={"Retry-After": "60"},
                        slug="store-full",
                    )
                else:
                    response = problem(
                        503 if _unavailable(e) else 500,
                        "server error",
                        f"the server could not complete the request ({type(e).__name__}); "
                        "nothing was answered as stored: retry it (event ids make retries safe)",
                    )
            self.service.metrics.requests[(name, response.status_code)] += 1
            self.service.metrics.requests[(name, "seconds")] += time.perf_counter() - started
            return response

        endpoint.__name__ = name
        return endpoint

    # ---- ingest
    async def events(self, request: Request):
        body = await self.json(request)
        return await self._ingest(body if isinstance(body, list) else [body])

    async def _ingest(self, items: list):
        if len(items) > self.limits.max_batch:
            raise HttpProblem(
                413, "batch too large", f"{len(items)} events; at most {self.limits.max_batch}"
            )
        if not items:
            raise HttpProblem(422, "invalid events", "the batch is empty")
        return JSONResponse(await run_in_threadpool(self.service.ingest, items))

    async def track(self, request: Request):
        body = await self.json(request)
        calls = body.get("batch") if isinstance(body, dict) and "batch" in body else [body]
        if not isinstance(calls, list):
            raise HttpProblem(422, "invalid events", "`batch` must be an array")
        return await self._ingest([segment_track(c) for c in calls])

    async def identify(self, request: Request):
        body = await self.json(request)
        if not isinstance(body, dict):
            raise HttpProblem(422, "invalid identify", "expected a JSON object")
        user, anon = body.get("userId"), body.get("anonymousId")
        lead_id = validate.lead_id(user if user not in (None, "") else anon, "userId")
        attrs = validate.known_attributes(self.service.model, body.get("traits"))
        service = self.service

        def work():
            if user not in (None, "") and anon not in (None, ""):
                service.merge(validate.lead_id(anon, "anonymousId"), lead_id)
            return service.put_attributes(lead_id, attrs)

        return JSONResponse(await run_in_threadpool(work))

    async def alias(self, request: Request):
        body = await self.json(request)
        if not isinstance(body, dict):
            raise HttpProblem(422, "invalid alias", "expected a JSON object")
        previous = body.get("previousId", body.get("anonymousId"))
        source = validate.lead_id(previous, "previousId")
        target = validate.lead_id(body.get("userId"), "userId")
        return JSONResponse(await run_in_threadpool(self.service.merge, source, target))

    async def put_lead(self, request: Request):
        lead_id = request.path_params["lead_id"]
        body = await self.json(request)
        if not isinstance(body, dict) or set(body) - {"attributes"}:
            raise HttpProblem(
                422, "invalid attributes", 'expected {"attributes": {"name": value, ...}}'
            )
        attrs = body.get("attributes", {})
        return JSONResponse(await run_in_threadpool(self.service.put_attributes, lead_id, attrs))

    async def delete_lead(self, request: Request):
        lead_id = request.path_params["lead_id"]
        if not await run_in_threadpool(self.service.delete, lead_id):
            raise NotFound(lead_id)
        return Response(status_code=204)

    async def hubspot(self, request: Request):
        secret = self.service.config.hubspot_client_secret
        raw = await self.body(request)
        if not secret:
            raise HttpProblem(
                401,
                "unauthorized",
                "no HubSpot client secret is configured (HUBSPOT_CLIENT_SECRET)",
            )
        stamp = request.headers.get("x-hubspot-request-timestamp", "")
        signature = request.headers.get("x-hubspot-signature-v3", "")
        if not stamp.isdigit() or abs(time.time() * 1000 - int(stamp)) > HUBSPOT_WINDOW_MS:
            raise HttpProblem(401, "unauthorized", "missing or stale X-HubSpot-Request-Timestamp")
        expected = hubspot.signature(
            secret, request.method, str(request.url), raw.decode("utf-8", "replace"), stamp
        )
        if not hmac.compare_digest(expected.encode(), signature.encode()):
            raise HttpProblem(401, "unauthorized", "bad X-HubSpot-Signature-v3")
        try:
            body = json.loads(raw)
        except ValueError as e:
            raise HttpProblem(400, "malformed JSON", f"the body is not valid JSON: {e}") from None
        if not isinstance(body, list):
            raise HttpProblem(422, "invalid webhook", "expected HubSpot's array of events")
        return JSONResponse({"leads": await run_in_threadpool(hubspot.apply, self.service, body)})

    # ---- reads
    async def get_lead(self, request: Request):
        return JSONResponse(
            await run_in_threadpool(self.service.lead, request.path_params["lead_id"])
        )

    async def explain(self, request: Request):
        return JSONResponse(
            await run_in_threadpool(self.service.explain, request.path_params["lead_id"])
        )

    async def history(self, request: Request):
        return JSONResponse(
            await run_in_threadpool(self.service.history, request.path_params["lead_id"])
        )

    async def leads(self, request: Request):
        params = request.query_params
        limit = _int(params.get("limit", "100"), "limit", 1, 1000)
        tier = params.get("tier")
        if tier is not None and tier not in self.service.model.tier_names:
            raise HttpProblem(422, "invalid query", f"`tier`: no tier {json.dumps(tier)}")
        page = await run_in_threadpool(self.service.leads_page, tier, params.get("cursor"), limit)
        return JSONResponse(page)

    async def transitions(self, request: Request):
        from leadrules.data.values import to_time

        params = request.query_params
        since = None
        if params.get("since"):
            try:
                since = to_time(params["since"])
            except ValueError:
                raise HttpProblem(
                    422, "invalid query", f"`since`: not an ISO-8601 timestamp: {params['since']}"
                ) from None
        limit = _int(params.get("limit", "1000"), "limit", 1, 10000)
        rows = await run_in_threadpool(self.service.transitions, since, limit)
        return JSONResponse({"transitions": rows})

    async def model(self, request: Request):
        if self.reload is None:  # pragma: no cover
            raise HttpProblem(501, "not available", "model reload is not available")
        text = (await self.body(request)).decode("utf-8", "replace")
        info = await run_in_threadpool(self.reload, text)
        return JSONResponse(info)

    async def healthz(self, request: Request):
        return JSONResponse({"status": "ok", "model": self.service.model.name})

    async def metrics(self, request: Request):
        from leadrules.serve.metrics import render

        text = await run_in_threadpool(render, self.service)
        return PlainTextResponse(text, media_type="text/plain; version=0.0.4")


def _int(raw: str, name: str, lo: int, hi: int) -> int:
    if not raw.isdigit() or not lo <= int(raw) <= hi:
        raise HttpProblem(422, "invalid query", f"`{name}` must be an integer in {lo}..{hi}")
    return int(raw)


def segment_track(call) -> object:
    """A Segment `track` call as an event object (left as is when it is not an object, so that
    validation reports it)."""
    if not isinstance(call, dict):
        return call
    user = call.get("userId")
    out = {
        "lead_id": user if user not in (None, "") else call.get("anonymousId"),
        "event": call.get("event"),
    }
    for key, target in (("messageId", "id"), ("timestamp", "occurred_at")):
        if call.get(key) is not None:
            out[target] = call[key]
    if call.get("properties") is not None:
        out["properties"] = call["properties"]
    return out


def build_app(api: Api, dashboard=None, lifespan=None) -> Starlette:
    r = api.route
    routes = [
        Route("/healthz", r(api.healthz, auth=False), methods=["GET"]),
        Route("/metrics", r(api.metrics, auth=False), methods=["GET"]),
        Route("/v1/events", r(api.events), methods=["POST"]),
        Route("/v1/track", r(api.track), methods=["POST"]),
        Route("/v1/identify", r(api.identify), methods=["POST"]),
        Route("/v1/alias", r(api.alias), methods=["POST"]),
        Route("/v1/leads", r(api.leads), methods=["GET"]),
        Route("/v1/leads/{lead_id:str}", r(api.get_lead), methods=["GET"]),
        Route("/v1/leads/{lead_id:str}", r(api.put_lead), methods=["PUT"]),
        Route("/v1/leads/{lead_id:str}", r(api.delete_lead), methods=["DELETE"]),
        Route("/v1/leads/{lead_id:str}/explain", r(api.explain), methods=["GET"]),
        Route("/v1/leads/{lead_id:str}/history", r(api.history), methods=["GET"]),
        Route("/v1/transitions", r(api.transitions), methods=["GET"]),
        Route("/v1/model", r(api.model), methods=["POST"]),
        Route("/v1/hubspot/webhook", r(api.hubspot, auth=False), methods=["POST"]),
    ]
    if dashboard is not None:
        routes += dashboard.routes(api)

    async def not_found(request, exc):
        status = getattr(exc, "status_code", 404)
        title = "not found" if status == 404 else "method not allowed"
        return problem(status, title, f"{request.method} {request.url.path}: {title}")

    return Starlette(
        routes=routes,
        exception_handlers={404: not_found, 405: not_found},
        lifespan=lifespan,
    )
