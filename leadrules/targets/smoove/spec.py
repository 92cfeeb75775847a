"""The smoove spec: number fields, one scoring automation per event rule, threshold automations
from `on enter` / `on exit` blocks, one segment per range tier, what smoove cannot express, and
the sync path. Plain data; `recipe.py` renders it for a marketer, `smoove-spec.json` for tools."""

from __future__ import annotations

from leadrules import diagnostics as dg
from leadrules import model as m
from leadrules.targets import Options, unsupported
from leadrules.targets.automation import REASONS, Verdict, slug, tier_range, unexpressed, verdicts
from leadrules.targets.smoove.text import trigger_hint

TARGET = "smoove"
API = "https://rest.smoove.io/v1"


def _title(name: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in name.replace("_", " ").split())


def fields(model: m.Model) -> tuple[dict, dict[str, str]]:
    """(the total field, leadrules group -> field name). With one group, its field is the total,
    named after it as marketers do in smoove ("Engagement Score")."""
    if len(model.groups) == 1:
        name = f"{_title(model.groups[0].name)} Score"
        return {"name": name, "type": "number", "holds": "score"}, {model.groups[0].name: name}
    total = "Lead Score"
    return {"name": total, "type": "number", "holds": "score"}, {
        g.name: f"{_title(g.name)} Score" for g in model.groups
    }


def _trigger(v: Verdict) -> dict:
    t = v.event_trigger()
    hint = trigger_hint(t.event, t.source)
    return {
        "event": t.event,
        "source": t.source,
        "smoove": hint[0] if hint else None,
        "smooveHe": hint[1] if hint else None,
    }


def scoring_automations(
    vs: tuple[Verdict, ...], total: str, group_fields: dict[str, str]
) -> list[dict]:
    out = []
    for v in vs:
        if v.kind != "event":
            continue
        r = v.rule
        targets = [total] if group_fields[r.group] == total else [group_fields[r.group], total]
        sign = f"+{r.points}" if r.points >= 0 else str(r.points)
        out.append(
            {
                "id": f"score-{slug(r.id)}",
                "rule": r.id,
                "line": r.loc.line if r.loc else None,
                "name": f"leadrules {r.id}: {r.text} {sign}",
                "trigger": _trigger(v),
                "conditions": [c.describe() for c in v.event_trigger().filter],
                "runs": "once_per_contact" if v.event_trigger().once else "every_time",
                "actions": [
                    {"type": "update_field", "field": f, "operation": "add", "value": r.points}
                    for f in targets
                ],
            }
        )
    return out


def _range_text(lo, hi) -> dict:
    return {"min": lo, "max": hi}


def _action(
    a: m.Action, model: m.Model, options: Options, diags: list[dg.Diagnostic]
) -> dict | None:
    if isinstance(a, m.EmailAction):
        return {"type": "send_email", "template": a.template}
    if isinstance(a, m.NotifyAction):
        return {"type": "manager_alert", "recipient": a.recipient, "message": a.message}
    if isinstance(a, m.SmsAction):
        return {"type": "send_sms", "text": a.text}
    if isinstance(a, m.SetAction):
        attr = model.attribute(a.property)
        value = a.value
        if isinstance(value, bool):
            value = "true" if value else "false"
        return {
            "type": "update_field",
            "field": attr.column if attr else a.property,
            "operation": "set",
            "value": value,
        }
    if isinstance(a, m.DelayAction):
        return {"type": "wait", "minutes": -(-int(a.seconds) // 60)}
    why = {
        "task": "smoove has no tasks or CRM activities; use a manager alert (`notify`) instead",
        "webhook": "smoove automations have no documented webhook step; call the URL from the "
        "warehouse sync instead",
    }.get(a.kind, "smoove automations have no such step")
    if not options.best_effort:
        why += "; or pass --best-effort to skip it with a warning"
    diags.append(unsupported(TARGET, f"the `{a.kind}` action", a.loc, options, help=why))
    return None


def threshold_automations(
    model: m.Model, total: str, options: Options, diags: list[dg.Diagnostic]
) -> list[dict]:
    out = []
    for auto in model.automations:
        tier = next(t for t in model.tiers if t.name == auto.tier)
        rng = tier_range(tier)
        if rng is None:
            help_ = (
                "smoove triggers on one field's value; compute the tier in the warehouse and "
                "sync it as a field, then trigger on that field"
            )
            if not options.best_effort:
                help_ += "; or pass --best-effort to skip it with a warning"
            diags.append(
                unsupported(
                    TARGET,
                    f"`on {auto.on} {auto.tier}` (tier `{auto.tier}` is `when "
                    f"{tier.text}`, not a score range)",
                    auto.loc,
                    options,
                    help=help_,
                )
            )
            continue
        acts = [x for x in (_action(a, model, options, diags) for a in auto.actions) if x]
        if not acts:
            continue
        out.append(
            {
                "id": f"on-{auto.on}-{slug(auto.tier)}",
                "on": auto.on,
                "tier": auto.tier,
                "line": auto.loc.line if auto.loc else None,
                "name": f"leadrules: on {auto.on} {auto.tier}",
                "trigger": {
                    "type": "field_updated",
                    "field": total,
                    "when": "in_range" if auto.on == "enter" else "out_of_range",
                    **_range_text(*rng),
                },
                "runs": "once_per_contact",
                "actions": acts,
            }
        )
    return out


def segments(model: m.Model, total: str) -> list[dict]:
    return [
        {
            "name": f"leadrules tier: {t.name}",
            "tier": t.name,
            "field": total,
            **_range_text(t.lo, t.hi),
        }
        for t in model.tiers
        if t.kind == "range"
    ]


def build(model: m.Model, options: Options, diags: list[dg.Diagnostic]) -> dict:
    total, group_fields = fields(model)
    vs = verdicts(model)
    left_out = [
        v if v.kind == "none" else Verdict(v.rule, reasons=("attribute",))
        for v in vs
        if v.kind != "event"
    ]
    notes = []
    if model.clamp is not None:
        notes.append({"kind": "clamp", "text": f"clamp {model.clamp[0]}..{model.clamp[1]}"})
    notes += [
        {"kind": "cap", "text": f"{g.name} cap {g.cap}"} for g in model.groups if g.cap is not None
    ]
    extra = [f for f in group_fields.values() if f != total["name"]]
    automations = scoring_automations(vs, total["name"], group_fields)
    fed = {a["field"] for auto in automations for a in auto["actions"]}
    field_list = [
        {**f, "syncOnly": f["name"] not in fed}
        for f in [total, *({"name": x, "type": "number", "holds": "group"} for x in extra)]
    ]
    return {
        "platform": "smoove",
        "model": model.name,
        "source": model.path,
        "fields": field_list,
        "groupFields": group_fields,
        "automations": automations,
        "thresholdAutomations": threshold_automations(model, total["name"], options, diags),
        "segments": segments(model, total["name"]),
        "notExpressible": {
            "rules": [unexpressed(v, REASONS) | {"reasonKeys": list(v.reasons)} for v in left_out],
            "tiers": [{"tier": t.name, "when": t.text} for t in model.tiers if t.kind == "when"],
            "model": notes,
        },
        "sync": {
            "method": "POST",
            "url": f"{API}/Contacts?updateIfExists=true",
            "headers": {
                "Authorization": "Bearer <smoove API key>",
                "Content-Type": "application/json",
            },
            "body": {
                "email": "lead@example.com",
                "customFields": {
                    f"<id of field {f['name']}>": 0 for f in [total, *({"name": x} for x in extra)]
                },
            },
        },
    }
