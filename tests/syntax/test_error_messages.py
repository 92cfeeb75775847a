"""Bad error messages, PRQL `bad_error_messages` style: each case is a small wrong file and the
exact code, line, column and message a person reads. A change of wording shows up here first."""

from __future__ import annotations

import pytest

from leadrules.check import check
from leadrules.syntax.parser import parse_text

CASES = [
    # (source, code, line, col, message)
    ("lead size number\n", "LR0001", 1, 11, "expected `:`, found `number`"),
    (
        "lead a: number\nfit:\n  a > 3 +5\n",
        "LR0001",
        3,
        9,
        "expected `:` between the condition and the points",
    ),
    ("lead a: text\nfit:\n  a == 'x': +1\n", "LR0002", 3, 8, "unexpected character `'`"),
    ('lead a: text\nx = "abc\n', "LR0003", 2, 5, "this string is never closed"),
    ("event x(a: text\n", "LR0001", 1, 8, "this `(` is never closed"),
    ("lead a: number\nfit:\n  a > 1): +1\n", "LR0001", 3, 8, "`)` closes nothing"),
    ("fit:\nsize > 3: +5\n", "LR0001", 1, 4, "expected an indented block after the `:`"),
    (
        "event v\nfit:\n  v: +1\n    v: +2\n",
        "LR0004",
        4,
        5,
        "this line is indented, but no block is open here",
    ),
    (
        "event v\nfit:\n    v: +1\n  v: +2\n",
        "LR0004",
        4,
        1,
        "this line's indentation matches no enclosing block",
    ),
    (
        "event v\nfit:\n  v: +1\n\tv: +2\n",
        "LR0006",
        4,
        1,
        "this line is indented with tabs, line 3 with spaces",
    ),
    ("tier a < 3 b\n", "LR0001", 1, 12, "expected `;` or the end of the line, found `b`"),
    ("clamp 0.100\n", "LR0001", 1, 12, "expected `..`, found the end of the line"),
    (
        "event v\nfit:\n  each v or v: +1\n",
        "LR0205",
        3,
        10,
        "`each` counts the events of a single event or signal",
    ),
    (
        "event v\nfit:\n  v:\n",
        "LR0001",
        3,
        5,
        "expected points after `:`, found the end of the line",
    ),
    ('model "a\\qb"\n', "LR0007", 1, 7, "unknown escape `\\q` in a string"),
    ("event v\n%\n", "LR0002", 2, 1, "unexpected character `%`"),
    ("event v\nv: +1\ntier a 1.5\n", "LR0001", 3, 11, "expected `..`, found the end of the line"),
    ("event v\nfit cap:\n  v: +1\n", "LR0001", 2, 8, "expected a number, found `:`"),
    ('test "t":\n  expect\n', "LR0001", 2, 9, "expected a name, found the end of the line"),
    (
        'lead a: text\nfit:\n  a in ["x", y]: +1\n',
        "LR0001",
        3,
        14,
        'expected a value (`"text"`, `12`, `true`, `2026-01-01`) or `]`, found `y`',
    ),
]


@pytest.mark.parametrize(("source", "code", "line", "col", "message"), CASES)
def test_message(source, code, line, col, message):
    _tree, diags = parse_text(source, "t.lrules")
    assert diags, "expected a syntax error"
    first = diags[0]
    assert (first.code, first.span.line, first.span.col, first.message) == (
        code,
        line,
        col,
        message,
    )
    assert "Token(" not in first.message and "Expected one of" not in first.message
    assert "__ANON" not in first.message + first.help


def test_help_shows_the_form_of_the_statement():
    _tree, diags = parse_text("lead size number\n", "t.lrules")
    assert "`lead NAME: TYPE`" in diags[0].help


def test_several_errors_in_one_file():
    source = "lead a number\nevent v\nfit:\n  v +1\n  v: +1\n  a > : +2\ntier t < 3 x\n"
    _tree, diags = parse_text(source, "t.lrules")
    assert [(d.code, d.span.line) for d in diags] == [
        ("LR0001", 1),
        ("LR0001", 4),
        ("LR0001", 6),
        ("LR0001", 7),
    ]


def test_checker_errors_are_all_reported():
    source = 'lead a: number\nfit:\n  b > 1: +1\n  c > 1: +1\n  a contains "x": +1\n'
    result = check("t.lrules", source)
    assert [(d.code, d.span.line) for d in result.diagnostics] == [
        ("LR0101", 3),
        ("LR0101", 4),
        ("LR0202", 5),
    ]
