"""The outbox methods of a store: what the delivery worker and `leadrules outbox` call.

Rows are written by the service (`Tx.add_outbox`) in the transaction of the score that caused
them; these methods move them through `pending` -> `delivered` | `dead`.
"""

from __future__ import annotations

import datetime as dt
import json

from leadrules.store.times import from_us, to_us

UTC = dt.timezone.utc


OUTBOX_COLUMNS = (
    "id, lead_id, sink, kind, payload, idempotency_key, status, attempts, next_attempt_at, "
    "last_error, created_at, delivered_at"
)


def outbox_row(r) -> dict:
    return {
        "id": r[0],
        "lead_id": r[1],
        "sink": r[2],
        "kind": r[3],
        "payload": json.loads(r[4]),
        "idempotency_key": r[5],
        "status": r[6],
        "attempts": r[7],
        "next_attempt_at": from_us(r[8]),
        "last_error": r[9],
        "created_at": from_us(r[10]),
        "delivered_at": None if r[11] is None else from_us(r[11]),
    }


class OutboxMethods:
    """Mixed into `Store` (which supplies `transaction()` and `row_locks`)."""

    # ---- outbox (delivery worker, `leadrules outbox`)
    def claim_due_outbox(self, limit: int, now: dt.datetime, lease: float = 60.0) -> list[dict]:
        """Pending deliveries due at `now`, oldest first. Each claimed row's `next_attempt_at`
        moves `lease` seconds ahead and `attempts` grows by one, so that another worker does
        not take it meanwhile; a worker that dies leaves it due again after the lease."""
        with self.transaction() as tx:
            lock = " FOR UPDATE SKIP LOCKED" if self.row_locks else ""
            rows = tx.all(
                f"SELECT {OUTBOX_COLUMNS} FROM outbox WHERE status = 'pending' "
                f"AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?{lock}",
                (to_us(now), limit),
            )
            until = to_us(now + dt.timedelta(seconds=lease))
            out = []
            for r in rows:
                tx.q(
                    "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?",
                    (until, r[0]),
                )
                row = outbox_row(r)
                row["attempts"] += 1
                out.append(row)
            return out

    def mark_delivered(self, outbox_id: int, now: dt.datetime | None = None) -> None:
        when = to_us(now or dt.datetime.now(UTC))
        with self.transaction() as tx:
            tx.q(
                "UPDATE outbox SET status = 'delivered', delivered_at = ?, last_error = NULL "
                "WHERE id = ?",
                (when, outbox_id),
            )

    def mark_retry(self, outbox_id: int, next_at: dt.datetime, error: str) -> None:
        with self.transaction() as tx:
            tx.q(
                "UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error = ? "
                "WHERE id = ?",
                (to_us(next_at), error, outbox_id),
            )

    def mark_dead(self, outbox_id: int, error: str) -> None:
        with self.transaction() as tx:
            tx.q(
                "UPDATE outbox SET status = 'dead', last_error = ? WHERE id = ?",
                (error, outbox_id),
            )

    def list_outbox(self, status: str | None = None, limit: int | None = None) -> list[dict]:
        sql = f"SELECT {OUTBOX_COLUMNS} FROM outbox"
        params: tuple = ()
        if status is not None:
            sql += " WHERE status = ?"
            params = (status,)
        sql += " ORDER BY id"
        if limit is not None:
            sql += " LIMIT ?"
            params = (*params, limit)
        with self.transaction() as tx:
            return [outbox_row(r) for r in tx.all(sql, params)]

    def requeue(self, ids, now: dt.datetime | None = None) -> int:
        """Put dead (or any) deliveries back to pending, due now, attempts reset."""
        when = to_us(now or dt.datetime.now(UTC))
        n = 0
        with self.transaction() as tx:
            for outbox_id in ids:
                n += tx.q(
                    "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, "
                    "last_error = NULL WHERE id = ? AND status != 'delivered'",
                    (when, outbox_id),
                ).rowcount
        return n
