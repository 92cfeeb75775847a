"""`leadrules apply --target hubspot` against a local fake of HubSpot's definition APIs: the plan,
idempotence (a second apply is all unchanged, nothing created twice), --dry-run sending nothing,
updates in place, the lead score's draft and --publish, tokens, errors and 429 back-off."""

from __future__ import annotations

import collections
import re

import pytest
from click.testing import CliRunner

from leadrules.cli import main
from tests.fakes.hubspot_defs import HubSpotDefs

MODEL = """\
model "Demo requests"

lead company_size: number from "Number of Employees" crm "numberofemployees"
lead first: text crm "firstname"

event page_view(url: text)
event demo_request

fit cap 40:
  company_size in 50..200: +20

engagement:
  each page_view where url contains "/pricing": +5
  demo_request: +30
  no page_view within 30d: -5

tier cold < 30
tier hot >= 30

on enter hot:
  notify owner "Hot lead: call {first} within the hour"
  set lifecyclestage = "salesqualifiedlead"
on exit hot:
  task "Find out why {first} cooled down"
"""

FILLS = ["--fill", "EVENT_TYPE_ID:page_view=4-96000", "--fill", "EVENT_TYPE_ID:demo_request=6-1"]


@pytest.fixture
def fake():
    with HubSpotDefs(token="secret") as f:
        yield f


@pytest.fixture
def rules(tmp_path):
    path = tmp_path / "demo.lrules"
    path.write_text(MODEL, encoding="utf-8")
    return path


def apply(fake, rules, *args, token="secret"):
    env = {"HUBSPOT_TOKEN": token} if token else {"HUBSPOT_TOKEN": ""}
    return CliRunner().invoke(
        main,
        ["apply", str(rules), "--target", "hubspot", "--base-url", fake.url, *FILLS, *args],
        env=env,
    )


def _plan(output: str) -> list[str]:
    return [line for line in output.splitlines() if re.match(r"^[+~=!] ", line)]


def test_apply_twice_second_run_is_all_unchanged_and_nothing_is_created_twice(fake, rules):
    first = apply(fake, rules)
    assert first.exit_code == 0, first.output
    plan = _plan(first.output)
    assert "+ create property group leadrules" in plan
    assert "+ create property leadrules_score" in plan
    assert '+ create lead score "leadrules: Demo requests" (a draft)' in plan
    assert '+ create workflow "leadrules: on enter hot" (disabled)' in plan
    assert "applied: 9 created, 0 updated, 0 unchanged, 0 skipped" in first.output
    assert len(fake.groups) == 1 and len(fake.properties) == 5
    assert len(fake.flows) == 2 and len(fake.scores) == 1
    assert all(not f["isEnabled"] for f in fake.flows.values())
    (score,) = fake.scores.values()
    assert score["status"] == "draft"
    assert "${" not in str(score["draft"])  # the tokens were filled

    writes_before = len(fake.writes())
    second = apply(fake, rules)
    assert second.exit_code == 0, second.output
    plan = _plan(second.output)
    assert [line[0] for line in plan if not line.startswith("! not applied")] == ["="] * 9
    assert "applied: 0 created, 0 updated, 9 unchanged, 0 skipped" in second.output
    assert len(fake.writes()) == writes_before
    posts = collections.Counter(p for m, p in fake.writes() if m == "POST")
    assert max(posts.values()) == 5  # the five properties, each created once
    assert (len(fake.flows), len(fake.scores), len(fake.properties)) == (2, 1, 5)


def test_dry_run_sends_nothing(fake, rules):
    result = apply(fake, rules, "--dry-run")
    assert result.exit_code == 0, result.output
    assert fake.writes() == []
    assert fake.requests, "the plan reads what HubSpot holds"
    assert "dry run: 9 change(s) planned, nothing sent" in result.output
    assert all(line[0] in "+!" for line in _plan(result.output))


def test_the_plan_says_what_has_no_api(fake, rules):
    result = apply(fake, rules, "--dry-run")
    assert "! not applied: 1 rule HubSpot cannot express" in result.output  # no page_view ...
    wf = apply(fake, rules, "--dry-run", "--mode", "workflows")
    assert "documents no API" in wf.output
    assert "Increase or decrease property" in wf.output


def test_a_changed_model_is_updated_in_place_and_an_enabled_flow_stays_on(fake, rules):
    assert apply(fake, rules).exit_code == 0
    (fid,) = [i for i, f in fake.flows.items() if f["name"] == "leadrules: on enter hot"]
    fake.flows[fid]["isEnabled"] = True  # the user reviewed it and turned it on
    rules.write_text(
        MODEL.replace("+30", "+35")
        .replace("fit cap 40", "fit cap 45")
        .replace("call {first} within", "call {first} now, within"),
        encoding="utf-8",
    )
    result = apply(fake, rules)
    assert result.exit_code == 0, result.output
    plan = _plan(result.output)
    assert "~ update property leadrules_fit (description)" in plan
    assert '~ update workflow "leadrules: on enter hot" (actions)' in plan
    assert any(line.startswith('~ update lead score "leadrules: Demo requests"') for line in plan)
    assert "= unchanged property leadrules_score" in plan
    assert len(fake.flows) == 2 and len(fake.scores) == 1
    flow = fake.flows[fid]
    assert flow["isEnabled"] is True and flow["revisionId"] == "2"
    assert "now, within" in flow["actions"][0]["fields"]["subject"]
    (score,) = fake.scores.values()
    assert score["draft"]["groupConfigs"][0]["maxValue"] == 45
    assert apply(fake, rules).exit_code == 0 and len(fake.flows) == 2


def test_a_workflow_the_model_dropped_is_reported_not_deleted(fake, rules):
    assert apply(fake, rules).exit_code == 0
    rules.write_text(MODEL.split("on exit hot:")[0], encoding="utf-8")
    result = apply(fake, rules)
    assert result.exit_code == 0, result.output
    assert '! not applied: workflow "leadrules: on exit hot" is in HubSpot' in result.output
    assert len(fake.flows) == 2 and not any(m == "DELETE" for m, _ in fake.requests)


def test_publish_publishes_the_draft_once(fake, rules):
    result = apply(fake, rules, "--publish")
    assert result.exit_code == 0, result.output
    assert '+ publish lead score "leadrules: Demo requests"' in _plan(result.output)
    (score,) = fake.scores.values()
    assert score["status"] == "published"
    again = apply(fake, rules, "--publish")
    assert '= unchanged lead score "leadrules: Demo requests" (published)' in _plan(again.output)
    assert sum(p.endswith("/draft/publish") for _, p in fake.writes()) == 1


def test_without_publish_the_draft_stays_a_draft(fake, rules):
    apply(fake, rules)
    again = apply(fake, rules)
    assert "(a draft; --publish publishes it)" in again.output
    assert not any(p.endswith("/publish") for _, p in fake.writes())


def test_an_unfilled_token_skips_that_item_and_exits_1(fake, rules):
    result = CliRunner().invoke(
        main,
        ["apply", str(rules), "--target", "hubspot", "--base-url", fake.url],
        env={"HUBSPOT_TOKEN": "secret"},
    )
    assert result.exit_code == 1
    assert "! skip lead score" in result.output and "--fill" in result.output
    assert len(fake.properties) == 5 and len(fake.flows) == 2 and not fake.scores


@pytest.mark.parametrize(
    "fill", ["EVENT_TYPE_ID:page_view=pageview", "EMAIL_CONTENT_ID:x=abc", "NOPE:x=1", "x=1"]
)
def test_a_malformed_fill_is_a_usage_error(fake, rules, fill):
    result = apply(fake, rules, "--fill", fill)
    assert result.exit_code == 2 and "--fill" in result.output
    assert fake.requests == []


def test_no_token_is_a_usage_error(fake, rules):
    result = apply(fake, rules, token=None)
    assert result.exit_code == 2 and "HUBSPOT_TOKEN" in result.output
    assert fake.requests == []


def test_a_refused_token_is_exit_1_with_hubspots_message(fake, rules):
    result = apply(fake, rules, token="wrong")
    assert result.exit_code == 1
    assert "HTTP 401" in result.output and "Authentication credentials" in result.output
    assert fake.writes() == []


def test_429_is_retried(rules):
    with HubSpotDefs(token="secret", fail_429=3) as fake:
        result = apply(fake, rules)
        assert result.exit_code == 0, result.output
        assert len(fake.properties) == 5


def test_a_model_hubspot_refuses_stops_before_any_request(fake, rules):
    rules.write_text(MODEL.replace('crm "numberofemployees"', ""), encoding="utf-8")
    result = apply(fake, rules)
    assert result.exit_code == 1 and "LR0802" in result.output
    assert fake.requests == []


def test_the_fake_refuses_what_hubspot_would(fake, rules, tmp_path):
    """The fake is only a proof if it refuses bad bodies: compiled bodies with one mistake each."""
    import json

    import httpx

    from leadrules import load
    from leadrules.targets import Options
    from leadrules.targets.hubspot import compile as hubspot

    files = hubspot(load(str(rules)), Options()).files
    auth = {"Authorization": "Bearer secret"}
    with httpx.Client(base_url=fake.url, headers=auth, timeout=10) as http:
        group = json.loads(files["properties/group.json"])
        assert http.post("/crm/v3/properties/contacts/groups", json=group).status_code == 201
        prop = json.loads(files["properties/01-leadrules_score.json"])
        bad = http.post("/crm/v3/properties/contacts", json={**prop, "type": "text"})
        assert bad.status_code == 400 and bad.json()["category"] == "VALIDATION_ERROR"
        orphan = {**prop, "groupName": "nope"}
        assert http.post("/crm/v3/properties/contacts", json=orphan).status_code == 400
        flow = json.loads(files["flows/on-enter-hot.json"])
        del flow["dataSources"]
        bad = http.post("/automation/v4/flows", json=flow)
        assert bad.status_code == 400 and "dataSources" in bad.json()["message"]
        score = json.loads(files["lead-scoring.json"].replace("${EVENT_TYPE_ID:", "${X:"))
        score["groupConfigs"][0]["groupCategory"] = "ENGAGEMENT"
        assert (
            http.post("/marketing/lead-scoring/2026-09-beta/scores", json=score).status_code == 400
        )
        assert http.get("/automation/v4/flows").status_code == 200
        unauth = httpx.get(fake.url + "/automation/v4/flows", timeout=10)
        assert unauth.status_code == 401
    assert not fake.properties and not fake.flows and not fake.scores
