"""Random well-typed pieces of a model, as token lists: literals and conditions.

Everything drawn here checks clean against the names in `Spec`; `strategies.py` builds the
statements around them and lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

COMPARE = ("==", "!=", "<", "<=", ">", ">=")
TEXT_OPS = ("contains", "starts_with", "ends_with")
# string and comment contents: anything but what ends a line or is not text
CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r\n")
WORDS = st.text(CHARS, max_size=12)
LETTER = {"number": "n", "text": "s", "bool": "b", "time": "d"}  # a property's type letter


@dataclass
class Spec:
    attrs: dict[str, str] = field(default_factory=dict)  # name -> type
    events: dict[str, dict[str, str]] = field(default_factory=dict)  # name -> props
    signals: list[str] = field(default_factory=list)
    consts: dict[str, str] = field(default_factory=dict)  # name -> number | text | texts
    groups: list[str] = field(default_factory=list)
    tiers: list[str] = field(default_factory=list)


# ---- literals ---------------------------------------------------------------------


def number(draw, lo: int = -500, hi: int = 500, whole: bool = False) -> str:
    if not whole and draw(st.integers(0, 4)) == 0:
        v = draw(st.integers(lo * 100, hi * 100)) / 100
        return draw(st.sampled_from([f"{v:.2f}", f"{v:.1f}", repr(v)]))
    v = draw(st.integers(lo, hi))
    if v < 0:
        return str(v)
    return draw(st.sampled_from([str(v), f"+{v}", f"0{v}"]))


def whole(draw, lo: int, hi: int) -> str:
    """An unsigned integer token (NUMBER), sometimes with leading zeros."""
    v = draw(st.integers(lo, hi))
    return draw(st.sampled_from([str(v), f"00{v}"]))


def string(draw, blank_ok: bool = True, prefix: str = "") -> str:
    value = prefix + draw(WORDS)
    if not blank_ok and not value.strip():
        value += "x"
    out = []
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\t":
            out.append(draw(st.sampled_from(["\t", "\\t"])))
        else:
            out.append(ch)
    if draw(st.integers(0, 5)) == 0:
        out.append("\\n")
    return '"' + "".join(out) + '"'


def timestamp(draw) -> str:
    y, mo, d = draw(st.integers(2000, 2030)), draw(st.integers(1, 12)), draw(st.integers(1, 28))
    h, mi, s = draw(st.integers(0, 23)), draw(st.integers(0, 59)), draw(st.integers(0, 59))
    date = f"{y:04d}-{mo:02d}-{d:02d}"
    return draw(
        st.sampled_from(
            [
                date,
                f"{date}T{h:02d}:{mi:02d}",
                f"{date}T{h:02d}:{mi:02d}:{s:02d}Z",
                f"{date}T{h:02d}:{mi:02d}:{s:02d}+02:00",
            ]
        )
    )


def duration(draw) -> str:
    return whole(draw, 1, 400) + draw(st.sampled_from("hdw"))


def literal_of(draw, typ: str) -> list[str]:
    if typ == "number":
        return [number(draw)]
    if typ == "text":
        return [string(draw)]
    if typ == "bool":
        return [draw(st.sampled_from(["true", "false"]))]
    return [timestamp(draw)]


def list_of(draw, typ: str) -> list[str]:
    items = [literal_of(draw, typ) for _ in range(draw(st.integers(1, 4)))]
    out = ["["]
    for i, item in enumerate(items):
        out += ([","] if i else []) + item
    return out + ([","] if draw(st.integers(0, 4)) == 0 else []) + ["]"]


def range_(draw) -> list[str]:
    a, b = sorted([draw(st.integers(-100, 300)), draw(st.integers(-100, 300))])
    return [str(a), "..", str(b) if b < 0 else draw(st.sampled_from([str(b), f"+{b}"]))]


# ---- conditions ---------------------------------------------------------------------


def value_atom(draw, name: str, typ: str, spec: Spec | None, bare: bool = True) -> list[str]:
    """A condition on a value of a type: a lead attribute or an event property. `bare`: a bool
    alone may be the condition (not right after `where` in a rule, which wants a comparison)."""
    consts = spec.consts if spec else {}
    k = draw(st.integers(0, 5))
    if k == 0:
        return [name, "is", draw(st.sampled_from(["missing", "present"]))]
    if typ == "number":
        if k == 1:
            return [name, "in", *range_(draw)]
        if k == 2:
            return [name, draw(st.sampled_from(["in", "not in"])), *list_of(draw, "number")]
        named = [c for c, t in consts.items() if t == "number"]
        if k == 3 and named:
            return [name, draw(st.sampled_from(COMPARE)), draw(st.sampled_from(named))]
        return [name, draw(st.sampled_from(COMPARE)), number(draw)]
    if typ == "text":
        if k == 1:
            return [name, draw(st.sampled_from(["in", "not in"])), *list_of(draw, "text")]
        lists = [c for c, t in consts.items() if t == "texts"]
        if k == 2 and lists:
            return [name, draw(st.sampled_from(["in", "not in"])), draw(st.sampled_from(lists))]
        if k == 3:
            func = draw(st.sampled_from(["lower", "domain"]))
            op = draw(st.sampled_from(TEXT_OPS + ("==", "!=")))
            return [func, "(", name, ")", op, string(draw)]
        op = draw(st.sampled_from(TEXT_OPS + ("==", "!=")))
        return [name, op, string(draw)]
    if typ == "bool":
        if k <= 2 and bare:
            return [name]
        return [name, draw(st.sampled_from(["==", "!="])), draw(st.sampled_from(["true", "false"]))]
    if k <= 2:
        return ["days_since", "(", name, ")", draw(st.sampled_from(COMPARE)), number(draw)]
    return [name, draw(st.sampled_from(COMPARE)), timestamp(draw)]


def prop_cond(draw, props: dict[str, str], depth: int) -> list[str]:
    return combine(
        draw, lambda d: value_atom(d, *d(st.sampled_from(sorted(props.items()))), None), depth
    )


def where(draw, spec: Spec, single_ok: bool = True) -> list[str]:
    """`E where C`: C one comparison, or a parenthesized condition."""
    ev = draw(st.sampled_from(sorted(e for e, p in spec.events.items() if p)))
    props = spec.events[ev]
    if single_ok and draw(st.booleans()):
        name, typ = draw(st.sampled_from(sorted(props.items())))
        return [ev, "where", *value_atom(draw, name, typ, None, bare=False)]
    return [ev, "where", "(", *prop_cond(draw, props, 2), ")"]


def event_source(draw, spec: Spec) -> list[str]:
    """An event, a signal or a parenthesized `where`, as counted by `within`, `times`, `each`."""
    names = sorted(spec.events) + spec.signals
    has_props = any(spec.events.values())
    if has_props and draw(st.integers(0, 3)) == 0:
        return where(draw, spec, single_ok=False)
    return [draw(st.sampled_from(names))]


def event_atom(draw, spec: Spec) -> list[str]:
    k = draw(st.integers(0, 5))
    if k == 0:
        return [draw(st.sampled_from(sorted(spec.events) + spec.signals))]
    if k == 1:
        return [*event_source(draw, spec), "within", duration(draw)]
    if k == 2:
        times = [
            *event_source(draw, spec),
            draw(st.sampled_from(COMPARE)),
            whole(draw, 0, 9),
            "times",
        ]
        return times + (["within", duration(draw)] if draw(st.booleans()) else [])
    if k == 3:
        return ["no", *event_source(draw, spec), "within", duration(draw)]
    if k == 4 and any(spec.events.values()):
        return where(draw, spec)
    return ["no_activity", duration(draw)]


def attr_atom(draw, spec: Spec) -> list[str]:
    name, typ = draw(st.sampled_from(sorted(spec.attrs.items())))
    return value_atom(draw, name, typ, spec)


def rule_atom(draw, spec: Spec) -> list[str]:
    return event_atom(draw, spec) if draw(st.booleans()) else attr_atom(draw, spec)


def tier_atom(draw, spec: Spec) -> list[str]:
    if draw(st.integers(0, 2)) == 0:
        return attr_atom(draw, spec)
    # tier conditions read declared groups (the checker does not know `default` there)
    target = draw(st.sampled_from([g for g in spec.groups if g != "default"] + ["score"]))
    return [target, draw(st.sampled_from(COMPARE)), number(draw)]


def combine(draw, atom, depth: int) -> list[str]:
    """Atoms joined by `and`, `or`, `not` and parentheses, nested up to `depth`."""
    kind = draw(st.sampled_from(["atom", "atom", "and", "or", "not", "paren"])) if depth else "atom"
    if kind == "atom":
        return atom(draw)
    if kind == "not":
        return ["not", *combine(draw, atom, depth - 1)]
    if kind == "paren":
        return ["(", *combine(draw, atom, depth - 1), ")"]
    out: list[str] = []
    for i in range(draw(st.integers(2, 3))):
        out += ([kind] if i else []) + combine(draw, atom, depth - 1)
    return out
