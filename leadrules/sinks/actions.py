"""Who runs each action kind of a model, and the outbox rows a lead's change produces.

`serve` calls `who_runs` at start (it prints the list; an action nobody runs is a start-up
error, never a silent drop) and `deliveries` inside the transaction that stores a lead's new
score, writing each returned item as an outbox row."""

from __future__ import annotations

from dataclasses import dataclass, field

from leadrules.sinks.config import ConfigError, DeliveryConfig
from leadrules.sinks.updates import LeadState, Mapper, delivery_key

# runner names a config may give in [actions]
RUNNERS = {
    "hubspot-workflows": "hubspot",
    "smoove-automations": "smoove",
    "crm": None,  # the configured CRM's own automations (hubspot, else smoove)
    "hubspot": "hubspot",  # a sink's name: the same as its workflows (serve's spelling)
    "smoove": "smoove",
}
# what the CRMs' own automations cannot do (the compile targets report these as LR0801)
CANNOT = {
    ("hubspot", "sms"): "HubSpot workflows have no documented SMS action",
    ("smoove", "task"): "smoove has no tasks or CRM activities",
}


@dataclass(frozen=True)
class Runner:
    kind: str
    runner: str  # "hubspot-workflows" | "smoove-automations" | "webhook:URL" | "leadrules" | sink
    text: str  # for people: who runs it and how


def action_kinds(model) -> list[str]:
    """Every action kind the model's `on enter` / `on exit` blocks use, in first-seen order."""
    return list(dict.fromkeys(a.kind for auto in model.automations for a in auto.actions))


def who_runs(model, config: DeliveryConfig) -> list[Runner]:
    """Who runs each action kind of the model; ConfigError naming every kind nobody runs."""
    runners, problems = resolve(model, config)
    if problems:
        raise ConfigError(
            f"{config.path}: actions nobody runs:\n" + "\n".join(f"  - {p}" for _, p in problems)
        )
    return runners


def serve_runners(model, config: DeliveryConfig) -> dict[str, str | None]:
    """The table `serve` asks for (`leadrules.sinks.action_runners`): kind -> the sink that
    delivers it, `crm` for the CRM's own workflows, `outbox` for delays, None for nobody."""
    runners, problems = resolve(model, config)
    out: dict[str, str | None] = {kind: None for kind, _ in problems}
    for r in runners:
        if r.runner in ("hubspot", "smoove"):
            out[r.kind] = r.runner  # serve queues a row; the worker leaves it to the CRM
        elif r.runner in RUNNERS:
            out[r.kind] = "crm"
        elif r.runner.startswith("webhook"):
            out[r.kind] = "webhook"
        elif r.runner == "inline":
            out[r.kind] = "outbox"  # serve writes the later actions due that much later
        else:
            out[r.kind] = r.runner
    return out


def resolve(model, config: DeliveryConfig) -> tuple[list[Runner], list[tuple[str, str]]]:
    """(who runs each kind, [(kind, why nobody does)])."""
    out: list[Runner] = []
    problems: list[tuple[str, str]] = []
    crm = config.crm
    for kind in action_kinds(model):
        if kind == "delay":
            out.append(Runner(kind, "inline", "waits between the actions around it"))
            continue
        if kind == "set":
            if crm is None:
                problems.append(
                    (
                        kind,
                        "`set` updates a CRM property: configure [sinks.hubspot] or [sinks.smoove]",
                    )
                )
            else:
                out.append(Runner(kind, crm, f"leadrules, as a {crm} property update"))
            continue
        if kind == "webhook":
            out.append(Runner(kind, "webhook", "leadrules, as a signed POST to the rule's URL"))
            continue
        runner = config.actions.get(kind)
        if runner is None:
            problems.append(
                (
                    kind,
                    f"no one runs `{kind}` actions: add to [actions] e.g. "
                    f'{kind} = "hubspot-workflows", "smoove-automations" or "webhook:https://..."',
                )
            )
            continue
        if runner.startswith("webhook:"):
            url = runner[len("webhook:") :]
            if not url.startswith(("http://", "https://")):
                problems.append(
                    (kind, f'[actions] {kind} = "{runner}": the webhook needs an http(s) URL')
                )
                continue
            out.append(Runner(kind, runner, f"leadrules, as a signed POST to {url}"))
            continue
        if runner not in RUNNERS:
            known = ", ".join([*RUNNERS, "webhook:URL"])
            problems.append(
                (kind, f'[actions] {kind} = "{runner}": unknown runner (known: {known})')
            )
            continue
        sink = RUNNERS[runner] or crm
        if sink is None or getattr(config, sink) is None:
            problems.append(
                (
                    kind,
                    f'[actions] {kind} = "{runner}" needs [sinks.{sink or "hubspot"}]: the tier '
                    "property that triggers the workflows must reach it",
                )
            )
        elif (sink, kind) in CANNOT:
            problems.append((kind, f'[actions] {kind} = "{runner}": {CANNOT[(sink, kind)]}'))
        else:
            label = "HubSpot workflows" if sink == "hubspot" else "smoove automations"
            out.append(
                Runner(
                    kind,
                    runner,
                    f"{label} from `leadrules compile --target {sink}`, triggered by the tier",
                )
            )
    return out, problems


@dataclass(frozen=True)
class Change:
    """A lead's change as `serve` records it."""

    lead_id: str
    score: int
    groups: dict[str, int]
    tier: str | None
    previous_tier: str | None
    at: str  # ISO 8601, UTC
    attributes: dict[str, object] = field(default_factory=dict)  # by attribute name
    rules: tuple[str, ...] = ()  # the ids of the rules that fired
    model_name: str = ""
    model_hash: str = ""
    cause: str = "event"
    first: bool = False  # the lead had no score before


@dataclass(frozen=True)
class OutboxItem:
    sink: str  # hubspot | smoove | webhook
    kind: str  # properties | webhook | action
    payload: dict
    idempotency_key: str
    delay_seconds: int = 0  # deliver no sooner than this after the change (a `delay` action)


def contact_of(config: DeliveryConfig, sink: str, lead_id: str, attributes: dict) -> str | None:
    cfg = getattr(config, sink, None)
    attr = getattr(cfg, "id_attribute", None)
    if attr is None:
        return lead_id
    value = attributes.get(attr)
    return None if value in (None, "") else str(value)


def deliveries(
    model, config: DeliveryConfig, change: Change, fire_actions: bool = True, mapper=None
) -> list[OutboxItem]:
    """The outbox rows of one change: a property update per configured CRM (with the `set`
    actions of the tiers left and entered), and a row per action leadrules itself delivers."""
    mapper = mapper or Mapper(model, config)
    moved = change.tier != change.previous_tier and not change.first
    autos = []
    if moved and fire_actions:
        autos = [a for a in model.automations if a.on == "exit" and a.tier == change.previous_tier]
        autos += [a for a in model.automations if a.on == "enter" and a.tier == change.tier]
    sets = {a.args[0]: a.args[1] for auto in autos for a in auto.actions if a.kind == "set"}
    out: list[OutboxItem] = []
    for sink in ("hubspot", "smoove"):
        if getattr(config, sink) is None:
            continue
        state = LeadState(
            change.lead_id,
            change.score,
            dict(change.groups),
            change.tier,
            change.previous_tier,
            previous_known=not change.first,
            contact=contact_of(config, sink, change.lead_id, change.attributes),
            sets=sets if sink == config.crm else {},
        )
        u = mapper.update(sink, state, change.at)
        out.append(OutboxItem(sink, "properties", u.to_json(), u.key))
    if not autos:
        return out
    runners = {r.kind: r.runner for r in who_runs(model, config)}
    for auto in autos:
        delay = 0
        for index, a in enumerate(auto.actions):
            if a.kind == "delay":
                delay += int(a.args[0])
                continue
            runner = runners.get(a.kind, "")
            if a.kind == "webhook":
                url = str(a.args[0])
            elif runner.startswith("webhook:"):
                url = runner[len("webhook:") :]
            else:
                continue  # a CRM property update, or the CRM's own workflows
            key = delivery_key(change.lead_id, change.at, auto.on, auto.tier, index)
            body = _body(change, auto, a, key)
            kind = "webhook" if a.kind == "webhook" else "action"
            out.append(OutboxItem("webhook", kind, {"url": url, "body": body}, key, delay))
    return out


def _body(change: Change, auto, action, key: str) -> dict:
    body = {
        "id": key,
        "type": f"tier.{'entered' if auto.on == 'enter' else 'exited'}",
        "lead_id": change.lead_id,
        "old_tier": change.previous_tier,
        "new_tier": change.tier,
        "score": change.score,
        "groups": dict(change.groups),
        "rules": list(change.rules),
        "model": {"name": change.model_name, "hash": change.model_hash},
        "cause": change.cause,
        "at": change.at,
    }
    if action.kind != "webhook":
        body["action"] = {"kind": action.kind, "args": [_plain(x) for x in action.args]}
    return body


def _plain(value: object) -> object:
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)
