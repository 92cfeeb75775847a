"""`leadrules sync`'s state: per destination and lead, the values the destination last confirmed.

One table, in a SQLite file (`sqlite:///PATH`, the default `sqlite:///leadrules-sync.db`) or a
PostgreSQL database (`postgresql://...`). A confirmation commits as soon as the destination
answered, so an interrupted sync resumes where it stopped."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from leadrules.sinks.config import ConfigError

DEFAULT_URL = "sqlite:///leadrules-sync.db"
TABLE = "leadrules_sync_state"
SCHEMA = f"""CREATE TABLE IF NOT EXISTS {TABLE} (
  destination TEXT NOT NULL,
  lead_id TEXT NOT NULL,
  score BIGINT NOT NULL,
  groups TEXT NOT NULL,
  tier TEXT,
  previous_tier TEXT,
  confirmed_at TEXT NOT NULL,
  PRIMARY KEY (destination, lead_id)
)"""


@dataclass(frozen=True)
class Confirmed:
    score: int
    groups: str  # groups_text(): canonical JSON, compared as text
    tier: str | None
    previous_tier: str | None


def groups_text(groups: dict[str, int]) -> str:
    """Canonical JSON of the group scores (sorted keys, no spaces): compared as text."""
    if all(k.isascii() and k.isidentifier() for k in groups):  # nothing to escape
        return "{" + ",".join(f'"{k}":{groups[k]}' for k in sorted(groups)) + "}"
    return json.dumps(groups, sort_keys=True, separators=(",", ":"))


class SyncState:
    def __init__(self, url: str = DEFAULT_URL):
        self.url = url
        if url.startswith("sqlite:///"):
            import sqlite3

            path = url[len("sqlite:///") :] or ":memory:"
            try:
                self.conn = sqlite3.connect(path, timeout=30)
            except sqlite3.Error as e:
                raise ConfigError(f"--state {url}: cannot open: {e}") from None
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.mark = "?"
        elif url.startswith(("postgresql://", "postgres://")):
            try:
                import psycopg
            except ImportError:
                raise ConfigError(
                    "--state postgresql://... needs psycopg (pip install 'leadrules[postgres]')"
                ) from None
            try:
                self.conn = psycopg.connect(url, autocommit=True)
            except psycopg.Error as e:
                raise ConfigError(f"--state: cannot connect: {e}") from None
            self.mark = "%s"
        else:
            raise ConfigError(
                f"--state {url}: expected sqlite:///PATH or postgresql://USER@HOST/DB"
            )
        with self._tx():
            self.conn.execute(SCHEMA)

    def _tx(self):
        return self.conn if self.mark == "?" else self.conn.transaction()

    def close(self) -> None:
        self.conn.close()

    def load(self, destination: str) -> dict[str, Confirmed]:
        cur = self.conn.execute(
            f"SELECT lead_id, score, groups, tier, previous_tier FROM {TABLE} "
            f"WHERE destination = {self.mark}",
            (destination,),
        )
        return {
            lead: Confirmed(int(score), groups, tier, prev)
            for lead, score, groups, tier, prev in cur.fetchall()
        }

    def confirm(self, destination: str, rows: list[tuple[str, Confirmed]]) -> None:
        """Record confirmations, in one transaction."""
        if not rows:
            return
        at = dt.datetime.now(dt.timezone.utc).isoformat()
        m = self.mark
        sql = (
            f"INSERT INTO {TABLE} (destination, lead_id, score, groups, tier, previous_tier, "
            f"confirmed_at) VALUES ({m}, {m}, {m}, {m}, {m}, {m}, {m}) "
            "ON CONFLICT (destination, lead_id) DO UPDATE SET score = excluded.score, "
            "groups = excluded.groups, tier = excluded.tier, "
            "previous_tier = excluded.previous_tier, confirmed_at = excluded.confirmed_at"
        )
        params = [
            (destination, lead, c.score, c.groups, c.tier, c.previous_tier, at) for lead, c in rows
        ]
        with self._tx():
            if self.mark == "?":
                self.conn.executemany(sql, params)
            else:
                with self.conn.cursor() as cur:
                    cur.executemany(sql, params)
