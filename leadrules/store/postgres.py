"""The server backend: PostgreSQL through psycopg 3. Several `serve` processes may share one
database: a write transaction locks the rows of the leads it touches (`SELECT ... FOR UPDATE`,
in key order), and outbox rows are claimed with `SKIP LOCKED`.

A small pool of connections (one per concurrent transaction, up to `size`); a transaction that
meets a deadlock or a serialization failure is the caller's to retry (`RETRYABLE`).
"""

from __future__ import annotations

import queue
from collections.abc import Iterator
from contextlib import contextmanager

from leadrules.store.base import Store, StoreError, Tx


class PostgresStore(Store):
    placeholder = "%s"
    row_locks = True
    key_type = "BIGSERIAL PRIMARY KEY"
    attribute_text = "(attributes::jsonb ->> ?)"

    def __init__(self, url: str, size: int = 8):
        import psycopg

        self.psycopg = psycopg
        self.url = url
        self.size = size
        self.pool: queue.LifoQueue = queue.LifoQueue()
        self.opened = 0
        try:
            self.pool.put(self._connect())
        except psycopg.Error as e:
            raise StoreError(f"cannot connect to the PostgreSQL store: {e}".strip()) from None
        self.migrate()

    def _connect(self):
        self.opened += 1
        return self.psycopg.connect(self.url, autocommit=True)

    def _take(self):
        try:
            return self.pool.get_nowait()
        except queue.Empty:
            if self.opened < self.size:
                return self._connect()
            return self.pool.get()

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        conn = self._take()
        broken = False
        try:
            cur = conn.cursor()
            cur.execute("BEGIN")
            try:
                yield Tx(self, cur)
            except BaseException:
                try:
                    cur.execute("ROLLBACK")
                except self.psycopg.Error:
                    broken = True
                raise
            else:
                cur.execute("COMMIT")
            finally:
                cur.close()
        except self.psycopg.OperationalError:
            broken = True
            raise
        finally:
            if broken or conn.closed:
                self.opened -= 1
                conn.close()
            else:
                self.pool.put(conn)

    def _lock_schema(self, tx: Tx) -> None:
        tx.q("SELECT pg_advisory_xact_lock(7246)")

    @property
    def retryable(self) -> tuple:
        errors = self.psycopg.errors
        return (errors.DeadlockDetected, errors.SerializationFailure)

    def close(self) -> None:
        while True:
            try:
                self.pool.get_nowait().close()
            except queue.Empty:
                return
