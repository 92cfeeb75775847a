"""Every dialect's SQL for every example: parsed by sqlglot in that dialect, and snapshotted."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlglot
from conftest import EXAMPLES

import leadrules
from leadrules.targets import Options
from leadrules.targets.sql import DIALECTS, compile

AS_OF = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
MODELS = sorted(p.name for p in EXAMPLES.glob("*.lrules"))


def sql_for(name: str, dialect: str, **kw) -> str:
    model = leadrules.load(str(EXAMPLES / name))
    return compile(model, Options(dialect=dialect, **kw)).text


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("name", MODELS)
def test_every_example_in_every_dialect(name, dialect, snapshot):
    text = sql_for(name, dialect, as_of=AS_OF)
    statements = [s for s in sqlglot.parse(text, read=dialect) if s is not None]
    created = [s.this.sql(dialect=dialect) for s in statements if isinstance(s, sqlglot.exp.Create)]
    assert [c.strip('"`').lower() for c in created] == [
        "lead_score_input_problems",
        "lead_score_points",
        "lead_scores",
        "lead_score_rules",
    ]
    assert text == snapshot


@pytest.mark.parametrize("dialect", DIALECTS)
def test_without_as_of_the_engine_clock_is_used_and_the_sql_still_parses(dialect):
    text = sql_for(
        "b2b_saas.lrules",
        dialect,
        properties_column="props",
        leads_table="crm.Leads Table",
        events_table='"raw"."Events"',
    )
    sqlglot.parse(text, read=dialect)
    assert "2026" not in text


@pytest.mark.parametrize("dialect", DIALECTS)
def test_output_is_byte_identical_for_the_same_input(dialect):
    assert sql_for("combos.lrules", dialect, as_of=AS_OF) == sql_for(
        "combos.lrules", dialect, as_of=AS_OF
    )
