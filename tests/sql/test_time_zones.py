"""Issue 16: the views give the interpreter's number whatever the time columns' type (with or
without a zone; SQLite text with `Z`, an offset or none, any fraction) and whatever the
session's time zone, with a baked `--as-of` and with the engine's clock."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sql import engines
from sql.engines import ZONES, TimeStyle
from sql.gen import AS_OF, HEADER, datasets, models
from sql.test_equivalence import load

SETTINGS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
OFFSETS = [0, 120, 180, 210, 840, -300, -570, -720]  # minutes: +02:00, +03:30, +14:00, -09:30...
styles = st.lists(
    st.builds(
        TimeStyle,
        offset=st.sampled_from(OFFSETS),
        sep=st.sampled_from([" ", "T"]),
        fraction=st.sampled_from(["", ".000", ".0", ".000000"]),
        zone=st.sampled_from(["none", "Z", "offset"]),
    ),
    min_size=1,
    max_size=4,
)


def schema(conn):
    name = "tz_" + uuid.uuid4().hex[:12]
    with conn.cursor() as cur:
        cur.execute(f"CREATE SCHEMA {name}; SET search_path TO {name}")
    return name


def drop(conn, name):
    with conn.cursor() as cur:
        cur.execute(f"DROP SCHEMA {name} CASCADE; SET search_path TO public")


def check(dialect, text, data, conn=None, **kw):
    model = load(text)
    leads, events = data
    got, leads, events, as_of = engines.run_times(
        dialect, model, leads, events, AS_OF, conn=conn, **kw
    )
    assert got == engines.expected(model, leads, events, as_of), (text, kw)


def engine(dialect, request):
    if dialect != "postgres":
        return None, None
    conn = request.getfixturevalue("pg")
    return conn, schema(conn)


@pytest.mark.parametrize("clock", [False, True], ids=["as_of", "clock"])
@pytest.mark.parametrize("zoned", [False, True], ids=["naive", "zoned"])
@pytest.mark.parametrize("dialect", ["duckdb", "postgres"])
@SETTINGS
@given(
    text=models(),
    data=datasets(),
    zone=st.sampled_from(ZONES),
    styles=styles,
)
def test_any_column_type_and_session_zone(dialect, zoned, clock, text, data, zone, styles, request):
    conn, name = engine(dialect, request)
    try:
        check(dialect, text, data, conn, zone=zone, zoned=zoned, styles=styles, clock=clock)
    finally:
        if conn is not None:
            drop(conn, name)


@pytest.mark.parametrize("clock", [False, True], ids=["as_of", "clock"])
@SETTINGS
@given(text=models(), data=datasets(), styles=styles)
def test_sqlite_text_with_a_zone_an_offset_or_none_and_any_fraction(clock, text, data, styles):
    check("sqlite", text, data, styles=styles, clock=clock)


# the example: events 30 minutes before the as-of, written with a zone
RULES = (
    HEADER
    + """engagement:
  view within 2h: +1
  view within 1h: +10
  days_since(signup) >= 1: +100
  signup >= 2026-02-28T12:00:00Z: +1000
"""
)
EDGE = [
    # (signup, event times, engagement)
    (AS_OF - dt.timedelta(days=1), [AS_OF - dt.timedelta(minutes=30)], 1111),
    (AS_OF - dt.timedelta(days=1, microseconds=-1000), [AS_OF - dt.timedelta(hours=1)], 1011),
    (
        AS_OF - dt.timedelta(days=1, milliseconds=1),
        [AS_OF - dt.timedelta(hours=1, milliseconds=1)],
        101,
    ),
    (None, [AS_OF, AS_OF + dt.timedelta(milliseconds=1)], 11),
    (None, [AS_OF - dt.timedelta(hours=2), AS_OF - dt.timedelta(hours=2, milliseconds=1)], 1),
]


CASES = [(d, z, zone) for d in ("duckdb", "postgres") for z in (False, True) for zone in ZONES]


@pytest.mark.parametrize("dialect, zoned, zone", CASES + [("sqlite", True, "UTC")])
def test_edges_to_the_millisecond_in_every_zone(dialect, zoned, zone, request):
    conn, name = engine(dialect, request)
    model = load(RULES)
    leads = [{"lead_id": str(i), "signup": s} for i, (s, _e, _p) in enumerate(EDGE)]
    events = [
        {"lead_id": str(i), "event": "view", "occurred_at": t}
        for i, (_s, times, _p) in enumerate(EDGE)
        for t in times
    ]
    style = [TimeStyle(offset=210, sep="T", fraction=".000", zone="offset"), TimeStyle(offset=840)]
    try:
        got, *_ = engines.run_times(
            dialect, model, leads, events, AS_OF, conn=conn, zone=zone, zoned=zoned, styles=style
        )
    finally:
        if conn is not None:
            drop(conn, name)
    want = engines.expected(model, leads, events, AS_OF)
    assert [(r[0], r[1]) for r in want] == [(str(i), p) for i, (_s, _e, p) in enumerate(EDGE)]
    assert got == want


TIME_MODEL = """model "times"
lead signup: time
event view
fit:
  days_since(signup) >= 30: +5
  signup >= 2026-01-01: +1
engagement:
  view within 2h: +10
  each view within 7d: +1 cap 5
"""
FORMS = [(d, "naive") for d in ("bigquery", "snowflake", "trino")] + [("trino", "zoned")]


@pytest.mark.parametrize("clock", [False, True], ids=["as_of", "clock"])
@pytest.mark.parametrize("dialect, timestamp_type", FORMS)
def test_the_chosen_time_form_per_warehouse(dialect, timestamp_type, clock, snapshot):
    """The forms that cannot run here, parsed by sqlglot and snapshotted: times compared as
    instants (BigQuery TIMESTAMP, Snowflake epoch microseconds, Trino `with time zone`), and
    with a baked as-of a bound on the raw column a day wider, for partition pruning."""
    import sqlglot

    from leadrules.targets import Options
    from leadrules.targets.sql import compile as compile_sql

    options = Options(
        dialect=dialect, as_of=None if clock else AS_OF, timestamp_type=timestamp_type
    )
    text = compile_sql(load(TIME_MODEL), options).text
    assert len([s for s in sqlglot.parse(text, read=dialect) if s is not None]) == 4
    assert ("2026-03-02 12:00:00" in text) == (not clock and dialect != "trino")
    assert text == snapshot
