"""Hypothesis strategies: random models that check clean, written in a random, ugly layout.

`models()` draws a small but complete model (attributes of every type, events with
properties, signals, consts, groups with caps, top-level rules, `each`/`cap`, counts, windows,
`no_activity`, nested `and`/`or`/`not` with parentheses, both tier forms, `clamp`, `on` blocks
and `test` blocks) as token lists, then lays them out with noise: random spacing, `\\`
continuations, line breaks and comments inside brackets, `;`-joined statements, trailing and
own-line comments at any indentation, blank lines with spaces, any block indentation, CRLF line
ends and a byte order mark. The result is bytes, as a file on disk would be.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hypothesis import strategies as st

COMPARE = ("==", "!=", "<", "<=", ">", ">=")
TEXT_OPS = ("contains", "starts_with", "ends_with")
# tokens next to which a gap may be empty
_TIGHT = {"(", ")", "[", "]", ",", ":", ";", "=", "..", *COMPARE}
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}")

# string and comment contents: anything but what ends a line or is not text
_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r\n")
_WORDS = st.text(_CHARS, max_size=12)
_LETTER = {"number": "n", "text": "s", "bool": "b", "time": "d"}


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
    value = prefix + draw(_WORDS)
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


# ---- statements ---------------------------------------------------------------------


def points(draw) -> str:
    v = draw(st.integers(-50, 50))
    return str(v) if v < 0 else draw(st.sampled_from([f"+{v}", str(v)]))


def rule(draw, spec: Spec) -> list[str]:
    if draw(st.integers(0, 3)) == 0:
        out = ["each", *event_source(draw, spec)]
        out += ["within", duration(draw)] if draw(st.booleans()) else []
        out += [":", points(draw)]
        return out + (["cap", whole(draw, 1, 50)] if draw(st.booleans()) else [])
    return [*combine(draw, lambda d: rule_atom(d, spec), 3), ":", points(draw)]


def declarations(draw, spec: Spec) -> list[list[str]]:
    out = []
    if draw(st.booleans()):
        out.append(["model", string(draw)])
    for i, typ in enumerate(
        draw(st.lists(st.sampled_from(["number", "text", "bool", "time"]), min_size=4, max_size=7))
    ):
        name = f"{typ[0]}{i}"
        spec.attrs[name] = typ
        src = ["from", string(draw, prefix=name)] if draw(st.integers(0, 3)) == 0 else []
        out.append(["lead", name, ":", typ, *src])
    for i in range(draw(st.integers(1, 3))):
        name = f"ev{i}"
        types = draw(st.lists(st.sampled_from(["number", "text", "bool", "time"]), max_size=3))
        # a property name has one type across events
        spec.events[name] = {f"{_LETTER[t]}p{j}": t for j, t in enumerate(types)}
        decl = ["event", name]
        if types or draw(st.booleans()):
            decl.append("(")
            for j, t in enumerate(types):
                decl += ([","] if j else []) + [f"{_LETTER[t]}p{j}", ":", t]
            decl += ([","] if types and draw(st.booleans()) else []) + [")"]
        if draw(st.integers(0, 3)) == 0:
            decl += ["from", f'"{name} happened"']
        out.append(decl)
    for i, ev in enumerate(sorted(e for e, p in spec.events.items() if p)[:2]):
        name = f"sig{i}"
        out.append(["signal", name, "=", ev, "where", *prop_cond(draw, spec.events[ev], 2)])
        spec.signals.append(name)
    if draw(st.booleans()):
        spec.consts["k_num"] = "number"
        out.append(["const", "k_num", "=", number(draw)])
    if draw(st.booleans()):
        spec.consts["k_list"] = "texts"
        out.append(["const", "k_list", "=", *list_of(draw, "text")])
    return out


def groups(draw, spec: Spec) -> list:
    out: list = []
    for i in range(draw(st.integers(1, 3))):
        name = f"g{i}"
        spec.groups.append(name)
        head = [name, "cap", whole(draw, 1, 99), ":"] if draw(st.booleans()) else [name, ":"]
        out.append((head, [rule(draw, spec) for _ in range(draw(st.integers(1, 4)))]))
    for _ in range(draw(st.integers(0, 2))):
        out.append(rule(draw, spec))
    if any(isinstance(s, list) for s in out):
        spec.groups.append("default")
    return out


def tiers(draw, spec: Spec) -> list[list[str]]:
    out = []
    if draw(st.booleans()):
        a, b = sorted([draw(st.integers(-100, 0)), draw(st.integers(0, 200))])
        out.append(["clamp", str(a), "..", str(b)])
    for i in range(draw(st.integers(1, 3))):
        name = f"T{i}"
        spec.tiers.append(name)
        k = draw(st.integers(0, 2))
        if k == 0:
            op = draw(st.sampled_from(("<", "<=", ">", ">=", "==")))
            out.append(["tier", name, op, number(draw, whole=True)])
        elif k == 1:
            out.append(["tier", name, *range_(draw)])
        else:
            out.append(["tier", name, "when", *combine(draw, lambda d: tier_atom(d, spec), 2)])
    return out


def action(draw) -> list[str]:
    kind = draw(st.sampled_from(["notify", "task", "set", "email", "sms", "webhook", "delay"]))
    if kind == "notify":
        who = draw(st.sampled_from([[], ["owner"], [string(draw, blank_ok=False)]]))
        return ["notify", *who, string(draw, blank_ok=False)]
    if kind == "set":
        return [
            "set",
            "crm_field",
            "=",
            *literal_of(draw, draw(st.sampled_from(["number", "text", "bool"]))),
        ]
    if kind == "webhook":
        return ["webhook", '"https://example.test/' + str(draw(st.integers(0, 99))) + '"']
    if kind == "delay":
        return ["delay", duration(draw)]
    return [kind, string(draw, blank_ok=False)]


def on_block(draw, spec: Spec):
    head = ["on", draw(st.sampled_from(["enter", "exit"])), draw(st.sampled_from(spec.tiers)), ":"]
    return head, [action(draw) for _ in range(draw(st.integers(1, 3)))]


def assigns(draw, fields: dict[str, str]) -> list[str]:
    names = draw(st.lists(st.sampled_from(sorted(fields)), min_size=1, max_size=3, unique=True))
    out: list[str] = []
    for i, n in enumerate(names):
        out += ([","] if i else []) + [n, "=", *literal_of(draw, fields[n])]
    return out


def test_block(draw, spec: Spec):
    body = [["as_of", timestamp(draw)]] if draw(st.booleans()) else []
    if draw(st.booleans()):
        body.append(["lead", *assigns(draw, spec.attrs)])
    for _ in range(draw(st.integers(0, 2))):
        ev = draw(st.sampled_from(sorted(spec.events)))
        line = ["event", ev, *(assigns(draw, spec.events[ev]) if spec.events[ev] else [])]
        line += [whole(draw, 1, 9), "times"] if draw(st.booleans()) else []
        when = draw(st.integers(0, 2))
        line += [[], [duration(draw), "ago"], ["at", timestamp(draw)]][when]
        body.append(line)
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            body.append(
                [
                    "expect",
                    draw(st.sampled_from(spec.groups + ["score"])),
                    draw(st.sampled_from(COMPARE)),
                    number(draw, whole=True),
                ]
            )
        elif draw(st.booleans()):
            body.append(
                [
                    "expect",
                    "tier",
                    draw(st.sampled_from(["==", "!="])),
                    draw(st.sampled_from(spec.tiers)),
                ]
            )
        else:
            body.append(["expect", "tier", "is", draw(st.sampled_from(["missing", "present"]))])
    return ["test", string(draw), ":"], body


# ---- layout noise -------------------------------------------------------------------


def _gap(draw, prev: str, tok: str, depth: int) -> str:
    stamp = _TIMESTAMP.match(prev) or _TIMESTAMP.match(tok)
    choices = [" "] * 6 + ["  ", "\t", " \\\n   "]
    if (prev in _TIGHT or tok in _TIGHT) and not stamp:
        choices += [""] * 4
    if depth > 0:
        choices += ["\n      ", " # inside" + draw(st.sampled_from(["", " brackets"])) + "\n  "]
    return draw(st.sampled_from(choices))


def _join(draw, tokens: list[str]) -> str:
    out, depth = [tokens[0]], 0
    for prev, tok in zip(tokens, tokens[1:], strict=False):
        depth += {"(": 1, "[": 1}.get(prev, 0)
        depth -= {")": 1, "]": 1}.get(tok, 0)
        out += [_gap(draw, prev, tok, depth), tok]
    return "".join(out)


def _comment(draw) -> str:
    return "#" + draw(_WORDS)


def _before(draw, block_indent: str) -> list[str]:
    """What may precede a line: blank lines (some with spaces) and own-line comments."""
    out = []
    for _ in range(draw(st.integers(0, 2))):
        if draw(st.booleans()):
            out.append(draw(st.sampled_from(["", "  ", "    "])))
        else:
            out.append(draw(st.sampled_from(["", " ", block_indent, "        "])) + _comment(draw))
    return out


def _lines(draw, stmts: list[list[str]], indent: str) -> list[str]:
    lines, i = [], 0
    while i < len(stmts):
        n = draw(st.sampled_from([1, 1, 1, 2, 3]))
        parts = [_join(draw, s) for s in stmts[i : i + n]]
        i += n
        text = "".join(
            p + (draw(st.sampled_from([";", " ; ", "; ", " ;"])) if k < len(parts) - 1 else "")
            for k, p in enumerate(parts)
        )
        text += draw(st.sampled_from(["", "", "", ";", " ;"]))
        if draw(st.integers(0, 3)) == 0:
            text += draw(st.sampled_from(["", " ", "   "])) + _comment(draw)
        lines += _before(draw, indent) + [indent + text]
    return lines


def layout(draw, statements: list) -> str:
    """Statements (token lists, or (header, body) pairs for blocks) -> text with noise."""
    lines: list[str] = _before(draw, "")
    run: list[list[str]] = []
    for s in statements + [None]:
        if isinstance(s, list):
            run.append(s)
            continue
        lines += _lines(draw, run, "")
        run = []
        if s is None:
            break
        head, body = s
        header = _join(draw, head)
        if draw(st.integers(0, 3)) == 0:
            header += "  " + _comment(draw)
        indent = " " * draw(st.sampled_from([1, 2, 2, 3, 4, 8]))
        lines += _before(draw, "") + [header] + _lines(draw, body, indent)
    lines += _before(draw, "")
    return "\n".join(lines) + draw(st.sampled_from(["\n", "\n", "", "\n\n  \n"]))


@st.composite
def models(draw) -> bytes:
    spec = Spec()
    statements: list = declarations(draw, spec)
    statements += groups(draw, spec)
    statements += tiers(draw, spec)
    statements += [on_block(draw, spec) for _ in range(draw(st.integers(0, 2)))]
    statements += [test_block(draw, spec) for _ in range(draw(st.integers(0, 2)))]
    text = layout(draw, statements)
    if draw(st.integers(0, 4)) == 0:
        text = text.replace("\n", "\r\n")
    data = text.encode("utf-8")
    return b"\xef\xbb\xbf" + data if draw(st.integers(0, 9)) == 0 else data
