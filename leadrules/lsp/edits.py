"""Edits the server proposes: formatting (the `fmt` formatter), rename, and quick fixes (apply a
did-you-mean, declare a missing name or property)."""

from __future__ import annotations

import re

from lsprotocol import types as t

from leadrules import diagnostics as dg
from leadrules.check.build import KEYWORDS, RESERVED
from leadrules.check.words import kind_with_article
from leadrules.functions import FUNCTIONS
from leadrules.lsp import convert
from leadrules.lsp.index import Index
from leadrules.lsp.state import Analysis
from leadrules.nodes import fields, is_node
from leadrules.syntax import ast, printer
from leadrules.syntax.ast import Span

IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
DID_YOU_MEAN = re.compile(r"did you mean `([^`]+)`\?")


class Refused(Exception):
    """An edit that cannot be made; the message says why (sent to the editor as an error)."""


# ---- formatting ----------------------------------------------------------------


def format_document(a: Analysis) -> list[t.TextEdit]:
    from leadrules.syntax.formatter import FormatterBug, format_text

    try:
        out = format_text(a.text, a.path)
    except FormatterBug as e:
        raise Refused(f"leadrules fmt refused to format this file: {e}") from e
    if out.text is None:
        raise Refused("the file has syntax errors; fix them before formatting")
    if out.text == a.text:
        return []
    end = t.Position(line=len(a.lines), character=0)
    return [
        t.TextEdit(range=t.Range(start=t.Position(line=0, character=0), end=end), new_text=out.text)
    ]


# ---- rename --------------------------------------------------------------------


def rename_target(a: Analysis, line: int, col: int):
    occ = a.index.at(a.path, line, col)
    decl = a.index.decl(occ.key) if occ else None
    if decl is None:
        raise Refused("there is no declared name here to rename")
    if decl.kind == "property":
        raise Refused(
            f"`{decl.name}` is read from the data's `{decl.name}` column or key; renaming the "
            "property would read another one"
        )
    return occ, decl


def rename(a: Analysis, line: int, col: int, new: str, indexes) -> t.WorkspaceEdit:
    occ, decl = rename_target(a, line, col)
    if not IDENT.match(new):
        raise Refused(f"`{new}` is not a name: letters, digits and `_`, not starting with a digit")
    if new in KEYWORDS or new in RESERVED:
        raise Refused(f"`{new}` is a keyword or a name the outputs use; choose another")
    edits: dict[tuple, t.TextEdit] = {}
    uris: dict[tuple, str] = {}
    for idx in indexes:
        mine = idx.decl(occ.key)
        if mine is None or mine.span != decl.span:
            continue  # another file's own `decl.name`, or one that does not see this declaration
        clash = idx.decl(("sym", new))
        if clash is not None:
            s = clash.span
            raise Refused(
                f"`{new}` is already declared as {kind_with_article(clash.kind)} "
                f"at {s.path}:{s.line}; "
                "every name is declared once across a file and its imports"
            )
        for o in idx.refs(occ.key):
            key = (o.span.path, o.span.line, o.span.col)
            lines = _lines(a, idx, o.span.path)
            edits[key] = t.TextEdit(range=convert.to_range(o.span, lines), new_text=new)
            uris[key] = convert.uri_of(o.span.path)
        keep = _keep_binding(decl, a, idx)
        if keep is not None:
            key = ("from", decl.span.path, decl.span.line)
            edits[key], uris[key] = keep, convert.uri_of(decl.span.path)
    changes: dict[str, list[t.TextEdit]] = {}
    for key in sorted(edits, key=lambda k: (uris[k], str(k))):
        changes.setdefault(uris[key], []).append(edits[key])
    return t.WorkspaceEdit(changes=changes)


def _keep_binding(decl, a: Analysis, idx: Index) -> t.TextEdit | None:
    """An attribute or event named after its column or event type keeps reading it: the rename
    adds `from "OLD"`."""
    node = decl.node
    if isinstance(node, ast.LeadDecl) and node.column is None:
        at = node.span
    elif isinstance(node, ast.EventDecl) and node.source is None:
        at = node.span
    else:
        return None
    lines = _lines(a, idx, at.path)
    end = convert.position(lines, at.end_line, at.end_col)
    return t.TextEdit(
        range=t.Range(start=end, end=end), new_text=f" from {printer.string(decl.name)}"
    )


def _lines(a: Analysis, idx: Index, display: str) -> list[str]:
    if display == a.path:
        return a.lines
    try:
        with open(convert.path_of(display), encoding="utf-8") as f:
            return convert.split(f.read())
    except OSError:
        return convert.split(a.result.sources.get(display, ""))


# ---- quick fixes ---------------------------------------------------------------


def code_actions(a: Analysis, rng: t.Range) -> list[t.CodeAction]:
    out: list[t.CodeAction] = []
    for d in a.result.diagnostics:
        if d.span.path != a.path:
            continue
        lsp_diag = convert.diagnostic(d, a.lines_of)
        r = lsp_diag.range
        if (r.end.line, r.end.character) < (rng.start.line, rng.start.character) or (
            r.start.line,
            r.start.character,
        ) > (rng.end.line, rng.end.character):
            continue
        for title, edit in _fixes(a, d, r):
            out.append(
                t.CodeAction(
                    title=title,
                    kind=t.CodeActionKind.QuickFix,
                    diagnostics=[lsp_diag],
                    edit=edit,
                    is_preferred=title.startswith("Replace"),
                )
            )
    return out


def _fixes(a: Analysis, d: dg.Diagnostic, r: t.Range):
    m = DID_YOU_MEAN.search(d.help)
    if m:
        new = m.group(1)
        yield f"Replace with `{new}`", _edit(a.uri, r, new)
    name = _name_in(a, d.span)
    if name is None:
        return
    if d.code in ("LR0101", "LR0106"):
        typ = _type_hint(a, d.span)
        yield (
            f"Declare `lead {name}: {typ}`",
            _insert_decl(a, ast.LeadDecl, f"lead {name}: {typ}"),
        )
    if d.code in ("LR0101", "LR0102") and _bare_or_event(a, d):
        yield f"Declare `event {name}`", _insert_decl(a, ast.EventDecl, f"event {name}")
    if d.code == "LR0103":
        event = re.search(r"event `([^`]+)` has no property", d.message)
        fix = _add_property(a, event.group(1), name, _type_hint(a, d.span)) if event else None
        if fix is not None:
            yield fix


def _edit(uri: str, r: t.Range, text: str) -> t.WorkspaceEdit:
    return t.WorkspaceEdit(changes={uri: [t.TextEdit(range=r, new_text=text)]})


def _name_in(a: Analysis, span: Span) -> str | None:
    if span.line != span.end_line or span.line > len(a.lines):
        return None
    text = a.lines[span.line - 1][span.col - 1 : span.end_col - 1]
    return text if IDENT.match(text) else None


def _root(a: Analysis) -> ast.File | None:
    return next((f for f in a.index.files if f.path == a.path), None)


def _insert_decl(a: Analysis, kind: type, text: str) -> t.WorkspaceEdit:
    """After the file's last declaration of the same kind, else after its last declaration."""
    tree = _root(a)
    decls = (ast.ModelDecl, ast.Import, ast.LeadDecl, ast.EventDecl, ast.SignalDecl, ast.ConstDecl)
    stmts = tree.statements if tree else ()
    same = [s for s in stmts if isinstance(s, kind)]
    anchor = same[-1] if same else next((s for s in reversed(stmts) if isinstance(s, decls)), None)
    line = anchor.span.end_line if anchor is not None else 0
    at = t.Position(line=line, character=0)
    return _edit(a.uri, t.Range(start=at, end=at), text + "\n" + ("" if anchor else "\n"))


def _add_property(a: Analysis, event: str, prop: str, typ: str):
    decl = a.index.decl(("sym", event))
    if decl is None or not isinstance(decl.node, ast.EventDecl):
        return None
    node: ast.EventDecl = decl.node
    lines = _lines(a, a.index, node.span.path)
    if node.props:
        end = node.props[-1].span
        at, text = convert.position(lines, end.end_line, end.end_col), f", {prop}: {typ}"
    elif node.has_parens:
        n = node.name.span
        at, text = convert.position(lines, n.end_line, n.end_col + 1), f"{prop}: {typ}"
    else:
        n = node.name.span
        at, text = convert.position(lines, n.end_line, n.end_col), f"({prop}: {typ})"
    edit = t.WorkspaceEdit(
        changes={
            convert.uri_of(node.span.path): [
                t.TextEdit(range=t.Range(start=at, end=at), new_text=text)
            ]
        }
    )
    return f"Declare the property `{prop}: {typ}` on `event {event}`", edit


# ---- what type a missing name should have, from where it is used ----------------


def _parent_of(span: Span, node, parent=None):
    """The node whose direct child is the Name at `span` (searching the whole tree)."""
    if isinstance(node, ast.Name):
        return parent if node.span == span else None
    if isinstance(node, tuple):
        for x in node:
            found = _parent_of(span, x, parent)
            if found is not None:
                return found
        return None
    if not is_node(node):
        return None
    for f in fields(node):
        if f == "span":
            continue
        found = _parent_of(span, getattr(node, f), node)
        if found is not None:
            return found
    return None


def _type_hint(a: Analysis, span: Span) -> str:
    tree = _root(a)
    parent = _parent_of(span, tree.statements) if tree else None
    if isinstance(parent, ast.Compare):
        other = parent.right if parent.left.span == span else parent.left
        if isinstance(other, ast.Literal):
            return other.type
        if isinstance(other, ast.Call):
            return FUNCTIONS[other.func].result
        return "number"
    if isinstance(parent, ast.In):
        if isinstance(parent.target, ast.ListLit) and parent.target.items:
            return parent.target.items[0].type
        return "number" if isinstance(parent.target, ast.Range) else "text"
    if isinstance(parent, ast.Call):
        return FUNCTIONS[parent.func].arg
    if isinstance(parent, ast.Assign):
        return parent.value.type
    if isinstance(parent, (ast.Rule, ast.Not, ast.And, ast.Or, ast.Paren)):
        return "bool"
    return "text"


def _bare_or_event(a: Analysis, d: dg.Diagnostic) -> bool:
    """Whether an unknown name stands where an event may (a condition on its own, not compared)."""
    if d.code == "LR0102":
        return True
    tree = _root(a)
    parent = _parent_of(d.span, tree.statements) if tree else None
    kinds = (ast.Rule, ast.EachRule, ast.Not, ast.And, ast.Or, ast.Paren, ast.Within, ast.Count)
    return isinstance(parent, (*kinds, ast.NoWithin, ast.Where))
