"""`leadrules sync`: push the leads whose score, groups or tier changed since the destination
last confirmed them, and record each confirmation (a diff sync, as Census and Hightouch do)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from leadrules.sinks.config import DeliveryConfig
from leadrules.sinks.http import backoff
from leadrules.sinks.state import Confirmed, SyncState, groups_text
from leadrules.sinks.updates import LeadState, Mapper, Update

MAX_WAIT = 120.0  # a retry the destination asks to delay longer than this fails this run


@dataclass
class Plan:
    destination: str
    leads: int
    changes: list[tuple[LeadState, Confirmed]]
    new: int
    mapper: Mapper
    to: str

    @property
    def changed(self) -> int:
        return len(self.changes)

    def update(self, state: LeadState) -> Update:
        """The lead's update for the destination (built as it is sent, not all up front)."""
        return self.mapper.update(self.to, state, self.destination)


@dataclass
class Report:
    sent: int = 0
    confirmed: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # lead -> reason
    requests: int = 0


def destination(to: str, config: DeliveryConfig) -> str:
    """The state's key for a destination: the sink and where it points."""
    if to == "webhook":
        return f"webhook:{config.webhook.url}"
    return f"{to}:{getattr(config, to).base_url}"


def plan(
    model,
    config: DeliveryConfig,
    to: str,
    results,
    contacts: dict[str, object] | None,
    state: dict[str, Confirmed],
    dest: str,
) -> Plan:
    """The updates to push: leads whose score, groups or tier differ from the confirmed state."""
    mapper = Mapper(model, config)
    changes: list[tuple[LeadState, Confirmed]] = []
    new = 0
    for r in results:
        groups = dict(r.groups)
        text = groups_text(groups)
        old = state.get(r.lead_id)
        if old is not None and (old.score, old.groups, old.tier) == (r.score, text, r.tier):
            continue
        if old is None:
            new += 1
            previous = None
        else:
            previous = old.tier if old.tier != r.tier else old.previous_tier
        contact = r.lead_id if contacts is None else contacts.get(r.lead_id)
        s = LeadState(
            r.lead_id,
            r.score,
            groups,
            r.tier,
            previous,
            previous_known=old is not None,
            contact=None if contact in (None, "") else str(contact),
        )
        changes.append((s, Confirmed(r.score, text, r.tier, previous)))
    return Plan(dest, len(results), changes, new, mapper, to)


def push(
    plan: Plan,
    sink,
    state: SyncState,
    config: DeliveryConfig,
    chunk: int,
    progress=None,
    stop: threading.Event | None = None,
    sleep=time.sleep,
) -> Report:
    """Send the plan's updates `chunk` at a time, confirming each delivered one as soon as its
    chunk returns; retry what failed (back-off, Retry-After) up to `max_attempts`."""
    report = Report()
    pending: list = list(plan.changes)  # (LeadState, Confirmed), then (Update, Confirmed)
    attempt = 1
    done = 0
    while pending:
        retry: list[tuple[tuple[Update, Confirmed], float]] = []
        for i in range(0, len(pending), chunk):
            part = pending[i : i + chunk]
            if attempt == 1:
                part = [(plan.update(state), confirmed) for state, confirmed in part]
            outcomes = sink.send([u for u, _ in part])
            if attempt == 1:
                report.sent += len(part)
            ok = []
            for item, outcome in zip(part, outcomes, strict=True):
                u, confirmed = item
                if outcome.ok:
                    ok.append((u.lead_id, confirmed))
                    report.failed.pop(u.lead_id, None)
                elif outcome.retryable and attempt < config.max_attempts:
                    retry.append((item, outcome.retry_after or 0.0))
                    report.failed[u.lead_id] = outcome.error or "failed"
                else:
                    report.failed[u.lead_id] = outcome.error or "failed"
            state.confirm(plan.destination, ok)
            report.confirmed += len(ok)
            done += len(ok)
            if progress is not None:
                progress(done, plan.changed)
            if stop is not None and stop.is_set():
                return report
        if not retry:
            break
        wait = max(backoff(attempt, config.backoff_base, 30.0), max(w for _, w in retry))
        if wait > MAX_WAIT:
            break
        sleep(wait)
        attempt += 1
        pending = [item for item, _ in retry]
    report.requests = getattr(sink, "requests", 0)
    return report
