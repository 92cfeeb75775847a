"""Groups kept from one check to the next, for the language server: a keystroke in one group
re-checks that group only.

What `ModelBuilder.group` makes of a group (its `m.Group`, the diagnostics it records, the names its
rules use) depends on the group's name, cap, rules and span and on the declarations around it:
every declaration's node (attributes, events, signals, consts, the model line, imports, clamp)
and, of the groups and tiers, only the kind, name and span (what a name's resolution and a
did-you-mean can read of them). AST nodes compare without their spans, so the kept result is
found by the identity of the nodes: the language server's block cache (`leadrules/lsp/parsing.py`)
hands back the very same node objects for every top-level block the edit did not touch, and the
entries hold those nodes, so an identity is never reused while it is kept. Anything else (a
changed declaration, a block moved by an inserted line) is a miss and is checked as usual.

`tests/lsp/test_incremental.py` checks that a check with a memo gives exactly the diagnostics and
Model of one without, over random edits of the corpus files.
"""

from __future__ import annotations

from leadrules.syntax import ast

# statements whose contents no group's rules can read: only their name and span count
_NAMED_ONLY = (ast.Group, ast.Tier)
# statements that make no symbol at all (the rules' own group holds a top-level rule)
_NO_SYMBOL = (ast.Rule, ast.EachRule, ast.OnBlock, ast.TestBlock)


def _environment(statements) -> tuple:
    out: list = []
    for s in statements:
        if isinstance(s, _NO_SYMBOL):
            continue
        if isinstance(s, _NAMED_ONLY):
            out.append((type(s), s.name.id, s.name.span))
        else:
            out.append(s)
    return tuple(out)


def _same(a: tuple, b: tuple) -> bool:
    """Equal element by element, AST nodes by identity (they compare without their spans)."""
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if isinstance(x, tuple):
            if not (isinstance(y, tuple) and x == y):
                return False
        elif x is not y:
            return False
    return True


class GroupMemo:
    """The groups of the last check of one document."""

    def __init__(self) -> None:
        self._environment: tuple = ()
        self._kept: dict[tuple, tuple] = {}  # (name, cap, span) -> (rules, result)
        self._now: dict[tuple, tuple] = {}
        self.hits = self.misses = 0  # for tests and benchmarks

    def begin(self, statements) -> None:
        """A check starts: what was kept stays only if every declaration is the same."""
        env = _environment(statements)
        if not _same(env, self._environment):
            self._kept = {}
        self._environment = env
        self._now = {}

    def get(self, name: str, cap, rules: tuple, span) -> tuple | None:
        """(group, diagnostics, used names) kept for these very rules, or None."""
        kept = self._kept.get((name, cap, span))
        if kept is None or not _same(kept[0], tuple(rules)):
            self.misses += 1
            return None
        self.hits += 1
        self._now[(name, cap, span)] = kept
        return kept[1]

    def put(self, name: str, cap, rules: tuple, span, result: tuple) -> None:
        self._now[(name, cap, span)] = (tuple(rules), result)

    def end(self) -> None:
        """Keep this check's groups only (the memo never outgrows one document)."""
        self._kept = self._now
        self._now = {}
