"""`lead NAME: TYPE from "column" crm "name"`: the CRM's internal name of an attribute, apart from
the export's column; the HubSpot target writes it everywhere and refuses names HubSpot cannot hold
(LR0802) and `set`s of properties that do not exist (LR0803)."""

from __future__ import annotations

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from leadrules import load
from leadrules.syntax.formatter import format_text
from leadrules.targets.hubspot.crm import likely, valid

MODEL = """\
lead company_size: number from "Number of Employees" crm "numberofemployees"
lead first: text from "First Name" crm "firstname"
lead stage: text crm "lifecyclestage"
event v
company_size in 50..200: +20
v: +10
tier hot >= 10
tier cold < 10
on enter hot:
  notify owner "Call {first} now"
  set stage = "salesqualifiedlead"
"""


def _codes(out):
    return [d.code for d in out.diagnostics]


def test_crm_name_is_used_in_filters_placeholders_and_set(compile_source):
    out = compile_source(MODEL, "hubspot")
    assert _codes(out) == []
    scoring = json.loads(out.files["lead-scoring.json"])
    text = json.dumps(scoring)
    assert '"property": "numberofemployees"' in text
    assert "Number of Employees" not in text
    flow = json.loads(out.files["flows/on-enter-hot.json"])
    fields = [a["fields"] for a in flow["actions"]]
    assert fields[0]["subject"] == "Call {{ enrolled_object.firstname }} now"
    assert fields[1]["property_name"] == "lifecyclestage"


def test_the_column_is_still_what_scoring_reads(tmp_path):
    path = tmp_path / "m.lrules"
    path.write_text(MODEL, encoding="utf-8")
    model = load(str(path))
    attr = model.attribute("company_size")
    assert (attr.column, attr.crm) == ("Number of Employees", "numberofemployees")
    assert model.attribute("stage").column == "stage"


def test_an_export_label_as_property_name_is_lr0802_with_the_fix(compile_source):
    src = MODEL.replace(' crm "numberofemployees"', "")
    out = compile_source(src, "hubspot", best_effort=True)
    (d,) = [d for d in out.diagnostics if d.code == "LR0802"]
    assert d.is_error and d.span.line == 1
    assert "Number of Employees" in d.message
    assert 'crm "numberofemployees"' in d.help


def test_an_invalid_crm_name_is_lr0802(compile_source):
    out = compile_source(MODEL.replace('crm "firstname"', 'crm "First Name"'), "hubspot")
    (d,) = [d for d in out.diagnostics if d.code == "LR0802"]
    assert "`First Name`" in d.message and 'crm "firstname"' in d.help


def test_an_attribute_hubspot_never_sees_needs_no_crm_name(compile_source):
    src = 'lead size: number from "Size (people)"\nevent v\nv: +1\ntier t >= 0\n'
    assert _codes(compile_source(src, "hubspot")) == []


def test_set_of_a_property_that_does_not_exist_is_lr0803(compile_source):
    src = MODEL.replace("set stage", "set lifecycle_stage")
    out = compile_source(src, "hubspot")
    (d,) = out.diagnostics
    assert (d.code, d.is_error, d.span.line) == ("LR0803", True, 11)
    assert "lifecyclestage" in d.help
    # with --best-effort: a warning, and the action is left out
    out = compile_source(src, "hubspot", best_effort=True)
    assert [(d.code, d.is_error) for d in out.diagnostics] == [("LR0803", False)]
    flow = json.loads(out.files["flows/on-enter-hot.json"])
    assert [a["actionTypeId"] for a in flow["actions"]] == ["0-8"]


def test_set_of_a_hubspot_default_or_a_leadrules_property_is_fine(compile_source):
    for prop in ("lifecyclestage", "hs_lead_status", "leadrules_score"):
        out = compile_source(MODEL.replace("set stage", f"set {prop}"), "hubspot")
        assert _codes(out) == [], prop


def test_fmt_keeps_the_crm_clause():
    src = 'lead  a: number   from "A b"   crm   "ab"\nlead c: text crm "cc"\n'
    assert format_text(src).text == 'lead a: number from "A b" crm "ab"\nlead c: text crm "cc"\n'


def test_crm_stays_an_ordinary_name_elsewhere(compile_source):
    src = 'lead crm: text crm "crm"\ncrm == "a": +1\ntier t >= 0\n'
    assert _codes(compile_source(src, "hubspot")) == []


@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_characters='"\\\n\r'), max_size=12))
def test_every_name_is_valid_exactly_when_hubspot_allows_it_and_the_fix_is_valid(name):
    assert valid(name) == bool(re.fullmatch(r"[a-z][a-z0-9_]*", name))
    assert valid(likely(name))


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(["numberofemployees", "Number of Employees", "x-1", "1st", "ok_2", "É"]))
def test_compile_refuses_a_crm_name_exactly_when_it_is_invalid(name):
    import tempfile
    from pathlib import Path

    from leadrules.targets import Options
    from leadrules.targets.hubspot import compile as hubspot

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "m.lrules"
        path.write_text(f'lead a: number crm "{name}"\na > 1: +1\ntier t >= 0\n', encoding="utf-8")
        out = hubspot(load(str(path)), Options())
    assert ("LR0802" in _codes(out)) == (not valid(name))
