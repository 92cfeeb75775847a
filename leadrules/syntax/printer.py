"""AST -> canonical text, one construct at a time. Used by the formatter and for rule labels.

Every function returns text that parses back to an equal AST: tokens come out in the order
they were written, with single spaces around operators, and the parentheses the user wrote
(`Paren`) are kept. Layout (lines, indentation, comments, blank lines) is the formatter's job
(`leadrules.syntax.formatter`); this module prints one line at a time.
"""

from __future__ import annotations

from leadrules.syntax import ast

_ESCAPE = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t"}


def string(value: str) -> str:
    """A string literal: `"` and `\\` escaped, newlines and tabs as `\\n` and `\\t`."""
    return '"' + "".join(_ESCAPE.get(ch, ch) for ch in value) + '"'


def number(value) -> str:
    """A number as the grammar reads it back: `12`, `-3`, `4.5`; a float keeps its point (`4.0`)."""
    if isinstance(value, float):
        text = repr(value)
        if "e" in text or "E" in text:  # 1e-05 is not leadrules syntax: write every digit
            from decimal import Decimal  # rare: not paid by every `check`

            text = format(Decimal(text), "f")
        return text if "." in text else text + ".0"
    return str(value)


def points(lit: ast.Literal) -> str:
    """Points with their sign: `+15`, `-10` (and `+1.5`, which the checker rejects: points are
    whole numbers, and formatting keeps the error where it is)."""
    text = number(lit.value)
    return text if text.startswith("-") else "+" + text


def literal(lit: ast.Literal | ast.ListLit | ast.Name) -> str:
    if isinstance(lit, ast.Name):  # a const standing for a literal (a tier's bound)
        return lit.id
    if isinstance(lit, ast.ListLit):
        return "[" + ", ".join(literal(i) for i in lit.items) + "]"
    if lit.type == "text":
        return string(lit.value)
    if lit.type == "bool":
        return "true" if lit.value else "false"
    if lit.type == "number":
        return number(lit.value)
    return str(lit.value)


def expr(e) -> str:
    """Canonical text of an expression; parentheses as the user wrote them are kept (`Paren`).

    The parser records every parenthesis, so nesting without a `Paren` is exactly what the
    precedence rules (`or` < `and` < `not` < comparisons) give: nothing needs adding.
    """
    if isinstance(e, ast.Paren):
        return "(" + expr(e.inner) + ")"
    if isinstance(e, ast.Or):
        return " or ".join(expr(i) for i in e.items)
    if isinstance(e, ast.And):
        return " and ".join(expr(i) for i in e.items)
    if isinstance(e, ast.Not):
        return "not " + expr(e.operand)
    if isinstance(e, ast.Name):
        return e.id
    if isinstance(e, (ast.Literal, ast.ListLit)):
        return literal(e)
    if isinstance(e, ast.Range):
        return f"{literal(e.lo)}..{literal(e.hi)}"
    if isinstance(e, ast.Call):
        return f"{e.func}({expr(e.arg)})"
    if isinstance(e, ast.Where):
        return f"{e.source.id} where {expr(e.cond)}"
    if isinstance(e, (ast.Compare, ast.TextOp)):
        return f"{expr(e.left)} {e.op} {expr(e.right)}"
    if isinstance(e, ast.In):
        return f"{expr(e.left)} {'not in' if e.negated else 'in'} {expr(e.target)}"
    if isinstance(e, ast.IsMissing):
        return f"{expr(e.operand)} is {'present' if e.present else 'missing'}"
    if isinstance(e, ast.Count):
        text = f"{expr(e.source)} {e.op} {expr(e.n)} times"
        return text + (f" within {e.window}" if e.window else "")
    if isinstance(e, ast.Within):
        return f"{expr(e.source)} within {e.window}"
    if isinstance(e, ast.NoWithin):
        return f"no {expr(e.source)} within {e.window}"
    if isinstance(e, ast.NoActivity):
        return f"no_activity {e.window}"
    raise TypeError(f"not an expression: {e!r}")


def rule_head(r: ast.Rule | ast.EachRule) -> str:
    """The part of a rule before the `:`."""
    if isinstance(r, ast.EachRule):
        return f"each {expr(r.source)}" + (f" within {r.window}" if r.window else "")
    return expr(r.cond)


def rule(r: ast.Rule | ast.EachRule) -> str:
    text = f"{rule_head(r)}: {points(r.points)}"
    if isinstance(r, ast.EachRule) and r.cap is not None:
        text += f" cap {literal(r.cap)}"
    return text


# ---- statements ----------------------------------------------------------------


def _from(source: str | None) -> str:
    return f" from {string(source)}" if source is not None else ""


def _assigns(assigns: tuple[ast.Assign, ...]) -> str:
    return ", ".join(f"{a.name.id} = {literal(a.value)}" for a in assigns)


def statement(s) -> str:
    """One line statement (not a block): a declaration, a rule, `clamp` or `tier`."""
    if isinstance(s, (ast.Rule, ast.EachRule)):
        return rule(s)
    if isinstance(s, ast.ModelDecl):
        return f"model {string(s.name)}"
    if isinstance(s, ast.Import):
        return f"import {string(s.path)}"
    if isinstance(s, ast.LeadDecl):
        crm = f" crm {string(s.crm)}" if s.crm is not None else ""
        return f"lead {s.name.id}: {s.type}{_from(s.column)}{crm}"
    if isinstance(s, ast.EventDecl):
        props = ", ".join(f"{p.name.id}: {p.type}{_from(p.column)}" for p in s.props)
        return f"event {s.name.id}" + (f"({props})" if props else "") + _from(s.source)
    if isinstance(s, ast.SignalDecl):
        return f"signal {s.name.id} = {s.event.id} where {expr(s.cond)}"
    if isinstance(s, ast.ConstDecl):
        return f"const {s.name.id} = {literal(s.value)}"
    if isinstance(s, ast.Clamp):
        return f"clamp {literal(s.lo)}..{literal(s.hi)}"
    if isinstance(s, ast.Tier):
        return f"tier {s.name.id} {_tier_body(s)}"
    raise TypeError(f"not a one-line statement: {s!r}")


def _tier_body(t: ast.Tier) -> str:
    if t.cond is not None:
        return f"when {expr(t.cond)}"
    if t.range is not None:
        return expr(t.range)
    return f"{t.op} {literal(t.bound)}"


def header(block: ast.Group | ast.OnBlock | ast.TestBlock) -> str:
    """The first line of a block, with its `:`."""
    if isinstance(block, ast.Group):
        cap = f" cap {literal(block.cap)}" if block.cap is not None else ""
        return f"{block.name.id}{cap}:"
    if isinstance(block, ast.OnBlock):
        return f"on {block.kind} {block.tier.id}:"
    if isinstance(block, ast.TestBlock):
        return f"test {string(block.name)}:"
    raise TypeError(f"not a block: {block!r}")


def body(block: ast.Group | ast.OnBlock | ast.TestBlock) -> tuple:
    """The lines of a block: rules, actions or test statements."""
    if isinstance(block, ast.Group):
        return block.rules
    if isinstance(block, ast.OnBlock):
        return block.actions
    return block.body


def action(a: ast.Action) -> str:
    """One line of an `on` block."""
    if a.kind == "notify":
        who, message = a.args
        if who is None:
            return f"notify {string(message)}"
        target = who.id if isinstance(who, ast.Name) else literal(who)
        return f"notify {target} {string(message)}"
    if a.kind == "set":
        name, value = a.args
        return f"set {name.id} = {literal(value)}"
    if a.kind == "delay":
        return f"delay {a.args[0]}"
    return f"{a.kind} {string(a.args[0])}"


def test_stmt(t) -> str:
    """One line of a `test` block."""
    if isinstance(t, ast.TestAsOf):
        return f"as_of {literal(t.value)}"
    if isinstance(t, ast.TestLead):
        return f"lead {_assigns(t.assigns)}"
    if isinstance(t, ast.TestEvent):
        text = f"event {t.event.id}"
        if t.props:
            text += " " + _assigns(t.props)
        if t.times != 1:
            text += f" {t.times} times"
        if t.ago is not None:
            text += f" {t.ago} ago"
        if t.at is not None:
            text += f" at {literal(t.at)}"
        return text
    if isinstance(t, ast.Expect):
        if t.value is None:
            return f"expect {t.target.id} {t.op}"
        value = t.value.id if isinstance(t.value, ast.Name) else literal(t.value)
        return f"expect {t.target.id} {t.op} {value}"
    raise TypeError(f"not a test statement: {t!r}")


def line(node) -> str:
    """Any one-line node: a statement, a rule, an action or a test statement."""
    if isinstance(node, ast.Action):
        return action(node)
    if isinstance(node, (ast.TestAsOf, ast.TestLead, ast.TestEvent, ast.Expect)):
        return test_stmt(node)
    return statement(node)
