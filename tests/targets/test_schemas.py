"""The JSON Schemas in leadrules/targets/schemas hold HubSpot's documented request facts: good
bodies pass, and each documented mistake (a flow without `dataSources`, a response-only field,
a plain property branch as a property-change trigger, a lead-score category HubSpot does not
have) fails."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest

from tests.targets.helpers import MODELS, compile_file

FIT = MODELS / "fit.lrules"
ACTIONS = MODELS / "actions.lrules"


@pytest.fixture(scope="module")
def bodies():
    native = compile_file(FIT, "hubspot").files
    actions = compile_file(ACTIONS, "hubspot", best_effort=True).files
    workflows = compile_file(FIT, "hubspot", mode="workflows").files
    return {
        "score": json.loads(native["lead-scoring.json"]),
        "tier_flow": json.loads(actions["flows/on-enter-hot.json"]),
        "score_flow": json.loads(workflows["flows/score-engagement_1.json"]),
        "property": json.loads(native["properties/01-leadrules_score.json"]),
    }


SCHEMA = {
    "score": "hubspot-lead-score-create.json",
    "tier_flow": "hubspot-flow.json",
    "score_flow": "hubspot-flow.json",
    "property": "hubspot-property.json",
}


def _drop(key):
    def run(body):
        del body[key]

    return run


def _set(path, value):
    def run(body):
        *head, last = path
        node = body
        for k in head:
            node = node[k]
        node[last] = value

    return run


def _plain_reenroll(body):
    branch = body["enrollmentCriteria"]["reEnrollmentTriggersFilterBranches"][0]
    for k in ("eventTypeId", "operator"):
        del branch[k]
    branch["filterBranchType"] = "AND"


def _no_hs_name(body):
    branch = body["enrollmentCriteria"]["reEnrollmentTriggersFilterBranches"][0]
    branch["filters"] = [f for f in branch["filters"] if f["property"] != "hs_name"]


MUTATIONS = {
    "flow without dataSources": ("tier_flow", _drop("dataSources")),
    "flow with the response's nextAvailableActionId": (
        "tier_flow",
        _set(("nextAvailableActionId",), "9"),
    ),
    "re-enrollment as a plain AND branch": ("tier_flow", _plain_reenroll),
    "property-change trigger without hs_name": ("tier_flow", _no_hs_name),
    "event flow without dataSources": ("score_flow", _drop("dataSources")),
    "event branch with another operator": (
        "score_flow",
        _set(("enrollmentCriteria", "eventFilterBranches", 0, "operator"), "HAS_NOT_COMPLETED"),
    ),
    "lead score with category ENGAGEMENT": (
        "score",
        _set(("groupConfigs", 0, "groupCategory"), "ENGAGEMENT"),
    ),
    "lead score allowing ENGAGEMENT": ("score", _set(("allowedGroupTypes",), ["ENGAGEMENT"])),
    "lead score without maxScorePerCategory": ("score", _drop("maxScorePerCategory")),
    "lead score without objectTypeId": ("score", _drop("objectTypeId")),
    "lead score without allowedGroupTypes": ("score", _drop("allowedGroupTypes")),
    "lead score without groupConfigs": ("score", _drop("groupConfigs")),
    "lead score rule without a calculation": (
        "score",
        _set(("groupConfigs", 0, "ruleConfigurations", 0, "configuration"), {"filterBranch": {}}),
    ),
    "property named by an export label": ("property", _set(("name",), "Number of Employees")),
    "lead score filter on an export label": (
        "score",
        _set(
            ("groupConfigs", 0, "ruleConfigurations", 0, "configuration", "filterBranch"),
            {
                "filterBranchType": "AND",
                "filterBranchOperator": "AND",
                "filters": [
                    {
                        "filterType": "PROPERTY",
                        "property": "Country/Region",
                        "operation": {
                            "operationType": "ALL_PROPERTY",
                            "operator": "IS_KNOWN",
                            "includeObjectsWithNoValueSet": False,
                        },
                    }
                ],
                "filterBranches": [],
            },
        ),
    ),
}


def test_the_good_bodies_are_valid(bodies, validator):
    for key, body in bodies.items():
        validator(SCHEMA[key], body)


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_the_schemas_catch_each_mistake(mutation, bodies, validator):
    key, mutate = MUTATIONS[mutation]
    body = copy.deepcopy(bodies[key])
    mutate(body)
    with pytest.raises(jsonschema.ValidationError):
        validator(SCHEMA[key], body)
