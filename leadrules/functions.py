"""The built-in functions (`lower`, `domain`, `days_since`), declared once.

Each entry says what the checker, the interpreter, the SQL compiler and the automation targets
need: the argument and result types, the interpreter's implementation (the meaning of the
function: every engine is tested against it) and the SQL macro that computes it
(`targets/sql/templates/macros/default.sql`, overridden by the dialects whose SQL differs).
HubSpot and smoove compare stored values only, so no function reaches them
(`targets/automation.py` reports it with the reason "function"). A new function is an entry
here, its name in the grammar's `FUNC` terminal, its macro, and its line in docs/language.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from leadrules.model import FuncName, ValueType

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_DAY = dt.timedelta(days=1)


def ascii_lower(text: str) -> str:
    """`lower()`: folds A-Z only, so that every engine agrees."""
    return text.translate(_ASCII_LOWER)


def email_domain(text: str) -> str | None:
    """`domain()`: the part after the last `@`, folded like `lower()`; missing without `@`."""
    head, at, tail = text.rpartition("@")
    return ascii_lower(tail) if at else None


def days_since(value: dt.datetime, as_of: dt.datetime) -> int:
    """Whole days from `value` to as-of, rounded down (negative for a value after as-of)."""
    return (as_of - value) // _DAY


@dataclass(frozen=True)
class Function:
    name: FuncName
    arg: ValueType  # the type of its one argument
    result: ValueType
    # the meaning: called with a present argument (a missing one gives missing), and with as-of
    # too when `reads_as_of`; returns the value, or None for missing
    apply: Callable[..., Any]
    macro: str  # the SQL macro: called with the argument's SQL (and as-of's when `reads_as_of`)
    reads_as_of: bool = False


FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        Function("lower", "text", "text", ascii_lower, "lower_ascii"),
        Function("domain", "text", "text", email_domain, "domain"),
        Function("days_since", "time", "number", days_since, "days_since", reads_as_of=True),
    )
}
