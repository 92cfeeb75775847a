"""The DuckDB engine over files: the interpreter's rows for CSV, JSON Lines and Parquet, and the
interpreter's errors for bad rows (line numbers included)."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from sql.gen import AS_OF, ROLE_COLUMN, datasets, models
from sql.test_equivalence import load

from leadrules.data import DataError
from leadrules.engine import DataOptions
from leadrules.engine import duckdb as engine
from leadrules.engine.python import run_files as python_run

LEAD_COLUMNS = ["lead_id", "size", ROLE_COLUMN, "email", "vip", "signup"]
EVENT_COLUMNS = ["lead_id", "event", "occurred_at", "url", "n", "amount"]


def cell(v):
    if isinstance(v, dt.datetime):
        return v.isoformat().replace("+00:00", "Z")
    if isinstance(v, bool):
        return "true" if v else "false"
    return v


def write(path, rows, columns, fmt):
    names = {ROLE_COLUMN: "role", "occurred_at": "occurred_at"}
    records = [{c: cell(r.get(names.get(c, c))) for c in columns} for r in rows]
    if fmt == "csv":
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(columns)
            w.writerows([["" if r[c] is None else r[c] for c in columns] for r in records])
    elif fmt == "jsonl":
        with open(path, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(r) + "\n" for r in records)
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table({c: [r[c] for r in records] for c in columns}), path)


def both(model, leads, events):
    quiet = []
    want = python_run(model, leads, events, AS_OF, DataOptions(), report=quiet.append)
    notes = []
    got = engine.run_duckdb(model, leads, events, AS_OF, DataOptions(), notes.append)
    return sorted(got, key=lambda r: r.lead_id), sorted(want, key=lambda r: r.lead_id), notes, quiet


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=models(), data=datasets())
def test_duckdb_engine_reads_files_like_the_interpreter(fmt, text, data, tmp_path):
    model = load(text)
    leads, events = data
    lp, ep = tmp_path / f"leads.{fmt}", tmp_path / f"events.{fmt}"
    write(lp, leads, LEAD_COLUMNS, fmt)
    write(ep, events, EVENT_COLUMNS, fmt)
    got, want, notes, python_notes = both(model, str(lp), str(ep))
    assert got == want
    assert notes == python_notes


BAD = [
    ("lead_id,size\n1,10\n2,ten\n", "event x\nlead size: number\nx: +1\n", "leads"),
    ("lead_id,size\n1,10\n1,11\n", "event x\nlead size: number\nx: +1\n", "leads"),
    ("lead_id,flag\n1,yes\n2,maybe\n", "event x\nlead flag: bool\nx: +1\n", "leads"),
    # forms DuckDB's own BOOLEAN cast accepts and the Python readers do not
    ("lead_id,flag\n1,yes\n2,t\n", "event x\nlead flag: bool\nx: +1\n", "leads"),
    ("lead_id,flag\n1,no\n2,off\n", "event x\nlead flag: bool\nx: +1\n", "leads"),
    ("lead_id,size\n1,10\n2,inf\n", "event x\nlead size: number\nx: +1\n", "leads"),
    ("lead_id,size\n1,10\n2,1_000\n", "event x\nlead size: number\nx: +1\n", "leads"),
]


@pytest.mark.parametrize("leads_csv, rules, _which", BAD)
def test_a_bad_lead_row_fails_with_the_interpreters_message(leads_csv, rules, _which, tmp_path):
    (tmp_path / "m.lrules").write_text(rules)
    (tmp_path / "leads.csv").write_text(leads_csv)
    (tmp_path / "events.csv").write_text("lead_id,event,occurred_at\n1,x,2025-01-01\n")
    model = load(rules)
    args = (model, str(tmp_path / "leads.csv"), str(tmp_path / "events.csv"), AS_OF, DataOptions())
    with pytest.raises(DataError) as python_error:
        python_run(*args)
    import duckdb

    with pytest.raises((engine.Problem, duckdb.Error)):
        engine.run_duckdb(*args, report=print)  # DuckDB sees it before scoring ...
    with pytest.raises(DataError) as duckdb_error:
        engine.run_files(*args)  # ... and the interpreter's reader words it
    assert str(duckdb_error.value) == str(python_error.value)
    assert ":3:" in str(duckdb_error.value)


@pytest.mark.parametrize(
    "events_csv",
    [
        "lead_id,event,occurred_at,url\n1,view,2025-01-01,/a\n1,view,yesterday,/b\n",
        "lead_id,event,occurred_at,url\n1,view,2025-01-01,/a\n,view,2025-01-01,/b\n",
        "lead_id,event,occurred_at,url\n1,view,2025-01-01,/a\n1,view,2025-01-01,/b,extra\n",
        "lead_id,event,occurred_at\n1,view,2025-01-01\n",
    ],
)
def test_a_bad_event_row_or_missing_column_fails_like_the_interpreter(events_csv, tmp_path):
    rules = 'event view(url: text)\nview where url contains "/a": +1\n'
    (tmp_path / "leads.csv").write_text("lead_id\n1\n")
    (tmp_path / "events.csv").write_text(events_csv)
    model = load(rules)
    args = (model, str(tmp_path / "leads.csv"), str(tmp_path / "events.csv"), AS_OF, DataOptions())
    with pytest.raises(DataError) as python_error:
        python_run(*args)
    with pytest.raises(DataError) as duckdb_error:
        engine.run_files(*args)
    assert str(duckdb_error.value) == str(python_error.value)


def test_skip_bad_rows_scores_the_rest_like_the_interpreter(tmp_path):
    rules = "event view(url: text)\nlead size: number\neach view: +1\nsize > 1: +5\n"
    (tmp_path / "leads.csv").write_text("lead_id,size\n1,2\n2,x\n3,0\n")
    (tmp_path / "events.csv").write_text(
        "lead_id,event,occurred_at,url\n1,view,2025-01-01,/a\n3,view,nope,/b\n3,view,2025-02-01,/c\n"
    )
    model = load(rules)
    options = DataOptions(skip_bad_rows=True)
    args = (model, str(tmp_path / "leads.csv"), str(tmp_path / "events.csv"), AS_OF, options)
    a, b = [], []
    assert engine.run_files(*args, report=a.append) == python_run(*args, report=b.append)
    assert a == b and any("skipped" in n for n in a)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=models(), data=datasets())
def test_properties_in_one_json_column(fmt, text, data, tmp_path):
    model = load(text)
    leads, events = data
    lp, ep = tmp_path / "leads.csv", tmp_path / f"events.{fmt}"
    write(lp, leads, LEAD_COLUMNS, "csv")
    records = [
        {
            "lead_id": e["lead_id"],
            "event": e["event"],
            "occurred_at": cell(e["occurred_at"]),
            "props": {k: e[k] for k in ("url", "n", "amount") if e[k] is not None},
        }
        for e in events
    ]
    if fmt == "csv":
        with open(ep, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["lead_id", "event", "occurred_at", "props"])
            w.writerows(
                [
                    [r["lead_id"], r["event"], r["occurred_at"], json.dumps(r["props"])]
                    for r in records
                ]
            )
    else:
        with open(ep, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(r) + "\n" for r in records)
    options = DataOptions(properties_column="props")
    want = python_run(model, str(lp), str(ep), AS_OF, options, report=lambda _n: None)
    got = engine.run_duckdb(model, str(lp), str(ep), AS_OF, options, lambda _n: None)
    assert sorted(got, key=lambda r: r.lead_id) == sorted(want, key=lambda r: r.lead_id)
