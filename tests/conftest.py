"""Shared test helpers.

`need(condition, reason)`: a test that needs something this machine may lack (a PostgreSQL
server, Chromium, dbt) skips locally but FAILS when LEADRULES_REQUIRE_ALL=1, which `.ci/run` sets,
so CI can never pass by skipping.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
REQUIRE_ALL = os.environ.get("LEADRULES_REQUIRE_ALL") == "1"


def need(condition: bool, reason: str) -> None:
    if condition:
        return
    if REQUIRE_ALL:
        pytest.fail(f"required in CI (LEADRULES_REQUIRE_ALL=1): {reason}")
    pytest.skip(reason)


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture(scope="session")
def pg_server():
    """One PostgreSQL server for the whole run, shared by every suite.

    The exception instead when it cannot start: tests call need()."""
    import pg

    try:
        server = pg.start()
    except (OSError, Exception) as e:  # noqa: BLE001 - reported through need() by the tests
        yield e
        return
    yield server
    server.stop()


@pytest.fixture
def pg(pg_server):
    """A connection (autocommit) to the session's PostgreSQL server."""
    from conftest import need

    need(not isinstance(pg_server, Exception), f"PostgreSQL server: {pg_server}")
    import psycopg

    with psycopg.connect(pg_server.conninfo, autocommit=True) as conn:
        yield conn


@pytest.fixture(scope="session")
def spark_server():
    """One local Spark session for the whole run (tests/spark_session.py), started on first use;
    the exception instead when it cannot start: tests call need()."""
    import spark_session

    try:
        session = spark_session.start()
    except Exception as e:  # noqa: BLE001 - reported through need() by the tests
        yield e
        return
    yield session
    spark_session.stop(session)


@pytest.fixture
def spark(spark_server):
    """The run's SparkSession, its session time zone reset to UTC."""
    need(not isinstance(spark_server, Exception), f"Spark (Java 17+, pyspark): {spark_server}")
    spark_server.conf.set("spark.sql.session.timeZone", "UTC")
    return spark_server


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path):
    """A fresh serve store URL on each backend (a new database on the run's PostgreSQL)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    server = request.getfixturevalue("pg_server")
    need(not isinstance(server, Exception), f"PostgreSQL server: {server}")
    import psycopg

    with psycopg.connect(server.conninfo, autocommit=True) as conn:
        from serve.harness import pg_url

        return pg_url(server, conn)
