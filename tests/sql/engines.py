"""Run compiled SQL on real engines: DuckDB, SQLite (python's sqlite3) and PostgreSQL.

Each loads the same typed leads and events into tables named as the SQL target expects (the
role column and the buy event source have hostile names), runs the compiled script and reads
`lead_scores`. Values are typed per the CLI contract: SQLite keeps timestamps as ISO-8601 text
`YYYY-MM-DD HH:MM:SS` and bools as 0/1.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sql.gen import ROLE_COLUMN

from leadrules.targets import Options

LEADS = [
    ("lead_id", "text"),
    ("size", "number"),
    (ROLE_COLUMN, "text"),
    ("email", "text"),
    ("vip", "bool"),
    ("signup", "time"),
]
EVENTS = [
    ("lead_id", "text"),
    ("event", "text"),
    ("occurred_at", "time"),
    ("url", "text"),
    ("n", "number"),
    ("amount", "number"),
]
PROPS = ("url", "n", "amount")
JSON_EVENTS = [("lead_id", "text"), ("event", "text"), ("occurred_at", "time"), ("props", "json")]
TYPES = {
    "duckdb": {
        "text": "VARCHAR",
        "number": "DOUBLE",
        "bool": "BOOLEAN",
        "time": "TIMESTAMP",
        "json": "JSON",
    },
    "postgres": {
        "text": "TEXT",
        "number": "DOUBLE PRECISION",
        "bool": "BOOLEAN",
        "time": "TIMESTAMP",
        "json": "JSONB",
    },
    "sqlite": {"text": "TEXT", "number": "REAL", "bool": "INTEGER", "time": "TEXT", "json": "TEXT"},
}


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def value(v, typ: str, dialect: str):
    if v is None:
        return None
    if typ == "time":
        naive = v.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return naive.isoformat(sep=" ") if dialect == "sqlite" else naive
    if typ == "bool" and dialect == "sqlite":
        return int(v)
    return v


def table_rows(rows: list[dict], columns, dialect: str) -> list[tuple]:
    names = {ROLE_COLUMN: "role"}
    return [tuple(value(r.get(names.get(c, c)), t, dialect) for c, t in columns) for r in rows]


def create(cur, table: str, columns, rows, dialect: str, mark: str) -> None:
    types = TYPES[dialect]
    cols = ", ".join(f"{quote(c)} {types[t]}" for c, t in columns)
    cur.execute(f"CREATE TABLE {table} ({cols})")
    if rows:
        marks = ", ".join([mark] * len(columns))
        cur.executemany(f"INSERT INTO {table} VALUES ({marks})", table_rows(rows, columns, dialect))


def compile_sql(model, dialect: str, as_of, **kw) -> str:
    from leadrules.targets.sql import compile as compile_sql_target

    return compile_sql_target(model, Options(dialect=dialect, as_of=as_of, **kw)).text


def normalize(rows) -> list[tuple]:
    return sorted(tuple(int(v) if isinstance(v, float) else v for v in row) for row in rows)


def run(
    dialect: str,
    model,
    leads,
    events,
    as_of,
    conn=None,
    tables=("leads", "events"),
    json_props: bool = False,
    rules: bool = True,
):
    """lead_scores rows (sorted), the input tables read back after the run, and the group
    totals rebuilt from lead_score_rules (not read when `rules` is false). With `json_props`
    the event properties are one JSON column `props`."""
    script = compile_sql(
        model,
        dialect,
        as_of,
        leads_table=tables[0],
        events_table=tables[1],
        properties_column="props" if json_props else None,
    )
    event_columns = JSON_EVENTS if json_props else EVENTS
    if json_props:
        events = [{**e, "props": json.dumps({k: e.get(k) for k in PROPS})} for e in events]
    if dialect == "duckdb":
        import duckdb

        con = duckdb.connect()
        cur, mark, script_runner = con, "?", con.execute
    elif dialect == "sqlite":
        import sqlite3

        con = sqlite3.connect(":memory:")
        cur, mark, script_runner = con, "?", con.executescript
    else:
        cur, mark = conn.cursor(), "%s"
        script_runner = cur.execute
    create(cur, tables[0], LEADS, leads, dialect, mark)
    create(cur, tables[1], event_columns, events, dialect, mark)
    script_runner(script)

    def query(sql: str) -> list[tuple]:
        result = cur.execute(sql)
        return (result if result is not None else cur).fetchall()

    out = query("SELECT * FROM lead_scores")
    inputs = [query(f"SELECT * FROM {t}") for t in tables]
    sums = "SELECT lead_id, grp, SUM(points) FROM lead_score_rules GROUP BY lead_id, grp"
    return normalize(out), inputs, normalize(query(sums)) if rules else None


def expected(model, leads, events, as_of) -> list[tuple]:
    from leadrules.engine.python import score

    results = score(model, leads, events, as_of)
    return sorted(tuple(r.row().values()) for r in results)


# ---- times stored with or without a zone, under any session time zone -----------------------

ZONES = ["UTC", "Asia/Jerusalem", "America/New_York", "Asia/Tehran", "Pacific/Kiritimati"]
ZONED_TYPES = {"duckdb": "TIMESTAMPTZ", "postgres": "TIMESTAMPTZ", "sqlite": "TEXT"}


@dataclass(frozen=True)
class TimeStyle:
    """How one timestamp is written: its UTC offset in minutes (a zoned column or SQLite text),
    the date/time separator, a fraction of zeros (`.000`) and the zone form in SQLite text
    (`none`: no zone, meaning UTC; `Z`; `offset`)."""

    offset: int = 0
    sep: str = " "
    fraction: str = ""
    zone: str = "none"


def time_text(v: dt.datetime, style: TimeStyle, zoned: bool, dialect: str):
    """A timestamp for a table: a naive UTC datetime, or ISO text with an offset."""
    utc = v.astimezone(dt.timezone.utc)
    if dialect != "sqlite" and not zoned:
        return utc.replace(tzinfo=None)
    if dialect == "sqlite" and style.zone == "none":
        local, suffix = utc, ""
    else:
        local = utc.astimezone(dt.timezone(dt.timedelta(minutes=style.offset)))
        suffix = "Z" if dialect == "sqlite" and style.zone == "Z" else ""
        if not suffix:
            sign = "-" if style.offset < 0 else "+"
            suffix = f"{sign}{abs(style.offset) // 60:02d}:{abs(style.offset) % 60:02d}"
        if dialect == "sqlite" and style.zone == "Z":
            local = utc
    text = local.replace(tzinfo=None).isoformat(sep=style.sep)
    if local.microsecond == 0:
        text += style.fraction
    return text + suffix


def run_times(
    dialect: str,
    model,
    leads,
    events,
    as_of,
    *,
    conn=None,
    zone: str = "UTC",
    zoned: bool = False,
    styles: list[TimeStyle] | tuple = (TimeStyle(),),
    clock: bool = False,
):
    """lead_scores rows (sorted) and the as-of they were scored at. The session's time zone is
    `zone`; time columns are zoned (TIMESTAMPTZ) or not, or SQLite text written per `styles`
    (cycled over the values). With `clock` the view uses the engine's clock: inside one
    transaction the engine's current time is read, and the data, placed around `as_of`, is moved
    by (now - as_of) before it is inserted and scored. SQLite's clock moves during the query:
    its data is moved half a second further, so no time sits on an edge."""
    script = compile_sql(model, dialect, None if clock else as_of)
    if dialect == "duckdb":
        import duckdb

        con = duckdb.connect()
        cur, mark, script_runner = con, "?", con.execute
        con.execute(f"SET TimeZone = '{zone}'")
    elif dialect == "sqlite":
        import sqlite3

        con = sqlite3.connect(":memory:", isolation_level=None)
        cur, mark, script_runner = con, "?", con.executescript
    else:
        cur, mark = conn.cursor(), "%s"
        script_runner = cur.execute
        cur.execute(f"SET TimeZone = '{zone}'")
    types = dict(TYPES[dialect], time=ZONED_TYPES[dialect] if zoned else TYPES[dialect]["time"])

    def create_table(table, columns):
        cols = ", ".join(f"{quote(c)} {types[t]}" for c, t in columns)
        cur.execute(f"CREATE TABLE {table} ({cols})")

    create_table("leads", LEADS)
    create_table("events", EVENTS)
    script_runner(script)

    def query(text: str):
        result = cur.execute(text)
        return (result if result is not None else cur).fetchall()

    cur.execute("BEGIN")
    try:
        shift = dt.timedelta(0)
        if clock:
            now = {
                "duckdb": "SELECT EPOCH_US(CURRENT_TIMESTAMP)",
                "postgres": "SELECT EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) * 1000000",
            }.get(dialect)
            if now is None:
                micros = int(dt.datetime.now(dt.timezone.utc).timestamp() * 1_000_000)
            else:
                micros = int(query(now)[0][0])
            engine_now = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(
                microseconds=micros
            )
            shift = engine_now - as_of
            as_of = engine_now
        half = dt.timedelta(milliseconds=500 if clock and dialect == "sqlite" else 0)
        move = shift + half
        counter = iter(range(10**9))

        def cell(v, typ):
            if v is None:
                return None
            if typ == "time":
                return time_text(v + move, styles[next(counter) % len(styles)], zoned, dialect)
            return value(v, typ, dialect)

        names = {ROLE_COLUMN: "role"}
        for table, columns, rows in (("leads", LEADS, leads), ("events", EVENTS, events)):
            if rows:
                marks = ", ".join([mark] * len(columns))
                cur.executemany(
                    f"INSERT INTO {table} VALUES ({marks})",
                    [tuple(cell(r.get(names.get(c, c)), t) for c, t in columns) for r in rows],
                )
        got = normalize(query("SELECT * FROM lead_scores"))
    finally:
        cur.execute("ROLLBACK")
    if dialect == "postgres":
        cur.execute("RESET TimeZone")

    # the data as the interpreter reads it: moved with the clock (SQLite: its half second too)
    def moved(rows):
        return [
            {k: v + move if isinstance(v, dt.datetime) else v for k, v in r.items()} for r in rows
        ]

    return got, moved(leads), moved(events), as_of
