"""A small LALR(1) runtime for the tables Lark builds from `grammar/leadrules.lark`.

The grammar stays the parser's definition: Lark analyses it (the LALR tables, each parser state's
contextual lexer, the shape of each rule's children) and `export` writes down what Lark built, as
plain data. `Runtime` then parses exactly as Lark's LALR parser with its contextual lexer and the
indenter would, calling the same builder callbacks, without importing Lark: `leadrules check`
starts faster (Lark's import and the loading of its parser cost about a third of it).

It handles only text that parses: at the first thing it does not expect (a character no terminal
matches, a token no action takes, a dedent to no enclosing level) it raises `Fallback`, and the
caller parses the text again with Lark itself, whose exceptions become the diagnostics. So every
syntax error is reported exactly as before. `tests/syntax/test_lalr.py` compares the two on
every corpus file, example and documentation block, and on random edits of them.
"""

from __future__ import annotations

import re

SHIFT, REDUCE = 0, 1
FORMAT = 1  # of the exported tables


class Fallback(Exception):
    """The text is not one this runtime parses alone: parse it with Lark."""


class Token(str):
    """A token, as the builder reads Lark's: its text, type and start and end positions."""

    type: str
    start_pos: int
    line: int
    column: int
    end_line: int
    end_column: int
    end_pos: int

    @property
    def value(self) -> str:
        return str(self)


def _token(type_, value, start_pos, line, column, end_line, end_column, end_pos) -> Token:
    t = str.__new__(Token, value)
    t.type = type_
    t.start_pos, t.line, t.column = start_pos, line, column
    t.end_line, t.end_column, t.end_pos = end_line, end_column, end_pos
    return t


def _borrow(type_, value, t: Token) -> Token:
    return _token(type_, value, t.start_pos, t.line, t.column, t.end_line, t.end_column, t.end_pos)


class Tree:
    """What Lark builds for a rule the builder has no method for (an inlined `_rule`)."""

    __slots__ = ("data", "children")

    def __init__(self, data: str, children: list):
        self.data, self.children = data, children


class _Lexer:
    """One contextual lexer state: Lark's scanner for the terminals that state accepts."""

    def __init__(self, spec: dict):
        self.patterns = spec["mres"]  # [(pattern, flags)], tried in order
        self.compiled = spec.get("compiled") or [None] * len(self.patterns)
        self.unless = spec["unless"]  # type -> {text: keyword type}
        self.newline = frozenset(spec["newline"])
        self.ignore = frozenset(spec["ignore"])
        self._mres: list | None = None

    def mres(self) -> list:
        """The compiled patterns, on the state's first use: from what `re` compiled them to at
        export (`compiled_parts`: compiling them again costs about as much as the first parse),
        else compiled anew."""
        if self._mres is None:
            self._mres = [
                _from_parts(p, parts) if parts is not None else re.compile(p, f)
                for (p, f), parts in zip(self.patterns, self.compiled, strict=True)
            ]
        return self._mres


def compiled_parts(pattern: str, flags: int) -> tuple | None:
    """What `re.compile(pattern, flags)` compiles the pattern to, as data that marshal keeps:
    the arguments `re` gives `_sre.compile` (Python 3.11's `re._compiler.compile`). None where
    that does not rebuild exactly the pattern `re.compile` gives (patterns compare by their
    compiled code): the pattern is then compiled as usual. The tables are kept per Python
    version (`parser.runtime`)."""
    try:
        from re import _compiler, _parser  # type: ignore[attr-defined]

        parsed = _parser.parse(pattern, flags)
        code = _compiler._code(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list = [None] * parsed.state.groups
        for k, i in groupindex.items():
            indexgroup[i] = k
        parts = (
            flags | parsed.state.flags,
            [int(c) for c in code],
            parsed.state.groups - 1,
            groupindex,
            tuple(indexgroup),
        )
        if _from_parts(pattern, parts) != re.compile(pattern, flags):
            return None
    except Exception:  # noqa: BLE001 - another Python's `re`: compile as usual
        return None
    return parts


def _from_parts(pattern: str, parts: tuple):
    import _sre

    return _sre.compile(pattern, *parts)


class Runtime:
    def __init__(self, tables: dict, callbacks, on_token: dict):
        """`tables` from `export`; `callbacks` the builder's table (an attribute per rule);
        `on_token` the lexer callbacks by terminal type (the comment collector for `_NL`)."""
        if tables.get("format") != FORMAT:
            raise ValueError("tables of another format")
        lexers = [_Lexer(s) for s in tables["lexers"]]
        self.lexer_of = {int(k): lexers[v] for k, v in tables["lexer_of"].items()}
        self.states = {
            int(k): {name: tuple(a) for name, a in v.items()} for k, v in tables["states"].items()
        }
        self.start, self.end = tables["start"], tables["end"]
        self.on_token = on_token
        self.indent = tables["indent"]
        self.rules = [self._reducer(r, callbacks) for r in tables["rules"]]

    @staticmethod
    def _reducer(rule, callbacks):
        """(origin, size, the function of the children): Lark's child filter (placeholders for
        absent `[x]`, inlined `_rule`s), `?rule` passing a single child on, then the builder's
        method, or a `Tree` where it has none."""
        origin, size, name, expand1, include, append_none = rule
        method = getattr(callbacks, name, None)
        if method is None:

            def method(children, name=name):
                return Tree(name, children)

        if include is None:
            if expand1:
                return origin, size, lambda c: c[0] if len(c) == 1 else method(c)
            return origin, size, method

        def reduce(children):
            out: list = []
            for i, expand, add_none in include:
                if add_none:
                    out += [None] * add_none
                if expand:
                    out += children[i].children
                else:
                    out.append(children[i])
            if append_none:
                out += [None] * append_none
            if expand1 and len(out) == 1:
                return out[0]
            return method(out)

        return origin, size, reduce

    # -- lexing
    def _tokens(self, text: str, stack: list):
        """Lark's contextual lexer: the next token is read with the lexer of the parser's state
        at the moment it is asked for."""
        pos, line, col, line_start = 0, 1, 1, 0
        end = len(text)
        lexer_of = self.lexer_of
        on_token = self.on_token
        while pos < end:
            lexer = lexer_of[stack[-1]]
            for mre in lexer.mres():
                m = mre.match(text, pos)
                if m:
                    break
            else:
                raise Fallback("no terminal matches here")
            value, type_ = m.group(0), m.lastgroup
            start, sline, scol = pos, line, col
            if type_ in lexer.newline:
                newlines = value.count("\n")
                if newlines:
                    line += newlines
                    line_start = pos + value.rindex("\n") + 1
            pos += len(value)
            col = pos - line_start + 1
            if type_ in lexer.ignore:
                continue
            t = _token(type_, value, start, sline, scol, line, col, pos)
            unless = lexer.unless.get(type_)
            if unless is not None:
                t.type = unless.get(value, type_)
            if t.type == type_ and type_ in on_token:
                t = on_token[type_](t)
            yield t

    def _indented(self, tokens):
        """Lark's `Indenter` post-lexer: INDENT and DEDENT after newlines, none inside brackets."""
        nl, indent_t, dedent_t, opens, closes, tab_len = self.indent
        paren = 0
        levels = [0]
        token = None
        for token in tokens:
            if token.type == nl:
                if paren == 0:
                    yield token
                    indent_str = token.rsplit("\n", 1)[1]
                    indent = indent_str.count(" ") + indent_str.count("\t") * tab_len
                    if indent > levels[-1]:
                        levels.append(indent)
                        yield _borrow(indent_t, indent_str, token)
                    else:
                        while indent < levels[-1]:
                            levels.pop()
                            yield _borrow(dedent_t, indent_str, token)
                        if indent != levels[-1]:
                            raise Fallback("a dedent to no enclosing level")
            else:
                yield token
            if token.type in opens:
                paren += 1
            elif token.type in closes:
                paren -= 1
                if paren < 0:
                    raise Fallback("a closing bracket too many")
        while len(levels) > 1:
            levels.pop()
            if token is None:
                raise Fallback("no token")
            yield _borrow(dedent_t, "", token)

    # -- parsing
    def parse(self, text: str):
        states, rules = self.states, self.rules
        stack = [self.start]
        values: list = []
        token = None

        def feed(token, is_end=False):
            while True:
                action = states[stack[-1]].get(token.type)
                if action is None:
                    raise Fallback("unexpected token")
                if action[0] == SHIFT:
                    if is_end:
                        raise Fallback("shift at the end")
                    stack.append(action[1])
                    values.append(token)
                    return None
                origin, size, reduce = rules[action[1]]
                if size:
                    children = values[-size:]
                    del stack[-size:]
                    del values[-size:]
                else:
                    children = []
                value = reduce(children)
                goto = states[stack[-1]][origin]
                stack.append(goto[1])
                values.append(value)
                if is_end and stack[-1] == self.end:
                    return values[-1]

        for token in self._indented(self._tokens(text, stack)):
            feed(token)
        if token is None:
            raise Fallback("empty text")
        return feed(_borrow("$END", "", token), True)


def export(lark) -> dict:
    """What Lark built for `lark` (a `Lark` LALR parser with the contextual lexer and an
    `Indenter`), as plain data for `Runtime`. Raises `ValueError` for anything it does not know
    how to write down: the caller then keeps using Lark."""
    from functools import partial

    from lark.lexer import CallChain, UnlessCallback
    from lark.parse_tree_builder import (
        ChildFilterLALR,
        ChildFilterLALR_NoPlaceholders,
        ExpandSingleChild,
    )
    from lark.parsers.lalr_analysis import Shift
    from lark.tree import Tree as LarkTree

    frontend = lark.parser
    parser = frontend.parser.parser
    table = parser.parse_table
    contextual = frontend.lexer.lexer
    if set(table.start_states) != {"start"} or contextual.__class__.__name__ != "ContextualLexer":
        raise ValueError("not a single-start LALR parser with a contextual lexer")

    lexers: list[dict] = []
    index: dict[int, int] = {}
    lexer_of: dict[int, int] = {}
    for state, lexer in contextual.lexers.items():
        if id(lexer) not in index:
            scanner = lexer.scanner
            unless: dict[str, dict[str, str]] = {}
            for type_, cb in lexer.callback.items():
                if isinstance(cb, CallChain):
                    cb = cb.callback1
                if isinstance(cb, UnlessCallback):
                    words = {}
                    for t in cb.scanner.terminals:
                        if t.pattern.type != "str" or t.pattern.flags:
                            raise ValueError(f"keyword {t.name} is not a plain string")
                        words[str(t.pattern.value)] = str(t.name)
                    unless[str(type_)] = words
                elif type_ not in frontend.lexer_conf.callbacks:
                    raise ValueError(f"unknown lexer callback for {type_}")
            mres = [(str(m.pattern), int(m.flags)) for m in scanner._mres]
            lexers.append(
                {
                    "mres": mres,
                    "compiled": [compiled_parts(p, f) for p, f in mres],
                    "unless": unless,
                    "newline": sorted(map(str, lexer.newline_types)),
                    "ignore": sorted(map(str, lexer.ignore_types)),
                }
            )
            index[id(lexer)] = len(lexers) - 1
        lexer_of[int(state)] = index[id(lexer)]

    rule_ids: dict = {}
    rules = []
    names = {id(v): str(k) for k, v in vars(lark.options.transformer).items()}
    for rule, cb in parser.callbacks.items():
        if not hasattr(rule, "origin"):
            raise ValueError("a terminal callback")
        include = None
        append_none = 0
        expand1 = False
        f = cb
        if isinstance(f, ChildFilterLALR):
            include = tuple((int(i), bool(x), int(n)) for i, x, n in f.to_include)
            append_none, f = int(f.append_none), f.node_builder
        elif isinstance(f, ChildFilterLALR_NoPlaceholders):
            include = tuple((int(i), bool(x), 0) for i, x in f.to_include)
            f = f.node_builder
        if isinstance(f, ExpandSingleChild):
            expand1, f = True, f.node_builder
        if isinstance(f, partial) and f.func is LarkTree:
            name = str(f.args[0])
            if hasattr(lark.options.transformer, name):
                raise ValueError(f"{name}: a tree although the builder has a method")
        elif id(f) in names:
            name = names[id(f)]
        else:
            raise ValueError(f"unknown callback for {rule}")
        rule_ids[rule] = len(rules)
        rules.append(
            (str(rule.origin.name), len(rule.expansion), name, expand1, include, append_none)
        )

    states: dict[int, dict[str, tuple]] = {}
    for state, actions in table.states.items():
        out = {}
        for name, (action, arg) in actions.items():
            if action is Shift:
                out[str(name)] = (SHIFT, int(arg))
            else:
                out[str(name)] = (REDUCE, rule_ids[arg])
        states[int(state)] = out

    ind = lark.options.postlex
    return {
        "format": FORMAT,
        "lexers": lexers,
        "lexer_of": lexer_of,
        "states": states,
        "start": int(table.start_states["start"]),
        "end": int(table.end_states["start"]),
        "rules": rules,
        "indent": (
            str(ind.NL_type),
            str(ind.INDENT_type),
            str(ind.DEDENT_type),
            tuple(map(str, ind.OPEN_PAREN_types)),
            tuple(map(str, ind.CLOSE_PAREN_types)),
            int(ind.tab_len),
        ),
    }
