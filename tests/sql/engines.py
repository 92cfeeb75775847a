"""Run compiled SQL on real engines: DuckDB, SQLite (python's sqlite3) and PostgreSQL.

Each loads the same typed leads and events into tables named as the SQL target expects (the
role column and the buy event source have hostile names), runs the compiled script and reads
`lead_scores`. Values are typed per the CLI contract: SQLite keeps timestamps as ISO-8601 text
`YYYY-MM-DD HH:MM:SS` and bools as 0/1.
"""

from __future__ import annotations

import datetime as dt
import json

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
):
    """lead_scores rows (sorted), the input tables read back after the run, and the group
    totals rebuilt from lead_score_rules. With `json_props` the event properties are one JSON
    column `props`."""
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
    rules = query("SELECT lead_id, grp, SUM(points) FROM lead_score_rules GROUP BY lead_id, grp")
    return normalize(out), inputs, normalize(rules)


def expected(model, leads, events, as_of) -> list[tuple]:
    from leadrules.engine.python import score

    results = score(model, leads, events, as_of)
    return sorted(tuple(r.row().values()) for r in results)
