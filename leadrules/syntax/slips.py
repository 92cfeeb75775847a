"""Common first mistakes, each with its own message and a help line showing the fix.

`errors` asks here first; when nothing matches, the generic "expected ..., found ..." applies.
Each function gets the offending token (or character) and the text of its line and returns a
diagnostic or None. The help quotes the user's own line, corrected, wherever it can.
"""

from __future__ import annotations

import re
import unicodedata

from lark import Token

from leadrules import diagnostics as dg
from leadrules.syntax.ast import Span


def _code(line: str) -> str:
    """The line without its comment and its indentation."""
    return line.split("#", 1)[0].strip()


def _statement(line: str, col: int) -> str:
    """The `;`-separated statement of `line` that holds column `col` (1-based), stripped."""
    start = line.rfind(";", 0, col - 1) + 1
    end = line.find(";", col - 1)
    return _code(line[start : end if end >= 0 else len(line)])


def after_token(tok: Token, expected: set[str], line: str, span: Span) -> dg.Diagnostic | None:
    """A slip detected at an unexpected token."""
    text = str(tok)
    before = line[: span.col - 1]
    if tok.type == "EQUAL" and "COMP_OP" in expected:
        fixed = line[: span.col - 1] + "==" + line[span.col :]
        return dg.make(
            "LR0001",
            "`=` does not compare: write `==`",
            span,
            label="use `==`",
            help=f"write `{_statement(fixed, span.col)}`; `=` only gives values in tests, "
            "consts and `set`",
        )
    if tok.type == "NAME" and text == "between":
        m = re.search(r"(\S+)\s+between\s+(\S+)\s+and\s+([^\s:]+)", line)
        fix = f"`{m.group(1)} in {m.group(2)}..{m.group(3)}`" if m else "`x in 50..200`"
        return dg.make(
            "LR0001",
            "`between` is not a keyword: a range is written `in A..B`",
            span,
            label="not a keyword",
            help=f"write {fix} (both ends included)",
        )
    if text == ".." and "[" in before and "]" not in before[before.rfind("[") :]:
        m = re.search(r"(\S+)\s+(not\s+)?in\s+\[\s*([^\].]+?)\s*\.\.\s*([^\]]+?)\s*\]", line)
        fix = (
            f"`{m.group(1)} {m.group(2) or ''}in {m.group(3)}..{m.group(4)}`"
            if m
            else "`x in 50..200`"
        )
        return dg.make(
            "LR0001",
            "a range has no brackets: write `in A..B`",
            span,
            label="a range inside a list",
            help=f"write {fix}; brackets hold a list of values: `in [1, 2, 3]`",
        )
    if tok.type == "LSQB" and re.search(r"\b(contains|starts_with|ends_with)\s*$", before):
        m = re.search(r"(\S+)\s+(contains|starts_with|ends_with)\s+\[([^\]]*)\]", line)
        fix = ""
        if m:
            items = [i.strip() for i in m.group(3).split(",") if i.strip()]
            fix = " or ".join(f"{m.group(1)} {m.group(2)} {i}" for i in items)
        op = re.search(r"(contains|starts_with|ends_with)\s*$", before).group(1)
        return dg.make(
            "LR0001",
            f"`{op}` takes one text, not a list",
            span,
            label="a list",
            help=(f"write `{fix}`" if fix else f'join the tests with `or`: `x {op} "a" or ...`')
            + "; `in [...]` tests equality with a list",
        )
    if tok.type == "NUMBER" and re.match(r"\s*times\b", line[span.end_col - 1 :]):
        m = re.search(r"([A-Za-z_]\w*)\s*$", before)
        event = m.group(1) if m else "E"
        return dg.make(
            "LR0001",
            "a count of events is compared: write `>=` (or `==`, `<`...) before it",
            span,
            label="compare the count",
            help=f"write `{event} >= {text} times` (at least {text}) or "
            f"`{event} == {text} times` (exactly {text})",
        )
    return None


def at_character(text: str, pos: int, span: Span) -> dg.Diagnostic | None:
    """A slip detected at a character no token starts with."""
    ch = text[pos]
    if ch in "&|":
        word = "and" if ch == "&" else "or"
        double = text[pos : pos + 2] == ch * 2
        written = ch * 2 if double else ch
        wide = Span(span.path, span.line, span.col, span.line, span.col + len(written))
        return dg.make(
            "LR0002",
            f"`{written}` is written `{word}`",
            wide,
            label=f"use `{word}`",
            help=f"conditions combine with `and`, `or` and `not`: `a > 1 {word} b == 2`",
        )
    if ch.isalpha() and not ch.isascii():
        return _non_ascii_name(text, pos, span)
    return None


def _non_ascii_name(text: str, pos: int, span: Span) -> dg.Diagnostic:
    start = pos
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    end = pos
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    word = text[start:end]
    col = span.col - (pos - start)
    wide = Span(span.path, span.line, col, span.line, col + len(word))
    ascii_name = _ascii(word)
    line_start = text.rfind("\n", 0, start) + 1
    line = text[line_start : text.find("\n", start) if "\n" in text[start:] else len(text)]
    head = _code(line).split(" ", 1)[0]
    if head == "lead":
        m = re.match(r"\s*lead\s+\S+\s*:\s*(\w+)", line)
        typ = m.group(1) if m else "text"
        fix = f'`lead {ascii_name}: {typ} from "{word}"`'
    elif head == "event" and re.match(rf"\s*event\s+{re.escape(word)}\b", line):
        fix = f'`event {ascii_name} from "{word}"`'
    elif head == "event":  # a property
        m = re.search(rf"{re.escape(word)}\s*:\s*(\w+)", line)
        typ = m.group(1) if m else "text"
        fix = f'`{ascii_name}: {typ} from "{word}"` among the event\'s properties'
    else:
        fix = (
            f'`{ascii_name}`, declared with `from "{word}"` '
            f'(`lead {ascii_name}: text from "{word}"`)'
        )
    return dg.make(
        "LR0002",
        f"`{word}` is not a name: names are ASCII letters, digits and `_`",
        wide,
        label="not ASCII",
        help=f"give it an ASCII name and read the column by its own name with `from`: {fix}",
    )


def _ascii(word: str) -> str:
    """`branża` -> `branza`; a word with no Latin letters (Hebrew, Persian) -> `name`."""
    folded = unicodedata.normalize("NFKD", word).replace("ł", "l").replace("Ł", "L")
    out = "".join(c for c in folded if c.isascii() and (c.isalnum() or c == "_"))
    if not out or not (out[0].isalpha() or out[0] == "_") or len(out) < len(word) / 2:
        return "name"
    return out
