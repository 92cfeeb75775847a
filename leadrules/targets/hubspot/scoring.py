"""The lead score, for HubSpot's Lead Scoring API (`2026-09-beta`), and a readable summary of it.

`POST /marketing/lead-scoring/2026-09-beta/scores` takes a `PublicDraftCreateRequest`: the object
type (`0-1`, contacts), the allowed group categories, the groups (`FIT` groups score contact
properties, `INTENT` groups score events), each with its rules and limits, and the most a category
can score. The score is created as a draft; `POST .../scores/{scoreId}/draft/publish` turns it on
(`leadrules apply --publish`). Sources: HubSpot's Lead Scoring API guide and reference
(docs/targets/hubspot.md, "Sources").

A rule's points are a `CONSTANT` calculation; a rule that scores once (`E: +N`) is capped at its
points (`maximumValue`, or `minimumValue` for a negative rule); `each E: +N` is not capped. The
rule's criteria are written as the workflow API's filters: a property filter branch for a FIT rule,
a `UNIFIED_EVENTS` branch on the event for an INTENT rule.
"""

from __future__ import annotations

from typing import Any

from leadrules import model as m
from leadrules.targets.automation import Verdict, unexpressed
from leadrules.targets.hubspot import filters as flt
from leadrules.targets.hubspot.crm import Crm

OBJECT_TYPE = "0-1"  # contacts
DEFAULT_MAX = 100  # the limit a category gets when the model has no `clamp`


def _summary_rule(v: Verdict, crm: Crm) -> dict | None:
    base = {
        "rule": v.rule.id,
        "line": v.rule.loc.line if v.rule.loc else None,
        "text": v.rule.text,
        "points": v.rule.points,
    }
    try:
        if v.kind == "attribute":
            return {**base, "criteria": flt.filters(crm.criteria(v.conditions()))}
        t = v.event_trigger()
        return {
            **base,
            "event": t.source,
            "frequency": "ONCE" if t.once else "EVERY_OCCURRENCE",
            "eventFilters": flt.filters(crm.event_criteria(t)),
        }
    except ValueError:
        return None


def _api_rule(entry: dict, event_type_id) -> dict:
    """One `ruleConfigurations` item from a summary rule."""
    points = entry["points"]
    if "criteria" in entry:
        criteria = flt.and_branch(entry["criteria"])
    else:
        criteria = flt.unified_events(event_type_id(entry["event"]), entry["eventFilters"])
    out: dict = {
        "enabled": True,
        "configuration": {
            "calculation": {"type": "CONSTANT", "value": points},
            "filterBranch": criteria,
        },
    }
    if entry.get("frequency") == "ONCE":
        out["maximumValue" if points >= 0 else "minimumValue"] = points
    return out


def lead_scoring(
    model: m.Model,
    verdicts: tuple[Verdict, ...],
    property_names: dict[str, str],
    crm: Crm,
    event_type_id,
) -> tuple[dict, dict, list[Verdict]]:
    """(the API body, the readable summary, the verdicts of rules they leave out)."""
    left_out: list[Verdict] = []
    groups: list[dict[str, Any]] = []
    notes = []
    by_group: dict[str, list[Verdict]] = {g.name: [] for g in model.groups}
    for v in verdicts:
        by_group[v.rule.group].append(v)
    for g in model.groups:
        split: dict[str, list[dict]] = {"FIT": [], "INTENT": []}
        for v in by_group[g.name]:
            entry = _summary_rule(v, crm) if v.kind != "none" else None
            if entry is None:
                left_out.append(v if v.kind == "none" else Verdict(v.rule, reasons=("or",)))
                continue
            split["FIT" if v.kind == "attribute" else "INTENT"].append(entry)
        kinds = [k for k in ("FIT", "INTENT") if split[k]]
        if len(kinds) == 2 and g.cap is not None:
            notes.append(
                f"group `{g.name}` mixes fit and intent rules, so it becomes two "
                f"HubSpot groups; its cap {g.cap} applies to each one instead of to "
                "their sum"
            )
        for k in kinds:
            name = g.name if len(kinds) == 1 else f"{g.name} ({k.lower()})"
            groups.append(
                {
                    "name": name,
                    "leadrulesGroup": g.name,
                    "category": k,
                    "limit": g.cap,
                    "property": property_names[g.name],
                    "rules": split[k],
                }
            )
    text_ops = ("==", "in", "contains", "starts_with", "ends_with")
    if any(
        c.type == "text" and c.op in text_ops
        for v in verdicts
        if v not in left_out and v.kind != "none"
        for c in v.conditions()
    ):
        notes.append(
            "leadrules compares text exactly; HubSpot filters may compare text without "
            "regard to case, so text rules can match more contacts there when the data "
            "mixes cases (normalize the case in the data, or use the exact path)"
        )
    categories = [k for k in ("FIT", "INTENT") if any(gr["category"] == k for gr in groups)]
    if model.clamp is not None:
        lo, hi = model.clamp
        limit = max(hi, 1)
        if lo is not None:
            notes.append(
                f"leadrules raises totals below {lo} to {lo} (`clamp {lo}..{hi}`); HubSpot has "
                "no lower bound setting"
            )
        notes.append(
            f"HubSpot limits each category (fit, intent) to {hi}; leadrules clamps the total"
        )
    else:
        limit = DEFAULT_MAX
        notes.append(
            f"HubSpot requires a maximum score per category; the model has no `clamp`, so "
            f"{DEFAULT_MAX} is used (declare `clamp LOW..HIGH` to choose it)"
        )
    name = f"leadrules: {model.name}"
    body = {
        "name": name,
        "objectTypeId": OBJECT_TYPE,
        "allowedGroupTypes": categories or ["FIT"],
        "maxScorePerCategory": limit,
        "groupConfigs": [
            {
                "groupName": gr["name"],
                "groupCategory": gr["category"],
                **({"maxValue": gr["limit"]} if gr["limit"] is not None else {}),
                "ruleConfigurations": [_api_rule(r, event_type_id) for r in gr["rules"]],
            }
            for gr in groups
        ],
    }
    summary = {
        "api": "POST /marketing/lead-scoring/2026-09-beta/scores (lead-scoring.json), "
        "then POST /marketing/lead-scoring/2026-09-beta/scores/{scoreId}/draft/publish",
        "object": "contacts",
        "name": name,
        "categories": categories,
        "maxScorePerCategory": limit,
        "groups": groups,
        "notExpressible": [unexpressed(v) for v in left_out],
        "notes": notes,
    }
    return body, summary, left_out
