"""Top-level rules form the group `default`; a tier condition can read its score by that name."""

from __future__ import annotations

from leadrules import model as m
from leadrules.check import check


def test_tier_when_reads_the_default_group(tmp_path):
    path = tmp_path / "top.lrules"
    path.write_text(
        "lead size: number\nsize > 10: +5\ntier hot when default >= 5\ntier cold when score < 5\n",
        encoding="utf-8",
    )
    result = check(path)
    assert result.diagnostics == []
    hot = result.model.tiers[0]
    assert hot.cond == m.Cmp(">=", m.GroupScore("default"), m.Const(5, "number"))


def test_default_is_unknown_in_a_tier_when_there_are_no_top_level_rules(tmp_path):
    path = tmp_path / "grouped.lrules"
    path.write_text(
        "lead size: number\nfit:\n  size > 10: +5\ntier hot when default >= 5\n"
        "tier cold when score < 5\n",
        encoding="utf-8",
    )
    codes = [d.code for d in check(path).diagnostics]
    assert codes == ["LR0105"]
