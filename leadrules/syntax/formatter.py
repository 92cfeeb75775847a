"""Source text -> the canonical layout, keeping every comment.

The layout (docs/commands/fmt.md):

- statements keep the order they were written in; one statement per line (`a: +1; b: +2`
  becomes two lines); a statement broken over lines (`\\` or an open bracket) is joined;
- blocks (`GROUP:`, `on ...:`, `test ...:`) indent their lines by two spaces;
- inside a line, single spaces around operators and after commas (see `printer`);
- at most one blank line where the source had one or more; none at the start of the file or
  of a block; exactly one newline at the end (none for an empty file); `\\n` line ends;
- a comment at the end of a line stays there, two spaces after the code; a comment on its own
  line stays before what it preceded, at that line's indentation. A comment on its own line
  after the last line of a block stays in the block when it was indented, else it moves out.
  A comment inside a statement broken over lines (in a multi-line list) moves to its own line
  just before the statement.

`format_text` only needs the text to parse: a file the checker rejects is still formatted.
Before returning, the result is parsed again and compared with the input (statements and
comments); a difference is a bug in the formatter and raises `FormatterBug` rather than
returning text that means something else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from leadrules import diagnostics as dg
from leadrules.nodes import compared_fields
from leadrules.syntax import ast, printer
from leadrules.syntax.parser import parse_text

INDENT = "  "
COMMENT_GAP = "  "
_BLOCKS = (ast.Group, ast.OnBlock, ast.TestBlock)


class FormatterBug(Exception):
    """The formatted text would not mean what the input means; nothing should be written."""


@dataclass(frozen=True)
class Formatted:
    """The canonical text (None when the input has syntax errors) and the parser's diagnostics."""

    text: str | None
    diagnostics: list[dg.Diagnostic] = field(default_factory=list)


def format_text(text: str | bytes, path: str = "<input>") -> Formatted:
    """Format a whole file. Syntax errors give `Formatted(None, diagnostics)`."""
    tree, diags = parse_text(text, path)
    if tree is None:
        return Formatted(None, diags)
    out = layout(tree, _decode(text))
    _verify(tree, out, path)
    return Formatted(out, [])


# ---- layout --------------------------------------------------------------------


@dataclass
class _Item:
    """One output line in source order: a statement, a block header or a comment."""

    first: int  # source lines covered, 1-based
    last: int
    depth: int
    text: str
    col: int = 1
    is_comment: bool = False
    is_header: bool = False
    trailing: str | None = None
    before: list[str] = field(default_factory=list)  # comments moved out of the statement


def layout(tree: ast.File, source: str) -> str:
    items = _code_items(tree.statements)
    items = _place_comments(items, tree.comments)
    lines = source.split("\n")
    out: list[str] = []
    prev: _Item | None = None
    for item in items:
        if prev is not None and not prev.is_header and _blank_between(lines, prev.last, item.first):
            out.append("")
        pad = INDENT * item.depth
        out.extend(pad + c for c in item.before)
        code = pad + item.text
        out.append(code + COMMENT_GAP + item.trailing if item.trailing else code)
        prev = item
    return "\n".join(out) + "\n" if out else ""


def _code_items(stmts) -> list[_Item]:
    items = []
    for s in stmts:
        if isinstance(s, _BLOCKS):
            items.append(_Item(s.span.line, s.span.line, 0, printer.header(s), is_header=True))
            items.extend(_node_item(n, 1) for n in printer.body(s))
        else:
            items.append(_node_item(s, 0))
    return items


def _node_item(node, depth: int) -> _Item:
    sp = node.span
    return _Item(sp.line, sp.end_line, depth, printer.line(node), col=sp.col)


def _place_comments(items: list[_Item], comments: tuple[ast.Comment, ...]) -> list[_Item]:
    """Attach trailing and inner comments to their items; return items and own-line comments
    merged in source order, each own-line comment with its depth."""
    ending: dict[int, _Item] = {}  # line -> the last item ending on it
    inside: dict[int, _Item] = {}  # line -> the last item going on past it
    for item in items:
        ending[item.last] = item
        for n in range(item.first, item.last):
            inside[n] = item
    free: list[ast.Comment] = []
    for c in sorted(comments, key=lambda c: (c.line, c.col)):
        text = c.text.rstrip()
        end, within = ending.get(c.line), inside.get(c.line)
        if not c.own_line and end is not None and _starts_before(end, c):
            end.trailing = text
        elif within is not None and _starts_before(within, c):
            within.before.append(text)
        else:
            free.append(c)
    merged = sorted(
        items
        + [_Item(c.line, c.line, 0, c.text.rstrip(), col=c.col, is_comment=True) for c in free],
        key=lambda i: (i.first, i.col),
    )
    _comment_depths(merged)
    return merged


def _starts_before(item: _Item, c: ast.Comment) -> bool:
    return (item.first, item.col) < (c.line, c.col)


def _comment_depths(merged: list[_Item]) -> None:
    """An own-line comment takes the depth of what follows it; after the last line of a block it
    stays in the block if it was indented."""
    following = [0] * len(merged)
    depth = 0  # a comment at the end of the file is at the top level unless indented
    for i in range(len(merged) - 1, -1, -1):
        if not merged[i].is_comment:
            depth = merged[i].depth
        following[i] = depth
    for i, item in enumerate(merged):
        if not item.is_comment:
            continue
        prev = merged[i - 1] if i > 0 else None
        if prev is not None and prev.depth > following[i] and item.col > 1:
            item.depth = prev.depth
        else:
            item.depth = following[i]


def _blank_between(lines: list[str], after: int, before: int) -> bool:
    return any(not lines[n - 1].strip() for n in range(after + 1, before) if n - 1 < len(lines))


def _decode(text: str | bytes) -> str:
    """The text as the parser saw it (it parsed, so it decodes): no BOM, `\\n` line ends."""
    if isinstance(text, bytes):
        text = text.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ---- the safety net ------------------------------------------------------------------


def _verify(tree: ast.File, out: str, path: str) -> None:
    again, diags = parse_text(out, path)
    if again is None:
        first = diags[0] if diags else None
        where = f" (line {first.span.line}: {first.message})" if first else ""
        raise FormatterBug(f"the formatted text of {path} does not parse{where}")
    if _strict(again.statements) != _strict(tree.statements):
        raise FormatterBug(f"formatting {path} would change what it means")
    if sorted(c.text.rstrip() for c in again.comments) != sorted(
        c.text.rstrip() for c in tree.comments
    ):
        raise FormatterBug(f"formatting {path} would lose or change a comment")


def _strict(node) -> object:
    """An AST as nested tuples compared strictly: `4.0` is not `4`, `-0.0` is not `0.0` (the
    nodes' own `==` says they are equal, and a float where a whole number is due is an error)."""
    kind = type(node)
    if kind is tuple or kind is list:
        return tuple(map(_strict, node))
    if kind is float:
        return repr(node)
    if kind in _SCALARS:
        return node
    names = _compared_fields(kind)
    return (kind.__name__, *[_strict(getattr(node, n)) for n in names])


_SCALARS = frozenset({int, str, bool, type(None)})


def _compared_fields(cls: type) -> tuple[str, ...]:
    try:
        return compared_fields(cls)
    except TypeError:
        raise TypeError(f"unexpected {cls.__name__} in a syntax tree") from None
