"""The embedded backend: one SQLite file in WAL mode (stdlib `sqlite3`, nothing to install).

One connection per process, used by one transaction at a time (a lock); a write transaction
starts with `BEGIN IMMEDIATE`, so the database's write lock serializes writers across processes
too (`busy_timeout` makes a second process wait instead of failing).

Durability: `synchronous=NORMAL` in WAL mode, the default. A commit is written to the WAL file
before the answer, so it survives the server's process being killed (`kill -9`) at any moment;
only a power cut or an operating-system crash may lose the last commits. Add `?synchronous=full`
to the URL to fsync every commit (survives power cuts; several times slower on most disks).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from leadrules.store.base import Store, StoreError, Tx


class SqliteStore(Store):
    placeholder = "?"
    row_locks = False
    key_type = "INTEGER PRIMARY KEY AUTOINCREMENT"

    def __init__(self, path: str):
        path, _, query = path.partition("?")
        self.url = f"sqlite:///{path}"
        self.path = path
        sync = "FULL" if "synchronous=full" in query.lower() else "NORMAL"
        try:
            self.conn = sqlite3.connect(
                path, isolation_level=None, check_same_thread=False, timeout=30.0
            )
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute(f"PRAGMA synchronous={sync}")
            self.conn.execute("PRAGMA busy_timeout=30000")
        except sqlite3.Error as e:
            raise StoreError(f"cannot open {path}: {e}") from None
        self.lock = threading.RLock()
        self.migrate()

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        with self.lock:
            cur = self.conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                yield Tx(self, cur)
                cur.execute("COMMIT")
            except BaseException:
                # a failed statement or a failed COMMIT (a full disk: SQLITE_FULL): nothing of
                # the transaction stays (SQLite may have rolled it back itself already)
                if self.conn.in_transaction:
                    cur.execute("ROLLBACK")
                raise
            finally:
                cur.close()

    def close(self) -> None:
        with self.lock:
            self.conn.close()
