"""Model expressions compiled once to Python closures, with three-valued logic.

A value closure returns the value or None (missing). A condition closure returns True, False or
None (unknown), following Kleene logic: `not unknown` is unknown; `and` is false if any item is
false, else unknown if any is unknown; `or` is true if any item is true, else unknown if any is
unknown. Comparisons with a missing value are unknown; `is missing` / `is present` and event
predicates are never unknown.

Every closure takes one flat sequence `x` and reads slots of it by index: for a lead, its state
(attribute values, group scores, total, event counts: see `plan.py`); for an event filter, the
tuple of the event's property values. One calling convention, so that the common shapes
(`attribute OP constant`, `property contains constant`) compile to one closure each.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from typing import Any

from leadrules import model as m
from leadrules.functions import FUNCTIONS

Fn = Callable[[Any], Any]  # reads slots of one flat sequence; returns a value, or None

CMP = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


class Compiler:
    """Compiles the expressions of one context.

    Lead context (`counter` given): `slots` maps attribute names to their slot, `counter` gives
    the slot of the count of `(EventSet, window)`, `groups` the slot of each group's score and
    `total` the slot of the total (for tier conditions). Event filter context (no `counter`):
    `slots` maps the event's property names to their position in its property tuple.
    """

    def __init__(
        self,
        as_of: dt.datetime,
        slots: dict[str, int],
        counter: Callable[[m.EventSet | None, int | None], int] | None = None,
        groups: dict[str, int] | None = None,
        total: int | None = None,
    ):
        self.as_of = as_of
        self.slots = slots
        self.counter = counter
        self.groups = groups or {}
        self.total = total
        self.leaf = m.Attr if counter is not None else m.Prop  # what `slots` names

    def slot(self, e) -> int | None:
        """The slot a plain attribute (lead) or property (filter) reads, else None."""
        return self.slots[e.name] if type(e) is self.leaf else None

    def __call__(self, expr) -> Fn:
        method = getattr(self, "_" + type(expr).__name__.lower(), None)
        if method is None:  # pragma: no cover - the Model has no other nodes
            raise TypeError(f"cannot compile {type(expr).__name__}")
        return method(expr)

    # ---- values
    def _attr(self, e: m.Attr | m.Prop) -> Fn:
        i = self.slot(e)
        if i is None:
            raise TypeError(f"`{e.name}` cannot be read here")
        return lambda x: x[i]

    _prop = _attr

    def _const(self, e: m.Const) -> Fn:
        value = e.value
        return lambda _x: value

    def _groupscore(self, e: m.GroupScore) -> Fn:
        i = self.groups[e.name]
        return lambda x: x[i]

    def _totalscore(self, e: m.TotalScore) -> Fn:
        i = self.total
        return lambda x: x[i]

    def _func(self, e: m.Func) -> Fn:
        arg = self(e.arg)
        fn = FUNCTIONS[e.name]
        apply = fn.apply
        if fn.reads_as_of:
            as_of = self.as_of
            return lambda x: None if (v := arg(x)) is None else apply(v, as_of)
        return lambda x: None if (v := arg(x)) is None else apply(v)

    # ---- conditions
    def _cmp(self, e: m.Cmp) -> Fn:
        op = CMP[e.op]
        i = self.slot(e.left)
        if isinstance(e.right, m.Const) and i is not None:  # the common shape: one closure
            c: Any = e.right.value
            return lambda x: None if (a := x[i]) is None else op(a, c)
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
        values = frozenset(e.values)
        i = self.slot(e.operand)
        if i is not None:
            return lambda x: None if (v := x[i]) is None else v in values
        operand = self(e.operand)
        return lambda x: None if (v := operand(x)) is None else v in values

    def _inrange(self, e: m.InRange) -> Fn:
        lo, hi = e.lo, e.hi
        i = self.slot(e.operand)
        if i is not None:
            return lambda x: None if (v := x[i]) is None else lo <= v <= hi
        operand = self(e.operand)
        return lambda x: None if (v := operand(x)) is None else lo <= v <= hi

    def _textop(self, e: m.TextOp) -> Fn:
        i = self.slot(e.operand)
        if isinstance(e.value, m.Const) and i is not None:  # the common shape: one closure
            c = e.value.value
            if e.op == "contains":
                return lambda x: None if (a := x[i]) is None else c in a
            if e.op == "starts_with":
                return lambda x: None if (a := x[i]) is None else a.startswith(c)
            return lambda x: None if (a := x[i]) is None else a.endswith(c)
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
        n = e.n
        if e.op == ">=":
            return lambda x: x[i] >= n
        if e.op == "==":
            return lambda x: x[i] == n
        op = CMP[e.op]
        return lambda x: op(x[i], n)
