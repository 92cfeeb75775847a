"""Issue 9 item 11: a value const stands wherever a literal does, tier thresholds included;
and LR0006's help promises nothing `leadrules fmt` does not do."""

from __future__ import annotations

from click.testing import CliRunner

from leadrules.check import check
from leadrules.cli import main
from leadrules.engine.testing import run_tests
from leadrules.syntax.formatter import format_text

CONSTS = "const big = 80\nconst top = 79\nconst low = 10\n"
CONSTS += "lead size: number\nsize > 100: +100\nsize > 10: +20\n"


def test_a_value_const_is_a_tier_threshold():
    text = CONSTS + "tier hot >= big\ntier warm low..top\ntier cold < low\n"
    text += 'test "t":\n  lead size = 50\n  expect tier == warm\n'
    result = check("t.lrules", text)
    assert result.ok, [d.message for d in result.diagnostics]
    assert result.diagnostics == []  # the consts are used: no LR0602
    hot, warm, cold = result.model.tiers
    assert (hot.lo, hot.hi, warm.lo, warm.hi, cold.lo, cold.hi) == (80, None, 10, 79, None, 9)
    assert all(o.passed for o in run_tests(result.model))


def test_a_const_threshold_means_what_its_literal_means():
    with_const = check("t.lrules", CONSTS + "tier hot >= big\ntier cold < big\n").model
    with_literal = check("t.lrules", CONSTS + "tier hot >= 80\ntier cold < 80\n").model
    assert [(t.lo, t.hi) for t in with_const.tiers] == [(t.lo, t.hi) for t in with_literal.tiers]


def test_fmt_keeps_a_const_threshold():
    text = CONSTS + "tier  hot >=big\ntier warm low ..top\ntier cold < low\n"
    assert format_text(text, "t.lrules").text.endswith(
        "tier hot >= big\ntier warm low..top\ntier cold < low\n"
    )


def test_a_threshold_that_is_not_a_number_const_is_an_error():
    text = CONSTS + 'const word = "x"\ntier a > word\ntier b < nope\ntier c < size\ntier d < 0\n'
    found = [(d.code, d.span.line) for d in check("t.lrules", text).diagnostics]
    assert found == [("LR0201", 8), ("LR0101", 9), ("LR0201", 10)]


def test_lr0006_help_does_not_promise_fmt_rewrites_a_mixed_file(tmp_path):
    mixed = "event v\nfit:\n  v: +1\n\tv within 7d: +2\ntier t >= 0\n"
    [d] = check("t.lrules", mixed).diagnostics
    assert d.code == "LR0006"
    assert "`leadrules fmt` cannot" in d.help
    path = tmp_path / "mixed.lrules"
    path.write_text(mixed)
    out = CliRunner().invoke(main, ["fmt", str(path)])
    assert out.exit_code == 1 and "LR0006" in out.stderr
    assert path.read_text() == mixed


def test_fmt_turns_a_tabs_only_file_into_spaces_as_the_help_says(tmp_path):
    path = tmp_path / "tabs.lrules"
    path.write_text("event v\nfit:\n\tv: +1\n\tv within 7d: +2\ntier t >= 0\n")
    out = CliRunner().invoke(main, ["fmt", str(path)])
    assert out.exit_code == 0
    assert path.read_text() == "event v\nfit:\n  v: +1\n  v within 7d: +2\ntier t >= 0\n"
