"""The language server's memory: the latest check of every open document.

A document is checked exactly as `leadrules check` checks it (`leadrules.check.check` with the
editor's text; imports are read from disk), through a parse cache so that a keystroke re-parses
only the top-level block it touched, and a memo of its groups (`leadrules/check/memo.py`) so that
it re-checks only the group it touched. When the text does not parse, the previous index and model
stay in use for navigation and completion, and the diagnostics say what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from leadrules.check import Result, check
from leadrules.check.loader import load_files
from leadrules.check.memo import GroupMemo
from leadrules.lsp import convert, index
from leadrules.lsp.parsing import ParseCache


@dataclass
class Analysis:
    uri: str
    path: str  # the file's absolute path: its display path in spans
    text: str
    result: Result
    root_parsed: bool  # False while the text has syntax errors
    previous: Analysis | None  # whose index serves while this text does not parse
    model: object  # the last Model that checked without errors (None until one did)
    lines: list[str] = field(default_factory=list)
    _index: index.Index | None = None
    _lines: dict[str, list[str]] = field(default_factory=dict)  # an import's lines, split once

    @property
    def index(self) -> index.Index:
        """Built on the first request after an edit, not on every keystroke."""
        if self._index is None:
            if self.root_parsed or self.previous is None:
                self._index = index.build(self.result.files)
            else:
                self._index = self.previous.index
            self.previous = None
        return self._index

    def lines_of(self, display: str) -> list[str]:
        if display == self.path:
            return self.lines
        lines = self._lines.get(display)
        if lines is None:
            lines = self._lines[display] = convert.split(self.result.sources.get(display, ""))
        return lines

    def diagnostics_by_uri(self) -> dict[str, list]:
        out: dict[str, list] = {}
        for d in self.result.diagnostics:
            out.setdefault(convert.uri_of(d.span.path), []).append(d)
        return out


class State:
    def __init__(self):
        self.parse = ParseCache()
        self.docs: dict[str, Analysis] = {}
        self.memos: dict[str, GroupMemo] = {}  # a document's URI -> its groups' memo

    def analyze(self, uri: str, text: str) -> Analysis:
        path = convert.fs_path(uri)
        convert.OPEN[path] = uri
        memo = self.memos.setdefault(uri, GroupMemo())
        result = check(path, text, parse=self.parse, memo=memo)
        before = self.docs.get(uri)
        root_parsed = any(f.path == path for f in result.files)
        previous = before
        if before is not None and not before.root_parsed and before._index is None:
            previous = before.previous  # chains stay one link long
        model = result.model if result.model is not None else (before.model if before else None)
        found = Analysis(uri, path, text, result, root_parsed, previous, model, convert.split(text))
        self.docs[uri] = found
        return found

    def close(self, uri: str) -> None:
        self.memos.pop(uri, None)
        closed = self.docs.pop(uri, None)
        if closed is not None:
            convert.OPEN.pop(closed.path, None)

    def get(self, uri: str) -> Analysis | None:
        return self.docs.get(uri)

    def workspace_indexes(self, roots: list[str], limit: int = 2000):
        """The index of every `.lrules` file under the workspace folders and every open document
        (for references and rename across files that import the one being edited)."""
        seen: set[str] = set()
        for a in self.docs.values():
            seen.add(a.path)
            yield a.index
        count = 0
        for root in roots:
            for p in sorted(Path(root).rglob("*.lrules")):
                if count >= limit:
                    return
                parts = p.relative_to(root).parts
                if any(part.startswith(".") or part == "node_modules" for part in parts):
                    continue
                count += 1
                path = str(p.resolve())
                if path in seen:
                    continue
                seen.add(path)
                try:
                    loaded = load_files(path, parse=self.parse)
                except OSError:
                    continue
                yield index.build(loaded.files)
