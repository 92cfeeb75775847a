"""leadrules values -> LSP values: spans to ranges (UTF-16 columns), diagnostics, paths to URIs."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types as t
from pygls import uris

from leadrules import diagnostics as dg
from leadrules import doclinks
from leadrules.syntax.ast import Span


def path_of(display: str) -> str:
    """The file a display path names (the loader shows imports relative to the working folder)."""
    p = Path(display)
    if not p.is_absolute():
        p = Path.cwd() / p
    return str(p.resolve())


OPEN: dict[str, str] = {}  # an open document's display path -> its URI (untitled buffers too)


def uri_of(display: str) -> str:
    uri = OPEN.get(display)
    if uri is not None:
        return uri
    return uris.from_fs_path(path_of(display)) or display


def fs_path(uri: str) -> str:
    path = uris.to_fs_path(uri)
    return str(Path(path).resolve()) if path else uri


def utf16(text: str, col: int) -> int:
    """The UTF-16 offset of code point `col` (0-based) of a line."""
    head = text[:col]
    return len(head) + sum(1 for ch in head if ord(ch) > 0xFFFF) + max(0, col - len(text))


def from_utf16(text: str, units: int) -> int:
    """The code point index (0-based) of UTF-16 offset `units` of a line."""
    count = 0
    for i, ch in enumerate(text):
        if count >= units:
            return i
        count += 2 if ord(ch) > 0xFFFF else 1
    return len(text) + max(0, units - count)


def position(lines: list[str], line: int, col: int) -> t.Position:
    """1-based line and column (code points) -> an LSP position."""
    i = max(line - 1, 0)
    text = lines[i] if i < len(lines) else ""
    return t.Position(line=i, character=utf16(text, max(col - 1, 0)))


def to_range(span: Span, lines: list[str]) -> t.Range:
    return t.Range(
        start=position(lines, span.line, span.col), end=position(lines, span.end_line, span.end_col)
    )


def from_position(lines: list[str], pos: t.Position) -> tuple[int, int]:
    """An LSP position -> 1-based (line, column in code points)."""
    text = lines[pos.line] if pos.line < len(lines) else ""
    return pos.line + 1, from_utf16(text, pos.character) + 1


def split(source: str) -> list[str]:
    return source.replace("\r\n", "\n").split("\n")


def context_key(d: dg.Diagnostic, lines_of) -> tuple:
    """With the diagnostic, all that `diagnostic` reads besides it: the text of every line its
    spans start or end on (a position in UTF-16 depends on its line's text) and the URIs of its
    related spans (an open document's may be an untitled buffer's)."""
    out: list = [uri_of(span.path) for span, _ in d.related]
    for span in (d.span, *(s for s, _ in d.related)):
        lines = lines_of(span.path)
        for line in (span.line, span.end_line):
            i = max(line - 1, 0)
            out.append(lines[i] if i < len(lines) else None)
    return tuple(out)


def diagnostic(d: dg.Diagnostic, lines_of) -> t.Diagnostic:
    """A leadrules diagnostic as the editor shows it: the same code, message, span and help as
    `leadrules check` (the help as the message's second line); `lines_of(display)` gives a file's
    lines."""
    message = d.message + (f"\nhelp: {d.help}" if d.help else "")
    related = [
        t.DiagnosticRelatedInformation(
            location=t.Location(uri=uri_of(span.path), range=to_range(span, lines_of(span.path))),
            message=note,
        )
        for span, note in d.related
    ]
    return t.Diagnostic(
        range=to_range(d.span, lines_of(d.span.path)),
        message=message,
        severity=t.DiagnosticSeverity.Error if d.is_error else t.DiagnosticSeverity.Warning,
        code=d.code,
        code_description=t.CodeDescription(href=doclinks.code_url(d.code)),
        source="leadrules",
        related_information=related or None,
        data={"help": d.help, "label": d.label},
    )
