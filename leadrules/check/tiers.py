"""`clamp` and tiers -> Model: bounds checked, range tiers turned into whole-score bounds."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from leadrules import diagnostics as dg
from leadrules import model as m
from leadrules.check.exprs import Bad, Ctx
from leadrules.check.words import kind_with_article
from leadrules.syntax import ast, printer

if TYPE_CHECKING:
    from leadrules.check.context import CheckContext


def clamp(cx: CheckContext) -> tuple[int, int] | None:
    """The model's `clamp A..B`, checked: given once, whole numbers, not empty."""
    clamps = [s for s in cx.statements() if isinstance(s, ast.Clamp)]
    for extra in clamps[1:]:
        cx.diags.append(
            dg.make(
                "LR0110",
                "`clamp` is given twice",
                extra.span,
                related=((clamps[0].span, "first given here"),),
                help="the total score has one clamp; remove one",
            )
        )
    if not clamps:
        return None
    c = clamps[0]
    lo, hi = c.lo.value, c.hi.value
    if not isinstance(lo, int) or not isinstance(hi, int):
        cx.diags.append(
            dg.make(
                "LR0304",
                "clamp bounds are whole numbers",
                c.span,
                help="scores are integers: `clamp 0..100`",
            )
        )
        return None
    if lo > hi:
        cx.diags.append(
            dg.make(
                "LR0303",
                f"clamp {lo}..{hi} is empty",
                c.span,
                help=f"write the smaller bound first: clamp {hi}..{lo}",
            )
        )
        return None
    return (lo, hi)


def tiers(cx: CheckContext) -> tuple[m.Tier, ...]:
    """The tiers in order: range tiers as whole-score bounds, `when` tiers as conditions."""
    out = []
    for s in cx.statements():
        if not isinstance(s, ast.Tier):
            continue
        if cx.symbols.get(s.name.id) is None or cx.symbols[s.name.id].node is not s:
            continue
        if s.cond is not None:
            try:
                cond = cx.res.cond(s.cond, Ctx("tier"))
            except Bad:
                continue
            out.append(m.Tier(s.name.id, "when", cond=cond, text=printer.expr(s.cond), loc=s.span))
            continue
        try:
            if s.range is not None:
                lo_v, hi_v = _bound(cx, s.range.lo), _bound(cx, s.range.hi)
            else:
                assert s.bound is not None and s.op is not None  # a range, a bound or a `when`
                op, given = s.op, s.bound
                bound = _bound(cx, s.bound)
        except Bad:
            continue
        if s.range is not None:
            if lo_v > hi_v:
                cx.diags.append(
                    dg.make(
                        "LR0303",
                        f"the range {lo_v}..{hi_v} is empty",
                        s.range.span,
                        help=f"write the smaller bound first: {hi_v}..{lo_v}",
                    )
                )
                continue
            lo: int | None = math.ceil(lo_v)
            hi: int | None = math.floor(hi_v)
            text = f"{printer.literal(s.range.lo)}..{printer.literal(s.range.hi)}"
        else:
            lo, hi = {
                "<": (None, math.ceil(bound) - 1),
                "<=": (None, math.floor(bound)),
                ">": (math.floor(bound) + 1, None),
                ">=": (math.ceil(bound), None),
                "==": (math.ceil(bound), math.floor(bound)),
            }.get(op, (None, None))
            if op == "!=":
                cx.diags.append(
                    dg.make(
                        "LR0001",
                        "a tier takes `<`, `<=`, `>`, `>=`, `==` or a range `A..B`",
                        s.span,
                        help="for scores other than N, write two tiers or a `when` tier",
                    )
                )
                continue
            text = f"{op} {printer.literal(given)}"
        out.append(m.Tier(s.name.id, "range", lo=lo, hi=hi, text=text, loc=s.span))
    return tuple(out)


def _bound(cx: CheckContext, x: ast.Literal | ast.Name) -> int | float:
    """A tier's bound: a number, or a value const holding one (raises `Bad` otherwise)."""
    if isinstance(x, ast.Literal):
        return x.value
    sym = cx.symbols.get(x.id)
    if sym is None:
        cx.res.unknown("LR0101", "const", x, ("const",), help_=f"declare it: `const {x.id} = 80`")
    if sym.kind != "const":
        cx.res.error(
            "LR0201",
            f"a tier's bound is a number or a const, and `{x.id}` is {kind_with_article(sym.kind)}",
            x.span,
            help="for tiers on group scores or attributes, write `tier NAME when COND`",
        )
    value, typ = cx.res.scalar_const(x)
    if typ != "number":
        cx.res.error(
            "LR0201",
            f"a tier's bound is a number, and the const `{x.id}` is {typ}",
            x.span,
            help=f"give `{x.id}` a number: `const {x.id} = 80`",
        )
    return value.value
