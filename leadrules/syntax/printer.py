"""AST expressions and literals -> canonical text. Used by the formatter and for rule labels."""

from __future__ import annotations

from leadrules.syntax import ast

_UNESCAPE = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t"}


def string(value: str) -> str:
    return '"' + "".join(_UNESCAPE.get(ch, ch) for ch in value) + '"'


def number(value) -> str:
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    return str(value)


def points(lit: ast.Literal) -> str:
    v = lit.value
    return f"+{number(v)}" if v >= 0 else number(v)


def literal(lit: ast.Literal | ast.ListLit) -> str:
    if isinstance(lit, ast.ListLit):
        return "[" + ", ".join(literal(i) for i in lit.items) + "]"
    if lit.type == "text":
        return string(lit.value)
    if lit.type == "bool":
        return "true" if lit.value else "false"
    if lit.type == "number":
        return number(lit.value)
    return str(lit.value)


# binding strength: or < and < not < comparisons/atoms
_PREC = {ast.Or: 1, ast.And: 2, ast.Not: 3}


def expr(e, parent: int = 0) -> str:
    """Canonical text of an expression; parentheses as the user wrote them are kept (`Paren`)."""
    if isinstance(e, ast.Paren):
        return "(" + expr(e.inner) + ")"
    if isinstance(e, ast.Or):
        return " or ".join(expr(i, 1) for i in e.items)
    if isinstance(e, ast.And):
        return " and ".join(expr(i, 2) for i in e.items)
    if isinstance(e, ast.Not):
        return "not " + expr(e.operand, 3)
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
    if isinstance(e, ast.Compare):
        return f"{expr(e.left)} {e.op} {expr(e.right)}"
    if isinstance(e, ast.In):
        return f"{expr(e.left)} {'not in' if e.negated else 'in'} {expr(e.target)}"
    if isinstance(e, ast.TextOp):
        return f"{expr(e.left)} {e.op} {expr(e.right)}"
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
