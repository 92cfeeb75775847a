"""The service's state: leads, events, score history, transitions and the delivery outbox.

One interface (`Store`, `Tx` in `base.py`), one schema (`schema.py`, versioned migrations applied
at start), two backends chosen by URL:

    store = open_store("sqlite:///leadrules.db")        # embedded: stdlib sqlite3 in WAL mode
    store = open_store("postgresql://user@host/db")     # a server: psycopg 3, shared by processes

    with store.transaction() as tx:                     # one atomic unit of work
        tx.insert_event(...); tx.save_score(...)

Instants are stored as integer microseconds since the Unix epoch (UTC); JSON as text.
"""

from __future__ import annotations

from leadrules.store.base import Store, StoreError, Tx, from_us, is_full, to_us


def open_store(url: str) -> Store:
    """A store for `url`; raises `StoreError` with a message for a bad URL or database."""
    if url.startswith("sqlite://"):
        from leadrules.store.sqlite import SqliteStore

        path = url[len("sqlite://") :]
        if path.startswith("/"):
            path = path[1:]  # sqlite:///rel.db -> rel.db, sqlite:////abs.db -> /abs.db
        if not path:
            raise StoreError(f"`{url}` names no file (write sqlite:///PATH)")
        return SqliteStore(path)
    if url.startswith(("postgresql://", "postgres://")):
        from leadrules.store.postgres import PostgresStore

        return PostgresStore(url)
    raise StoreError(f"`{url}` is not a store URL (sqlite:///PATH or postgresql://...)")


__all__ = ["Store", "StoreError", "Tx", "from_us", "is_full", "open_store", "to_us"]
