"""The event and identity methods of a transaction: storing a lead's events (deduplicated by
their id), reading them back in arrival order, and the aliases merged leads leave behind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from leadrules.store.rows import ENCODE, chunks, marks, props
from leadrules.store.times import from_us, to_us


class EventMethods:
    """Mixed into `Tx` (which supplies `q`, `one`, `all`)."""

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
        return self.insert_events(
            [(event_id, lead_id, event, occurred_at, properties)], received_at
        )[0]

    def insert_events(self, rows: list[tuple], received_at: dt.datetime) -> list[bool]:
        """Store events `(event_id, lead_id, event, occurred_at, properties)` in the order
        given, in multi-row statements; for each, whether it was stored: False when its
        `event_id` is already stored, or given earlier in `rows` (nothing stored for it)."""
        stored = [True] * len(rows)
        fresh: list[int] = []  # indexes of the rows to insert
        seen: set[str] = set()
        for n, row in enumerate(rows):
            event_id = row[0]
            if event_id is not None:
                if event_id in seen:
                    stored[n] = False
                    continue
                seen.add(event_id)
            fresh.append(n)
        received = to_us(received_at)
        encode = ENCODE
        for chunk in chunks(fresh):
            params: list = []
            for n in chunk:
                event_id, lead_id, event, occurred_at, properties = rows[n]
                params += (
                    event_id,
                    lead_id,
                    event,
                    to_us(occurred_at),
                    encode(properties) if properties else "{}",
                    received,
                )
            cur = self.q(
                "INSERT INTO events (event_id, lead_id, event, occurred_at, properties, "
                f"received_at) VALUES {marks(len(chunk), 6)} ON CONFLICT DO NOTHING "
                "RETURNING event_id",
                tuple(params),
            )
            inserted = {r[0] for r in cur.fetchall()}
            for n in chunk:
                event_id = rows[n][0]
                if event_id is not None and event_id not in inserted:
                    stored[n] = False
        return stored

    def has_event(self, event_id: str) -> bool:
        return self.one("SELECT 1 FROM events WHERE event_id = ?", (event_id,)) is not None

    def events_of(self, lead_id: str) -> list[tuple[str, dt.datetime, dict]]:
        """A lead's events in arrival order: (event name as received, occurred_at, props)."""
        rows = self.all(
            "SELECT event, occurred_at, properties FROM events WHERE lead_id = ? ORDER BY seq",
            (lead_id,),
        )
        return [(e, from_us(at), props(p)) for e, at, p in rows]

    def events_of_leads(self, lead_ids) -> dict[str, list[tuple[str, dt.datetime, dict]]]:
        """`events_of` for several leads at once: {lead_id: events}, leads without any left
        out."""
        out: dict[str, list] = {}
        for chunk in chunks(list(lead_ids)):
            rows = self.all(
                "SELECT lead_id, event, occurred_at, properties FROM events "
                f"WHERE lead_id IN ({marks(len(chunk))}) ORDER BY seq",
                tuple(chunk),
            )
            for lead_id, e, at, p in rows:
                out.setdefault(lead_id, []).append((e, from_us(at), props(p)))
        return out

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
            yield row[0], row[1], row[2], from_us(row[3]), props(row[4])

    # ---- identity
    def alias_of(self, alias_id: str) -> str | None:
        row = self.one("SELECT lead_id FROM aliases WHERE alias_id = ?", (alias_id,))
        return None if row is None else row[0]

    def aliases_of(self, ids) -> dict[str, str]:
        """{alias id: lead id} for those of `ids` that are aliases (one query per 500)."""
        ids = list(ids)
        out: dict[str, str] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self.all(
                f"SELECT alias_id, lead_id FROM aliases WHERE alias_id IN ({marks})", tuple(chunk)
            )
            out.update(rows)
        return out

    def add_alias(self, alias_id: str, lead_id: str, now: dt.datetime) -> None:
        self.q(
            "INSERT INTO aliases (alias_id, lead_id, merged_at) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (alias_id, lead_id, to_us(now)),
        )
        # earlier aliases of the merged lead follow it
        self.q("UPDATE aliases SET lead_id = ? WHERE lead_id = ?", (lead_id, alias_id))
