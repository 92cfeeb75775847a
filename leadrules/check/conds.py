"""Conditions: comparisons, `in`, text operators, event predicates, `and`/`or`/`not`.

Types are checked here: both sides of a comparison share a type, text and bool compare only
with `==`/`!=`, text operators take text, lists hold the type of what they are searched for.
"""

from __future__ import annotations

from leadrules import model as m
from leadrules.check.exprs import Ctx, ValueResolver
from leadrules.check.words import with_article
from leadrules.syntax import ast, printer


class Resolver(ValueResolver):
    """Resolves a whole condition to the Model, reporting what does not type-check."""

    def cond(self, e, ctx: Ctx):
        if isinstance(e, ast.Paren):
            return self.cond(e.inner, ctx)
        if isinstance(e, ast.And):
            return m.And(self.and_items(e, ctx))
        if isinstance(e, ast.Or):
            self.or_of_values(e)
            return m.Or(tuple(self.cond(i, ctx) for i in e.items))
        if isinstance(e, ast.Not):
            return m.Not(self.cond(e.operand, ctx))
        if isinstance(e, ast.Name):
            return self.bare_name(e, ctx)
        if isinstance(e, (ast.Where, ast.Within, ast.NoWithin, ast.NoActivity, ast.Count)):
            self._event_pred_allowed(e, ctx)
            return self.event_predicate(e, ctx)
        if isinstance(e, ast.Compare):
            return self.compare(e, ctx)
        if isinstance(e, ast.In):
            return self.in_(e, ctx)
        if isinstance(e, ast.TextOp):
            return self.text_op(e, ctx)
        if isinstance(e, ast.IsMissing):
            return self.is_missing(e, ctx)
        if isinstance(e, ast.Literal) and e.type == "bool":
            return m.Const(e.value, "bool")
        self.error(
            "LR0204",
            f"{with_article(e.type)} is not a condition"
            if isinstance(e, ast.Literal)
            else "this is not a condition",
            e.span,
            help="a rule's condition is a comparison, an event or a bool attribute",
        )

    def event_predicate(self, e, ctx: Ctx) -> m.EventCount:
        """`E where C`, `E within D`, `no E within D`, `no activity within D`, `E OP N times`."""
        if isinstance(e, ast.Where):
            return m.EventCount(self.event_source(e, ctx), ">=", 1, None)
        if isinstance(e, ast.Within):
            src = self.event_source(e.source, ctx)
            return m.EventCount(src, ">=", 1, self.duration(e.window))
        if isinstance(e, ast.NoWithin):
            src = self.event_source(e.source, ctx)
            return m.EventCount(src, "==", 0, self.duration(e.window))
        if isinstance(e, ast.NoActivity):
            return m.EventCount(None, "==", 0, self.duration(e.window))
        src = self.event_source(e.source, ctx)
        n = e.n
        if not (
            isinstance(n, ast.Literal)
            and n.type == "number"
            and isinstance(n.value, int)
            and n.value >= 0
        ):
            self.error(
                "LR0305",
                "the count before `times` must be a whole number, 0 or more",
                n.span,
                help="for example `page_view >= 3 times`",
            )
        window = self.duration(e.window) if e.window else None
        return m.EventCount(src, e.op, n.value, window)

    def text_op(self, e: ast.TextOp, ctx: Ctx) -> m.TextOp:
        """`contains`, `starts_with`, `ends_with`: text on both sides."""
        left, lt = self.value(e.left, ctx)
        right, rt = self.value(e.right, ctx)
        for side, typ in ((e.left, lt), (e.right, rt)):
            if typ != "text":
                self.error(
                    "LR0202",
                    f"`{e.op}` works on text, not on {with_article(typ)}",
                    side.span,
                    label=f"this is {with_article(typ)}",
                    help="compare numbers with `==`, `<`, `in A..B`",
                )
        return m.TextOp(e.op, left, right)

    def is_missing(self, e: ast.IsMissing, ctx: Ctx) -> m.IsMissing:
        """`X is missing` / `X is present`: of a lead attribute or an event property only."""
        operand, typ = self.value(e.operand, ctx)
        if typ == "event" or isinstance(operand, (m.GroupScore, m.TotalScore)):
            self.error(
                "LR0201",
                "`is missing` tests a lead attribute or an event property",
                e.operand.span,
                help="for events, write `no E within D`",
            )
        return m.IsMissing(operand, e.present)

    def and_items(self, e: ast.And, ctx: Ctx) -> tuple:
        """The items of `a and b ...`; after an unbracketed `E where COND` (which takes one
        comparison in a rule), a name that is a property of E is probably meant inside it."""
        saved = self.after_where
        out = []
        where = None
        try:
            for item in e.items:
                self.after_where = {}
                if where is not None and ctx.kind == "rule":
                    event = self.events.get(self.event_source(where.source, ctx).event)
                    fix = f"{where.source.id} where ({printer.expr(where.cond)} and "
                    fix += f"{printer.expr(item)})"
                    if event is not None:
                        for p in event.props:
                            self.after_where[p.name] = (event.name, fix)
                out.append(self.cond(item, ctx))
                src = item.source if isinstance(item, (ast.Within, ast.Count)) else item
                where = src if isinstance(src, ast.Where) else where
        finally:
            self.after_where = saved
        return tuple(out)

    def or_of_values(self, e: ast.Or) -> None:
        """`role == "CEO" or "CTO"`: a value alone after `or`, meant as another value of the
        comparison before it."""
        for i, item in enumerate(e.items):
            if not (isinstance(item, ast.Literal) and item.type != "bool"):
                continue
            first = next(
                (c for c in reversed(e.items[:i]) if isinstance(c, ast.Compare) and c.op == "=="),
                None,
            )
            if first is None:
                return
            left = printer.expr(first.left)
            values = [
                printer.expr(x.right) if isinstance(x, ast.Compare) else printer.literal(x)
                for x in e.items
                if (isinstance(x, ast.Literal) and x.type != "bool")
                or (isinstance(x, ast.Compare) and x.op == "==" and printer.expr(x.left) == left)
            ]
            self.error(
                "LR0204",
                f"`{printer.literal(item)}` alone is not a condition",
                item.span,
                label="a value, not a comparison",
                help=f"to match any of several values, write `{left} in [{', '.join(values)}]`",
            )

    def bare_name(self, n: ast.Name, ctx: Ctx):
        value, typ = self.value(n, ctx)
        if value == "event":
            self._event_pred_allowed(n, ctx)
            return m.EventCount(self.event_source(n, ctx), ">=", 1, None)
        if typ == "bool":
            return value
        self.error(
            "LR0204",
            f"`{n.id}` is {with_article(typ)}, not a condition",
            n.span,
            label="not a condition",
            help=f"compare it: `{n.id} == ...`" if typ != "bool" else "",
        )

    def compare(self, e: ast.Compare, ctx: Ctx):
        left, lt = self.value(e.left, ctx)
        if left == "event":
            self.error(
                "LR0201",
                f"an event is not compared with `{e.op}` alone",
                e.left.span,
                help=f"to count events write `{_name_text(e.left)} {e.op} N times`",
            )
        right, rt = self.value(e.right, ctx)
        if right == "event":
            self.error(
                "LR0201",
                "an event is not a value",
                e.right.span,
                help="count events with `E >= N times`; compare attributes with values",
            )
        if lt != rt:
            extra = ""
            if "bool" in (lt, rt):
                extra = "compare a bool with `true` or `false`, or use it alone as a condition"
            elif "time" in (lt, rt) and "number" in (lt, rt):
                extra = "use `days_since(x) > N` to compare a time with a number of days"
            else:
                extra = "both sides of a comparison have the same type"
            self.error(
                "LR0201",
                f"cannot compare {with_article(lt)} with {with_article(rt)}",
                e.span,
                label=f"{lt} {e.op} {rt}",
                help=extra,
            )
        if lt in ("text", "bool") and e.op not in ("==", "!="):
            self.error(
                "LR0201",
                f"{lt} values are compared only with `==` and `!=`",
                e.span,
                help="engines order text differently, so leadrules does not; use `==`, "
                "`in [...]` or `starts_with`"
                if lt == "text"
                else "",
            )
        return m.Cmp(e.op, left, right)

    def in_(self, e: ast.In, ctx: Ctx):
        left, lt = self.value(e.left, ctx)
        if left == "event":
            self.error(
                "LR0201",
                "an event cannot be tested with `in`",
                e.left.span,
                help="filter events with `E where PROP in [...]`",
            )
        target = e.target
        if isinstance(target, ast.Range):
            if lt != "number":
                self.error(
                    "LR0201",
                    f"a range `A..B` holds numbers; this is {with_article(lt)}",
                    e.left.span,
                    help='test text with `in ["a", "b"]`',
                )
            lo, hi = target.lo.value, target.hi.value
            if lo > hi:
                self.error(
                    "LR0303",
                    f"the range {lo}..{hi} is empty",
                    target.span,
                    help=f"write the smaller bound first: {hi}..{lo}",
                )
            cond = m.InRange(left, lo, hi)
            return m.Not(cond) if e.negated else cond
        if isinstance(target, ast.Name):
            sym = self.symbols.get(target.id)
            if sym is None:
                self.unknown("LR0101", "list", target, ("const",))
            if sym.kind != "const" or not isinstance(sym.node.value, ast.ListLit):
                self.error(
                    "LR0201",
                    f"`{target.id}` is not a list",
                    target.span,
                    help="`in` takes a list `[...]`, a range `A..B` or a list const",
                )
            _kind, values, vt = self.const_value(target)
            span = target.span
        else:
            values, vt = self.list_values(target)
            span = target.span
        if values and vt != lt:
            self.error(
                "LR0201",
                f"cannot look for {with_article(lt)} in a list of {vt} values",
                span,
                help="the list's values have the type of what is tested",
            )
        return m.InList(left, values, lt) if not e.negated else m.Not(m.InList(left, values, lt))


def _name_text(e) -> str:
    return e.id if isinstance(e, ast.Name) else "E"
