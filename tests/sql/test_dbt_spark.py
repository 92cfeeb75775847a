"""`--target dbt --dialect spark`: `dbt build` by dbt-spark (`method: session`, the run's Spark
session, in this process) on the example data gives the interpreter's scores and passes the
generated schema tests."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import EXAMPLES, need
from sql import spark_run

import leadrules
from leadrules.data import BadRows, EventReader, read_leads
from leadrules.engine import DataOptions
from leadrules.engine.python import run_files
from leadrules.targets import Options
from leadrules.targets.dbt import compile as compile_dbt

AS_OF = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def load_tables(spark, schema: str, model, leads_path: str, events_path: str) -> None:
    """The example data, typed by the Python readers, as `<schema>.leads` and `.events`."""
    bad = BadRows()
    leads = read_leads(model, leads_path, "lead_id", bad)
    lead_cols = [("lead_id", "text")] + [(a.column, a.type) for a in model.attributes]
    rows = [
        dict(zip([c for c, _t in lead_cols], (key, *values), strict=True))
        for key, values in leads.items()
    ]
    spark_run.save(spark, f"{schema}.leads", lead_cols, rows, "TIMESTAMP")
    props = list(dict.fromkeys((p.name, p.type) for e in model.events for p in e.props))
    event_cols = [("lead_id", "text"), ("event", "text"), ("occurred_at", "time"), *props]
    rows = []
    for lead_id, kind, at, values in EventReader(model, events_path, DataOptions(), bad):
        event = model.events[kind]
        named = dict(zip((p.name for p in event.props), values, strict=True))
        rows.append({"lead_id": lead_id, "event": event.source, "occurred_at": at, **named})
    spark_run.save(spark, f"{schema}.events", event_cols, rows, "TIMESTAMP_NTZ")


@pytest.mark.slow
@pytest.mark.parametrize("name", ["b2b_saas", "combos"])
def test_dbt_spark_build_gives_the_interpreters_scores(spark, name, tmp_path, monkeypatch):
    try:
        from dbt.cli.main import dbtRunner
    except ImportError:
        dbtRunner = None  # noqa: N806
    need(dbtRunner is not None, "dbt-spark (pip install 'dbt-spark[session]')")
    model = leadrules.load(str(EXAMPLES / f"{name}.lrules"))
    data = EXAMPLES / "data" / name
    leads_path, events_path = str(data / "leads.csv"), str(next(data.glob("events.*")))
    schema = f"dbt_{name}"
    spark.sql(f"CREATE DATABASE IF NOT EXISTS {schema}")
    load_tables(spark, schema, model, leads_path, events_path)
    project = tmp_path / "project"
    for rel, content in compile_dbt(model, Options(dialect="spark", as_of=AS_OF)).files.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(content, encoding="utf-8")
    (tmp_path / "profiles.yml").write_text(
        f"leadrules:\n  target: dev\n  outputs:\n    dev:\n      type: spark\n"
        f"      method: session\n      host: NA\n      schema: {schema}\n      threads: 1\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    spark.conf.set("spark.sql.session.timeZone", "Asia/Tehran")  # the views are zone-proof
    done = dbtRunner().invoke(
        [
            "build",
            "--project-dir",
            str(project),
            "--profiles-dir",
            str(tmp_path),
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
        ]
    )
    assert done.success, done.exception or [str(r.message) for r in done.result or []]
    statuses = {str(r.status) for r in done.result}
    assert statuses <= {"success", "pass"}, statuses

    got = sorted(tuple(r) for r in spark.sql(f"SELECT * FROM {schema}.lead_scores").collect())
    want = run_files(model, leads_path, events_path, AS_OF, DataOptions(), report=lambda _n: None)
    assert got == sorted(tuple(r.row().values()) for r in want)
