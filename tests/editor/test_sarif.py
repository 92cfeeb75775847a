"""`leadrules check --format sarif`: a SARIF 2.1.0 log valid against the standard's JSON schema,
with the same diagnostics as `--format json`, a rule per code with its help and link.

The schema (`sarif-schema-2.1.0.json` here) is the OASIS SARIF 2.1.0 schema (the "rtm.5" text
that became the standard), vendored unchanged from the npm package `@microsoft/jest-sarif`
1.0.0-beta.0 (`lib/schemas/sarif-2.1.0-rtm.5.json`, MIT); the schema itself is published by OASIS
with the standard under its permissive licence.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema

from leadrules.diagnostics import CODES
from tests.conftest import ROOT

SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text())
INVALID = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests/corpus/invalid").glob("*.lrules"))


def leadrules(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "leadrules.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_sarif_is_valid_and_says_what_json_says():
    out = leadrules("check", "--format", "sarif", *INVALID)
    assert out.returncode == 1
    log = json.loads(out.stdout)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    (run,) = log["runs"]
    assert log["version"] == "2.1.0" and run["tool"]["driver"]["name"] == "leadrules"
    as_json = json.loads(leadrules("check", "--format", "json", *INVALID).stdout)
    results = run["results"]
    assert len(results) == len(as_json) > 20
    for r, j in zip(results, as_json, strict=True):
        (loc,) = r["locations"]
        region = loc["physicalLocation"]["region"]
        assert loc["physicalLocation"]["artifactLocation"] == {
            "uri": j["path"],
            "uriBaseId": "%SRCROOT%",
        }
        assert (r["ruleId"], r["level"], region["startLine"], region["startColumn"]) == (
            j["code"],
            j["severity"],
            j["line"],
            j["col"],
        )
        assert (region.get("endLine", j["line"]), region.get("endColumn", j["col"])) == (
            j["end_line"],
            j["end_col"],
        )
        assert r["message"]["text"] == j["message"] + (f"\nhelp: {j['help']}" if j["help"] else "")
        assert run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
    # a duplicate points at the first declaration
    dup = next(r for r in results if r["ruleId"] == "LR0110" and "relatedLocations" in r)
    assert dup["relatedLocations"][0]["message"]["text"].startswith("first declared")


def test_every_code_is_a_rule_with_help_and_a_link_to_its_section():
    log = json.loads(leadrules("check", "--format", "sarif", "examples/simple.lrules").stdout)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    (run,) = log["runs"]
    assert run["results"] == []
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert set(rules) == set(CODES)
    page = (ROOT / "docs/diagnostics.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (LR\d{4}: .*)$", page, re.M)
    anchors = {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}
    for code, rule in rules.items():
        assert rule["shortDescription"]["text"] == CODES[code][1]
        url, anchor = rule["helpUri"].split("#")
        assert url.endswith("docs/diagnostics.md") and anchor in anchors, code
        assert rule["help"]["text"] and rule["fullDescription"]["text"]
    unknown = rules["LR0101"]
    assert unknown["help"]["text"].startswith("A name in a rule that is declared nowhere")
    assert "How to fix: Fix the spelling" in unknown["help"]["text"]
    assert unknown["defaultConfiguration"]["level"] == "error"
    assert rules["LR0602"]["defaultConfiguration"]["level"] == "warning"


def test_the_same_input_gives_the_same_bytes():
    first = leadrules("check", "--format", "sarif", *INVALID[:3]).stdout
    assert first == leadrules("check", "--format", "sarif", *INVALID[:3]).stdout
