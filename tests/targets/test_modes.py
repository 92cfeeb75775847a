"""What each mode maps: native Lead Scoring configuration vs. one scoring workflow per rule, the
CRM properties, the tier workflows' enrollment, and the smoove spec's automations and segments."""

from __future__ import annotations

import json

from tests.targets.helpers import MODELS, compile_file

FIT = MODELS / "fit.lrules"
SEED = """\
event email_open
event link_click
event form(name: text)
event unsubscribe
engagement:
  each email_open: +1
  each link_click: +3
  form where name == "webinar": +5
  unsubscribe: -10
  no email_open within 30d: -5
tier cold < 20
tier ready >= 20
"""


def _json(out, name):
    return json.loads(out.files[name])


def test_properties_score_groups_and_tiers_in_order():
    out = compile_file(FIT, "hubspot")
    names = sorted(n for n in out.files if n.startswith("properties/"))
    assert names == [
        "properties/01-leadrules_score.json",
        "properties/02-leadrules_fit.json",
        "properties/03-leadrules_engagement.json",
        "properties/04-leadrules_bonus.json",
        "properties/05-leadrules_tier.json",
        "properties/06-leadrules_previous_tier.json",
        "properties/group.json",
    ]
    tier = _json(out, "properties/05-leadrules_tier.json")
    assert (tier["type"], tier["fieldType"], tier["groupName"]) == (
        "enumeration",
        "select",
        "leadrules",
    )
    assert [(o["value"], o["displayOrder"]) for o in tier["options"]] == [
        ("cold", 0),
        ("warm", 1),
        ("sql", 2),
        ("hot", 3),
    ]
    score = _json(out, "properties/01-leadrules_score.json")
    assert (score["type"], score["fieldType"]) == ("number", "number")
    assert _json(out, "properties/group.json")["name"] == "leadrules"


def test_native_lead_scoring_mirrors_groups_caps_and_clamp():
    out = compile_file(FIT, "hubspot")
    cfg = _json(out, "lead-scoring-summary.json")
    assert cfg["categories"] == ["FIT", "INTENT"] and cfg["maxScorePerCategory"] == 100
    groups = {g["name"]: g for g in cfg["groups"]}
    assert groups["fit"]["category"] == "FIT" and groups["fit"]["limit"] == 40
    assert [r["rule"] for r in groups["fit"]["rules"]] == [f"fit/{i}" for i in range(1, 8)]
    assert [(r["rule"], r["frequency"]) for r in groups["engagement"]["rules"]] == [
        ("engagement/1", "EVERY_OCCURRENCE"),
        ("engagement/4", "ONCE"),
    ]
    assert set(groups) >= {"bonus (fit)", "bonus (intent)"}
    body = _json(out, "lead-scoring.json")
    assert (body["objectTypeId"], body["allowedGroupTypes"], body["maxScorePerCategory"]) == (
        "0-1",
        ["FIT", "INTENT"],
        100,
    )
    api = {g["groupName"]: g for g in body["groupConfigs"]}
    assert set(api) == set(groups)
    assert (api["fit"]["groupCategory"], api["fit"]["maxValue"]) == ("FIT", 40)
    eng = api["engagement"]["ruleConfigurations"]
    # each page_view: every occurrence (no cap); the once rule is capped at its points
    assert [r["configuration"]["calculation"]["value"] for r in eng] == [
        r["points"] for r in groups["engagement"]["rules"]
    ]
    assert (
        "maximumValue" not in eng[0]
        and eng[1]["maximumValue"] == eng[1]["configuration"]["calculation"]["value"]
    )
    assert eng[0]["configuration"]["filterBranch"]["filterBranchType"] == "UNIFIED_EVENTS"
    left = {r["rule"] for r in cfg["notExpressible"]}
    assert left == {
        "fit/8",
        "fit/9",
        "fit/10",
        "fit/11",
        "fit/12",
        *(f"engagement/{i}" for i in (2, 3, 5, 6, 7, 8, 9)),
    }
    assert left == {r["rule"] for r in _json(out, "not-expressible.json")["rules"]}
    assert not any(n.startswith("flows/score-") for n in out.files)
    readme = out.files["README.md"]
    assert "| fit/9 |" in readme and "three-valued logic" in readme


def test_workflows_mode_one_flow_per_engagement_rule(compile_source):
    out = compile_source(SEED, "hubspot", mode="workflows")
    assert "lead-scoring.json" not in out.files
    flows = {n: json.loads(t) for n, t in out.files.items() if n.startswith("flows/score-")}
    assert sorted(flows) == [f"flows/score-engagement_{i}.json" for i in (1, 2, 3, 4)]
    enroll = {n: f["enrollmentCriteria"] for n, f in flows.items()}
    assert [enroll[f"flows/score-engagement_{i}.json"]["shouldReEnroll"] for i in (1, 2, 3, 4)] == [
        True,
        True,
        False,
        False,
    ]
    branch = enroll["flows/score-engagement_3.json"]["eventFilterBranches"][0]
    assert branch["eventTypeId"] == "${EVENT_TYPE_ID:form}"
    assert branch["filters"][0]["property"] == "name"
    assert branch["filters"][0]["operation"]["value"] == "webinar"
    for f in flows.values():
        assert f["isEnabled"] is False and f["type"] == "CONTACT_FLOW"
        assert f["actions"][0]["fields"]["property_name"] == "leadrules_last_rule"
    assert "properties/05-leadrules_last_rule.json" in out.files
    left = json.loads(out.files["not-expressible.json"])["rules"]
    assert [r["rule"] for r in left] == ["engagement/5"]
    readme = out.files["README.md"]
    assert "| `flows/score-engagement_2.json` | 3 |" in readme
    assert "`${EVENT_TYPE_ID:link_click}`" in readme


def test_tier_flows_enroll_on_the_tier_properties():
    out = compile_file(MODELS / "actions.lrules", "hubspot", best_effort=True)
    enter = _json(out, "flows/on-enter-hot.json")["enrollmentCriteria"]
    (f,) = enter["listFilterBranch"]["filterBranches"][0]["filters"]
    assert (f["property"], f["operation"]["operator"], f["operation"]["values"]) == (
        "leadrules_tier",
        "IS_ANY_OF",
        ["hot"],
    )
    exit_ = _json(out, "flows/on-exit-hot.json")["enrollmentCriteria"]
    a, b = exit_["listFilterBranch"]["filterBranches"][0]["filters"]
    assert (a["property"], a["operation"]["operator"]) == ("leadrules_previous_tier", "IS_ANY_OF")
    assert (b["property"], b["operation"]["operator"]) == ("leadrules_tier", "IS_NONE_OF")
    assert b["operation"]["includeObjectsWithNoValueSet"] is True


def test_smoove_spec_follows_seed_001(compile_source):
    out = compile_source(SEED, "smoove")
    spec = json.loads(out.files["smoove-spec.json"])
    assert spec["fields"] == [
        {"name": "Engagement Score", "type": "number", "holds": "score", "syncOnly": False}
    ]
    assert [(a["rule"], a["runs"], a["actions"][0]["value"]) for a in spec["automations"]] == [
        ("engagement/1", "every_time", 1),
        ("engagement/2", "every_time", 3),
        ("engagement/3", "once_per_contact", 5),
        ("engagement/4", "once_per_contact", -10),
    ]
    assert spec["automations"][0]["trigger"]["smoove"] == "opened an e-mail"
    assert spec["automations"][2]["conditions"] == ['name == "webinar"']
    assert [(s["tier"], s["min"], s["max"]) for s in spec["segments"]] == [
        ("cold", None, 19),
        ("ready", 20, None),
    ]
    assert [r["rule"] for r in spec["notExpressible"]["rules"]] == ["engagement/5"]
    assert spec["sync"]["url"] == "https://rest.smoove.io/v1/Contacts?updateIfExists=true"


def test_smoove_several_groups_add_to_group_and_total_fields():
    out = compile_file(FIT, "smoove")
    spec = _json(out, "smoove-spec.json")
    assert [f["name"] for f in spec["fields"]] == [
        "Lead Score",
        "Fit Score",
        "Engagement Score",
        "Bonus Score",
    ]
    first = spec["automations"][0]
    assert [(a["field"], a["value"]) for a in first["actions"]] == [
        ("Engagement Score", 5),
        ("Lead Score", 5),
    ]
    kinds = {n["kind"] for n in spec["notExpressible"]["model"]}
    assert kinds == {"clamp", "cap"}
    assert spec["notExpressible"]["tiers"] == [
        {"tier": "sql", "when": "fit >= 30 and engagement >= 30"}
    ]


def test_workflows_mode_sets_range_tiers_from_the_score():
    out = compile_file(FIT, "hubspot", mode="workflows")
    tiers = sorted(n for n in out.files if n.startswith("flows/tier-"))
    assert tiers == ["flows/tier-cold.json", "flows/tier-hot.json", "flows/tier-warm.json"]
    warm = _json(out, "flows/tier-warm.json")
    score, tier = warm["enrollmentCriteria"]["listFilterBranch"]["filterBranches"][0]["filters"]
    assert score["operation"] == {
        "operationType": "NUMBER_RANGED",
        "operator": "IS_BETWEEN",
        "lowerBound": 30,
        "upperBound": 59,
        "includeObjectsWithNoValueSet": False,
    }
    assert tier["operation"]["operator"] == "IS_NONE_OF" and tier["operation"]["values"] == ["warm"]
    keep, set_ = warm["actions"]
    assert keep["fields"] == {
        "property_name": "leadrules_previous_tier",
        "value": {"type": "OBJECT_PROPERTY", "propertyName": "leadrules_tier"},
    }
    assert set_["fields"]["value"]["staticValue"] == "warm"
    notes = _json(out, "not-expressible.json")["tiers"]
    assert len(notes) == 1 and notes[0].startswith("tier `sql` is `when fit >= 30")
    assert not any(n.startswith("flows/tier-") for n in compile_file(FIT, "hubspot").files)


def test_smoove_fields_no_automation_feeds_are_marked_sync_only():
    spec = _json(compile_file(FIT, "smoove"), "smoove-spec.json")
    assert {f["name"]: f["syncOnly"] for f in spec["fields"]} == {
        "Lead Score": False,
        "Fit Score": True,
        "Engagement Score": False,
        "Bonus Score": False,
    }
