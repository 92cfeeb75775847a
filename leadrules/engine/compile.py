"""Model expressions compiled once to Python closures, with three-valued logic.

A value closure returns the value or None (missing). A condition closure returns True, False or
None (unknown), following Kleene logic: `not unknown` is unknown; `and` is false if any item is
false, else unknown if any is unknown; `or` is true if any item is true, else unknown if any is
unknown. Comparisons with a missing value are unknown; `is missing` / `is present` and event
predicates are never unknown.

Lead-level closures take a `Env` (attribute values, event counts, group scores, total); event
filter closures take the tuple of one event's property values.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from dataclasses import dataclass, field

from leadrules import model as m

Fn = Callable[[object], object]

CMP = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_DAY = dt.timedelta(days=1)


@dataclass
class Env:
    """What a lead-level condition sees."""

    values: tuple  # attribute values, in model order
    counts: list  # event counts, one per counter
    groups: dict[str, int] = field(default_factory=dict)  # group scores after caps
    total: int = 0  # the total after clamp


def ascii_lower(text: str) -> str:
    """`lower()`: folds A-Z only, so that every engine agrees."""
    return text.translate(_ASCII_LOWER)


def email_domain(text: str) -> str | None:
    """`domain()`: the part after the last `@`, folded like `lower()`; missing without `@`."""
    head, at, tail = text.rpartition("@")
    return ascii_lower(tail) if at else None


def days_since(value: dt.datetime, as_of: dt.datetime) -> int:
    """Whole days from `value` to as-of, rounded down (negative for a value after as-of)."""
    return (as_of - value) // _DAY


class Compiler:
    """Compiles expressions of one context.

    `attrs` maps attribute names to their index in `Env.values` (lead context); `props` maps
    property names to their index in an event's property tuple (filter context); `counter`
    gives the index of the count of `(EventSet, window)` in `Env.counts`.
    """

    def __init__(
        self,
        as_of: dt.datetime,
        attrs: dict[str, int] | None = None,
        props: dict[str, int] | None = None,
        counter: Callable[[m.EventSet | None, int | None], int] | None = None,
    ):
        self.as_of = as_of
        self.attrs = attrs
        self.props = props
        self.counter = counter

    def __call__(self, expr) -> Fn:
        method = getattr(self, "_" + type(expr).__name__.lower(), None)
        if method is None:  # pragma: no cover - the Model has no other nodes
            raise TypeError(f"cannot compile {type(expr).__name__}")
        return method(expr)

    # ---- values
    def _attr(self, e: m.Attr) -> Fn:
        if self.attrs is None:
            raise TypeError(f"attribute `{e.name}` outside a lead context")
        i = self.attrs[e.name]
        return lambda env: env.values[i]

    def _prop(self, e: m.Prop) -> Fn:
        if self.props is None:
            raise TypeError(f"property `{e.name}` outside an event filter")
        i = self.props[e.name]
        return lambda props: props[i]

    def _const(self, e: m.Const) -> Fn:
        value = e.value
        return lambda _x: value

    def _groupscore(self, e: m.GroupScore) -> Fn:
        name = e.name
        return lambda env: env.groups[name]

    def _totalscore(self, e: m.TotalScore) -> Fn:
        return lambda env: env.total

    def _func(self, e: m.Func) -> Fn:
        arg = self(e.arg)
        if e.name == "lower":
            fn = ascii_lower
        elif e.name == "domain":
            fn = email_domain
        elif e.name == "days_since":
            as_of = self.as_of
            return lambda x: None if (v := arg(x)) is None else (as_of - v) // _DAY
        else:  # pragma: no cover
            raise TypeError(f"unknown function {e.name}")
        return lambda x: None if (v := arg(x)) is None else fn(v)

    # ---- conditions
    def _cmp(self, e: m.Cmp) -> Fn:
        op = CMP[e.op]
        if isinstance(e.right, m.Const) and isinstance(e.left, m.Prop) and self.props is not None:
            i, c = self.props[e.left.name], e.right.value  # the hot case of event filters
            return lambda props: None if (a := props[i]) is None else op(a, c)
        left = self(e.left)
        if isinstance(e.right, m.Const):
            c = e.right.value
            return lambda x: None if (a := left(x)) is None else op(a, c)
        right = self(e.right)

        def compare(x):
            a = left(x)
            if a is None:
                return None
            b = right(x)
            return None if b is None else op(a, b)

        return compare

    def _inlist(self, e: m.InList) -> Fn:
        operand = self(e.operand)
        values = frozenset(e.values)
        return lambda x: None if (v := operand(x)) is None else v in values

    def _inrange(self, e: m.InRange) -> Fn:
        operand = self(e.operand)
        lo, hi = e.lo, e.hi
        return lambda x: None if (v := operand(x)) is None else lo <= v <= hi

    def _textop(self, e: m.TextOp) -> Fn:
        if isinstance(e.value, m.Const) and isinstance(e.operand, m.Prop) and self.props:
            i, c = self.props[e.operand.name], e.value.value  # the hot case of event filters
            if e.op == "contains":
                return lambda props: None if (a := props[i]) is None else c in a
            if e.op == "starts_with":
                return lambda props: None if (a := props[i]) is None else a.startswith(c)
            return lambda props: None if (a := props[i]) is None else a.endswith(c)
        operand = self(e.operand)
        value = self(e.value)
        if e.op == "contains":

            def test(a, b):
                return b in a
        elif e.op == "starts_with":
            test = str.startswith
        elif e.op == "ends_with":
            test = str.endswith
        else:  # pragma: no cover
            raise TypeError(f"unknown text operator {e.op}")

        def textop(x):
            a = operand(x)
            if a is None:
                return None
            b = value(x)
            return None if b is None else test(a, b)

        return textop

    def _ismissing(self, e: m.IsMissing) -> Fn:
        operand = self(e.operand)
        if e.present:
            return lambda x: operand(x) is not None
        return lambda x: operand(x) is None

    def _not(self, e: m.Not) -> Fn:
        operand = self(e.operand)
        return lambda x: None if (v := operand(x)) is None else not v

    def _and(self, e: m.And) -> Fn:
        items = tuple(self(i) for i in e.items)

        def kleene_and(x):
            unknown = False
            for item in items:
                v = item(x)
                if v is None:
                    unknown = True
                elif not v:
                    return False
            return None if unknown else True

        return kleene_and

    def _or(self, e: m.Or) -> Fn:
        items = tuple(self(i) for i in e.items)

        def kleene_or(x):
            unknown = False
            for item in items:
                v = item(x)
                if v is None:
                    unknown = True
                elif v:
                    return True
            return None if unknown else False

        return kleene_or

    def _eventcount(self, e: m.EventCount) -> Fn:
        if self.counter is None:
            raise TypeError("event predicate outside a lead context")
        i = self.counter(e.events, e.window)
        op, n = CMP[e.op], e.n
        return lambda env: op(env.counts[i], n)


def walk(expr):
    """Every node of an expression, depth first, in source order."""
    yield expr
    for f in ("operand", "left", "right", "arg", "value"):
        child = getattr(expr, f, None)
        if child is not None and not isinstance(child, (str, int, float, bool, tuple)):
            if hasattr(child, "__dataclass_fields__"):
                yield from walk(child)
    for item in getattr(expr, "items", ()) or ():
        yield from walk(item)
