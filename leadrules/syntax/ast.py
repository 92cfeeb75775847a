"""The abstract syntax tree: what the text says, with a span on every node.

Nothing here is resolved: a `Name` may turn out to be an attribute, an event, a
signal, a const or a group. The checker (`leadrules.check`) decides and builds
the Model. Nodes are frozen node classes (`leadrules/nodes.py`) so that trees can be compared
and hashed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Union

from leadrules.nodes import field, node
from leadrules.source import Span as Span  # re-exported: every node carries one

if TYPE_CHECKING:  # the Model's names for the words the grammar allows
    from leadrules.model import AutomationOn, CmpOp, ExpectOp, FuncName, TextOpName, ValueType


def _span_field():
    return field(default=None, compare=False, repr=False)


# ---- expressions -----------------------------------------------------------


@node
class Name:
    """A name, resolved by the checker: an attribute, event, signal, const, group or tier."""

    id: str
    span: Span = _span_field()


@node
class Literal:
    """A string, number, bool or timestamp literal.

    `type` is one of "text", "number", "bool", "time"; a time literal keeps its
    source text in `value` (parsed by the checker, which reports bad dates).
    """

    value: Any  # str, int or float, bool; a time literal's text
    type: ValueType
    span: Span = _span_field()


@node
class ListLit:
    """`[a, b, ...]`: a list of literals."""

    items: tuple[Literal, ...]
    span: Span = _span_field()


@node
class Range:
    """`A..B`: an inclusive number range (in a tier, an end may name a value const)."""

    lo: Literal
    hi: Literal
    span: Span = _span_field()


@node
class Call:
    """`lower(x)`, `domain(x)` or `days_since(x)`."""

    func: FuncName
    arg: Expr
    span: Span = _span_field()


@node
class Where:
    """`E where COND`: the events of E whose properties satisfy COND."""

    source: Name
    cond: Expr
    span: Span = _span_field()


@node
class Duration:
    """`12h`, `30d`, `2w`."""

    amount: int
    unit: str  # h | d | w
    span: Span = _span_field()

    @property
    def seconds(self) -> int:
        return self.amount * {"h": 3600, "d": 86400, "w": 7 * 86400}[self.unit]

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"


@node
class Compare:
    """`left OP right` with OP one of `==` `!=` `<` `<=` `>` `>=`."""

    op: CmpOp
    left: Expr
    right: Expr
    span: Span = _span_field()


@node
class In:
    """`left in TARGET` / `left not in TARGET`: a list, a range or a list const."""

    left: Expr
    target: ListLit | Range | Name
    negated: bool
    span: Span = _span_field()


@node
class TextOp:
    """`left contains|starts_with|ends_with right`."""

    op: TextOpName
    left: Expr
    right: Expr
    span: Span = _span_field()


@node
class IsMissing:
    """`operand is missing` / `operand is present`."""

    operand: Expr
    present: bool  # `is present` when True, `is missing` when False
    span: Span = _span_field()


@node
class Count:
    """`E OP N times [within D]`."""

    source: Expr
    op: CmpOp
    n: Expr
    window: Duration | None
    span: Span = _span_field()


@node
class Within:
    """`E within D`."""

    source: Expr
    window: Duration
    span: Span = _span_field()


@node
class NoWithin:
    """`no E within D`."""

    source: Expr
    window: Duration
    span: Span = _span_field()


@node
class NoActivity:
    """`no_activity D`."""

    window: Duration
    span: Span = _span_field()


@node
class Not:
    """`not operand`."""

    operand: Expr
    span: Span = _span_field()


@node
class And:
    """`a and b and ...`, flattened."""

    items: tuple[Expr, ...]
    span: Span = _span_field()


@node
class Or:
    """`a or b or ...`, flattened."""

    items: tuple[Expr, ...]
    span: Span = _span_field()


@node
class Paren:
    """Parentheses, kept so that the formatter can keep the user's grouping."""

    inner: Expr
    span: Span = _span_field()


Expr = Union[
    Name,
    Literal,
    ListLit,
    Range,
    Call,
    Where,
    Compare,
    In,
    TextOp,
    IsMissing,
    Count,
    Within,
    NoWithin,
    NoActivity,
    Not,
    And,
    Or,
    Paren,
]


# ---- statements ------------------------------------------------------------


@node
class ModelDecl:
    """`model "NAME"`."""

    name: str
    span: Span = _span_field()


@node
class Import:
    """`import "PATH"`."""

    path: str
    span: Span = _span_field()


@node
class LeadDecl:
    """`lead NAME: TYPE [from "column"] [crm "internal_name"]`."""

    name: Name
    type: ValueType
    column: str | None
    span: Span = _span_field()
    crm: str | None = None  # the CRM's internal property name, when it differs from the column


@node
class Prop:
    """`NAME: TYPE [from "column"]` in an event's property list."""

    name: Name
    type: ValueType
    column: str | None = None
    span: Span = _span_field()


@node
class EventDecl:
    """`event NAME[(props)] [from "Name"]`; `has_parens` keeps `event x()` apart."""

    name: Name
    props: tuple[Prop, ...]
    source: str | None
    has_parens: bool = field(default=False, compare=False)
    span: Span = _span_field()


@node
class SignalDecl:
    """`signal NAME = EVENT where COND`."""

    name: Name
    event: Name
    cond: Expr
    span: Span = _span_field()


@node
class ConstDecl:
    """`const NAME = LITERAL | LIST`."""

    name: Name
    value: Literal | ListLit
    span: Span = _span_field()


@node
class Rule:
    """`COND: POINTS`."""

    cond: Expr
    points: Literal
    span: Span = _span_field()


@node
class EachRule:
    """`each E [within D]: POINTS [cap N]`."""

    source: Expr
    window: Duration | None
    points: Literal
    cap: Literal | None
    span: Span = _span_field()


@node
class Group:
    """`NAME [cap N]:` and its indented rules."""

    name: Name
    cap: Literal | None
    rules: tuple[Rule | EachRule, ...]
    span: Span = _span_field()


@node
class Clamp:
    """`clamp A..B`."""

    lo: Literal
    hi: Literal
    span: Span = _span_field()


@node
class Tier:
    """`tier NAME OP N`, `tier NAME A..B` or `tier NAME when COND`.

    Exactly one of (`op` with `bound`), `range`, `cond` is set. A bound (and each end of the
    range) is a number or the Name of a value const.
    """

    name: Name
    op: str | None = None
    bound: Literal | Name | None = None
    range: Range | None = None
    cond: Expr | None = None
    span: Span = _span_field()


@node
class Action:
    """One line of an `on` block: `kind` is notify|task|set|email|sms|webhook|delay."""

    kind: str
    args: tuple[object, ...]  # str, Name, Literal or Duration, per kind
    span: Span = _span_field()


@node
class OnBlock:
    """`on enter|exit TIER:` and its actions."""

    kind: AutomationOn
    tier: Name
    actions: tuple[Action, ...]
    span: Span = _span_field()


@node
class Assign:
    """`NAME = LITERAL` in a test's `lead` or `event` line."""

    name: Name
    value: Literal
    span: Span = _span_field()


@node
class TestEvent:
    """`event E [PROP = V, ...] [N times] [D ago | at T]` in a test."""

    event: Name
    props: tuple[Assign, ...]
    times: int
    ago: Duration | None
    at: Literal | None
    span: Span = _span_field()


@node
class Expect:
    """`expect TARGET OP VALUE` or `expect TARGET is missing|present` in a test."""

    target: Name  # a group, `score` or `tier`
    op: ExpectOp
    value: Literal | Name | None
    span: Span = _span_field()


@node
class TestAsOf:
    """`as_of TIMESTAMP` in a test."""

    value: Literal
    span: Span = _span_field()


@node
class TestLead:
    """`lead NAME = V, ...` in a test."""

    assigns: tuple[Assign, ...]
    span: Span = _span_field()


TestStmt = Union[TestAsOf, TestLead, TestEvent, Expect]


@node
class TestBlock:
    """`test "NAME":` and its lines."""

    name: str
    body: tuple[TestStmt, ...]
    span: Span = _span_field()


Statement = Union[
    ModelDecl,
    Import,
    LeadDecl,
    EventDecl,
    SignalDecl,
    ConstDecl,
    Rule,
    EachRule,
    Group,
    Clamp,
    Tier,
    OnBlock,
    TestBlock,
]


@node
class Comment:
    """A `#` comment, kept for the formatter."""

    text: str  # including the leading `#`
    line: int
    col: int
    own_line: bool  # True when nothing but blanks precede it on its line


@node
class File:
    """A parsed file: its statements in order and its comments."""

    path: str
    statements: tuple[Statement, ...]
    comments: tuple[Comment, ...] = field(default=(), compare=False)
