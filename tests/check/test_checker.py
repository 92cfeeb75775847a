"""The checker's semantics beyond the corpus: what the Model holds, how names resolve across
imports, and the analyses behind the warnings (score bounds, tier coverage, unused names)."""

from __future__ import annotations

import datetime as dt

import pytest

from leadrules import model as m
from leadrules.check import analysis, check


def codes(source: str, path: str = "t.lrules") -> list[tuple[str, int]]:
    return [(d.code, d.span.line) for d in check(path, source).diagnostics]


def model_of(source: str) -> m.Model:
    result = check("t.lrules", source)
    assert [d for d in result.diagnostics if d.is_error] == [], result.diagnostics
    return result.model


# ---- the Model ----------------------------------------------------------------------


def test_groups_keep_their_order_and_top_level_rules_form_default_where_they_start():
    model = model_of("event a\nfit:\n  a: +1\na: +2\nbant:\n  a: +3\na within 1d: +4\n")
    assert [g.name for g in model.groups] == ["fit", "default", "bant"]
    assert [r.id for r in model.rules] == ["fit/1", "default/1", "default/2", "bant/1"]


def test_rule_text_is_canonical_source():
    model = model_of('lead r: text\nfit:\n  r   in ["a","b"] :   +5\n')
    assert model.rules[0].text == 'r in ["a", "b"]'


def test_signals_compose_and_resolve_to_filtered_events():
    model = model_of(
        'event pv(url: text)\nsignal docs = pv where url starts_with "/docs"\n'
        'signal ref = docs where url contains "/ref"\nref: +1\n'
    )
    cond = model.rules[0].cond
    assert isinstance(cond, m.EventCount) and cond.events.event == "pv"
    assert isinstance(cond.events.filter, m.And)


def test_event_and_attribute_sources():
    model = model_of(
        'lead cc: text from "Country Code"\nevent f from "Form Submitted"\ncc == "IL": +1\nf: +1\n'
    )
    assert model.attributes[0].column == "Country Code"
    assert model.events[0].source == "Form Submitted"


def test_tier_bounds_are_whole_scores():
    model = model_of("event a\na: +10\ntier x < 3.5\ntier y 3.5..9.5\ntier z > 9.5\n")
    assert [(t.lo, t.hi) for t in model.tiers] == [(None, 3), (4, 9), (10, None)]


def test_tests_default_as_of_and_event_times():
    model = model_of(
        'event a\na: +1\ntier t >= 0\ntest "x":\n  event a 2 times 3d ago\n'
        "  event a at 2025-12-01\n  expect tier is missing\n  expect score == 3\n"
    )
    case = model.tests[0]
    assert case.as_of == m.DEFAULT_TEST_AS_OF == dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    assert [(e.times, e.at.isoformat()) for e in case.events] == [
        (2, "2025-12-29T00:00:00+00:00"),
        (1, "2025-12-01T00:00:00+00:00"),
    ]
    assert [(x.target, x.op, x.value) for x in case.expects] == [
        ("tier", "is missing", None),
        ("score", "==", 3),
    ]


# ---- names across files ---------------------------------------------------------------


def test_duplicates_across_an_import_point_at_both_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "base.lrules").write_text("lead size: number\n")
    (tmp_path / "main.lrules").write_text('import "base.lrules"\nevent size\n')
    (d,) = check("main.lrules").diagnostics
    assert (d.code, d.span.path, d.span.line) == ("LR0110", "main.lrules", 2)
    assert [(s.path, s.line) for s, _ in d.related] == [("base.lrules", 1)]


def test_import_cycle_shows_the_whole_chain(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.lrules").write_text('import "b.lrules"\n')
    (tmp_path / "b.lrules").write_text('import "sub/c.lrules"\n')
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.lrules").write_text('import "../a.lrules"\n')
    (d,) = check("a.lrules").diagnostics
    assert d.code == "LR0402"
    assert d.message == "import cycle: a.lrules -> b.lrules -> sub/c.lrules -> a.lrules"
    assert d.span.path == "sub/c.lrules"


def test_a_diamond_import_is_read_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "base.lrules").write_text("event e\n")
    (tmp_path / "l.lrules").write_text('import "base.lrules"\n')
    (tmp_path / "r.lrules").write_text('import "base.lrules"\n')
    (tmp_path / "top.lrules").write_text('import "l.lrules"\nimport "r.lrules"\ne: +1\n')
    assert check("top.lrules").diagnostics == []


def test_property_types_conflict_across_an_import(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "base.lrules").write_text("event a(url: text)\n")
    (tmp_path / "main.lrules").write_text('import "base.lrules"\nevent b(url: number)\n')
    (d,) = [d for d in check("main.lrules").diagnostics if d.is_error]
    assert (d.code, d.span.line, d.related[0][0].path) == ("LR0113", 2, "base.lrules")


@pytest.mark.parametrize(
    ("source", "help_"),
    [
        ("lead company_size: number\ncompany_sise > 1: +1\n", "did you mean `company_size`?"),
        ("event page_view\neach page_veiw: +1\n", "did you mean `page_view`?"),
        (
            'event a\na: +1\ntier SQL >= 1\ntier rest < 1\non enter sql:\n  task "x"\n',
            "did you mean `SQL`?",
        ),
        ("lead size: number\nfit:\n  size > 1: +1\ntier a when fitt > 1\n", "did you mean `fit`?"),
    ],
)
def test_unknown_names_suggest_the_nearest(source, help_):
    (d,) = check("t.lrules", source).diagnostics
    assert d.help.startswith(help_)


def test_keywords_cannot_name_properties():
    assert codes("event a(where: text)\n") == [("LR0111", 1)]


def test_group_scores_only_in_tiers():
    assert codes("event a\nfit:\n  a: +1\nbonus:\n  fit > 0: +1\n") == [("LR0208", 5)]


def test_window_on_an_attribute():
    assert codes("lead s: number\ns within 3d: +1\n") == [("LR0209", 2)]


def test_default_group_cannot_also_be_declared():
    assert [c for c, _ in codes("event a\ndefault:\n  a: +1\na: +2\n")] == ["LR0110"]


def test_text_ordering_is_refused():
    assert codes('lead r: text\nr < "m": +1\n') == [("LR0201", 2)]


# ---- warnings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "bounds"),
    [
        ("event a\na: +10\na within 1d: -5\n", (-5, 10)),
        ("event a\nfit cap 8:\n  a: +10\n  a within 1d: +10\n", (0, 8)),
        ("event a\neach a: +5 cap 20\neach a within 1d: -2\n", (-float("inf"), 20)),
        ("event a\neach a: +5\nclamp 0..100\n", (0, 100)),
        ("event a\na: +5\nclamp 10..100\n", (10, 10)),
    ],
)
def test_score_bounds(source, bounds):
    assert analysis.score_bounds(model_of(source)) == bounds


def test_when_tiers_silence_the_gap_warning_but_not_overlaps():
    assert codes("event a\na: +50\ntier v when score > 45\ntier c < 10\ntier h >= 40\n") == []
    assert codes("event a\na: +50\ntier v when score > 45\ntier c < 20\ntier h >= 10\n") == [
        ("LR0502", 5)
    ]


def test_clamp_makes_a_tier_unreachable():
    assert codes("event a\neach a: +5\nclamp 0..100\ntier all >= 0\ntier over > 100\n") == [
        ("LR0501", 5)
    ]


def test_no_activity_uses_every_event():
    assert codes("event a\nevent b\nno_activity 30d: -5\n") == []


def test_a_signal_in_use_uses_its_event_and_consts():
    source = 'event pv(url: text)\nconst p = "/pricing"\nsignal s = pv where url == p\ns: +1\n'
    assert codes(source) == []


def test_an_unused_signal_does_not_use_its_event():
    assert codes('event pv(url: text)\nsignal s = pv where url == "x"\n') == [
        ("LR0602", 1),
        ("LR0602", 2),
    ]


@pytest.mark.parametrize(
    ("cond", "fires"),
    [
        ("size > 200 and size < 50", False),
        ("size >= 50 and size <= 50", True),
        ("size > 50 and size < 51", True),  # 50.5 exists: numbers are not only integers
        ("size > 50 and size <= 50", False),
        ("size in 1..10 and size > 10", False),
        ('c == "a" and c == "b"', False),
        ('c == "a" and c == "a"', True),
        ("size is missing and size > 3", False),
        ("size > 200 or size < 50", True),
    ],
)
def test_rules_that_never_fire(cond, fires):
    source = f"lead size: number\nlead c: text\n{cond}: +1\n"
    result = check("t.lrules", source)
    never = [d for d in result.diagnostics if d.code == "LR0601"]
    assert (not never) == fires
