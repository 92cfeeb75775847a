"""Who runs each action kind (an action nobody runs is an error), and the outbox rows of a
lead's change."""

from __future__ import annotations

import json

import pytest

from leadrules.check import check
from leadrules.sinks.actions import Change, deliveries, who_runs
from leadrules.sinks.config import ConfigError, parse_config
from tests.sinks.helpers import RULES

ACTIONS = """
on enter SQL:
  notify owner "Hot lead: call within the hour"
  task "Call {role}"
  set lifecycle_stage = "salesqualifiedlead"
  delay 1h
  webhook "https://example.test/hooks/sql"

on exit SQL:
  sms "We miss you"
"""


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    path = tmp_path_factory.mktemp("rules") / "actions.lrules"
    text = open(RULES, encoding="utf-8").read().split("test ")[0]
    path.write_text(text + ACTIONS, encoding="utf-8")
    result = check(str(path))
    assert not [d for d in result.diagnostics if d.is_error], result.diagnostics
    return result.model


def config(text: str):
    import tomllib

    return parse_config(tomllib.loads(text), "leadrules.toml")


HUBSPOT = '[sinks.hubspot]\nbase_url = "http://127.0.0.1:9"\nid_attribute = "email"\n'


def test_every_action_kind_has_a_runner(model):
    cfg = config(
        HUBSPOT + '[actions]\nnotify = "hubspot-workflows"\ntask = "hubspot-workflows"\n'
        'sms = "webhook:https://sms.example.test/send"\n'
    )
    got = {r.kind: r.runner for r in who_runs(model, cfg)}
    assert got == {
        "notify": "hubspot-workflows",
        "task": "hubspot-workflows",
        "set": "hubspot",
        "delay": "inline",
        "webhook": "webhook",
        "sms": "webhook:https://sms.example.test/send",
    }


def test_an_action_nobody_runs_is_an_error_naming_each(model):
    with pytest.raises(ConfigError) as e:
        who_runs(model, config('[actions]\nnotify = "hubspot-workflows"\nsms = "carrier"\n'))
    text = str(e.value)
    assert "`set` updates a CRM property" in text
    assert '[actions] notify = "hubspot-workflows" needs [sinks.hubspot]' in text
    assert "no one runs `task` actions: add to [actions]" in text
    assert 'sms = "carrier": unknown runner' in text
    with pytest.raises(ConfigError, match="HubSpot workflows have no documented SMS action"):
        who_runs(
            model,
            config(
                HUBSPOT + '[actions]\nsms = "hubspot-workflows"\n'
                'notify = "hubspot-workflows"\ntask = "hubspot-workflows"'
            ),
        )


def change(**kw) -> Change:
    base = dict(
        lead_id="42",
        score=85,
        groups={"fit": 45, "engagement": 40},
        tier="SQL",
        previous_tier="MQL",
        at="2026-11-30T08:00:00.123Z",
        attributes={"email": "maya@bigcorp.com"},
        rules=("fit/1", "engagement/6"),
        model_name="B2B SaaS",
        model_hash="abc123",
    )
    base.update(kw)
    return Change(**base)


def test_entering_sql_writes_the_properties_and_the_webhook(model):
    cfg = config(
        HUBSPOT + '[actions]\nnotify = "hubspot-workflows"\ntask = "hubspot-workflows"\n'
        'sms = "webhook:https://sms.example.test/send"\n'
    )
    items = deliveries(model, cfg, change())
    assert [(i.sink, i.kind) for i in items] == [("hubspot", "properties"), ("webhook", "webhook")]
    props = items[0].payload
    assert props["contact"] == "maya@bigcorp.com"
    assert props["properties"] == {
        "leadrules_score": "85",
        "leadrules_fit": "45",
        "leadrules_engagement": "40",
        "leadrules_tier": "SQL",
        "leadrules_previous_tier": "MQL",
        "lifecycle_stage": "salesqualifiedlead",
    }
    hook = items[1]
    assert hook.delay_seconds == 3600
    assert hook.payload["url"] == "https://example.test/hooks/sql"
    body = hook.payload["body"]
    assert body["type"] == "tier.entered" and body["old_tier"] == "MQL"
    assert body["rules"] == ["fit/1", "engagement/6"]
    assert body["model"] == {"name": "B2B SaaS", "hash": "abc123"}
    # the same change gives the same keys (a recomputed row is the same delivery)
    again = deliveries(model, cfg, change())
    assert [i.idempotency_key for i in again] == [i.idempotency_key for i in items]
    json.dumps([i.payload for i in items])  # JSON-ready for the outbox

    leaving = deliveries(model, cfg, change(tier="MQL", previous_tier="SQL", score=70))
    sms = [i for i in leaving if i.kind == "action"]
    assert sms[0].payload["url"] == "https://sms.example.test/send"
    assert sms[0].payload["body"]["action"] == {"kind": "sms", "args": ["We miss you"]}


def test_no_actions_on_a_first_score_or_a_silent_model_change(model):
    cfg = config(HUBSPOT + '[actions]\nnotify = "hubspot-workflows"\ntask = "hubspot-workflows"')
    first = deliveries(model, cfg, change(first=True, previous_tier=None))
    assert [i.kind for i in first] == ["properties"]
    assert "leadrules_previous_tier" not in first[0].payload["properties"]
    quiet = deliveries(model, cfg, change(cause="model"), fire_actions=False)
    assert [i.kind for i in quiet] == ["properties"]


def test_serve_start_check_lists_runners_and_refuses_missing_smoove_ids(model):
    from leadrules.sinks import check_runners

    cfg = config(
        HUBSPOT + '[actions]\nnotify = "hubspot-workflows"\ntask = "crm"\n'
        'sms = "webhook:https://sms.example.test/send"\n'
    )
    lines, errors = check_runners(model, cfg)
    assert errors == []
    assert "set: leadrules, as a hubspot property update" in lines
    assert "task: HubSpot workflows from `leadrules compile --target hubspot`, " in lines[1]
    smoove = config('[sinks.smoove]\nfield_ids = { "Lead Score" = "1" }\n')
    _, errors = check_runners(model, smoove)
    assert "[sinks.smoove] field_ids has no id for `Fit Score`, `Engagement Score`" in errors[-1]
    _, errors = check_runners(model, {"sinks": {"hubspt": {}}})
    assert errors and "unknown sink [sinks.hubspt]" in errors[0]
