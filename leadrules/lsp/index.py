"""Where every name is declared and used, across a file and its imports (from the parsed ASTs).

The checker decides what is *wrong* with a name; this index only answers the editor's questions:
which declaration does the name under the cursor mean, and where else is it written. A key is
`("sym", name)` for the one namespace of declarations (attributes, events, signals, consts, groups,
tiers) and `("prop", event, name)` for an event's property (in a `where` condition, a signal and a
test's `event` line).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from leadrules.nodes import fields, is_node
from leadrules.syntax import ast
from leadrules.syntax.ast import Span

DECL_KIND = {
    ast.LeadDecl: "attribute",
    ast.EventDecl: "event",
    ast.SignalDecl: "signal",
    ast.ConstDecl: "const",
    ast.Group: "group",
    ast.Tier: "tier",
}


@dataclass(frozen=True)
class Decl:
    kind: str  # attribute | event | signal | const | group | tier | property
    name: str
    span: Span  # the name where it is declared
    node: object  # the declaring statement (the `Prop` for a property)
    event: str | None = None  # for a property: its event


@dataclass(frozen=True)
class Occurrence:
    span: Span
    key: tuple
    is_decl: bool


@dataclass
class Index:
    decls: dict[tuple, Decl] = field(default_factory=dict)
    occurrences: list[Occurrence] = field(default_factory=list)
    files: list[ast.File] = field(default_factory=list)

    def decl(self, key: tuple) -> Decl | None:
        return self.decls.get(key)

    def at(self, path: str, line: int, col: int) -> Occurrence | None:
        """The name at a 1-based position of `path` (the column may be just after the name)."""
        best = None
        for occ in self.occurrences:
            s = occ.span
            if s.path == path and s.line == line and s.col <= col <= s.end_col:
                if best is None or s.col > best.span.col:
                    best = occ
        return best

    def refs(self, key: tuple) -> list[Occurrence]:
        return [o for o in self.occurrences if o.key == key]

    def names(self, kinds: tuple[str, ...] | None = None) -> list[Decl]:
        return [
            d for k, d in self.decls.items() if k[0] == "sym" and (not kinds or d.kind in kinds)
        ]

    def props(self, event: str) -> list[Decl]:
        return [d for k, d in self.decls.items() if k[0] == "prop" and k[1] == event]

    def event_of(self, name: str) -> str | None:
        """The event a name stands for: itself, or a signal's event (through signals)."""
        seen = set()
        while name not in seen:
            seen.add(name)
            d = self.decls.get(("sym", name))
            if d is None:
                return None
            if d.kind == "event":
                return name
            if d.kind != "signal":
                return None
            name = d.node.event.id
        return None

    def statement_at(self, path: str, line: int, col: int):
        """The innermost statement, rule or block line whose span holds the position, and its
        enclosing block (a `Group`, `OnBlock` or `TestBlock`, or None)."""
        for f in self.files:
            if f.path != path:
                continue
            for s in f.statements:
                if not _holds(s.span, line, col):
                    continue
                inner = getattr(s, "rules", None) or getattr(s, "actions", None)
                inner = inner or getattr(s, "body", None) or ()
                for r in inner:
                    if _holds(r.span, line, col):
                        return r, s
                return s, None
        return None, None


def _holds(span: Span | None, line: int, col: int) -> bool:
    if span is None:
        return False
    return (span.line, span.col) <= (line, col) <= (span.end_line, span.end_col)


def build(files: list[ast.File]) -> Index:
    """The index of a file and its imports (`files` in dependency order, as the loader gives)."""
    idx = Index(files=list(files))
    # declarations first, so that a property reference can tell a property from a const
    for f in files:
        for s in f.statements:
            kind = DECL_KIND.get(type(s))
            if kind is not None:
                key = ("sym", s.name.id)
                idx.decls.setdefault(key, Decl(kind, s.name.id, s.name.span, s))
                idx.occurrences.append(Occurrence(s.name.span, key, True))
            if isinstance(s, ast.EventDecl):
                for p in s.props:
                    key = ("prop", s.name.id, p.name.id)
                    idx.decls.setdefault(
                        key, Decl("property", p.name.id, p.name.span, p, s.name.id)
                    )
                    idx.occurrences.append(Occurrence(p.name.span, key, True))
    _Walker(idx).files(files)
    return idx


class _Walker:
    def __init__(self, idx: Index):
        self.idx = idx

    def ref(self, name: ast.Name, event: str | None = None) -> None:
        if name.span is None:
            return
        if event is not None and ("prop", event, name.id) in self.idx.decls:
            key = ("prop", event, name.id)
        else:
            key = ("sym", name.id)
        self.idx.occurrences.append(Occurrence(name.span, key, False))

    def files(self, files: list[ast.File]) -> None:
        for f in files:
            for s in f.statements:
                self.statement(s)

    def statement(self, s) -> None:
        if isinstance(s, (ast.LeadDecl, ast.EventDecl, ast.ModelDecl, ast.Import, ast.Action)):
            return
        if isinstance(s, ast.SignalDecl):
            self.ref(s.event)
            self.expr(s.cond, self.idx.event_of(s.event.id))
        elif isinstance(s, ast.ConstDecl):
            return
        elif isinstance(s, ast.Group):
            for r in s.rules:
                self.statement(r)
        elif isinstance(s, ast.Tier):
            if s.cond is not None:
                self.expr(s.cond, None)
        elif isinstance(s, ast.OnBlock):
            self.ref(s.tier)
        elif isinstance(s, ast.TestBlock):
            for t in s.body:
                self.test_stmt(t)
        else:  # rules, clamp
            self.expr(s, None)

    def test_stmt(self, t) -> None:
        if isinstance(t, ast.TestLead):
            for a in t.assigns:
                self.ref(a.name)
        elif isinstance(t, ast.TestEvent):
            self.ref(t.event)
            event = self.idx.event_of(t.event.id)
            for a in t.props:
                self.ref(a.name, event or t.event.id)
        elif isinstance(t, ast.Expect):
            if t.target.id not in ("score", "tier"):
                self.ref(t.target)
            if isinstance(t.value, ast.Name):
                self.ref(t.value)

    def expr(self, e, event: str | None) -> None:
        if isinstance(e, ast.Name):
            self.ref(e, event)
        elif isinstance(e, ast.Where):
            self.ref(e.source, event)
            self.expr(e.cond, self.idx.event_of(e.source.id))
        elif isinstance(e, tuple):
            for x in e:
                self.expr(x, event)
        elif is_node(e):
            for name in _fields(type(e)):
                self.expr(getattr(e, name), event)


_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(name for name in fields(cls) if name != "span")
    return names
