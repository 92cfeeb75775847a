"""`--target dbt`: `dbt build` with dbt-duckdb on the example data gives the interpreter's scores
and passes the generated schema tests."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES, need

import leadrules
from leadrules.data import BadRows, EventReader, read_leads
from leadrules.engine import DataOptions
from leadrules.engine.python import run_files
from leadrules.targets import Options
from leadrules.targets.dbt import compile as compile_dbt

AS_OF = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
TYPES = {"number": "DOUBLE", "text": "VARCHAR", "bool": "BOOLEAN", "time": "TIMESTAMP"}


def dbt_executable() -> str | None:
    found = Path(sys.executable).with_name("dbt")
    return str(found) if found.exists() else shutil.which("dbt")


def load_tables(db: Path, model, leads_path: str, events_path: str) -> None:
    """The example data, typed by the Python readers, as the tables `leads` and `events`."""
    import duckdb

    bad = BadRows()
    leads = read_leads(model, leads_path, "lead_id", bad)
    con = duckdb.connect(str(db))
    cols = ", ".join(f'"{a.column}" {TYPES[a.type]}' for a in model.attributes)
    con.execute(f"CREATE TABLE leads (lead_id VARCHAR{', ' + cols if cols else ''})")
    marks = ", ".join("?" * (len(model.attributes) + 1))
    naive = [
        [
            v.astimezone(dt.timezone.utc).replace(tzinfo=None) if isinstance(v, dt.datetime) else v
            for v in values
        ]
        for values in leads.values()
    ]
    con.executemany(
        f"INSERT INTO leads VALUES ({marks})", [(k, *v) for k, v in zip(leads, naive, strict=True)]
    )
    props = list(dict.fromkeys((p.name, p.type) for e in model.events for p in e.props))
    pcols = "".join(f', "{n}" {TYPES[t]}' for n, t in props)
    con.execute(
        f"CREATE TABLE events (lead_id VARCHAR, event VARCHAR, occurred_at TIMESTAMP{pcols})"
    )
    rows = []
    for lead_id, kind, at, values in EventReader(model, events_path, DataOptions(), bad):
        event = model.events[kind]
        named = dict(zip((p.name for p in event.props), values, strict=True))
        rows.append(
            (lead_id, event.source, at.replace(tzinfo=None), *(named.get(n) for n, _t in props))
        )
    con.executemany(f"INSERT INTO events VALUES ({', '.join('?' * (3 + len(props)))})", rows)
    con.close()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["b2b_saas", "combos"])
def test_dbt_build_gives_the_interpreters_scores(name, tmp_path):
    dbt = dbt_executable()
    need(dbt is not None, "dbt (pip install dbt-core~=1.10.0 dbt-duckdb~=1.9.0)")
    model = leadrules.load(str(EXAMPLES / f"{name}.lrules"))
    data = EXAMPLES / "data" / name
    leads_path, events_path = str(data / "leads.csv"), str(next(data.glob("events.*")))
    db = tmp_path / "warehouse.duckdb"
    load_tables(db, model, leads_path, events_path)
    project = tmp_path / "project"
    for rel, content in compile_dbt(model, Options(dialect="duckdb", as_of=AS_OF)).files.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(content, encoding="utf-8")
    (tmp_path / "profiles.yml").write_text(
        f"leadrules:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        f"      path: '{db}'\n      threads: 1\n",
        encoding="utf-8",
    )
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    done = subprocess.run(
        [dbt, "build", "--project-dir", str(project), "--profiles-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASS=" in done.stdout and "ERROR=0" in done.stdout

    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    got = sorted(con.execute("SELECT * FROM lead_scores").fetchall())
    want = run_files(model, leads_path, events_path, AS_OF, DataOptions(), report=lambda _n: None)
    assert got == sorted(tuple(r.row().values()) for r in want)
