"""Group commit: units of work that arrive while a transaction runs commit together in the
next one, each in its own savepoint; every caller returns only after its unit committed."""

from __future__ import annotations

import datetime as dt
import errno
import threading
import time
from contextlib import contextmanager

import pytest
from serve.harness import ROOT

from leadrules.check import check
from leadrules.serve.commit import Committer
from leadrules.serve.service import Service
from leadrules.store import open_store

NOW = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)


def insert(event_id: str, fail: bool = False):
    def work(tx):
        tx.ensure_lead("L", NOW)
        stored = tx.insert_event(event_id, "L", "visit", NOW, {}, NOW)
        if fail:
            raise ValueError(f"{event_id} failed after writing")
        return stored

    return work


class Group:
    """A leader held inside its transaction until `release`, while others queue behind it."""

    def __init__(self, committer: Committer):
        self.committer = committer
        self.inside = threading.Event()
        self.go = threading.Event()
        self.outcomes: dict[str, object] = {}
        self.threads: list[threading.Thread] = []

    def lead(self):
        def work(tx):
            self.inside.set()
            assert self.go.wait(10)
            return insert("leader")(tx)

        self.submit("leader", work)
        assert self.inside.wait(10)

    def submit(self, name: str, work):
        def run():
            try:
                self.outcomes[name] = self.committer.run(work)
            except Exception as e:  # noqa: BLE001 - recorded for the test
                self.outcomes[name] = e

        t = threading.Thread(target=run)
        t.start()
        self.threads.append(t)

    def release(self, queued: int):
        deadline = time.monotonic() + 10
        while len(self.committer._queue) < queued and time.monotonic() < deadline:
            time.sleep(0.005)
        self.go.set()
        for t in self.threads:
            t.join(10)


def events(store) -> list[str]:
    with store.transaction() as tx:
        return sorted(e[0] for e in tx.all_events())


def test_queued_units_commit_together_and_a_failing_unit_alone_is_rolled_back(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    committer = Committer(store)
    assert committer.group  # SQLite: group commit
    g = Group(committer)
    g.lead()
    g.submit("a", insert("a"))
    g.submit("bad", insert("bad", fail=True))
    g.submit("b", insert("b"))
    g.submit("dup", insert("a"))  # the same event id as `a`, in the same group
    g.release(queued=4)
    assert g.outcomes["leader"] is True
    assert (g.outcomes["a"], g.outcomes["b"], g.outcomes["dup"]) == (True, True, False)
    assert isinstance(g.outcomes["bad"], ValueError)
    assert events(store) == ["a", "b", "leader"]  # `bad` wrote, failed, and left nothing
    assert committer.groups == 1 and committer.units == 4  # the four queued: one transaction


def test_a_failed_group_commit_fails_every_unit_of_the_group(tmp_path):
    real = open_store(f"sqlite:///{tmp_path / 's.db'}")

    class FullAtCommit:
        row_locks = False
        full = False

        @contextmanager
        def transaction(self):
            with real.transaction() as tx:
                yield tx
                if self.full:
                    raise OSError(errno.ENOSPC, "No space left on device")

    store = FullAtCommit()
    g = Group(Committer(store))
    g.lead()
    g.submit("a", insert("a"))
    g.submit("b", insert("b"))
    store.full = True  # the leader's transaction and the group's both fail at commit
    g.release(queued=2)
    assert all(isinstance(g.outcomes[k], OSError) for k in ("leader", "a", "b"))
    assert events(real) == []


def test_concurrent_single_events_are_all_stored_and_scored_once(tmp_path):
    result = check(str(ROOT / "examples" / "b2b_saas.lrules"))
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    service = Service(store, result.model, result.sources)
    answers: list[dict] = []

    def client(k: int):
        for i in range(k, 240, 12):
            body = {"id": f"e{i}", "lead_id": str(i % 7), "event": "page_view"}
            answers.append(service.ingest([body]))

    threads = [threading.Thread(target=client, args=(k,)) for k in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(answers) == 240
    assert all(a["results"][0]["status"] == "accepted" for a in answers)
    assert len(events(store)) == 240
    with store.transaction() as tx:  # one history row per change, none lost or doubled
        for lead in map(str, range(7)):
            scores = [h["score"] for h in tx.history(lead)]
            assert scores == sorted(scores) and len(scores) == len(set(scores))
    assert service.committer.units >= service.committer.groups


def test_without_group_commit_each_unit_has_its_transaction(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    committer = Committer(store, group=False)
    assert committer.run(insert("x")) is True
    with pytest.raises(ValueError):
        committer.run(insert("y", fail=True))
    assert events(store) == ["x"] and committer.groups == 0
