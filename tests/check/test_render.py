"""The text renderer: carets under spans, related places with their own line, long lines."""

from __future__ import annotations

from leadrules import diagnostics as dg
from leadrules.syntax.ast import Span


def test_related_place_is_shown_with_its_line_and_aligned_gutter():
    source = "lead size: number\n" + "\n" * 8 + "event size\n"
    d = dg.make(
        "LR0110",
        "`size` is declared twice",
        Span("f", 10, 7, 10, 11),
        label="declared again here",
        related=((Span("f", 1, 6, 1, 10), "first here"),),
    )
    assert dg.render_text([d], {"f": source}) == (
        "f:10:7: error[LR0110]: `size` is declared twice\n"
        "   |\n"
        "10 | event size\n"
        "   |       ^^^^ declared again here\n"
        "   = note: first here (f:1:6)\n"
        " 1 | lead size: number\n"
        "   |      ----\n"
    )


def test_long_lines_are_shown_as_a_window_around_the_span():
    line = "x" * 300 + " bad " + "y" * 300
    d = dg.make("LR0002", "unexpected character", Span("f", 1, 302, 1, 305))
    text = dg.render_text([d], {"f": line + "\n"})
    shown, caret = text.splitlines()[2:4]
    assert shown.startswith("1 | ...") and shown.endswith("...")
    assert len(shown) < 120
    assert shown.index("bad") == caret.index("^^^")


def test_a_span_past_the_end_of_its_line_gets_one_caret():
    d = dg.make("LR0001", "the line ends early", Span("f", 1, 5, 1, 6))
    assert dg.render_text([d], {"f": "fit:\n"}).splitlines()[3] == "  |     ^"


def test_github_escapes_properties_and_newlines():
    d = dg.make("LR0101", "bad\nname", Span("a,b:c.lrules", 2, 3, 2, 4), help="50% sure")
    assert dg.render_github([d]) == (
        "::error file=a%2Cb%3Ac.lrules,line=2,col=3::[LR0101] bad%0Aname (help: 50%25 sure)\n"
    )
