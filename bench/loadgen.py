"""A light HTTP/1.1 load generator for the serve benchmarks: keep-alive connections on asyncio
streams, one request at a time per connection, nothing else.

On this 2-core machine the load generator shares the cores with the server it measures. httpx
spent about as much CPU per request as the server did (so the figures measured both); this
client spends a small fraction of it (compare `wrk`, from Debian's packages, in
docs/performance.md), so the figures are the server's. It speaks only what the benchmarks need:
`Content-Length` bodies and chunked answers, no TLS, no redirects.
"""

from __future__ import annotations

import asyncio
import json
from contextlib import suppress
from urllib.parse import urlsplit


def use_fast_loop() -> str:
    """The event loop the client runs on: uvloop where installed (as uvicorn picks it)."""
    try:
        import uvloop
    except ImportError:
        return "asyncio"
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    return "uvloop"


class Connection:
    def __init__(self, url: str, headers: dict[str, str]):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port or 80
        extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self._head = f"Host: {self.host}:{self.port}\r\n{extra}"
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        head = f"{method} {path} HTTP/1.1\r\n{self._head}"
        if body:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        self._writer.write(head.encode() + b"\r\n" + body)
        reader = self._reader
        assert reader is not None
        lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        fields = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip()
        if fields.get("transfer-encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                chunk = await reader.readexactly(size + 2)
                if size == 0:
                    break
                data += chunk[:-2]
        else:
            data = await reader.readexactly(int(fields.get("content-length", "0")))
        if fields.get("connection", "").lower() == "close":
            await self.close()
        return status, data

    async def post_json(self, path: str, payload) -> tuple[int, bytes]:
        return await self.request("POST", path, json.dumps(payload).encode())

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with suppress(OSError, ConnectionError):
                await self._writer.wait_closed()
        self._reader = self._writer = None


class Pool:
    """Idle connections reused; a new one opened when every connection is busy. A connection idle
    for `max_idle` seconds is closed rather than reused: uvicorn closes keep-alive connections
    after 5 s idle, and a request sent as it does so would fail for the client's sake."""

    def __init__(self, url: str, headers: dict[str, str], max_idle: float = 4.0):
        self.url, self.headers, self.max_idle = url, headers, max_idle
        self._idle: list[tuple[float, Connection]] = []
        self._all: list[Connection] = []

    async def post_json(self, path: str, payload) -> tuple[int, bytes]:
        loop = asyncio.get_running_loop()
        conn = None
        while self._idle and conn is None:
            since, candidate = self._idle.pop()
            if loop.time() - since < self.max_idle:
                conn = candidate
            else:
                await candidate.close()
        if conn is None:
            conn = Connection(self.url, self.headers)
            self._all.append(conn)
        try:
            answer = await conn.post_json(path, payload)
        except BaseException:
            await conn.close()
            raise
        self._idle.append((loop.time(), conn))
        return answer

    async def close(self) -> None:
        for conn in self._all:
            await conn.close()
