"""Who runs each action kind of a model, and the outbox rows a tier transition writes.

The contract: at start, `serve` lists every action kind in the model and who runs it; an action
nobody runs is a start-up error. The default answer (`default_runners`):

- `webhook`: the `webhook` sink (the URL is in the action);
- `set`: the first configured CRM sink (`hubspot`, then `smoove`);
- `notify`, `task`, `email`, `sms`: the config's `[actions]` table names a configured sink, or
  `crm` (the CRM's own workflows, compiled by `leadrules compile`: nothing is queued here);
- `delay D`: the outbox itself: the actions after it in its block are written due D later
  (`next_attempt_at`); no row is written for the delay.

Every sink needs the delivery worker (`leadrules.sinks.worker.run_worker`): without it, an
action with a sink is a start-up error too. A module `leadrules.sinks` may replace the defaults by
defining `action_runners(model, config) -> {kind: sink name | "crm" | None}`.

Outbox rows (written in the transaction of the new score):
- one per action of the `on exit PREVIOUS` and `on enter NEW` blocks of a transition (not for
  cause `model` unless `--fire-on-model-change`), kind = the action kind, sink = its runner;
- one `crm` row per configured CRM sink (`hubspot`, `smoove`) per change of score or tier:
  payload `{"lead_id", "score", "groups", "tier", "previous_tier", "properties"}` with the
  property names `leadrules compile --target hubspot` defines.
Idempotency key: `{lead_id}:{history id}:{n}` (n numbers the rows of one change).
"""

from __future__ import annotations

import importlib
import importlib.util

CRM_SINKS = ("hubspot", "smoove")
CRM_WORKFLOW = "crm"
DELAY = "outbox"  # `delay` is carried out by the rows' due times


def worker_available() -> bool:
    try:
        return importlib.util.find_spec("leadrules.sinks.worker") is not None
    except ModuleNotFoundError:
        return False


def default_runners(model, config) -> dict[str, str | None]:
    crm = next((s for s in CRM_SINKS if s in config.sinks), None)
    out: dict[str, str | None] = {}
    for kind in action_kinds(model):
        if kind == "webhook":
            out[kind] = "webhook"
        elif kind == "set":
            out[kind] = config.actions.get("set", crm)
        elif kind == "delay":
            out[kind] = DELAY
        else:
            out[kind] = config.actions.get(kind)
    return out


def runners(model, config) -> dict[str, str | None]:
    try:
        sinks = importlib.import_module("leadrules.sinks")
    except ModuleNotFoundError:
        sinks = None
    custom = getattr(sinks, "action_runners", None)
    if custom is not None:
        return custom(model, config)
    return default_runners(model, config)


def action_kinds(model) -> list[str]:
    return sorted({a.kind for auto in model.automations for a in auto.actions})


def check_runners(model, config) -> tuple[list[str], list[str]]:
    """(lines listing who runs what, errors): an action nobody runs is an error. The delivery
    side (`leadrules.sinks.check_runners`) answers when it is installed."""
    try:
        sinks = importlib.import_module("leadrules.sinks")
    except ModuleNotFoundError:
        sinks = None
    custom = getattr(sinks, "check_runners", None)
    if custom is not None:
        return custom(model, config)
    table = runners(model, config)
    lines, errors = [], []
    has_worker = worker_available()
    for kind in action_kinds(model):
        who = table.get(kind)
        if who is None:
            errors.append(
                f"no one runs `{kind}` actions: name a sink for it in the config's [actions] "
                f'table (e.g. {kind} = "hubspot"), or "crm" when the CRM\'s own workflow runs it'
            )
            continue
        if who not in (CRM_WORKFLOW, DELAY, "webhook") and who not in config.sinks:
            errors.append(f"`{kind}` actions go to sink `{who}`, which the config does not define")
            continue
        if who not in (CRM_WORKFLOW, DELAY) and not has_worker:
            errors.append(
                f"`{kind}` actions need the delivery worker (leadrules.sinks.worker), "
                "which is not installed"
            )
            continue
        lines.append(f"{kind}: {who}")
    return lines, errors


def crm_properties(model, score, groups, tier, previous_tier) -> dict:
    props = {"leadrules_score": score}
    for name, value in groups.items():
        props[f"leadrules_{name}"] = value
    props["leadrules_tier"] = tier
    props["leadrules_previous_tier"] = previous_tier
    return props


def outbox_rows(model, config, table, change, fire_actions: bool) -> list[tuple]:
    """(sink, kind, payload, idempotency key, delay seconds) of one change: `change` has
    lead_id, history_id, score, groups, tier, previous_tier, at (ISO text), cause."""
    rows = []
    base = {k: change[k] for k in ("lead_id", "score", "groups", "tier", "previous_tier", "at")}
    base["cause"] = change["cause"]
    for optional in ("rules", "model"):  # what a webhook carries, when the service gave them
        if optional in change:
            base[optional] = change[optional]
    if fire_actions and change["tier"] != change["previous_tier"]:
        for auto in model.automations:
            fired = (auto.on == "exit" and auto.tier == change["previous_tier"]) or (
                auto.on == "enter" and auto.tier == change["tier"]
            )
            if not fired:
                continue
            delay = 0
            for position, action in enumerate(auto.actions):
                if action.kind == "delay":
                    delay += int(action.args[0])
                    continue
                sink = table.get(action.kind)
                if sink is None or sink == CRM_WORKFLOW:
                    continue
                payload = dict(base, on=auto.on, automation_tier=auto.tier)
                payload["action"] = {"kind": action.kind, "args": list(action.args)}
                payload["position"] = position
                payload["delay_seconds"] = delay
                rows.append((sink, action.kind, payload, delay))
    for sink in CRM_SINKS:
        if sink in config.sinks:
            props = crm_properties(
                model, change["score"], change["groups"], change["tier"], change["previous_tier"]
            )
            rows.append((sink, "crm", dict(base, properties=props), 0))
    key = f"{change['lead_id']}:{change['history_id']}"
    return [(s, k, p, f"{key}:{n}", d) for n, (s, k, p, d) in enumerate(rows)]
