"""Expressions: resolve names, check types, lower AST conditions to Model expressions.

`ValueResolver` resolves names, literals, events and values; `conds.Resolver` adds conditions
(`Resolver.cond(expr, ctx)` returns a Model condition, or raises `Bad` after a diagnostic).
Contexts say what a name may mean:
  "rule"  — lead attributes, events and signals, consts;
  "where" — the properties of one event, consts;
  "tier"  — lead attributes, group scores, `score`, consts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, NoReturn

from leadrules import diagnostics as dg
from leadrules import model as m
from leadrules.check.words import kind_with_article, with_article
from leadrules.functions import FUNCTIONS
from leadrules.syntax import ast
from leadrules.syntax.ast import Span

_EVENT_HELP = "`each`, `within`, `times` and `no ... within` take an event or a signal"


def _function_args_help() -> str:
    """`lower` and `domain` take text; `days_since` takes a time: from the functions' table."""
    by_type: dict[str, list[str]] = {}
    for f in FUNCTIONS.values():
        by_type.setdefault(f.arg, []).append(f"`{f.name}`")
    parts = []
    for typ, names in by_type.items():
        who = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
        parts.append(f"{who} take{'s' if len(names) == 1 else ''} {_type_word(typ)}")
    return "; ".join(parts)


def _type_word(typ: str) -> str:
    return "text" if typ == "text" else with_article(typ)


FUNCTION_ARGS_HELP = _function_args_help()


class Bad(Exception):
    """Raised inside the resolver after a diagnostic was recorded; the caller skips the node."""


@dataclass
class Symbol:
    kind: str  # attribute | event | signal | const | group | tier
    name: str
    node: Any  # the declaration's AST node, of the class the kind says
    span: Span


@dataclass(frozen=True)
class Ctx:
    kind: str  # rule | where | tier
    event: m.EventType | None = None  # for "where"


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


def duration_problem(d: ast.Duration, what: str) -> dg.Diagnostic | None:
    """LR0301 for a window or delay that is not positive or longer than the documented maximum."""
    if d.amount <= 0:
        return dg.make(
            "LR0301",
            f"the {what} `{d}` is not positive",
            d.span,
            help=f"a {what} is at least `1h`",
        )
    if d.seconds > m.MAX_DURATION_SECONDS:
        return dg.make(
            "LR0301",
            f"the {what} `{d}` is longer than {m.MAX_DURATION_DAYS}d (100 years), the longest "
            "duration",
            d.span,
            help=f"write at most `{m.MAX_DURATION_DAYS}d`; for all time, leave the window out",
        )
    return None


class ValueResolver:
    """Names, literals, events and values; `conds.Resolver` adds conditions."""

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
        # names that are properties of the event of an unbracketed `E where` just before, in
        # the same `and`: name -> (event, the condition with the brackets it probably wants)
        self.after_where: dict[str, tuple[str, str]] = {}

    def cond(self, e, ctx: Ctx) -> m.Expr:
        """A condition in `ctx`: provided by the condition resolver (`conds.Resolver`)."""
        raise NotImplementedError

    # -- reporting
    def error(self, code: str, message: str, span: Span, **kw) -> NoReturn:
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
    ) -> NoReturn:
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

    def scalar_const(self, n: ast.Name):
        """A const used as a value: (Const, type); a list const is an error here."""
        kind, val, typ = self.const_value(n)
        if kind == "list":
            self.error(
                "LR0201",
                f"`{n.id}` is a list; use it after `in`",
                n.span,
                help=f"write `x in {n.id}`",
            )
        return val, typ

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
                f"`{e.id}` is {kind_with_article(sym.kind)}, not an event",
                e.span,
                label="not an event",
                help=_EVENT_HELP,
            )
        self.error("LR0209", "expected an event or a signal here", e.span, help=_EVENT_HELP)

    def _event_pred_allowed(self, e, ctx: Ctx):
        if ctx.kind != "rule":
            where = "an event's `where` condition" if ctx.kind == "where" else "a tier condition"
            self.error(
                "LR0207",
                f"event predicates are not allowed in {where}",
                e.span,
                help="use event predicates in scoring rules; tiers test scores and "
                "attributes, `where` tests the event's properties",
            )

    def duration(self, d: ast.Duration) -> int:
        """A window in seconds (an LR0301 diagnostic and `Bad` when it is out of range)."""
        problem = duration_problem(d, "window")
        if problem is not None:
            self.diags.append(problem)
            raise Bad()
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
            fn = FUNCTIONS[e.func]
            if typ != fn.arg:
                self.error(
                    "LR0206",
                    f"`{e.func}` takes a {fn.arg} value, not {with_article(typ)}",
                    e.arg.span,
                    help=FUNCTION_ARGS_HELP,
                )
            return m.Func(e.func, arg, fn.result), fn.result
        if isinstance(e, (ast.ListLit, ast.Range)):
            self.error(
                "LR0201",
                "a list or range can only follow `in`",
                e.span,
                help="write `x in [...]` or `x in A..B`",
            )
        if isinstance(e, ast.Where):
            self.error(
                "LR0209",
                "an event with `where` is not a value",
                e.span,
                help='use it as a condition (`page_view where url contains "/x"`) or in '
                "`each`, `within`, `times`",
            )
        self.error(
            "LR0201",
            "a condition is not a value here",
            e.span,
            help="compare values (`x == 1`), then combine conditions with `and`/`or`",
        )

    def name_value(self, n: ast.Name, ctx: Ctx):
        """A name used as a value: in `where`, an event property (or a const); elsewhere a
        lead attribute, a const, a group score or `score`."""
        if ctx.kind == "where":
            return self.property_value(n, ctx)
        if ctx.kind == "tier" and n.id == "score":
            return m.TotalScore(), "number"
        sym = self.symbols.get(n.id)
        if sym is None and ctx.kind == "tier" and n.id in self.group_names:
            return m.GroupScore(n.id), "number"  # `default`: the group of top-level rules
        if sym is None and n.id in self.after_where:
            event, fix = self.after_where[n.id]
            self.error(
                "LR0101",
                f"unknown name `{n.id}`: `{event}` has a property `{n.id}`, but the `where` "
                "ended before it",
                n.span,
                label="not a lead attribute",
                help=f"in a rule, `where` takes one comparison and `and` ends it; for a "
                f"condition on several properties, use brackets: `{fix}`",
            )
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
            if n.id in self.after_where:
                event, fix = self.after_where[n.id]
                self.diags.append(
                    dg.make(
                        "LR0604",
                        f"`{n.id}` here is the lead attribute, not the property `{n.id}` of "
                        f"`{event}`: the `where` ended at `and`",
                        n.span,
                        label="the lead attribute",
                        help=f"in a rule, `where` takes one comparison; for the property, use "
                        f"brackets: `{fix}`; for the attribute, write it before the event",
                    )
                )
            self.used.add(n.id)
            return m.Attr(n.id, sym.node.type), sym.node.type
        if sym.kind == "const":
            return self.scalar_const(n)
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
        self.error(
            "LR0201",
            f"`{n.id}` is {kind_with_article(sym.kind)} and has no value here",
            n.span,
            help="tiers are tested with `tier == NAME` in tests; conditions read attributes, "
            "events, consts and (in tiers) group scores",
        )

    def property_value(self, n: ast.Name, ctx: Ctx):
        """A name inside `E where ...`: a property of E, else a value const."""
        assert ctx.event is not None  # a "where" context always names its event
        prop = ctx.event.prop(n.id)
        if prop is not None:
            sym = self.symbols.get(n.id)
            if sym is not None and sym.kind == "attribute":
                self.diags.append(
                    dg.make(
                        "LR0604",
                        f"`{n.id}` here is the property of `{ctx.event.name}`, not the lead "
                        f"attribute `{n.id}`",
                        n.span,
                        label="the event's property",
                        help="inside `where`, names are the event's properties; to test the "
                        "lead attribute, move it out of the `where` (`(E where ...) and "
                        f"{n.id} ...`), or rename one of the two",
                    )
                )
            return m.Prop(prop.name, prop.type), prop.type
        sym = self.symbols.get(n.id)
        if sym is not None and sym.kind == "const":
            return self.scalar_const(n)
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

    # -- conditions


def _and(a, b):
    """`a and b`, flat: a chain of signals, each filtering the one before, stays one `And`."""
    if a is None:
        return b
    if b is None:
        return a
    return m.And(_items(a) + _items(b))


def _items(e) -> tuple:
    return e.items if isinstance(e, m.And) else (e,)
