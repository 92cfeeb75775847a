"""`leadrules compile --target sql|dbt` and `leadrules score` (DuckDB by default) end to end."""

from __future__ import annotations

import sqlite3

from click.testing import CliRunner
from conftest import EXAMPLES

from leadrules.cli import main

B2B = str(EXAMPLES / "b2b_saas.lrules")


def invoke(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_compile_sql_for_sqlite_runs_in_sqlite(tmp_path):
    out = tmp_path / "b2b.sql"
    result = invoke(
        "compile",
        B2B,
        "--target",
        "sql",
        "--dialect",
        "sqlite",
        "--as-of",
        "2026-01-01",
        "-o",
        str(out),
    )
    assert result.exit_code == 0
    con = sqlite3.connect(":memory:")
    con.execute(
        "CREATE TABLE leads (lead_id TEXT, company_size REAL, role TEXT, industry TEXT, "
        "country TEXT, email TEXT)"
    )
    con.execute(
        "CREATE TABLE events (lead_id TEXT, event TEXT, occurred_at TEXT, url TEXT, form TEXT)"
    )
    con.execute("INSERT INTO leads VALUES ('1', 80, 'CEO', 'SaaS', 'IL', 'A@GMAIL.com')")
    con.execute(
        "INSERT INTO events VALUES ('1', 'page_view', '2025-12-31 10:00:00', '/pricing', NULL)"
    )
    con.executescript(out.read_text())
    assert con.execute("SELECT * FROM lead_scores").fetchall() == [("1", 60, 15, 75, "MQL")]
    rules = con.execute(
        "SELECT rule, points FROM lead_score_rules WHERE points <> 0 ORDER BY rule"
    ).fetchall()
    assert rules == [
        ("engagement/1", 15),
        ("fit/1", 20),
        ("fit/4", 25),
        ("fit/7", 15),
        ("fit/8", 10),
        ("fit/9", -10),
    ]


def test_compile_sql_to_stdout_is_byte_identical_twice():
    first = invoke("compile", B2B, "--target", "sql", "--dialect", "trino")
    second = invoke("compile", B2B, "--target", "sql", "--dialect", "trino")
    assert first.exit_code == 0 and first.output == second.output
    assert "CURRENT_TIMESTAMP" in first.output  # no --as-of: the engine's clock


def test_dbt_needs_an_output_directory_and_writes_the_project(tmp_path):
    assert invoke("compile", B2B, "--target", "dbt").exit_code == 2
    result = invoke("compile", B2B, "--target", "dbt", "-o", str(tmp_path / "p"))
    assert result.exit_code == 0
    names = sorted(p.relative_to(tmp_path / "p").as_posix() for p in (tmp_path / "p").rglob("*.*"))
    assert names == [
        "dbt_project.yml",
        "models/lead_score_input_problems.sql",
        "models/lead_score_points.sql",
        "models/lead_score_rules.sql",
        "models/lead_scores.sql",
        "models/schema.yml",
        "models/sources.yml",
        "tests/no_refused_input_rows.sql",
    ]


def test_a_malformed_table_name_is_a_usage_error():
    result = invoke("compile", B2B, "--target", "sql", "--leads-table", "a..b")
    assert result.exit_code == 2 and "not a table name" in result.output


def test_score_defaults_to_duckdb_and_matches_python():
    data = EXAMPLES / "data" / "b2b_saas"
    common = [
        "score",
        B2B,
        "--leads",
        str(data / "leads.csv"),
        "--events",
        str(data / "events.csv"),
        "--as-of",
        "2026-01-01",
    ]
    duck, python = invoke(*common), invoke(*common, "--engine", "python")
    assert duck.exit_code == python.exit_code == 0
    assert duck.output == python.output


def test_compile_reads_renamed_key_type_and_time_columns(tmp_path):
    """`--lead-key`, `--event-column`, `--time-column` as `score` takes them: the views read
    the renamed columns, and the problems view names them in its reasons."""
    rules = tmp_path / "r.lrules"
    rules.write_text("event v\nv: +5\n", encoding="utf-8")
    result = invoke(
        "compile", str(rules), "--target", "sql", "--dialect", "sqlite", "--as-of", "2026-01-01",
        "--lead-key", "Id", "--event-column", "kind", "--time-column", "at",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    con = sqlite3.connect(":memory:")
    con.execute('CREATE TABLE leads ("Id" TEXT)')
    con.execute('CREATE TABLE events ("Id" TEXT, kind TEXT, at TEXT)')
    con.executemany("INSERT INTO leads VALUES (?)", [("1",), ("2",)])
    con.executemany(
        "INSERT INTO events VALUES (?, ?, ?)",
        [("1", "v", "2025-12-31T10:00:00Z"), ("2", None, "2025-12-31")],
    )
    con.executescript(result.output)
    assert con.execute("SELECT lead_id, score FROM lead_scores").fetchall() == [("1", 5)]
    assert con.execute("SELECT lead_id, column_name, reason FROM lead_score_input_problems")\
        .fetchall() == [("2", "kind", "missing event type in column `kind`")]  # fmt: skip


def test_a_bool_property_alone_after_where_in_a_rule_gets_a_help_line(tmp_path):
    rules = tmp_path / "r.lrules"
    rules.write_text("event v(flag: bool)\nv where flag: +1\n", encoding="utf-8")
    result = invoke("check", str(rules))
    assert result.exit_code == 1
    assert "LR0001" in result.output
    assert "write `where (flag)` or `where flag == true`" in result.output
    rules.write_text("event v(flag: bool)\nv where (flag): +1\n", encoding="utf-8")
    assert invoke("check", str(rules)).exit_code == 0
