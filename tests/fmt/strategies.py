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

from hypothesis import strategies as st

from tests.fmt.pieces import (
    COMPARE,
    LETTER,
    WORDS,
    Spec,
    combine,
    duration,
    event_source,
    list_of,
    literal_of,
    number,
    prop_cond,
    range_,
    rule_atom,
    string,
    tier_atom,
    timestamp,
    whole,
)

# tokens next to which a gap may be empty
_TIGHT = {"(", ")", "[", "]", ",", ":", ";", "=", "..", *COMPARE}
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}")


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
        spec.events[name] = {f"{LETTER[t]}p{j}": t for j, t in enumerate(types)}
        decl = ["event", name]
        if types or draw(st.booleans()):
            decl.append("(")
            for j, t in enumerate(types):
                decl += ([","] if j else []) + [f"{LETTER[t]}p{j}", ":", t]
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
    return draw(st.permutations(out))  # top-level rules before, between or after groups


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
    return "#" + draw(WORDS)


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
