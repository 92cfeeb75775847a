"""Issue 17: the compiled SQL on warehouse tables with dirty rows mixed in, against the
interpreter reading the same rows from files with `--skip-bad-rows`:

- every row the interpreter refuses is in `lead_score_input_problems` (same table, same lead id,
  the interpreter's message starting with the view's reason), and nothing else is;
- `lead_scores` leaves out every lead with a refused row, and gives every other lead the
  interpreter's score.

Tables are typed as warehouses type them (DOUBLE/REAL, BOOLEAN, TIMESTAMP, JSON/JSONB/TEXT
properties); SQLite holds values as the sqlite3 shell imports them ('' and text in REAL and
INTEGER columns, `true` in a bool column, `T` in timestamps).
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import math
import re
import tempfile
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sql.test_equivalence import load
from time_texts import TIME_TEXTS

from leadrules.engine import DataOptions
from leadrules.engine.python import run_files
from leadrules.targets import Options
from leadrules.targets.sql import compile as compile_sql
from leadrules.targets.sql.dialect import BIG_TEXT

AS_OF = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)
T = AS_OF - dt.timedelta(days=1)
NAN, INF = float("nan"), float("inf")
MODEL = """model "dirty"
lead size: number
lead role: text
lead vip: bool
lead signup: time
event view(url: text, n: number, ok: bool)
event buy
fit:
  size in 50..200: +10
  size is missing: +1
  role == "CEO": +100
  vip == true: +1000
  days_since(signup) < 30: +10000
engagement:
  view where n >= 5: +100000
  view where ok == true: +1000000
  view where url == "100": +10000000
  view where url == "1.5": +20000000
  each buy: +1 cap 5
"""
LEAD_COLUMNS = [("lead_id", "text"), ("size", "number"), ("role", "text"), ("vip", "bool")]
LEAD_COLUMNS.append(("signup", "time"))
EVENT_COLUMNS = [("lead_id", "text"), ("event", "text"), ("occurred_at", "time")]
PROP_COLUMNS = [("url", "text"), ("n", "number"), ("ok", "bool")]
TYPES = {
    "duckdb": {"text": "VARCHAR", "number": "DOUBLE", "bool": "BOOLEAN", "time": "TIMESTAMP"},
    "postgres": {"text": "TEXT", "number": "REAL", "bool": "BOOLEAN", "time": "TIMESTAMPTZ"},
    "sqlite": {"text": "TEXT", "number": "REAL", "bool": "INTEGER", "time": "TEXT"},
}
JSON_TYPE = {"duckdb": "JSON", "postgres": "JSONB", "sqlite": "TEXT"}


def lead(i, **kw):
    return {"lead_id": i, "size": None, "role": None, "vip": None, "signup": None, **kw}


def event(i, kind="view", at=T, **kw):
    return {"lead_id": i, "event": kind, "occurred_at": at, **kw}


# dirty rows: (leads, events, props as JSON text or None) per case; a case names the engines it
# can be stored in (SQLite has no NaN; typed columns hold no text)
DIRTY = {
    "nan size": ("duckdb postgres", [lead("d1", size=NAN)], []),
    "infinite size": ("duckdb postgres sqlite", [lead("d2", size=-INF)], []),
    "null lead id": ("duckdb postgres sqlite", [lead(None, size=60)], []),
    "duplicate lead": ("duckdb postgres sqlite", [lead("d4", size=60), lead("d4", size=70)], []),
    "null event key": ("duckdb postgres sqlite", [], [event(None)]),
    "null event type": ("duckdb postgres sqlite", [lead("d6")], [event("d6", kind=None)]),
    "null event time": ("duckdb postgres sqlite", [lead("d7")], [event("d7", at=None)]),
    "nan property": ("duckdb postgres", [lead("d8")], [event("d8", n=NAN)]),
    "infinite time": ("duckdb postgres", [lead("d9", signup="infinity")], []),
    "minus infinite time": ("duckdb postgres", [lead("d10", signup="-infinity")], []),
    "infinite event time": ("duckdb postgres", [lead("d11")], [event("d11", at="infinity")]),
    "text size": ("sqlite", [lead("s1", size="abc")], []),
    "bool word": ("sqlite", [lead("s3", vip="maybe")], []),
    "not a time": ("sqlite", [lead("s4", signup="yesterday")], []),
    "a time as a number": ("sqlite", [lead("s5", signup=2461000.5)], []),
    "no such date": ("sqlite", [lead("s7", signup="2025-02-29 10:00")], []),
    "no year 0": ("sqlite", [lead("s8", signup="0000-01-01")], []),
    "event on no such date": ("sqlite", [lead("s9")], [event("s9", at="2026-02-30T10:00:00")]),
    "text property": ("sqlite", [lead("s6")], [event("s6", n="7 apples")]),
    # read, not refused: as the sqlite3 shell imports them
    "empty size": ("sqlite", [lead("c1", size="")], []),
    "spaced size": ("sqlite", [lead("c2", size=" 80 ")], []),
    "size as text": ("sqlite", [lead("c3", size="1.2e2")], []),
    "true as text": ("sqlite", [lead("c4", vip="true"), lead("c5", vip=" YES ")], []),
    "time with T": ("sqlite", [lead("c6", signup="2026-02-20T10:00:00Z")], []),
}
JSON_DIRTY = {
    "double-encoded": ("duckdb postgres sqlite", '"{\\"n\\": 9}"'),
    "json null": ("duckdb postgres sqlite", "null"),
    "a list": ("duckdb postgres sqlite", "[1]"),
    "NaN string": ("duckdb postgres sqlite", '{"n": "NaN"}'),
    "not a number": ("duckdb postgres sqlite", '{"n": "abc"}'),
    "huge string": ("duckdb postgres sqlite", '{"n": "1e400"}'),
    "infinite number": ("duckdb postgres sqlite", '{"n": 1e999}'),
    "bool number": ("duckdb postgres sqlite", '{"n": true}'),
    "bool word": ("duckdb postgres sqlite", '{"ok": "maybe"}'),
    "bool two": ("duckdb postgres sqlite", '{"ok": 2}'),
    "bool text": ("duckdb postgres sqlite", '{"url": true}'),
    "object text": ("duckdb postgres sqlite", '{"url": {"a": 1}}'),
    # read, not refused
    "integral float text": ("duckdb postgres sqlite", '{"url": 100.0, "n": " 7 "}'),
    "exponent text": ("duckdb postgres sqlite", '{"url": 1e2, "ok": "YES"}'),
    "fraction text": ("duckdb postgres", '{"url": 1.50, "ok": 1}'),
    "empty number": ("duckdb postgres sqlite", '{"n": "", "ok": ""}'),
    "tiny string": ("duckdb postgres sqlite", '{"n": "1e-400"}'),
    "tiny number": ("duckdb postgres sqlite", '{"n": 1e-400}'),
    "negative zero": ("duckdb postgres sqlite", '{"n": "-0", "url": -0.0}'),
    "bare point": ("duckdb postgres sqlite", '{"n": "5."}'),
    "point first": ("duckdb postgres sqlite", '{"n": "+.5e2"}'),
    "underscore": ("duckdb postgres sqlite", '{"n": "1_000"}'),
    "hex": ("duckdb postgres sqlite", '{"n": "0x10"}'),
    "comma": ("duckdb postgres sqlite", '{"n": "1,5"}'),
    "infinity word": ("duckdb postgres sqlite", '{"n": "inf"}'),
    "big integer text": ("duckdb postgres sqlite", '{"url": 12345678901234567890}'),
}


def clean_leads():
    roles = st.sampled_from([None, "CEO", "ceo", "CTO", ""])
    sizes = st.one_of(st.none(), st.integers(0, 300), st.sampled_from([0.7, 49.99, 200.0]))
    days = st.one_of(st.none(), st.integers(0, 60))
    row = st.tuples(sizes, roles, st.one_of(st.none(), st.booleans()), days)
    return st.lists(row, max_size=4)


def clean_events():
    kinds = st.sampled_from(["view", "buy", "other"])
    props = st.tuples(st.sampled_from([None, "100", "x"]), st.sampled_from([None, 3, 5, 7.5]))
    return st.lists(st.tuples(st.integers(0, 3), kinds, st.integers(0, 40), props), max_size=8)


def dataset(engine, json_props, leads_drawn, events_drawn, cases):
    leads, events = [], []
    for i, (size, role, vip, days) in enumerate(leads_drawn):
        signup = None if days is None else AS_OF - dt.timedelta(days=days)
        leads.append(lead(f"k{i}", size=size, role=role, vip=vip, signup=signup))
    for who, kind, hours, (url, n) in events_drawn:
        props = {"url": url, "n": n}
        events.append(event(f"k{who}", kind, AS_OF - dt.timedelta(hours=hours), **props))
    for j, name in enumerate(cases):
        if json_props:
            text = JSON_DIRTY[name][1]
            leads.append(lead(f"j{j}"))
            events.append(event(f"j{j}", props_text=text))
        else:
            _engines, more_leads, more_events = DIRTY[name]
            leads += more_leads
            events += more_events
    return leads, events


def props_text(e) -> str | None:
    if "props_text" in e:
        return e["props_text"]
    values = {k: e.get(k) for k, _t in PROP_COLUMNS if e.get(k) is not None}
    return json.dumps(values) if values else None


# ---- the interpreter: the same rows in files, read with --skip-bad-rows ----------------------


def jsonable(v):
    if isinstance(v, dt.datetime):
        return v.isoformat()
    return v


def interpreter(model, leads, events, json_props):
    """(scores by lead id, refused rows as (table, lead id, message))."""
    warnings: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        leads_path = Path(tmp) / "leads.jsonl"
        leads_path.write_text(
            "".join(json.dumps({k: jsonable(v) for k, v in r.items()}) + "\n" for r in leads),
            encoding="utf-8",
        )
        if json_props:  # the properties column as text, as a warehouse column holds it
            events_path = Path(tmp) / "events.csv"
            with open(events_path, "w", newline="", encoding="utf-8") as f:
                out = csv.writer(f)
                out.writerow(["lead_id", "event", "occurred_at", "props"])
                for e in events:
                    cells = [e["lead_id"], e["event"], jsonable(e["occurred_at"]), props_text(e)]
                    out.writerow(["" if c is None else c for c in cells])
        else:
            events_path = Path(tmp) / "events.jsonl"
            events_path.write_text(
                "".join(json.dumps({k: jsonable(v) for k, v in e.items()}) + "\n" for e in events),
                encoding="utf-8",
            )
        options = DataOptions(skip_bad_rows=True, properties_column="props" if json_props else None)
        results = run_files(
            model, str(leads_path), str(events_path), AS_OF, options, report=warnings.append
        )
    refused = set()
    for w in warnings:
        match = re.fullmatch(r"warning: .*/(leads|events)\.\w+:(\d+): (.*) \(row skipped\)", w)
        if match is None:
            continue
        table, line, message = match.group(1), int(match.group(2)), match.group(3)
        rows = leads if table == "leads" else events
        row = rows[line - (2 if (json_props and table == "events") else 1)]
        key = row["lead_id"]
        refused.add((table, None if key in (None, "") else str(key), message))
    return {r.lead_id: tuple(r.row().values()) for r in results}, refused


# ---- the engines ----------------------------------------------------------------------------


def cell(v, typ, engine):
    if v is None:
        return None
    if isinstance(v, dt.datetime):
        utc = v.astimezone(dt.timezone.utc)
        if engine == "sqlite":
            return utc.isoformat(sep=" ")
        return utc if engine == "postgres" else utc.replace(tzinfo=None)
    if typ == "bool" and engine == "sqlite" and isinstance(v, bool):
        return int(v)
    return v


def load_tables(engine, cur, leads, events, json_props) -> None:
    """`leads` and `events` typed as the engine's warehouse types them."""
    types = {**TYPES[engine], "json": JSON_TYPE[engine]}
    props = [("props", "json")] if json_props else PROP_COLUMNS
    mark = "%s" if engine == "postgres" else "?"
    for table, columns, rows in (
        ("leads", LEAD_COLUMNS, leads),
        ("events", EVENT_COLUMNS + props, events),
    ):
        cols = ", ".join(f"{c} {types[t]}" for c, t in columns)
        cur.execute(f"CREATE TABLE {table} ({cols})")
        values = [
            tuple(props_text(r) if c == "props" else cell(r.get(c), t, engine) for c, t in columns)
            for r in rows
        ]
        if values:
            marks = ", ".join([mark] * len(columns))
            cur.executemany(f"INSERT INTO {table} VALUES ({marks})", values)


def run_sql(engine, model, leads, events, json_props, pg=None):
    """(lead_scores rows, lead_score_input_problems rows)."""
    script = compile_sql(
        model,
        Options(dialect=engine, as_of=AS_OF, properties_column="props" if json_props else None),
    ).text
    if engine == "duckdb":
        import duckdb

        con = cur = duckdb.connect()
    elif engine == "sqlite":
        import sqlite3

        con = cur = sqlite3.connect(":memory:")
    else:
        cur = pg.cursor()
    load_tables(engine, cur, leads, events, json_props)
    (con.executescript if engine == "sqlite" else cur.execute)(script)
    return read_views(cur)


def read_views(cur):
    def query(text):
        result = cur.execute(text)
        return (result if result is not None else cur).fetchall()

    scores = query("SELECT * FROM lead_scores")
    problems = query("SELECT input_table, lead_id, reason FROM lead_score_input_problems")
    return scores, problems


def check(engine, leads, events, json_props, pg=None):
    model = load(MODEL)
    scores, problems = run_sql(engine, model, leads, events, json_props, pg)
    verify(model, leads, events, json_props, scores, problems)


def verify(model, leads, events, json_props, scores, problems):
    """The views' rows against the interpreter reading the same rows with --skip-bad-rows."""
    want_scores, refused = interpreter(model, leads, events, json_props)
    listed = {(t, k, r) for t, k, r in problems}
    # every refused row is listed with the interpreter's reason, and only those
    for table, key, message in refused:
        assert any(t == table and k == key and message.startswith(r) for t, k, r in listed), (
            table,
            key,
            message,
            listed,
        )
    for t, k, r in listed:
        assert any(
            t == table and k == key and message.startswith(r) for table, key, message in refused
        ), (t, k, r, refused)
    # leads with a refused row are left out; every other lead has the interpreter's score
    bad = {key for _t, key, _m in refused}
    got = {row[0]: tuple(int(v) if isinstance(v, float) else v for v in row) for row in scores}
    want = {k: v for k, v in want_scores.items() if k not in bad}
    assert got == want
    return refused


SETTINGS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def cases(engine, json_props):
    table = JSON_DIRTY if json_props else DIRTY
    names = sorted(n for n, spec in table.items() if engine in spec[0].split())
    return st.lists(st.sampled_from(names), unique=True, max_size=len(names))


def in_schema(pg, fn):
    schema = "dirty_" + uuid.uuid4().hex[:12]
    with pg.cursor() as cur:
        cur.execute(f"CREATE SCHEMA {schema}; SET search_path TO {schema}")
    try:
        fn()
    finally:
        with pg.cursor() as cur:
            cur.execute(f"DROP SCHEMA {schema} CASCADE; SET search_path TO public")


@pytest.mark.parametrize("engine", ["duckdb", "sqlite", "postgres"])
@pytest.mark.parametrize("json_props", [False, True], ids=["columns", "json"])
def test_every_dirty_case_at_once(engine, json_props, request):
    table = JSON_DIRTY if json_props else DIRTY
    names = [n for n, spec in table.items() if engine in spec[0].split()]
    leads, events = dataset(
        engine, json_props, [(60, "CEO", True, 3)], [(0, "view", 1, ("100", 7))], names
    )
    if engine == "postgres":
        pg = request.getfixturevalue("pg")
        in_schema(pg, lambda: check(engine, leads, events, json_props, pg))
    else:
        check(engine, leads, events, json_props)


def test_a_postgres_json_column_keeps_the_numbers_as_written(pg, monkeypatch):
    """A `json` column (not `jsonb`) keeps each number's text: an integer of any size is read
    exactly, a number too small for a double is 0 (its cast would fail the whole view), and a
    number of 2^53 or more with an exponent or a fraction in a text property is refused with
    the reason (Python reads it as a double, which SQL cannot print as Python does)."""
    monkeypatch.setitem(JSON_TYPE, "postgres", "JSON")
    read = {
        "tiny in text": '{"url": 1e-400, "n": -2e-324}',
        "smallest double": '{"url": 5e-324, "n": 5e-324}',
    }
    refused = {
        "exponent beyond 2^53": '{"url": 1e23}',
        "fraction beyond 2^53": '{"url": 12345678901234567890.0}',
    }
    for name, text in {**read, **refused}.items():
        monkeypatch.setitem(JSON_DIRTY, name, ("postgres", text))
    names = [n for n, spec in JSON_DIRTY.items() if spec[0] != "postgres"]
    names = [n for n in names if "postgres" in JSON_DIRTY[n][0].split()]
    drawn = ([(60, "CEO", True, 3)], [(0, "view", 1, ("100", 7))])
    leads, events = dataset("postgres", True, *drawn, [*names, *read])
    in_schema(pg, lambda: check("postgres", leads, events, True, pg))

    leads, events = dataset("postgres", True, *drawn, list(refused))

    def views():
        scores, problems = run_sql("postgres", load(MODEL), leads, events, True, pg)
        assert [r[0] for r in scores] == ["k0"]
        assert sorted(problems) == [("events", f"j{j}", BIG_TEXT) for j in range(len(refused))]

    in_schema(pg, views)


@pytest.mark.parametrize("engine", ["duckdb", "sqlite", "postgres"])
@pytest.mark.parametrize("json_props", [False, True], ids=["columns", "json"])
@SETTINGS
@given(data=st.data())
def test_dirty_rows_mixed_into_clean_ones(engine, json_props, data, request):
    leads_drawn = data.draw(clean_leads())
    events_drawn = data.draw(clean_events())
    names = data.draw(cases(engine, json_props))
    leads, events = dataset(engine, json_props, leads_drawn, events_drawn, names)
    if engine == "postgres":
        pg = request.getfixturevalue("pg")
        in_schema(pg, lambda: check(engine, leads, events, json_props, pg))
    else:
        check(engine, leads, events, json_props)


def test_sqlite_number_form_is_the_readers_number_form():
    """SQLite has no regular expressions: its GLOB tests of text in a number column accept
    exactly the readers' NUMBER_FORM (every text of up to 4 characters over the form's
    alphabet)."""
    import sqlite3

    from leadrules.data.values import NUMBER_FORM
    from leadrules.targets.sql.dialect import dialect

    con = sqlite3.connect(":memory:")
    query = f"SELECT {dialect('sqlite').number_form('x')} FROM (SELECT ? AS x)"
    for n in range(5):
        for chars in itertools.product("01.eE+-a", repeat=n):
            text = "".join(chars)
            want = re.fullmatch(NUMBER_FORM, text) is not None
            assert bool(con.execute(query, (text,)).fetchone()[0]) == want, text


@settings(max_examples=400, deadline=None)
@given(text=TIME_TEXTS)
def test_sqlite_time_check_is_the_readers_time_form(text):
    """SQLite has no regular expressions, and JULIANDAY reads more than the one timestamp form
    (a lower-case z, spaces before the zone, hour 24, days past a month's end): its check of
    text in a time column refuses exactly what the readers refuse, over texts assembled from
    the pieces real exports hold."""
    import sqlite3

    from leadrules.data.values import parse_time
    from leadrules.targets.sql.dialect import dialect

    try:
        parse_time(text)
        want = True
    except ValueError:
        want = False
    con = sqlite3.connect(":memory:")
    problem = con.execute(
        f"SELECT {dialect('sqlite').time_problem('x')} FROM (SELECT ? AS x)", (text,)
    ).fetchone()[0]
    assert (problem is None) == want, (text, problem)


@pytest.mark.parametrize("engine", ["duckdb", "sqlite", "postgres"])
def test_ids_are_text_an_integer_lead_id_joins_only_its_own_digits(engine, request):
    """leads.lead_id INTEGER 7 against events.lead_id TEXT: `7` joins, `007` and ` 7` do not
    (the interpreter reads ids as text)."""
    model = load(MODEL)
    leads = [lead(7)]
    events = [event(k, "buy") for k in ("7", "007", " 7", "7")]
    want, _refused = interpreter(model, leads, events, False)
    assert math.isclose(want["7"][2], 2)

    def go(pg=None):
        types = TYPES[engine]
        script = compile_sql(model, Options(dialect=engine, as_of=AS_OF)).text
        integer = "INTEGER"
        if engine == "duckdb":
            import duckdb

            con = cur = duckdb.connect()
        elif engine == "sqlite":
            import sqlite3

            con = cur = sqlite3.connect(":memory:")
        else:
            cur = pg.cursor()
        mark = "%s" if engine == "postgres" else "?"
        cur.execute(
            f"CREATE TABLE leads (lead_id {integer}, size {types['number']}, role TEXT, "
            f"vip {types['bool']}, signup {types['time']})"
        )
        cur.execute(
            f"CREATE TABLE events (lead_id TEXT, event TEXT, occurred_at {types['time']}, "
            f"url TEXT, n {types['number']}, ok {types['bool']})"
        )
        cur.execute("INSERT INTO leads (lead_id) VALUES (7)")
        at = cell(T, "time", engine)
        cur.executemany(
            f"INSERT INTO events (lead_id, event, occurred_at) VALUES ({mark}, 'buy', {mark})",
            [(e["lead_id"], at) for e in events],
        )
        (con.executescript if engine == "sqlite" else cur.execute)(script)
        result = cur.execute("SELECT * FROM lead_scores")
        rows = (result if result is not None else cur).fetchall()
        assert [tuple(int(v) if isinstance(v, float) else v for v in r) for r in rows] == [
            want["7"]
        ]

    if engine == "postgres":
        pg = request.getfixturevalue("pg")
        in_schema(pg, lambda: go(pg))
    else:
        go()


@pytest.mark.parametrize("engine", ["duckdb", "sqlite"])
def test_a_case_insensitive_key_column_joins_only_equal_ids(engine):
    """A key column `COLLATE NOCASE` (DuckDB, SQLite): lead `Ab` gets the events of `Ab`, not of
    `ab`; the ids are text compared byte for byte, as the interpreter compares them."""
    model = load("event buy\neach buy: +1 cap 5\n")
    if engine == "duckdb":
        import duckdb

        con = cur = duckdb.connect()
        stamp = "TIMESTAMP"
    else:
        import sqlite3

        con = cur = sqlite3.connect(":memory:")
        stamp = "TEXT"
    cur.execute("CREATE TABLE leads (lead_id VARCHAR COLLATE NOCASE)")
    cur.execute(
        f"CREATE TABLE events (lead_id VARCHAR COLLATE NOCASE, event VARCHAR, occurred_at {stamp})"
    )
    cur.execute("INSERT INTO leads VALUES ('Ab')")
    at = cell(T, "time", engine)
    cur.executemany("INSERT INTO events VALUES (?, 'buy', ?)", [("Ab", at), ("ab", at), ("AB", at)])
    script = compile_sql(model, Options(dialect=engine, as_of=AS_OF)).text
    (con.executescript if engine == "sqlite" else cur.execute)(script)
    scores, problems = read_views(cur)
    assert [tuple(r) for r in scores] == [("Ab", 1, 1, None)] and problems == []


TIME_MODEL = """event v(t: time)
fit:
  v where days_since(t) < 30: +1
  v where t > 2025-12-20T12:00:00Z: +10
  v where t is missing: +100
"""
TIMES = [
    "2025-12-20T10:00:00Z",  # before the bound
    "2025-12-20T15:00:00+03:00",  # 12:00 UTC: not after it
    "2025-12-20T13:00:00",  # no zone: UTC, after it
    "2025-12-21",  # a date: midnight UTC
    " 2025-12-21T00:00:00.5-0130 ",  # spaces, a fraction, a basic offset
    "",  # missing
    "yesterday",  # refused
    "2024-02-29T23:00:00Z",  # a leap day
    "2026-02-30",  # refused: the form, but no such date
    " 2025-02-29T10:00:00Z",  # refused: not a leap year
    "2026-04-31 00:00",  # refused: April has 30 days
    "1900-02-29",  # refused: not a leap year (a century)
    "2000-02-29T00:00:00+01:00",  # a leap day (a fourth century)
    "0000-06-01",  # refused: there is no year 0
    "2025-12-20T12:00:00.0000009Z",  # nanoseconds: cut to the microsecond, not after the bound
    "2025-12-20T14:59:59.9999999+03:00",  # 11:59:59.999999 UTC, not 12:00
    "2025-12-20T17:30:00+05:30",  # 12:00 UTC: not after the bound
    "2025-12-20T12:00:00-00:00",  # 12:00 UTC
    "2025-12-20T13:00Z",  # no seconds
    "2025-12-20t13:00:00Z",  # refused: a lower-case t
    "2025-12-20T13:00:00z",  # refused: a lower-case z
    "2025-12-20T13:00:00+0530",  # a basic offset with minutes
    "2025-12-20T13:00:00 Z",  # refused: a space before the zone
    "2025-12-20T13:00:00 +03:00",  # refused: a space before the offset
    "2025-12-20T24:00",  # refused: no hour 24
    "2025-12-20  13:00",  # refused: two spaces
]
REFUSED_TIMES = {
    "yesterday",
    "2026-02-30",
    " 2025-02-29T10:00:00Z",
    "2026-04-31 00:00",
    "1900-02-29",
    "0000-06-01",
    "2025-12-20t13:00:00Z",
    "2025-12-20T13:00:00z",
    "2025-12-20T13:00:00 Z",
    "2025-12-20T13:00:00 +03:00",
    "2025-12-20T24:00",
    "2025-12-20  13:00",
}


@pytest.mark.parametrize("engine", ["duckdb", "sqlite", "postgres"])
@pytest.mark.parametrize("json_props", [False, True], ids=["columns", "json"])
def test_time_properties_compare_as_instants(engine, json_props, request):
    """A `time` property is compared in the dialect's one representation of times (it was
    compared raw on SQLite and PostgreSQL): with a zone it is that instant, without one UTC;
    text that is not a timestamp is refused. Columns hold typed timestamps (text on SQLite),
    JSON holds the text."""
    model = load(TIME_MODEL)
    texts = TIMES if (json_props or engine == "sqlite") else TIMES[:5]
    leads = [{"lead_id": f"t{i}"} for i in range(len(texts))]
    events = []
    for i, text in enumerate(texts):
        if json_props or engine == "sqlite":
            value = text
        else:  # a typed column: the instant the text means, as a naive UTC or aware datetime
            from leadrules.data.values import to_time

            value = to_time(text)
        row = event(f"t{i}", "v", at=T, t=value)
        if json_props:
            row["props_text"] = json.dumps({"t": text})
        events.append(row)

    def go(pg=None):
        if engine == "duckdb":
            import duckdb

            con = cur = duckdb.connect()
        elif engine == "sqlite":
            import sqlite3

            con = cur = sqlite3.connect(":memory:")
        else:
            cur = pg.cursor()
        types = {**TYPES[engine], "json": JSON_TYPE[engine]}
        mark = "%s" if engine == "postgres" else "?"
        cur.execute("CREATE TABLE leads (lead_id TEXT)")
        cur.executemany(f"INSERT INTO leads VALUES ({mark})", [(r["lead_id"],) for r in leads])
        last = f"props {types['json']}" if json_props else f"t {types['time']}"
        cur.execute(
            f"CREATE TABLE events (lead_id TEXT, event TEXT, occurred_at {types['time']}, {last})"
        )
        cur.executemany(
            f"INSERT INTO events VALUES ({mark}, {mark}, {mark}, {mark})",
            [
                (
                    e["lead_id"],
                    "v",
                    cell(e["occurred_at"], "time", engine),
                    e["props_text"] if json_props else cell(e["t"], "time", engine),
                )
                for e in events
            ],
        )
        options = Options(
            dialect=engine, as_of=AS_OF, properties_column="props" if json_props else None
        )
        text = compile_sql(model, options).text
        (con.executescript if engine == "sqlite" else cur.execute)(text)
        scores, problems = read_views(cur)
        # the interpreter reads the same texts (typed columns: their ISO form)
        for e in events:
            if isinstance(e.get("t"), dt.datetime):
                e["t"] = e["t"].isoformat()
        verify(model, leads, events, json_props, scores, problems)
        assert len(scores) == len(texts) - len(REFUSED_TIMES.intersection(texts))

    if engine == "postgres":
        pg = request.getfixturevalue("pg")
        in_schema(pg, lambda: go(pg))
    else:
        go()
