"""Issue 17: compiled SQL over warehouse column types gives the interpreter's number: `real`
(float4) compares as the decimal it shows, case-insensitive text (citext, COLLATE NOCASE) compares
byte for byte, a `text` attribute reads an integer or enum column, and sums are 64-bit (two rules
of +2,000,000,000; a capped `each` of huge points over many events)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sql.test_equivalence import load

from leadrules.engine.python import score
from leadrules.targets import Options
from leadrules.targets.sql import compile as compile_sql

AS_OF = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)
MODEL = """model "warehouse"
lead p: number
lead role: text
lead code: text
event v
fit:
  p >= 0.7: +20
  p in 0.1..0.3: +300
  role == "CEO": +4000
  role contains "CE": +50000
  role in ["CEO", "CTO"]: +600000
  code == "7": +7000000
big:
  v: +2000000000
  role is present: +2000000000
  each v: +999999999999999 cap 999999999999999
"""
LEADS = [("1", 0.7, "ceo", 7), ("2", 0.3, "CEO", 8), ("3", 0.1, "cto", None)]
EVENTS = [("1", "v", AS_OF - dt.timedelta(hours=h)) for h in range(3)]


def expected():
    model = load(MODEL)
    leads = [
        {"lead_id": i, "p": p, "role": r, "code": None if c is None else str(c)}
        for i, p, r, c in LEADS
    ]
    events = [{"lead_id": i, "event": e, "occurred_at": t} for i, e, t in EVENTS]
    return sorted(tuple(r.row().values()) for r in score(model, leads, events, AS_OF))


def script(dialect):
    return compile_sql(load(MODEL), Options(dialect=dialect, as_of=AS_OF)).text


def rows(cur) -> list[tuple]:
    return sorted(tuple(int(v) if isinstance(v, float) else v for v in r) for r in cur.fetchall())


def test_postgres_real_citext_integer_and_64_bit_sums(pg):
    name = "wh_" + uuid.uuid4().hex[:12]
    with pg.cursor() as cur:
        cur.execute(f"CREATE SCHEMA {name}; SET search_path TO {name}, public")
        cur.execute("CREATE EXTENSION IF NOT EXISTS citext SCHEMA public")
        cur.execute("CREATE TABLE leads (lead_id text, p real, role citext, code integer)")
        cur.execute("CREATE TABLE events (lead_id text, event text, occurred_at timestamptz)")
        cur.executemany("INSERT INTO leads VALUES (%s, %s, %s, %s)", LEADS)
        cur.executemany("INSERT INTO events VALUES (%s, %s, %s)", EVENTS)
        try:
            cur.execute(script("postgres"))
            cur.execute("SELECT * FROM lead_scores")
            assert rows(cur) == expected()
        finally:
            cur.execute(f"DROP SCHEMA {name} CASCADE; SET search_path TO public")


def test_duckdb_float_nocase_enum_and_64_bit_sums():
    import duckdb

    con = duckdb.connect()
    con.execute("CREATE TYPE code AS ENUM ('7', '8')")
    con.execute(
        "CREATE TABLE leads (lead_id VARCHAR, p FLOAT, role VARCHAR COLLATE NOCASE, code code)"
    )
    con.execute("CREATE TABLE events (lead_id VARCHAR, event VARCHAR, occurred_at TIMESTAMPTZ)")
    con.executemany(
        "INSERT INTO leads VALUES (?, ?, ?, ?)",
        [(i, p, r, None if c is None else str(c)) for i, p, r, c in LEADS],
    )
    con.executemany("INSERT INTO events VALUES (?, ?, ?)", EVENTS)
    con.execute(script("duckdb"))
    assert rows(con.execute("SELECT * FROM lead_scores")) == expected()


@pytest.mark.parametrize("code_type", ["INTEGER", "TEXT"])
def test_sqlite_nocase_numbers_in_text_and_64_bit_sums(code_type):
    import sqlite3

    con = sqlite3.connect(":memory:")
    con.execute(
        f"CREATE TABLE leads (lead_id TEXT, p REAL, role TEXT COLLATE NOCASE, code {code_type})"
    )
    con.execute("CREATE TABLE events (lead_id TEXT, event TEXT, occurred_at TEXT)")
    con.executemany("INSERT INTO leads VALUES (?, ?, ?, ?)", LEADS)
    con.executemany(
        "INSERT INTO events VALUES (?, ?, ?)",
        [(i, e, t.isoformat()) for i, e, t in EVENTS],
    )
    con.executescript(script("sqlite"))
    got = rows(con.execute("SELECT * FROM lead_scores"))
    assert got == expected()
    assert all(isinstance(v, int) for row in got for v in row[1:-1])  # never a float


def test_group_names_equal_in_their_first_63_bytes_are_refused(tmp_path):
    """PostgreSQL cuts names at 63 bytes: `check` refuses such groups (LR0114) for every
    target, so no dialect's `lead_scores` depends on the engine's limit."""
    from click.testing import CliRunner

    from leadrules.cli import main

    prefix = "engagement_" + "x" * 60
    path = tmp_path / "long.lrules"
    path.write_text(f"event v\n{prefix}_a:\n  v: +1\n{prefix}_b:\n  v: +2\n", encoding="utf-8")
    args = ["compile", str(path), "--target", "sql", "--as-of", "2026-01-01"]
    for dialect in ("postgres", "duckdb"):
        result = CliRunner().invoke(main, [*args, "--dialect", dialect])
        assert result.exit_code == 1
        assert "LR0114" in result.output and "first 63 characters" in result.output


JSON_MODEL = """model "json"
event v(n: number, ok: bool)
fit:
  v where n >= 5: +1
  v where n is missing: +10
  v where ok == true: +100
"""


@pytest.mark.parametrize("dialect", ["duckdb", "sqlite", "postgres"])
def test_an_empty_string_in_a_json_number_or_bool_property_is_missing(dialect, request):
    props = ['{"n": "", "ok": ""}', '{"n": 7, "ok": true}']
    model = load(JSON_MODEL)
    leads = [{"lead_id": "1"}, {"lead_id": "2"}]
    events = [{"lead_id": "1", "event": "v", "occurred_at": AS_OF, "n": None, "ok": None}]
    events.append({"lead_id": "2", "event": "v", "occurred_at": AS_OF, "n": 7, "ok": True})
    want = sorted(tuple(r.row().values()) for r in score(model, leads, events, AS_OF))
    text = compile_sql(model, Options(dialect=dialect, as_of=AS_OF, properties_column="props"))
    rows_in = [(str(i + 1), "v", AS_OF.replace(tzinfo=None), p) for i, p in enumerate(props)]
    leads_sql = "CREATE TABLE leads (lead_id TEXT)"
    if dialect == "postgres":
        con = request.getfixturevalue("pg")
        name = "js_" + uuid.uuid4().hex[:12]
        cur = con.cursor()
        cur.execute(f"CREATE SCHEMA {name}; SET search_path TO {name}")
        types, mark = "TEXT, TEXT, TIMESTAMP, JSONB", "%s"
    elif dialect == "duckdb":
        import duckdb

        con = cur = duckdb.connect()
        types, mark = "VARCHAR, VARCHAR, TIMESTAMP, JSON", "?"
    else:
        import sqlite3

        con = cur = sqlite3.connect(":memory:")
        types, mark = "TEXT, TEXT, TEXT, TEXT", "?"
        rows_in = [(i, e, t.isoformat(sep=" "), p) for i, e, t, p in rows_in]
    try:
        cur.execute(leads_sql)
        cur.executemany(f"INSERT INTO leads VALUES ({mark})", [("1",), ("2",)])
        names = ("lead_id", "event", "occurred_at", "props")
        columns = ", ".join(f"{n} {t}" for n, t in zip(names, types.split(", "), strict=True))
        cur.execute(f"CREATE TABLE events ({columns})")
        cur.executemany(f"INSERT INTO events VALUES ({', '.join([mark] * 4)})", rows_in)
        (cur.executescript if dialect == "sqlite" else cur.execute)(text.text)
        got = rows(cur.execute("SELECT * FROM lead_scores") or cur)
    finally:
        if dialect == "postgres":
            cur.execute(f"DROP SCHEMA {name} CASCADE; SET search_path TO public")
    assert got == want
