"""End to end with a real `leadrules serve`: an event moves a lead into SQL; the fake HubSpot
receives tier = SQL and the previous tier; the `webhook` action arrives exactly once, correctly
signed, although the receiver failed its first two attempts. A receiver down for good ends in
the dead letters, and `leadrules outbox retry` delivers it once it is back."""

from __future__ import annotations

import time

import pytest
from click.testing import CliRunner
from fakes.hubspot_crm import FakeHubSpot
from fakes.receiver import Receiver
from serve.harness import ServeProcess

from leadrules.cli import main
from tests.sinks.helpers import RULES

SECRET = "whsec-e2e"
TOKEN = "hs-e2e-token"
MAYA = {"company_size": 120, "role": "CTO", "industry": "SaaS", "country": "IL"}


def until(condition, timeout=30.0, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.fixture
def setup(tmp_path, db_url):
    """A serve process with a HubSpot sink and a webhook action, on each store backend."""

    def make(receiver_url: str, hubspot_url: str, attempts: int = 8):
        rules = tmp_path / "rules.lrules"
        text = open(RULES, encoding="utf-8").read().split("test ")[0]
        rules.write_text(text + f'\non enter SQL:\n  webhook "{receiver_url}"\n')
        config = tmp_path / "serve.toml"
        config.write_text(
            f'[sinks.hubspot]\nbase_url = "{hubspot_url}"\nid_attribute = "email"\n'
            f"[delivery]\nmax_attempts = {attempts}\nbackoff_base = 0.2\nbackoff_max = 0.5\n"
        )
        db = db_url
        env = {"HUBSPOT_TOKEN": TOKEN, "LEADRULES_WEBHOOK_SECRET": SECRET}
        return ServeProcess(rules, db, "--config", str(config), env=env), db

    return make


def move_into_sql(server: ServeProcess, lead: str, email: str) -> None:
    with server.client() as c:
        r = c.put(f"/v1/leads/{lead}", json={"attributes": {**MAYA, "email": email}})
        assert r.status_code == 200, r.text
        assert r.json()["tier"] == "warm"  # 70 fit, -15 for no activity
        event = {"id": f"q-{lead}", "lead_id": lead, "event": "form_submit"}
        r = c.post("/v1/events", json={**event, "properties": {"form": "quote"}})
        assert r.status_code == 200, r.text
        assert r.json()["leads"][0]["tier"] == "SQL"


def test_an_event_moves_a_lead_into_sql_and_every_destination_hears_once(setup):
    with FakeHubSpot(token=TOKEN) as hubspot, Receiver(SECRET, fail_first=2) as receiver:
        server, _ = setup(receiver.url, hubspot.url)
        server.start()
        try:
            stderr = "".join(server.stderr)
            assert "action webhook: leadrules, as a signed POST" in stderr
            move_into_sql(server, "42", "maya@bigcorp.com")
            props = until(
                lambda: (
                    hubspot.contacts.get("maya@bigcorp.com", {}).get("leadrules_tier") == "SQL"
                    and hubspot.contacts["maya@bigcorp.com"]
                ),
                what="HubSpot to hear tier = SQL",
            )
            assert props["leadrules_previous_tier"] == "warm"
            assert props["leadrules_score"] == "110"
            assert props["leadrules_fit"] == "70" and props["leadrules_engagement"] == "40"
            until(lambda: receiver.deliveries, what="the webhook")
            time.sleep(1.0)  # any duplicate would arrive meanwhile
        finally:
            assert server.stop() == 0
    assert receiver.attempts == 3 and receiver.bad_signatures == 0
    (body,) = receiver.deliveries
    assert body["lead_id"] == "42" and body["type"] == "tier.entered"
    assert (body["old_tier"], body["new_tier"], body["score"]) == ("warm", "SQL", 110)
    assert body["groups"] == {"fit": 70, "engagement": 40}
    assert body["model"]["name"] == "B2B SaaS" and body["model"]["hash"]
    assert set(body["rules"]) == {"fit/1", "fit/4", "fit/7", "fit/8", "engagement/7"}
    assert hubspot.bad_requests == []


def test_a_receiver_down_for_good_is_dead_until_outbox_retry(setup):
    with FakeHubSpot(token=TOKEN) as hubspot, Receiver(SECRET, down=True) as receiver:
        server, db = setup(receiver.url, hubspot.url, attempts=3)
        server.start()
        try:
            move_into_sql(server, "7", "dana@acme.io")

            def dead():
                out = CliRunner().invoke(main, ["outbox", "list", "--db", db, "--status", "dead"])
                return "webhook" in out.output and out.output

            listing = until(dead, what="a dead delivery")
            assert "HTTP 503" in listing and "after 3 attempts" in listing
            assert receiver.attempts == 3
            dead_id = listing.splitlines()[1].split()[0]
            receiver.down = False
            result = CliRunner().invoke(main, ["outbox", "retry", "--db", db, dead_id])
            assert result.exit_code == 0 and "re-queued 1 delivery" in result.output
            until(lambda: receiver.deliveries, what="the retried webhook")
            time.sleep(1.0)
        finally:
            assert server.stop() == 0
    assert len(receiver.deliveries) == 1 and receiver.deliveries[0]["lead_id"] == "7"
    assert hubspot.contacts["dana@acme.io"]["leadrules_tier"] == "SQL"
