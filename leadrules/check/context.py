"""What every checker of a declaration, group, tier, automation or test block shares.

The `ModelBuilder` (build.py) owns one `CheckContext` and hands it to the checkers in tiers.py and
blocks.py; they read and extend it through these fields only, never through the ModelBuilder.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from leadrules import diagnostics as dg
from leadrules import model as m
from leadrules.check.conds import Resolver
from leadrules.check.exprs import Symbol
from leadrules.syntax import ast


@dataclass
class CheckContext:
    files: list[ast.File]  # the root file last, its imports before it
    diags: list[dg.Diagnostic]  # every stage appends here
    symbols: dict[str, Symbol] = field(default_factory=dict)  # every declared name
    events: dict[str, m.EventType] = field(default_factory=dict)
    attrs: list[m.Attribute] = field(default_factory=list)  # the lead attributes, in order
    used: set[str] = field(default_factory=set)  # names something refers to (for LR0601)
    res: Resolver = field(init=False)  # values and conditions -> Model expressions

    def __post_init__(self) -> None:
        self.res = Resolver(self.symbols, self.events, self.diags, self.used)

    @property
    def root(self) -> ast.File:
        return self.files[-1]

    def statements(self) -> Iterator:
        """Every statement of every file, imports first."""
        for f in self.files:
            yield from f.statements
