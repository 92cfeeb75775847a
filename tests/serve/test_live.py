"""The live scorer (plan built once, as-of moved per call) gives the reference interpreter's
scores, and its next-change instant is never late: between as-of and that instant the score is
the same, and no instant it skips changes it."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sql.gen import AS_OF, datasets, models

import leadrules
from leadrules.engine.live import LivePlan
from leadrules.engine.python import _typed_events, _typed_leads, score

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def load(text: str):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "generated.lrules"
        path.write_text(text, encoding="utf-8")
        return leadrules.load(str(path))


def live_scores(model, live, leads, events, as_of):
    typed = _typed_leads(model, leads)
    by_lead: dict[str, list] = {k: [] for k in typed}
    from collections import Counter

    for lead_id, kind, at, props in _typed_events(model, events, Counter()):
        if lead_id in by_lead:
            by_lead[lead_id].append((kind, at, props))
    return {k: live.score(typed[k], by_lead[k], as_of) for k in typed}


@SETTINGS
@given(models(), datasets(), st.sampled_from([0, 1, 3600, 86400, -86400 * 2]))
def test_live_equals_reference(text, data, shift):
    model = load(text)
    leads, events = data
    live = LivePlan(model)
    as_of = AS_OF + dt.timedelta(seconds=shift)
    got = live_scores(model, live, leads, events, as_of)
    for r in score(model, leads, events, as_of):
        assert (got[r.lead_id].score, got[r.lead_id].tier, got[r.lead_id].groups) == (
            r.score,
            r.tier,
            r.groups,
        )


@SETTINGS
@given(models(), datasets(), st.integers(1, 20))
def test_next_change_is_never_late(text, data, steps):
    """Walk time forward by next_change: just before each, the score equals the score at the
    start of the step (nothing changed in between without being announced)."""
    model = load(text)
    leads, events = data
    live = LivePlan(model)
    as_of = AS_OF - dt.timedelta(days=8)
    for _ in range(steps):
        now = live_scores(model, live, leads, events, as_of)
        nxt = [r.next_change for r in now.values() if r.next_change is not None]
        if not nxt:
            break
        until = min(nxt)
        assert until > as_of
        just_before = until - dt.timedelta(microseconds=1)
        if just_before > as_of:
            before = live_scores(model, live, leads, events, just_before)
            assert {k: (v.score, v.tier) for k, v in before.items()} == {
                k: (v.score, v.tier) for k, v in now.items()
            }
        as_of = until
