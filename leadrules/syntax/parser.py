"""Text -> AST. Lark (LALR, contextual lexer, strict), errors turned into diagnostics.

The parser never lets a Lark exception reach the user: unexpected tokens and characters become
`LR0001`/`LR0002`/`LR0003` diagnostics phrased for people, and parsing resumes at the next
top-level statement so one run reports several errors.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import (
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
    VisitError,
)
from lark.indenter import DedentError, Indenter

from leadrules import diagnostics as dg
from leadrules.syntax import ast
from leadrules.syntax.ast import Span

MAX_NESTING = 64
MAX_ERRORS = 20


def grammar_path() -> Path:
    """The grammar ships inside the wheel as leadrules/grammar/; in a checkout it is ../grammar/."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "grammar" / "leadrules.lark", here.parent / "grammar" / "leadrules.lark"):
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
    """Collects comments out of the newline tokens, for the formatter."""

    def __init__(self):
        self.found: list[tuple[str, int, int]] = []

    def __call__(self, tok: Token) -> Token:
        if "#" in tok:
            line, col = tok.line, tok.column
            for part in re.finditer(r"\n|#[^\n]*", str(tok)):
                pass
            # walk the token text to give each comment its own line and column
            pos_line, pos_col = line, col
            i = 0
            text = str(tok)
            while i < len(text):
                ch = text[i]
                if ch == "\n":
                    pos_line += 1
                    pos_col = 1
                    i += 1
                elif ch == "#":
                    j = text.find("\n", i)
                    j = len(text) if j < 0 else j
                    self.found.append((text[i:j].rstrip("\r"), pos_line, pos_col))
                    pos_col += j - i
                    i = j
                else:
                    pos_col += 1
                    i += 1
        return tok


@lru_cache(maxsize=1)
def _lark() -> Lark:
    return Lark(
        grammar_path().read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        postlex=_Indenter(),
        propagate_positions=True,
        maybe_placeholders=True,
        strict=True,
        cache=True,
    )


def _parse_tree(text: str, comments: _Comments):
    lark = _lark()
    # lexer callbacks are per-parse state; Lark keeps them on the lexer conf, so swap them in.
    lark.lexer_conf.callbacks["_NL"] = comments
    try:
        return lark.parse(text)
    finally:
        lark.lexer_conf.callbacks.pop("_NL", None)


# ---- the AST builder -----------------------------------------------------------


def _tok_span(path: str, tok: Token) -> Span:
    return Span(path, tok.line, tok.column, tok.end_line, tok.end_column)


_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}


class _BadLiteral(Exception):
    def __init__(self, code: str, message: str, span: Span, help: str = ""):
        super().__init__(message)
        self.diag = dg.make(code, message, span, help=help)


def unescape(raw: str, span: Span) -> str:
    body = raw[1:-1]
    out = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            nxt = body[i + 1] if i + 1 < len(body) else ""
            if nxt not in _ESCAPES:
                raise _BadLiteral(
                    "LR0007",
                    f"unknown escape `\\{nxt}` in a string",
                    span,
                    help='strings know `\\"`, `\\\\`, `\\n` and `\\t`; write `\\\\` for a backslash',
                )
            out.append(_ESCAPES[nxt])
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


@v_args(meta=True, inline=True)
class _Builder(Transformer):
    def __init__(self, path: str):
        super().__init__()
        self.path = path

    def _span(self, meta) -> Span:
        return Span(self.path, meta.line, meta.column, meta.end_line, meta.end_column)

    def _ts(self, tok: Token) -> Span:
        return _tok_span(self.path, tok)

    def _name(self, tok: Token) -> ast.Name:
        return ast.Name(str(tok), self._ts(tok))

    def _string(self, tok: Token) -> str:
        return unescape(str(tok), self._ts(tok))

    def _duration(self, tok: Token) -> ast.Duration:
        return ast.Duration(int(tok[:-1]), tok[-1], self._ts(tok))

    # -- top level
    def start(self, meta, *stmts):
        return [s for s in stmts if s is not None]

    def model_decl(self, meta, s):
        return ast.ModelDecl(self._string(s), self._span(meta))

    def import_decl(self, meta, s):
        return ast.Import(self._string(s), self._span(meta))

    def from_clause(self, meta, s):
        return self._string(s)

    def lead_decl(self, meta, name, type_, column):
        return ast.LeadDecl(self._name(name), str(type_), column, self._span(meta))

    def prop(self, meta, name, type_):
        return ast.Prop(self._name(name), str(type_), self._span(meta))

    def prop_list(self, meta, *props):
        return tuple(p for p in props if p is not None)

    def event_decl(self, meta, name, props, source):
        return ast.EventDecl(
            self._name(name), props or (), source, has_parens=props is not None, span=self._span(meta)
        )

    def signal_decl(self, meta, name, event, cond):
        return ast.SignalDecl(self._name(name), self._name(event), cond, self._span(meta))

    def const_decl(self, meta, name, value):
        return ast.ConstDecl(self._name(name), value, self._span(meta))

    def clamp_decl(self, meta, lo, hi):
        return ast.Clamp(lo, hi, self._span(meta))

    def tier_cmp(self, meta, name, op, bound):
        return ast.Tier(self._name(name), op=str(op), bound=bound, span=self._span(meta))

    def tier_range(self, meta, name, lo, hi):
        rng = ast.Range(lo, hi, lo.span.to(hi.span))
        return ast.Tier(self._name(name), range=rng, span=self._span(meta))

    def tier_when(self, meta, name, cond):
        return ast.Tier(self._name(name), cond=cond, span=self._span(meta))

    # -- groups and rules
    def group(self, meta, header, *rules):
        if not isinstance(header, ast.Name):
            raise _BadLiteral(
                "LR0001",
                "a group header is a name followed by `:`",
                header.span,
                help="write the rule on one line as `CONDITION: POINTS`, or name the group (`fit:`)",
            )
        return ast.Group(header, None, tuple(rules), self._span(meta))

    def capped_group(self, meta, name, cap, *rules):
        return ast.Group(self._name(name), self._number(cap), tuple(rules), self._span(meta))

    def rule(self, meta, cond, points):
        return ast.Rule(cond, points, self._span(meta))

    def each_rule(self, meta, source, window, points, cap):
        return ast.EachRule(source, window, points, cap, self._span(meta))

    def cap(self, meta, n):
        return self._number(n)

    def window(self, meta, d):
        return self._duration(d)

    def points(self, meta, tok):
        return self._number(tok)

    # -- conditions
    def or_cond(self, meta, *items):
        return ast.Or(tuple(items), self._span(meta))

    def and_cond(self, meta, *items):
        return ast.And(tuple(items), self._span(meta))

    def not_(self, meta, operand):
        return ast.Not(operand, self._span(meta))

    def paren(self, meta, inner):
        return ast.Paren(inner, self._span(meta))

    def compare(self, meta, left, op, right, suffix=None):
        if suffix is not None:
            return ast.Count(left, str(op), right, suffix[0], self._span(meta))
        return ast.Compare(str(op), left, right, self._span(meta))

    def count_suffix(self, meta, window):
        return (window,)

    def in_(self, meta, left, target):
        return ast.In(left, target, False, self._span(meta))

    def not_in(self, meta, left, target):
        return ast.In(left, target, True, self._span(meta))

    def text_op(self, meta, left, op, right):
        return ast.TextOp(str(op), left, right, self._span(meta))

    def is_missing(self, meta, operand, word):
        return ast.IsMissing(operand, str(word) == "present", self._span(meta))

    def within(self, meta, source, window):
        return ast.Within(source, window, self._span(meta))

    def no_within(self, meta, source, window):
        return ast.NoWithin(source, window, self._span(meta))

    def no_activity(self, meta, d):
        return ast.NoActivity(self._duration(d), self._span(meta))

    def range(self, meta, lo, hi):
        return ast.Range(lo, hi, self._span(meta))

    def name(self, meta, tok):
        return self._name(tok)

    def call(self, meta, func, arg):
        return ast.Call(str(func), arg, self._span(meta))

    def where(self, meta, source, cond):
        return ast.Where(self._name(source), cond, self._span(meta))

    # -- literals
    def _number(self, tok: Token) -> ast.Literal:
        text = str(tok)
        value = float(text) if "." in text else int(text)
        return ast.Literal(value, "number", self._ts(tok))

    def signed_number(self, meta, tok):
        return self._number(tok)

    def string(self, meta, tok):
        return ast.Literal(self._string(tok), "text", self._ts(tok))

    def timestamp(self, meta, tok):
        return ast.Literal(str(tok), "time", self._ts(tok))

    def boolean(self, meta, tok):
        return ast.Literal(str(tok) == "true", "bool", self._ts(tok))

    def list(self, meta, *items):
        items = tuple(i for i in items if i is not None)
        return ast.ListLit(items, self._span(meta))

    # -- automations
    def on_block(self, meta, kind, tier, *actions):
        return ast.OnBlock(str(kind), self._name(tier), tuple(actions), self._span(meta))

    def notify(self, meta, *args):
        recipient, message = args
        if recipient is None:
            who = None
        elif recipient.type == "NAME":
            who = self._name(recipient)
        else:
            who = ast.Literal(self._string(recipient), "text", self._ts(recipient))
        return ast.Action("notify", (who, self._string(message)), self._span(meta))

    def _one_string(kind):  # noqa: N805 - a small factory for the one-string actions
        def build(self, meta, s):
            return ast.Action(kind, (self._string(s),), self._span(meta))

        return build

    task = _one_string("task")
    email = _one_string("email")
    sms = _one_string("sms")
    webhook = _one_string("webhook")

    def set(self, meta, name, value):
        return ast.Action("set", (self._name(name), value), self._span(meta))

    def delay(self, meta, d):
        return ast.Action("delay", (self._duration(d),), self._span(meta))

    # -- tests
    def test_block(self, meta, name, *body):
        return ast.TestBlock(self._string(name), tuple(body), self._span(meta))

    def test_as_of(self, meta, tok):
        return ast.TestAsOf(ast.Literal(str(tok), "time", self._ts(tok)), self._span(meta))

    def assign(self, meta, name, value):
        return ast.Assign(self._name(name), value, self._span(meta))

    def test_lead(self, meta, *assigns):
        return ast.TestLead(tuple(assigns), self._span(meta))

    def test_event(self, meta, name, *rest):
        assigns = tuple(a for a in rest if isinstance(a, ast.Assign))
        times, when = rest[-2], rest[-1]
        ago = when if isinstance(when, ast.Duration) else None
        at = when if isinstance(when, ast.Literal) else None
        return ast.TestEvent(
            self._name(name), assigns, times if times is not None else 1, ago, at, self._span(meta)
        )

    def event_times(self, meta, n):
        return int(float(n))

    def ago(self, meta, d):
        return self._duration(d)

    def at(self, meta, tok):
        return ast.Literal(str(tok), "time", self._ts(tok))

    def test_expect(self, meta, target, op, value):
        return ast.Expect(self._name(target), str(op), value, self._span(meta))

    def test_expect_missing(self, meta, target, word):
        op = "is present" if str(word) == "present" else "is missing"
        return ast.Expect(self._name(target), op, None, self._span(meta))


# ---- input checks before parsing -----------------------------------------------


def _decode(data: bytes | str, path: str) -> tuple[str | None, list[dg.Diagnostic]]:
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
            span = Span(path, line, col, line, col + 1)
            return None, [
                dg.make(
                    "LR0005",
                    f"the file is not valid UTF-8 (byte 0x{data[e.start]:02x})",
                    span,
                    help="save the file as UTF-8",
                )
            ]
    if "\x00" in text:
        i = text.index("\x00")
        line = text.count("\n", 0, i) + 1
        col = i - (text.rfind("\n", 0, i) + 1) + 1
        span = Span(path, line, col, line, col + 1)
        return None, [
            dg.make("LR0005", "the file contains a NUL byte", span, help="a rules file is plain text")
        ]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def _indentation_problems(text: str, path: str) -> list[dg.Diagnostic]:
    first_kind = None  # ("tab"|"space", line)
    for no, line in enumerate(text.split("\n"), 1):
        stripped = line.lstrip(" \t")
        if not stripped or stripped.startswith("#"):
            continue
        indent = line[: len(line) - len(stripped)]
        if not indent:
            continue
        kinds = set(indent)
        if kinds == {" ", "\t"}:
            return [
                dg.make(
                    "LR0006",
                    "this line's indentation mixes tabs and spaces",
                    Span(path, no, 1, no, len(indent) + 1),
                    help="indent with spaces only (`leadrules fmt` writes two spaces a level)",
                )
            ]
        kind = "tab" if "\t" in kinds else "space"
        if first_kind is None:
            first_kind = (kind, no)
        elif first_kind[0] != kind:
            return [
                dg.make(
                    "LR0006",
                    f"this line is indented with {kind}s, line {first_kind[1]} with "
                    f"{first_kind[0]}s",
                    Span(path, no, 1, no, len(indent) + 1),
                    help="indent with spaces only (`leadrules fmt` writes two spaces a level)",
                )
            ]
    return []


def _nesting_problem(text: str, path: str) -> list[dg.Diagnostic]:
    depth = 0
    in_string = False
    line, col = 1, 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        col += 1
        if in_string:
            if ch == "\\":
                i += 1
                col += 1
            elif ch == '"' or ch == "\n":
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        elif ch in "([":
            depth += 1
            if depth > MAX_NESTING:
                return [
                    dg.make(
                        "LR0008",
                        f"parentheses nested more than {MAX_NESTING} deep",
                        Span(path, line, col, line, col + 1),
                        help="split the condition into signals or simpler rules",
                    )
                ]
        elif ch in ")]":
            depth = max(depth - 1, 0)
        if ch == "\n":
            line += 1
            col = 0
        i += 1
    return []


# ---- error messages ------------------------------------------------------------

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
    "STRING": "a string",
    "NUMBER": "a number",
    "SIGNED_NUMBER": "a number",
    "POINTS": "points such as `+15`",
    "DURATION": "a duration such as `30d`",
    "TIMESTAMP": "a timestamp such as `2026-11-01T00:00:00Z`",
    "COMP_OP": "a comparison (`==`, `>=`, ...)",
    "TEXT_OP": "`contains`, `starts_with` or `ends_with`",
    "TYPE": "a type (`number`, `text`, `bool` or `time`)",
    "BOOL": "`true` or `false`",
    "FUNC": "a function",
    "MISSING": "`missing` or `present`",
    "ON_KIND": "`enter` or `exit`",
    "_NL": "the end of the line",
    "_INDENT": "an indented block",
    "_DEDENT": "the end of the block",
    "$END": "the end of the file",
}


def _describe_token(tok: Token) -> str:
    if tok.type == "$END":
        return "the end of the file"
    if tok.type == "_NL":
        return "the end of the line"
    if tok.type == "_INDENT":
        return "an indented line"
    if tok.type == "_DEDENT":
        return "the end of the block"
    text = str(tok)
    if len(text) > 30:
        text = text[:27] + "..."
    return f"`{text}`"


def _describe_expected(names) -> list[str]:
    words = []
    for name in sorted(names):
        if name in _TOKEN_WORDS:
            w = _TOKEN_WORDS[name]
        elif name.startswith("__ANON") or name.isupper():
            pattern = _lark_terminal_text(name)
            w = f"`{pattern}`" if pattern else name.lower()
        else:
            w = name
        if w not in words:
            words.append(w)
    return words


@lru_cache(maxsize=None)
def _terminal_texts() -> dict[str, str]:
    out = {}
    for t in _lark().terminals:
        if t.pattern.type == "str":
            out[t.name] = t.pattern.value
    return out


def _lark_terminal_text(name: str) -> str:
    return _terminal_texts().get(name, "")


def _syntax_message(err: UnexpectedInput, prev: Token | None) -> tuple[str, str, str]:
    """(message, label, help) for an unexpected token, phrased for people."""
    tok = err.token if isinstance(err, UnexpectedToken) else None
    expected = set(getattr(err, "expected", None) or getattr(err, "allowed", None) or ())
    got = _describe_token(tok) if tok is not None else "the end of the file"
    texts = _terminal_texts()
    expect_words = {texts.get(e, e) for e in expected}

    if tok is not None and tok.type in ("POINTS", "NUMBER", "SIGNED_NUMBER") and ":" in expect_words:
        return (
            "expected `:` between the condition and the points",
            "`:` goes before this",
            "a rule is written `CONDITION: POINTS`, for example `pricing_page_visit: +15`",
        )
    if expected == {"_INDENT"} or (expected and expected <= {"_INDENT"}):
        return (
            "expected an indented block after the `:`",
            "indent this line",
            "indent the lines of a block deeper than its header, or write `CONDITION: POINTS` on one line",
        )
    if "POINTS" in expected and "STRING" not in expected and "_NL" not in expected:
        return (
            f"expected points after `:`, found {got}",
            "points go here",
            "points are whole numbers with a sign, such as `+15` or `-10`",
        )
    if expected & {"POINTS", "SIGNED_NUMBER"} and "_NL" in expected and tok is not None:
        pass
    if prev is not None and str(prev) == ":" and tok is not None and tok.type not in ("_NL",):
        if "_NL" in expected:
            return (
                f"unexpected {got} after `:`",
                "unexpected",
                "after `NAME:` a group's rules go on the following, indented lines; "
                "a rule on one line is `CONDITION: POINTS`",
            )
    words = _describe_expected(expected)
    if len(words) > 6:
        words = words[:6] + ["..."]
    msg = f"unexpected {got}"
    if words:
        msg += "; expected " + (words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1])
    help_ = ""
    if tok is not None and tok.type == "NAME" and prev is not None and prev.type == "NAME":
        help_ = "two names in a row: is an operator (`==`, `in`, `and`...) or a `:` missing?"
    return msg, "unexpected", help_


def _error_diag(err: UnexpectedInput, path: str, text: str) -> dg.Diagnostic:
    if isinstance(err, UnexpectedCharacters):
        line, col = err.line, err.column
        ch = text[err.pos_in_stream] if err.pos_in_stream < len(text) else ""
        span = Span(path, line, col, line, col + 1)
        if ch == '"':
            return dg.make(
                "LR0003",
                "this string is never closed",
                span,
                label="string starts here",
                help='close it with `"` on the same line; write `\\"` for a quote inside',
            )
        shown = repr(ch)[1:-1] if not ch.isprintable() else ch
        allowed = _describe_expected(err.allowed or ())
        help_ = ""
        if ch in "'`":
            help_ = 'strings use double quotes: "..."'
        elif allowed:
            help_ = "expected " + (", ".join(allowed[:6]))
        return dg.make("LR0002", f"unexpected character `{shown}`", span, help=help_)
    if isinstance(err, UnexpectedEOF):
        lines = text.split("\n")
        line = max(len(lines) - 1, 1)
        span = Span(path, line, 1, line, 2)
        return dg.make("LR0001", "the file ends in the middle of a statement", span)
    assert isinstance(err, UnexpectedToken)
    tok = err.token
    prev = getattr(err, "_prev_token", None)
    msg, label, help_ = _syntax_message(err, prev)
    if tok.type == "$END" or tok.line is None:
        lines = text.rstrip("\n").split("\n")
        line = len(lines)
        span = Span(path, line, max(len(lines[-1]), 1), line, max(len(lines[-1]), 1) + 1)
    elif tok.type in ("_NL", "_DEDENT", "_INDENT"):
        # point at the end of the line the statement was on
        line = tok.line
        lines = text.split("\n")
        if tok.type == "_INDENT":
            # the token borrows the newline's position; the indented line is the next one
            nxt = line + str(tok).count("\n") if "\n" in str(tok) else line + 1
            line = min(nxt, len(lines))
            content = lines[line - 1]
            start = len(content) - len(content.lstrip()) + 1
            span = Span(path, line, start, line, len(content) + 1)
        else:
            content = lines[line - 1] if line - 1 < len(lines) else ""
            code = content.split("#", 1)[0].rstrip()
            span = Span(path, line, len(code) + 1 if code else 1, line, len(code) + 2 if code else 2)
    else:
        span = Span(path, tok.line, tok.column, tok.end_line or tok.line, tok.end_column or tok.column + 1)
    return dg.make("LR0001", msg, span, label=label, help=help_)


def _blank_statement(text: str, line: int) -> str | None:
    """Blank the top-level statement that holds `line`, keeping line numbers; None if nothing changes."""
    lines = text.split("\n")
    idx = min(max(line - 1, 0), len(lines) - 1)

    def top(i):
        s = lines[i]
        return s.strip() != "" and not s.lstrip().startswith("#") and not s[:1].isspace()

    start = idx
    while start > 0 and not top(start):
        start -= 1
    end = idx + 1
    while end < len(lines) and not top(end):
        end += 1
    if all(not lines[i].strip() for i in range(start, end)):
        return None
    for i in range(start, end):
        lines[i] = ""
    return "\n".join(lines)


def _track_prev(lark_err: UnexpectedInput, text: str):
    return None


def parse_text(text: str | bytes, path: str = "<input>") -> tuple[ast.File | None, list[dg.Diagnostic]]:
    """Parse a whole file. Returns the AST (None when the text has syntax errors) and diagnostics."""
    decoded, diags = _decode(text, path)
    if decoded is None:
        return None, diags
    diags = _indentation_problems(decoded, path) + _nesting_problem(decoded, path)
    if diags:
        return None, diags
    source = decoded if decoded.endswith("\n") else decoded + "\n"
    errors: list[dg.Diagnostic] = []
    attempt = source
    for _ in range(MAX_ERRORS):
        comments = _Comments()
        try:
            tree = _parse_tree(attempt, comments)
        except UnexpectedInput as e:
            errors.append(_error_diag(e, path, attempt))
            line = getattr(e, "line", None) or attempt.count("\n")
            if isinstance(e, UnexpectedToken) and e.token.type == "_INDENT":
                line = line + 1
            nxt = _blank_statement(attempt, line)
            if nxt is None or nxt == attempt:
                break
            attempt = nxt
            continue
        except DedentError:
            line = _bad_dedent_line(attempt)
            lines = attempt.split("\n")
            content = lines[line - 1] if 0 < line <= len(lines) else ""
            width = len(content) - len(content.lstrip())
            errors.append(
                dg.make(
                    "LR0004",
                    "this line's indentation matches no enclosing block",
                    Span(path, line, 1, line, width + 1),
                    help="indent it exactly as deep as the lines of its block",
                )
            )
            nxt = _blank_statement(attempt, line)
            if nxt is None or nxt == attempt:
                break
            attempt = nxt
            continue
        if errors:
            break
        try:
            stmts = _Builder(path).transform(tree)
        except VisitError as e:
            if isinstance(e.orig_exc, _BadLiteral):
                return None, [e.orig_exc.diag]
            raise
        file_comments = _file_comments(comments.found, source)
        return ast.File(path, tuple(stmts), file_comments), []
    if len(errors) >= MAX_ERRORS:
        pass
    return None, errors


def _bad_dedent_line(text: str) -> int:
    stack = [0]
    for no, line in enumerate(text.split("\n"), 1):
        stripped = line.lstrip(" \t")
        if not stripped or stripped.startswith("#"):
            continue
        width = len(line) - len(stripped)
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


def parse_file(path: str | Path, display: str | None = None):
    p = Path(path)
    return parse_text(p.read_bytes(), display or str(path))
