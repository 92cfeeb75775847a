"""The examples of docs/targets/hubspot.md and smoove.md are real: every ```lrules block checks
clean and compiles with its page's target, without errors unless it says `# expect: LR0801`; the
outputs the pages describe are the outputs the compiler gives."""

from __future__ import annotations

import json
import re

import pytest

from leadrules.check import check
from leadrules.targets import Options
from tests.targets.helpers import ROOT

DOCS = ROOT / "docs" / "targets"
FENCE = re.compile(r"^```lrules\n(.*?)^```", re.S | re.M)


def blocks(page: str) -> list[str]:
    return FENCE.findall((DOCS / page).read_text(encoding="utf-8"))


def compile_block(block: str, target: str, tmp_path, **options):
    from importlib import import_module

    path = tmp_path / "doc.lrules"
    path.write_text(block, encoding="utf-8")
    result = check(path)
    assert result.model is not None and not [d for d in result.diagnostics if d.is_error]
    return import_module(f"leadrules.targets.{target}").compile(result.model, Options(**options))


CASES = [
    (p, t, i)
    for p, t in (("hubspot.md", "hubspot"), ("smoove.md", "smoove"))
    for i in range(len(blocks(p)))
]


@pytest.mark.parametrize(("page", "target", "index"), CASES)
def test_doc_block_compiles(page, target, index, tmp_path):
    block = blocks(page)[index]
    out = compile_block(block, target, tmp_path)
    codes = [d.code for d in out.diagnostics if d.is_error]
    assert codes == (["LR0801"] if "# expect: LR0801" in block else [])


def test_hubspot_page_example_is_what_the_page_says(tmp_path):
    out = compile_block(blocks("hubspot.md")[0], "hubspot", tmp_path)
    page = (DOCS / "hubspot.md").read_text(encoding="utf-8")
    for name in re.findall(
        r"^\| `(properties/[^`]+|flows/[^`]+|[a-z-]+\.(?:json|md))`", page, re.M
    ):
        assert name in out.files, name
    cfg = json.loads(out.files["lead-scoring-summary.json"])
    assert [r["rule"] for r in cfg["notExpressible"]] == ["fit/2", "engagement/3"]
    flow = json.loads(out.files["flows/on-enter-hot.json"])
    assert [a["actionTypeId"] for a in flow["actions"]] == ["0-8", "0-3", "0-1", "0-4"]
    assert flow["actions"][2]["fields"]["delta"] == "1440"
    assert "${EMAIL_CONTENT_ID:follow-up}" in out.files["README.md"]


def test_smoove_page_example_is_what_the_page_says(tmp_path):
    out = compile_block(blocks("smoove.md")[0], "smoove", tmp_path)
    page = (DOCS / "smoove.md").read_text(encoding="utf-8")
    shown = re.search(r"```text\n(.*?)```", page, re.S).group(1)
    assert shown in out.files["recipe.md"]
    spec = json.loads(out.files["smoove-spec.json"])
    assert [(s["min"], s["max"]) for s in spec["segments"]] == [(None, 14), (15, 19), (20, None)]
    assert [r["rule"] for r in spec["notExpressible"]["rules"]] == ["engagement/5"]
