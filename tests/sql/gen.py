"""Hypothesis strategies: random models (as rules text) and data that aims at the edges.

The model always declares the same inputs, with hostile names where a name may be anything
(`from "..."` columns and event sources with quotes, spaces and a backslash); the rules, groups,
caps, clamp and tiers are drawn. Data: missing values and empty strings, text with `%`, `_`,
quotes, backslashes, upper-case and non-ASCII letters, timestamps exactly on window edges and
after the as-of.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

AS_OF = dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=dt.timezone.utc)
DAY = 86400
LETTERS = "aAbB%_'\"\\ é É ßİ@.x"
WORDS = [
    "a",
    "A",
    "ab",
    "%",
    "_",
    "a%",
    "b_",
    "'",
    '"',
    "\\",
    "é",
    "É",
    "x@y.com",
    "@",
    "İ",
    "AB@CD.Com",
    "a@b@Ex.io",
    "",
]
ROLE_COLUMN = "Role \"quoted\" 'col'"  # lead role: text from "..."
BUY_SOURCE = 'Buy it\'s "now" \\ %'  # event buy from "..."


def lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


HEADER = f"""model "generated"

lead size: number
lead role: text from {lit(ROLE_COLUMN)}
lead email: text
lead vip: bool
lead signup: time

event view(url: text, n: number)
event click
event buy(amount: number) from {lit(BUY_SOURCE)}
"""


words = st.sampled_from(WORDS)
small = st.integers(-3, 12)
days = st.sampled_from([1, 2, 3, 7])
textop = st.sampled_from(["contains", "starts_with", "ends_with"])


def fit_atoms():
    return st.one_of(
        st.builds(lambda n: f"size > {n}", small),
        st.builds(lambda a, b: f"size in {min(a, b)}..{max(a, b)}", small, small),
        st.builds(lambda w: f"role == {lit(w)}", words),
        st.builds(lambda w: f"role != {lit(w)}", words),
        st.builds(
            lambda ws: f"role in [{', '.join(lit(w) for w in ws)}]", st.lists(words, max_size=3)
        ),
        st.builds(lambda w: f"lower(role) == {lit(w.lower())}", words),
        st.builds(lambda op, w: f"role {op} {lit(w)}", textop, words),
        st.builds(lambda op, w: f"lower(email) {op} {lit(w)}", textop, words),
        st.builds(
            lambda w: f"domain(email) == {lit(w)}",
            st.sampled_from(["ex.io", "cd.com", "y.com", ""]),
        ),
        st.builds(lambda n: f"days_since(signup) >= {n}", st.integers(-2, 3)),
        st.just("vip"),
        st.just("vip == false"),
        st.sampled_from(
            ["role is missing", "email is present", "size is missing", "signup is present"]
        ),
    )


def conditions(atoms, depth=2):
    return st.recursive(
        atoms,
        lambda inner: st.one_of(
            st.builds(lambda a, b: f"({a} and {b})", inner, inner),
            st.builds(lambda a, b: f"({a} or {b})", inner, inner),
            st.builds(lambda a: f"not ({a})", inner),
        ),
        max_leaves=3,
    )


event_source = st.one_of(
    st.sampled_from(["view", "click", "buy"]),
    st.sampled_from(["view", "click"]),
    st.builds(lambda op, w: f"view where url {op} {lit(w)}", textop, words),
    st.builds(lambda n: f"view where n >= {n}", small),
    st.builds(lambda w: f"view where (url == {lit(w)} or url is missing)", words),
    st.builds(lambda n: f"buy where amount > {n}", small),
)


def event_atoms():
    return st.one_of(
        event_source,
        st.builds(lambda e, d: f"{e} within {d}d", event_source, days),
        st.builds(
            lambda e, op, n, d: f"{e} {op} {n} times within {d}d",
            event_source,
            st.sampled_from([">=", ">", "==", "<=", "<"]),
            st.integers(0, 3),
            days,
        ),
        st.builds(lambda e, d: f"no {e} within {d}d", event_source, days),
        st.builds(lambda d: f"no_activity {d}d", days),
    )


points = st.integers(-20, 20).map(lambda p: f"+{p}" if p >= 0 else str(p))


def each_rule():
    return st.builds(
        lambda e, w, p, cap: f"each {e}{w}: {p}{cap}",
        event_source,
        st.sampled_from(["", " within 2d", " within 1d"]),
        points,
        st.sampled_from(["", " cap 7", " cap 1"]),
    )


def rules(atoms):
    return st.lists(
        st.one_of(st.builds(lambda c, p: f"{c}: {p}", conditions(atoms), points), each_rule()),
        min_size=1,
        max_size=4,
    )


@st.composite
def models(draw) -> str:
    fit = draw(
        st.lists(
            st.builds(lambda c, p: f"{c}: {p}", conditions(fit_atoms()), points),
            min_size=1,
            max_size=4,
        )
    )
    engagement = draw(rules(st.one_of(event_atoms(), event_atoms(), fit_atoms())))
    fit_cap = draw(st.sampled_from(["", " cap 10"]))
    eng_cap = draw(st.sampled_from(["", " cap 15", " cap 3"]))
    lines = [HEADER, f"fit{fit_cap}:"] + [f"  {r}" for r in fit]
    lines += [f"engagement{eng_cap}:"] + [f"  {r}" for r in engagement]
    if draw(st.booleans()):
        lines.append("clamp -10..25")
    lines += draw(
        st.sampled_from(
            [
                ["tier hot >= 10", "tier warm 1..9", "tier cold <= 0"],
                [
                    "tier a when fit >= 5 and engagement > 0",
                    "tier b when score < 0 or vip",
                    "tier c when role is missing",
                    "tier d > -100",
                ],
                ["tier only 3..5"],
            ]
        )
    )
    return "\n".join(lines) + "\n"


timestamps = st.one_of(
    # exactly on a window's edge (1d, 2d, 3d, 7d), or a second either side
    st.builds(
        lambda d, s: AS_OF - dt.timedelta(days=d) + dt.timedelta(seconds=s),
        st.sampled_from([1, 2, 3, 7]),
        st.sampled_from([-1, 0, 0, 1]),
    ),
    st.builds(lambda s: AS_OF + dt.timedelta(seconds=s), st.sampled_from([0, 1, 3600, 86400])),
    st.builds(lambda h: AS_OF - dt.timedelta(hours=h), st.integers(0, 24 * 9)),
)
maybe = lambda s: st.one_of(st.none(), s)  # noqa: E731

lead_rows = st.fixed_dictionaries(
    {
        "size": maybe(st.integers(-5, 15)),
        "role": maybe(st.one_of(words, st.text(LETTERS, max_size=4))),
        "email": maybe(st.one_of(words, st.text(LETTERS, max_size=6))),
        "vip": maybe(st.booleans()),
        "signup": maybe(timestamps),
    }
)


@st.composite
def datasets(draw):
    leads = draw(st.lists(lead_rows, min_size=1, max_size=3))
    events = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "lead": st.integers(
                        0, len(leads)
                    ),  # len(leads): a lead that is not in the leads
                    "event": st.sampled_from(["view", "view", "click", BUY_SOURCE, "undeclared"]),
                    "at": timestamps,
                    "url": maybe(st.one_of(words, st.text(LETTERS, max_size=4))),
                    "n": maybe(small),
                    "amount": maybe(small),
                }
            ),
            max_size=14,
        )
    )
    lead_dicts = [{"lead_id": str(i + 1), **row} for i, row in enumerate(leads)]
    event_dicts = [
        {
            "lead_id": str(e["lead"] + 1),
            "event": e["event"],
            "occurred_at": e["at"],
            "url": e["url"],
            "n": e["n"],
            "amount": e["amount"],
        }
        for e in events
    ]
    return lead_dicts, event_dicts


def large_model(rules: int, group_size: int = 5000, chain: int = 1200, catalog: bool = True) -> str:
    """A model of `rules` page rules (`page_view where url == "/p/i": +1`, some `each` with a
    cap) in groups of at most `group_size`, plus flat `or` and `and` chains of `chain` terms:
    the shape of a B2C model with one rule per product page (issue 19). Without `catalog`, the
    page rules read `lower(url) == "/p/i"` (the same matches): a shape the compiler keeps as
    one expression per rule."""
    url = "url" if catalog else "lower(url)"
    lines = [
        'model "large"',
        "",
        "lead size: number",
        f"lead role: text from {lit(ROLE_COLUMN)}",
        "event page_view(url: text)",
        "event cart",
        "",
        "fit:",
        "  " + " or ".join(f'role == "r{i}"' for i in range(chain)) + ": +5",
        "  " + " and ".join(f"size > {-i}" for i in range(chain)) + ": +7",
    ]
    for g in range(0, rules, group_size):
        lines.append(f"pages{g // group_size + 1}{' cap 900' if g else ''}:")
        for i in range(g, min(rules, g + group_size)):
            if i % 97 == 3:
                lines.append(
                    f'  each page_view where {url} == "/p/{i}" within 7d: +{i % 5 + 1} cap 3'
                )
            else:
                lines.append(f'  page_view where {url} == "/p/{i}": +{i % 3 + 1}')
    lines += ["engagement:", "  each cart: +2 cap 10", "tier hot >= 100", "tier warm 10..99"]
    return "\n".join(lines) + "\n"


def large_data(rules: int, leads: int = 4, events_per_lead: int = 40):
    """Leads with page views spread over the rules' urls (some repeated), a few carts."""
    lead_rows = [
        {"lead_id": str(i), "size": i * 3 if i % 4 else None, "role": f"r{i * 7}"}
        for i in range(1, leads + 1)
    ]
    events = []
    for lead in range(1, leads + 1):
        for k in range(events_per_lead):
            page = (lead * 7919 + k * 104729) % rules
            events.append(
                {
                    "lead_id": str(lead),
                    "event": "page_view",
                    "occurred_at": AS_OF - dt.timedelta(hours=k * 5 + lead),
                    "url": f"/p/{page}",
                }
            )
        events += [
            {"lead_id": str(lead), "event": "cart", "occurred_at": AS_OF - dt.timedelta(days=k)}
            for k in range(lead)
        ]
    return lead_rows, events
