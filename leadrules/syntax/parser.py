"""Text -> AST. Lark (LALR, contextual lexer, strict, cached); errors become diagnostics.

The stages: `prelex` checks the raw text (encoding, indentation, strings, brackets); the parser
parses; `builder` turns the tree into the AST. The parser is Lark's, run by `lalr.Runtime` on
the tables Lark built (kept in the user's cache) without importing Lark; text the runtime does
not parse alone is parsed again by Lark itself. No Lark exception reaches the user: `errors`
phrases each one for people, and parsing resumes after blanking the top-level statement that
failed (keeping line numbers), so one run reports the errors of several statements.
"""

from __future__ import annotations

import os
import sys
import threading
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from leadrules import diagnostics as dg
from leadrules.syntax import ast, builder, lalr, prelex
from leadrules.syntax.ast import Span
from leadrules.syntax.builder import AstBuilder, BadSyntax, unescape

if TYPE_CHECKING:
    from pathlib import Path

    from lark import Lark, Token

__all__ = ["grammar_path", "grammar_text", "lark_parser", "parse_file", "parse_text", "unescape"]

MAX_ERRORS = 20  # syntax errors reported per file before giving up


def grammar_path() -> Path:
    """The grammar ships inside the wheel as leadrules/grammar/; in a checkout it is ../grammar/."""
    from pathlib import Path

    return Path(_grammar_file())


@cache
def _grammar_file() -> str:
    here = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    for candidate in (
        os.path.join(here, "grammar", "leadrules.lark"),
        os.path.join(os.path.dirname(here), "grammar", "leadrules.lark"),
    ):
        if os.path.isfile(candidate):
            return candidate
    raise FileNotFoundError("leadrules.lark not found beside the package")


def grammar_text() -> str:
    """The grammar's text (the parser's definition)."""
    with open(_grammar_file(), encoding="utf-8") as f:
        return f.read()


@cache
def grammar_words(rule: str | None = None) -> frozenset[str]:
    """The words of the grammar: its quoted keywords and the alternatives of its word terminals
    (`FUNC`, `TYPE`, `BOOL`, ...), read from the grammar's text; with `rule`, the quoted words of
    that one rule."""
    import re

    text = re.sub(r"//[^\n]*", "", grammar_text())
    if rule is not None:
        found = re.search(rf"^{rule}:.*?(?=^\S|\Z)", text, re.M | re.S)
        text = found.group(0) if found else ""
    words = set(re.findall(r'"([A-Za-z_][A-Za-z0-9_]*)"', text))
    if rule is None:
        for alternatives in re.findall(r"^[A-Z_]+(?:\.\d+)?:\s*/\(([a-z_|]+)\)\(\?!", text, re.M):
            words.update(alternatives.split("|"))
    return frozenset(words)


TAB_LEN = 8
# how the parser is built from the grammar (a change of any of them builds the tables anew)
OPTIONS = {
    "parser": "lalr",
    "lexer": "contextual",
    "maybe_placeholders": True,
    "keep_all_tokens": True,
    "strict": True,
}


def _indenter():
    from lark.indenter import Indenter

    class _Indenter(Indenter):
        NL_type = "_NL"
        OPEN_PAREN_types = ["LPAR", "LSQB"]
        CLOSE_PAREN_types = ["RPAR", "RSQB"]
        INDENT_type = "_INDENT"
        DEDENT_type = "_DEDENT"
        tab_len = TAB_LEN

    return _Indenter()


class _Comments:
    """Collects the comments held in newline tokens, for the formatter."""

    def __init__(self) -> None:
        self.found: list[tuple[str, int, int]] = []  # (text, line, col)

    def add(self, tok: Token) -> Token:
        if "#" in tok:
            for offset, part in enumerate(str(tok).split("\n")):
                at = part.find("#")
                if at >= 0:
                    col = (tok.column if offset == 0 else 1) + at
                    self.found.append((part[at:].rstrip("\r"), tok.line + offset, col))
        return tok


class _Current:
    """What one parse collects into: the builder's file path and the comment collector.

    Lark bakes its callbacks into the lexer and the parser once, so they are fixed functions
    that read this per-parse state; the lock makes concurrent parses take turns.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.comments = _Comments()

    def on_newline(self, tok: Token) -> Token:
        return self.comments.add(tok)


_BUILDER = AstBuilder()
_CALLBACKS = _BUILDER.callbacks()
_CURRENT = _Current()


@lru_cache(maxsize=1)
def lark_parser() -> Lark:
    """The Lark parser, built once per process; its tables are kept between runs (`_cached`).

    It builds the AST while it parses (`transformer=`): no parse tree, no second pass. Every
    token is kept for the builder to compute spans, so Lark's position propagation is off.
    """
    from lark import Token

    builder.TOKENS = (lalr.Token, Token)  # the builder reads Lark's tokens too
    grammar = grammar_text()
    hooks = {
        "postlex": _indenter(),
        "transformer": _CALLBACKS,
        "lexer_callbacks": {"_NL": _CURRENT.on_newline},
    }
    cached = _cached(grammar, hooks)
    if cached is not None:
        return cached
    return _build(grammar, hooks, cache=True)  # the start-up cache is off: Lark's own cache


def _build(grammar: str, hooks: dict, cache: bool) -> Lark:
    from lark import Lark

    return Lark(grammar, cache=cache, **OPTIONS, **hooks)


def _cached(grammar: str, hooks: dict) -> Lark | None:
    """The parser from the tables kept in the user's cache folder (`leadrules/_startup.py`),
    saved beside the exact grammar text, options, Lark version and Python version they were
    built from;
    on a miss (or any problem reading them) the parser is built and its tables saved."""
    import pickle

    import lark
    from lark import Lark
    from lark.lark import _LOAD_ALLOWED_OPTIONS

    from leadrules import _startup

    folder = _startup.cache_folder("parser")
    if folder is None:
        return None
    path = f"{folder}/leadrules-lark-{lark.__version__}.pickle"
    raw = _startup.read_own(path)
    if raw is not None:
        try:
            kept = pickle.loads(raw)
            if kept["grammar"] == grammar and kept.get("options") == repr(OPTIONS):
                parser = Lark.__new__(Lark)
                parser._load({"data": kept["data"], "memo": kept["memo"]}, **hooks)
                return parser
        except Exception:  # noqa: BLE001 - a stale or broken cache: build anew
            pass
    parser = _build(grammar, hooks, cache=False)
    data, memo = parser.memo_serialize([lark.lexer.TerminalDef, lark.grammar.Rule])
    data["options"] = {k: v for k, v in data["options"].items() if k not in _LOAD_ALLOWED_OPTIONS}
    kept = {"grammar": grammar, "options": repr(OPTIONS), "data": data, "memo": memo}
    _startup.write_atomic(path, pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
    return parser


@lru_cache(maxsize=1)
def runtime() -> lalr.Runtime | None:
    """The Lark-free runtime on the tables Lark built from the grammar, kept in the user's cache
    folder with the grammar text, the options and the installed Lark they were built from (any
    difference builds them anew); None when the cache is off or the tables cannot be written
    down: Lark then parses everything."""
    import marshal

    from leadrules import _startup

    folder = _startup.cache_folder("parser")
    if folder is None:
        return None
    key = (
        grammar_text(),
        repr(OPTIONS),
        _lark_stamp(),
        sys.version,  # the compiled patterns are this Python's (`lalr.compiled_parts`)
    )
    path = f"{folder}/leadrules-tables.marshal"
    tables = None
    raw = _startup.read_own(path)
    if raw is not None:
        try:
            kept = marshal.loads(raw)
            if kept["key"] == key:
                tables = kept["tables"]
        except Exception:  # noqa: BLE001 - a stale or broken cache: build anew
            tables = None
    if tables is None:
        try:
            tables = lalr.export(lark_parser())
            data = marshal.dumps({"key": key, "tables": tables})
        except Exception:  # noqa: BLE001 - tables the runtime cannot run: Lark parses
            return None
        _startup.write_atomic(path, data)
    try:
        return lalr.Runtime(tables, _CALLBACKS, {"_NL": _CURRENT.on_newline})
    except Exception:  # noqa: BLE001
        return None


def _lark_stamp() -> tuple:
    """The installed Lark, without importing it: its package file's size and time."""
    import importlib.util
    import os

    spec = importlib.util.find_spec("lark")
    if spec is None or spec.origin is None:
        return ()
    st = os.stat(spec.origin)
    return (st.st_size, st.st_mtime_ns)  # not its path: a venv may be reached by a link


def _parse(text: str, path: str) -> tuple[list, _Comments]:
    """The statements of `text` and its comments; raises Lark's exceptions and `BadSyntax`.

    The runtime parses first; on anything it does not parse alone, Lark parses the text again
    (and raises what becomes the diagnostic)."""
    fast = runtime()
    with _CURRENT.lock:
        _BUILDER.path = path
        if fast is not None:
            comments = _CURRENT.comments = _Comments()
            try:
                return fast.parse(text), comments
            except Exception:  # noqa: BLE001 - `lalr.Fallback`, or the builder's `BadSyntax`
                pass
        comments = _CURRENT.comments = _Comments()
        return lark_parser().parse(text), comments


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
        try:
            stmts, comments = _parse(attempt, path)
        except BadSyntax as e:
            diag = e.diag
        except Exception as e:  # noqa: BLE001 - Lark's, imported only when there is one
            diag = _lark_diagnostic(e, path, attempt)
        else:
            deep = _too_deep(stmts, path)
            if deep is not None:
                diag = deep
            elif found:
                break
            else:
                return ast.File(path, tuple(stmts), _file_comments(comments.found, source)), []
        found.append(diag)
        retry = _blank_statement(attempt, diag.span.line)
        if retry is None:
            break
        attempt = retry
    return None, found


def _lark_diagnostic(e: Exception, path: str, text: str) -> dg.Diagnostic:
    """A syntax error Lark raised, as a diagnostic; any other exception is raised again."""
    from lark.exceptions import UnexpectedInput
    from lark.indenter import DedentError

    if isinstance(e, UnexpectedInput):
        from leadrules.syntax import errors  # only for a syntax error: start-up

        return errors.to_diagnostic(e, path, text)
    if isinstance(e, DedentError):
        return _dedent_diagnostic(text, path)
    raise e


# nodes that nest a condition inside another: the brackets `prelex` counts, and `not`
_NESTING = (ast.Not, ast.Paren, ast.Call, ast.Where)


def _children(node) -> tuple:
    """The sub-conditions of a statement or an expression (leaves have none)."""
    if isinstance(node, (ast.And, ast.Or)):
        return node.items
    if isinstance(node, ast.Not):
        return (node.operand,)
    if isinstance(node, ast.Paren):
        return (node.inner,)
    if isinstance(node, (ast.Compare, ast.TextOp)):
        return (node.left, node.right)
    if isinstance(node, ast.In):
        return (node.left,)
    if isinstance(node, ast.IsMissing):
        return (node.operand,)
    if isinstance(node, ast.Where):
        return (node.cond,)
    if isinstance(node, ast.Call):
        return (node.arg,)
    if isinstance(node, (ast.Count, ast.Within, ast.NoWithin, ast.EachRule)):
        return (node.source,)
    if isinstance(node, (ast.Rule, ast.SignalDecl)):
        return (node.cond,)
    if isinstance(node, ast.Tier):
        return (node.cond,) if node.cond is not None else ()
    if isinstance(node, ast.Group):
        return node.rules
    return ()


def _too_deep(stmts, path: str) -> dg.Diagnostic | None:
    """LR0008 for the first condition nested deeper than `prelex.MAX_NESTING` (`not not ...`).

    The brackets are counted on the text already; chains of `not` are not, and every later
    stage walks conditions recursively, so the limit is enforced here, without recursion.
    """
    todo: list[tuple[object, int]] = [(s, 0) for s in stmts]
    while todo:
        node, depth = todo.pop()
        if isinstance(node, _NESTING):
            depth += 1
            if depth > prelex.MAX_NESTING:
                span = node.span
                return dg.make(
                    "LR0008",
                    f"conditions nested more than {prelex.MAX_NESTING} deep "
                    "(each `not` and each bracket is a level)",
                    Span(path, span.line, span.col, span.line, span.col + 1),
                    help="split the condition into signals or simpler rules; `not not X` is `X`",
                )
        todo.extend((child, depth) for child in _children(node))
    return None


def parse_file(path: str | os.PathLike[str], display: str | None = None):
    with open(path, "rb") as f:
        return parse_text(f.read(), display or str(path))


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
        width = len(line.expandtabs(TAB_LEN)) - len(stripped)
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
