"""`leadrules outbox list|retry` over a store (here the in-memory outbox; the end-to-end tests
use a real `serve` store)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from leadrules.cli import main
from leadrules.sinks.actions import OutboxItem
from tests.sinks.fake_store import FakeStore


@pytest.fixture
def store(monkeypatch):
    s = FakeStore()
    monkeypatch.setattr("leadrules.commands.outbox._open", lambda url: s)
    for n in range(3):
        s.add(str(n), OutboxItem("webhook", "webhook", {"url": "u", "body": {}}, f"k{n}"))
    s.mark_delivered(1)
    s.mark_dead(2, "HTTP 503: down (after 8 attempts)")
    return s


def run(*args):
    return CliRunner().invoke(main, ["outbox", *args, "--db", "sqlite:///x.db"])


def test_list_shows_status_attempts_and_the_last_error(store):
    result = run("list")
    assert result.exit_code == 0, result.output
    assert "HTTP 503: down (after 8 attempts)" in result.output
    assert "1 dead, 1 delivered, 1 pending" in result.output
    dead = run("list", "--status", "dead", "--format", "json")
    rows = [json.loads(line) for line in dead.output.splitlines()]
    assert [r["id"] for r in rows] == [2] and rows[0]["status"] == "dead"


def test_retry_requeues_dead_ones_and_never_a_delivered_one(store):
    result = run("retry", "2", "1")
    assert result.exit_code == 0, result.output
    assert "re-queued 1 delivery" in result.output
    assert "delivery 1 was delivered already" in result.stderr
    assert store.rows[2]["status"] == "pending" and store.rows[1]["status"] == "delivered"
    store.mark_dead(3, "x")
    assert "re-queued 1 delivery" in run("retry", "--all-dead").output
    assert run("retry", "99").exit_code == 1
    assert run("retry").exit_code == 2


def test_a_missing_sqlite_store_is_an_error(tmp_path):
    result = CliRunner().invoke(main, ["outbox", "list", "--db", f"sqlite:///{tmp_path}/no.db"])
    assert result.exit_code == 1 and "no store at" in result.stderr
