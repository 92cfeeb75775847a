"""Expressions: resolve names, check types, lower AST conditions to Model expressions.

`Resolver.cond(expr, ctx)` returns a Model condition (or None after reporting a diagnostic).
Contexts say what a name may mean:
  "rule"  — lead attributes, events and signals, consts;
  "where" — the properties of one event, consts;
  "tier"  — lead attributes, group scores, `score`, consts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from leadrules import diagnostics as dg
from leadrules import model as m
from leadrules.syntax import ast
from leadrules.syntax.ast import Span

_EVENT_HELP = "`each`, `within`, `times` and `no ... within` take an event or a signal"


class Bad(Exception):
    """Raised inside the resolver after a diagnostic was recorded; the caller skips the node."""


@dataclass
class Symbol:
    kind: str  # attribute | event | signal | const | group | tier
    name: str
    node: object
    span: Span


@dataclass(frozen=True)
class Ctx:
    kind: str  # rule | where | tier
    event: m.EventType | None = None  # for "where"


KIND_WORDS = {
    "attribute": "lead attribute",
    "event": "event",
    "signal": "signal",
    "const": "const",
    "group": "group",
    "tier": "tier",
}


def parse_time(text: str) -> dt.datetime | None:
    """ISO-8601 date or timestamp; no zone means UTC. Returns an aware UTC datetime."""
    t = text.strip()
    if t.endswith("Z") or t.endswith("z"):
        t = t[:-1] + "+00:00"
    try:
        if len(t) == 10:
            value = dt.datetime.fromisoformat(t + "T00:00:00")
        else:
            value = dt.datetime.fromisoformat(t.replace(" ", "T", 1))
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


class Resolver:
    def __init__(
        self,
        symbols: dict[str, Symbol],
        events: dict[str, m.EventType],
        diags: list[dg.Diagnostic],
        used: set[str],
    ):
        self.symbols = symbols
        self.events = events
        self.diags = diags
        self.used = used
        self.signals: dict[str, m.EventSet] = {}
        self.group_names: set[str] = set()

    # -- reporting
    def error(self, code: str, message: str, span: Span, **kw):
        self.diags.append(dg.make(code, message, span, **kw))
        raise Bad()

    def suggest(self, name: str, kinds: tuple[str, ...], extra: tuple[str, ...] = ()) -> str:
        candidates = {s.name: s for s in self.symbols.values() if s.kind in kinds}
        names = list(candidates) + list(extra)
        import difflib  # only when a name is unknown

        match = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
        if not match:
            lowered = {n.lower(): n for n in names}
            if name.lower() in lowered:
                match = [lowered[name.lower()]]
        if not match:
            return ""
        sym = candidates.get(match[0])
        where = f" (declared at {sym.span.path}:{sym.span.line})" if sym else ""
        return f"did you mean `{match[0]}`?{where}"

    def unknown(
        self,
        code: str,
        what: str,
        name: ast.Name,
        kinds: tuple[str, ...],
        extra: tuple[str, ...] = (),
        help_: str = "",
    ):
        hint = self.suggest(name.id, kinds, extra)
        self.error(
            code, f"unknown {what} `{name.id}`", name.span, label="not declared", help=hint or help_
        )

    # -- literals
    def literal(self, lit: ast.Literal) -> m.Const:
        if lit.type == "time":
            value = parse_time(str(lit.value))
            if value is None:
                self.error(
                    "LR0007",
                    f"`{lit.value}` is not a valid date or timestamp",
                    lit.span,
                    help="write an ISO-8601 timestamp such as 2026-11-01T09:30:00Z",
                )
            return m.Const(value, "time")
        return m.Const(lit.value, lit.type)

    def list_values(self, lst: ast.ListLit) -> tuple[tuple, str]:
        if not lst.items:
            return (), ""
        types = {i.type for i in lst.items}
        if len(types) > 1:
            first = lst.items[0]
            odd = next(i for i in lst.items if i.type != first.type)
            self.error(
                "LR0203",
                f"this list mixes {first.type} and {odd.type} values",
                odd.span,
                label=f"a {odd.type} among {first.type}s",
                help="a list holds values of one type",
            )
        return tuple(self.literal(i).value for i in lst.items), lst.items[0].type

    def const_value(self, name: ast.Name):
        sym = self.symbols[name.id]
        self.used.add(name.id)
        value = sym.node.value
        if isinstance(value, ast.ListLit):
            vals, typ = self.list_values(value)
            return "list", vals, typ
        c = self.literal(value)
        return "value", c, c.type

    # -- events
    def event_source(self, e, ctx: Ctx) -> m.EventSet:
        """`E` (an event or signal) or `E where COND` as an EventSet."""
        if isinstance(e, ast.Paren):
            return self.event_source(e.inner, ctx)
        if isinstance(e, ast.Where):
            base = self.event_source(e.source, ctx)
            et = self.events[base.event]
            cond = self.cond(e.cond, Ctx("where", et))
            return m.EventSet(base.event, _and(base.filter, cond))
        if isinstance(e, ast.Name):
            sym = self.symbols.get(e.id)
            if sym is None:
                self.unknown("LR0102", "event", e, ("event", "signal"))
            if sym.kind == "event":
                self.used.add(e.id)
                return m.EventSet(e.id, None)
            if sym.kind == "signal":
                self.used.add(e.id)
                if e.id not in self.signals:
                    self.error(
                        "LR0101",
                        f"signal `{e.id}` is used before it is declared, or refers to itself",
                        e.span,
                        help="declare a signal after the event or signal it is built on",
                    )
                return self.signals[e.id]
            self.error(
                "LR0209",
                f"`{e.id}` is a {KIND_WORDS[sym.kind]}, not an event",
                e.span,
                label="not an event",
                help=_EVENT_HELP,
            )
        self.error("LR0209", "expected an event or a signal here", _span(e), help=_EVENT_HELP)

    def _event_pred_allowed(self, e, ctx: Ctx):
        if ctx.kind != "rule":
            where = "an event's `where` condition" if ctx.kind == "where" else "a tier condition"
            self.error(
                "LR0207",
                f"event predicates are not allowed in {where}",
                _span(e),
                help="use event predicates in scoring rules; tiers test scores and "
                "attributes, `where` tests the event's properties",
            )

    def _duration(self, d: ast.Duration) -> int:
        if d.amount <= 0:
            self.error(
                "LR0301",
                f"the duration `{d}` is not positive",
                d.span,
                help="a window is at least `1h`",
            )
        return d.seconds

    # -- values
    def value(self, e, ctx: Ctx):
        """A value expression -> (model expr, type)."""
        if isinstance(e, ast.Paren):
            return self.value(e.inner, ctx)
        if isinstance(e, ast.Literal):
            c = self.literal(e)
            return c, c.type
        if isinstance(e, ast.Name):
            return self.name_value(e, ctx)
        if isinstance(e, ast.Call):
            arg, typ = self.value(e.arg, ctx)
            want = "time" if e.func == "days_since" else "text"
            if typ != want:
                self.error(
                    "LR0206",
                    f"`{e.func}` takes a {want} value, not {_a(typ)}",
                    _span(e.arg),
                    help="`lower` and `domain` take text; `days_since` takes a time",
                )
            out = "number" if e.func == "days_since" else "text"
            return m.Func(e.func, arg, out), out
        if isinstance(e, (ast.ListLit, ast.Range)):
            self.error("LR0201", "a list or range can only follow `in`", _span(e))
        if isinstance(e, ast.Where):
            self.error(
                "LR0209",
                "an event with `where` is not a value",
                _span(e),
                help='use it as a condition (`page_view where url contains "/x"`) or in '
                "`each`, `within`, `times`",
            )
        self.error(
            "LR0201",
            "a condition is not a value here",
            _span(e),
            help="compare values (`x == 1`), then combine conditions with `and`/`or`",
        )

    def name_value(self, n: ast.Name, ctx: Ctx):
        if ctx.kind == "where":
            prop = ctx.event.prop(n.id)
            if prop is not None:
                return m.Prop(prop.name, prop.type), prop.type
            sym = self.symbols.get(n.id)
            if sym is not None and sym.kind == "const":
                kind, val, typ = self.const_value(n)
                if kind == "list":
                    self.error("LR0201", f"`{n.id}` is a list; use it after `in`", n.span)
                return val, typ
            names = tuple(p.name for p in ctx.event.props)
            hint = self.suggest(n.id, ("const",), names)
            self.error(
                "LR0103",
                f"event `{ctx.event.name}` has no property `{n.id}`",
                n.span,
                label="not a property",
                help=hint
                or (
                    f"its properties are: {', '.join(names)}"
                    if names
                    else f"declare it: `event {ctx.event.name}({n.id}: text)`"
                ),
            )
        if ctx.kind == "tier" and n.id == "score":
            return m.TotalScore(), "number"
        sym = self.symbols.get(n.id)
        if sym is None:
            kinds = (
                ("attribute", "const", "event", "signal")
                if ctx.kind == "rule"
                else ("attribute", "const", "group")
            )
            extra = ("score",) if ctx.kind == "tier" else ()
            if ctx.kind == "tier":
                self.unknown(
                    "LR0105",
                    "group or attribute",
                    n,
                    kinds,
                    extra,
                    help_="a tier condition reads group scores, `score`, lead "
                    "attributes and consts",
                )
            self.unknown(
                "LR0101",
                "name",
                n,
                kinds,
                extra,
                help_="declare it (`lead NAME: TYPE`, `event NAME`, `const NAME = ...`)",
            )
        if sym.kind == "attribute":
            self.used.add(n.id)
            return m.Attr(n.id, sym.node.type), sym.node.type
        if sym.kind == "const":
            kind, val, typ = self.const_value(n)
            if kind == "list":
                self.error("LR0201", f"`{n.id}` is a list; use it after `in`", n.span)
            return val, typ
        if sym.kind == "group":
            if ctx.kind != "tier":
                self.error(
                    "LR0208",
                    f"group score `{n.id}` can only be used in a tier condition",
                    n.span,
                    help="rules add points; tiers (`tier A when fit >= 40`) read group scores",
                )
            return m.GroupScore(n.id), "number"
        if sym.kind in ("event", "signal"):
            return "event", sym.kind
        self.error("LR0201", f"`{n.id}` is a {KIND_WORDS[sym.kind]} and has no value here", n.span)

    # -- conditions
    def cond(self, e, ctx: Ctx):
        if isinstance(e, ast.Paren):
            return self.cond(e.inner, ctx)
        if isinstance(e, ast.And):
            return m.And(tuple(self.cond(i, ctx) for i in e.items))
        if isinstance(e, ast.Or):
            return m.Or(tuple(self.cond(i, ctx) for i in e.items))
        if isinstance(e, ast.Not):
            return m.Not(self.cond(e.operand, ctx))
        if isinstance(e, ast.Name):
            return self.bare_name(e, ctx)
        if isinstance(e, ast.Where):
            self._event_pred_allowed(e, ctx)
            return m.EventCount(self.event_source(e, ctx), ">=", 1, None)
        if isinstance(e, ast.Within):
            self._event_pred_allowed(e, ctx)
            src = self.event_source(e.source, ctx)
            return m.EventCount(src, ">=", 1, self._duration(e.window))
        if isinstance(e, ast.NoWithin):
            self._event_pred_allowed(e, ctx)
            src = self.event_source(e.source, ctx)
            return m.EventCount(src, "==", 0, self._duration(e.window))
        if isinstance(e, ast.NoActivity):
            self._event_pred_allowed(e, ctx)
            return m.EventCount(None, "==", 0, self._duration(e.window))
        if isinstance(e, ast.Count):
            self._event_pred_allowed(e, ctx)
            src = self.event_source(e.source, ctx)
            n = e.n
            if not (
                isinstance(n, ast.Literal)
                and n.type == "number"
                and isinstance(n.value, int)
                and n.value >= 0
            ):
                self.error(
                    "LR0305", "the count before `times` must be a whole number, 0 or more", _span(n)
                )
            window = self._duration(e.window) if e.window else None
            return m.EventCount(src, e.op, n.value, window)
        if isinstance(e, ast.Compare):
            return self.compare(e, ctx)
        if isinstance(e, ast.In):
            return self.in_(e, ctx)
        if isinstance(e, ast.TextOp):
            left, lt = self.value(e.left, ctx)
            right, rt = self.value(e.right, ctx)
            for side, typ in ((e.left, lt), (e.right, rt)):
                if typ != "text":
                    self.error(
                        "LR0202",
                        f"`{e.op}` works on text, not on {_a(typ)}",
                        _span(side),
                        label=f"this is {_a(typ)}",
                        help="compare numbers with `==`, `<`, `in A..B`",
                    )
            return m.TextOp(e.op, left, right)
        if isinstance(e, ast.IsMissing):
            operand, typ = self.value(e.operand, ctx)
            if typ == "event" or isinstance(operand, (m.GroupScore, m.TotalScore)):
                self.error(
                    "LR0201",
                    "`is missing` tests a lead attribute or an event property",
                    _span(e.operand),
                    help="for events, write `no E within D`",
                )
            return m.IsMissing(operand, e.present)
        if isinstance(e, ast.Literal):
            if e.type == "bool":
                return m.Const(e.value, "bool")
            self.error(
                "LR0204",
                f"{_a(e.type)} is not a condition",
                e.span,
                help="a rule's condition is a comparison, an event or a bool attribute",
            )
        self.error(
            "LR0204",
            "this is not a condition",
            _span(e),
            help="a rule's condition is a comparison, an event or a bool attribute",
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
            f"`{n.id}` is {_a(typ)}, not a condition",
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
                _span(e.left),
                help=f"to count events write `{_name_text(e.left)} {e.op} N times`",
            )
        right, rt = self.value(e.right, ctx)
        if right == "event":
            self.error("LR0201", "an event is not a value", _span(e.right))
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
                f"cannot compare {_a(lt)} with {_a(rt)}",
                _span(e),
                label=f"{lt} {e.op} {rt}",
                help=extra,
            )
        if lt in ("text", "bool") and e.op not in ("==", "!="):
            self.error(
                "LR0201",
                f"{lt} values are compared only with `==` and `!=`",
                _span(e),
                help="order text with care: engines sort text differently; use `in [...]`"
                if lt == "text"
                else "",
            )
        return m.Cmp(e.op, left, right)

    def in_(self, e: ast.In, ctx: Ctx):
        left, lt = self.value(e.left, ctx)
        if left == "event":
            self.error("LR0201", "an event cannot be tested with `in`", _span(e.left))
        target = e.target
        if isinstance(target, ast.Range):
            if lt != "number":
                self.error(
                    "LR0201", f"a range `A..B` holds numbers; this is {_a(lt)}", _span(e.left)
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
                f"cannot look for {_a(lt)} in a list of {vt} values",
                span,
                help="the list's values have the type of what is tested",
            )
        return m.InList(left, values, lt) if not e.negated else m.Not(m.InList(left, values, lt))


def _and(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return m.And((a, b))


def _a(typ: str) -> str:
    return {"event": "an event", "time": "a time"}.get(typ, f"a {typ}")


def _name_text(e) -> str:
    return e.id if isinstance(e, ast.Name) else "E"


def _span(e) -> Span:
    return e.span
