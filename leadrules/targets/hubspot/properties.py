"""CRM properties v3 payloads: a property group of our own, a number property for the score and one
per group, enumerations for the tier (one option per tier, in the order written).

Endpoints: `POST /crm/v3/properties/contacts/groups` (name, label, displayOrder) and
`POST /crm/v3/properties/contacts` (name, label, type, fieldType, groupName, description, options
with label, value, displayOrder, hidden), as in HubSpot's properties API guide
(https://developers.hubspot.com/docs/api/crm/properties).
"""

from __future__ import annotations

from dataclasses import dataclass

from leadrules import model as m
from leadrules.targets.automation import slug

GROUP_NAME = "leadrules"
SCORE = "leadrules_score"
TIER = "leadrules_tier"
PREVIOUS_TIER = "leadrules_previous_tier"
LAST_RULE = "leadrules_last_rule"


@dataclass(frozen=True)
class Names:
    """The internal names of the properties the target creates."""

    score: str
    groups: dict[str, str]  # leadrules group -> property name
    tier: str = TIER
    previous_tier: str = PREVIOUS_TIER


def names(model: m.Model) -> Names:
    taken = {SCORE, TIER, PREVIOUS_TIER, LAST_RULE}
    groups: dict[str, str] = {}
    for g in model.groups:
        name = f"leadrules_{slug(g.name)}"
        while name in taken:
            name += "_group"
        taken.add(name)
        groups[g.name] = name
    return Names(SCORE, groups)


def group_payload(model: m.Model) -> dict:
    return {"name": GROUP_NAME, "label": f"leadrules: {model.name}", "displayOrder": -1}


def _number(name: str, label: str, description: str, order: int) -> dict:
    return {
        "name": name,
        "label": label,
        "type": "number",
        "fieldType": "number",
        "groupName": GROUP_NAME,
        "description": description,
        "displayOrder": order,
        "formField": False,
    }


def _tiers(name: str, label: str, description: str, model: m.Model, order: int) -> dict:
    return {
        "name": name,
        "label": label,
        "type": "enumeration",
        "fieldType": "select",
        "groupName": GROUP_NAME,
        "description": description,
        "displayOrder": order,
        "formField": False,
        "options": [
            {
                "label": t.name,
                "value": t.name,
                "description": _tier_text(t),
                "displayOrder": i,
                "hidden": False,
            }
            for i, t in enumerate(model.tiers)
        ],
    }


def _tier_text(t: m.Tier) -> str:
    return f"score {t.text}" if t.kind == "range" else f"when {t.text}"


def property_payloads(model: m.Model, n: Names, *, last_rule: bool) -> list[dict]:
    """The property payloads, in the order to create them."""
    out = [
        _number(
            n.score,
            "Lead score (leadrules)",
            f'Total score of the leadrules model "{model.name}".',
            0,
        )
    ]
    for i, g in enumerate(model.groups, start=1):
        cap = f" Capped at {g.cap}." if g.cap is not None else ""
        out.append(
            _number(
                n.groups[g.name],
                f"Lead score: {g.name} (leadrules)",
                f"Score of the leadrules group `{g.name}`.{cap}",
                i,
            )
        )
    k = len(model.groups) + 1
    out.append(
        _tiers(
            n.tier,
            "Lead tier (leadrules)",
            "The first tier, in the order written, that the lead matches; empty when none.",
            model,
            k,
        )
    )
    out.append(
        _tiers(
            n.previous_tier,
            "Previous lead tier (leadrules)",
            "The tier before the last change; `on exit` workflows enroll on it.",
            model,
            k + 1,
        )
    )
    if last_rule:
        out.append(
            {
                "name": LAST_RULE,
                "label": "Last scoring rule (leadrules)",
                "type": "string",
                "fieldType": "text",
                "groupName": GROUP_NAME,
                "description": "The id of the last leadrules rule whose workflow added points.",
                "displayOrder": k + 2,
                "formField": False,
            }
        )
    return out
