"""Lark exceptions -> diagnostics phrased for people.

No Lark wording reaches the user: terminal names become words (`a name`, `points such as +15`),
the statement being written selects a help line showing its form, and a few common slips
(a missing `:`, a condition after `each`, single quotes) get their own message.
"""

from __future__ import annotations

import re
from functools import cache

from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from leadrules import diagnostics as dg
from leadrules.syntax import slips
from leadrules.syntax.ast import Span

_TOKEN_WORDS = {
    "COLON": "`:`",
    "SEMICOLON": "`;`",
    "COMMA": "`,`",
    "EQUAL": "`=`",
    "LPAR": "`(`",
    "RPAR": "`)`",
    "LSQB": "`[`",
    "RSQB": "`]`",
    "NAME": "a name",
    "STRING": 'a string ("...")',
    "NUMBER": "a number",
    "SIGNED_NUMBER": "a number",
    "POINTS": "points such as `+15`",
    "DURATION": "a duration such as `30d`",
    "TIMESTAMP": "a timestamp such as `2026-11-01T00:00:00Z`",
    "COMP_OP": "a comparison (`==`, `>=`, ...)",
    "TEXT_OP": "a text operator (`contains`, ...)",
    "TYPE": "a type (`number`, `text`, `bool` or `time`)",
    "BOOL": "`true` or `false`",
    "FUNC": "a function (`lower`, ...)",
    "MISSING": "`missing` or `present`",
    "ON_KIND": "`enter` or `exit`",
    "_NL": "the end of the line",
    "_INDENT": "an indented block",
    "_DEDENT": "the end of the block",
    "$END": "the end of the file",
}

_LITERALS = frozenset({"STRING", "NUMBER", "BOOL", "TIMESTAMP"})

# the form of each statement, shown as help when a line starting with that word does not parse
FORMS = {
    "model": 'a model is named `model "NAME"`',
    "import": 'an import is `import "other.lrules"`',
    "lead": "an attribute is declared `lead NAME: TYPE` (`lead company_size: number`), "
    'optionally followed by `from "column"`',
    "event": "an event is declared `event NAME` or `event NAME(prop: TYPE, ...)`, "
    'optionally followed by `from "Name in the data"`',
    "signal": "a signal is `signal NAME = EVENT where COND` (`signal pricing = page_view where "
    'url contains "/pricing"`)',
    "const": 'a const is `const NAME = LITERAL` or `const NAME = ["a", "b"]`',
    "clamp": "a clamp is `clamp LOW..HIGH` (`clamp 0..100`)",
    "tier": "a tier is `tier NAME < N` (or `<=`, `>`, `>=`), `tier NAME A..B` or "
    "`tier NAME when COND`",
    "on": "an automation is `on enter TIER:` or `on exit TIER:` followed by indented actions "
    '(`notify owner "..."`, `task "..."`, `set NAME = VALUE`, `email "..."`, `sms "..."`, '
    '`webhook "..."`, `delay 2d`)',
    "test": 'a test is `test "NAME":` followed by indented `as_of`, `lead`, `event` and '
    "`expect` lines",
    "each": "an each rule is `each EVENT [within D]: POINTS [cap N]`",
    "expect": "an expectation is `expect GROUP == N`, `expect score >= N`, "
    "`expect tier == NAME` or `expect tier is missing`",
    "as_of": "a test's as-of is `as_of 2026-11-01T00:00:00Z`",
}
RULE_FORM = "a rule is `CONDITION: POINTS` (`pricing_page_visit: +15`)"


@cache
def keyword_terminals() -> dict[str, str]:
    """Terminal name -> its literal text, for the grammar's string terminals (`:`, `tier`...)."""
    from leadrules.syntax.parser import lark_parser

    return {t.name: t.pattern.value for t in lark_parser().terminals if t.pattern.type == "str"}


def _word(name: str) -> str:
    if name in _TOKEN_WORDS:
        return _TOKEN_WORDS[name]
    text = keyword_terminals().get(name)
    return f"`{text}`" if text else name.lower()


def _expected_words(names) -> list[str]:
    words: list[str] = []
    names = set(names)
    if "NUMBER" in names:
        names -= {"POINTS", "SIGNED_NUMBER"}  # `+15` is a number too
    if _LITERALS <= names:
        names -= _LITERALS
        words.append('a value (`"text"`, `12`, `true`, `2026-01-01`)')
    for name in sorted(names, key=lambda n: (n in ("_NL", "$END"), _word(n))):
        w = _word(name)
        if w not in words:
            words.append(w)
    return words


def _one_of(words: list[str], limit: int = 6) -> str:
    if len(words) > limit:
        return ", ".join(words[:limit]) + " or another token"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _found(tok: Token | None) -> str:
    if tok is None or tok.type == "$END":
        return "the end of the file"
    if tok.type in ("_NL", "_INDENT", "_DEDENT"):
        return {
            "_NL": "the end of the line",
            "_INDENT": "an indented line",
            "_DEDENT": "the end of the block",
        }[tok.type]
    text = str(tok)
    return f"`{text[:27]}...`" if len(text) > 30 else f"`{text}`"


def _statement_word(text: str, line: int) -> str:
    """The first word of the statement that holds `line` (`lead`, `tier`, ...), or ''."""
    lines = text.split("\n")
    i = min(max(line - 1, 0), len(lines) - 1)
    while i > 0 and not lines[i].strip():
        i -= 1
    own = lines[i].split("#", 1)[0].strip() if lines else ""
    # the statement's part after the last `;` before the error is the one being written
    own = own.split(";")[-1].strip() if ";" in own else own
    word = own.split(" ", 1)[0].split("(", 1)[0].split(":", 1)[0]
    return word


def _help_for(text: str, line: int) -> str:
    word = _statement_word(text, line)
    if word in FORMS:
        return FORMS[word]
    return RULE_FORM if word else ""


def _span_at_token(tok: Token, path: str, text: str) -> Span:
    lines = text.split("\n")
    if tok.type == "$END" or tok.line is None:
        content = text.rstrip("\n").split("\n")
        line = len(content)
        col = max(len(content[-1].split("#", 1)[0].rstrip()), 0) + 1
        return Span(path, line, col, line, col + 1)
    if tok.type == "_INDENT":
        # the token borrows the newline's position; the indented line is the next non-blank one
        line = tok.line + 1
        while line < len(lines) and not lines[line - 1].strip():
            line += 1
        content = lines[line - 1] if line <= len(lines) else ""
        start = len(content) - len(content.lstrip()) + 1
        return Span(path, line, start, line, max(len(content), start) + 1)
    if tok.type in ("_NL", "_DEDENT"):
        line = tok.line
        content = lines[line - 1] if 0 < line <= len(lines) else ""
        code = content.split("#", 1)[0].rstrip()
        col = len(code) + 1
        return Span(path, line, col, line, col + 1)
    return Span(
        path, tok.line, tok.column, tok.end_line or tok.line, tok.end_column or tok.column + 1
    )


def _header_end(path: str, text: str, line: int) -> Span:
    """The end of the last non-blank line before `line`: the `:` of a block header."""
    lines = text.split("\n")
    i = min(line - 1, len(lines)) - 1
    while i > 0 and not lines[i].split("#", 1)[0].strip():
        i -= 1
    code = lines[max(i, 0)].split("#", 1)[0].rstrip()
    col = max(len(code), 1)
    return Span(path, max(i, 0) + 1, col, max(i, 0) + 1, col + 1)


def unexpected_token(err: UnexpectedToken, path: str, text: str) -> dg.Diagnostic:
    tok = err.token
    expected = set(err.accepts or err.expected or ())
    span = _span_at_token(tok, path, text)
    found = _found(tok)
    help_ = _help_for(text, span.line)
    keyword = keyword_terminals().get(tok.type, "")

    if tok.type == "_INDENT":
        return dg.make(
            "LR0004",
            "this line is indented, but no block is open here",
            span,
            label="unexpected indentation",
            help="indent only the lines of a block (after a header ending in `:`); "
            "start other lines at the first column",
        )
    if expected and expected <= {"_INDENT"}:
        span = _header_end(path, text, span.line if tok.type != "_NL" else span.line + 1)
        return dg.make(
            "LR0001",
            "expected an indented block after the `:`",
            span,
            label="the block's lines go below, indented",
            help="indent the lines of a block deeper than its header, or write "
            "`CONDITION: POINTS` on one line",
        )
    lines = text.split("\n")
    if tok.type not in ("$END", "_NL", "_DEDENT") and 0 < span.line <= len(lines):
        slip = slips.after_token(tok, expected, lines[span.line - 1], span)
        if slip is not None:
            return slip
    if tok.type in ("POINTS", "SIGNED_NUMBER") and "COLON" in expected:
        return dg.make(
            "LR0001",
            "expected `:` between the condition and the points",
            span,
            label="`:` goes before this",
            help=RULE_FORM,
        )
    if (
        _statement_word(text, span.line) == "each"
        and "COLON" in expected
        and (tok.type in ("COMP_OP", "TEXT_OP") or keyword in ("and", "or", "in", "not", "is"))
    ):
        return dg.make(
            "LR0205",
            "`each` counts the events of a single event or signal",
            span,
            label="`each` takes no condition",
            help="write `each E: POINTS` or "
            "`each E where COND: POINTS`; for counts use `E >= N times: POINTS`",
        )
    before = text.split("\n")[span.line - 1][: span.col - 1].rstrip()
    if expected <= {"POINTS", "SIGNED_NUMBER", "NUMBER"} and expected and before.endswith(":"):
        return dg.make(
            "LR0001",
            f"expected points after `:`, found {found}",
            span,
            label="points go here",
            help="points are whole numbers with a sign, such as `+15` or `-10`",
        )
    if tok.type == "COLON" and "COMP_OP" in expected:
        alone = re.search(r"\bwhere\s+([A-Za-z_][A-Za-z0-9_]*)\s*$", before)
        if alone is not None:  # `E where flag: +5`: a bool property alone, not a comparison
            name = alone.group(1)
            help_ = (
                f"inside a rule, `where` takes one comparison or a parenthesized condition: "
                f"for a bool property write `where ({name})` or `where {name} == true`"
            )
    if tok.type == "NAME" and "_NL" in expected and "COLON" in expected:
        help_ = (
            "two names in a row: is an operator (`==`, `in`, `and`...) or a `:` missing? " + help_
        )
    words = _expected_words(expected)
    msg = f"expected {_one_of(words)}, found {found}" if words else f"unexpected {found}"
    return dg.make("LR0001", msg, span, label="unexpected here", help=help_)


def unexpected_characters(err: UnexpectedCharacters, path: str, text: str) -> dg.Diagnostic:
    ch = text[err.pos_in_stream] if err.pos_in_stream < len(text) else ""
    span = Span(path, err.line, err.column, err.line, err.column + 1)
    shown = ch if ch.isprintable() else repr(ch)[1:-1]
    slip = slips.at_character(text, err.pos_in_stream, span) if ch else None
    if slip is not None:
        return slip
    if ch in "'`":
        return dg.make(
            "LR0002",
            f"unexpected character `{shown}`",
            span,
            help='strings use double quotes: "..."',
        )
    if ch == "." and text[err.pos_in_stream : err.pos_in_stream + 2] != "..":
        return dg.make(
            "LR0002",
            "unexpected `.`",
            span,
            help="a range is written `A..B` with two dots; a decimal is `4.5`",
        )
    words = _expected_words(err.allowed or ())
    help_ = f"expected {_one_of(words)} here" if words else ""
    return dg.make("LR0002", f"unexpected character `{shown}`", span, help=help_)


def to_diagnostic(err: UnexpectedInput, path: str, text: str) -> dg.Diagnostic:
    if isinstance(err, UnexpectedCharacters):
        return unexpected_characters(err, path, text)
    if isinstance(err, UnexpectedToken):
        return unexpected_token(err, path, text)
    assert isinstance(err, UnexpectedEOF)
    content = text.rstrip("\n").split("\n")
    line = len(content)
    return dg.make(
        "LR0001",
        "the file ends in the middle of a statement",
        Span(path, line, 1, line, 2),
        help=_help_for(text, line),
    )
