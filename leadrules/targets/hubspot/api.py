"""A small HubSpot API client for `leadrules apply`: bearer token, timeouts on every request,
back-off on 429 (and on 502/503/504), HubSpot's error message in the exception."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx

DEFAULT_BASE_URL = "https://api.hubapi.com"
RETRY_STATUSES = (429, 502, 503, 504)


class ApiError(Exception):
    """A request HubSpot refused (or that never got an answer): what, and HubSpot's message."""

    def __init__(self, method: str, path: str, status: int | None, message: str):
        self.status = status
        where = f"{method} {path}"
        super().__init__(
            f"{where}: {message}" if status is None else f"{where}: HTTP {status}: {message}"
        )


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300] or response.reason_phrase
    if isinstance(body, dict) and body.get("message"):
        return str(body["message"])
    return response.text[:300]


class Client:
    def __init__(
        self,
        token: str,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: float = 30.0,
        retries: int = 5,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ):
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            transport=transport,
        )
        self._retries = retries
        self._sleep = sleep
        self.writes = 0  # POST / PUT / PATCH requests sent

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def request(self, method: str, path: str, body: object = None, **params) -> Any:
        """The decoded JSON answer, None for 404 on a GET (and for an empty answer)."""
        if method != "GET":
            self.writes += 1
        delay = 1.0
        for attempt in range(self._retries + 1):
            try:
                response = self._http.request(
                    method, path, json=body, params={k: v for k, v in params.items() if v}
                )
            except httpx.TimeoutException:
                if attempt < self._retries and method == "GET":
                    self._sleep(delay)
                    delay *= 2
                    continue
                raise ApiError(method, path, None, "no answer in time (timeout)") from None
            except httpx.HTTPError as e:
                raise ApiError(method, path, None, f"cannot reach HubSpot: {e}") from None
            if response.status_code in RETRY_STATUSES and attempt < self._retries:
                self._sleep(_wait(response, delay))
                delay = min(delay * 2, 60.0)
                continue
            if response.status_code == 404 and method == "GET":
                return None
            if response.status_code >= 400:
                raise ApiError(method, path, response.status_code, _message(response))
            return response.json() if response.content else None
        raise AssertionError("unreachable")  # pragma: no cover

    def pages(self, path: str, limit: int = 100) -> Iterator[dict]:
        """Every item of a paged list (`results`, `paging.next.after`)."""
        after = None
        while True:
            page = self.request("GET", path, limit=limit, after=after) or {}
            yield from page.get("results", [])
            after = ((page.get("paging") or {}).get("next") or {}).get("after")
            if not after:
                return


def _wait(response: httpx.Response, fallback: float) -> float:
    """Retry-After (seconds) when HubSpot sends it, else the back-off's next step."""
    value = response.headers.get("Retry-After")
    try:
        return min(max(float(value), 0.0), 60.0) if value is not None else fallback
    except ValueError:
        return fallback
