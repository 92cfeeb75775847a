"""Checker-side first mistakes and the ambiguity warnings of issue 9: `role == "CEO" or "CTO"`,
a property after a `where` that `and` ended, a lead attribute and an event property sharing a
name inside a `where` (LR0604), duplicate rules in a group (LR0605), duplicate test names
(LR0703)."""

from __future__ import annotations

from leadrules.check import check

HEAD = """\
lead country: text
lead role: text
lead b: number
event page_view(url: text, a: text, b: number, country: text)
"""
TIERS = "tier hot >= 1\ntier cold < 1\n"


def diags(rules: str):
    return check("t.lrules", HEAD + "fit:\n" + rules + TIERS).diagnostics


def only(rules: str, code: str):
    return [d for d in diags(rules) if d.code == code]


def test_a_value_alone_after_or_suggests_in():
    [d] = diags('  role == "CEO" or "CTO" or "CMO": +1\n  page_view where url == "IL": +1\n')
    assert d.code == "LR0204"
    assert d.message == '`"CTO"` alone is not a condition'
    assert (d.span.line, d.span.col) == (6, 20)
    assert d.help == 'to match any of several values, write `role in ["CEO", "CTO", "CMO"]`'


def test_every_value_of_the_chain_goes_into_the_list():
    [d] = diags('  role == "CEO" or role == "CTO" or "CMO" or b > 1: +1\n  page_view: +1\n')
    assert d.help.endswith('`role in ["CEO", "CTO", "CMO"]`')


def test_a_number_alone_after_or_suggests_in_too():
    [d] = diags('  b == 1 or 2: +1\n  page_view where url == "IL" and role == "x": +1\n')
    assert d.help.endswith("`b in [1, 2]`")


def test_a_property_after_an_ended_where_suggests_brackets():
    rules = '  page_view where url == "x" and a == "y": +1\n'
    [d] = diags(rules + '  country == "IL" and role == "r" and b > 1: +1\n')
    assert d.code == "LR0101"
    assert d.message == (
        "unknown name `a`: `page_view` has a property `a`, but the `where` ended before it"
    )
    assert d.help.endswith('use brackets: `page_view where (url == "x" and a == "y")`')


def test_an_attribute_after_an_ended_where_that_is_also_a_property_warns():
    [d] = only("  page_view where a is present and b >= 1: +1\n", "LR0604")
    assert d.severity == "warning"
    assert d.message.startswith("`b` here is the lead attribute, not the property `b`")
    assert "`page_view where (a is present and b >= 1)`" in d.help


def test_a_shared_name_inside_a_where_is_the_property_and_warns():
    [d] = only('  page_view where (url == "x" and country == "IL"): +1\n', "LR0604")
    assert d.message == (
        "`country` here is the property of `page_view`, not the lead attribute `country`"
    )


def test_bracketed_where_with_distinct_names_is_clean():
    rules = '  page_view where (url == "x" and a == "y"): +1\n'
    rules += '  country == "IL" and role == "r" and b > 1: +1\n'
    assert diags(rules) == []


def test_a_signal_on_a_shared_name_warns_once():
    text = HEAD + 'signal il = page_view where country == "IL"\nfit:\n  il: +1\n'
    text += '  role == "x" and b > 1 and country == "y": +1\n' + TIERS
    assert [d.code for d in check("t.lrules", text).diagnostics] == ["LR0604"]


def test_duplicate_rules_in_a_group_warn_pointing_at_both():
    text = "lead a: number\nfit:\n  a>1: +1\n  a > 1: +2\nother:\n  a > 1: +3\n" + TIERS
    [d] = check("t.lrules", text).diagnostics
    assert (d.code, d.severity, d.span.line) == ("LR0605", "warning", 4)
    assert d.message == "the rule `a > 1` is written twice in the group `fit`"
    assert [r.line for r, _note in d.related] == [3]


def test_duplicate_each_rules_warn_and_different_windows_do_not():
    text = "event v\ng:\n  each v: +1\n  each v within 7d: +1\n  each v: +2 cap 5\n" + TIERS
    assert [(d.code, d.span.line) for d in check("t.lrules", text).diagnostics] == [("LR0605", 5)]


def test_duplicate_test_names_warn():
    text = "event v\nv: +1\n" + TIERS
    text += 'test "t":\n  expect score == 0\ntest "u":\n  expect score == 0\n'
    text += 'test "t":\n  event v\n  expect score == 1\n'
    [d] = check("t.lrules", text).diagnostics
    assert (d.code, d.severity, d.span.line) == ("LR0703", "warning", 9)
    assert d.message == 'two tests are named "t"'
