"""Exactness: random models (the SQL equivalence generators), attribute updates and events
driven through the HTTP API; every served score and tier equals `leadrules score` (the reference
interpreter) over the stored leads and events at the `as_of` the server reports."""

from __future__ import annotations

import datetime as dt
import itertools
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from serve.batch import batch_scores
from sql.gen import AS_OF, datasets, models

SETTINGS = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
FIRST = """model "generated"
lead size: number
fit:
  size > 1: +1
tier any > -1000
"""
counter = itertools.count()


def test_served_scores_equal_batch_scores(serve_factory, db_url, tmp_path):
    folder = tmp_path / "rules"
    folder.mkdir()
    rules = folder / "generated.lrules"
    rules.write_text(FIRST)
    server = serve_factory(rules, db_url).start()
    c = server.client()

    def same(states, rules_path):
        with tempfile.TemporaryDirectory() as tmp:
            for state in states:
                want = batch_scores(rules_path, db_url, state["as_of"], Path(tmp))
                assert want[state["lead_id"]] == (state["score"], state["tier"], state["groups"])

    @SETTINGS
    @given(models(), datasets(), st.lists(st.integers(1, 3), min_size=1, max_size=8))
    def run(text, data, sizes):
        leads, events = data
        r = c.post("/v1/model", content=text)
        assert r.status_code == 200, r.text
        rules_path = folder / f"m{next(counter)}.lrules"
        rules_path.write_text(text)
        prefix = f"x{next(counter)}-"
        shift = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - AS_OF
        for lead in leads:
            attrs = {k: v for k, v in lead.items() if k != "lead_id"}
            if attrs.get("signup") is not None:
                attrs["signup"] = (attrs["signup"] + shift).isoformat()
            r = c.put(f"/v1/leads/{prefix}{lead['lead_id']}", json={"attributes": attrs})
            assert r.status_code == 200, r.text
            same([r.json()], rules_path)
        items = [
            {
                "lead_id": prefix + e["lead_id"],
                "event": e["event"],
                "occurred_at": (e["occurred_at"] + shift).isoformat(),
                "properties": {k: e[k] for k in ("url", "n", "amount")},
            }
            for e in events
        ]
        start = 0
        for size in itertools.cycle(sizes):
            batch = items[start : start + size]
            if not batch:
                break
            start += size
            r = c.post("/v1/events", json=batch)
            assert r.status_code == 200, r.text
            same(r.json()["leads"], rules_path)
        # a lead with no attributes given and only undeclared events was never created
        ids = {x["lead_id"] for x in items if x["event"] != "undeclared"}
        ids |= {prefix + x["lead_id"] for x in leads}
        same([c.get(f"/v1/leads/{i}").json() for i in sorted(ids)], rules_path)

    run()
