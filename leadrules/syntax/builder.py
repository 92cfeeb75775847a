"""Lark parse tree -> AST (`leadrules.syntax.ast`), with a span on every node.

A literal the grammar accepts but the language does not (an unknown string escape) raises
`BadSyntax` carrying its diagnostic; the parser reports it like any syntax error.
"""

from __future__ import annotations

from lark import Token, Transformer, v_args

from leadrules import diagnostics as dg
from leadrules.syntax import ast
from leadrules.syntax.ast import Span


def _tok_span(path: str, tok: Token) -> Span:
    return Span(path, tok.line, tok.column, tok.end_line, tok.end_column)


_ESCAPE_HELP = 'strings know `\\"`, `\\\\`, `\\n` and `\\t`; write `\\\\` for a backslash'
MAX_DIGITS = 15  # every engine holds 15 significant digits exactly (IEEE doubles)
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}


class BadSyntax(Exception):
    """Raised while building the AST; carries the diagnostic to report."""

    def __init__(self, code: str, message: str, span: Span, help: str = ""):
        super().__init__(message)
        self.diag = dg.make(code, message, span, help=help)


def unescape(raw: str, span: Span) -> str:
    body = raw[1:-1]
    out = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            nxt = body[i + 1] if i + 1 < len(body) else ""
            if nxt not in _ESCAPES:
                raise BadSyntax(
                    "LR0007",
                    f"unknown escape `\\{nxt}` in a string",
                    span,
                    help=_ESCAPE_HELP,
                )
            out.append(_ESCAPES[nxt])
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


@v_args(meta=True, inline=True)
class Builder(Transformer):
    def __init__(self, path: str):
        super().__init__()
        self.path = path
        # `v_args` wraps a method anew on every attribute access (functools.update_wrapper
        # each time, a third of the build time): bind each callback once per builder.
        for name in _CALLBACKS:
            setattr(self, name, getattr(self, name))

    def _span(self, meta) -> Span:
        return Span(self.path, meta.line, meta.column, meta.end_line, meta.end_column)

    def _ts(self, tok: Token) -> Span:
        return _tok_span(self.path, tok)

    def _name(self, tok: Token) -> ast.Name:
        return ast.Name(str(tok), self._ts(tok))

    def _string(self, tok: Token) -> str:
        return unescape(str(tok), self._ts(tok))

    def _duration(self, tok: Token) -> ast.Duration:
        return ast.Duration(int(tok[:-1]), tok[-1], self._ts(tok))

    # -- top level
    def start(self, meta, *stmts):
        return [s for s in stmts if s is not None]

    def model_decl(self, meta, s):
        return ast.ModelDecl(self._string(s), self._span(meta))

    def import_decl(self, meta, s):
        return ast.Import(self._string(s), self._span(meta))

    def from_clause(self, meta, s):
        return self._string(s)

    def lead_decl(self, meta, name, type_, column):
        return ast.LeadDecl(self._name(name), str(type_), column, self._span(meta))

    def prop(self, meta, name, type_):
        return ast.Prop(self._name(name), str(type_), self._span(meta))

    def prop_list(self, meta, *props):
        return tuple(p for p in props if p is not None)

    def event_decl(self, meta, name, props, source):
        return ast.EventDecl(
            self._name(name),
            props or (),
            source,
            has_parens=props is not None,
            span=self._span(meta),
        )

    def signal_decl(self, meta, name, event, cond):
        return ast.SignalDecl(self._name(name), self._name(event), cond, self._span(meta))

    def const_decl(self, meta, name, value):
        return ast.ConstDecl(self._name(name), value, self._span(meta))

    def clamp_decl(self, meta, lo, hi):
        return ast.Clamp(lo, hi, self._span(meta))

    def tier_cmp(self, meta, name, op, bound):
        return ast.Tier(self._name(name), op=str(op), bound=bound, span=self._span(meta))

    def tier_range(self, meta, name, lo, hi):
        rng = ast.Range(lo, hi, lo.span.to(hi.span))
        return ast.Tier(self._name(name), range=rng, span=self._span(meta))

    def tier_when(self, meta, name, cond):
        return ast.Tier(self._name(name), cond=cond, span=self._span(meta))

    # -- groups and rules
    def group(self, meta, header, *rules):
        if not isinstance(header, ast.Name):
            raise BadSyntax(
                "LR0001",
                "a group header is a name followed by `:`",
                header.span,
                help="write the rule on one line as `CONDITION: POINTS`, "
                "or name the group (`fit:`)",
            )
        return ast.Group(header, None, tuple(rules), self._span(meta))

    def capped_group(self, meta, name, cap, *rules):
        return ast.Group(self._name(name), cap, tuple(rules), self._span(meta))

    def rule(self, meta, cond, points):
        return ast.Rule(cond, points, self._span(meta))

    def each_rule(self, meta, source, window, points, cap):
        return ast.EachRule(source, window, points, cap, self._span(meta))

    def cap(self, meta, n):
        return n

    def window(self, meta, d):
        return self._duration(d)

    def points(self, meta, tok):
        return self._number(tok)

    # -- conditions
    def or_cond(self, meta, *items):
        return ast.Or(tuple(items), self._span(meta))

    def and_cond(self, meta, *items):
        return ast.And(tuple(items), self._span(meta))

    def not_(self, meta, operand):
        return ast.Not(operand, self._span(meta))

    def paren(self, meta, inner):
        return ast.Paren(inner, self._span(meta))

    def compare(self, meta, left, op, right, suffix=None):
        if suffix is not None:
            return ast.Count(left, str(op), right, suffix[0], self._span(meta))
        return ast.Compare(str(op), left, right, self._span(meta))

    def count_suffix(self, meta, window):
        return (window,)

    def in_(self, meta, left, target):
        return ast.In(left, target, False, self._span(meta))

    def not_in(self, meta, left, target):
        return ast.In(left, target, True, self._span(meta))

    def text_op(self, meta, left, op, right):
        return ast.TextOp(str(op), left, right, self._span(meta))

    def is_missing(self, meta, operand, word):
        return ast.IsMissing(operand, str(word) == "present", self._span(meta))

    def within(self, meta, source, window):
        return ast.Within(source, window, self._span(meta))

    def no_within(self, meta, source, window):
        return ast.NoWithin(source, window, self._span(meta))

    def no_activity(self, meta, d):
        return ast.NoActivity(self._duration(d), self._span(meta))

    def range(self, meta, lo, hi):
        return ast.Range(lo, hi, self._span(meta))

    def name(self, meta, tok):
        return self._name(tok)

    def call(self, meta, func, arg):
        return ast.Call(str(func), arg, self._span(meta))

    def where(self, meta, source, cond):
        return ast.Where(self._name(source), cond, self._span(meta))

    # -- literals
    def _number(self, tok: Token) -> ast.Literal:
        text = str(tok)
        if sum(ch.isdigit() for ch in text) > MAX_DIGITS:
            raise BadSyntax(
                "LR0007",
                f"this number has more than {MAX_DIGITS} digits",
                self._ts(tok),
                help="numbers are exact up to 15 digits on every engine",
            )
        value = float(text) if "." in text else int(text)
        return ast.Literal(value, "number", self._ts(tok))

    def signed_number(self, meta, tok):
        return self._number(tok)

    def string(self, meta, tok):
        return ast.Literal(self._string(tok), "text", self._ts(tok))

    def timestamp(self, meta, tok):
        return ast.Literal(str(tok), "time", self._ts(tok))

    def boolean(self, meta, tok):
        return ast.Literal(str(tok) == "true", "bool", self._ts(tok))

    def list(self, meta, *items):
        items = tuple(i for i in items if i is not None)
        return ast.ListLit(items, self._span(meta))

    # -- automations
    def on_block(self, meta, kind, tier, *actions):
        return ast.OnBlock(str(kind), self._name(tier), tuple(actions), self._span(meta))

    def notify(self, meta, *args):
        recipient, message = args
        if recipient is None:
            who = None
        elif recipient.type == "NAME":
            who = self._name(recipient)
        else:
            who = ast.Literal(self._string(recipient), "text", self._ts(recipient))
        return ast.Action("notify", (who, self._string(message)), self._span(meta))

    def _one_string(kind):  # noqa: N805 - a small factory for the one-string actions
        def build(self, meta, s):
            return ast.Action(kind, (self._string(s),), self._span(meta))

        return build

    task = _one_string("task")
    email = _one_string("email")
    sms = _one_string("sms")
    webhook = _one_string("webhook")

    def set(self, meta, name, value):
        return ast.Action("set", (self._name(name), value), self._span(meta))

    def delay(self, meta, d):
        return ast.Action("delay", (self._duration(d),), self._span(meta))

    # -- tests
    def test_block(self, meta, name, *body):
        return ast.TestBlock(self._string(name), tuple(body), self._span(meta))

    def test_as_of(self, meta, tok):
        return ast.TestAsOf(ast.Literal(str(tok), "time", self._ts(tok)), self._span(meta))

    def assign(self, meta, name, value):
        return ast.Assign(self._name(name), value, self._span(meta))

    def test_lead(self, meta, *assigns):
        return ast.TestLead(tuple(assigns), self._span(meta))

    def test_event(self, meta, name, *rest):
        assigns = tuple(a for a in rest if isinstance(a, ast.Assign))
        times, when = rest[-2], rest[-1]
        ago = when if isinstance(when, ast.Duration) else None
        at = when if isinstance(when, ast.Literal) else None
        return ast.TestEvent(
            self._name(name), assigns, times if times is not None else 1, ago, at, self._span(meta)
        )

    def event_times(self, meta, n):
        return int(float(n))

    def ago(self, meta, d):
        return self._duration(d)

    def at(self, meta, tok):
        return ast.Literal(str(tok), "time", self._ts(tok))

    def test_expect(self, meta, target, op, value):
        return ast.Expect(self._name(target), str(op), value, self._span(meta))

    def test_expect_missing(self, meta, target, word):
        op = "is present" if str(word) == "present" else "is missing"
        return ast.Expect(self._name(target), op, None, self._span(meta))


_WRAPPED = type(vars(Builder)["start"])  # the descriptor `v_args` puts on the class
_CALLBACKS = tuple(n for n, v in vars(Builder).items() if isinstance(v, _WRAPPED))
