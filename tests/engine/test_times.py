"""Every timestamp form the interpreter accepts means the same instant on both engines and in
every format (CSV, JSON Lines, Parquet text and native timestamps), for event times and `time`
attributes; every form it refuses is refused everywhere (docs/semantics.md, "Timestamps")."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from time_texts import TIME_TEXTS

from leadrules.data.values import _parse_time_form, parse_time
from leadrules.engine.python import score
from tests.engine.agreement import FORMATS, both, both_refuse, summary, write
from tests.engine.helpers import load

AS_OF = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.timezone.utc)
# windows of a few hours around the as-of: an instant read hours off changes a score
MODEL = load("""
lead since: time
event visit
recent:
  each visit within 1h: +1 cap 99
hours:
  each visit within 3h: +1 cap 99
day:
  each visit within 1d: +1 cap 99
all:
  each visit: +1 cap 99
fresh:
  days_since(since) >= 1: +1
  since >= 2026-01-01T09:30:00Z: +10
  since > 2026-01-01T12:00:00Z: +100
""")
OFFSETS = [0, 60, -60, 180, -180, 210, 270, -210, 330, 345, 840, -720, 525, -570, 30]


@st.composite
def written_instants(draw):
    """(instant, text): an instant near the as-of, written in one of the accepted forms."""
    seconds = draw(st.integers(-2 * 86400, 2 * 86400))
    micros = draw(st.sampled_from([0, 0, 500000, 123456, 1, 999999]))
    instant = AS_OF + dt.timedelta(seconds=seconds, microseconds=micros)
    form = draw(st.sampled_from(["zone", "zone", "zone", "naive", "date"]))
    if form == "date":
        day = instant.date()
        return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc), day.isoformat()
    minutes = 0 if form == "naive" else draw(st.sampled_from(OFFSETS))
    local = instant.astimezone(dt.timezone(dt.timedelta(minutes=minutes)))
    sep = draw(st.sampled_from(["T", " "]))
    text = local.strftime(f"%Y-%m-%d{sep}%H:%M")
    digits = draw(st.integers(0, 9)) if local.microsecond else draw(st.sampled_from([-1, 0, 3]))
    if digits >= 0:  # seconds, and a fraction of `digits` digits (cut: the instant is cut too)
        text += local.strftime(":%S")
        instant = instant.replace(microsecond=0)
        if digits:
            fraction = f"{local.microsecond:06d}000"[:digits]
            text += "." + fraction
            kept = int(fraction[:6].ljust(6, "0"))
            instant += dt.timedelta(microseconds=kept)
    else:
        instant = instant.replace(second=0, microsecond=0)
    if form == "zone":
        sign = "-" if minutes < 0 else "+"
        h, m = divmod(abs(minutes), 60)
        zone = draw(
            st.sampled_from(
                ["Z", f"{sign}{h:02d}:{m:02d}", f"{sign}{h:02d}{m:02d}"]
                + ([f"{sign}{h:02d}"] if not m else [])
            )
            if minutes == 0
            else st.sampled_from([f"{sign}{h:02d}:{m:02d}", f"{sign}{h:02d}{m:02d}"])
        )
        text += zone
    if draw(st.booleans()):
        text = draw(st.sampled_from([" ", "\t", "  "])) + text + draw(st.sampled_from(["", " "]))
    return instant, text


samples = st.lists(st.tuples(st.integers(0, 3), written_instants()), min_size=1, max_size=12)
since = st.lists(st.one_of(st.none(), written_instants()), min_size=4, max_size=4)


def test_the_form_is_parsed_as_written():
    assert parse_time("2026-01-01T02:00:00+03:00") == dt.datetime(
        2025, 12, 31, 23, tzinfo=dt.timezone.utc
    )
    assert parse_time("2026-01-01 02:00:00.1234567-0330") == dt.datetime(
        2026, 1, 1, 5, 30, 0, 123456, tzinfo=dt.timezone.utc
    )
    assert parse_time(" 2026-01-01 ") == dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(events=samples, attrs=since)
def test_every_accepted_form_is_the_same_instant_on_both_engines(fmt, events, attrs, tmp_path):
    leads = [[str(i), None if a is None else a[1]] for i, a in enumerate(attrs)]
    rows = [[str(lead), "visit", text] for lead, (_instant, text) in events]
    lp = write(tmp_path / f"leads.{fmt}", ["lead_id", "since"], leads, fmt)
    ep = write(tmp_path / f"events.{fmt}", ["lead_id", "event", "occurred_at"], rows, fmt)
    (got, duck_notes), (want, python_notes) = both(MODEL, lp, ep, AS_OF)
    assert got == want
    assert duck_notes == python_notes
    # ... and the instant meant: the library API given the datetimes themselves
    expected = score(
        MODEL,
        [{"lead_id": str(i), "since": None if a is None else a[0]} for i, a in enumerate(attrs)],
        [
            {"lead_id": str(lead), "event": "visit", "occurred_at": instant}
            for lead, (instant, _text) in events
        ],
        AS_OF,
    )
    assert got == summary(expected)


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    events=st.lists(
        st.tuples(st.integers(0, 3), st.integers(-2 * 86400 * 10**9, 2 * 86400 * 10**9)),
        min_size=1,
        max_size=12,
    ),
    unit=st.sampled_from(["s", "ms", "us", "ns"]),
    zone=st.sampled_from([None, "UTC", "+03:00", "-05:30"]),
    as_date=st.booleans(),
)
def test_parquet_timestamps_are_the_same_instant_on_both_engines(
    events, unit, zone, as_date, tmp_path
):
    """Native Parquet timestamps of every unit, zoned or not (naive is UTC), and dates;
    nanoseconds are cut to the microsecond on both engines."""
    per = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}[unit]
    epoch = int(AS_OF.timestamp()) * 10**9
    values = [(epoch + ns) // per for _lead, ns in events]
    lp = write(tmp_path / "leads.parquet", ["lead_id", "since"], [["0", None]], "parquet")
    times = pa.array(values, pa.int64()).cast(pa.timestamp(unit, tz=zone))
    if as_date:
        times = times.cast(pa.timestamp(unit)).cast(pa.date32())
    rows = [[str(lead), "visit", None] for lead, _ns in events]
    ep = tmp_path / "events.parquet"
    write(ep, ["lead_id", "event", "occurred_at"], rows, "parquet", {"occurred_at": pa.null()})
    import pyarrow.parquet as pq

    table = pq.read_table(ep)
    table = table.set_column(2, "occurred_at", times)
    pq.write_table(table, ep)
    leads = [[str(i), None] for i in range(4)]
    write(tmp_path / "leads.parquet", ["lead_id", "since"], leads, "parquet")
    (got, duck_notes), (want, python_notes) = both(MODEL, lp, str(ep), AS_OF)
    assert got == want
    assert duck_notes == python_notes


REFUSED = [
    "2026-01-01T24:00:00Z",  # hour 24
    "2026-01-01 10:00:00 UTC",  # a zone name
    "2026-01-01T10:00:00 Asia/Jerusalem",
    "2026-01-01T10:00:00Asia/Jerusalem",
    "2026-01-01T10:00:00 +03:00",  # a space before the offset
    "20260101",  # basic forms
    "2026-01-01T1000",
    "2026-01-01T10",  # an hour alone
    "2026-1-1",
    "2026-02-30",  # no such day
    "2026-01-01T10:00:60Z",  # a leap second
    "12026-01-01",
    "0000-01-01",
    "2026-01-01T10:00:00+24:00",
    "2026-01-01T10:00:00+05:30:15",
    "2026-01-01T10:00:00+03:60",  # offset minutes past 59 (Python's fromisoformat takes them)
    "2026-01-01T10:00+0399",
    "2026-01-01T10:00:00,5Z",  # a decimal comma
    "2026-01-01T10:00:00.Z",
    "2026-W01-1",  # a week date
    "2026-01-01x10:00",
    "2026-01-01T10:00z",
    "1767225600",  # epoch seconds
    "yesterday",
    "infinity",
    "epoch",
]


@settings(max_examples=400, deadline=None)
@given(text=TIME_TEXTS)
def test_the_fast_path_reads_exactly_the_form(text):
    """`parse_time` reads common texts with `fromisoformat` and a check of their shape: it
    accepts exactly what the one form's regular expression accepts, with the same instant."""
    try:
        want = _parse_time_form(text)
    except ValueError:
        want = None
    try:
        got = parse_time(text)
    except ValueError:
        got = None
    assert got == want and (got is None or got.utcoffset() == want.utcoffset()), text


def test_every_refused_form_is_refused_by_the_interpreter_and_by_the_sql():
    import duckdb

    from leadrules.engine.duckread import cell

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    for text in REFUSED:
        with pytest.raises(ValueError, match="expected an ISO-8601 timestamp"):
            parse_time(text)
        for kind, literal in (("text", "?"), ("json", "to_json(CAST(? AS VARCHAR))")):
            value, bad = cell(kind, "v", "time")
            row = con.execute(f"SELECT {value}, {bad} FROM (SELECT {literal} AS v)", [text])
            assert row.fetchone() == (None, True), (text, kind)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("text", REFUSED[:4])
def test_a_refused_form_stops_both_engines_with_one_message(fmt, text, tmp_path):
    leads = write(tmp_path / f"leads.{fmt}", ["lead_id", "since"], [["1", None]], fmt)
    rows = [["1", "visit", "2026-01-01T10:00:00Z"], ["1", "visit", text]]
    events = write(tmp_path / f"events.{fmt}", ["lead_id", "event", "occurred_at"], rows, fmt)
    message = both_refuse(MODEL, leads, events, AS_OF)
    assert "expected an ISO-8601 timestamp" in message
    assert ("row 2" if fmt == "parquet" else ":3:" if fmt == "csv" else ":2:") in message
    # and as a `time` attribute
    leads = write(tmp_path / f"leads.{fmt}", ["lead_id", "since"], [["1", text]], fmt)
    events = write(tmp_path / f"events.{fmt}", ["lead_id", "event", "occurred_at"], rows[:1], fmt)
    assert "expected an ISO-8601 timestamp" in both_refuse(MODEL, leads, events, AS_OF)


def test_an_offset_is_not_dropped_when_no_property_is_declared(tmp_path):
    """Issue 9, item 1: `+03:00` was read as UTC by the default engine."""
    leads = write(tmp_path / "leads.csv", ["lead_id", "since"], [["1", None]], "csv")
    rows = [["1", "visit", "2026-01-01T14:30:00+03:00"]]  # 11:30 UTC: within 1h of 12:00
    events = write(tmp_path / "events.csv", ["lead_id", "event", "occurred_at"], rows, "csv")
    (got, notes), (want, _) = both(MODEL, leads, events, AS_OF)
    assert got == want
    assert got["1"][0][0] == ("recent", 1) and notes == []
