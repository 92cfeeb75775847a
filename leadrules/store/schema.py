"""The store's schema, as versioned migrations applied in order at start.

Each migration is a list of statements written once for both backends; `{id}` is the
auto-increment primary key (SQLite `INTEGER PRIMARY KEY AUTOINCREMENT`, PostgreSQL `BIGSERIAL
PRIMARY KEY`). Never edit a released migration: add the next one.
"""

from __future__ import annotations

MIGRATIONS: list[list[str]] = [
    # 1: leads, events, identity, history (with transitions), outbox, meta
    [
        """CREATE TABLE leads (
            lead_id TEXT PRIMARY KEY,
            attributes TEXT NOT NULL DEFAULT '{}',
            score BIGINT,
            tier TEXT,
            group_scores TEXT,
            as_of BIGINT,
            next_change BIGINT,
            model_hash TEXT,
            created_at BIGINT NOT NULL
        )""",
        "CREATE INDEX leads_tier ON leads (tier, lead_id)",
        "CREATE INDEX leads_next_change ON leads (next_change)",
        """CREATE TABLE events (
            seq {id},
            event_id TEXT UNIQUE,
            lead_id TEXT NOT NULL,
            event TEXT NOT NULL,
            occurred_at BIGINT NOT NULL,
            properties TEXT NOT NULL DEFAULT '{}',
            received_at BIGINT NOT NULL
        )""",
        "CREATE INDEX events_lead ON events (lead_id, seq)",
        """CREATE TABLE aliases (
            alias_id TEXT PRIMARY KEY,
            lead_id TEXT NOT NULL,
            merged_at BIGINT NOT NULL
        )""",
        """CREATE TABLE history (
            id {id},
            lead_id TEXT NOT NULL,
            at BIGINT NOT NULL,
            score BIGINT NOT NULL,
            tier TEXT,
            previous_tier TEXT,
            group_scores TEXT NOT NULL,
            cause TEXT NOT NULL,
            transition INTEGER NOT NULL,
            note TEXT
        )""",
        "CREATE INDEX history_lead ON history (lead_id, id)",
        "CREATE INDEX history_transitions ON history (transition, at, id)",
        """CREATE TABLE outbox (
            id {id},
            lead_id TEXT NOT NULL,
            sink TEXT NOT NULL,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            idempotency_key TEXT NOT NULL UNIQUE,
            status TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at BIGINT NOT NULL,
            last_error TEXT,
            created_at BIGINT NOT NULL,
            delivered_at BIGINT
        )""",
        "CREATE INDEX outbox_due ON outbox (status, next_attempt_at)",
        "CREATE INDEX outbox_lead ON outbox (lead_id)",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ],
]

VERSION = len(MIGRATIONS)
