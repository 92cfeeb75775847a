"""Model expressions to SQL text, through a dialect's macros.

SQL's three-valued logic is the language's: a comparison with NULL is NULL (unknown), AND, OR
and NOT are Kleene's, and a rule adds its points only under `CASE WHEN cond` (TRUE). So each
atom is rendered to be NULL exactly when the interpreter's is unknown, and event predicates are
comparisons of counts that are never NULL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from leadrules import model as m
from leadrules.functions import FUNCTIONS

CMP = {"==": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


def timestamp_text(value: dt.datetime) -> str:
    """`YYYY-MM-DD HH:MM:SS[.ffffff]` in UTC: the literal form every dialect (and SQLite's text
    timestamps) understands and orders correctly."""
    utc = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return utc.isoformat(sep=" ", timespec="microseconds" if utc.microsecond else "seconds")


@dataclass
class Scope:
    """What names mean where an expression is rendered: SQL for attributes, properties, counts,
    group scores and the total."""

    attrs: dict[str, str] = field(default_factory=dict)
    props: dict[str, str] = field(default_factory=dict)
    counts: dict[tuple, str] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    total: str | None = None


class Renderer:
    def __init__(self, sql, as_of: str, scope: Scope):
        self.sql = sql
        self.as_of = as_of
        self.scope = scope

    # -- values
    def literal(self, value, typ: str) -> str:
        sql = self.sql
        if typ == "text":
            return sql.string(value)
        if typ == "bool":
            return sql.boolean(value)
        if typ == "time":
            return sql.timestamp(timestamp_text(value))
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"not a number: {value!r}")
        return repr(value) if isinstance(value, float) else str(value)

    def value(self, e) -> str:
        if isinstance(e, m.Const):
            return self.literal(e.value, e.type)
        if isinstance(e, m.Attr):
            return self.scope.attrs[e.name]
        if isinstance(e, m.Prop):
            return self.scope.props[e.name]
        if isinstance(e, m.GroupScore):
            return self.scope.groups[e.name]
        if isinstance(e, m.TotalScore):
            assert self.scope.total is not None, "the total outside a tier condition"
            return self.scope.total
        if isinstance(e, m.Func):
            fn = FUNCTIONS[e.name]
            macro = getattr(self.sql, fn.macro)
            arg = self.value(e.arg)
            return macro(arg, self.as_of) if fn.reads_as_of else macro(arg)
        raise TypeError(f"not a value: {type(e).__name__}")

    # -- conditions
    def cond(self, e) -> str:
        if isinstance(e, (m.And, m.Or)):
            from leadrules.targets.sql.compiler import balanced

            op = "AND" if isinstance(e, m.And) else "OR"
            return "(" + balanced([self.cond(i) for i in e.items], op) + ")"
        if isinstance(e, m.Not):
            return f"(NOT {self.cond(e.operand)})"
        if isinstance(e, m.Cmp):
            return f"({self.value(e.left)} {CMP[e.op]} {self.value(e.right)})"
        if isinstance(e, m.InList):
            operand = self.value(e.operand)
            if not e.values:  # `x in []`: false, unknown when x is missing
                return f"(CASE WHEN {operand} IS NULL THEN NULL ELSE FALSE END)"
            values = ", ".join(self.literal(v, e.type) for v in e.values)
            return f"({operand} IN ({values}))"
        if isinstance(e, m.InRange):
            lo, hi = (self.literal(b, "number") for b in (e.lo, e.hi))
            return f"({self.value(e.operand)} BETWEEN {lo} AND {hi})"
        if isinstance(e, m.TextOp):
            macro = getattr(self.sql, e.op)
            return macro(self.value(e.operand), self.value(e.value))
        if isinstance(e, m.IsMissing):
            return f"({self.value(e.operand)} IS {'NOT ' if e.present else ''}NULL)"
        if isinstance(e, m.EventCount):
            column = self.scope.counts[(e.events, e.window)]
            return f"({column} {CMP[e.op]} {e.n})"
        if isinstance(e, m.Const):
            return self.sql.boolean(e.value)
        if isinstance(e, (m.Attr, m.Prop)):  # a bool attribute or property alone
            return self.value(e)
        raise TypeError(f"not a condition: {type(e).__name__}")


def event_counts(rules) -> list[tuple]:
    """Every distinct (EventSet or None, window) the rules count, in first-use order."""
    found: dict[tuple, None] = {}
    for rule in rules:
        if rule.kind == "each":
            found.setdefault((rule.events, rule.window))
        else:
            for e in m.walk(rule.cond):
                if isinstance(e, m.EventCount):
                    found.setdefault((e.events, e.window))
    return list(found)


def referenced_attrs(e, out: dict[str, None]) -> None:
    """Lead attributes a (tier) condition reads."""
    for node in m.walk(e):
        if isinstance(node, m.Attr):
            out.setdefault(node.name)
