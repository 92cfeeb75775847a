"""What every sink shares: an httpx client with timeouts, exponential back-off with jitter, a
rolling-window rate limiter, and one outcome type for a delivery attempt."""

from __future__ import annotations

import collections
import random
import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    """One update's fate after one attempt: delivered, or failed (retryable or not, and when the
    destination asked to be called again)."""

    ok: bool
    error: str | None = None
    retryable: bool = True
    retry_after: float | None = None  # seconds, from Retry-After or a rate-limit policy

    @staticmethod
    def done() -> Outcome:
        return Outcome(True)


DELIVERED = Outcome(True)


def backoff(attempt: int, base: float = 1.0, cap: float = 600.0, rng=random.random) -> float:
    """Seconds to wait before retry `attempt` (1-based): exponential, capped, full jitter in the
    upper half so that retries of one batch do not collide."""
    ceiling = min(cap, base * (2 ** (attempt - 1)))
    return ceiling / 2 + rng() * ceiling / 2


def client(timeout: float):
    """An httpx client with connect, read, write and pool timeouts all set."""
    import httpx

    return httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)))


def http_failure(response) -> Outcome:
    """The outcome of a non-2xx answer: 429 and 5xx retryable (after Retry-After when given),
    other 4xx not, with the destination's message kept."""
    status = response.status_code
    retry_after = _retry_after(response.headers.get("Retry-After"))
    text = response.text[:300].strip()
    message = f"HTTP {status}" + (f": {text}" if text else "")
    if status == 429 or status >= 500 or status == 408:
        return Outcome(False, message, True, retry_after)
    return Outcome(False, message, False)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def transport_failure(e: Exception) -> Outcome:
    """A timeout or a connection error: retryable."""
    return Outcome(False, f"{type(e).__name__}: {e}" if str(e) else type(e).__name__, True)


class RateLimiter:
    """At most `limit` requests in any rolling `window` seconds, as the destination counts them.

    A request holds its slot from the moment it is sent until `window` seconds after its answer
    arrived, so that however long the network took, the destination never sees more than `limit`
    requests arrive within `window`. Thread-safe; `acquire` blocks."""

    def __init__(self, limit: int, window: float, clock=time.monotonic, sleep=time.sleep):
        self.limit = limit
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._done: collections.deque[float] = collections.deque()  # answer times, sorted
        self._in_flight = 0
        self._paused_until = 0.0
        self._lock = threading.Condition()

    def acquire(self, stop=None) -> bool:
        """Wait for a slot; False when `stop` (an Event) was set while waiting."""
        with self._lock:
            while True:
                now = self._clock()
                while self._done and self._done[0] <= now - self.window:
                    self._done.popleft()
                wait = self._paused_until - now
                if wait <= 0 and len(self._done) + self._in_flight < self.limit:
                    self._in_flight += 1
                    return True
                if stop is not None and stop.is_set():
                    return False
                if wait <= 0:
                    wait = self._done[0] + self.window - now if self._done else 0.05
                self._lock.wait(timeout=min(max(wait, 0.001), 0.5))

    def release(self) -> None:
        """The answer to an acquired request arrived (or the request failed)."""
        with self._lock:
            self._in_flight -= 1
            self._done.append(self._clock())
            self._lock.notify_all()

    def pause(self, seconds: float) -> None:
        """Send nothing for `seconds` (a 429, or a header saying nothing remains)."""
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + seconds)
            self._lock.notify_all()

    def lower(self, limit: int) -> None:
        """Adopt a lower limit announced by the destination's headers."""
        with self._lock:
            if 0 < limit < self.limit:
                self.limit = limit


class DailyBudget:
    """A per-day request budget (the destination's daily limit), from config and headers."""

    def __init__(self, limit: int, clock=time.time):
        self.limit = limit
        self._clock = clock
        self._day = self._today()
        self.used = 0
        self.remaining_from_headers: int | None = None
        self._lock = threading.Lock()

    def _today(self) -> int:
        return int(self._clock() // 86400)

    def take(self) -> bool:
        with self._lock:
            if self._today() != self._day:
                self._day, self.used, self.remaining_from_headers = self._today(), 0, None
            if self.used >= self.limit or self.remaining_from_headers == 0:
                return False
            self.used += 1
            return True

    def seconds_to_reset(self) -> float:
        return 86400 - self._clock() % 86400

    def exhausted(self) -> None:
        with self._lock:
            self.remaining_from_headers = 0

    def seen(self, remaining: int) -> None:
        with self._lock:
            self.remaining_from_headers = remaining
