"""Checks on the raw text before Lark sees it.

These catch what a parser reports badly: bytes that are not UTF-8, NUL bytes, tabs mixed with
spaces, strings never closed, brackets never closed and nesting deep enough to exhaust the
recursion of the later stages. Each finding is a diagnostic pointing at the exact place.
"""

from __future__ import annotations

from leadrules import diagnostics as dg
from leadrules.syntax.ast import Span

MAX_NESTING = 64
_INDENT_HELP = (
    "replace the tabs with spaces by hand (how deep a tab goes depends on the editor, so "
    "`leadrules fmt` cannot); a file indented with tabs alone is read, and `fmt` turns its tabs "
    "into spaces"
)
_STRING_HELP = 'close it with `"` on the same line; write `\\"` for a quote inside'
_CLOSERS = {"(": ")", "[": "]"}


def decode(data: bytes | str, path: str) -> tuple[str | None, list[dg.Diagnostic]]:
    """Bytes -> text with `\\n` line ends, or None and an LR0005 diagnostic."""
    if isinstance(data, str):
        text = data
    else:
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            line = data.count(b"\n", 0, e.start) + 1
            col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
            return None, [
                dg.make(
                    "LR0005",
                    f"the file is not valid UTF-8 (byte 0x{data[e.start]:02x})",
                    Span(path, line, col, line, col + 1),
                    help="a rules file is UTF-8 text; save it as UTF-8",
                )
            ]
    text = text.lstrip("\ufeff")
    if "\x00" in text:
        i = text.index("\x00")
        line, col = _line_col(text, i)
        return None, [
            dg.make(
                "LR0005",
                "the file contains a NUL byte",
                Span(path, line, col, line, col + 1),
                help="a rules file is plain text; is this a binary file?",
            )
        ]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def indentation(text: str, path: str) -> list[dg.Diagnostic]:
    """LR0006: a line indented with both, or a file indented with tabs here and spaces there."""
    first: tuple[str, int] | None = None  # ("tab" | "space", line)
    for no, line in enumerate(text.split("\n"), 1):
        stripped = line.lstrip(" \t")
        if not stripped or stripped.startswith("#"):
            continue
        indent = line[: len(line) - len(stripped)]
        if not indent:
            continue
        span = Span(path, no, 1, no, len(indent) + 1)
        if " " in indent and "\t" in indent:
            return [
                dg.make(
                    "LR0006",
                    "this line's indentation mixes tabs and spaces",
                    span,
                    help=_INDENT_HELP,
                )
            ]
        kind = "tab" if "\t" in indent else "space"
        if first is None:
            first = (kind, no)
        elif first[0] != kind:
            return [
                dg.make(
                    "LR0006",
                    f"this line is indented with {kind}s, line {first[1]} with {first[0]}s",
                    span,
                    help=_INDENT_HELP,
                )
            ]
    return []


def brackets_and_strings(text: str, path: str) -> list[dg.Diagnostic]:
    """LR0003 strings never closed, LR0008 nesting too deep, LR0001 brackets never closed."""
    out: list[dg.Diagnostic] = []
    stack: list[tuple[str, int, int]] = []  # (bracket, line, col)
    for no, line in enumerate(text.split("\n"), 1):
        i, n = 0, len(line)
        while i < n:
            ch = line[i]
            if ch == "#":
                break
            if ch == '"':
                j = i + 1
                while j < n and line[j] != '"':
                    j += 2 if line[j] == "\\" else 1
                if j >= n:
                    out.append(
                        dg.make(
                            "LR0003",
                            "this string is never closed",
                            Span(path, no, i + 1, no, n + 1),
                            label="the string starts here",
                            help=_STRING_HELP,
                        )
                    )
                    break
                i = j + 1
                continue
            if ch in _CLOSERS:
                stack.append((ch, no, i + 1))
                if len(stack) > MAX_NESTING:
                    return [
                        dg.make(
                            "LR0008",
                            f"brackets nested more than {MAX_NESTING} deep",
                            Span(path, no, i + 1, no, i + 2),
                            help="split the condition into signals or simpler rules",
                        )
                    ]
            elif ch in ")]":
                if stack and _CLOSERS[stack[-1][0]] == ch:
                    stack.pop()
                else:
                    want = (
                        f"; the open `{stack[-1][0]}` at line {stack[-1][1]} wants "
                        f"`{_CLOSERS[stack[-1][0]]}`"
                        if stack
                        else ""
                    )
                    out.append(
                        dg.make(
                            "LR0001",
                            f"`{ch}` closes nothing{want}",
                            Span(path, no, i + 1, no, i + 2),
                            help="remove it, or open the bracket it closes",
                        )
                    )
                    return out
            i += 1
    for ch, no, col in stack[:1]:
        out.append(
            dg.make(
                "LR0001",
                f"this `{ch}` is never closed",
                Span(path, no, col, no, col + 1),
                label="opened here",
                help=f"close it with `{_CLOSERS[ch]}`",
            )
        )
    return out
