"""`leadrules sync`: only changed leads are sent, a second run sends nothing, failures are
reported and retried on the next run, the state lives in SQLite or PostgreSQL."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from fakes.hubspot_crm import FakeHubSpot

from leadrules.cli import main
from tests.sinks.helpers import AS_OF, RULES, email, expected, hubspot_config, write_data

TOKEN = "hs-test-token"


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("TEST_HUBSPOT_TOKEN", TOKEN)


def sync(tmp_path, leads, events, config, *extra, state=None):
    state = state or f"sqlite:///{tmp_path / 'state.db'}"
    args = ["sync", RULES, "--leads", leads, "--events", events, "--to", "hubspot"]
    args += ["--config", config, "--state", state, "--as-of", AS_OF, *extra]
    return CliRunner().invoke(main, args)


def test_sync_sends_exactly_the_changed_leads_then_nothing(tmp_path, env):
    leads, events = write_data(tmp_path, 300)
    with FakeHubSpot(token=TOKEN) as fake:
        config = hubspot_config(tmp_path, fake.url)
        first = sync(tmp_path, leads, events, config)
        assert first.exit_code == 0, first.output
        assert "300 changed (300 new, 0 updated)" in first.output
        assert fake.requests == 3 and sum(fake.updates.values()) == 300
        want = expected(leads, events)
        for lead, r in want.items():
            props = fake.contacts[email(int(lead))]
            assert props["leadrules_score"] == str(r.score)
            assert props["leadrules_tier"] == (r.tier or "")
            assert props["leadrules_fit"] == str(r.group("fit"))
            assert "leadrules_previous_tier" not in props  # unknown on a first sync

        boosted = {3, 50, 77, 299}
        leads, events = write_data(tmp_path, 300, boosted)
        before = dict(fake.updates)
        second = sync(tmp_path, leads, events, config)
        assert second.exit_code == 0, second.output
        sent = {c for c, n in fake.updates.items() if n != before.get(c, 0)}
        assert sent == {email(i) for i in boosted}
        assert all(fake.updates[email(i)] == 2 for i in boosted)
        now = expected(leads, events)
        for i in boosted:
            props = fake.contacts[email(i)]
            assert props["leadrules_score"] == str(now[str(i)].score)
            old, new = want[str(i)].tier, now[str(i)].tier
            if old != new:
                assert props["leadrules_previous_tier"] == (old or "")

        requests = fake.requests
        third = sync(tmp_path, leads, events, config)
        assert third.exit_code == 0 and "nothing to send" in third.output
        assert fake.requests == requests


def test_dry_run_prints_the_plan_and_sends_nothing(tmp_path, env):
    leads, events = write_data(tmp_path, 20)
    with FakeHubSpot(token=TOKEN) as fake:
        config = hubspot_config(tmp_path, fake.url)
        result = sync(tmp_path, leads, events, config, "--dry-run")
        assert fake.requests == 0
    assert result.exit_code == 0, result.output
    assert "20 changed (20 new, 0 updated)" in result.output
    sample = result.output.split("sample payload:\n", 1)[1].rsplit("dry run", 1)[0]
    assert json.loads(sample)["contact"] == email(0)
    again = sync(tmp_path, leads, events, config, "--dry-run")
    assert "20 changed" in again.output  # a dry run confirms nothing


def test_failures_exit_1_with_reasons_and_are_retried_next_run(tmp_path, env):
    leads, events = write_data(tmp_path, 30)
    with FakeHubSpot(token=TOKEN, known={email(i) for i in range(30)} - {email(4)}) as fake:
        fake.flaky = {email(7): 2}
        fake.fail_first = 1
        config = hubspot_config(tmp_path, fake.url)
        result = sync(tmp_path, leads, events, config)
        assert result.exit_code == 1
        assert "failed 1" in result.output
        assert f"failed: lead 4: OBJECT_NOT_FOUND: No contact {email(4)}" in result.stderr
        assert fake.updates[email(7)] == 1  # retried per input until it went through
        fake.known.add(email(4))
        before = dict(fake.updates)
        again = sync(tmp_path, leads, events, config)
        assert again.exit_code == 0, again.output
        assert {c for c, n in fake.updates.items() if n != before.get(c, 0)} == {email(4)}


def test_the_configured_rate_is_never_exceeded(tmp_path, env):
    """15 requests at 10 per rolling 10 s: the sync waits instead of drawing a 429."""
    leads, events = write_data(tmp_path, 300)
    with FakeHubSpot(token=TOKEN, per_10s=10) as fake:
        config = hubspot_config(tmp_path, fake.url, requests_per_10s=10, batch_size=20)
        result = sync(tmp_path, leads, events, config)
        assert result.exit_code == 0, result.output
        assert fake.requests == 15
        assert fake.rejected == {} and fake.window.most <= 10


def test_config_errors_are_messages_not_tracebacks(tmp_path, env, monkeypatch):
    leads, events = write_data(tmp_path, 3)
    bad = tmp_path / "bad.toml"
    bad.write_text("[sinks.hubspot]\nid_attribute = 'mail'\n")
    result = sync(tmp_path, leads, events, str(bad))
    assert result.exit_code == 1
    assert "id_attribute = 'mail' is not a lead attribute" in result.stderr
    bad.write_text("[sinks.hubspt]\n")
    assert "unknown sink [sinks.hubspt]" in sync(tmp_path, leads, events, str(bad)).stderr
    config = hubspot_config(tmp_path, "http://127.0.0.1:9")
    monkeypatch.delenv("TEST_HUBSPOT_TOKEN")
    result = sync(tmp_path, leads, events, config)
    assert result.exit_code == 1 and "TEST_HUBSPOT_TOKEN" in result.stderr


@pytest.mark.postgres
def test_the_state_can_live_in_postgresql(tmp_path, env, pg, pg_server):
    pg.execute("DROP TABLE IF EXISTS leadrules_sync_state")
    url = f"postgresql:///postgres?host={pg_server.root}&port=5432&user=postgres"
    leads, events = write_data(tmp_path, 40)
    with FakeHubSpot(token=TOKEN) as fake:
        config = hubspot_config(tmp_path, fake.url)
        assert sync(tmp_path, leads, events, config, state=url).exit_code == 0
        assert sync(tmp_path, leads, events, config, state=url).exit_code == 0
        assert fake.requests == 1
    rows = pg.execute("SELECT count(*) FROM leadrules_sync_state").fetchone()[0]
    assert rows == 40
