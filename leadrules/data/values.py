"""Typed values from data cells: one converter per declared type.

A converter takes what a reader produced (a CSV string, a JSON value, a Parquet value) and returns
the typed value, `None` for a missing one (None or an empty string), or
raises `ValueError` with a short reason. Rules (docs/semantics.md, "Input values"):

- number: an int or float (not a bool), or text in decimal notation with an optional exponent;
  `nan` and `inf` are rejected. Integral text gives an int.
- text: a string as is (never stripped); a JSON/Parquet number becomes its decimal text.
- bool: true/false, yes/no, 1/0 (text, case-insensitive, surrounding spaces ignored), or a
  JSON/Parquet bool, or the numbers 1 and 0.
- time: an ISO-8601 date or timestamp, with or without zone (without a zone it is UTC); a
  datetime or date value. The result is an aware datetime in UTC.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable

UTC = dt.timezone.utc
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")
_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})


def to_number(value: object) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("expected a number, got a bool")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ValueError("expected a finite number")
        return value
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if _INTEGER.fullmatch(text):
            return int(text)
        if _NUMBER.fullmatch(text):
            return float(text)
        raise ValueError("expected a number")
    if hasattr(value, "is_finite"):  # decimal.Decimal from Parquet
        return to_number(float(value))
    raise ValueError(f"expected a number, got {type(value).__name__}")


def to_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value or None
    if isinstance(value, bool):
        raise ValueError("expected text, got a bool")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return repr(value)
    raise ValueError(f"expected text, got {type(value).__name__}")


def to_bool(value: object) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        if value == 1:
            return True
        if value == 0:
            return False
        raise ValueError("expected a bool (true/false, yes/no, 1/0)")
    if isinstance(value, str):
        text = value.strip().lower()
        if not text:
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise ValueError("expected a bool (true/false, yes/no, 1/0)")


def to_time(value: object) -> dt.datetime | None:
    """An aware UTC datetime. The hot path of the event readers: keep it short."""
    if type(value) is str:
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            parsed = _parse_time_slow(value)
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=UTC)
        return parsed
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=UTC)
    raise ValueError(f"expected an ISO-8601 timestamp, got {type(value).__name__}")


def _parse_time_slow(text: str) -> dt.datetime:
    """What `fromisoformat` of Python 3.10 refuses: a `Z` suffix, surrounding spaces."""
    t = text.strip()
    if t[-1:] in "Zz":
        t = t[:-1] + "+00:00"
    try:
        return dt.datetime.fromisoformat(t)
    except ValueError:
        raise ValueError("expected an ISO-8601 timestamp") from None


def to_time_or_missing(value: object) -> dt.datetime | None:
    """A `time` attribute or property: an empty cell is missing (an event's own time is not)."""
    if value == "":
        return None
    return to_time(value)


CONVERTERS: dict[str, Callable[[object], object]] = {
    "number": to_number,
    "text": to_text,
    "bool": to_bool,
    "time": to_time_or_missing,
}


def convert(type_name: str, value: object) -> object:
    return CONVERTERS[type_name](value)


def show(value: object) -> str:
    """A raw value as a message shows it."""
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)
