"""A HubSpot Lead Scoring configuration that mirrors the model where the tool can express it.

HubSpot's Lead Scoring tool (Marketing > Lead scoring) is configured in the UI only; there is no
public API for it. This file is the configuration to enter there: a score of type FIT, ENGAGEMENT
or COMBINED, its groups with their limits, and each rule's criteria written as the same property
filters the workflow API uses (knowledge.hubspot.com/scoring/build-lead-scores: fit scores use
property criteria, engagement scores use events; groups and the whole score can have a limit).
"""

from __future__ import annotations

from leadrules import model as m
from leadrules.targets.automation import Verdict, unexpressed
from leadrules.targets.hubspot import filters as flt
from leadrules.targets.hubspot.crm import Crm


def _rule(v: Verdict, crm: Crm) -> dict | None:
    base = {
        "rule": v.rule.id,
        "line": v.rule.loc.line if v.rule.loc else None,
        "text": v.rule.text,
        "points": v.rule.points,
    }
    try:
        if v.kind == "attribute":
            return {**base, "criteria": flt.filters(crm.criteria(v.criteria))}
        t = v.trigger
        return {
            **base,
            "event": t.source,
            "frequency": "ONCE" if t.once else "EVERY_OCCURRENCE",
            "eventFilters": flt.filters(crm.event_criteria(t)),
        }
    except ValueError:
        return None


def lead_scoring(
    model: m.Model, verdicts: tuple[Verdict, ...], property_names: dict[str, str], crm: Crm
) -> tuple[dict, list[Verdict]]:
    """(the configuration, the verdicts of rules it leaves out)."""
    left_out: list[Verdict] = []
    groups = []
    notes = []
    by_group: dict[str, list[Verdict]] = {g.name: [] for g in model.groups}
    for v in verdicts:
        by_group[v.rule.group].append(v)
    for g in model.groups:
        split: dict[str, list[dict]] = {"FIT": [], "ENGAGEMENT": []}
        for v in by_group[g.name]:
            entry = _rule(v, crm) if v.kind != "none" else None
            if entry is None:
                left_out.append(v if v.kind == "none" else Verdict(v.rule, reasons=("or",)))
                continue
            split["FIT" if v.kind == "attribute" else "ENGAGEMENT"].append(entry)
        kinds = [k for k in ("FIT", "ENGAGEMENT") if split[k]]
        if len(kinds) == 2 and g.cap is not None:
            notes.append(
                f"group `{g.name}` mixes fit and engagement rules, so it becomes two "
                f"HubSpot groups; its cap {g.cap} applies to each one instead of to "
                "their sum"
            )
        for k in kinds:
            name = g.name if len(kinds) == 1 else f"{g.name} ({k.lower()})"
            groups.append(
                {
                    "name": name,
                    "leadrulesGroup": g.name,
                    "type": k,
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
        for c in (v.criteria if v.kind == "attribute" else v.trigger.filter)
    ):
        notes.append(
            "leadrules compares text exactly; HubSpot filters may compare text without "
            "regard to case, so text rules can match more contacts there when the data "
            "mixes cases (normalize the case in the data, or use the exact path)"
        )
    types = {gr["type"] for gr in groups}
    score_type = "COMBINED" if len(types) == 2 else (types.pop() if types else "FIT")
    limit = None
    if model.clamp is not None:
        lo, hi = model.clamp
        limit = hi
        if lo is not None:
            notes.append(
                f"leadrules raises totals below {lo} to {lo} (`clamp {lo}..{hi}`); HubSpot has "
                "no lower bound setting"
            )
    config = {
        "tool": "HubSpot Lead Scoring (Marketing > Lead scoring); configured in the UI, no API",
        "object": "contacts",
        "name": f"leadrules: {model.name}",
        "scoreType": score_type,
        "scoreLimit": limit,
        "groups": groups,
        "notExpressible": [unexpressed(v) for v in left_out],
        "notes": notes,
    }
    return config, left_out
