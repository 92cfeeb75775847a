"""Hover: what a name means (an attribute's type and column, a signal's definition, a group's
rules, a tier's range), a rule's points and group, and the explanation of a diagnostic's code."""

from __future__ import annotations

from leadrules import doclinks
from leadrules.check.analysis import group_bounds
from leadrules.diagnostics import CODES
from leadrules.lsp.index import Decl
from leadrules.lsp.state import Analysis
from leadrules.syntax import ast, printer


def hover(a: Analysis, line: int, col: int) -> str | None:
    parts: list[str] = []
    occ = a.index.at(a.path, line, col)
    decl = a.index.decl(occ.key) if occ else None
    if decl is not None:
        parts.append(describe(decl, a))
    else:
        stmt, block = a.index.statement_at(a.path, line, col)
        if isinstance(stmt, (ast.Rule, ast.EachRule)):
            parts.append(rule_text(stmt, block))
        elif isinstance(stmt, (ast.Group, ast.Tier)):
            parts.append(describe(a.index.decl(("sym", stmt.name.id)), a))
    for d in a.result.diagnostics:
        s = d.span
        if s.path == a.path and (s.line, s.col) <= (line, col) <= (s.end_line, s.end_col):
            parts.append(code_text(d.code))
    parts = [p for p in parts if p]
    return "\n\n---\n\n".join(dict.fromkeys(parts)) if parts else None


def _code(text: str) -> str:
    return f"```lrules\n{text}\n```"


def _where(decl: Decl) -> str:
    s = decl.span
    return f"declared at `{s.path}:{s.line}`"


def describe(decl: Decl | None, a: Analysis) -> str:
    if decl is None:
        return ""
    node = decl.node
    if decl.kind == "attribute":
        column = node.column if node.column is not None else node.name.id
        return (
            f"{_code(printer.statement(node))}\nlead attribute `{decl.name}`: **{node.type}**, "
            f"read from the column `{column}`; {_where(decl)}"
        )
    if decl.kind == "event":
        source = node.source if node.source is not None else node.name.id
        props = ", ".join(f"`{p.name.id}` ({p.type})" for p in node.props) or "none"
        return (
            f"{_code(printer.statement(node))}\nevent `{decl.name}`, named `{source}` in the data; "
            f"properties: {props}; {_where(decl)}"
        )
    if decl.kind == "signal":
        return (
            f"{_code(printer.statement(node))}\nsignal: the `{node.event.id}` events where "
            f"`{printer.expr(node.cond)}`; {_where(decl)}"
        )
    if decl.kind == "const":
        return f"{_code(printer.statement(node))}\nconst; {_where(decl)}"
    if decl.kind == "property":
        return f"property `{decl.name}` of the event `{decl.event}`: **{node.type}**"
    if decl.kind == "group":
        return _group(decl, a)
    if decl.kind == "tier":
        return _tier(decl, a)
    return ""


def _group(decl: Decl, a: Analysis) -> str:
    node: ast.Group = decl.node
    n = len(node.rules)
    text = f"{_code(printer.header(node))}\ngroup `{decl.name}`: {n} rule{'s' * (n != 1)}"
    if node.cap is not None:
        text += f", capped at {printer.literal(node.cap)}"
    group = a.model.group(decl.name) if a.model is not None else None
    if group is not None:
        lo, hi = group_bounds(group)
        text += f"; scores from {_num(lo)} to {_num(hi)}"
    return text + f"; {_where(decl)}"


def _tier(decl: Decl, a: Analysis) -> str:
    node: ast.Tier = decl.node
    text = _code(printer.statement(node)) + f"\ntier `{decl.name}`: "
    tier = next((t for t in a.model.tiers if t.name == decl.name), None) if a.model else None
    if node.cond is not None:
        text += f"leads for which `{printer.expr(node.cond)}` is true"
    elif tier is not None:
        if tier.lo is not None and tier.hi is not None:
            text += f"scores {_num(tier.lo)} to {_num(tier.hi)}, inclusive"
        elif tier.lo is not None:
            text += f"scores {_num(tier.lo)} and above"
        elif tier.hi is not None:
            text += f"scores up to {_num(tier.hi)}"
        else:
            text += "every score"
    else:
        text += f"scores `{printer.statement(node).split(' ', 2)[2]}`"
    return text + "; tiers are tried in the order written, the first that matches wins"


def _num(v) -> str:
    if v == float("inf"):
        return "+inf"
    if v == float("-inf"):
        return "-inf"
    return str(int(v)) if float(v).is_integer() else str(v)


def rule_text(rule, block) -> str:
    group = block.name.id if isinstance(block, ast.Group) else "default"
    points = printer.points(rule.points)
    if isinstance(rule, ast.EachRule):
        cap = f", at most {printer.literal(rule.cap)} in all" if rule.cap is not None else ""
        what = f"**{points}** for every event{cap}"
    else:
        what = f"**{points}** points once when the condition is true"
    return f"{_code(printer.rule(rule))}\nrule in the group `{group}`: {what}"


def code_text(code: str) -> str:
    severity, title = CODES.get(code, ("error", ""))
    what, fix = doclinks.explanation(code)
    text = f"**{code}** ({severity}): {title}"
    if what:
        text += f"\n\n{what}"
    if fix:
        text += f"\n\nHow to fix: {fix}"
    return text + f"\n\n[{code} in the diagnostics reference]({doclinks.code_url(code)})"
