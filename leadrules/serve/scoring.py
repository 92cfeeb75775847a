"""Rescoring stored leads: the score, its history, its transition and the deliveries it queues.

`rescore_locked` is the one place a lead's new state is computed and written: the caller holds the
leads' locks (`Tx.lock_leads`) in its transaction; the leads' attributes and events are read in
one query each, scored by `engine.live` (the reference interpreter's plan, built once per model),
and the new states, history rows and outbox rows written in a few multi-row statements.

Instants never go back: each lead is scored at the service's instant (`Service.now`, which never
goes back in one process) or at the lead's stored `as_of` if that is later (another process, or
this one before a restart, scored it later by a clock ahead of this one).
"""

from __future__ import annotations

import datetime as dt
import time

from leadrules.serve import actions
from leadrules.serve.instants import iso
from leadrules.serve.loaded import Loaded
from leadrules.store.rows import chunks


class Scoring:
    """Mixed into `Service` (which supplies store, loaded, config, metrics, now, _run)."""

    def rescore_locked(
        self,
        tx,
        loaded: Loaded,
        lead_ids: list[str],
        now: dt.datetime,
        cause: str,
        note: str | None = None,
        force: bool = False,
        leads: dict | None = None,
    ) -> dict[str, dict]:
        """Score the locked, stored leads `lead_ids` and store their new states; returns each
        one's answer (`{lead_id, score, tier, previous_tier, groups, as_of}`) in that order.
        `force` records a history row even when nothing changed (with `note`)."""
        if not lead_ids:
            return {}
        if leads is None:
            leads = tx.leads(lead_ids)
        stored = tx.events_of_leads(lead_ids)
        live, metrics = loaded.live, self.metrics
        out: dict[str, dict] = {}
        scores: list[tuple] = []
        changes: list[tuple] = []
        for lead_id in lead_ids:
            lead = leads[lead_id]
            at = now if lead["as_of"] is None or lead["as_of"] <= now else lead["as_of"]
            values = loaded.values(lead["attributes"])
            events = loaded.events(stored.get(lead_id, ()))
            started = time.perf_counter()
            result = live.score(values, events, at)
            metrics.observe(time.perf_counter() - started)
            groups = dict(result.groups)
            scores.append(
                (
                    lead_id,
                    result.score,
                    result.tier,
                    groups,
                    at,
                    result.next_change,
                    loaded.text_hash,
                )
            )
            previous_score, previous_tier = lead["score"], lead["tier"]
            changed = (
                previous_score is None
                or previous_score != result.score
                or previous_tier != result.tier
            )
            if changed or force:
                changes.append(
                    (lead_id, at, result, groups, previous_tier, changed, values, events)
                )
            out[lead_id] = {
                "lead_id": lead_id,
                "score": result.score,
                "tier": result.tier,
                "previous_tier": previous_tier,
                "groups": groups,
                "as_of": iso(at),
            }
        metrics.rescored[cause] += len(lead_ids)
        tx.save_scores(scores)
        if changes:
            self._record(tx, loaded, changes, cause, note)
        return out

    def _record(self, tx, loaded: Loaded, changes: list[tuple], cause: str, note) -> None:
        """History rows of the changed leads, and the deliveries of their changes."""
        model = loaded.model
        history = []
        for lead_id, at, r, groups, previous, changed, _values, _events in changes:
            transition = changed and previous != r.tier
            history.append(
                (lead_id, at, r.score, r.tier, previous, groups, cause, transition, note)
            )
        ids = tx.add_histories(history)
        fire = cause != "model" or self.fire_on_model_change
        for lead_id, at, r, groups, previous_tier, changed, values, events in changes:
            if not changed:
                continue
            change = {
                "lead_id": lead_id,
                "history_id": ids[lead_id],
                "score": r.score,
                "groups": groups,
                "tier": r.tier,
                "previous_tier": previous_tier,
                "at": iso(at),
                "cause": cause,
            }
            if fire and previous_tier != r.tier and _acts_on(model, previous_tier, r.tier):
                # what a webhook carries: the rules that fired and the model (rare: tier
                # changes with `on enter`/`on exit` blocks only)
                change["rules"] = _rules_fired(model, lead_id, values, events, at)
                change["model"] = {"name": model.name, "hash": loaded.text_hash}
            rows = actions.outbox_rows(model, self.config, loaded.runners, change, fire)
            for sink, kind, payload, key, delay in rows:
                tx.add_outbox(lead_id, sink, kind, payload, key, at, delay)

    def rescore(self, lead_id: str, cause: str, only_if_due: bool = False) -> dict | None:
        """Rescore one lead in its own transaction; None when it is not stored (or, with
        `only_if_due`, not due any more)."""
        done = self.rescore_leads([lead_id], cause, only_if_due)
        return done.get(lead_id)

    def rescore_leads(
        self, lead_ids, cause: str, only_if_due: bool = False, chunk: int = 100
    ) -> dict[str, dict]:
        """Rescore stored leads, `chunk` of them per transaction (locked in key order); with
        `only_if_due`, those whose next change is still due (another process may have done
        it). Returns the answers of the leads rescored."""
        out: dict[str, dict] = {}
        for ids in chunks(sorted(set(lead_ids)), chunk):
            loaded, now = self.loaded, self.now()

            def work(tx, ids=ids, loaded=loaded, now=now):
                tx.lock_leads(ids)
                leads = tx.leads(ids)
                due = [
                    i
                    for i in ids
                    if i in leads
                    and (
                        not only_if_due
                        or (leads[i]["next_change"] is not None and leads[i]["next_change"] <= now)
                    )
                ]
                return self.rescore_locked(tx, loaded, due, now, cause, leads=leads)

            out.update(self._run(work))
        return out

    def rescore_due(self, limit: int = 500) -> int:
        """Rescore the leads whose next change is due (cause `time`); returns how many."""
        with self.store.transaction() as tx:
            due = tx.due_leads(self.now(), limit)
        self.rescore_leads(due, "time", only_if_due=True)
        return len(due)

    def next_due(self) -> dt.datetime | None:
        with self.store.transaction() as tx:
            return tx.next_due()

    def rescore_all(self, cause: str = "model", page: int = 500) -> int:
        after, n = None, 0
        while True:
            with self.store.transaction() as tx:
                ids = tx.lead_ids_after(after, page)
            if not ids:
                return n
            self.rescore_leads(ids, cause)
            n += len(ids)
            after = ids[-1]
            self.wake.set()


def _acts_on(model, previous_tier, tier) -> bool:
    return any(
        (a.on == "exit" and a.tier == previous_tier) or (a.on == "enter" and a.tier == tier)
        for a in model.automations
    )


def _rules_fired(model, lead_id: str, values: tuple, events: list, now) -> list[str]:
    """The ids of the rules that give the lead points at `now` (the reference interpreter's
    explanation, as `GET /v1/leads/{id}/explain` shows it)."""
    from leadrules.engine.python import Scorer

    scorer = Scorer(model, now)
    scorer.add_leads({lead_id: values})
    scorer.consume((lead_id, kind, at, typed) for kind, at, typed in events)
    explanation = scorer.results(explain=True)[0].explanation.to_json()
    return [r["id"] for g in explanation["groups"] for r in g["rules"] if r["contribution"]]
