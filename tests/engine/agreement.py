"""Helpers for the engine agreement tests: files in every format, scored on both engines."""

from __future__ import annotations

import csv
import json

import pyarrow as pa
import pyarrow.parquet as pq

from leadrules.data import DataError
from leadrules.engine import DataOptions
from leadrules.engine import duckdb as duck
from leadrules.engine.python import run_files as python_run

FORMATS = ["csv", "jsonl", "parquet"]


def write(path, columns: list[str], rows: list[list], fmt: str, types: dict | None = None):
    """Rows (lists aligned with `columns`; None = empty cell / absent key / null) in `fmt`.
    `types` gives pyarrow types of Parquet columns (default: strings)."""
    if fmt == "csv":
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(columns)
            w.writerows([["" if v is None else v for v in row] for row in rows])
    elif fmt == "jsonl":
        with open(path, "w", encoding="utf-8") as f:
            for row in rows:
                obj = {c: v for c, v in zip(columns, row, strict=True) if v is not None}
                f.write(json.dumps(obj) + "\n")
    else:
        types = types or {}
        arrays = {
            c: pa.array([row[i] for row in rows], types.get(c, pa.string()))
            for i, c in enumerate(columns)
        }
        pq.write_table(pa.table(arrays), path)
    return str(path)


def summary(results) -> dict:
    return {r.lead_id: (r.groups, r.score, r.tier) for r in results}


def both(model, leads: str, events: str, as_of, options: DataOptions | None = None):
    """(DuckDB's results, the interpreter's), each with its notes; DuckDB must not hand over
    to the interpreter (a Problem or a DuckDB error fails the test)."""
    options = options or DataOptions()
    python_notes: list[str] = []
    want = python_run(model, leads, events, as_of, options, report=python_notes.append)
    duck_notes: list[str] = []
    got = duck.run_duckdb(model, leads, events, as_of, options, duck_notes.append)
    return (summary(got), duck_notes), (summary(want), python_notes)


def both_refuse(model, leads: str, events: str, as_of, options: DataOptions | None = None):
    """The message of the DataError both engines raise (the same one), and that DuckDB alone
    did not accept the data."""
    import duckdb
    import pytest

    options = options or DataOptions()
    with pytest.raises(DataError) as python_error:
        python_run(model, leads, events, as_of, options, report=lambda _n: None)
    with pytest.raises((duck.Problem, duckdb.Error)):
        duck.run_duckdb(model, leads, events, as_of, options, lambda _n: None)
    with pytest.raises(DataError) as duck_error:
        duck.run_files(model, leads, events, as_of, options, report=lambda _n: None)
    assert str(duck_error.value) == str(python_error.value)
    return str(python_error.value)
