"""Where things are in the source text: the one location type every layer may use.

It sits below the parser, the diagnostics and the backends, so that a diagnostic or a target can
point at a line without importing the syntax package.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Span:
    """A region of a source file; lines and columns are 1-based, end is exclusive."""

    path: str
    line: int
    col: int
    end_line: int
    end_col: int

    def to(self, other: Span) -> Span:
        return Span(self.path, self.line, self.col, other.end_line, other.end_col)

    @classmethod
    def point(cls, path: str, line: int, col: int) -> Span:
        """The one character at `line`, `col`: for a place known only by its start."""
        return cls(path, line, col, line, col + 1)


#: where a diagnostic goes when nothing better is known
NOWHERE = Span("?", 1, 1, 1, 2)
