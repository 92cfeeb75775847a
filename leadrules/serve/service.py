"""The service's work, free of HTTP: validate, store, rescore, record history and deliveries.

Every change runs in one store transaction: the events (or attributes), the lead's new score,
its history row, its transition and the outbox rows of its actions commit together or not at
all. Scoring is `engine.live` (the reference interpreter's plan, built once per model).

`clock` (default: the real time, to the millisecond) is injectable for tests. Every instant the
service reports is in milliseconds, the precision of the `as_of` it answers with.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from leadrules import model as m
from leadrules.data.values import CONVERTERS
from leadrules.engine.live import LivePlan
from leadrules.serve import actions, validate
from leadrules.serve.config import Config

UTC = dt.timezone.utc
CAUSES = ("event", "attributes", "time", "model")


def now_ms() -> dt.datetime:
    now = dt.datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def iso(when: dt.datetime | None) -> str | None:
    if when is None:
        return None
    when = when.astimezone(UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


class NotFound(Exception):
    pass


@dataclass
class Loaded:
    """A model in service: the Model, its live plan, who runs its actions."""

    model: m.Model
    text_hash: str
    live: LivePlan
    index: dict[str, int]
    runners: dict[str, str | None]

    @classmethod
    def of(cls, model: m.Model, sources: dict[str, str], config: Config) -> Loaded:
        digest = hashlib.sha256()
        for path in sorted(sources):
            digest.update(sources[path].encode("utf-8"))
        return cls(
            model,
            digest.hexdigest()[:16],
            LivePlan(model),
            validate.event_index(model),
            actions.runners(model, config),
        )


@dataclass
class Metrics:
    events: Counter = field(default_factory=Counter)  # by status
    requests: Counter = field(default_factory=Counter)  # by (route, status)
    scoring_seconds: float = 0.0
    scorings: int = 0
    buckets: Counter = field(default_factory=Counter)  # latency histogram (seconds bound)
    rescored: Counter = field(default_factory=Counter)  # by cause

    BOUNDS = (0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.005, 0.025, 0.1)

    def observe(self, seconds: float) -> None:
        self.scoring_seconds += seconds
        self.scorings += 1
        for bound in self.BOUNDS:
            if seconds <= bound:
                self.buckets[bound] += 1


class Service:
    def __init__(
        self,
        store,
        model: m.Model,
        sources: dict[str, str],
        config: Config | None = None,
        clock=now_ms,
        fire_on_model_change: bool = False,
    ):
        self.store = store
        self.config = config or Config()
        self.clock = clock
        self.fire_on_model_change = fire_on_model_change
        self.loaded = Loaded.of(model, sources, self.config)
        self.metrics = Metrics()
        self.model_lock = threading.Lock()
        self.reloads = 0
        self.wake = threading.Event()  # the scheduler's: a lead's next change moved earlier

    @property
    def model(self) -> m.Model:
        return self.loaded.model

    # ---- ingest
    def ingest(self, items: list) -> dict:
        """Validate, store and rescore; raises `validate.Invalid` (nothing stored)."""
        loaded = self.loaded
        now = self.clock()
        valid = validate.events(loaded.model, items, now, loaded.index)
        results: list[dict] = [{} for _ in valid]
        leads_out: dict[str, dict] = {}

        def work(tx):
            leads_out.clear()
            targets = {}
            for n, e in enumerate(valid):
                if e.kind is None:
                    results[n] = {
                        "index": e.index,
                        "id": e.id,
                        "status": "ignored",
                        "reason": f"event type `{e.event}` is not declared in the model",
                    }
                    continue
                targets[n] = tx.alias_of(e.lead_id) or e.lead_id
            for lead_id in sorted(set(targets.values())):  # in key order: no deadlock
                tx.ensure_lead(lead_id, now)
            tx.lock_leads(set(targets.values()))
            touched: list[str] = []
            for n, lead_id in targets.items():
                e = valid[n]
                source = loaded.model.events[e.kind].source
                stored = tx.insert_event(e.id, lead_id, source, e.occurred_at, e.properties, now)
                results[n] = {
                    "index": e.index,
                    "id": e.id,
                    "status": "accepted" if stored else "duplicate",
                }
                if stored and lead_id not in touched:
                    touched.append(lead_id)
            for lead_id in touched:
                leads_out[lead_id] = self._rescore(tx, loaded, lead_id, now, "event")

        self._run(work)
        self.metrics.events.update(r["status"] for r in results)
        self.wake.set()
        return {"results": results, "leads": list(leads_out.values())}

    def put_attributes(self, lead_id: str, values: object, cause: str = "attributes") -> dict:
        loaded = self.loaded
        attrs = validate.attributes(loaded.model, values)
        now = self.clock()

        def work(tx):
            target = tx.alias_of(lead_id) or lead_id
            tx.ensure_lead(target, now)
            tx.lock_leads([target])
            current = tx.lead(target)["attributes"]
            for name, value in attrs.items():
                if value is None:
                    current.pop(name, None)
                else:
                    current[name] = value
            tx.set_attributes(target, current)
            self._rescore(tx, loaded, target, now, cause)
            return target

        target = self._run(work)
        self.wake.set()
        return self.lead(target)

    def merge(self, anonymous_id: str, user_id: str) -> dict:
        """Merge the anonymous lead into the identified one (idempotent)."""
        loaded = self.loaded
        now = self.clock()

        def work(tx):
            target = tx.alias_of(user_id) or user_id
            if anonymous_id == target or tx.alias_of(anonymous_id) == target:
                tx.ensure_lead(target, now)
                return target, False
            tx.ensure_lead(target, now)
            tx.lock_leads([target, anonymous_id])
            source = tx.lead(anonymous_id)
            tx.move_events(anonymous_id, target)
            if source is not None:
                attrs = dict(source["attributes"])
                attrs.update(tx.lead(target)["attributes"])
                tx.set_attributes(target, attrs)
                tx.delete_lead(anonymous_id)
            tx.add_alias(anonymous_id, target, now)
            self._rescore(
                tx, loaded, target, now, "event", note=f"merged lead {anonymous_id}", force=True
            )
            return target, True

        target, _merged = self._run(work)
        self.wake.set()
        return self.lead(target)

    def delete(self, lead_id: str) -> bool:
        def work(tx):
            tx.lock_leads([lead_id])
            return tx.delete_lead(lead_id)

        return self._run(work)

    # ---- scoring
    def _rescore(
        self, tx, loaded: Loaded, lead_id: str, now, cause, note=None, force=False
    ) -> dict:
        """Score one locked lead at `now`; store the state, history, transition and outbox.

        The lead is locked already: its as-of is taken now if later than `now`, so that a
        lead's successive scorings never go back in time (another process may have scored it
        while this one waited for the lock)."""
        now = max(now, self.clock())
        lead = tx.lead(lead_id)
        model = loaded.model
        values = tuple(_typed(a.type, lead["attributes"].get(a.name)) for a in model.attributes)
        events = []
        index = loaded.index
        for name, at, props in tx.events_of(lead_id):
            kind = index.get(name)
            if kind is None:
                continue
            typed = tuple(_typed(p.type, props.get(p.name)) for p in model.events[kind].props)
            events.append((kind, at, typed))
        started = time.perf_counter()
        result = loaded.live.score(values, events, now)
        self.metrics.observe(time.perf_counter() - started)
        self.metrics.rescored[cause] += 1
        groups = dict(result.groups)
        previous_score, previous_tier = lead["score"], lead["tier"]
        tx.save_score(
            lead_id, result.score, result.tier, groups, now, result.next_change, loaded.text_hash
        )
        first = previous_score is None
        changed = first or previous_score != result.score or previous_tier != result.tier
        if changed or force:
            transition = previous_tier != result.tier
            history_id = tx.add_history(
                lead_id,
                now,
                result.score,
                result.tier,
                previous_tier,
                groups,
                cause,
                transition and changed,
                note,
            )
            if changed:
                fire = cause != "model" or self.fire_on_model_change
                change = {
                    "lead_id": lead_id,
                    "history_id": history_id,
                    "score": result.score,
                    "groups": groups,
                    "tier": result.tier,
                    "previous_tier": previous_tier,
                    "at": iso(now),
                    "cause": cause,
                }
                if fire and transition and _acts_on(model, previous_tier, result.tier):
                    # what a webhook carries: the rules that fired and the model (rare: tier
                    # changes with `on enter`/`on exit` blocks only)
                    change["rules"] = _rules_fired(model, lead_id, values, events, now)
                    change["model"] = {"name": model.name, "hash": loaded.text_hash}
                rows = actions.outbox_rows(model, self.config, loaded.runners, change, fire)
                for sink, kind, payload, key, delay in rows:
                    tx.add_outbox(lead_id, sink, kind, payload, key, now, delay)
        return {
            "lead_id": lead_id,
            "score": result.score,
            "tier": result.tier,
            "previous_tier": previous_tier,
            "groups": groups,
            "as_of": iso(now),
        }

    def rescore(self, lead_id: str, cause: str, only_if_due: bool = False) -> dict | None:
        loaded = self.loaded
        now = self.clock()

        def work(tx):
            tx.lock_leads([lead_id])
            lead = tx.lead(lead_id)
            if lead is None:
                return None
            if only_if_due and (lead["next_change"] is None or lead["next_change"] > now):
                return None  # another process did it
            return self._rescore(tx, loaded, lead_id, now, cause)

        return self._run(work)

    def rescore_due(self, limit: int = 500) -> int:
        """Rescore the leads whose next change is due (cause `time`); returns how many."""
        with self.store.transaction() as tx:
            due = tx.due_leads(self.clock(), limit)
        for lead_id in due:
            self.rescore(lead_id, "time", only_if_due=True)
        return len(due)

    def next_due(self) -> dt.datetime | None:
        with self.store.transaction() as tx:
            return tx.next_due()

    # ---- model changes
    def swap_model(self, model: m.Model, sources: dict[str, str]) -> Loaded:
        """Replace the model (checked already); the caller rescores every lead."""
        lines, errors = actions.check_runners(model, self.config)
        if errors:
            raise validate.Invalid(
                [validate.Problem(None, "model", e) for e in errors], "the model cannot run"
            )
        loaded = Loaded.of(model, sources, self.config)
        with self.model_lock:
            self.loaded = loaded
            self.reloads += 1
        return loaded

    def rescore_all(self, cause: str = "model", page: int = 500) -> int:
        after, n = None, 0
        while True:
            with self.store.transaction() as tx:
                ids = tx.lead_ids_after(after, page)
            if not ids:
                return n
            for lead_id in ids:
                self.rescore(lead_id, cause)
                n += 1
            after = ids[-1]
            self.wake.set()

    # ---- reads
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
        """`leadrules explain --format json` of the stored lead, as of now."""
        from leadrules.engine.python import Scorer

        loaded = self.loaded
        with self.store.transaction() as tx:
            target = tx.alias_of(lead_id) or lead_id
            lead = tx.lead(target)
            if lead is None:
                raise NotFound(lead_id)
            stored = tx.events_of(target)
        model = loaded.model
        values = tuple(_typed(a.type, lead["attributes"].get(a.name)) for a in model.attributes)
        scorer = Scorer(model, self.clock())
        scorer.add_leads({target: values})
        rows = []
        for name, at, props in stored:
            kind = loaded.index.get(name)
            if kind is not None:
                typed = tuple(_typed(p.type, props.get(p.name)) for p in model.events[kind].props)
                rows.append((target, kind, at, typed))
        scorer.consume(rows)
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

    # ---- the transaction runner (PostgreSQL deadlocks are retried)
    def _run(self, work, attempts: int = 5):
        retryable = getattr(self.store, "retryable", ())
        for attempt in range(attempts):
            try:
                with self.store.transaction() as tx:
                    return work(tx)
            except retryable:
                if attempt == attempts - 1:
                    raise
                time.sleep(0.01 * (attempt + 1))
        return None  # pragma: no cover


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


def _typed(type_name: str, raw):
    """A stored value typed by the readers' converter. A value the current model types
    differently than the one it was validated under counts as missing."""
    try:
        return CONVERTERS[type_name](raw)
    except ValueError:
        return None


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
