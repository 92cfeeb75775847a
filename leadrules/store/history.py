"""The history methods of a transaction: every change of a lead's score or tier, and the tier
transitions among them (a history row with `transition` set).

A history row is written by the service in the transaction of the score that caused it; its id
is part of the idempotency key of the deliveries the change queues.
"""

from __future__ import annotations

import datetime as dt
import json

from leadrules.store.times import from_us, to_us

HISTORY_COLUMNS = "id, at, score, tier, previous_tier, group_scores, cause, transition, note"
CHUNK = 500  # rows per multi-row statement (9 parameters each: far below both limits)


class HistoryMethods:
    """Mixed into `Tx` (which supplies `q`, `one`, `all`)."""

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
        row = (lead_id, at, score, tier, previous_tier, groups, cause, transition, note)
        return self.add_histories([row])[lead_id]

    def add_histories(self, rows: list[tuple]) -> dict[str, int]:
        """History rows `(lead_id, at, score, tier, previous_tier, groups, cause, transition,
        note)`, one per lead, in multi-row statements; returns {lead_id: history id}."""
        ids: dict[str, int] = {}
        for i in range(0, len(rows), CHUNK):
            chunk = rows[i : i + CHUNK]
            params: list = []
            for lead_id, at, score, tier, previous, groups, cause, transition, note in chunk:
                params += (
                    lead_id,
                    to_us(at),
                    score,
                    tier,
                    previous,
                    json.dumps(groups),
                    cause,
                    int(transition),
                    note,
                )
            marks = ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(chunk))
            cur = self.q(
                "INSERT INTO history (lead_id, at, score, tier, previous_tier, group_scores, "
                f"cause, transition, note) VALUES {marks} RETURNING id, lead_id",
                tuple(params),
            )
            ids.update((lead_id, history_id) for history_id, lead_id in cur.fetchall())
        return ids

    def latest_transition(self) -> dt.datetime | None:
        """The instant of the latest transition recorded (through the transitions' index)."""
        row = self.one("SELECT MAX(at) FROM history WHERE transition = 1")
        return None if row is None or row[0] is None else from_us(row[0])

    def history(self, lead_id: str) -> list[dict]:
        rows = self.all(
            f"SELECT {HISTORY_COLUMNS} FROM history WHERE lead_id = ? ORDER BY id", (lead_id,)
        )
        return [history_row(lead_id, r) for r in rows]

    def transitions(self, since: dt.datetime | None, limit: int) -> list[dict]:
        sql = f"SELECT {HISTORY_COLUMNS}, lead_id FROM history WHERE transition = 1"
        params: tuple = ()
        if since is not None:
            sql += " AND at > ?"
            params = (to_us(since),)
        sql += " ORDER BY at, id LIMIT ?"
        return [history_row(r[9], r[:9]) for r in self.all(sql, (*params, limit))]

    def transitions_between(self, start: dt.datetime, end: dt.datetime) -> list[dict]:
        rows = self.all(
            f"SELECT {HISTORY_COLUMNS}, lead_id FROM history "
            "WHERE transition = 1 AND at > ? AND at <= ? ORDER BY at, id",
            (to_us(start), to_us(end)),
        )
        return [history_row(r[9], r[:9]) for r in rows]


def history_row(lead_id: str, r) -> dict:
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
