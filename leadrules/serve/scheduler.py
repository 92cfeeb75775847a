"""Time-driven changes: rescore each lead when its stored next-change instant comes.

After every scoring the service stores the instant the lead's score may next change by time
alone (`engine.live`). This thread sleeps until the earliest such instant (at most `poll`
seconds, and it wakes early when a scoring moves an instant earlier), then rescores the due leads
with cause `time`. With several `serve` processes on one PostgreSQL database each runs one; a
lead already rescored by another is skipped (its instant moved on).
"""

from __future__ import annotations

import logging
import threading

from leadrules.store import StoreError

log = logging.getLogger("leadrules.serve")


def run_scheduler(service, stop: threading.Event, poll: float = 0.25) -> None:
    while not stop.is_set():
        try:
            while service.rescore_due() and not stop.is_set():
                pass
            nxt = service.next_due()
        except (StoreError, OSError, Exception) as e:  # noqa: BLE001 - keep the loop alive
            log.warning("scheduler: %s", type(e).__name__)
            nxt = None
        wait = poll
        if nxt is not None:
            wait = max(0.0, min(poll, (nxt - service.now()).total_seconds()))
        service.wake.clear()
        if wait > 0:
            service.wake.wait(wait)
