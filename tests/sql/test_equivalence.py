"""The compiled SQL gives the interpreter's scores on real engines, for random models and data."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from sql import engines
from sql.gen import AS_OF, datasets, models

import leadrules

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def load(text: str):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "generated.lrules"
        path.write_text(text, encoding="utf-8")
        return leadrules.load(str(path))


def check(dialect, text, data, conn=None, json_props=False):
    model = load(text)
    leads, events = data
    want = engines.expected(model, leads, events, AS_OF)
    got, _inputs, rule_sums = engines.run(
        dialect, model, leads, events, AS_OF, conn=conn, json_props=json_props
    )
    assert got == want, text
    # lead_score_rules explains the scores: its sums per group, capped, are the group scores
    caps = {g.name: g.cap for g in model.groups}
    rebuilt = {
        (lead, grp): min(total, caps[grp]) if caps[grp] is not None else total
        for lead, grp, total in rule_sums
    }
    names = model.group_names
    for row in got:
        for name, value in zip(names, row[1:], strict=False):
            assert rebuilt.get((row[0], name), 0) == value


@pytest.mark.parametrize("json_props", [False, True], ids=["columns", "json"])
@pytest.mark.parametrize("dialect", ["duckdb", "sqlite"])
@SETTINGS
@given(text=models(), data=datasets())
def test_embedded_engines_agree_with_the_interpreter(dialect, json_props, text, data):
    check(dialect, text, data, json_props=json_props)


@pytest.mark.postgres
@pytest.mark.parametrize("json_props", [False, True], ids=["columns", "json"])
@SETTINGS
@given(text=models(), data=datasets())
def test_postgres_agrees_with_the_interpreter(pg, json_props, text, data):
    schema = "t_" + uuid.uuid4().hex[:12]
    with pg.cursor() as cur:
        cur.execute(f"CREATE SCHEMA {schema}")
        cur.execute(f"SET search_path TO {schema}")
    try:
        check("postgres", text, data, conn=pg, json_props=json_props)
    finally:
        with pg.cursor() as cur:
            cur.execute(f"DROP SCHEMA {schema} CASCADE")
