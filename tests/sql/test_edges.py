"""Windows are inclusive at both ends, on every engine: events exactly at `as_of - D` count,
events exactly at the as-of count, one second later they do not."""

from __future__ import annotations

import datetime as dt

import pytest
from sql import engines
from sql.gen import AS_OF, HEADER
from sql.test_equivalence import load

RULES = """fit:
  view within 1d: +1
  no click within 2d: +10
  each view within 3d: +100 cap 300
  view >= 2 times within 7d: +1000
  no_activity 1d: +10000
tier any >= 0
"""
DAY = dt.timedelta(days=1)
SECOND = dt.timedelta(seconds=1)
CASES = {
    # lead: (events, expected fit)
    "1": ([("view", AS_OF - DAY)], 1 + 10 + 100),
    "2": ([("view", AS_OF - DAY - SECOND)], 10 + 100 + 10000),
    "3": ([("click", AS_OF - 2 * DAY)], 10000),
    "4": ([("click", AS_OF - 2 * DAY - SECOND)], 10 + 10000),
    "5": ([("view", AS_OF - 3 * DAY), ("view", AS_OF - 7 * DAY)], 10 + 100 + 1000 + 10000),
    "6": ([("view", AS_OF - 7 * DAY - SECOND), ("view", AS_OF)], 1 + 10 + 100),
    "7": ([("view", AS_OF + SECOND), ("click", AS_OF + SECOND)], 10 + 10000),
    "8": ([], 10 + 10000),
}


@pytest.mark.parametrize("dialect", ["duckdb", "sqlite", "postgres"])
def test_window_edges(dialect, request):
    conn = request.getfixturevalue("pg") if dialect == "postgres" else None
    if conn is not None:
        with conn.cursor() as cur:
            cur.execute(
                "DROP SCHEMA IF EXISTS edges CASCADE; CREATE SCHEMA edges; SET search_path TO edges"
            )
    model = load(HEADER + RULES)
    leads = [{"lead_id": lead} for lead in CASES]
    events = [
        {"lead_id": lead, "event": kind, "occurred_at": at}
        for lead, (evs, _fit) in CASES.items()
        for kind, at in evs
    ]
    want = sorted((lead, fit, fit, "any") for lead, (_e, fit) in CASES.items())
    assert engines.expected(model, leads, events, AS_OF) == want
    got, _inputs, _rules = engines.run(dialect, model, leads, events, AS_OF, conn=conn)
    assert got == want
