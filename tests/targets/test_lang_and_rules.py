"""The smoove recipe in English and Hebrew (right to left, code kept left to right), the JSON
Schemas rejecting what they should, and the rule classification both targets share."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest

from leadrules import load
from leadrules.targets.automation import classify
from tests.targets.helpers import EXAMPLES, compile_file

SMOOVE = next(p for p in EXAMPLES if p.stem == "smoove_engagement")
HEBREW = re.compile(r"[\u0590-\u05FF]")


def test_english_recipe_has_no_hebrew_and_no_rtl():
    recipe = compile_file(SMOOVE, "smoove", best_effort=True).files["recipe.md"]
    assert not HEBREW.search(recipe) and 'dir="rtl"' not in recipe
    assert recipe.startswith("# smoove recipe: ")
    assert "add 3 to `Engagement Score`" in recipe


def test_hebrew_recipe_is_rtl_with_code_kept_ltr():
    recipe = compile_file(SMOOVE, "smoove", lang="he", best_effort=True).files["recipe.md"]
    assert recipe.startswith('<div dir="rtl">\n\n# מתכון smoove: ')
    assert recipe.rstrip().endswith("</div>")
    assert 'הוסף 3 לשדה <span dir="ltr">`Engagement Score`</span>' in recipe
    # every code span sits inside a left-to-right span or a left-to-right block
    outside = re.sub(r'<span dir="ltr">`[^`]+`</span>', "", recipe)
    outside = re.sub(r'<div dir="ltr">.*?</div>', "", outside, flags=re.S)
    assert "`" not in outside
    assert "פתיחת מייל" in recipe  # smoove's own words for the e-mail open trigger


def test_spec_is_the_same_in_both_languages():
    en = compile_file(SMOOVE, "smoove", best_effort=True).files["smoove-spec.json"]
    he = compile_file(SMOOVE, "smoove", lang="he", best_effort=True).files["smoove-spec.json"]
    assert en == he


def test_schemas_reject_what_hubspot_would_reject(validator):
    out = compile_file(SMOOVE, "hubspot", best_effort=True)
    flow = json.loads(out.files["flows/on-enter-ready_for_offer.json"])
    validator("hubspot-flow.json", flow)
    for broken in (
        {**flow, "isEnabled": True},
        {**flow, "objectTypeId": "0-2"},
        {**flow, "actions": [{**flow["actions"][0], "actionTypeId": "0-99"}]},
        {**flow, "actions": [{**flow["actions"][0], "fields": {"content": "x"}}]},
    ):
        with pytest.raises(jsonschema.ValidationError):
            validator("hubspot-flow.json", broken)
    prop = json.loads(out.files["properties/03-leadrules_tier.json"])
    with pytest.raises(jsonschema.ValidationError):
        validator("hubspot-property.json", {k: v for k, v in prop.items() if k != "options"})
    spec = json.loads(compile_file(SMOOVE, "smoove", best_effort=True).files["smoove-spec.json"])
    with pytest.raises(jsonschema.ValidationError):
        validator("smoove-spec.json", {**spec, "sync": {**spec["sync"], "url": "https://x"}})


RULES = {
    "each e: +1": ("event", ()),
    "e: +1": ("event", ()),
    "e > 0 times: +1": ("event", ()),
    'each e where p contains "x": +1': ("event", ()),
    "each e within 7d: +1": ("none", ("window",)),
    "e within 7d: +1": ("none", ("window",)),
    "each e: +1 cap 5": ("none", ("cap",)),
    "e >= 2 times: +1": ("none", ("count",)),
    "no e within 7d: +1": ("none", ("absence",)),
    "no_activity 30d: -1": ("none", ("absence",)),
    "e and a > 1: +1": ("none", ("combination",)),
    'a > 1 and b == "x": +1': ("attribute", ()),
    "1 < a: +1": ("attribute", ()),
    "a != 1: +1": ("none", ("negation",)),
    'b not in ["x"]: +1': ("none", ("negation",)),
    'lower(b) == "x": +1': ("none", ("function",)),
    'a == 1 or b == "x": +1': ("none", ("or",)),
    'each e where (p == "x" or p == "y"): +1': ("none", ("or",)),
    "b is missing: +1": ("attribute", ()),
    "t > 2026-01-01: +1": ("none", ("time",)),
    "days_since(t) < 30: +1": ("none", ("function",)),
    "a == a: +1": ("none", ("function",)),
}


@pytest.mark.parametrize("rule", RULES)
def test_classify(rule, tmp_path):
    src = (
        f"lead a: number\nlead b: text\nlead t: time\nevent e(p: text)\n{rule}\ntier all >= -1000\n"
    )
    path = tmp_path / "m.lrules"
    path.write_text(src, encoding="utf-8")
    model = load(str(path))
    v = classify(model.rules[0], model)
    assert (v.kind, v.reasons) == RULES[rule]
    if v.kind == "event":
        assert v.trigger.once is not rule.startswith("each")
    if rule == "1 < a: +1":
        (c,) = v.criteria
        assert (c.field, c.op, c.value) == ("a", ">", 1)
