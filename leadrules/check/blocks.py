"""`on` blocks and `test` blocks -> Model automations and test cases.

Both name things declared elsewhere (tiers, groups, attributes, events), so they are checked
after the declarations, groups and tiers are built.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from leadrules import diagnostics as dg
from leadrules import model as m
from leadrules.check.exprs import duration_problem, parse_time
from leadrules.check.words import kind_with_article
from leadrules.syntax import ast
from leadrules.syntax.ast import Span

if TYPE_CHECKING:
    from leadrules.check.context import CheckContext


def automations(cx: CheckContext, tiers) -> tuple[m.Automation, ...]:
    names = {t.name for t in tiers}
    out = []
    for s in cx.statements():
        if not isinstance(s, ast.OnBlock):
            continue
        if s.tier.id not in names:
            sym = cx.symbols.get(s.tier.id)
            if sym is None or sym.kind != "tier":
                hint = cx.res.suggest(s.tier.id, ("tier",))
                cx.diags.append(
                    dg.make(
                        "LR0104",
                        f"unknown tier `{s.tier.id}`",
                        s.tier.span,
                        label="not a tier",
                        help=hint or f"tiers: {', '.join(sorted(names)) or 'none'}",
                    )
                )
            continue
        actions = [action(cx, a) for a in s.actions]
        out.append(m.Automation(s.kind, s.tier.id, tuple(actions), s.span))
    return tuple(out)


def action(cx: CheckContext, a: ast.Action) -> m.Action:
    args: list[object] = []
    for arg in a.args:
        if isinstance(arg, ast.Name):
            args.append(arg.id)
        elif isinstance(arg, ast.Literal):
            args.append(arg.value if arg.type != "time" else str(arg.value))
        elif isinstance(arg, ast.Duration):
            problem = duration_problem(arg, "delay")
            if problem is not None:
                cx.diags.append(problem)
            args.append(arg.seconds)
        else:
            args.append(arg)
    if a.kind == "notify" and args[0] is None:
        args[0] = "owner"
    if a.kind in PLACEHOLDER_ACTIONS:
        placeholders(cx, a, str(args[-1]))
    text = args[-1]
    if a.kind in ("notify", "task", "email", "sms", "webhook") and not str(text).strip():
        cx.diags.append(
            dg.make(
                "LR0701",
                f"`{a.kind}` is given an empty text",
                a.span,
                help=f"say what the {a.kind} is about",
            )
        )
    elif a.kind == "webhook" and not str(text).startswith(("https://", "http://")):
        cx.diags.append(
            dg.make(
                "LR0701",
                f'`webhook` takes an http(s) URL, not "{text}"',
                a.span,
                help='write the full URL: `webhook "https://..."`',
            )
        )
    return m.action(a.kind, tuple(args), a.span)


# the actions whose text the target fills in: `{first_name}` is the lead's attribute `first_name`
PLACEHOLDER_ACTIONS = ("notify", "task", "sms")
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def placeholders(cx: CheckContext, a: ast.Action, text: str) -> None:
    """A `{name}` placeholder uses the lead attribute `name`; any other name is LR0106."""
    for found in PLACEHOLDER.finditer(text):
        name = found.group(1)
        sym = cx.symbols.get(name)
        if sym is not None and sym.kind == "attribute":
            cx.used.add(name)
            continue
        span = _placeholder_span(a, text, found)
        if sym is not None:
            what = "" if sym.kind == "attribute" else kind_with_article(sym.kind)
            help_ = f"`{name}` is {what}; a placeholder is filled from a lead attribute"
        else:
            help_ = cx.res.suggest(name, ("attribute",)) or (
                f"declare the attribute it is filled from: `lead {name}: text`"
            )
        cx.diags.append(
            dg.make(
                "LR0106",
                f"unknown attribute `{name}` in the placeholder `{{{name}}}`",
                span,
                label="not a lead attribute",
                help=help_,
            )
        )


def _placeholder_span(a: ast.Action, text: str, found: re.Match) -> Span:
    """The placeholder in the source: the text ends the action; without escapes in it, its
    characters stand one for one. Otherwise (or across lines) the whole action."""
    span = a.span
    if span.line == span.end_line and not any(c in text for c in '\\"\n\t'):
        col = span.end_col - 1 - len(text) + found.start()
        if col > span.col:
            return Span(span.path, span.line, col, span.line, col + len(found.group(0)))
    return span


def tests(cx: CheckContext, groups, tiers) -> tuple[m.TestCase, ...]:
    out = []
    names: dict[str, Span] = {}
    for s in cx.root.statements:
        if isinstance(s, ast.TestBlock):
            if s.name in names:
                cx.diags.append(
                    dg.make(
                        "LR0703",
                        f'two tests are named "{s.name}"',
                        s.span,
                        label="named again here",
                        related=((names[s.name], "first named here"),),
                        help="`leadrules test` reports failures by name; give each test its "
                        "own name",
                    )
                )
            names.setdefault(s.name, s.span)
            case = test(cx, s, groups, tiers)
            if case is not None:
                out.append(case)
    return tuple(out)


_TIME_HELP = "write an ISO-8601 date or timestamp: `2026-11-01` or `2026-11-01T09:30:00Z`"
_EXAMPLES = {
    "number": "a number, such as `80`",
    "text": 'text in double quotes, such as `"CEO"`',
    "bool": "`true` or `false`",
    "time": "a timestamp, such as `2026-10-01T09:00:00Z`",
}


def _test_error(cx: CheckContext, message: str, span: Span, help: str = "", code: str = "LR0702"):
    cx.diags.append(dg.make(code, message, span, help=help))


def _typed(cx: CheckContext, value: ast.Literal, typ: str, what: str):
    if value.type != typ:
        _test_error(
            cx,
            f"{what} is declared {typ}, but this value is {value.type}",
            value.span,
            help=f"write {_EXAMPLES[typ]}",
        )
        return None
    if typ == "time":
        t = parse_time(str(value.value))
        if t is None:
            _test_error(
                cx, f"`{value.value}` is not a valid timestamp", value.span, _TIME_HELP, "LR0007"
            )
        return t
    return value.value


# the most events one `event E N times` line of a test may name: each is run through the
# interpreter, so a huge count would hang `leadrules test`
MAX_TEST_TIMES = 100_000


def _ago_problem(d: ast.Duration) -> dg.Diagnostic | None:
    if d.amount < 0:
        return dg.make(
            "LR0301",
            f"`{d} ago` is negative: a test's events happen before its as-of",
            d.span,
            help=f"write `{str(d)[1:]} ago`, or `at TIMESTAMP` for an event at a fixed time",
        )
    if d.seconds > m.MAX_DURATION_SECONDS:
        return dg.make(
            "LR0301",
            f"`{d} ago` is longer than {m.MAX_DURATION_DAYS}d (100 years), the longest duration",
            d.span,
            help="write `at TIMESTAMP` for an event at a fixed time",
        )
    return None


def test(cx: CheckContext, s: ast.TestBlock, groups, tiers) -> m.TestCase | None:
    """One test block: its statements checked one kind at a time, then its events at its as-of."""
    as_of = m.DEFAULT_TEST_AS_OF
    lead: dict[str, object] = {}
    events_src = []
    expects = []
    before = len(cx.diags)
    for stmt in s.body:
        if isinstance(stmt, ast.TestAsOf):
            as_of = _test_as_of(cx, stmt) or as_of
        elif isinstance(stmt, ast.TestLead):
            _test_lead(cx, stmt, lead)
        elif isinstance(stmt, ast.TestEvent):
            events_src.append(stmt)
        elif isinstance(stmt, ast.Expect):
            expectation = _expectation(cx, stmt, groups, tiers)
            if expectation is not None:
                expects.append(expectation)
    events = [e for e in (_test_event(cx, ev, as_of) for ev in events_src) if e is not None]
    ok = len(cx.diags) == before
    if not expects and ok:
        cx.diags.append(
            dg.make(
                "LR0702",
                f'test "{s.name}" expects nothing',
                s.span,
                help="add `expect score == N`, `expect tier == NAME`...",
            )
        )
        return None
    if not ok:
        return None
    return m.TestCase(s.name, as_of, tuple(lead.items()), tuple(events), tuple(expects), s.span)


def _test_as_of(cx: CheckContext, stmt: ast.TestAsOf) -> dt.datetime | None:
    """`as_of TIME`: the instant, or None (reported) when it is not a usable one."""
    t = parse_time(str(stmt.value.value))
    if t is None:
        _test_error(
            cx,
            f"`{stmt.value.value}` is not a valid timestamp",
            stmt.value.span,
            _TIME_HELP,
            code="LR0007",
        )
    elif t < m.EARLIEST_AS_OF:
        _test_error(
            cx,
            f"as_of {stmt.value.value} is before {m.EARLIEST_AS_OF.date()}, the earliest as-of",
            stmt.value.span,
            help="windows reach back up to 100 years from the as-of; write a date "
            f"from {m.EARLIEST_AS_OF.year} on",
        )
    else:
        return t
    return None


def _test_lead(cx: CheckContext, stmt: ast.TestLead, lead: dict[str, object]) -> None:
    """`lead a = V, ...`: each known attribute's value, typed, into `lead`."""
    for a in stmt.assigns:
        attr = next((x for x in cx.attrs if x.name == a.name.id), None)
        if attr is None:
            hint = cx.res.suggest(a.name.id, ("attribute",))
            _test_error(cx, f"unknown attribute `{a.name.id}`", a.name.span, hint, code="LR0106")
            continue
        lead[attr.name] = _typed(cx, a.value, attr.type, f"`{attr.name}`")


def _expectation(cx: CheckContext, stmt: ast.Expect, groups, tiers) -> m.Expectation | None:
    """`expect score|tier|GROUP OP V`, or None (reported)."""
    target = stmt.target.id
    gnames = [g.name for g in groups]
    if target not in ("score", "tier") and target not in gnames:
        hint = cx.res.suggest(target, ("group",), ("score", "tier"))
        _test_error(
            cx,
            f"unknown group `{target}` in `expect`",
            stmt.target.span,
            hint or "expect a group's name, `score` or `tier`",
            code="LR0105",
        )
        return None
    value = stmt.value
    if target == "tier":
        if stmt.op in ("is missing", "is present"):
            return m.Expectation("tier", stmt.op, None, stmt.span)
        if stmt.op not in ("==", "!=") or not isinstance(value, ast.Name):
            _test_error(cx, "expect a tier with `tier == NAME` or `tier is missing`", stmt.span)
            return None
        if value.id not in [t.name for t in tiers]:
            hint = cx.res.suggest(value.id, ("tier",))
            names = ", ".join(f"`{t.name}`" for t in tiers) or "none"
            _test_error(
                cx,
                f"unknown tier `{value.id}`",
                value.span,
                hint or f"tiers: {names}",
                code="LR0104",
            )
            return None
        return m.Expectation("tier", stmt.op, value.id, stmt.span)
    if not (isinstance(value, ast.Literal) and value.type == "number"):
        _test_error(
            cx,
            f"`{target}` is a score: expect it with a number",
            stmt.span,
            help=f"for example `expect {target} >= 60`",
        )
        return None
    return m.Expectation(target, stmt.op, value.value, stmt.span)


def _test_event(cx: CheckContext, ev: ast.TestEvent, as_of: dt.datetime) -> m.TestEvent | None:
    """`E(props) N times ago D` / `at T`: the event at its instant, or None (reported)."""
    et = cx.events.get(ev.event.id)
    if et is None:
        sym = cx.symbols.get(ev.event.id)
        hint = cx.res.suggest(ev.event.id, ("event",))
        if sym is not None and sym.kind == "signal":
            hint = "a test names the event type; give the properties the signal looks for"
        _test_error(cx, f"unknown event `{ev.event.id}`", ev.event.span, hint, code="LR0102")
        return None
    props = []
    for a in ev.props:
        p = et.prop(a.name.id)
        if p is None:
            _test_error(
                cx,
                f"event `{et.name}` has no property `{a.name.id}`",
                a.name.span,
                cx.res.suggest(a.name.id, (), tuple(q.name for q in et.props))
                or f"its properties: {', '.join(q.name for q in et.props) or 'none'}",
                code="LR0103",
            )
            continue
        props.append((p.name, _typed(cx, a.value, p.type, f"`{p.name}`")))
    if ev.times < 1:
        _test_error(
            cx,
            f"`{ev.times} times`: a test event happens at least once",
            ev.span,
            help="remove the line for no event, or write `1 times` or more",
        )
    elif ev.times > MAX_TEST_TIMES:
        _test_error(
            cx,
            f"`{ev.times} times` is more than {MAX_TEST_TIMES:,} events on one line",
            ev.span,
            help="a test runs every event it names; a rule capped at N needs only N + 1 "
            f"events: write at most `{MAX_TEST_TIMES} times`",
        )
    if ev.ago is not None:
        problem = _ago_problem(ev.ago)
        if problem is not None:
            cx.diags.append(problem)
            return None
    if ev.at is not None:
        at = parse_time(str(ev.at.value))
        if at is None:
            bad = f"`{ev.at.value}` is not a valid timestamp"
            _test_error(cx, bad, ev.at.span, _TIME_HELP, "LR0007")
            return None
    else:
        at = as_of - dt.timedelta(seconds=ev.ago.seconds if ev.ago else 0)
    return m.TestEvent(et.name, tuple(props), ev.times, at)
