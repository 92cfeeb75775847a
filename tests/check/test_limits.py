"""Hostile sizes become diagnostics, never a RecursionError, an OverflowError or a hang
(issue 9, items 8 to 10): deep `not` chains, long signal chains, flat chains of thousands of
terms, huge durations, early as-ofs, huge and negative test event counts and times."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from leadrules.check import check
from leadrules.cli import main
from leadrules.engine.python import score
from leadrules.engine.testing import run_tests
from leadrules.syntax.parser import parse_text


def codes(text: str) -> list[str]:
    return [d.code for d in check("t.lrules", text).diagnostics]


def nots(n: int) -> str:
    return "lead a: number\nfit:\n  " + "not " * n + "a > 1: +1\ntier t >= 0\n"


def signal_chain(n: int) -> str:
    lines = ["event v(x: number)", "signal s0 = v where x > 0"]
    lines += [f"signal s{i} = s{i - 1} where x > {i}" for i in range(1, n)]
    return "\n".join(lines + ["fit:", f"  s{n - 1}: +1", "tier t >= 0"]) + "\n"


def test_a_thousand_nots_is_lr0008_naming_the_limit():
    result = check("t.lrules", nots(1000))
    assert [d.code for d in result.diagnostics] == ["LR0008"]
    assert "more than 64 deep" in result.diagnostics[0].message


def test_sixty_four_nots_still_check():
    assert codes(nots(64)) == []
    assert codes(nots(65)) == ["LR0008"]


def test_nots_and_brackets_count_together():
    text = "lead a: number\nfit:\n  " + "not (" * 40 + "a > 1" + ")" * 40 + ": +1\ntier t >= 0\n"
    assert codes(text) == ["LR0008"]


def test_fmt_refuses_a_too_deep_file_instead_of_crashing(tmp_path):
    path = tmp_path / "deep.lrules"
    path.write_text(nots(1000))
    out = CliRunner().invoke(main, ["fmt", "--check", str(path)])
    assert out.exit_code == 1
    assert "LR0008" in out.stderr
    assert out.exception is None or isinstance(out.exception, SystemExit)


@pytest.mark.parametrize("command", ["score", "explain"])
def test_score_and_explain_report_deep_nesting(tmp_path, command):
    (tmp_path / "m.lrules").write_text(nots(1000))
    (tmp_path / "l.csv").write_text("lead_id,a\n1,5\n")
    (tmp_path / "e.csv").write_text("lead_id,event,occurred_at\n")
    args = [command, str(tmp_path / "m.lrules"), "--leads", str(tmp_path / "l.csv")]
    args += ["--events", str(tmp_path / "e.csv"), "--as-of", "2026-01-01"]
    args += ["--engine", "python"] if command == "score" else ["--lead", "1"]
    out = CliRunner().invoke(main, args)
    assert out.exit_code == 1
    assert "LR0008" in out.output
    assert out.exception is None or isinstance(out.exception, SystemExit)


def test_a_chain_of_a_thousand_signals_checks_and_scores():
    result = check("t.lrules", signal_chain(1000))
    assert result.ok, [d.message for d in result.diagnostics]
    leads = [{"lead_id": "1"}, {"lead_id": "2"}]
    events = [
        {"lead_id": "1", "event": "v", "occurred_at": "2025-01-01", "x": 5000},
        {"lead_id": "2", "event": "v", "occurred_at": "2025-01-01", "x": 500},
    ]
    results = score(result.model, leads, events, "2026-01-01", explain=True)
    assert [r.score for r in results] == [1, 0]


def test_flat_chains_of_thousands_of_terms_check_and_score():
    ands = " and ".join(f"a > {i}" for i in range(3000))
    ors = " or ".join(f"a == {i}" for i in range(3000))
    text = f"lead a: number\nfit:\n  {ands}: +1\n  {ors}: +2\ntier t >= 0\n"
    result = check("t.lrules", text)
    assert result.ok, [d.message for d in result.diagnostics]
    leads = [{"lead_id": "1", "a": 5000}, {"lead_id": "2", "a": 7}]
    results = score(result.model, leads, [], "2026-01-01", explain=True)
    assert [r.score for r in results] == [1, 2]


@pytest.mark.parametrize(
    "window", ["within 99999999w", "within 36526d", "within 876601h", "within 5218w"]
)
def test_durations_past_100_years_are_lr0301(window):
    text = f"event v\nfit:\n  v {window}: +1\ntier t >= 0\n"
    result = check("t.lrules", text)
    assert [d.code for d in result.diagnostics] == ["LR0301"]
    assert "36525d (100 years)" in result.diagnostics[0].message


def test_the_longest_duration_is_accepted():
    text = "event v\nfit:\n  v within 36525d: +1\n  no_activity 5217w: -1\n"
    text += "tier t < 0\ntier u >= 0\n"
    assert codes(text) == []


def test_a_huge_delay_is_lr0301():
    text = "event v\nfit:\n  v: +1\ntier t >= 1\ntier u < 1\n"
    text += 'on enter t:\n  delay 99999999w\n  task "x"\n'
    assert codes(text) == ["LR0301"]


TEST_HEAD = "event v\nfit:\n  v: +1\ntier t >= 0\n"


def test_an_as_of_before_1900_is_lr0702_not_an_overflow():
    text = TEST_HEAD + 'test "t":\n  as_of 0001-01-02\n  event v 2d ago\n  expect fit == 0\n'
    result = check("t.lrules", text)
    assert [d.code for d in result.diagnostics] == ["LR0702"]
    assert "before 1900-01-01" in result.diagnostics[0].message


def test_a_test_event_may_be_a_century_before_the_earliest_as_of():
    text = TEST_HEAD + 'test "t":\n  as_of 1900-01-01\n  event v 36525d ago\n  expect fit == 1\n'
    result = check("t.lrules", text)
    assert result.ok
    assert all(o.passed for o in run_tests(result.model))


def test_negative_ago_is_lr0301_like_negative_windows():
    text = TEST_HEAD + 'test "t":\n  event v -2d ago\n  expect fit == 0\n'
    result = check("t.lrules", text)
    assert [d.code for d in result.diagnostics] == ["LR0301"]
    assert result.diagnostics[0].help.startswith("write `2d ago`")


def test_huge_ago_is_lr0301():
    text = TEST_HEAD + 'test "t":\n  event v 99999999w ago\n  expect fit == 0\n'
    assert codes(text) == ["LR0301"]


def test_zero_ago_is_the_as_of():
    text = TEST_HEAD + 'test "t":\n  event v 0d ago\n  expect fit == 1\n'
    result = check("t.lrules", text)
    assert result.ok
    assert all(o.passed for o in run_tests(result.model))


def test_a_huge_event_count_is_refused_not_run():
    text = TEST_HEAD + 'test "t":\n  event v 999999999999999 times\n  expect fit == 1\n'
    result = check("t.lrules", text)
    assert [d.code for d in result.diagnostics] == ["LR0702"]
    assert "100,000" in result.diagnostics[0].message


def test_the_largest_event_count_runs():
    text = "event v\nfit:\n  each v: +1\ntier t >= 0\n"
    text += 'test "t":\n  event v 100000 times\n  expect fit == 100000\n'
    result = check("t.lrules", text)
    assert result.ok
    assert all(o.passed for o in run_tests(result.model))


def test_parse_reports_depth_with_the_position_of_the_deepest_level():
    _tree, diags = parse_text(nots(70), "t.lrules")
    assert [(d.code, d.span.line) for d in diags] == [("LR0008", 3)]


# ---- group names are output columns (issue 9 item 2) ----------------------------------


@pytest.mark.parametrize("name", ["Score", "TIER", "Lead_Id", "LEAD_ID"])
def test_a_group_named_like_an_output_column_is_lr0114(name):
    text = f"event v\n{name}:\n  v: +1\ntier t >= 0\n"
    result = check("t.lrules", text)
    assert [d.code for d in result.diagnostics] == ["LR0114"]
    d = result.diagnostics[0]
    assert (d.span.line, d.span.col) == (2, 1)
    assert f"`{name.lower()}`" in d.message


def test_two_groups_equal_up_to_case_are_lr0114_pointing_at_both():
    text = "event v\nFit:\n  v: +1\nfit:\n  v: +2\ntier t >= 0\n"
    result = check("t.lrules", text)
    assert [d.code for d in result.diagnostics] == ["LR0114"]
    d = result.diagnostics[0]
    assert d.span.line == 4
    assert [(r.line, note) for r, note in d.related] == [(2, "group `Fit`")]


def test_top_level_rules_clash_with_a_group_default_in_another_case():
    text = "event v\nv: +1\nDefault:\n  v: +2\ntier t >= 0\n"
    result = check("t.lrules", text)
    assert [d.code for d in result.diagnostics] == ["LR0114"]
    assert result.diagnostics[0].related[0][0].line == 2


def test_groups_sharing_63_characters_clash_as_postgresql_truncates():
    a, b = "g" * 63 + "_one", "G" * 63 + "_two"
    text = f"event v\n{a}:\n  v: +1\n{b}:\n  v: +2\ntier t >= 0\n"
    result = check("t.lrules", text)
    assert [d.code for d in result.diagnostics] == ["LR0114"]
    assert "63" in result.diagnostics[0].message


def test_a_group_may_share_a_name_up_to_case_with_an_attribute_or_tier():
    text = "lead Fit: number\nevent v\nfit:\n  Fit > 1: +1\n  v: +1\ntier FIT >= 0\n"
    assert codes(text) == []


# ---- scores stay within signed 64 bits (issue 17 item 10) -----------------------------


def test_an_uncapped_each_with_huge_points_is_lr0306():
    text = "event v\nfit:\n  each v: +999999999999999\ntier t >= 0\n"
    result = check("t.lrules", text)
    assert [d.code for d in result.diagnostics] == ["LR0306"]
    assert "9,223,372,036,854,775,807" in result.diagnostics[0].message
    assert result.diagnostics[0].span.line == 3


def test_a_cap_bounds_an_each_rule():
    text = "event v\nfit:\n  each v: +999999999999999 cap 999999999999999\n"
    text += "  each v within 30d: -999999999 cap 5\ntier t >= 0\ntier u < 0\n"
    assert codes(text) == []


def test_an_uncapped_each_with_modest_points_is_fine():
    text = "event v\nfit:\n  each v: -1000000000\n  each v within 1d: +5\n"
    assert codes(text + "tier t <= 0\ntier u > 0\n") == []


BIG = "each v: +4000000000"  # 4e9 x (2^31 - 1) events fits 64 bits; twice that does not
BIG2 = "each v within 36525d: +4000000000"  # the same reach, another rule


def test_a_group_summing_past_64_bits_is_lr0306():
    result = check("t.lrules", f"event v\nfit:\n  {BIG}\n  {BIG2}\ntier t >= 0\n")
    assert [d.code for d in result.diagnostics] == ["LR0306"]
    assert "group `fit`" in result.diagnostics[0].message


def test_negative_points_count_too():
    neg, neg2 = BIG.replace("+", "-"), BIG2.replace("+", "-")
    assert codes(f"event v\nfit cap 10:\n  {neg}\n  {neg2}\ntier t <= 10\n") == ["LR0306"]


def test_the_total_over_groups_past_64_bits_is_lr0306():
    result = check("t.lrules", f"event v\na:\n  {BIG}\nb:\n  {BIG}\ntier t >= 0\n")
    assert [d.code for d in result.diagnostics] == ["LR0306"]
    assert "total score" in result.diagnostics[0].message


def test_group_caps_bound_the_total():
    text = f"event v\na cap 10:\n  {BIG}\nb cap 10:\n  {BIG}\ntier t >= 0\n"
    assert codes(text) == []
