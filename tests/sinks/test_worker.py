"""The delivery worker over an outbox (the serve store's interface; here in memory): a webhook
arrives once, signed, although the receiver failed twice; a receiver down for good ends in the
dead letters, and a re-queue delivers it once it is back; CRM updates are coalesced."""

from __future__ import annotations

import threading
import time

import pytest
from fakes.hubspot_crm import FakeHubSpot
from fakes.receiver import Receiver

from leadrules.sinks.actions import OutboxItem
from leadrules.sinks.config import parse_config
from leadrules.sinks.worker import run_worker
from tests.sinks.fake_store import FakeStore

SECRET = "whsec-worker"
TOKEN = "hs-test-token"


@pytest.fixture(autouse=True)
def env(monkeypatch):
    monkeypatch.setenv("LEADRULES_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("HUBSPOT_TOKEN", TOKEN)


def cfg(extra: str = "", attempts: int = 8):
    import tomllib

    text = f"[delivery]\nmax_attempts = {attempts}\nbackoff_base = 0.05\nbackoff_max = 0.2\n"
    return parse_config(tomllib.loads(text + extra))


def hook(url: str, key: str = "k1") -> OutboxItem:
    body = {"id": key, "type": "tier.entered", "lead_id": "42", "new_tier": "SQL"}
    return OutboxItem("webhook", "webhook", {"url": url, "body": body}, key)


def until(condition, timeout=15.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


class Running:
    def __init__(self, store, config):
        self.stop = threading.Event()
        self.thread = threading.Thread(
            target=run_worker, args=(store, config, self.stop), kwargs={"idle": 0.02}
        )

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=10)
        assert not self.thread.is_alive()


def test_a_webhook_arrives_once_signed_after_two_failures():
    store = FakeStore()
    with Receiver(SECRET, fail_first=2) as receiver, Running(store, cfg()):
        row = store.add("42", hook(receiver.url))
        until(lambda: store.rows[row]["status"] == "delivered")
    assert receiver.attempts == 3
    assert list(receiver.accepted) == ["k1"] and len(receiver.deliveries) == 1
    assert receiver.deliveries[0]["new_tier"] == "SQL"
    assert receiver.bad_signatures == 0
    assert store.rows[row]["attempts"] == 3  # two failed attempts, then the good one


def test_a_receiver_down_for_good_is_dead_then_retried_by_hand():
    store = FakeStore()
    with Receiver(SECRET, down=True) as receiver, Running(store, cfg(attempts=3)):
        row = store.add("42", hook(receiver.url))
        until(lambda: store.rows[row]["status"] == "dead")
        assert receiver.attempts == 3
        assert "HTTP 503" in store.rows[row]["last_error"]
        assert "after 3 attempts" in store.rows[row]["last_error"]
        dead = store.list_outbox("dead")
        assert [r["id"] for r in dead] == [row]
        receiver.down = False
        store.requeue([row])
        until(lambda: store.rows[row]["status"] == "delivered")
    assert len(receiver.deliveries) == 1 and list(receiver.accepted) == ["k1"]


def test_a_missing_secret_is_a_dead_letter_with_the_reason(monkeypatch):
    monkeypatch.delenv("LEADRULES_WEBHOOK_SECRET")
    store = FakeStore()
    with Running(store, cfg()):
        row = store.add("42", hook("http://127.0.0.1:9/never"))
        until(lambda: store.rows[row]["status"] == "dead")
    assert "LEADRULES_WEBHOOK_SECRET" in store.rows[row]["last_error"]


def test_crm_updates_of_one_lead_are_coalesced_and_permanent_errors_die_at_once():
    with FakeHubSpot(token=TOKEN, known={"a@x.io"}) as fake:
        config = cfg(f'[sinks.hubspot]\nbase_url = "{fake.url}"\n')
        store = FakeStore()

        def props(contact, score):
            payload = {
                "lead_id": contact,
                "contact": contact,
                "properties": {"leadrules_score": str(score)},
            }
            return OutboxItem("hubspot", "properties", payload, f"{contact}-{score}")

        rows = [store.add("1", props("a@x.io", s)) for s in (10, 20, 30)]
        gone = store.add("2", props("gone@x.io", 5))
        with Running(store, config):
            until(lambda: all(store.rows[r]["status"] != "pending" for r in [*rows, gone]))
    assert [store.rows[r]["status"] for r in rows] == ["delivered"] * 3
    assert fake.updates["a@x.io"] == 1 and fake.contacts["a@x.io"]["leadrules_score"] == "30"
    assert store.rows[gone]["status"] == "dead"
    assert "OBJECT_NOT_FOUND" in store.rows[gone]["last_error"]
    assert store.rows[gone]["attempts"] == 1


def test_rows_in_serves_own_shape_are_delivered():
    """`serve` writes `crm` rows (score, groups, tier, previous tier) and action rows; the
    contact id and the model hash come from the store's lead."""
    store = FakeStore()
    store.leads = {"42": {"attributes": {"email": "maya@bigcorp.com"}, "model_hash": "h1"}}
    base = {
        "lead_id": "42",
        "score": 85,
        "groups": {"fit": 45, "engagement": 40},
        "tier": "SQL",
        "previous_tier": "MQL",
        "at": "2026-11-30T08:00:00Z",
        "cause": "event",
    }
    with FakeHubSpot(token=TOKEN) as fake, Receiver(SECRET) as receiver:
        config = cfg(f'[sinks.hubspot]\nbase_url = "{fake.url}"\nid_attribute = "email"\n')
        crm = store.add_row("42", "hubspot", "crm", {**base, "properties": {}}, "42:7:0")
        action = {"kind": "webhook", "args": [receiver.url]}
        hook = store.add_row("42", "webhook", "webhook", {**base, "action": action}, "42:7:1")
        s = {"kind": "set", "args": ["lifecycle_stage", "salesqualifiedlead"]}
        setter = store.add_row("42", "hubspot", "set", {**base, "action": s}, "42:7:2")
        delay = store.add_row("42", "worker", "delay", {**base, "action": {}}, "42:7:3")
        with Running(store, config):
            until(
                lambda: all(
                    store.rows[r]["status"] == "delivered" for r in (crm, hook, setter, delay)
                )
            )
    assert fake.contacts["maya@bigcorp.com"] == {
        "leadrules_score": "85",
        "leadrules_fit": "45",
        "leadrules_engagement": "40",
        "leadrules_tier": "SQL",
        "leadrules_previous_tier": "MQL",
        "lifecycle_stage": "salesqualifiedlead",
    }
    (body,) = receiver.deliveries
    assert body["type"] == "tier.entered" and body["new_tier"] == "SQL"
    assert body["old_tier"] == "MQL" and body["model"]["hash"] == "h1"
    assert receiver.bad_signatures == 0


def test_an_older_state_back_from_a_retry_never_overwrites_a_newer_one():
    with FakeHubSpot(token=TOKEN) as fake:
        config = cfg(f'[sinks.hubspot]\nbase_url = "{fake.url}"\n')
        store = FakeStore()

        def props(score):
            payload = {"lead_id": "1", "contact": "a@x.io", "properties": {"s": str(score)}}
            return OutboxItem("hubspot", "properties", payload, f"k{score}")

        fake.flaky = {"a@x.io": 1}  # the first attempt (score 10) fails, retried later
        old = store.add("1", props(10))
        with Running(store, config):
            until(lambda: store.rows[old]["attempts"] == 1 and not store.rows[old]["claimed"])
            new = store.add("1", props(20))
            until(lambda: all(store.rows[r]["status"] == "delivered" for r in (old, new)))
    assert fake.contacts["a@x.io"]["s"] == "20"
