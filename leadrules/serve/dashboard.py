"""The dashboard at `/`: a server-rendered page for marketing and sales people.

Leads per tier now and at the end of each of the last days, the latest tier transitions, and a
lead search showing its score, history and explanation. Jinja2, no script, no CDN: the page is
one HTML document with its CSS inline. Sign-in is a form taking a token (the API's tokens),
kept in an HttpOnly, SameSite=Strict cookie.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse
from starlette.routing import Route

from leadrules.serve.app import COOKIE
from leadrules.serve.instants import iso
from leadrules.serve.reads import NotFound

DAYS = 7


class Dashboard:
    def __init__(self, service):
        from jinja2 import Environment, PackageLoader, select_autoescape

        self.service = service
        self.env = Environment(
            loader=PackageLoader("leadrules.serve", "templates"),
            autoescape=select_autoescape(["html"]),
        )

    def routes(self, api) -> list[Route]:
        async def page(request: Request):
            if not api.authorized(request.cookies.get(COOKIE)):
                return self._html("login.html", error=request.query_params.get("error"))
            lead_id = request.query_params.get("lead", "").strip()
            data = await run_in_threadpool(self.data, lead_id)
            return self._html("dashboard.html", **data)

        async def login(request: Request):
            form = parse_qs((await request.body()).decode("utf-8", "replace"))
            token = (form.get("token") or [""])[0].strip()
            if not api.authorized(token):
                return RedirectResponse("/?error=1", status_code=303)
            response = RedirectResponse("/", status_code=303)
            response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/")
            return response

        async def logout(request: Request):
            response = RedirectResponse("/", status_code=303)
            response.delete_cookie(COOKIE, path="/")
            return response

        return [
            Route("/", page, methods=["GET"]),
            Route("/login", login, methods=["POST"]),
            Route("/logout", logout, methods=["POST"]),
        ]

    def _html(self, name: str, **context) -> HTMLResponse:
        html = self.env.get_template(name).render(**context)
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

    def data(self, lead_id: str) -> dict:
        service = self.service
        model = service.model
        now = service.now()
        with service.store.transaction() as tx:
            counts = tx.tier_counts()
            start = now - dt.timedelta(days=DAYS)
            recent = tx.transitions_between(start, now)
        tiers = list(model.tier_names)
        now_counts = {t: counts.get(t, 0) for t in tiers}
        days = tiers_by_day(now_counts, recent, now)
        peak = max([1] + [n for _d, row in days for n in row.values()])
        lead = None
        if lead_id:
            try:
                lead = {
                    "state": service.lead(lead_id),
                    "history": service.history(lead_id),
                    "explain": service.explain(lead_id),
                }
            except NotFound:
                lead = {"missing": lead_id}
        latest = [
            {
                "at": iso(r["at"]),
                "lead_id": r["lead_id"],
                "from": r["previous_tier"],
                "to": r["tier"],
                "score": r["score"],
                "cause": r["cause"],
            }
            for r in reversed(recent[-20:])
        ]
        return {
            "model": model,
            "tiers": tiers,
            "now": iso(now),
            "counts": now_counts,
            "total": sum(counts.values()),
            "days": days,
            "peak": peak,
            "latest": latest,
            "query": lead_id,
            "lead": lead,
        }


def tiers_by_day(now_counts: dict, transitions: list[dict], now: dt.datetime) -> list:
    """Leads per tier at the end of each of the last days, by undoing the transitions that
    came after it (newest first)."""
    counts = dict(now_counts)
    out = []
    pending = sorted(transitions, key=lambda r: r["at"], reverse=True)
    day_end = now.replace(hour=0, minute=0, second=0, microsecond=0)
    out.append(("now", dict(counts)))
    for _ in range(DAYS):
        while pending and pending[0]["at"] > day_end:
            r = pending.pop(0)
            if r["tier"] in counts:
                counts[r["tier"]] -= 1
            if r["previous_tier"] in counts:
                counts[r["previous_tier"]] += 1
        day = (day_end - dt.timedelta(days=1)).strftime("%Y-%m-%d")  # the day that ended then
        out.append((day, {k: max(0, v) for k, v in counts.items()}))
        day_end -= dt.timedelta(days=1)
    return out
