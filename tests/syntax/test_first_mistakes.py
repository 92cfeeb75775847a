"""Common first mistakes get their own message and a help line with the user's line corrected
(issue 9, "Messages that do not say how to fix the mistake"), never the generic rule form."""

from __future__ import annotations

import pytest

from leadrules.syntax.errors import RULE_FORM
from leadrules.syntax.parser import parse_text

HEAD = "lead country: text\nlead role: text\nlead size: number\nevent email_open\nfit:\n  "

CASES = [
    # (rule line, code, col, message, words the help must hold)
    (
        'country = "IL": +10',
        "LR0001",
        11,
        "`=` does not compare: write `==`",
        'write `country == "IL": +10`',
    ),
    ('size > 1 && role == "x": +1', "LR0002", 12, "`&&` is written `and`", "`and`"),
    ('size > 1 || role == "x": +1', "LR0002", 12, "`||` is written `or`", "`or`"),
    ('size > 1 & role == "x": +1', "LR0002", 12, "`&` is written `and`", "`and`"),
    (
        "size between 50 and 200: +1",
        "LR0001",
        8,
        "`between` is not a keyword: a range is written `in A..B`",
        "write `size in 50..200`",
    ),
    (
        "size in [50..200]: +1",
        "LR0001",
        14,
        "a range has no brackets: write `in A..B`",
        "write `size in 50..200`",
    ),
    (
        "size not in [50 .. 200]: +1",
        "LR0001",
        19,
        "a range has no brackets: write `in A..B`",
        "write `size not in 50..200`",
    ),
    (
        'role contains ["a", "b"]: +1',
        "LR0001",
        17,
        "`contains` takes one text, not a list",
        'write `role contains "a" or role contains "b"`',
    ),
    (
        'role starts_with ["a"]: +1',
        "LR0001",
        20,
        "`starts_with` takes one text, not a list",
        'write `role starts_with "a"`',
    ),
    (
        "email_open 3 times: +1",
        "LR0001",
        14,
        "a count of events is compared: write `>=` (or `==`, `<`...) before it",
        "write `email_open >= 3 times` (at least 3) or `email_open == 3 times` (exactly 3)",
    ),
    (
        'branża == "x": +1',
        "LR0002",
        3,
        "`branża` is not a name: names are ASCII letters, digits and `_`",
        '`lead branza: text from "branża"`',
    ),
    (
        'עיר == "x": +1',
        "LR0002",
        3,
        "`עיר` is not a name: names are ASCII letters, digits and `_`",
        'from "עיר"',
    ),
    (
        'شهر == "x": +1',
        "LR0002",
        3,
        "`شهر` is not a name: names are ASCII letters, digits and `_`",
        'from "شهر"',
    ),
]


@pytest.mark.parametrize(("rule", "code", "col", "message", "help_"), CASES)
def test_first_mistake_gets_its_own_help(rule, code, col, message, help_):
    _tree, diags = parse_text(HEAD + rule + "\ntier t >= 0\n", "t.lrules")
    assert diags, "expected an error"
    d = diags[0]
    assert (d.code, d.span.line, d.span.col, d.message) == (code, 6, col, message)
    assert help_ in d.help
    assert d.help != RULE_FORM


def test_the_eq_slip_quotes_only_its_own_statement():
    text = HEAD + 'size > 1: +1; role = "x": +2\ntier t >= 0\n'
    [d] = parse_text(text, "t.lrules")[1]
    assert d.help.startswith('write `role == "x": +2`;')


def test_a_tier_written_with_eq_is_corrected():
    [d] = parse_text("tier hot = 80\n", "t.lrules")[1]
    assert d.message == "`=` does not compare: write `==`"
    assert "`tier hot == 80`" in d.help


@pytest.mark.parametrize(
    ("line", "fix"),
    [
        ("lead branża: text\n", '`lead branza: text from "branża"`'),
        ("lead עיר: text\n", '`lead name: text from "עיר"`'),
        ("lead Łódź_city: number\n", '`lead Lodz_city: number from "Łódź_city"`'),
        ("event wizyta_strony\nevent zakup_ł\n", None),
        ("event wizyta_żółta\n", '`event wizyta_zolta from "wizyta_żółta"`'),
    ],
)
def test_non_ascii_declarations_propose_an_ascii_name_with_from(line, fix):
    _tree, diags = parse_text(line, "t.lrules")
    if fix is None:
        assert diags[0].message.startswith("`zakup_ł` is not a name")
        return
    [d] = diags
    assert d.code == "LR0002" and fix in d.help
    assert d.span.col == 6 + (line.startswith("event") * 1)


def test_a_non_ascii_property_proposes_an_ascii_property_with_from():
    [d] = parse_text("event strona(adres_ź: text)\n", "t.lrules")[1]
    assert d.message.startswith("`adres_ź` is not a name")
    assert '`adres_z: text from "adres_ź"` among the event\'s properties' in d.help


def test_non_ascii_text_in_strings_is_fine():
    _tree, diags = parse_text('lead city: text\ncity == "עיר": +1\n', "t.lrules")
    assert diags == []
