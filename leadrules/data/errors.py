"""Errors in data files, and what to do with a bad row (stop, or report it and go on)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


class DataError(Exception):
    """A problem in a data file: a malformed row, a missing column, an unreadable file.

    `line` is the 1-based line of a CSV or JSON Lines file (the header is line 1 of a CSV), or the
    1-based row of a Parquet file (`unit` "row"); None when the problem is the file as a whole.
    """

    def __init__(self, path: str, line: int | None, message: str, unit: str = "line"):
        super().__init__(message)
        self.path = path
        self.line = line
        self.message = message
        self.unit = unit

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.message}"
        if self.unit == "row":
            return f"{self.path}: row {self.line}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class BadRows:
    """The policy for malformed rows. Strict (the default) raises the first one as a DataError;
    with `skip` each is reported through `report` and counted, and reading goes on."""

    skip: bool = False
    report: Callable[[str], None] | None = None
    skipped: dict[str, int] = field(default_factory=dict)

    def bad(self, path: str, line: int, message: str, unit: str = "line") -> None:
        error = DataError(path, line, message, unit)
        if not self.skip:
            raise error
        self.skipped[path] = self.skipped.get(path, 0) + 1
        if self.report is not None:
            self.report(f"warning: {error} (row skipped)")

    def summary(self) -> list[str]:
        return [
            f"note: skipped {n} bad row{'s' * (n != 1)} in {path}"
            for path, n in sorted(self.skipped.items())
        ]
