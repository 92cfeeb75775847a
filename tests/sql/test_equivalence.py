"""The compiled SQL gives the interpreter's scores on real engines, for random models and data."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from sql import engines
from sql.gen import AS_OF, datasets, models

import leadrules

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def load(text: str):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "generated.lrules"
        path.write_text(text, encoding="utf-8")
        return leadrules.load(str(path))


def check(dialect, text, data, conn=None):
    model = load(text)
    leads, events = data
    want = engines.expected(model, leads, events, AS_OF)
    got, _inputs = engines.run(dialect, model, leads, events, AS_OF, conn=conn)
    assert got == want, text


@pytest.mark.parametrize("dialect", ["duckdb", "sqlite"])
@SETTINGS
@given(text=models(), data=datasets())
def test_embedded_engines_agree_with_the_interpreter(dialect, text, data):
    check(dialect, text, data)


@pytest.mark.postgres
@SETTINGS
@given(text=models(), data=datasets())
def test_postgres_agrees_with_the_interpreter(pg, text, data):
    schema = "t_" + uuid.uuid4().hex[:12]
    with pg.cursor() as cur:
        cur.execute(f"CREATE SCHEMA {schema}")
        cur.execute(f"SET search_path TO {schema}")
    try:
        check("postgres", text, data, conn=pg)
    finally:
        with pg.cursor() as cur:
            cur.execute(f"DROP SCHEMA {schema} CASCADE")
