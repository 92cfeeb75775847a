"""`leadrules compile --target hubspot -o DIR`: CRM property payloads, Workflows v4 contact flows
for `on enter` / `on exit`, a lead score for the Lead Scoring API (or, with `--mode workflows`, one
scoring workflow per engagement rule), the rules HubSpot cannot express, and a README that says
which file goes to which endpoint. Reads the Model only. See docs/targets/hubspot.md."""

from __future__ import annotations

import re

from leadrules import diagnostics as dg
from leadrules import model as m
from leadrules.targets import Options, Output
from leadrules.targets.automation import Verdict, dump_json, unexpressed, verdicts
from leadrules.targets.hubspot import flows, properties, readme, scoring
from leadrules.targets.hubspot.crm import Crm

SYNC_PATH = (
    "compute with `leadrules compile --target sql` in the warehouse and sync "
    'the properties (README.md, "The exact path")'
)


def compile(model: m.Model, options: Options) -> Output:  # noqa: A001 - the target contract
    diags: list[dg.Diagnostic] = []
    files: dict[str, str] = {}
    names = properties.names(model)
    workflows = options.mode == "workflows"

    files["properties/group.json"] = dump_json(properties.group_payload(model))
    prop_files = []
    payloads = properties.property_payloads(model, names, last_rule=workflows)
    crm = Crm(model, frozenset(p["name"] for p in payloads))
    for i, payload in enumerate(payloads):
        path = f"properties/{i + 1:02d}-{payload['name']}.json"
        files[path] = dump_json(payload)
        prop_files.append(path)

    vs = verdicts(model)
    score_flows: list[tuple[str, Verdict]] = []
    tier_set_files: list[str] = []
    scoring_notes: list[str] = []
    tier_notes: list[str] = []
    if workflows:
        left_out = _scoring_flows(vs, names, crm, files, score_flows)
        tier_notes = _tier_setting_flows(model, names, files, tier_set_files)
    else:
        body, summary, left_out = scoring.lead_scoring(
            model, vs, names.groups, crm, flows.event_type_id
        )
        files["lead-scoring.json"] = dump_json(body)
        files["lead-scoring-summary.json"] = dump_json(summary)
        scoring_notes = summary["notes"]

    tier_files = []
    for auto in model.automations:
        built = flows.tier_flow(auto, crm, names, options, diags)
        if built is not None:
            files[built[0]] = dump_json(built[1])
            tier_files.append(built[0])

    files["not-expressible.json"] = dump_json(
        {
            "target": "hubspot",
            "mode": options.mode,
            "exactPath": SYNC_PATH,
            "rules": [unexpressed(v) for v in left_out],
            "tiers": tier_notes,
        }
    )
    tokens = sorted(
        {t for text in files.values() for t in re.findall(r"\$\{[A-Z_]+:[^}]*\}", text)}
    )
    files["README.md"] = readme.render(
        readme.Plan(
            mode=options.mode,
            model=model,
            group_file="properties/group.json",
            property_files=tuple(prop_files),
            tier_set_flows=tuple(tier_set_files),
            tier_notes=tuple(tier_notes),
            scoring_notes=tuple(scoring_notes),
            tier_flows=tuple(tier_files),
            score_flows=tuple(score_flows),
            left_out=tuple(left_out),
            tokens=tuple(tokens),
            event_properties=dict(crm.event_properties),
            score_property=names.score,
            group_properties=names.groups,
            tier_property=names.tier,
            previous_tier_property=names.previous_tier,
        )
    )
    diags += crm.diagnostics
    return Output(files=files, diagnostics=sorted(diags, key=dg.sort_key))


def _scoring_flows(vs, names, crm: Crm, files: dict[str, str], out: list) -> list[Verdict]:
    """`--mode workflows`: one flow per event rule into `files` and `out`; returns the rest."""
    left_out: list[Verdict] = []
    for v in vs:
        built = flows.score_flow(v, names, crm) if v.kind == "event" else None
        if built is not None:
            files[built[0]] = dump_json(built[1])
            out.append((built[0], v))
        elif v.kind == "none":
            left_out.append(v)
        else:  # attribute rules, or an event filter with no HubSpot form
            left_out.append(
                Verdict(v.rule, reasons=("attribute" if v.kind == "attribute" else "or",))
            )
    return left_out


def _tier_setting_flows(model: m.Model, names, files: dict[str, str], out: list[str]) -> list[str]:
    """`--mode workflows`: one tier-setting flow per range tier; returns notes on `when` tiers."""
    notes = []
    for tier in model.tiers:
        if tier.kind == "range":
            name, payload = flows.tier_set_flow(tier, names)
            files[name] = dump_json(payload)
            out.append(name)
        else:
            notes.append(
                f"tier `{tier.name}` is `when {tier.text}`, a condition the "
                "scoring workflows cannot set: sync the tier (the exact path)"
            )
    return notes
