"""The store interface, written once in SQL both backends run.

A backend supplies connections and four dialect details (placeholder, auto-increment key, how a
write transaction begins, row locks); every query is in this package, so that both backends
behave alike and one test suite covers them: leads and meta here, events and identity in
`events.py`, history and transitions in `history.py`, the delivery outbox in `outbox.py`.

Concurrency: a write transaction locks the leads it touches (`lock_leads`, in key order, so that
two processes never deadlock on each other) before reading their events; PostgreSQL does it with
`SELECT ... FOR UPDATE`, SQLite by taking the database's write lock at `BEGIN IMMEDIATE`.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
from collections.abc import Iterator
from contextlib import contextmanager

from leadrules.store.events import EventMethods
from leadrules.store.history import HistoryMethods
from leadrules.store.outbox import OutboxMethods
from leadrules.store.rows import chunks, marks, props
from leadrules.store.schema import MIGRATIONS
from leadrules.store.times import from_us, to_us

UTC = dt.timezone.utc


class StoreError(Exception):
    """A store that cannot be opened or migrated (a message for people)."""


SQLITE_FULL = 13
PG_DISK_FULL = "53100"


def is_full(error: BaseException | None) -> bool:
    """Whether `error` (or what caused it) says the store's disk is full: `ENOSPC`, SQLite's
    SQLITE_FULL ("database or disk is full"), PostgreSQL's `disk_full` (53100)."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, OSError) and error.errno == errno.ENOSPC:
            return True
        if getattr(error, "sqlite_errorcode", None) == SQLITE_FULL:
            return True
        if getattr(error, "sqlstate", None) == PG_DISK_FULL:
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


LEAD_COLUMNS = (
    "lead_id, attributes, score, tier, group_scores, as_of, next_change, model_hash, created_at"
)


class Tx(EventMethods, HistoryMethods):
    """One transaction. Methods take and return plain values; instants are datetimes.

    The batch methods (`ensure_leads`, `leads`, `insert_events`, `events_of_leads`,
    `save_scores`, `add_histories`) do in one statement per 500 rows what a request of 500
    events would otherwise do in thousands."""

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
    def many(self, sql: str, rows: list[tuple]) -> None:
        """One statement run for each of `rows` (the driver's batched `executemany`)."""
        if self.ph != "?":
            sql = sql.replace("?", self.ph)
        self.cur.executemany(sql, rows)

    def ensure_lead(self, lead_id: str, now: dt.datetime) -> None:
        self.ensure_leads([lead_id], now)

    def ensure_leads(self, lead_ids: list[str], now: dt.datetime) -> None:
        """Create the leads not stored yet (in the order given: give them in key order, so that
        two PostgreSQL transactions never wait on each other crosswise)."""
        at = to_us(now)
        for chunk in chunks(list(lead_ids)):
            params = tuple(x for lead_id in chunk for x in (lead_id, at))
            self.q(
                f"INSERT INTO leads (lead_id, created_at) VALUES {marks(len(chunk), 2)} "
                "ON CONFLICT DO NOTHING",
                params,
            )

    def lock_leads(self, lead_ids) -> None:
        """Lock these leads' rows until the transaction ends, in key order (no-op where the
        database lock already serializes writers)."""
        if self.store.row_locks:
            for chunk in chunks(sorted(set(lead_ids))):
                self.q(
                    f"SELECT 1 FROM leads WHERE lead_id IN ({marks(len(chunk))}) "
                    "ORDER BY lead_id FOR UPDATE",
                    tuple(chunk),
                )

    def lead(self, lead_id: str) -> dict | None:
        row = self.one(f"SELECT {LEAD_COLUMNS} FROM leads WHERE lead_id = ?", (lead_id,))
        return None if row is None else _lead(row)

    def leads(self, lead_ids) -> dict[str, dict]:
        """{lead_id: lead} of those of `lead_ids` that are stored."""
        out: dict[str, dict] = {}
        for chunk in chunks(list(lead_ids)):
            rows = self.all(
                f"SELECT {LEAD_COLUMNS} FROM leads WHERE lead_id IN ({marks(len(chunk))})",
                tuple(chunk),
            )
            out.update((r[0], _lead(r)) for r in rows)
        return out

    def lead_with_attribute(self, name: str, value: str) -> str | None:
        """The first lead (in key order) whose attribute `name` holds `value`, compared as text:
        a scan of the leads (for linking a CRM contact to its lead, once per contact)."""
        row = self.one(
            f"SELECT lead_id FROM leads WHERE {self.store.attribute_text} = ? "
            "ORDER BY lead_id LIMIT 1",
            (name, value),
        )
        return None if row is None else row[0]

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
        self.save_scores([(lead_id, score, tier, groups, as_of, next_change, model_hash)])

    def save_scores(self, rows: list[tuple]) -> None:
        """`(lead_id, score, tier, groups, as_of, next_change, model_hash)` of each lead."""
        self.many(
            "UPDATE leads SET score = ?, tier = ?, group_scores = ?, as_of = ?, next_change = ?, "
            "model_hash = ? WHERE lead_id = ?",
            [
                (
                    score,
                    tier,
                    json.dumps(groups),
                    to_us(as_of),
                    None if next_change is None else to_us(next_change),
                    model_hash,
                    lead_id,
                )
                for lead_id, score, tier, groups, as_of, next_change, model_hash in rows
            ],
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
        sql = f"SELECT {LEAD_COLUMNS} FROM leads"
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
        "attributes": props(row[1]),
        "score": row[2],
        "tier": row[3],
        "groups": json.loads(row[4]) if row[4] else None,
        "as_of": None if row[5] is None else from_us(row[5]),
        "next_change": None if row[6] is None else from_us(row[6]),
        "model_hash": row[7],
        "created_at": from_us(row[8]),
    }


class Store(OutboxMethods):
    """A backend: `transaction()` yields a `Tx`; committed when the block ends, rolled back on
    an exception. The outbox methods are what the delivery worker and `leadrules outbox` use."""

    placeholder = "?"
    row_locks = False
    key_type = "INTEGER PRIMARY KEY AUTOINCREMENT"
    attribute_text = "CAST(json_extract(attributes, '$.\"' || ? || '\"') AS TEXT)"
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
