"""Run compiled SQL on real engines: DuckDB, SQLite (python's sqlite3) and PostgreSQL.

Each loads the same typed leads and events into tables named as the SQL target expects (the
role column and the buy event source have hostile names), runs the compiled script and reads
`lead_scores`. Values are typed per the CLI contract: SQLite keeps timestamps as ISO-8601 text
`YYYY-MM-DD HH:MM:SS` and bools as 0/1.
"""

from __future__ import annotations

import datetime as dt

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
TYPES = {
    "duckdb": {"text": "VARCHAR", "number": "DOUBLE", "bool": "BOOLEAN", "time": "TIMESTAMP"},
    "postgres": {
        "text": "TEXT",
        "number": "DOUBLE PRECISION",
        "bool": "BOOLEAN",
        "time": "TIMESTAMP",
    },
    "sqlite": {"text": "TEXT", "number": "REAL", "bool": "INTEGER", "time": "TEXT"},
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


def run(dialect: str, model, leads, events, as_of, conn=None, tables=("leads", "events")):
    """lead_scores rows (sorted), and the input tables read back after the run."""
    script = compile_sql(model, dialect, as_of, leads_table=tables[0], events_table=tables[1])
    if dialect == "duckdb":
        import duckdb

        con = duckdb.connect()
        create(con, tables[0], LEADS, leads, dialect, "?")
        create(con, tables[1], EVENTS, events, dialect, "?")
        con.execute(script)
        out = con.execute("SELECT * FROM lead_scores").fetchall()
        inputs = [con.execute(f"SELECT * FROM {t}").fetchall() for t in tables]
        return normalize(out), inputs
    if dialect == "sqlite":
        import sqlite3

        con = sqlite3.connect(":memory:")
        create(con, tables[0], LEADS, leads, dialect, "?")
        create(con, tables[1], EVENTS, events, dialect, "?")
        con.executescript(script)
        out = con.execute("SELECT * FROM lead_scores").fetchall()
        inputs = [con.execute(f"SELECT * FROM {t}").fetchall() for t in tables]
        return normalize(out), inputs
    with conn.cursor() as cur:
        create(cur, tables[0], LEADS, leads, dialect, "%s")
        create(cur, tables[1], EVENTS, events, dialect, "%s")
        cur.execute(script)
        cur.execute("SELECT * FROM lead_scores")
        out = cur.fetchall()
        inputs = []
        for t in tables:
            cur.execute(f"SELECT * FROM {t}")
            inputs.append(cur.fetchall())
    return normalize(out), inputs


def expected(model, leads, events, as_of) -> list[tuple]:
    from leadrules.engine.python import score

    results = score(model, leads, events, as_of)
    return sorted(tuple(r.row().values()) for r in results)
