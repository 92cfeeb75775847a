"""`sync --to smoove` (custom fields by id, list subscription by tier) and `sync --to webhook`
(signed batches)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from fakes.receiver import Receiver
from fakes.smoove import FakeSmoove

from leadrules.cli import main
from tests.sinks.helpers import AS_OF, RULES, email, expected, write_data

KEY = "smoove-test-key"
SECRET = "whsec-sync"


@pytest.fixture(autouse=True)
def env(monkeypatch):
    monkeypatch.setenv("SMOOVE_API_KEY", KEY)
    monkeypatch.setenv("LEADRULES_WEBHOOK_SECRET", SECRET)


def sync(tmp_path, to, leads, events, config):
    args = ["sync", RULES, "--leads", leads, "--events", events, "--to", to, "--config", config]
    args += ["--state", f"sqlite:///{tmp_path / 'state.db'}", "--as-of", AS_OF]
    return CliRunner().invoke(main, args)


def smoove_config(tmp_path, url: str, ids: str) -> str:
    path = tmp_path / "smoove.toml"
    path.write_text(
        f'[sinks.smoove]\nbase_url = "{url}"\nrequests_per_second = 8\n'
        f"field_ids = {{ {ids} }}\ntier_lists = {{ SQL = 77 }}\n"
        "[delivery]\nbackoff_base = 0.05\n"
    )
    return str(path)


IDS = '"Lead Score" = "i1", "Fit Score" = "i2", "Engagement Score" = "i3", tier = "i4"'


def test_sync_to_smoove_sets_custom_fields_and_lists(tmp_path):
    leads, events = write_data(tmp_path, 40)
    with FakeSmoove(token=KEY, per_second=8) as fake:
        config = smoove_config(tmp_path, fake.url, IDS)
        result = sync(tmp_path, "smoove", leads, events, config)
        assert result.exit_code == 0, result.output
        assert fake.rejected == 0 and fake.bad_requests == [] and fake.window.most <= 8
        want = expected(leads, events)
        for lead, r in want.items():
            fields = fake.contacts[email(int(lead))]["customFields"]
            assert fields == {
                "i1": r.score,
                "i2": r.group("fit"),
                "i3": r.group("engagement"),
                "i4": r.tier or "",
            }
        sql = {email(int(lead)) for lead, r in want.items() if r.tier == "SQL"}
        assert sql and fake.lists[77] == sql
        requests = fake.requests
        assert sync(tmp_path, "smoove", leads, events, config).exit_code == 0
        assert fake.requests == requests


def test_smoove_needs_an_id_for_every_field(tmp_path):
    leads, events = write_data(tmp_path, 3)
    config = smoove_config(tmp_path, "http://127.0.0.1:9/v1", '"Lead Score" = "i1"')
    result = sync(tmp_path, "smoove", leads, events, config)
    assert result.exit_code == 1
    assert "field_ids has no id for `Fit Score`, `Engagement Score`" in result.stderr


def test_sync_to_a_webhook_posts_signed_batches(tmp_path):
    leads, events = write_data(tmp_path, 250)
    with Receiver(SECRET, fail_first=1) as receiver:
        config = tmp_path / "hook.toml"
        config.write_text(
            f'[sinks.webhook]\nurl = "{receiver.url}"\n[delivery]\nbackoff_base = 0.05\n'
        )
        result = sync(tmp_path, "webhook", leads, events, str(config))
        assert result.exit_code == 0, result.output
    assert receiver.bad_signatures == 0
    got = {lead["lead_id"]: lead for body in receiver.deliveries for lead in body["leads"]}
    want = expected(leads, events)
    assert len(receiver.deliveries) == 3 and set(got) == set(want)
    assert got["7"]["score"] == want["7"].score and got["7"]["tier"] == want["7"].tier
