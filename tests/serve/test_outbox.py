"""A tier transition writes its actions to the outbox with the new score; the store's outbox
methods (what the delivery worker and `leadrules outbox` use) on both backends."""

from __future__ import annotations

import datetime as dt

from serve.harness import ROOT

from leadrules.check import check
from leadrules.serve import actions
from leadrules.serve.config import Config
from leadrules.serve.service import Service
from leadrules.store import open_store

RULES = ROOT / "tests" / "serve" / "data" / "actions.lrules"
T0 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
CONFIG = Config(
    sinks={"hubspot": {"token_env": "HUBSPOT_TOKEN"}},
    actions={"task": "hubspot", "notify": "crm"},
)


def make(db_url, config=CONFIG):
    result = check(str(RULES))
    return Service(open_store(db_url), result.model, result.sources, config, clock=lambda: T0)


def test_transitions_write_their_actions_and_crm_updates(db_url, monkeypatch):
    monkeypatch.setattr(actions, "worker_available", lambda: True)  # delivery is not our test
    s = make(db_url)
    visit = {"lead_id": "1", "event": "visit", "occurred_at": "2026-03-01T11:00:00Z"}
    s.ingest([visit])  # None -> cold: a crm update, no action
    s.ingest([dict(visit, id="b")])  # cold -> hot: webhook, task, crm
    rows = s.store.list_outbox()
    assert [(r["sink"], r["kind"]) for r in rows] == [
        ("hubspot", "crm"),
        ("webhook", "webhook"),
        ("hubspot", "task"),
        ("hubspot", "crm"),
    ]
    hook = rows[1]["payload"]
    assert hook["action"] == {"kind": "webhook", "args": ["https://example.test/hooks/hot"]}
    assert (hook["tier"], hook["previous_tier"], hook["score"]) == ("hot", "cold", 20)
    assert rows[3]["payload"]["properties"] == {
        "leadrules_score": 20,
        "leadrules_engagement": 20,
        "leadrules_tier": "hot",
        "leadrules_previous_tier": "cold",
    }
    assert len({r["idempotency_key"] for r in rows}) == 4
    assert all(r["status"] == "pending" and r["attempts"] == 0 for r in rows)
    # `delay 1h` puts the task after it an hour later; the delay itself is no row
    assert [r["next_attempt_at"] - T0 for r in rows] == [dt.timedelta(0)] * 2 + [
        dt.timedelta(hours=1),
        dt.timedelta(0),
    ]
    assert rows[2]["payload"]["delay_seconds"] == 3600
    # `notify` runs in the CRM's own workflow: nothing queued on exit; a model change fires
    # no actions (without --fire-on-model-change), but the CRM still hears of the new score
    s.swap_model(s.model, {"x": "changed"})
    s.rescore_all("model")
    assert [r["kind"] for r in s.store.list_outbox()] == ["crm", "webhook", "task", "crm"]
    s.delete("1")
    assert s.store.list_outbox() == []


def test_outbox_claims_retries_dead_letters_and_requeue(db_url):
    s = make(db_url)
    for n in range(3):
        s.ingest([{"lead_id": str(n), "event": "visit", "occurred_at": "2026-03-01T11:00:00Z"}])
    store = s.store
    claimed = store.claim_due_outbox(2, T0)
    assert [r["attempts"] for r in claimed] == [1, 1]
    # claimed rows are leased: not claimed again until the lease ends
    rest = store.claim_due_outbox(10, T0)
    assert {r["id"] for r in rest}.isdisjoint(r["id"] for r in claimed) and len(rest) == 1
    store.mark_delivered(claimed[0]["id"], T0)
    store.mark_retry(claimed[1]["id"], T0 + dt.timedelta(seconds=30), "HTTP 429")
    store.mark_dead(rest[0]["id"], "HTTP 400: bad request")
    assert store.claim_due_outbox(10, T0 + dt.timedelta(seconds=29)) == []
    again = store.claim_due_outbox(10, T0 + dt.timedelta(seconds=30))
    assert [(r["id"], r["attempts"], r["last_error"]) for r in again] == [
        (claimed[1]["id"], 2, "HTTP 429")
    ]
    dead = store.list_outbox("dead")
    assert [r["last_error"] for r in dead] == ["HTTP 400: bad request"]
    assert [r["status"] for r in store.list_outbox("delivered")] == ["delivered"]
    assert store.requeue([dead[0]["id"], claimed[0]["id"]], T0) == 1  # a delivered row stays
    assert store.list_outbox("dead") == []
    assert store.claim_due_outbox(10, T0)[0]["id"] == dead[0]["id"]


def test_an_action_nobody_runs_is_a_startup_error():
    model = check(str(RULES)).model
    lines, errors = actions.check_runners(model, Config())
    assert any("no one runs `task` actions" in e for e in errors)
    assert any("no one runs `notify` actions" in e for e in errors)
    _lines, errors = actions.check_runners(model, CONFIG)
    if not actions.worker_available():
        assert all("delivery worker" in e for e in errors) and len(errors) == 2
    else:
        assert errors == []
