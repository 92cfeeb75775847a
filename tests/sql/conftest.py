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
