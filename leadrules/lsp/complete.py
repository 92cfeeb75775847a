"""Completion and the outline (document symbols)."""

from __future__ import annotations

import re

from lsprotocol import types as t

from leadrules.check.build import KEYWORDS
from leadrules.lsp import convert
from leadrules.lsp.state import Analysis
from leadrules.syntax import ast, printer

KIND = {
    "attribute": t.CompletionItemKind.Field,
    "event": t.CompletionItemKind.Event,
    "signal": t.CompletionItemKind.Event,
    "const": t.CompletionItemKind.Constant,
    "group": t.CompletionItemKind.Module,
    "tier": t.CompletionItemKind.EnumMember,
    "property": t.CompletionItemKind.Property,
}

_ON = re.compile(r"^\s*on\s+(enter|exit)\s+\w*$")
_WHERE = re.compile(r"\b([A-Za-z_]\w*)\s+where\b(?!.*\bwhere\b)[^:]*?\w*$")
_TEST_EVENT = re.compile(r"^\s+event\s+([A-Za-z_]\w*)\s+[^#]*$")
_EXPECT_TIER = re.compile(r"^\s*expect\s+tier\s*(==|!=)\s*\w*$")
_EXPECT = re.compile(r"^\s*expect\s+\w*$")
_IN_STRING = re.compile(r'^(?:[^"#]|"(?:[^"\\]|\\.)*")*"(?:[^"\\]|\\.)*$')


def _item(label: str, kind: str, detail: str = "") -> t.CompletionItem:
    return t.CompletionItem(label=label, kind=KIND.get(kind), detail=detail or kind)


def complete(a: Analysis, line: int, col: int) -> list[t.CompletionItem]:
    text = a.lines[line - 1] if line - 1 < len(a.lines) else ""
    before = text[: col - 1]
    if _IN_STRING.match(before) or "#" in _strip_strings(before):
        return []
    idx = a.index
    if _ON.match(before) or _EXPECT_TIER.match(before):
        return [_item(d.name, "tier", printer.statement(d.node)) for d in idx.names(("tier",))]
    if _EXPECT.match(before):
        items = [_item(d.name, "group") for d in idx.names(("group",))]
        return items + [_item("score", "keyword"), _item("tier", "keyword")]
    where = _WHERE.search(before)
    if where:
        event = idx.event_of(where.group(1))
        if event is not None:
            items = [
                _item(d.name, "property", f"{d.node.type}, of {event}") for d in idx.props(event)
            ]
            return items + [_item(d.name, "const") for d in idx.names(("const",))]
    m = _TEST_EVENT.match(before)
    if m and _in_test(a, line):
        event = idx.event_of(m.group(1))
        if event is not None:
            return [_item(d.name, "property", d.node.type) for d in idx.props(event)]
    items = [_item(d.name, d.kind, _detail(d)) for d in idx.names()]
    items += [
        t.CompletionItem(label=k, kind=t.CompletionItemKind.Keyword) for k in sorted(KEYWORDS)
    ]
    return items


def _strip_strings(text: str) -> str:
    return re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)


def _detail(d) -> str:
    if d.kind in ("group", "tier") or d.node is None:
        return d.kind
    if isinstance(d.node, (ast.Group,)):
        return printer.header(d.node)
    try:
        return printer.statement(d.node)
    except TypeError:
        return d.kind


def _in_test(a: Analysis, line: int) -> bool:
    """Whether `line` is inside a `test` block: the nearest unindented line above starts one."""
    for i in range(line - 1, -1, -1):
        text = a.lines[i]
        if text[:1] not in ("", " ", "\t", "#"):
            return text.startswith("test ")
    return False


# ---- the outline ---------------------------------------------------------------

SYMBOL = {
    ast.ModelDecl: t.SymbolKind.Module,
    ast.Import: t.SymbolKind.File,
    ast.LeadDecl: t.SymbolKind.Field,
    ast.EventDecl: t.SymbolKind.Event,
    ast.SignalDecl: t.SymbolKind.Event,
    ast.ConstDecl: t.SymbolKind.Constant,
    ast.Group: t.SymbolKind.Namespace,
    ast.Tier: t.SymbolKind.EnumMember,
    ast.OnBlock: t.SymbolKind.Function,
    ast.TestBlock: t.SymbolKind.Method,
    ast.Rule: t.SymbolKind.Boolean,
    ast.EachRule: t.SymbolKind.Array,
    ast.Clamp: t.SymbolKind.Number,
}


def outline(a: Analysis) -> list[t.DocumentSymbol]:
    tree = next((f for f in a.index.files if f.path == a.path), None)
    if tree is None:
        return []
    return [_symbol(s, a.lines) for s in tree.statements]


def _symbol(s, lines) -> t.DocumentSymbol:
    rng = convert.to_range(s.span, lines)
    name_node = getattr(s, "name", None)
    sel = convert.to_range(name_node.span, lines) if isinstance(name_node, ast.Name) else rng
    children = None
    if isinstance(s, ast.Group):
        name, detail = s.name.id, "group" + (f" cap {printer.literal(s.cap)}" if s.cap else "")
        children = [_symbol(r, lines) for r in s.rules]
    elif isinstance(s, (ast.Rule, ast.EachRule)):
        name, detail = printer.rule_head(s), printer.points(s.points)
    elif isinstance(s, ast.Tier):
        name, detail = s.name.id, "tier " + printer.statement(s).split(" ", 2)[2]
    elif isinstance(s, ast.TestBlock):
        name, detail = s.name, "test"
    elif isinstance(s, ast.OnBlock):
        name, detail = f"on {s.kind} {s.tier.id}", f"{len(s.actions)} actions"
        sel = convert.to_range(s.tier.span, lines)
    elif isinstance(s, (ast.ModelDecl, ast.Import, ast.Clamp)):
        name, detail = printer.statement(s), ""
    else:
        name, detail = name_node.id, printer.statement(s)
        if isinstance(s, ast.EventDecl) and s.props:
            children = [
                t.DocumentSymbol(
                    name=p.name.id,
                    kind=t.SymbolKind.Property,
                    range=convert.to_range(p.span, lines),
                    selection_range=convert.to_range(p.name.span, lines),
                    detail=p.type,
                )
                for p in s.props
            ]
    return t.DocumentSymbol(
        name=name or "(empty)",
        kind=SYMBOL.get(type(s), t.SymbolKind.Object),
        range=rng,
        selection_range=sel,
        detail=detail,
        children=children,
    )
