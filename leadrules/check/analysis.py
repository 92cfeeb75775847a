"""Warnings about a well-typed Model: tiers, rules that never fire, unused declarations."""

from __future__ import annotations

import math

from leadrules import diagnostics as dg
from leadrules import model as m
from leadrules.check.words import KIND_WORDS
from leadrules.source import Span

INF = math.inf


def _span(loc: Span | None, path: str) -> Span:
    """A warning about a Model element points at the first character of its source."""
    if loc is None:
        return Span.point(path, 1, 1)
    return Span.point(loc.path, loc.line, loc.col)


# ---- score bounds ---------------------------------------------------------------


def group_bounds(g: m.Group) -> tuple[float, float]:
    """The lowest and highest total the group can reach (an over-approximation)."""
    lo = hi = 0.0
    for r in g.rules:
        if r.kind == "each":
            most = r.cap if r.cap is not None else INF
            if r.points > 0:
                hi += most
            elif r.points < 0:
                lo -= most
        elif r.points > 0:
            hi += r.points
        else:
            lo += r.points
    if g.cap is not None:
        hi = min(hi, g.cap)
        lo = min(lo, g.cap)
    return lo, hi


def score_bounds(model: m.Model) -> tuple[float, float]:
    lo = sum(group_bounds(g)[0] for g in model.groups)
    hi = sum(group_bounds(g)[1] for g in model.groups)
    if model.clamp is not None:
        lo = min(max(lo, model.clamp[0]), model.clamp[1])
        hi = max(min(hi, model.clamp[1]), model.clamp[0])
    return lo, hi


# ---- 64-bit sums ------------------------------------------------------------------

INT64_MAX = 2**63 - 1
# What the 64-bit check assumes of an uncapped `each` rule: at most this many events per lead.
MAX_EVENTS_PER_LEAD = 2**31 - 1


def _rule_reach(r: m.Rule) -> int:
    """The largest magnitude a rule can contribute."""
    if r.kind != "each":
        return abs(r.points)
    return r.cap if r.cap is not None else abs(r.points) * MAX_EVENTS_PER_LEAD


def range_diagnostics(model: m.Model) -> list[dg.Diagnostic]:
    """LR0306 when a rule, a group's sum (before its cap) or the total (before `clamp`) can
    leave signed 64 bits, the integers every SQL engine sums in: the number would differ."""
    out = []
    limit = f"{INT64_MAX:,}"
    total_up = total_down = 0
    for g in model.groups:
        up = down = 0  # the sum (and every partial sum) lies within [-down, up]
        for r in g.rules:
            reach = _rule_reach(r)
            if r.points > 0:
                up += reach
            else:
                down += reach
            if reach > INT64_MAX:
                out.append(
                    dg.make(
                        "LR0306",
                        f"rule `{r.text}` can reach {reach:,} points, beyond ±{limit} (64 bits)",
                        _span(r.loc, model.path),
                        help=f"give it a `cap` (an uncapped `each` is counted with up to "
                        f"{MAX_EVENTS_PER_LEAD:,} events a lead), or fewer points",
                    )
                )
                return out
        group_sum = max(up, down)
        if group_sum > INT64_MAX:
            out.append(
                dg.make(
                    "LR0306",
                    f"group `{g.name}` can sum to {group_sum:,} points before its cap, beyond "
                    f"±{limit} (64 bits)",
                    _span(g.loc, model.path),
                    help="cap its `each` rules, or give its rules fewer points",
                )
            )
            return out
        if g.cap is not None:  # a cap bounds the sum from above only
            up = min(up, g.cap)
        total_up += up
        total_down += down
    total = max(total_up, total_down)
    if total > INT64_MAX:
        out.append(
            dg.make(
                "LR0306",
                f"the total score can reach {total:,} before `clamp`, beyond ±{limit} (64 bits)",
                _span(model.groups[0].loc, model.path),
                help="cap the groups' `each` rules, or give the rules fewer points",
            )
        )
    return out


def _fmt(v: float) -> str:
    return "-inf" if v == -INF else "+inf" if v == INF else str(int(v))


def _interval(lo, hi) -> str:
    if lo == hi:
        return f"the score {_fmt(lo)}"
    if lo == -INF:
        return f"scores below {_fmt(hi + 1)}"
    if hi == INF:
        return f"scores from {_fmt(lo)} up"
    return f"scores {_fmt(lo)}..{_fmt(hi)}"


def _subtract(intervals, lo, hi):
    """Remove [lo, hi] from a list of disjoint integer intervals."""
    out = []
    for a, b in intervals:
        if hi < a or lo > b:
            out.append((a, b))
            continue
        if a < lo:
            out.append((a, lo - 1))
        if b > hi:
            out.append((hi + 1, b))
    return out


def tier_diagnostics(model: m.Model) -> list[dg.Diagnostic]:
    out: list[dg.Diagnostic] = []
    lo, hi = score_bounds(model)
    remaining = [(lo, hi)]  # reachable scores no earlier range tier takes
    earlier: list[m.Tier] = []
    has_when = False
    for t in model.tiers:
        if t.kind == "when":
            has_when = True
            continue
        tlo = -INF if t.lo is None else t.lo
        thi = INF if t.hi is None else t.hi
        span = _span(t.loc, model.path)
        if tlo > thi:
            out.append(
                dg.make(
                    "LR0501",
                    f"tier `{t.name}` ({t.text}) holds no whole score",
                    span,
                    help="scores are whole numbers",
                )
            )
            continue
        if thi < lo or tlo > hi:
            out.append(
                dg.make(
                    "LR0501",
                    f"tier `{t.name}` can never match: scores range {_fmt(lo)}..{_fmt(hi)}",
                    span,
                    help="the bounds come from the rules' points, caps and clamp",
                )
            )
        else:
            left = _subtract(remaining, tlo, thi)
            taken = _covered(remaining, tlo, thi)
            if not taken:  # `when` tiers only take more scores away
                out.append(
                    dg.make(
                        "LR0501",
                        f"tier `{t.name}` can never match: earlier tiers take all its scores",
                        span,
                        related=tuple(
                            (_span(e.loc, model.path), f"tier `{e.name}`")
                            for e in earlier
                            if _overlap(e, tlo, thi)
                        ),
                        help="tiers are tried in order; the first that matches wins",
                    )
                )
            else:
                for e in earlier:
                    if _overlap(e, tlo, thi):
                        olo = max(tlo, -INF if e.lo is None else e.lo)
                        ohi = min(thi, INF if e.hi is None else e.hi)
                        out.append(
                            dg.make(
                                "LR0502",
                                f"tiers `{e.name}` and `{t.name}` share {_interval(olo, ohi)}",
                                span,
                                related=((_span(e.loc, model.path), f"tier `{e.name}`"),),
                                help=f"those scores go to `{e.name}`, the first written; "
                                "make the ranges meet without overlapping",
                            )
                        )
                        break
            remaining = left
        earlier.append(t)
    if model.tiers and not has_when:
        for a, b in remaining:
            first = next(t for t in model.tiers)
            out.append(
                dg.make(
                    "LR0503",
                    f"{_interval(a, b)} fall in no tier",
                    _span(first.loc, model.path),
                    help="add a tier for them, or widen a neighbouring tier; a lead with no tier "
                    "has an empty tier",
                )
            )
    return out


def _overlap(t: m.Tier, lo, hi) -> bool:
    tlo = -INF if t.lo is None else t.lo
    thi = INF if t.hi is None else t.hi
    return max(tlo, lo) <= min(thi, hi)


def _covered(intervals, lo, hi) -> bool:
    return any(max(a, lo) <= min(b, hi) for a, b in intervals)


# ---- rules that never fire -----------------------------------------------------------


def _conjuncts(e):
    if isinstance(e, m.And):
        for i in e.items:
            yield from _conjuncts(i)
    else:
        yield e


def _num_constraint(e):
    """(attribute name, lo, hi, lo_open, hi_open) for `attr OP number` and `attr in A..B`."""
    if isinstance(e, m.InRange) and isinstance(e.operand, m.Attr):
        return e.operand.name, e.lo, e.hi, False, False
    if (
        isinstance(e, m.Cmp)
        and isinstance(e.left, m.Attr)
        and isinstance(e.right, m.Const)
        and e.right.type == "number"
    ):
        v = e.right.value
        return {
            "==": (e.left.name, v, v, False, False),
            "<": (e.left.name, -INF, v, False, True),
            "<=": (e.left.name, -INF, v, False, False),
            ">": (e.left.name, v, INF, True, False),
            ">=": (e.left.name, v, INF, False, False),
        }.get(e.op)
    return None


def never_fires(cond) -> str | None:
    """A reason when a conjunction of conditions can never be true, else None."""
    bounds: dict[str, list] = {}
    equal: dict[str, set] = {}
    missing: dict[str, set] = {}
    for c in _conjuncts(cond):
        nc = _num_constraint(c)
        if nc is not None:
            name, lo, hi, lo_open, hi_open = nc
            b = bounds.setdefault(name, [-INF, INF, False, False])
            if lo > b[0] or (lo == b[0] and lo_open):
                b[0], b[2] = lo, lo_open
            if hi < b[1] or (hi == b[1] and hi_open):
                b[1], b[3] = hi, hi_open
            if b[0] > b[1] or (b[0] == b[1] and (b[2] or b[3])):
                return f"`{name}` cannot satisfy all these bounds at once"
        if (
            isinstance(c, m.Cmp)
            and c.op == "=="
            and isinstance(c.left, m.Attr)
            and isinstance(c.right, m.Const)
        ):
            vals = equal.setdefault(c.left.name, set())
            vals.add(c.right.value)
            if len(vals) > 1:
                return f"`{c.left.name}` cannot equal two different values"
        if isinstance(c, m.IsMissing) and isinstance(c.operand, m.Attr):
            missing.setdefault(c.operand.name, set()).add(c.present)
            if len(missing[c.operand.name]) > 1:
                return f"`{c.operand.name}` cannot be missing and present at once"
    for name, states in missing.items():
        if False in states and (name in bounds or name in equal):
            return f"`{name}` is missing, so the comparison on it is never true"
    return None


def rule_diagnostics(model: m.Model) -> list[dg.Diagnostic]:
    out = []
    for r in model.rules:
        span = _span(r.loc, model.path)
        if r.points == 0:
            out.append(
                dg.make(
                    "LR0603",
                    f"rule `{r.text}` gives no points",
                    span,
                    help="remove it, or give it points",
                )
            )
        if r.kind == "when":
            why = never_fires(r.cond)
            if why:
                out.append(
                    dg.make(
                        "LR0601",
                        f"rule `{r.text}` can never fire: {why}",
                        span,
                        help="check the bounds; did you mean `or`?",
                    )
                )
    return out


def unused_diagnostics(symbols, used: set[str], model: m.Model) -> list:
    """Attributes, events, signals and consts that no rule, signal in use or tier refers to."""
    out = []
    any_activity = any(
        isinstance(c, m.EventCount) and c.events is None
        for r in model.rules
        if r.cond is not None
        for c in m.walk(r.cond, filters=True)
    )
    for sym in symbols.values():
        if sym.kind not in ("attribute", "event", "signal", "const"):
            continue
        if sym.name in used or (sym.kind == "event" and any_activity):
            continue
        out.append(
            dg.make(
                "LR0602",
                f"{_kind_word(sym.kind)} `{sym.name}` is never used",
                sym.span,
                help="remove it, or use it in a rule",
            )
        )
    return out


def _kind_word(kind: str) -> str:
    return KIND_WORDS.get(kind, kind)
