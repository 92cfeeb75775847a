"""`leadrules apply --target hubspot`: create or update, idempotently, what `compile --target
hubspot` writes: the property group, the properties, the lead score (a draft, published only on
request) and the workflows (created disabled).

The plan compares what HubSpot holds with what the model compiles to: a field counts as changed
when HubSpot's value differs from the compiled one (fields HubSpot adds, such as ids and dates,
are ignored), so a second apply of the same model is all `= unchanged`. Nothing is deleted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from leadrules.targets.hubspot.api import Client
from leadrules.targets.hubspot.readme import FLOWS, PROPERTIES, PROPERTY_GROUPS, SCORES

TOKEN = re.compile(r"\$\{([A-Z_]+:[^}]*)\}")
SYMBOL = {"create": "+", "update": "~", "unchanged": "=", "publish": "+", "skip": "!", "note": "!"}


@dataclass
class Step:
    kind: str  # property group | property | lead score | workflow | (for notes) what
    name: str
    action: str  # create | update | unchanged | publish | skip | note
    detail: str = ""
    run: Callable[[Client], object] | None = field(default=None, repr=False)

    def line(self) -> str:
        if self.action == "note":
            return f"! not applied: {self.detail}"
        text = f"{SYMBOL[self.action]} {self.action} {self.kind} {self.name}"
        return f"{text} ({self.detail})" if self.detail else text


def differences(have: object, want: object, path: str = "") -> list[str]:
    """Where `have` (HubSpot's) differs from `want` (compiled); keys HubSpot adds are ignored."""
    if isinstance(want, dict):
        if not isinstance(have, dict):
            return [path or "."]
        out: list[str] = []
        for k, v in want.items():
            out += differences(have.get(k), v, f"{path}.{k}" if path else k) if k in have else [k]
        return out
    if isinstance(want, list):
        if not isinstance(have, list) or len(have) != len(want):
            return [path]
        return [d for h, w in zip(have, want, strict=True) for d in differences(h, w, path)]
    if isinstance(want, bool) or isinstance(have, bool):
        return [] if have is want else [path]
    if isinstance(want, (int, float)) and isinstance(have, (int, float)):
        return [] if float(have) == float(want) else [path]
    return [] if have == want else [path]


def _fields(diffs: list[str]) -> str:
    tops = sorted({d.split(".")[0] for d in diffs})
    return ", ".join(tops)


FILL_FORMS = {
    "EVENT_TYPE_ID": (re.compile(r"[0-9]+-[0-9]+\Z"), "an event type id such as 4-96000"),
    "EMAIL_CONTENT_ID": (re.compile(r"[0-9]+\Z"), "a marketing e-mail's content id (digits)"),
}


def fill_problem(name: str, value: str) -> str | None:
    """Why `value` cannot fill the token `name` (`EVENT_TYPE_ID:page_view`), or None."""
    kind = name.split(":", 1)[0]
    form = FILL_FORMS.get(kind)
    if form is None:
        return f"no token kind {kind} (known: {', '.join(FILL_FORMS)})"
    if not form[0].match(value):
        return f"{value!r} is not {form[1]}"
    return None


def fill_tokens(text: str, fills: dict[str, str]) -> tuple[str, list[str]]:
    """Replace `${NAME:arg}` tokens given by `fills`; return the text and those left."""
    left: list[str] = []

    def sub(m: re.Match) -> str:
        if m.group(1) in fills:
            return json.dumps(fills[m.group(1)])[1:-1]
        left.append(m.group(0))
        return m.group(0)

    return TOKEN.sub(sub, text), sorted(set(left))


def _without(body: dict, *keys: str) -> dict:
    return {k: v for k, v in body.items() if k not in keys}


def plan(
    files: dict[str, str], client: Client, *, fills: dict[str, str], publish: bool
) -> list[Step]:
    """Read what HubSpot holds (GET requests only) and say what applying would do."""
    steps: list[Step] = []
    bodies: dict[str, dict] = {}
    for name, text in files.items():
        if not name.endswith(".json") or name in ("not-expressible.json",):
            continue
        filled, left = fill_tokens(text, fills)
        if left:
            what = _what(name, json.loads(text))
            steps.append(
                Step(*what, "skip", "holds " + ", ".join(left) + ": pass --fill NAME:ARG=VALUE")
            )
            continue
        bodies[name] = json.loads(filled)

    group = bodies.get("properties/group.json")
    if group is not None:
        steps.append(_property_group(client, group))
    props = (n for n in bodies if n.startswith("properties/") and n != "properties/group.json")
    for name in sorted(props):
        steps.append(_property(client, bodies[name]))
    if "lead-scoring.json" in bodies:
        steps += _lead_score(client, bodies["lead-scoring.json"], publish)
    flow_names = sorted(n for n in bodies if n.startswith("flows/"))
    if flow_names:
        existing: dict[str | None, list[dict]] = {}
        for f in client.pages(FLOWS):
            existing.setdefault(f.get("name"), []).append(f)
        for name in flow_names:
            steps.append(_flow(client, bodies[name], existing.get(bodies[name]["name"], [])))
        compiled = {bodies[n]["name"] for n in flow_names}
        for stale in sorted(n for n in existing if n and n.startswith("leadrules: ")):
            if stale not in compiled:
                steps.append(
                    Step(
                        "workflow",
                        "",
                        "note",
                        f"workflow {json.dumps(stale, ensure_ascii=False)} is in HubSpot "
                        "but not in this model; apply deletes nothing: turn it off or "
                        "delete it in HubSpot if it is no longer wanted",
                    )
                )
    steps += _notes(files)
    return _ordered(steps)


def _ordered(steps: list[Step]) -> list[Step]:
    """Group, properties, lead score, workflows (the order they depend on), then the notes."""
    order = {"property group": 0, "property": 1, "lead score": 2, "workflow": 3}
    return sorted(steps, key=lambda s: order.get(s.kind, 4))


def _what(file: str, body: dict) -> tuple[str, str]:
    if file == "properties/group.json":
        return "property group", body["name"]
    if file.startswith("properties/"):
        return "property", body["name"]
    if file == "lead-scoring.json":
        return "lead score", json.dumps(body["name"], ensure_ascii=False)
    if file.startswith("flows/"):
        return "workflow", json.dumps(body["name"], ensure_ascii=False)
    return "file", file


def _property_group(client: Client, body: dict) -> Step:
    name = body["name"]
    have = client.request("GET", f"{PROPERTY_GROUPS}/{name}")
    if have is None:
        return Step(
            "property group", name, "create", run=lambda c: c.request("POST", PROPERTY_GROUPS, body)
        )
    diffs = differences(have, _without(body, "name"))
    if not diffs:
        return Step("property group", name, "unchanged")
    return Step(
        "property group",
        name,
        "update",
        _fields(diffs),
        run=lambda c: c.request("PATCH", f"{PROPERTY_GROUPS}/{name}", _without(body, "name")),
    )


def _property(client: Client, body: dict) -> Step:
    name = body["name"]
    have = client.request("GET", f"{PROPERTIES}/{name}")
    if have is None:
        return Step("property", name, "create", run=lambda c: c.request("POST", PROPERTIES, body))
    diffs = differences(have, _without(body, "name"))
    if not diffs:
        return Step("property", name, "unchanged")
    return Step(
        "property",
        name,
        "update",
        _fields(diffs),
        run=lambda c: c.request("PATCH", f"{PROPERTIES}/{name}", _without(body, "name")),
    )


def _lead_score(client: Client, body: dict, publish: bool) -> list[Step]:
    label = json.dumps(body["name"], ensure_ascii=False)
    found = [s for s in client.pages(SCORES) if s.get("name") == body["name"]]
    if len(found) > 1:
        return [Step("lead score", label, "skip", f"{len(found)} scores have this name")]
    if not found:
        created: dict = {}

        def create(c: Client) -> None:
            created.update(c.request("POST", SCORES, body) or {})

        steps = [Step("lead score", label, "create", "a draft", run=create)]
        if publish:
            steps.append(
                Step(
                    "lead score",
                    label,
                    "publish",
                    run=lambda c: c.request("POST", f"{SCORES}/{created['id']}/draft/publish"),
                )
            )
        return steps
    score = found[0]
    sid = score["id"]
    have = client.request("GET", f"{SCORES}/{sid}/draft")
    if have is None:
        have = client.request("GET", f"{SCORES}/{sid}")
    diffs = differences(have, body)
    steps = []
    status = str(score.get("scoreStatus", "")).lower()
    if diffs:
        steps.append(
            Step(
                "lead score",
                label,
                "update",
                "the draft: " + _fields(diffs),
                run=lambda c: c.request("PUT", f"{SCORES}/{sid}/draft", body),
            )
        )
    else:
        state = "published" if status == "published" else "a draft; --publish publishes it"
        steps.append(Step("lead score", label, "unchanged", state))
    if publish and (diffs or status != "published"):
        steps.append(
            Step(
                "lead score",
                label,
                "publish",
                run=lambda c: c.request("POST", f"{SCORES}/{sid}/draft/publish"),
            )
        )
    return steps


def _flow(client: Client, body: dict, found: list[dict]) -> Step:
    label = json.dumps(body["name"], ensure_ascii=False)
    if len(found) > 1:
        return Step("workflow", label, "skip", f"{len(found)} workflows have this name")
    if not found:
        return Step(
            "workflow", label, "create", "disabled", run=lambda c: c.request("POST", FLOWS, body)
        )
    fid = found[0]["id"]
    have = client.request("GET", f"{FLOWS}/{fid}") or {}
    diffs = differences(have, _without(body, "isEnabled"))
    if not diffs:
        return Step("workflow", label, "unchanged")
    update = {
        **body,
        "isEnabled": bool(have.get("isEnabled")),
        "revisionId": have.get("revisionId"),
    }
    return Step(
        "workflow",
        label,
        "update",
        _fields(diffs),
        run=lambda c: c.request("PUT", f"{FLOWS}/{fid}", update),
    )


def _notes(files: dict[str, str]) -> list[Step]:
    """What apply leaves to people: rules HubSpot cannot express, increments without an API."""
    out = []
    left = json.loads(files["not-expressible.json"])
    n = len(left["rules"])
    if n:
        out.append(
            Step(
                "rules",
                "",
                "note",
                f"{n} rule{'s' if n > 1 else ''} HubSpot cannot express "
                "(not-expressible.json); the exact path in README.md keeps the score "
                "properties exact",
            )
        )
    for tier in left["tiers"]:
        out.append(Step("tier", "", "note", tier))
    if left["mode"] == "workflows":
        out.append(
            Step(
                "increments",
                "",
                "note",
                "the scoring workflows' increments: HubSpot documents no API for the "
                "editor's 'Increase or decrease property value' action; add each in the "
                "editor (README.md)",
            )
        )
    return out


def execute(steps: list[Step], client: Client, echo: Callable[[str], None]) -> None:
    for step in steps:
        if step.run is not None:
            step.run(client)
            echo(f"  done: {step.action} {step.kind} {step.name}")
