"""The compiled Spark SQL gives the interpreter's scores on a real (local) Spark session: random
models and data, hostile names, window edges, under any session time zone and with time columns
stored as TIMESTAMP or TIMESTAMP_NTZ (issue 16)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sql import engines, spark_run
from sql.gen import AS_OF, datasets, models
from sql.test_edges import CASES, RULES
from sql.test_equivalence import load
from sql.test_hostile import EVENTS as HOSTILE_EVENTS
from sql.test_hostile import LEADS as HOSTILE_LEADS
from sql.test_hostile import rules as hostile_rules

from leadrules.targets.sql import compile as compile_sql

SETTINGS = settings(
    max_examples=25,  # a Spark query costs seconds: fewer than DuckDB's 30 x 2
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@SETTINGS
@given(
    text=models(),
    data=datasets(),
    zone=st.sampled_from(spark_run.ZONES),
    time_type=st.sampled_from(spark_run.TIME_TYPES),
    json_props=st.booleans(),
)
def test_spark_agrees_with_the_interpreter(spark, text, data, zone, time_type, json_props):
    model = load(text)
    leads, events = data
    want = engines.expected(model, leads, events, AS_OF)
    got, _inputs, rule_sums = spark_run.run(
        spark, model, leads, events, AS_OF, zone, time_type, json_props=json_props
    )
    assert got == want, (zone, time_type, text)
    caps = {g.name: g.cap for g in model.groups}
    rebuilt = {
        (lead, grp): min(total, caps[grp]) if caps[grp] is not None else total
        for lead, grp, total in rule_sums
    }
    for row in got:
        for name, value in zip(model.group_names, row[1:], strict=False):
            assert rebuilt.get((row[0], name), 0) == value


def test_hostile_strings_and_table_names_on_spark(spark):
    """Spark's catalog takes only letters, digits and `_` in table names: the names here are
    schema-qualified and quoted instead; the hostile column name and strings are the others'."""
    model = load(hostile_rules())
    spark.sql("CREATE DATABASE IF NOT EXISTS hostile_db")
    tables = ("`hostile_db`.`Le_Ads`", "hostile_db.`ev_ents`")
    want = engines.expected(model, HOSTILE_LEADS, HOSTILE_EVENTS, AS_OF)
    got, inputs, _rules = spark_run.run(
        spark, model, HOSTILE_LEADS, HOSTILE_EVENTS, AS_OF, tables=tables
    )
    assert got == want
    assert len(inputs[0]) == len(HOSTILE_LEADS) and len(inputs[1]) == len(HOSTILE_EVENTS)
    assert {r[2] for r in inputs[0]} == {r["role"] for r in HOSTILE_LEADS}
    assert sorted(r[:2] for r in want)[-1][1] > 0  # the strings did match somewhere


def edge_data(as_of):
    from sql.gen import HEADER

    shift = as_of - AS_OF
    model = load(HEADER + RULES)
    leads = [{"lead_id": lead} for lead in CASES]
    events = [
        {"lead_id": lead, "event": kind, "occurred_at": at + shift}
        for lead, (evs, _fit) in CASES.items()
        for kind, at in evs
    ]
    return model, leads, events


# the usual as-of, and one on a wall-clock time New York skips (2026-03-08 02:30 does not exist
# there): a TIMESTAMP_NTZ read through the session's zone would move it by an hour
NY_GAP = dt.datetime(2026, 3, 8, 2, 30, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize(
    "zone, time_type, as_of",
    [
        ("UTC", "TIMESTAMP", AS_OF),
        ("Asia/Tehran", "TIMESTAMP_NTZ", AS_OF),
        ("Pacific/Kiritimati", "TIMESTAMP", AS_OF),
        ("Pacific/Kiritimati", "TIMESTAMP_NTZ", AS_OF),
        ("America/New_York", "TIMESTAMP_NTZ", NY_GAP),
        ("America/New_York", "TIMESTAMP", NY_GAP),
    ],
)
def test_window_edges_on_spark(spark, zone, time_type, as_of):
    model, leads, events = edge_data(as_of)
    want = sorted((lead, fit, fit, "any") for lead, (_e, fit) in CASES.items())
    assert engines.expected(model, leads, events, as_of) == want
    got, _inputs, _rules = spark_run.run(spark, model, leads, events, as_of, zone, time_type)
    assert got == want


@pytest.mark.parametrize("time_type", spark_run.TIME_TYPES)
def test_the_engine_clock_is_the_current_instant_in_any_session_zone(spark, time_type):
    """Without --as-of the views compare with CURRENT_TIMESTAMP(): an event a minute ago is
    inside `within 1h`, one three hours ago is not, whatever the session's zone. (Kiritimati
    was at -10:40 in 1970 and is at +14:00 now: a time that went through the session zone's
    history, rather than through UTC, would be a day off.)"""
    from sql.gen import HEADER

    model = load(HEADER + "fit:\n  view within 1h: +1\n  click within 1h: +10\ntier any >= 0\n")
    now = dt.datetime.now(dt.timezone.utc)
    leads = [{"lead_id": "1"}]
    events = [
        {"lead_id": "1", "event": "view", "occurred_at": now - dt.timedelta(minutes=1)},
        {"lead_id": "1", "event": "click", "occurred_at": now - dt.timedelta(hours=3)},
    ]
    for zone in ("Pacific/Kiritimati", "America/New_York"):
        got, _inputs, _rules = spark_run.run(spark, model, leads, events, None, zone, time_type)
        assert got == [("1", 1, 1, "any")], zone


def test_time_literals_carry_their_zone():
    model = load(engines_header() + "fit:\n  view within 1d: +1\ntier any >= 0\n")
    text = compile_sql(model, engines.Options(dialect="spark", as_of=AS_OF)).text
    assert "TIMESTAMP '2026-03-01 12:00:00Z'" in text and "TIMESTAMP '2026-02-28 12:00:00Z'" in text


def engines_header() -> str:
    from sql.gen import HEADER

    return HEADER
