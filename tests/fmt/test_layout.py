"""The layout rules one by one, on small inputs written for each rule."""

from __future__ import annotations

import pytest

from leadrules.syntax import formatter, printer
from leadrules.syntax.formatter import FormatterBug, format_text
from tests.fmt.helpers import fmt


def lines(*xs: str) -> str:
    return "\n".join(xs) + "\n"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # spacing inside a line
        ("lead   size :number", "lead size: number"),
        ("event e( url :text , n:number, )", "event e(url: text, n: number)"),
        ("event e ( )", "event e"),
        ('event e from"E"', 'event e from "E"'),
        ('const k = [ "a" ,"b", ]', 'const k = ["a", "b"]'),
        ("lead a: number\na>3:+5", "lead a: number\na > 3: +5"),
        ("lead a: number\na in 1 .. 5: 5", "lead a: number\na in 1..5: +5"),
        ("lead a: number\nnot a==1 : -0", "lead a: number\nnot a == 1: +0"),
        ('lead t: text\nlower( t )starts_with"x":1', 'lead t: text\nlower(t) starts_with "x": +1'),
        ("event e\ne>=3   times   within 7d:+1", "event e\ne >= 3 times within 7d: +1"),
        ("event e\nno   e within 2w:-1", "event e\nno e within 2w: -1"),
        ("event e\neach e within 1w : +1 cap  5", "event e\neach e within 1w: +1 cap 5"),
        ("clamp 0 .. 100", "clamp 0..100"),
        ("tier a>=+10", "tier a >= 10"),
        ("tier a 1 ..+2", "tier a 1..2"),
        # numbers: what they mean, written one way; a float keeps its point
        ("const k = 007", "const k = 7"),
        ("const k = [+5, -0, 4.50, 2.0, 1.25]", "const k = [5, 0, 4.5, 2.0, 1.25]"),
        ("const k = 0.0000001", "const k = 0.0000001"),
        ("const k = 123456789012345", "const k = 123456789012345"),
        # durations
        ("event e\ne within 007d: +1", "event e\ne within 7d: +1"),
        # strings re-escaped: a raw tab becomes \t, quotes and backslashes escaped
        ('const k = "a\tb"', 'const k = "a\\tb"'),
        ('const k = "q\\"q \\\\ n\\n"', 'const k = "q\\"q \\\\ n\\n"'),
        ('const k = "שלום Zürich"', 'const k = "שלום Zürich"'),
        # one statement per line
        ("lead a: bool; lead b: bool;", "lead a: bool\nlead b: bool"),
        (
            "lead a: bool\ng:\n  a: +1; not a: -1",
            "lead a: bool\ng:\n  a: +1\n  not a: -1",
        ),
        # a statement broken over lines is joined
        ("lead a: number\na > \\\n   3: +1", "lead a: number\na > 3: +1"),
        ('const k = [\n  "a",\n  "b",\n]', 'const k = ["a", "b"]'),
        # parentheses as written
        (
            "lead a: bool\nlead b: bool\n((a)) or (a and b): +1",
            "lead a: bool\nlead b: bool\n((a)) or (a and b): +1",
        ),
        # tests and automations
        (
            'tier t >= 0\non enter t:\n  notify   owner "x"; set  f=1 ;delay 2d',
            'tier t >= 0\non enter t:\n  notify owner "x"\n  set f = 1\n  delay 2d',
        ),
        (
            'lead a: number\nevent e(u: text)\ntest "t":\n  lead a=1\n'
            '  event e u="x" 1 times 2d ago\n'
            "  event e 3 times at 2026-01-01\n  expect score>=1;expect tier is missing",
            'lead a: number\nevent e(u: text)\ntest "t":\n  lead a = 1\n  event e u = "x" 2d ago\n'
            "  event e 3 times at 2026-01-01\n  expect score >= 1\n  expect tier is missing",
        ),
    ],
)
def test_one_line(source, expected):
    assert fmt(source) == expected + "\n"


def test_blank_lines_at_most_one_none_at_start_or_end():
    source = "\n\n  \nlead a: bool\n\n\n\nlead b: bool\n   \n\n"
    assert fmt(source) == "lead a: bool\n\nlead b: bool\n"


def test_no_blank_line_right_after_a_block_header():
    source = "lead a: bool\ng:\n\n\n  a: +1\n\n  not a: -1\n\n\ntier t >= 0\n"
    assert fmt(source) == lines(
        "lead a: bool", "g:", "  a: +1", "", "  not a: -1", "", "tier t >= 0"
    )


def test_blocks_indent_two_spaces_whatever_the_input():
    source = "lead a: bool\ng:\n        a: +1\nh cap 5:\n a: +2\n"
    assert fmt(source) == lines("lead a: bool", "g:", "  a: +1", "h cap 5:", "  a: +2")


def test_exactly_one_newline_at_the_end_and_empty_stays_empty():
    assert fmt("lead a: bool") == "lead a: bool\n"
    assert fmt("") == ""
    assert fmt("\n\n   \n") == ""
    assert fmt("# only a comment") == "# only a comment\n"


def test_crlf_and_byte_order_mark():
    data = b"\xef\xbb\xbflead a: bool\r\n\r\n\r\nlead b: bool  # c\r\n"
    assert fmt(data) == "lead a: bool\n\nlead b: bool  # c\n"


def test_trailing_comments_stay_on_their_line():
    source = "lead a: bool   #  one\ng:#two\n  a: +1# three\n"
    assert fmt(source) == lines("lead a: bool  #  one", "g:  #two", "  a: +1  # three")


def test_trailing_comment_of_a_joined_line_goes_with_its_last_statement():
    assert fmt("lead a: bool; lead b: bool  # c\n") == lines("lead a: bool", "lead b: bool  # c")


def test_own_line_comments_stay_before_what_they_preceded():
    source = lines(
        "# head",
        "lead a: bool",
        "   # before g",
        "g:",
        "# before the first rule",
        "  a: +1",
        "      # before the second",
        "  not a: -1",
        "# before the tier",
        "tier t >= 0",
    )
    assert fmt(source) == lines(
        "# head",
        "lead a: bool",
        "# before g",
        "g:",
        "  # before the first rule",
        "  a: +1",
        "  # before the second",
        "  not a: -1",
        "# before the tier",
        "tier t >= 0",
    )


def test_comments_after_the_last_line_of_a_block():
    source = lines(
        'test "x":',
        "  expect score == 0",
        "  # indented: stays in the block",
        "",
        "    # still in the block",
        "# at column 1: leaves it",
        "   # after a comment at the top level: top level",
        "lead a: bool",
        "g:",
        "  a: +1",
        "  # the end of the file, in the block",
    )
    assert fmt(source) == lines(
        'test "x":',
        "  expect score == 0",
        "  # indented: stays in the block",
        "",
        "  # still in the block",
        "# at column 1: leaves it",
        "# after a comment at the top level: top level",
        "lead a: bool",
        "g:",
        "  a: +1",
        "  # the end of the file, in the block",
    )


def test_comments_inside_a_broken_statement_move_before_it():
    source = lines(
        "const k = [  # the list",
        '  "a",  # first',
        "  # own line",
        '  "b",',
        "]  # after",
    )
    assert fmt(source) == lines(
        "# the list", "# first", "# own line", 'const k = ["a", "b"]  # after'
    )


def test_syntax_errors_are_not_formatted():
    result = format_text("lead a: bool\ng:\n  a: +1 +\n", "bad.lrules")
    assert result.text is None
    assert result.diagnostics and result.diagnostics[0].code.startswith("LR000")
    assert result.diagnostics[0].span.path == "bad.lrules"


def test_a_file_the_checker_rejects_is_still_formatted():
    assert fmt("fit:\n  unknown_name   : +1\n") == "fit:\n  unknown_name: +1\n"


def test_fractional_points_stay_fractional_so_the_error_stays():
    # points must be whole: formatting must not turn the error into a valid `-4`
    assert fmt("lead a: bool\na: -4.0\nnot a: 1.5\n") == "lead a: bool\na: -4.0\nnot a: +1.5\n"


def test_printer_keeps_rule_labels_stable():
    tree = formatter.parse_text("lead a: number\n( a>1 )and not a  ==2:+3\n")[0]
    rule = tree.statements[1]
    assert printer.rule_head(rule) == "(a > 1) and not a == 2"
    assert printer.rule(rule) == "(a > 1) and not a == 2: +3"


def test_the_safety_net_refuses_a_formatting_that_changes_the_meaning(monkeypatch):
    original = printer.statement

    def wrong(s):  # a formatter bug: drops the `not`
        return original(s).replace("not ", "")

    monkeypatch.setattr(printer, "statement", wrong)
    with pytest.raises(FormatterBug, match="change what it means"):
        format_text("lead a: bool\nnot a: +1\n")


def test_the_safety_net_refuses_to_lose_a_comment(monkeypatch):
    monkeypatch.setattr(formatter, "_place_comments", lambda items, comments: items)
    with pytest.raises(FormatterBug, match="comment"):
        format_text("lead a: bool  # keep me\n")


def test_the_safety_net_tells_a_float_from_a_whole_number(monkeypatch):
    monkeypatch.setattr(
        printer, "number", lambda v: str(int(v)) if isinstance(v, float) else str(v)
    )
    with pytest.raises(FormatterBug, match="change what it means"):
        format_text("lead a: number\na > 2.0: +1\n")
