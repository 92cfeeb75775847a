"""The store interface, written once in SQL both backends run.

A backend supplies connections and four dialect details (placeholder, auto-increment key, how a
write transaction begins, row locks); every query is here, so that both backends behave alike and
one test suite covers them.

Concurrency: a write transaction locks the leads it touches (`lock_leads`, in key order, so that
two processes never deadlock on each other) before reading their events; PostgreSQL does it with
`SELECT ... FOR UPDATE`, SQLite by taking the database's write lock at `BEGIN IMMEDIATE`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager

from leadrules.store.schema import MIGRATIONS

UTC = dt.timezone.utc
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)


class StoreError(Exception):
    """A store that cannot be opened or migrated (a message for people)."""


def to_us(when: dt.datetime) -> int:
    """An aware datetime as integer microseconds since the epoch (exact)."""
    delta = when - _EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_us(us: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(microseconds=us)


OUTBOX_COLUMNS = (
    "id, lead_id, sink, kind, payload, idempotency_key, status, attempts, next_attempt_at, "
    "last_error, created_at, delivered_at"
)


class Tx:
    """One transaction. Methods take and return plain values; instants are datetimes."""

    def __init__(self, store: Store, cur):
        self.store = store
        self.cur = cur
        self.ph = store.placeholder

    def q(self, sql: str, params: tuple = ()):
        if self.ph != "?":
            sql = sql.replace("?", self.ph)
        self.cur.execute(sql, params)
        return self.cur

    def one(self, sql: str, params: tuple = ()):
        return self.q(sql, params).fetchone()

    def all(self, sql: str, params: tuple = ()):
        return self.q(sql, params).fetchall()

    # ---- leads
    def ensure_lead(self, lead_id: str, now: dt.datetime) -> None:
        self.q(
            "INSERT INTO leads (lead_id, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (lead_id, to_us(now)),
        )

    def lock_leads(self, lead_ids) -> None:
        """Lock these leads' rows until the transaction ends (no-op where the database lock
        already serializes writers)."""
        if self.store.row_locks:
            for lead_id in sorted(lead_ids):
                self.q("SELECT 1 FROM leads WHERE lead_id = ? FOR UPDATE", (lead_id,))

    def lead(self, lead_id: str) -> dict | None:
        row = self.one(
            "SELECT lead_id, attributes, score, tier, group_scores, as_of, next_change, "
            "model_hash, created_at FROM leads WHERE lead_id = ?",
            (lead_id,),
        )
        return None if row is None else _lead(row)

    def set_attributes(self, lead_id: str, attributes: dict) -> None:
        self.q(
            "UPDATE leads SET attributes = ? WHERE lead_id = ?",
            (json.dumps(attributes, sort_keys=True), lead_id),
        )

    def save_score(
        self,
        lead_id: str,
        score: int,
        tier: str | None,
        groups: dict,
        as_of: dt.datetime,
        next_change: dt.datetime | None,
        model_hash: str,
    ) -> None:
        self.q(
            "UPDATE leads SET score = ?, tier = ?, group_scores = ?, as_of = ?, next_change = ?, "
            "model_hash = ? WHERE lead_id = ?",
            (
                score,
                tier,
                json.dumps(groups),
                to_us(as_of),
                None if next_change is None else to_us(next_change),
                model_hash,
                lead_id,
            ),
        )

    def delete_lead(self, lead_id: str) -> bool:
        """Erase a lead: its row, events, history, deliveries and aliases."""
        existed = self.one("SELECT 1 FROM leads WHERE lead_id = ?", (lead_id,)) is not None
        for table in ("events", "history", "outbox", "aliases"):
            self.q(f"DELETE FROM {table} WHERE lead_id = ?", (lead_id,))
        self.q("DELETE FROM aliases WHERE alias_id = ?", (lead_id,))
        self.q("DELETE FROM leads WHERE lead_id = ?", (lead_id,))
        return existed

    def leads_page(self, tier: str | None, after: str | None, limit: int) -> list[dict]:
        where, params = [], []
        if tier is not None:
            where.append("tier = ?")
            params.append(tier)
        if after is not None:
            where.append("lead_id > ?")
            params.append(after)
        sql = (
            "SELECT lead_id, attributes, score, tier, group_scores, as_of, next_change, "
            "model_hash, created_at FROM leads"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY lead_id LIMIT ?"
        return [_lead(r) for r in self.all(sql, (*params, limit))]

    def lead_ids_after(self, after: str | None, limit: int) -> list[str]:
        if after is None:
            rows = self.all("SELECT lead_id FROM leads ORDER BY lead_id LIMIT ?", (limit,))
        else:
            rows = self.all(
                "SELECT lead_id FROM leads WHERE lead_id > ? ORDER BY lead_id LIMIT ?",
                (after, limit),
            )
        return [r[0] for r in rows]

    def due_leads(self, now: dt.datetime, limit: int) -> list[str]:
        rows = self.all(
            "SELECT lead_id FROM leads WHERE next_change <= ? ORDER BY next_change LIMIT ?",
            (to_us(now), limit),
        )
        return [r[0] for r in rows]

    def next_due(self) -> dt.datetime | None:
        row = self.one("SELECT MIN(next_change) FROM leads")
        return None if row is None or row[0] is None else from_us(row[0])

    def tier_counts(self) -> dict:
        return {
            tier: n
            for tier, n in self.all("SELECT tier, COUNT(*) FROM leads GROUP BY tier ORDER BY tier")
        }

    # ---- events
    def insert_event(
        self,
        event_id: str | None,
        lead_id: str,
        event: str,
        occurred_at: dt.datetime,
        properties: dict,
        received_at: dt.datetime,
    ) -> bool:
        """Store an event; False (and nothing stored) when `event_id` is already stored."""
        cur = self.q(
            "INSERT INTO events (event_id, lead_id, event, occurred_at, properties, received_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (
                event_id,
                lead_id,
                event,
                to_us(occurred_at),
                json.dumps(properties, sort_keys=True),
                to_us(received_at),
            ),
        )
        return cur.rowcount == 1

    def has_event(self, event_id: str) -> bool:
        return self.one("SELECT 1 FROM events WHERE event_id = ?", (event_id,)) is not None

    def events_of(self, lead_id: str) -> list[tuple[str, dt.datetime, dict]]:
        """A lead's events in arrival order: (event name as received, occurred_at, props)."""
        rows = self.all(
            "SELECT event, occurred_at, properties FROM events WHERE lead_id = ? ORDER BY seq",
            (lead_id,),
        )
        return [(e, from_us(at), json.loads(p)) for e, at, p in rows]

    def move_events(self, from_lead: str, to_lead: str) -> int:
        return self.q(
            "UPDATE events SET lead_id = ? WHERE lead_id = ?", (to_lead, from_lead)
        ).rowcount

    def count_events(self) -> int:
        return self.one("SELECT COUNT(*) FROM events")[0]

    def all_events(self) -> Iterator[tuple]:
        """(event_id, lead_id, event, occurred_at, properties) of every event, in seq order."""
        for row in self.all(
            "SELECT event_id, lead_id, event, occurred_at, properties FROM events ORDER BY seq"
        ):
            yield row[0], row[1], row[2], from_us(row[3]), json.loads(row[4])

    # ---- identity
    def alias_of(self, alias_id: str) -> str | None:
        row = self.one("SELECT lead_id FROM aliases WHERE alias_id = ?", (alias_id,))
        return None if row is None else row[0]

    def add_alias(self, alias_id: str, lead_id: str, now: dt.datetime) -> None:
        self.q(
            "INSERT INTO aliases (alias_id, lead_id, merged_at) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (alias_id, lead_id, to_us(now)),
        )
        # earlier aliases of the merged lead follow it
        self.q("UPDATE aliases SET lead_id = ? WHERE lead_id = ?", (lead_id, alias_id))

    # ---- history and transitions
    def add_history(
        self,
        lead_id: str,
        at: dt.datetime,
        score: int,
        tier: str | None,
        previous_tier: str | None,
        groups: dict,
        cause: str,
        transition: bool,
        note: str | None = None,
    ) -> int:
        row = self.one(
            "INSERT INTO history (lead_id, at, score, tier, previous_tier, group_scores, cause, "
            "transition, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                lead_id,
                to_us(at),
                score,
                tier,
                previous_tier,
                json.dumps(groups),
                cause,
                int(transition),
                note,
            ),
        )
        return row[0]

    def history(self, lead_id: str) -> list[dict]:
        rows = self.all(
            "SELECT id, at, score, tier, previous_tier, group_scores, cause, transition, note "
            "FROM history WHERE lead_id = ? ORDER BY id",
            (lead_id,),
        )
        return [_history(lead_id, r) for r in rows]

    def transitions(self, since: dt.datetime | None, limit: int) -> list[dict]:
        sql = (
            "SELECT id, at, score, tier, previous_tier, group_scores, cause, transition, note, "
            "lead_id FROM history WHERE transition = 1"
        )
        params: tuple = ()
        if since is not None:
            sql += " AND at > ?"
            params = (to_us(since),)
        sql += " ORDER BY at, id LIMIT ?"
        return [_history(r[9], r[:9]) for r in self.all(sql, (*params, limit))]

    def transitions_between(self, start: dt.datetime, end: dt.datetime) -> list[dict]:
        rows = self.all(
            "SELECT id, at, score, tier, previous_tier, group_scores, cause, transition, note, "
            "lead_id FROM history WHERE transition = 1 AND at > ? AND at <= ? ORDER BY at, id",
            (to_us(start), to_us(end)),
        )
        return [_history(r[9], r[:9]) for r in rows]

    # ---- outbox
    def add_outbox(
        self,
        lead_id: str,
        sink: str,
        kind: str,
        payload: dict,
        idempotency_key: str,
        now: dt.datetime,
        delay_seconds: int = 0,
    ) -> bool:
        """A pending delivery, due now (or `delay_seconds` later: a `delay` action)."""
        due = now + dt.timedelta(seconds=delay_seconds)
        cur = self.q(
            "INSERT INTO outbox (lead_id, sink, kind, payload, idempotency_key, status, attempts, "
            "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (
                lead_id,
                sink,
                kind,
                json.dumps(payload, sort_keys=True),
                idempotency_key,
                to_us(due),
                to_us(now),
            ),
        )
        return cur.rowcount == 1

    def outbox_depth(self) -> int:
        return self.one("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")[0]

    # ---- meta
    def get_meta(self, key: str) -> str | None:
        row = self.one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        self.q(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


def _lead(row) -> dict:
    return {
        "lead_id": row[0],
        "attributes": json.loads(row[1]),
        "score": row[2],
        "tier": row[3],
        "groups": json.loads(row[4]) if row[4] else None,
        "as_of": None if row[5] is None else from_us(row[5]),
        "next_change": None if row[6] is None else from_us(row[6]),
        "model_hash": row[7],
        "created_at": from_us(row[8]),
    }


def _history(lead_id: str, r) -> dict:
    return {
        "id": r[0],
        "lead_id": lead_id,
        "at": from_us(r[1]),
        "score": r[2],
        "tier": r[3],
        "previous_tier": r[4],
        "groups": json.loads(r[5]),
        "cause": r[6],
        "transition": bool(r[7]),
        "note": r[8],
    }


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


class Store:
    """A backend: `transaction()` yields a `Tx`; committed when the block ends, rolled back on
    an exception. The outbox methods are what the delivery worker and `leadrules outbox` use."""

    placeholder = "?"
    row_locks = False
    key_type = "INTEGER PRIMARY KEY AUTOINCREMENT"
    url = ""

    @contextmanager
    def transaction(self) -> Iterator[Tx]:  # pragma: no cover - each backend defines it
        raise NotImplementedError
        yield

    def close(self) -> None:  # pragma: no cover
        raise NotImplementedError

    # ---- migrations
    def migrate(self) -> int:
        """Apply the migrations this database lacks; returns the schema version."""
        with self.transaction() as tx:
            self._lock_schema(tx)
            tx.q("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = tx.one("SELECT MAX(version) FROM schema_version")
            current = row[0] or 0
            if current > len(MIGRATIONS):
                raise StoreError(
                    f"the store's schema is version {current}, newer than this leadrules "
                    f"({len(MIGRATIONS)}): upgrade leadrules"
                )
            for version in range(current + 1, len(MIGRATIONS) + 1):
                for statement in MIGRATIONS[version - 1]:
                    tx.q(statement.replace("{id}", self.key_type))
                tx.q("INSERT INTO schema_version (version) VALUES (?)", (version,))
        return len(MIGRATIONS)

    def _lock_schema(self, tx: Tx) -> None:
        """Serialize concurrent migrations (PostgreSQL: an advisory lock)."""

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
