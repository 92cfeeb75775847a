"""Text -> AST. Lark (LALR, contextual lexer, strict, cached); errors become diagnostics.

The stages: `prelex` checks the raw text (encoding, indentation, strings, brackets); Lark parses;
`builder` turns the tree into the AST. No Lark exception reaches the user: `errors` phrases each
one for people, and parsing resumes after blanking the top-level statement that failed (keeping
line numbers), so one run reports the errors of several statements.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lark import Lark, Token
from lark.exceptions import UnexpectedInput, VisitError
from lark.indenter import DedentError, Indenter

from leadrules import diagnostics as dg
from leadrules.syntax import ast, errors, prelex
from leadrules.syntax.ast import Span
from leadrules.syntax.builder import BadSyntax, Builder, unescape

__all__ = ["grammar_path", "lark_parser", "parse_file", "parse_text", "unescape"]

MAX_ERRORS = 20  # syntax errors reported per file before giving up


def grammar_path() -> Path:
    """The grammar ships inside the wheel as leadrules/grammar/; in a checkout it is ../grammar/."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (
        here / "grammar" / "leadrules.lark",
        here.parent / "grammar" / "leadrules.lark",
    ):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("leadrules.lark not found beside the package")


class _Indenter(Indenter):
    NL_type = "_NL"
    OPEN_PAREN_types = ["LPAR", "LSQB"]
    CLOSE_PAREN_types = ["RPAR", "RSQB"]
    INDENT_type = "_INDENT"
    DEDENT_type = "_DEDENT"
    tab_len = 8


class _Comments:
    """A lexer callback collecting the comments held in newline tokens, for the formatter."""

    def __init__(self) -> None:
        self.found: list[tuple[str, int, int]] = []  # (text, line, col)

    def __call__(self, tok: Token) -> Token:
        if "#" in tok:
            for offset, part in enumerate(str(tok).split("\n")):
                at = part.find("#")
                if at >= 0:
                    col = (tok.column if offset == 0 else 1) + at
                    self.found.append((part[at:].rstrip("\r"), tok.line + offset, col))
        return tok


@lru_cache(maxsize=1)
def lark_parser() -> Lark:
    """The Lark parser, built once per process; `cache=True` keeps its tables between runs."""
    return Lark(
        grammar_path().read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        postlex=_Indenter(),
        propagate_positions=True,
        maybe_placeholders=True,
        strict=True,
        cache=True,
        lexer_callbacks={"_NL": _on_newline},
    )


# Lark's lexer copies its callbacks the first time it runs, so one fixed callback is registered
# and each parse points it at its own collector.
_collecting: list[_Comments] = []


def _on_newline(tok: Token) -> Token:
    return _collecting[-1](tok) if _collecting else tok


def _parse_tree(text: str, comments: _Comments):
    _collecting.append(comments)
    try:
        return lark_parser().parse(text)
    finally:
        _collecting.pop()


def parse_text(
    text: str | bytes, path: str = "<input>"
) -> tuple[ast.File | None, list[dg.Diagnostic]]:
    """Parse a whole file: the AST (None when the text has syntax errors) and diagnostics."""
    decoded, diags = prelex.decode(text, path)
    if decoded is None:
        return None, diags
    diags = prelex.indentation(decoded, path) or prelex.brackets_and_strings(decoded, path)
    if diags:
        return None, diags
    source = decoded if decoded.endswith("\n") else decoded + "\n"
    found: list[dg.Diagnostic] = []
    attempt = source
    while len(found) < MAX_ERRORS:
        comments = _Comments()
        try:
            tree = _parse_tree(attempt, comments)
        except UnexpectedInput as e:
            diag = errors.to_diagnostic(e, path, attempt)
        except DedentError:
            diag = _dedent_diagnostic(attempt, path)
        else:
            if found:
                break
            try:
                stmts = Builder(path).transform(tree)
            except VisitError as e:
                if isinstance(e.orig_exc, BadSyntax):
                    return None, [e.orig_exc.diag]
                raise
            return ast.File(path, tuple(stmts), _file_comments(comments.found, source)), []
        found.append(diag)
        retry = _blank_statement(attempt, diag.span.line)
        if retry is None:
            break
        attempt = retry
    return None, found


def parse_file(path: str | Path, display: str | None = None):
    p = Path(path)
    return parse_text(p.read_bytes(), display or str(path))


def _blank_statement(text: str, line: int) -> str | None:
    """Blank the top-level statement holding `line`, keeping line numbers; None if all blank."""
    lines = text.split("\n")
    idx = min(max(line - 1, 0), len(lines) - 1)

    def starts_statement(i: int) -> bool:
        s = lines[i]
        return s.strip() != "" and not s.lstrip().startswith("#") and not s[:1].isspace()

    start = idx
    while start > 0 and not starts_statement(start):
        start -= 1
    end = idx + 1
    while end < len(lines) and not starts_statement(end):
        end += 1
    if all(not lines[i].strip() for i in range(start, end)):
        return None
    body = [i for i in range(start + 1, end) if lines[i].strip() and lines[i][:1].isspace()]
    if idx in body and len(body) > 1:
        end = (start := idx) + 1  # a bad line inside a block: drop that line only
    for i in range(start, end):
        lines[i] = ""
    return "\n".join(lines)


def _dedent_diagnostic(text: str, path: str) -> dg.Diagnostic:
    line = _bad_dedent_line(text)
    lines = text.split("\n")
    content = lines[line - 1] if 0 < line <= len(lines) else ""
    width = len(content) - len(content.lstrip())
    return dg.make(
        "LR0004",
        "this line's indentation matches no enclosing block",
        Span(path, line, 1, line, width + 1),
        help="indent it exactly as deep as the other lines of its block",
    )


def _bad_dedent_line(text: str) -> int:
    stack = [0]
    for no, line in enumerate(text.split("\n"), 1):
        stripped = line.lstrip(" \t")
        if not stripped or stripped.startswith("#"):
            continue
        width = len(line.expandtabs(_Indenter.tab_len)) - len(stripped)
        if width > stack[-1]:
            stack.append(width)
            continue
        while width < stack[-1]:
            stack.pop()
        if width != stack[-1]:
            return no
    return 1


def _file_comments(found, source: str) -> tuple[ast.Comment, ...]:
    lines = source.split("\n")
    out = []
    for text, line, col in found:
        own = lines[line - 1][: col - 1].strip() == "" if 0 < line <= len(lines) else True
        out.append(ast.Comment(text, line, col, own))
    return tuple(out)
