"""The Model: the IR every backend consumes. Resolved, typed, imports merged, signals expanded.

Nothing here refers back to the AST or the text (a node keeps the `Span` of its source only for
messages).
Every node is a frozen node class (`leadrules/nodes.py`); `to_json` gives a stable, serializable
form (`leadrules debug model FILE`).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, Literal, Union, get_args

from leadrules.nodes import field, fields, is_node, node
from leadrules.source import Span

#: the value types of the language
ValueType = Literal["number", "text", "bool", "time"]
TYPES: tuple[ValueType, ...] = get_args(ValueType)
#: the comparison operators (`Cmp`, `EventCount`)
CmpOp = Literal["==", "!=", "<", "<=", ">", ">="]
#: the text operators (`TextOp`)
TextOpName = Literal["contains", "starts_with", "ends_with"]
#: the built-in functions (`Func`)
FuncName = Literal["lower", "domain", "days_since"]
#: the forms of a tier: a score range, or a condition
TierKind = Literal["range", "when"]
#: when an automation runs: a lead enters or leaves its tier
AutomationOn = Literal["enter", "exit"]
#: the operators of a test's `expect`
ExpectOp = Literal["==", "!=", "<", "<=", ">", ">=", "is missing", "is present"]


def _loc():
    return field(default=None, compare=False)


# ---- declarations ---------------------------------------------------------------


@node
class Attribute:
    name: str
    type: ValueType
    column: str  # the source column (the name unless `from "..."`)
    loc: Span | None = _loc()
    crm: str | None = None  # the CRM's internal property name (`crm "..."`), if declared


@node
class Property:
    name: str
    type: ValueType
    column: str = ""  # the source column (the name unless `from "..."`); set by the checker

    def __post_init__(self):
        if not self.column:
            object.__setattr__(self, "column", self.name)


@node
class EventType:
    name: str
    source: str  # the event's name in the data (the name unless `from "..."`)
    props: tuple[Property, ...]
    loc: Span | None = _loc()

    def prop(self, name: str) -> Property | None:
        return next((p for p in self.props if p.name == name), None)


# ---- expressions ----------------------------------------------------------------
# Value expressions have a `type`; conditions are expressions whose value is a bool (three-valued:
# True, False or unknown). Event predicates are never unknown.


@node
class Attr:
    """A lead attribute."""

    name: str
    type: ValueType


@node
class Prop:
    """A property of the event being filtered (only inside `EventSet.filter`)."""

    name: str
    type: ValueType


@node
class Const:
    """A literal. `time` values are timezone-aware datetimes in UTC."""

    value: object
    type: ValueType


@node
class Func:
    name: FuncName
    arg: Expr
    type: ValueType


@node
class GroupScore:
    """A group's score (only in `tier ... when`)."""

    name: str
    type: Literal["number"] = "number"


@node
class TotalScore:
    """The total score (only in `tier ... when`)."""

    type: Literal["number"] = "number"


@node
class Cmp:
    op: CmpOp
    left: Expr
    right: Expr


@node
class InList:
    operand: Expr
    values: tuple[object, ...]
    type: ValueType  # the type of the values


@node
class InRange:
    operand: Expr
    lo: float | int
    hi: float | int


@node
class TextOp:
    op: TextOpName
    operand: Expr
    value: Expr


@node
class IsMissing:
    operand: Expr
    present: bool


@node
class Not:
    operand: Expr


@node
class And:
    items: tuple[Expr, ...]


@node
class Or:
    items: tuple[Expr, ...]


@node
class EventSet:
    """The events of one declared type, optionally restricted by a condition on their properties.

    Signals and inline `where` are expanded into this form; a signal of a signal ands the filters.
    """

    event: str  # EventType.name
    filter: Expr | None = None


@node
class EventCount:
    """An event predicate: `count(events in window) OP n`. Never unknown.

    `events` None means every declared event type (`no_activity`). `window` is in seconds; None
    means all events at or before as-of. `E` is `count >= 1`, `no E within D` is `count == 0`.
    """

    events: EventSet | None
    op: CmpOp
    n: int
    window: int | None


Expr = Union[
    Attr,
    Prop,
    Const,
    Func,
    GroupScore,
    TotalScore,
    Cmp,
    InList,
    InRange,
    TextOp,
    IsMissing,
    Not,
    And,
    Or,
    EventCount,
]


def walk(expr: Expr, filters: bool = False) -> Iterator[Expr]:
    """Every node of an expression, depth first, in source order.

    With `filters`, the conditions of event filters (`EventSet.filter`, about the properties of
    events) are walked too, after their `EventCount`; without, a walk stays with the lead.
    """
    yield expr
    if isinstance(expr, (And, Or)):
        for item in expr.items:
            yield from walk(item, filters)
    elif isinstance(expr, Cmp):
        yield from walk(expr.left, filters)
        yield from walk(expr.right, filters)
    elif isinstance(expr, TextOp):
        yield from walk(expr.operand, filters)
        yield from walk(expr.value, filters)
    elif isinstance(expr, (Not, InList, InRange, IsMissing)):
        yield from walk(expr.operand, filters)
    elif isinstance(expr, Func):
        yield from walk(expr.arg, filters)
    elif (
        filters and isinstance(expr, EventCount) and expr.events and expr.events.filter is not None
    ):
        yield from walk(expr.events.filter, filters)


# ---- scoring ---------------------------------------------------------------------


@node
class WhenRule:
    """`points` once when `cond` is true.

    `id` is stable and unique (`group/index`, 1-based within the group); `text` is the rule's
    canonical source text, for explanations and the per-rule SQL view. The fields of the other
    form read as None, so that code over both forms can ask for them.
    """

    id: str
    group: str
    points: int
    text: str
    cond: Expr
    loc: Span | None = _loc()

    kind: ClassVar[Literal["when"]] = "when"
    events: ClassVar[None] = None
    window: ClassVar[None] = None
    cap: ClassVar[None] = None


@node
class EachRule:
    """`points` per event of `events` within `window` (seconds; None: all events at or before
    as-of), bounded by `cap` in absolute value. `id` and `text` as for `WhenRule`."""

    id: str
    group: str
    points: int
    text: str
    events: EventSet
    window: int | None = None
    cap: int | None = None
    loc: Span | None = _loc()

    kind: ClassVar[Literal["each"]] = "each"
    cond: ClassVar[None] = None


#: a scoring rule, in one of its two forms (`kind` says which)
Rule = Union[WhenRule, EachRule]


@node
class Group:
    name: str
    cap: int | None
    rules: tuple[Rule, ...]
    loc: Span | None = _loc()


@node
class Tier:
    """kind "range": lo <= score <= hi (None is unbounded); kind "when": `cond` is true."""

    name: str
    kind: TierKind
    lo: int | float | None = None
    hi: int | float | None = None
    cond: Expr | None = None
    text: str = ""
    loc: Span | None = _loc()


class _Args:
    """`args`: an action's values in the order the language writes them (for payloads)."""

    @property
    def args(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in fields(self) if name != "loc")


@node
class NotifyAction(_Args):
    """`notify [RECIPIENT] "message"`: the recipient is "owner" unless one is named."""

    recipient: str
    message: str
    loc: Span | None = _loc()
    kind: ClassVar[Literal["notify"]] = "notify"


@node
class TaskAction(_Args):
    """`task "title"`."""

    title: str
    loc: Span | None = _loc()
    kind: ClassVar[Literal["task"]] = "task"


@node
class SetAction(_Args):
    """`set ATTRIBUTE = value`: a lead attribute (by its name in the rules) and a literal."""

    property: str
    value: str | int | float | bool
    loc: Span | None = _loc()
    kind: ClassVar[Literal["set"]] = "set"


@node
class EmailAction(_Args):
    """`email "template"`."""

    template: str
    loc: Span | None = _loc()
    kind: ClassVar[Literal["email"]] = "email"


@node
class SmsAction(_Args):
    """`sms "text"`."""

    text: str
    loc: Span | None = _loc()
    kind: ClassVar[Literal["sms"]] = "sms"


@node
class WebhookAction(_Args):
    """`webhook "https://..."`."""

    url: str
    loc: Span | None = _loc()
    kind: ClassVar[Literal["webhook"]] = "webhook"


@node
class DelayAction(_Args):
    """`delay DURATION`: the actions after it run `seconds` later."""

    seconds: int
    loc: Span | None = _loc()
    kind: ClassVar[Literal["delay"]] = "delay"


#: one action of an automation; `kind` names it, `args` gives its values in source order
Action = Union[
    NotifyAction, TaskAction, SetAction, EmailAction, SmsAction, WebhookAction, DelayAction
]
ActionKind = Literal["notify", "task", "set", "email", "sms", "webhook", "delay"]
ACTIONS: dict[str, type[Action]] = {
    a.kind: a
    for a in (
        NotifyAction,
        TaskAction,
        SetAction,
        EmailAction,
        SmsAction,
        WebhookAction,
        DelayAction,
    )
}


def action(kind: str, args: tuple[Any, ...], loc: Span | None = None) -> Action:
    """The action of `kind` with its values in source order."""
    make: Callable[..., Action] = ACTIONS[kind]
    return make(*args, loc=loc)


@node
class Automation:
    on: AutomationOn
    tier: str
    actions: tuple[Action, ...]
    loc: Span | None = _loc()


@node
class TestEvent:
    event: str  # EventType.name
    props: tuple[tuple[str, object], ...]
    times: int
    at: _dt.datetime  # absolute UTC time (as_of minus `ago`, or `at`)


@node
class Expectation:
    target: str  # a group name, "score" or "tier"
    op: ExpectOp
    value: object  # a number, a tier name, or None
    loc: Span | None = _loc()


@node
class TestCase:
    name: str
    as_of: _dt.datetime
    lead: tuple[tuple[str, object], ...]
    events: tuple[TestEvent, ...]
    expects: tuple[Expectation, ...]
    loc: Span | None = _loc()


# The fixed as-of of a test block that does not name one (docs/language.md, "Tests").
DEFAULT_TEST_AS_OF = _dt.datetime(2026, 1, 1, tzinfo=_dt.timezone.utc)
# The longest duration (window, delay, a test's `ago`): 100 years. `check` refuses longer ones
# (LR0301), so that `as_of - window` stays a date for every as-of from EARLIEST_AS_OF on.
MAX_DURATION_DAYS = 36525
MAX_DURATION_SECONDS = MAX_DURATION_DAYS * 86400
# The earliest as-of a test block may name (LR0702); earlier instants leave no room for windows.
EARLIEST_AS_OF = _dt.datetime(1900, 1, 1, tzinfo=_dt.timezone.utc)


@node
class Model:
    name: str
    path: str
    attributes: tuple[Attribute, ...]
    events: tuple[EventType, ...]
    groups: tuple[Group, ...]
    clamp: tuple[int, int] | None
    tiers: tuple[Tier, ...]
    automations: tuple[Automation, ...] = ()
    tests: tuple[TestCase, ...] = ()

    def attribute(self, name: str) -> Attribute | None:
        return next((a for a in self.attributes if a.name == name), None)

    def event(self, name: str) -> EventType | None:
        return next((e for e in self.events if e.name == name), None)

    def group(self, name: str) -> Group | None:
        return next((g for g in self.groups if g.name == name), None)

    @property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(r for g in self.groups for r in g.rules)

    @property
    def group_names(self) -> tuple[str, ...]:
        return tuple(g.name for g in self.groups)

    @property
    def tier_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tiers)

    def to_json(self) -> dict:
        return to_json(self)


def to_json(obj):
    """A stable JSON-ready form of any Model node: nodes become objects with a `node` key."""
    if is_node(obj):
        out = {"node": type(obj).__name__}
        for name in fields(obj):
            value = getattr(obj, name)
            if name == "loc":
                out["loc"] = None if value is None else f"{value.path}:{value.line}:{value.col}"
                continue
            out[name] = to_json(value)
        return out
    if isinstance(obj, (list, tuple)):
        return [to_json(x) for x in obj]
    if isinstance(obj, _dt.datetime):
        return obj.isoformat().replace("+00:00", "Z")
    return obj
