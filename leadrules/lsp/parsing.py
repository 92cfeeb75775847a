"""A cached parse for the language server: a file is cut into top-level blocks and only the blocks
that changed since the last keystroke are parsed again.

A block starts at a line whose first character is neither a blank nor `#` and runs to the next
such line. Each block is parsed as its own text, preceded by as many empty lines as lie before it,
so that every span is where the whole-file parse would put it; the statements and comments of the
blocks, in order, are the file's. Anything unusual (a syntax error in a block, a problem the
pre-lexing checks find) falls back to `parse_text` on the whole file, so the diagnostics are always
exactly those of `leadrules check`. `tests/lsp/test_parsing.py` compares the two on every corpus
file, example and documentation block.
"""

from __future__ import annotations

from collections import OrderedDict

from leadrules.syntax import ast, prelex
from leadrules.syntax.parser import parse_text

Parsed = tuple  # (ast.File | None, list[Diagnostic])


class ParseCache:
    """`parse(text, path)` with the signature of `parse_text`; keeps recent files and blocks."""

    def __init__(self, files: int = 64, blocks: int = 4096):
        self._files: OrderedDict[tuple, Parsed] = OrderedDict()
        self._blocks: OrderedDict[tuple, ast.File] = OrderedDict()
        self._max_files = files
        self._max_blocks = blocks

    def __call__(self, text: str | bytes, path: str = "<input>") -> Parsed:
        key = (path, text)
        hit = self._files.get(key)
        if hit is not None:
            self._files.move_to_end(key)
            return hit
        result = self._parse(text, path)
        self._files[key] = result
        if len(self._files) > self._max_files:
            self._files.popitem(last=False)
        return result

    def _parse(self, text: str | bytes, path: str) -> Parsed:
        decoded, diags = prelex.decode(text, path)
        if decoded is None or diags:
            return parse_text(text, path)
        # tabs here and spaces there is a whole-file matter; strings and brackets are checked
        # block by block (a bracket open across blocks fails both blocks: the whole-file parse)
        if prelex.indentation(decoded, path):
            return parse_text(text, path)
        statements: list = []
        comments: list = []
        for start, block in blocks(decoded):
            tree = self._block(path, start, block)
            if tree is None:
                return parse_text(text, path)
            statements.extend(tree.statements)
            comments.extend(tree.comments)
        return ast.File(path, tuple(statements), tuple(comments)), []

    def _block(self, path: str, start: int, block: str) -> ast.File | None:
        key = (path, start, block)
        tree = self._blocks.get(key)
        if tree is not None:
            self._blocks.move_to_end(key)
            return tree
        tree, diags = parse_text("\n" * start + block, path)
        if tree is None or diags:
            return None
        self._blocks[key] = tree
        if len(self._blocks) > self._max_blocks:
            self._blocks.popitem(last=False)
        return tree


def blocks(text: str) -> list[tuple[int, str]]:
    """The top-level blocks of `text`: (number of lines before the block, the block's text)."""
    lines = text.splitlines(keepends=True)
    out: list[tuple[int, str]] = []
    start = 0
    for i, line in enumerate(lines):
        if i > start and line[:1] not in ("", " ", "\t", "#", "\n", "\r"):
            out.append((start, "".join(lines[start:i])))
            start = i
    if start < len(lines):
        out.append((start, "".join(lines[start:])))
    return out
