from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server for the session (None when it cannot start: tests call need())."""
    from sql import pg

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
