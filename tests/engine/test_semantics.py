"""Each construct of the language, with hand-computed expectations (docs/semantics.md)."""

from __future__ import annotations

import pytest

from tests.engine.helpers import AS_OF, ago, scores

VISITS = """
event visit
event other
{rule}
"""


def visit_points(rule: str, *times: str) -> int:
    events = [{"lead_id": "1", "event": "visit", "occurred_at": t} for t in times]
    return scores(VISITS.format(rule=rule), [{"lead_id": "1"}], events)["1"].score


# ---- windows and as-of ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "counted"),
    [
        (ago(days=7), True),  # exactly as_of - D: inside (inclusive)
        (ago(days=7, seconds=1), False),  # one second before the window
        (ago(seconds=0), True),  # exactly at as-of: inside
        (ago(seconds=-1), False),  # one second after as-of: never counts
        (ago(days=3), True),
    ],
)
def test_window_is_inclusive_at_both_ends(when, counted):
    assert visit_points("visit within 7d: +10", when) == (10 if counted else 0)


def test_events_after_as_of_never_count_even_without_window():
    assert visit_points("visit: +10", ago(seconds=-1)) == 0
    assert visit_points("visit: +10", ago(days=4000)) == 10


def test_hour_and_week_windows():
    assert visit_points("visit within 12h: +1", ago(hours=12)) == 1
    assert visit_points("visit within 12h: +1", ago(hours=12, seconds=1)) == 0
    assert visit_points("visit within 2w: +1", ago(days=14)) == 1
    assert visit_points("visit within 2w: +1", ago(days=14, seconds=1)) == 0


@pytest.mark.parametrize(
    ("rule", "n", "expected"),
    [
        ("visit >= 3 times: +5", 2, 0),
        ("visit >= 3 times: +5", 3, 5),
        ("visit > 3 times: +5", 3, 0),
        ("visit == 2 times: +5", 2, 5),
        ("visit == 2 times: +5", 3, 0),
        ("visit <= 2 times: +5", 0, 5),
        ("visit < 2 times: +5", 2, 0),
    ],
)
def test_counts(rule, n, expected):
    assert visit_points(rule, *[ago(days=1)] * n) == expected


def test_count_with_window_only_counts_inside():
    rule = "visit >= 2 times within 7d: +5"
    assert visit_points(rule, ago(days=1), ago(days=8)) == 0
    assert visit_points(rule, ago(days=1), ago(days=7)) == 5


def test_no_event_within():
    rule = "no visit within 7d: -5"
    assert visit_points(rule) == -5
    assert visit_points(rule, ago(days=8)) == -5
    assert visit_points(rule, ago(days=7)) == 0
    assert visit_points(rule, ago(seconds=-60)) == -5  # a future event does not count


def test_no_activity_counts_declared_types_only():
    text = "event visit\nevent other\nno_activity 30d: -15\nvisit: +0\nother: +0"
    leads = [{"lead_id": x} for x in ("none", "recent", "old", "undeclared", "future")]
    events = [
        {"lead_id": "recent", "event": "other", "occurred_at": ago(days=30)},
        {"lead_id": "old", "event": "visit", "occurred_at": ago(days=31)},
        {"lead_id": "undeclared", "event": "chat", "occurred_at": ago(days=1)},
        {"lead_id": "future", "event": "visit", "occurred_at": ago(days=-1)},
    ]
    got = {k: r.score for k, r in scores(text, leads, events).items()}
    assert got == {"none": -15, "recent": 0, "old": -15, "undeclared": -15, "future": -15}


# ---- signals and filters ----------------------------------------------------------------

PAGES = """
event page_view(url: text, seconds: number)
signal pricing = page_view where url contains "/pricing"
signal long_read = page_view where seconds >= 60
signal not_blog = page_view where not url starts_with "/blog"
pricing: +1
long_read: +10
not_blog: +100
"""


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        ({"url": "/pricing", "seconds": 90}, 111),
        ({"url": "/blog/x", "seconds": 10}, 0),
        ({"url": "/pricing"}, 101),  # seconds missing: `seconds >= 60` unknown, not counted
        ({"seconds": 90}, 10),  # url missing: `not url starts_with` is unknown, not counted
        ({"url": "", "seconds": ""}, 0),  # empty strings are missing
    ],
)
def test_filters_count_an_event_only_when_true(props, expected):
    events = [{"lead_id": "1", "event": "page_view", "occurred_at": ago(days=1), **props}]
    assert scores(PAGES, [{"lead_id": "1"}], events)["1"].score == expected


def test_inline_where_binds_one_comparison():
    text = """
event page_view(url: text)
event demo
page_view where url contains "/pricing" and demo: +5
page_view where (url contains "/plans" or url contains "/pricing"): +1
"""
    events = [
        {"lead_id": "1", "event": "page_view", "occurred_at": ago(days=1), "url": "/pricing"},
        {"lead_id": "1", "event": "demo", "occurred_at": ago(days=1)},
        {"lead_id": "2", "event": "page_view", "occurred_at": ago(days=1), "url": "/plans"},
    ]
    got = scores(text, [{"lead_id": "1"}, {"lead_id": "2"}], events)
    assert (got["1"].score, got["2"].score) == (6, 1)


# ---- three-valued logic ---------------------------------------------------------------

KLEENE = """
lead a: number
lead b: text
not a > 5: +1
a > 5 and b == "x": +10
a > 5 or b == "x": +100
a is missing: +1000
b is present: +10000
"""


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # not(unknown)=unknown; unknown and true=unknown; unknown or true=true; a missing; b present
        (None, "x", 100 + 1000 + 10000),
        # not(unknown)=unknown; unknown and false=false; unknown or false=unknown
        (None, "y", 1000 + 10000),
        # not(false)=true; false and unknown=false; false or unknown=unknown
        (3, None, 1),
        # not(true)=false; true and unknown=unknown; true or unknown=true
        (7, None, 100),
        (7, "x", 110 + 10000),
        (None, None, 1000),
    ],
)
def test_kleene_logic(a, b, expected):
    assert scores(KLEENE, [{"lead_id": "1", "a": a, "b": b}])["1"].score == expected


def test_bool_attribute_alone_is_a_condition():
    text = "lead budget: bool\nbudget: +10\nnot budget: +1"
    leads = [{"lead_id": str(i), "budget": v} for i, v in enumerate(["yes", "No", "", "TRUE", 0])]
    assert [r.score for r in scores(text, leads).values()] == [10, 1, 0, 10, 1]


def test_comparisons_are_numeric_and_accept_floats():
    text = "lead size: number\nsize in 50..200: +1\nsize > 100: +10\nsize == 80: +100"
    leads = [
        {"lead_id": "1", "size": "80.0"},
        {"lead_id": "2", "size": "120.5"},
        {"lead_id": "3", "size": "200"},
        {"lead_id": "4", "size": "200.01"},
    ]
    got = {k: r.score for k, r in scores(text, leads).items()}
    assert got == {"1": 101, "2": 11, "3": 11, "4": 10}


# ---- functions ------------------------------------------------------------------------

FUNCS = """
lead name: text
lead email: text
lead signed_up: time
lower(name) == "école": +1
lower(name) == "École": +2
domain(email) == "mail.acme.io": +10
domain(email) is missing: +100
days_since(signed_up) >= 30: +1000
days_since(signed_up) < 0: +10000
"""


def test_lower_folds_ascii_only():
    got = scores(FUNCS, [{"lead_id": "1", "name": "ÉCOLE"}])["1"]
    assert got.score == 2 + 100  # É is not ASCII: stays; no email: domain missing


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("Danny@Mail.ACME.io", 10),
        ("a@b@MAIL.acme.io", 10),  # the part after the last @
        ("no-at-sign", 100),  # missing: `is missing` is true
        ("", 100),
    ],
)
def test_domain(email, expected):
    assert scores(FUNCS, [{"lead_id": "1", "email": email}])["1"].score == expected


@pytest.mark.parametrize(
    ("signed_up", "expected"),
    [
        (ago(days=30), 1000 + 100),  # exactly 30 days
        (ago(days=30, seconds=-1), 100),  # 29 days and 23:59:59: floor gives 29
        (ago(hours=-1), 10000 + 100),  # one hour after as-of: -1 (floor)
        ("2025-12-02", 1000 + 100),  # a date is midnight UTC: 30 days
        ("2025-12-02T02:00:00+02:00", 1000 + 100),  # a zone is honoured: midnight UTC
        ("2025-12-02T00:00:01", 100),  # no zone: UTC
    ],
)
def test_days_since_floors(signed_up, expected):
    assert scores(FUNCS, [{"lead_id": "1", "signed_up": signed_up}])["1"].score == expected


# ---- each, caps, clamp, tiers ---------------------------------------------------------

CAPS = """
event open
event bounce
engagement cap 30:
  each open: +2 cap 5
  each bounce: -3 cap 7
  each open within 7d: +10
clamp -5..100
"""


@pytest.mark.parametrize(
    ("opens", "bounces", "engagement", "total"),
    [
        (4, 0, 5 + 30, 30),  # each capped at 5; 4 recent opens +40; group capped at 30
        (0, 2, -6, -5),  # -6 within the rule cap of 7; clamp lifts the total to -5
        (0, 4, -7, -5),  # -12 capped at -7 (|contribution| <= 7)
        (1, 4, -7 + 2 + 10, 5),
    ],
)
def test_each_caps_group_cap_and_clamp(opens, bounces, engagement, total):
    events = [{"lead_id": "1", "event": "open", "occurred_at": ago(days=1)}] * opens
    events += [{"lead_id": "1", "event": "bounce", "occurred_at": ago(days=1)}] * bounces
    got = scores(CAPS, [{"lead_id": "1"}], events)["1"]
    want_group = min(engagement, 30)
    assert (got.group("engagement"), got.score) == (want_group, total)


def test_each_window():
    rule = "each visit within 7d: +1"
    assert visit_points(rule, ago(days=1), ago(days=7), ago(days=8), ago(days=-1)) == 2


TIERS = """
lead country: text
event visit
fit cap 20:
  country == "IL": +25
engagement:
  each visit: +10
clamp 0..50
tier vip when fit >= 20 and score >= 50
tier israel when country == "IL"
tier hot >= 40
tier warm 20..39
"""


def test_tiers_first_match_in_order_and_no_tier():
    leads = [
        {"lead_id": "vip", "country": "IL"},
        {"lead_id": "il", "country": "IL"},
        {"lead_id": "hot"},
        {"lead_id": "warm"},
        {"lead_id": "none", "country": "US"},
    ]
    events = [{"lead_id": "vip", "event": "visit", "occurred_at": ago(days=1)}] * 5
    events += [{"lead_id": "hot", "event": "visit", "occurred_at": ago(days=1)}] * 4
    events += [{"lead_id": "warm", "event": "visit", "occurred_at": ago(days=1)}] * 2
    got = scores(TIERS, leads, events)
    # vip: fit 25 capped to 20; 20 + 50 = 70, clamped to 50: `when` sees both after caps/clamp
    assert got["vip"].groups == (("fit", 20), ("engagement", 50))
    assert {k: (r.score, r.tier) for k, r in got.items()} == {
        "vip": (50, "vip"),
        "il": (20, "israel"),
        "hot": (40, "hot"),  # country missing: `country == "IL"` unknown, tier not matched
        "warm": (20, "warm"),
        "none": (0, None),  # matches no tier
    }


def test_ignored_events_are_reported():
    notes: list[str] = []
    events = [
        {"lead_id": "1", "event": "visit", "occurred_at": ago(days=1)},
        {"lead_id": "2", "event": "visit", "occurred_at": ago(days=1)},
        {"lead_id": "1", "event": "chat", "occurred_at": ago(days=1)},
        {"lead_id": "1", "event": "visit", "occurred_at": ago(days=-1)},
    ]
    got = scores("event visit\nvisit: +1", [{"lead_id": "1"}], events, notes=notes)
    assert got["1"].score == 1
    assert notes == [
        "note: ignored 1 event of leads not in the leads",
        "note: ignored 1 event of undeclared types: `chat` (1)",
        "note: ignored 1 event after the as-of",
    ]


def test_results_are_in_key_order():
    leads = [{"lead_id": x} for x in ("b", "10", "2", "a", "-1")]
    got = scores("event visit\nvisit: +1", leads)
    assert list(got) == ["-1", "2", "10", "a", "b"]
    assert AS_OF.tzinfo is not None
