from __future__ import annotations

import pytest
from conftest import need
from serve.harness import ROOT, ServeProcess, pg_url

B2B = ROOT / "examples" / "b2b_saas.lrules"


@pytest.fixture
def serve_factory():
    started: list[ServeProcess] = []

    def make(rules=B2B, db=None, *extra, env=None) -> ServeProcess:
        p = ServeProcess(rules, db, *extra, env=env)
        started.append(p)
        return p

    yield make
    for p in started:
        p.kill()


@pytest.fixture
def server(serve_factory, db_url):
    return serve_factory(B2B, db_url).start()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def shared(request, tmp_path_factory):
    """One server per backend for a whole module: (server, db_url). Tests using it keep to
    their own lead ids."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('shared') / 'store.db'}"
    else:
        server = request.getfixturevalue("pg_server")
        need(not isinstance(server, Exception), f"PostgreSQL server: {server}")
        import psycopg

        with psycopg.connect(server.conninfo, autocommit=True) as conn:
            url = pg_url(server, conn)
    process = ServeProcess(B2B, url).start()
    yield process, url
    process.kill()
