"""Issue 17: `dbt build` on dbt-duckdb and dbt-postgres over warehouse tables with dirty rows:
the views are built, `lead_scores` gives the interpreter's scores to the clean leads and leaves the
others out, `lead_score_input_problems` lists every refused row with the interpreter's reason, and
the generated test `no_refused_input_rows` fails, so `dbt build` exits 1."""

from __future__ import annotations

import os
import subprocess
import uuid

import pytest
from conftest import need
from sql.test_dbt import dbt_executable
from sql.test_dirty import AS_OF, DIRTY, JSON_DIRTY, MODEL, dataset, load_tables, read_views, verify
from sql.test_equivalence import load

from leadrules.targets import Options
from leadrules.targets.dbt import compile as compile_dbt


def build(tmp_path, engine, profile: str, json_props: bool):
    dbt = dbt_executable()
    need(dbt is not None, "dbt (pip install dbt-core~=1.10.0 dbt-duckdb dbt-postgres)")
    model = load(MODEL)
    options = Options(
        dialect=engine, as_of=AS_OF, properties_column="props" if json_props else None
    )
    project = tmp_path / "project"
    for rel, content in compile_dbt(model, options).files.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(content, encoding="utf-8")
    (tmp_path / "profiles.yml").write_text(profile, encoding="utf-8")
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    args = ["--project-dir", str(project), "--profiles-dir", str(tmp_path)]
    return subprocess.run(
        [dbt, "build", *args], capture_output=True, text=True, env=env, timeout=300
    )


def data(engine, json_props):
    table = JSON_DIRTY if json_props else DIRTY
    names = [n for n, spec in table.items() if engine in spec[0].split()]
    clean = [(60, "CEO", True, 3), (None, "cto", False, None)]
    return dataset(engine, json_props, clean, [(0, "view", 1, ("100", 7))], names)


def check_build(done, model, leads, events, json_props, scores, problems):
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "no_refused_input_rows" in out and "FAIL" in out, out
    assert "ERROR=1 SKIP=0" in out, out  # every model built: only the test failed
    verify(model, leads, events, json_props, scores, problems)


@pytest.mark.slow
@pytest.mark.parametrize("json_props", [False, True], ids=["columns", "json"])
def test_dbt_duckdb_lists_refused_rows_and_fails_its_test(tmp_path, json_props):
    import duckdb

    db = tmp_path / "warehouse.duckdb"
    leads, events = data("duckdb", json_props)
    con = duckdb.connect(str(db))
    load_tables("duckdb", con, leads, events, json_props)
    con.close()
    profile = (
        f"leadrules:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        f"      path: '{db}'\n      threads: 1\n"
    )
    done = build(tmp_path, "duckdb", profile, json_props)
    con = duckdb.connect(str(db), read_only=True)
    scores, problems = read_views(con)
    check_build(done, load(MODEL), leads, events, json_props, scores, problems)


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("json_props", [False, True], ids=["columns", "json"])
def test_dbt_postgres_lists_refused_rows_and_fails_its_test(tmp_path, json_props, pg, pg_server):
    schema = "dbt_" + uuid.uuid4().hex[:12]
    leads, events = data("postgres", json_props)
    with pg.cursor() as cur:
        cur.execute(f"CREATE SCHEMA {schema}; SET search_path TO {schema}")
        load_tables("postgres", cur, leads, events, json_props)
    try:
        profile = (
            "leadrules:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n"
            f"      host: '{pg_server.root}'\n      port: 5432\n      user: postgres\n"
            f"      password: ''\n      dbname: postgres\n      schema: {schema}\n"
            "      threads: 1\n"
        )
        done = build(tmp_path, "postgres", profile, json_props)
        with pg.cursor() as cur:
            cur.execute(f"SET search_path TO {schema}")
            scores, problems = read_views(cur)
        check_build(done, load(MODEL), leads, events, json_props, scores, problems)
    finally:
        with pg.cursor() as cur:
            cur.execute(f"DROP SCHEMA {schema} CASCADE; SET search_path TO public")
