"""A full disk: an event that cannot be stored gets a clear problem+json 503, nothing of its
request is stored, and the service works again once space returns.

The disk is made full without root: SQLite's `max_page_count` caps the database's size, so a
write past it fails with SQLITE_FULL ("database or disk is full"), the error a full disk gives.
A full disk at COMMIT (after the statements succeeded) is injected at the store layer as an
OSError(ENOSPC)."""

from __future__ import annotations

import errno
from contextlib import contextmanager

from serve.harness import ROOT
from starlette.testclient import TestClient

from leadrules.check import check
from leadrules.serve.app import Api, build_app
from leadrules.serve.service import Service
from leadrules.store import is_full, open_store

B2B = ROOT / "examples" / "b2b_saas.lrules"
AUTH = {"Authorization": "Bearer t"}


def app(store):
    result = check(str(B2B))
    service = Service(store, result.model, result.sources)
    return service, TestClient(build_app(Api(service, ("t",), no_auth=False)))


def batch(prefix: str, n: int = 500) -> list[dict]:
    return [
        {
            "id": f"{prefix}{i}",
            "lead_id": f"{prefix}{i % 50}",
            "event": "page_view",
            "properties": {"url": "/pricing?" + "x" * 1000},
        }
        for i in range(n)
    ]


def counts(store) -> tuple:
    with store.transaction() as tx:
        return (
            tx.count_events(),
            tx.one("SELECT COUNT(*) FROM leads")[0],
            tx.one("SELECT COUNT(*) FROM history")[0],
        )


def test_a_full_disk_is_a_503_stores_nothing_and_the_service_recovers(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    service, client = app(store)
    r = client.post(
        "/v1/events", json={"id": "a", "lead_id": "1", "event": "form_submit"}, headers=AUTH
    )
    assert r.status_code == 200
    lead_before = client.get("/v1/leads/1", headers=AUTH).json()
    before = counts(store)
    with store.lock:
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full
    full = batch("f") + [{"id": "b", "lead_id": "1", "event": "page_view"}]
    r = client.post("/v1/events", json=full, headers=AUTH)
    assert r.status_code == 503, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["retry-after"] == "60"
    body = r.json()
    assert body["type"].endswith("/store-full") and body["title"] == "store full"
    assert "nothing of this request was stored" in body["detail"]
    assert counts(store) == before  # no event, lead, history row of the request
    assert client.get("/v1/leads/1", headers=AUTH).json() == lead_before
    assert client.get("/v1/leads/f1", headers=AUTH).status_code == 404
    # reads still work while the disk is full
    assert client.get("/healthz").status_code == 200
    with store.lock:
        store.conn.execute("PRAGMA max_page_count = 1073741823")  # space is back
    r = client.post("/v1/events", json=full, headers=AUTH)
    assert r.status_code == 200, r.text
    assert {x["status"] for x in r.json()["results"]} == {"accepted"}  # none half-stored
    assert counts(store)[0] == before[0] + len(full)


class FullAtCommit:
    """A store whose COMMIT fails with ENOSPC while `full` is set (the statements succeed:
    the disk fills up between them and the commit's write)."""

    def __init__(self, store):
        self.store = store
        self.full = False

    def __getattr__(self, name):
        return getattr(self.store, name)

    @contextmanager
    def transaction(self):
        with self.store.transaction() as tx:
            yield tx
            if self.full:
                raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_at_commit_stores_nothing_and_is_reported(tmp_path):
    store = FullAtCommit(open_store(f"sqlite:///{tmp_path / 's.db'}"))
    service, client = app(store)
    before = counts(store.store)
    store.full = True
    r = client.post("/v1/events", json=batch("c", 20), headers=AUTH)
    assert r.status_code == 503 and r.json()["type"].endswith("/store-full")
    assert counts(store.store) == before
    store.full = False
    r = client.post("/v1/events", json=batch("c", 20), headers=AUTH)
    assert {x["status"] for x in r.json()["results"]} == {"accepted"}


def test_is_full_knows_the_errors_of_both_backends():
    import sqlite3

    import psycopg

    e = sqlite3.OperationalError("database or disk is full")
    e.sqlite_errorcode = 13
    assert is_full(e)
    assert is_full(psycopg.errors.DiskFull("could not extend file"))
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        assert is_full(outer)
    assert not is_full(sqlite3.OperationalError("database is locked"))
    assert not is_full(OSError(errno.EACCES, "denied"))
