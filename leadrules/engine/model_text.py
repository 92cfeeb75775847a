"""Model expressions back to leadrules text, for explanations and test reports."""

from __future__ import annotations

import datetime as dt

from leadrules import model as m

_PRECEDENCE = {m.Or: 1, m.And: 2, m.Not: 3}


def duration(seconds: int) -> str:
    if seconds % 86400 == 0:
        return f"{seconds // 86400}d"
    if seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    return f"{seconds}s"


def literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return '"' + escaped.replace("\n", "\\n").replace("\t", "\\t") + '"'
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def event_set(events: m.EventSet | None) -> str:
    if events is None:
        return "any event"
    if events.filter is None:
        return events.event
    return f"{events.event} where {expr(events.filter, 3)}"


def event_count(e: m.EventCount) -> str:
    window = "" if e.window is None else f" within {duration(e.window)}"
    if e.events is None and e.op == "==" and e.n == 0 and e.window is not None:
        return f"no_activity {duration(e.window)}"
    target = event_set(e.events)
    if e.op == "==" and e.n == 0 and e.window is not None:
        return f"no {target}{window}"
    if e.op == ">=" and e.n == 1:
        return f"{target}{window}"
    return f"{target} {e.op} {e.n} times{window}"


def expr(e, outer: int = 0) -> str:
    """`e` as text; parenthesized when its operator binds looser than `outer`."""
    if isinstance(e, (m.Attr, m.Prop)):
        return e.name
    if isinstance(e, m.Const):
        return literal(e.value)
    if isinstance(e, m.GroupScore):
        return e.name
    if isinstance(e, m.TotalScore):
        return "score"
    if isinstance(e, m.Func):
        return f"{e.name}({expr(e.arg)})"
    if isinstance(e, m.Cmp):
        return f"{expr(e.left, 4)} {e.op} {expr(e.right, 4)}"
    if isinstance(e, m.InList):
        return f"{expr(e.operand, 4)} in [{', '.join(literal(v) for v in e.values)}]"
    if isinstance(e, m.InRange):
        return f"{expr(e.operand, 4)} in {literal(e.lo)}..{literal(e.hi)}"
    if isinstance(e, m.TextOp):
        return f"{expr(e.operand, 4)} {e.op} {expr(e.value, 4)}"
    if isinstance(e, m.IsMissing):
        return f"{expr(e.operand, 4)} is {'present' if e.present else 'missing'}"
    if isinstance(e, m.EventCount):
        return event_count(e)
    level = _PRECEDENCE.get(type(e))
    if level is None:  # pragma: no cover
        raise TypeError(f"cannot print {type(e).__name__}")
    if isinstance(e, m.Not):
        text = f"not {expr(e.operand, level)}"
    else:
        word = " and " if isinstance(e, m.And) else " or "
        text = word.join(expr(i, level + 1) for i in e.items)
    return f"({text})" if level < outer else text
