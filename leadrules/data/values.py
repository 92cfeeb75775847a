"""Typed values from data cells: one converter per declared type.

A converter takes what a reader produced (a CSV string, a JSON value, a Parquet value) and returns
the typed value, `None` for a missing one (None or an empty string), or
raises `ValueError` with a short reason. Rules (docs/semantics.md, "Input values"):

- number: an int or float (not a bool), or text in decimal notation with an optional exponent;
  `nan`, `inf` and values beyond the double range (`1e400`) are rejected. A number is the double
  nearest the decimal value it shows (`number_value`): integral values within +-2**53 stay ints
  (exact as doubles), larger ones become that double, as every engine compares them.
- text: a string as is (never stripped); a JSON/Parquet number becomes its decimal text.
- bool: true/false, yes/no, 1/0 (text, case-insensitive, surrounding spaces ignored), or a
  JSON/Parquet bool, or the numbers 1 and 0.
- time: `YYYY-MM-DD`, optionally `T` or a space, `HH:MM[:SS[.fraction]]` and a zone `Z`,
  `+HH:MM`, `+HHMM` or `+HH` (see `TIME_FORM`; without a zone it is UTC; fractions beyond the
  microsecond are cut); a datetime or date value. The result is an aware datetime.

Surrounding spaces (SPACE: ASCII space, tab, CR, LF, VT, FF) are ignored where the rules say so,
the same characters on every engine. `convert(type, value)` types one value by its declared
type: the one function the file readers, the library API and the service share.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable

UTC = dt.timezone.utc
SPACE = " \t\n\r\x0b\x0c"
NUMBER_FORM = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?"
_NUMBER = re.compile(NUMBER_FORM)
_INTEGER = re.compile(r"[+-]?[0-9]+")
_EXACT = 2**53  # integers up to this size are exact doubles
# the one timestamp form (RE2-compatible: the DuckDB engine matches the same text with it)
_YEAR = "([0-9]{3}[1-9]|[0-9]{2}[1-9]0|[0-9][1-9]00|[1-9]000)"  # 0001..9999
_DATE = _YEAR + "-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
_CLOCK = "([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]+)?)?"
_ZONE = "(Z|[+-]([01][0-9]|2[0-3])(:?[0-5][0-9])?)"
TIME_FORM = f"{_DATE}([T ]{_CLOCK}{_ZONE}?)?"
_TIME = re.compile(TIME_FORM)
_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})


def to_number(value: object) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("expected a number, got a bool")
    if isinstance(value, int):
        return number_value(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ValueError("expected a finite number")
        return value
    if isinstance(value, str):
        text = value.strip(SPACE)
        if not text:
            return None
        if _INTEGER.fullmatch(text):
            return number_value(int(text))
        if _NUMBER.fullmatch(text):
            number = float(text)
            if math.isinf(number):
                raise ValueError("expected a number within the double range (about 1.8e308)")
            return number
        raise ValueError("expected a number")
    if hasattr(value, "is_finite"):  # decimal.Decimal from Parquet
        return to_number(float(value))
    raise ValueError(f"expected a number, got {type(value).__name__}")


def number_value(n: int | float) -> int | float:
    """A number as every engine compares it: the nearest double. Integers within +-2**53 are
    kept (they are exact doubles, and print without a `.0`)."""
    if type(n) is int and not -_EXACT <= n <= _EXACT:
        return float(n)
    return n


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
    if hasattr(value, "is_finite"):  # decimal.Decimal from Parquet: as written, fixed point
        return format(value, "f")
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
        text = value.strip(SPACE).lower()
        if not text:
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise ValueError("expected a bool (true/false, yes/no, 1/0)")


def to_time(value: object) -> dt.datetime | None:
    """An aware datetime (its instant is what counts)."""
    if type(value) is str:
        return parse_time(value)
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=UTC)
    raise ValueError(f"expected an ISO-8601 timestamp, got {type(value).__name__}")


def parse_time(text: str) -> dt.datetime:
    """Text in the one timestamp form (`TIME_FORM`, surrounding SPACE ignored) as an aware
    datetime; ValueError for anything else. The hot path of the event readers: the common
    forms go through `fromisoformat` and a check of the separators' positions; the rest
    through the regular expression."""
    try:
        parsed = _fromisoformat(text)
    except ValueError:
        parsed = None
    if parsed is not None and _plain(text):
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    return _parse_time_form(text)


_fromisoformat = dt.datetime.fromisoformat


def _shapes() -> frozenset[str]:
    """The one form's shapes, digits written 9 (fractions up to nanoseconds)."""
    clocks = ["99:99", "99:99:99"] + ["99:99:99." + "9" * n for n in range(1, 10)]
    zones = ["", "Z"] + [sign + z for sign in "+-" for z in ("99", "9999", "99:99")]
    return frozenset(
        ["9999-99-99"] + [f"9999-99-99{sep}{c}{z}" for sep in "T " for c in clocks for z in zones]
    )


_SHAPES = _shapes()
_DIGITS = str.maketrans("0123456789", "9999999999")


def _plain(t: str) -> bool:
    """Whether text `fromisoformat` read is in the one form (it accepts more: basic forms,
    week dates, an hour alone, any separator, offsets with seconds, 24:00 in newer Pythons, an
    offset's minutes up to 99: `+03:60` is four hours)."""
    if t.translate(_DIGITS) not in _SHAPES or t[11:13] == "24":
        return False
    # an offset with minutes ends the text (`+0330`, `+03:30`): its minutes are below 60
    return not ((t[-5] in "+-" or t[-6] in "+-") and t[-2] > "5")


def _parse_time_form(text: str) -> dt.datetime:
    """`parse_time` by the regular expression `TIME_FORM`."""
    match = _TIME.fullmatch(text)
    if match is None:
        match = _TIME.fullmatch(text.strip(SPACE))
        if match is None:
            raise ValueError("expected an ISO-8601 timestamp")
    year, month, day, _, hour, seconds, fraction, zone, zone_h, zone_m = match.groups()
    try:
        if hour is None:
            return dt.datetime(int(year), int(month), int(day), tzinfo=UTC)
        tz = UTC
        if zone is not None and zone != "Z":
            offset = dt.timedelta(hours=int(zone_h), minutes=int(zone_m[-2:]) if zone_m else 0)
            tz = dt.timezone(-offset if zone[0] == "-" else offset)
        text = match.group()
        minute = int(text[14:16])
        second = int(seconds[1:3]) if seconds else 0
        micro = int(fraction[1:7].ljust(6, "0")) if fraction else 0
        return dt.datetime(int(year), int(month), int(day), int(hour), minute, second, micro, tz)
    except ValueError:  # a date that does not exist (2026-02-30)
        raise ValueError("expected an ISO-8601 timestamp of a date that exists") from None


def to_time_or_missing(value: object) -> dt.datetime | None:
    """A `time` attribute or property: an empty cell is missing (an event's own time is not)."""
    if type(value) is str and not value.strip(SPACE):
        return None
    return to_time(value)


CONVERTERS: dict[str, Callable[[object], object]] = {
    "number": to_number,
    "text": to_text,
    "bool": to_bool,
    "time": to_time_or_missing,
}


def to_number_decimal_comma(value: object) -> int | float | None:
    """`to_number` for text written with a decimal comma (`12,5`, `-0,5e3`): `--decimal-comma`.
    A `.` in such text is refused: `1.234` may mean 1234 there, never silently 1.234."""
    if type(value) is str:
        text = value.strip(SPACE)
        if "." in text:
            raise ValueError("expected a number with a decimal comma (--decimal-comma)")
        return to_number(text.replace(",", ".", 1) if text.count(",") == 1 else text)
    return to_number(value)


_DECIMAL_COMMA = {**CONVERTERS, "number": to_number_decimal_comma}


def converters_for(options=None) -> dict[str, Callable[[object], object]]:
    """The converters by type for these data options (a DataOptions, or None)."""
    return _DECIMAL_COMMA if getattr(options, "decimal_comma", False) else CONVERTERS


def convert(type_name: str, value: object, decimal_comma: bool = False) -> object:
    """One value typed by its declared type (`number`, `text`, `bool`, `time`), by the rules
    every reader and engine applies: the typed value, None when missing, or ValueError with
    a short reason. The service types API input with it."""
    converters = _DECIMAL_COMMA if decimal_comma else CONVERTERS
    return converters[type_name](value)


def show(value: object) -> str:
    """A raw value as a message shows it."""
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)
