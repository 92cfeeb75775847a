"""Property: for any model drawn from a pool of rules, tiers and actions, every output validates
against its schema and every rule is accounted for exactly once: expressed by the target, or
listed as not expressible with a reason."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from leadrules import load
from leadrules.targets import Options, hubspot, smoove
from tests.targets.helpers import schema_for

HEADER = """\
lead a: number
lead b: text
lead c: bool
event e(p: text)
event f
"""
RULES = [
    "each e: +1",
    "e: +2",
    'each e where p contains "x": +3',
    "f: -4",
    "each f within 7d: +1",
    "each e: +1 cap 5",
    "e >= 2 times: +1",
    "no f within 7d: -1",
    "no_activity 30d: -2",
    "e and f: +5",
    'a > 1 and b == "x": +1',
    "a in 1..5: +2",
    'b in ["x", "y"]: +1',
    "c: +1",
    "a != 1: +1",
    'lower(b) == "x": +1',
    'a == 1 or b == "x": +1',
    "b is missing: -1",
    'e where p == "y": +2',
    "a in [1, 3]: +1",
]
ACTIONS = [
    'notify owner "n {b}"',
    'task "t"',
    'set b = "v"',
    'email "m"',
    'sms "s"',
    'webhook "https://example.test/h"',
    "delay 1d",
    'notify "123" "n"',
]


@st.composite
def models(draw):
    groups = draw(
        st.lists(st.lists(st.sampled_from(RULES), min_size=1, max_size=5), min_size=1, max_size=3)
    )
    text = HEADER
    for i, rules in enumerate(groups):
        cap = draw(st.sampled_from(["", " cap 20"]))
        text += f"g{i}{cap}:\n" + "".join(f"  {r}\n" for r in rules)
    if draw(st.booleans()):
        text += "clamp 0..50\n"
    cut = draw(st.integers(1, 40))
    text += f"tier low < {cut}\ntier high >= {cut}\n"
    if draw(st.booleans()):
        text += "tier never when c\n"
    for on in draw(
        st.lists(st.sampled_from(["enter high", "exit high", "enter low"]), unique=True, max_size=2)
    ):
        acts = draw(st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=4))
        text += f"on {on}:\n" + "".join(f"  {a}\n" for a in acts)
    return text


def _accounted(target: str, mode: str, files: dict[str, str]) -> list[str]:
    if target == "smoove":
        spec = json.loads(files["smoove-spec.json"])
        return [a["rule"] for a in spec["automations"]] + [
            r["rule"] for r in spec["notExpressible"]["rules"]
        ]
    left = [r["rule"] for r in json.loads(files["not-expressible.json"])["rules"]]
    if mode == "native":
        cfg = json.loads(files["lead-scoring-summary.json"])
        return [r["rule"] for g in cfg["groups"] for r in g["rules"]] + left
    flows = [json.loads(t) for n, t in files.items() if n.startswith("flows/score-")]
    return [f["actions"][0]["fields"]["value"]["staticValue"] for f in flows] + left


@settings(max_examples=60, deadline=None)
@given(models())
def test_every_rule_is_expressed_or_listed_once(tmp_path_factory, validator, source):
    path = tmp_path_factory.mktemp("m") / "m.lrules"
    path.write_text(source, encoding="utf-8")
    model = load(str(path))
    ids = sorted(r.id for r in model.rules)
    for module, target, opts in (
        (hubspot, "hubspot", {"mode": "native"}),
        (hubspot, "hubspot", {"mode": "workflows"}),
        (smoove, "smoove", {"lang": "he"}),
    ):
        out = module.compile(model, Options(best_effort=True, **opts))
        assert all(d.code == "LR0801" and not d.is_error for d in out.diagnostics)
        for name, text in out.files.items():
            if name.endswith(".json"):
                validator(schema_for(target, name), json.loads(text))
        assert sorted(_accounted(target, opts.get("mode", ""), out.files)) == ids
