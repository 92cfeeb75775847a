"""The delivery worker: reads the outbox of a `serve` store and delivers it, at least once.

A row is claimed (`claim_due_outbox`), sent, then marked delivered; a crash between sending and
marking sends it again with the same idempotency key, so a receiver that keeps the keys it has
seen acts once. A failure is retried after exponential back-off with jitter (or after the
destination's Retry-After / rate-limit policy), up to `[delivery] max_attempts`, then the row is
dead: `leadrules outbox list` shows it and `leadrules outbox retry` re-queues it.

The store interface (leadrules/store): `claim_due_outbox(limit, now)`, `mark_delivered(id)`,
`mark_retry(id, next_at, error)`, `mark_dead(id, error)`, `list_outbox(status=None)`,
`requeue(ids)`; a claim counts the attempt (a claimed row's `attempts` includes the one being
made) and leases the row. A row has id, lead_id, sink, kind, payload (JSON), idempotency_key,
status, attempts, next_attempt_at, last_error, created_at, delivered_at.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from leadrules.sinks.config import ConfigError, DeliveryConfig, as_delivery_config
from leadrules.sinks.http import Outcome, backoff
from leadrules.sinks.rows import field, row_update
from leadrules.sinks.updates import Update

log = logging.getLogger("leadrules.delivery")
STATE_KINDS = ("crm", "properties")  # rows carrying a lead's whole state: the newest wins


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Deliverer:
    """Sends claimed outbox rows through the configured sinks and records each outcome."""

    def __init__(
        self,
        store,
        config: DeliveryConfig,
        stop: threading.Event | None = None,
        sinks: dict | None = None,
        clock=_now,
    ):
        self.store = store
        self.config = config
        self.stop = stop
        self.sinks = sinks if sinks is not None else {}
        self.clock = clock
        self.counts: dict[tuple[str, str], int] = {}  # (sink, outcome) -> deliveries
        self._leads: dict = {}
        self._newest: dict[tuple[str, str], int] = {}  # (sink, lead) -> newest state row sent

    def sink(self, name: str):
        if name not in self.sinks:
            from leadrules.sinks import build_sink

            self.sinks[name] = build_sink(self.config, name, self.stop)
        return self.sinks[name]

    def close(self) -> None:
        for s in self.sinks.values():
            s.close()

    def deliver(self, rows) -> None:
        by_sink: dict[str, list] = {}
        self._leads: dict = {}  # the store's leads, read once per batch
        for row in sorted(rows, key=lambda r: (str(field(r, "created_at")), field(r, "id"))):
            if self._superseded(row):
                # a newer state of this lead already reached the CRM: sending this older one
                # (back from a retry) would overwrite it with stale values
                self._record(row, Outcome(True))
                self._count(field(row, "sink"), "superseded")
                continue
            try:
                u = self.update(row)
            except (KeyError, TypeError, ValueError) as e:
                u = Outcome(False, f"malformed outbox row: {type(e).__name__}: {e}", False)
            if isinstance(u, Outcome):
                self._record(row, u)
                continue
            by_sink.setdefault(u.sink, []).append((row, u))
        for name, group in by_sink.items():
            try:
                sink = self.sink(name)
            except ConfigError as e:
                for row, _ in group:
                    self._record(row, Outcome(False, str(e), False))
                continue
            outcomes = sink.send([u for _, u in group])
            for (row, _), outcome in zip(group, outcomes, strict=True):
                self._record(row, outcome)

    def update(self, row) -> Update | Outcome:
        """The row as an Update for its sink, or its outcome when there is nothing to send."""
        return row_update(row, self.config, self.store, self._leads)

    def _superseded(self, row) -> bool:
        if field(row, "kind") not in STATE_KINDS:
            return False
        newest = self._newest.get((field(row, "sink"), str(field(row, "lead_id"))))
        return newest is not None and field(row, "id") < newest

    def _record(self, row, outcome: Outcome) -> None:
        if outcome.ok:
            self.store.mark_delivered(field(row, "id"))
            self._count(field(row, "sink"), "delivered")
            if field(row, "kind") in STATE_KINDS:
                key = (field(row, "sink"), str(field(row, "lead_id")))
                self._newest[key] = max(self._newest.get(key, 0), field(row, "id"))
        else:
            self._failed(row, outcome)

    def _failed(self, row, outcome: Outcome) -> None:
        attempts = max(1, int(field(row, "attempts") or 0))  # the claim counted this one
        name = field(row, "sink")
        error = outcome.error or "failed"
        if not outcome.retryable or attempts >= self.config.max_attempts:
            why = error if not outcome.retryable else f"{error} (after {attempts} attempts)"
            self.store.mark_dead(field(row, "id"), why)
            self._count(name, "dead")
            log.warning("delivery %s to %s is dead: %s", field(row, "id"), name, why)
            return
        wait = backoff(attempts, self.config.backoff_base, self.config.backoff_max)
        if outcome.retry_after is not None:
            wait = max(wait, outcome.retry_after)
        self.store.mark_retry(field(row, "id"), self.clock() + dt.timedelta(seconds=wait), error)
        self._count(name, "retry")

    def _count(self, sink: str, outcome: str) -> None:
        self.counts[(sink, outcome)] = self.counts.get((sink, outcome), 0) + 1


def run_worker(
    store,
    config: DeliveryConfig,
    stop_event: threading.Event,
    *,
    batch: int = 500,
    idle: float = 0.2,
    deliverer: Deliverer | None = None,
) -> None:
    """Deliver due outbox rows until `stop_event` is set (poll every `idle` seconds when idle).
    Run it in a thread beside `serve`'s HTTP server."""
    d = deliverer or Deliverer(store, as_delivery_config(config), stop_event)
    try:
        while not stop_event.is_set():
            try:
                rows = store.claim_due_outbox(batch, d.clock())
            except Exception:  # noqa: BLE001 - a store hiccup must not kill the worker
                log.exception("claiming due deliveries failed; retrying")
                stop_event.wait(1.0)
                continue
            if not rows:
                stop_event.wait(idle)
                continue
            try:
                d.deliver(rows)
            except Exception:  # noqa: BLE001 - rows stay claimed-pending and come back
                log.exception("delivering %d rows failed", len(rows))
                stop_event.wait(1.0)
    finally:
        d.close()
