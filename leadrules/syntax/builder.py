"""Grammar rules -> AST nodes (`leadrules.syntax.ast`), with a span on every node.

The builder runs inside Lark's LALR parser (its `transformer=` option): no parse tree is built.
Lark's own position propagation cannot feed such a builder, so the parser keeps every token
(`keep_all_tokens`) and `callbacks()` wraps each rule's method: the node's span runs from the
start of its first token or child to the end of its last, keywords and brackets included, and
the method receives only the children that carry a value (names, literals, operators, nodes).

A literal the grammar accepts but the language does not (an unknown string escape, a number of
more than 15 digits) raises `BadSyntax` carrying its diagnostic; the parser reports it like any
syntax error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from leadrules import diagnostics as dg
from leadrules.syntax import ast, lalr
from leadrules.syntax.ast import Span

if TYPE_CHECKING:
    from lark import Token

# the token classes the builder is handed: the runtime's (`lalr.Token`), and Lark's once Lark
# parses (`parser.lark_parser` adds it): Lark is imported only when it is needed
TOKENS: tuple = (lalr.Token,)


def _tok_span(path: str, tok: Token) -> Span:
    return Span(path, tok.line, tok.column, tok.end_line, tok.end_column)


_ESCAPE_HELP = 'strings know `\\"`, `\\\\`, `\\n` and `\\t`; write `\\\\` for a backslash'
MAX_DIGITS = 15  # every engine holds 15 significant digits exactly (IEEE doubles)
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}


# terminals that carry a value; the others (keywords, punctuation, newlines and indentation)
# only delimit the node
VALUE_TERMINALS = frozenset(
    "NAME STRING NUMBER SIGNED_NUMBER POINTS DURATION TIMESTAMP COMP_OP TEXT_OP TYPE BOOL FUNC "
    "MISSING ON_KIND".split()
)

Pos = tuple  # (line, col, end_line, end_col) of a rule's text


@dataclass(frozen=True)
class Part:
    """A rule's result that is not an AST node (a `from` string, a property list...), with the
    position of its text so that the node holding it gets the right span."""

    value: object
    pos: Pos


def _start(c) -> tuple[int, int] | None:
    if isinstance(c, TOKENS):
        return c.line, c.column
    if type(c) is Part:
        return c.pos[0], c.pos[1]
    span = getattr(c, "span", None)
    return None if span is None else (span.line, span.col)


def _end(c) -> tuple[int, int] | None:
    if isinstance(c, TOKENS):
        return c.end_line, c.end_column
    if type(c) is Part:
        return c.pos[2], c.pos[3]
    span = getattr(c, "span", None)
    return None if span is None else (span.end_line, span.end_col)


def _wrap(method):
    def callback(children: list) -> object:
        first = last = None
        for c in children:
            if (first := _start(c)) is not None:
                break
        for c in reversed(children):
            if (last := _end(c)) is not None:
                break
        pos = (*first, *last) if first is not None and last is not None else None
        args = [
            c.value if type(c) is Part else c
            for c in children
            if not (isinstance(c, TOKENS) and c.type not in VALUE_TERMINALS)
        ]
        return method(pos, *args)

    return callback


class BadSyntax(Exception):
    """Raised while building the AST; carries the diagnostic to report."""

    def __init__(self, code: str, message: str, span: Span, help: str = ""):
        super().__init__(message)
        self.diag = dg.make(code, message, span, help=help)


def unescape(raw: str, span: Span) -> str:
    body = raw[1:-1]
    if "\\" not in body:
        return body
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


class AstBuilder:
    """One method per grammar rule (or alias): `(self, pos, *values) -> node`."""

    def __init__(self) -> None:
        self.path = "<input>"  # the file being parsed; the parser sets it for each parse

    def callbacks(self) -> object:
        """An object with one attribute per rule, as Lark's `transformer=` wants. (`?rule`s
        that only pass their one child on have no method: Lark never calls them.)"""
        table = type("Callbacks", (), {})()
        for name, value in vars(AstBuilder).items():
            if callable(value) and not name.startswith("_") and name != "callbacks":
                setattr(table, name, _wrap(getattr(self, name)))
        return table

    def _span(self, pos: Pos) -> Span:
        return Span(self.path, *pos)

    def _ts(self, tok: Token) -> Span:
        return _tok_span(self.path, tok)

    def _name(self, tok: Token) -> ast.Name:
        return ast.Name(str(tok), self._ts(tok))

    def _string(self, tok: Token) -> str:
        return unescape(str(tok), self._ts(tok))

    def _duration(self, tok: Token) -> ast.Duration:
        return ast.Duration(int(tok[:-1]), tok[-1], self._ts(tok))

    # -- top level
    def start(self, pos, *stmts):
        return [s for s in stmts if s is not None]

    def model_decl(self, pos, s):
        return ast.ModelDecl(self._string(s), self._span(pos))

    def import_decl(self, pos, s):
        return ast.Import(self._string(s), self._span(pos))

    def from_clause(self, pos, s):
        return Part(self._string(s), pos)

    def crm_clause(self, pos, s):
        return Part(self._string(s), pos)

    def lead_decl(self, pos, name, type_, column, crm=None):
        return ast.LeadDecl(self._name(name), str(type_), column, self._span(pos), crm=crm)

    def prop(self, pos, name, type_, column=None):
        return ast.Prop(self._name(name), str(type_), column, self._span(pos))

    def prop_list(self, pos, *props):
        return Part(tuple(p for p in props if p is not None), pos)

    def event_decl(self, pos, name, props, source):
        return ast.EventDecl(
            self._name(name),
            props or (),
            source,
            has_parens=props is not None,
            span=self._span(pos),
        )

    def signal_decl(self, pos, name, event, cond):
        return ast.SignalDecl(self._name(name), self._name(event), cond, self._span(pos))

    def const_decl(self, pos, name, value):
        return ast.ConstDecl(self._name(name), value, self._span(pos))

    def clamp_decl(self, pos, lo, hi):
        return ast.Clamp(lo, hi, self._span(pos))

    def tier_cmp(self, pos, name, op, bound):
        return ast.Tier(self._name(name), op=str(op), bound=bound, span=self._span(pos))

    def tier_range(self, pos, name, lo, hi):
        rng = ast.Range(lo, hi, lo.span.to(hi.span))
        return ast.Tier(self._name(name), range=rng, span=self._span(pos))

    def tier_when(self, pos, name, cond):
        return ast.Tier(self._name(name), cond=cond, span=self._span(pos))

    # -- groups and rules
    def group(self, pos, header, *rules):
        if not isinstance(header, ast.Name):
            raise BadSyntax(
                "LR0001",
                "a group header is a name followed by `:`",
                header.span,
                help="write the rule on one line as `CONDITION: POINTS`, "
                "or name the group (`fit:`)",
            )
        return ast.Group(header, None, tuple(rules), self._span(pos))

    def capped_group(self, pos, name, cap, *rules):
        return ast.Group(self._name(name), cap, tuple(rules), self._span(pos))

    def rule(self, pos, cond, points):
        return ast.Rule(cond, points, self._span(pos))

    def each_rule(self, pos, source, window, points, cap):
        return ast.EachRule(source, window, points, cap, self._span(pos))

    def cap(self, pos, n):
        return n

    def window(self, pos, d):
        return self._duration(d)

    def points(self, pos, tok):
        return self._number(tok)

    # -- conditions
    def or_cond(self, pos, *items):
        return ast.Or(tuple(items), self._span(pos))

    def and_cond(self, pos, *items):
        return ast.And(tuple(items), self._span(pos))

    def not_(self, pos, operand):
        return ast.Not(operand, self._span(pos))

    def paren(self, pos, inner):
        return ast.Paren(inner, self._span(pos))

    def compare(self, pos, left, op, right, suffix=None):
        if suffix is not None:
            return ast.Count(left, str(op), right, suffix[0], self._span(pos))
        return ast.Compare(str(op), left, right, self._span(pos))

    def count_suffix(self, pos, window):
        return Part((window,), pos)

    def in_(self, pos, left, target):
        return ast.In(left, target, False, self._span(pos))

    def not_in(self, pos, left, target):
        return ast.In(left, target, True, self._span(pos))

    def text_op(self, pos, left, op, right):
        return ast.TextOp(str(op), left, right, self._span(pos))

    def is_missing(self, pos, operand, word):
        return ast.IsMissing(operand, str(word) == "present", self._span(pos))

    def within(self, pos, source, window):
        return ast.Within(source, window, self._span(pos))

    def no_within(self, pos, source, window):
        return ast.NoWithin(source, window, self._span(pos))

    def no_activity(self, pos, d):
        return ast.NoActivity(self._duration(d), self._span(pos))

    def range(self, pos, lo, hi):
        return ast.Range(lo, hi, self._span(pos))

    def name(self, pos, tok):
        return self._name(tok)

    def call(self, pos, func, arg):
        return ast.Call(str(func), arg, self._span(pos))

    def where(self, pos, source, cond):
        return ast.Where(self._name(source), cond, self._span(pos))

    # -- literals
    def _number(self, tok: Token) -> ast.Literal:
        text = str(tok)
        if len(text) - (text[0] in "+-") - ("." in text) > MAX_DIGITS:  # digits only
            raise BadSyntax(
                "LR0007",
                f"this number has more than {MAX_DIGITS} digits",
                self._ts(tok),
                help="numbers are exact up to 15 digits on every engine",
            )
        value = float(text) if "." in text else int(text)
        return ast.Literal(value, "number", self._ts(tok))

    def signed_number(self, pos, tok):
        return self._number(tok)

    def string(self, pos, tok):
        return ast.Literal(self._string(tok), "text", self._ts(tok))

    def timestamp(self, pos, tok):
        return ast.Literal(str(tok), "time", self._ts(tok))

    def boolean(self, pos, tok):
        return ast.Literal(str(tok) == "true", "bool", self._ts(tok))

    def list(self, pos, *items):
        items = tuple(i for i in items if i is not None)
        return ast.ListLit(items, self._span(pos))

    # -- automations
    def on_block(self, pos, kind, tier, *actions):
        return ast.OnBlock(str(kind), self._name(tier), tuple(actions), self._span(pos))

    def notify(self, pos, *args):
        recipient, message = args
        if recipient is None:
            who = None
        elif recipient.type == "NAME":
            who = self._name(recipient)
        else:
            who = ast.Literal(self._string(recipient), "text", self._ts(recipient))
        return ast.Action("notify", (who, self._string(message)), self._span(pos))

    def _one_string(kind):  # noqa: N805 - a small factory for the one-string actions
        def build(self, pos, s):
            return ast.Action(kind, (self._string(s),), self._span(pos))

        return build

    task = _one_string("task")
    email = _one_string("email")
    sms = _one_string("sms")
    webhook = _one_string("webhook")

    def set(self, pos, name, value):
        return ast.Action("set", (self._name(name), value), self._span(pos))

    def delay(self, pos, d):
        return ast.Action("delay", (self._duration(d),), self._span(pos))

    # -- tests
    def test_block(self, pos, name, *body):
        return ast.TestBlock(self._string(name), tuple(body), self._span(pos))

    def test_as_of(self, pos, tok):
        return ast.TestAsOf(ast.Literal(str(tok), "time", self._ts(tok)), self._span(pos))

    def assign(self, pos, name, value):
        return ast.Assign(self._name(name), value, self._span(pos))

    def test_lead(self, pos, *assigns):
        return ast.TestLead(tuple(assigns), self._span(pos))

    def test_event(self, pos, name, *rest):
        assigns = tuple(a for a in rest if isinstance(a, ast.Assign))
        times, when = rest[-2], rest[-1]
        ago = when if isinstance(when, ast.Duration) else None
        at = when if isinstance(when, ast.Literal) else None
        return ast.TestEvent(
            self._name(name), assigns, times if times is not None else 1, ago, at, self._span(pos)
        )

    def event_times(self, pos, n):
        return Part(int(float(n)), pos)

    def ago(self, pos, d):
        return Part(self._duration(d), pos)  # the test event's span ends after `ago`

    def at(self, pos, tok):
        return ast.Literal(str(tok), "time", self._ts(tok))

    def test_expect(self, pos, target, op, value):
        return ast.Expect(self._name(target), str(op), value, self._span(pos))

    def test_expect_missing(self, pos, target, word):
        op = "is present" if str(word) == "present" else "is missing"
        return ast.Expect(self._name(target), op, None, self._span(pos))
