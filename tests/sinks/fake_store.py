"""An in-memory outbox with the interface the serve store offers (leadrules/store), for testing
the worker before and beside the real one."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import threading


class FakeStore:
    def __init__(self):
        self.rows: dict[int, dict] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.claims = 0
        self.leads: dict[str, dict] = {}  # what the worker reads of a lead (serve: tx.lead)

    def add(self, lead_id, item, now=None) -> int:
        """Write one `leadrules.sinks.actions.OutboxItem` as a pending row."""
        now = now or dt.datetime.now(dt.timezone.utc)
        with self._lock:
            i = next(self._ids)
            self.rows[i] = {
                "id": i,
                "lead_id": lead_id,
                "sink": item.sink,
                "kind": item.kind,
                "payload": json.dumps(item.payload),
                "idempotency_key": item.idempotency_key,
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": now + dt.timedelta(seconds=item.delay_seconds),
                "last_error": None,
                "created_at": now,
                "delivered_at": None,
                "claimed": False,
            }
            return i

    def claim_due_outbox(self, limit, now):
        with self._lock:
            due = [
                r
                for r in self.rows.values()
                if r["status"] == "pending" and not r["claimed"] and r["next_attempt_at"] <= now
            ][:limit]
            for r in due:
                r["claimed"] = True
                r["attempts"] += 1  # as the serve store: a claim counts the attempt
            self.claims += bool(due)
            return [dict(r) for r in due]

    def mark_delivered(self, id):
        with self._lock:
            r = self.rows[id]
            r.update(status="delivered", claimed=False, delivered_at=dt.datetime.now(dt.UTC))

    def mark_retry(self, id, next_at, error):
        with self._lock:
            r = self.rows[id]
            r.update(claimed=False, next_attempt_at=next_at, last_error=error)

    def mark_dead(self, id, error):
        with self._lock:
            r = self.rows[id]
            r.update(status="dead", claimed=False, last_error=error)

    def list_outbox(self, status=None):
        with self._lock:
            return [dict(r) for r in self.rows.values() if status in (None, r["status"])]

    def requeue(self, ids):
        now = dt.datetime.now(dt.timezone.utc)
        with self._lock:
            for i in ids:
                r = self.rows[i]
                r.update(status="pending", attempts=0, next_attempt_at=now, claimed=False)
            return len(ids)

    def lead_for_delivery(self, lead_id):
        return self.leads.get(lead_id)

    def add_row(self, lead_id, sink, kind, payload, key) -> int:
        """A row in `serve`'s own shape (leadrules/serve/actions.py)."""
        from leadrules.sinks.actions import OutboxItem

        return self.add(lead_id, OutboxItem(sink, kind, payload, key))

    def close(self):
        pass
