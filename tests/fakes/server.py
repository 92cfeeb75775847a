"""Run an ASGI app on 127.0.0.1 (a free port) in a background thread."""

from __future__ import annotations

import asyncio
import threading
import time


class Served:
    def __init__(self, app):
        import uvicorn

        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=0,
            log_level="warning",
            lifespan="off",
            access_log=False,
            interface="asgi3",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the fake server did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    def _run(self) -> None:
        asyncio.run(self.server.serve())

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


class FakeApp:
    """A fake API served by `Served`: `start()`/`stop()` or a `with` block; `url` is the served
    address plus `prefix`. Subclasses define the ASGI `app`."""

    prefix = ""
    _served: Served | None = None

    async def app(self, scope, receive, send):  # pragma: no cover - defined by each fake
        raise NotImplementedError

    def start(self):
        self._served = Served(self.app)
        return self

    @property
    def url(self) -> str:
        assert self._served is not None, "start() the fake first"
        return self._served.url + self.prefix

    def stop(self) -> None:
        if self._served:
            self._served.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class RollingCounter:
    """Request arrival times; how many arrived in the last `window` seconds, and the most ever
    seen in any rolling window."""

    def __init__(self, window: float):
        self.window = window
        self.times: list[float] = []
        self.most = 0
        self._lock = threading.Lock()

    def arrive(self, now: float | None = None) -> int:
        """Record an arrival; the count in the window ending now, this one included."""
        now = time.monotonic() if now is None else now
        with self._lock:
            self.times.append(now)
            start = now - self.window
            n = 0
            for t in reversed(self.times):
                if t <= start:
                    break
                n += 1
            self.most = max(self.most, n)
            return n
