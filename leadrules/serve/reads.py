"""The service's reads: a lead, its explanation, its history, pages of leads, transitions."""

from __future__ import annotations

import datetime as dt

from leadrules.serve.instants import iso


class NotFound(Exception):
    pass


class Reads:
    """Mixed into `Service` (which supplies store, loaded, model and now)."""

    def lead(self, lead_id: str) -> dict:
        with self.store.transaction() as tx:
            target = tx.alias_of(lead_id) or lead_id
            lead = tx.lead(target)
        if lead is None or lead["score"] is None:
            raise NotFound(lead_id)
        return self.lead_json(lead)

    def lead_json(self, lead: dict) -> dict:
        return {
            "lead_id": lead["lead_id"],
            "score": lead["score"],
            "tier": lead["tier"],
            "groups": lead["groups"],
            "as_of": iso(lead["as_of"]),
            "next_change": iso(lead["next_change"]),
            "model": {"name": self.model.name, "hash": lead["model_hash"]},
        }

    def explain(self, lead_id: str) -> dict:
        """`leadrules explain --format json` of the stored lead, as of now (or its stored
        `as_of`, if later: see `Scoring`)."""
        from leadrules.engine.python import Scorer

        loaded = self.loaded
        with self.store.transaction() as tx:
            target = tx.alias_of(lead_id) or lead_id
            lead = tx.lead(target)
            if lead is None:
                raise NotFound(lead_id)
            stored = tx.events_of(target)
        now = self.now()
        if lead["as_of"] is not None and lead["as_of"] > now:
            now = lead["as_of"]
        scorer = Scorer(loaded.model, now)
        scorer.add_leads({target: loaded.values(lead["attributes"])})
        scorer.consume((target, kind, at, typed) for kind, at, typed in loaded.events(stored))
        return scorer.results(explain=True)[0].explanation.to_json()

    def history(self, lead_id: str) -> list[dict]:
        with self.store.transaction() as tx:
            target = tx.alias_of(lead_id) or lead_id
            if tx.lead(target) is None:
                raise NotFound(lead_id)
            rows = tx.history(target)
        return [history_json(r) for r in rows]

    def leads_page(self, tier: str | None, cursor: str | None, limit: int) -> dict:
        with self.store.transaction() as tx:
            rows = tx.leads_page(tier, cursor, limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        return {
            "leads": [self.lead_json(r) for r in rows if r["score"] is not None],
            "next_cursor": rows[-1]["lead_id"] if more and rows else None,
        }

    def transitions(self, since: dt.datetime | None, limit: int) -> list[dict]:
        with self.store.transaction() as tx:
            rows = tx.transitions(since, limit)
        return [dict(history_json(r), lead_id=r["lead_id"]) for r in rows]


def history_json(r: dict) -> dict:
    out = {
        "at": iso(r["at"]),
        "score": r["score"],
        "tier": r["tier"],
        "previous_tier": r["previous_tier"],
        "groups": r["groups"],
        "cause": r["cause"],
        "transition": r["transition"],
    }
    if r["note"]:
        out["note"] = r["note"]
    return out
