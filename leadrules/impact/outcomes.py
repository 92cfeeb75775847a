"""The outcomes file of `leadrules evaluate`: `lead_id, converted` and optionally `converted_at`
and `value`, as CSV, JSON Lines or Parquet (by extension). A bad row is an error naming the file
and line (the row number for Parquet); nothing is guessed."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from collections.abc import Iterator
from pathlib import Path

from leadrules.impact.metrics import Outcome

TRUE = {"true", "t", "yes", "y", "1"}
FALSE = {"false", "f", "no", "n", "0"}


class OutcomeError(Exception):
    """`path:line: message`."""


def _place(path: Path, n: int) -> str:
    """`path:line`, or `path: row N` for Parquet, which has no lines."""
    return f"{path}: row {n}" if path.suffix.lower() == ".parquet" else f"{path}:{n}"


def _rows(path: Path) -> Iterator[tuple[int, dict]]:
    """(line, row) pairs (the row number for Parquet)."""
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        with path.open(encoding="utf-8-sig") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as e:
                    raise OutcomeError(f"{path}:{n}: not a JSON object ({e.msg})") from None
                if not isinstance(row, dict):
                    raise OutcomeError(f"{path}:{n}: not a JSON object")
                yield n, row
    elif suffix == ".parquet":
        import pyarrow.parquet as pq

        for n, row in enumerate(pq.read_table(path).to_pylist(), 1):
            yield n, row
    else:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            for row in reader:
                if None in row:
                    raise OutcomeError(f"{path}:{reader.line_num}: more cells than the header has")
                yield reader.line_num, row


def _missing(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_BOOLS = {**dict.fromkeys(TRUE, True), **dict.fromkeys(FALSE, False)}


def _bool(value, where: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        found = _BOOLS.get(value.strip().lower())
        if found is not None:
            return found
    elif isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    raise OutcomeError(f"{where}: converted is `{value}`; write true or false (or 1/0, yes/no)")


def _time(value, where: str) -> dt.datetime | None:
    if _missing(value):
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        try:
            parsed = dt.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            raise OutcomeError(f"{where}: converted_at `{value}` is not an ISO-8601 time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed.astimezone(dt.timezone.utc)


def _number(value, where: str) -> float | None:
    if _missing(value):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise OutcomeError(f"{where}: value `{value}` is not a number") from None
    if not math.isfinite(number):
        raise OutcomeError(f"{where}: value `{value}` is not a finite number")
    return number


def _key(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_outcomes(path: str | Path, lead_key: str = "lead_id") -> dict[str, Outcome]:
    path = Path(path)
    out: dict[str, Outcome] = {}
    lines: dict[str, int] = {}
    for n, row in _rows(path):
        if lead_key not in row or "converted" not in row:
            column = lead_key if lead_key not in row else "converted"
            columns = ", ".join(map(str, row)) or "none"
            raise OutcomeError(f"{_place(path, n)}: no `{column}` column (columns: {columns})")
        key, converted = row[lead_key], row["converted"]
        if _missing(key):
            raise OutcomeError(f"{_place(path, n)}: {lead_key} is empty")
        if _missing(converted):
            raise OutcomeError(f"{_place(path, n)}: converted is empty; write true or false")
        lead = _key(key)
        if lead in lines:
            first = _place(path, lines[lead])
            raise OutcomeError(f"{_place(path, n)}: lead {lead} appears twice (first at {first})")
        lines[lead] = n
        at, value = row.get("converted_at"), row.get("value")
        where = _place(path, n) if (at or value) else ""
        outcome = Outcome(
            lead,
            _BOOLS.get(converted.strip().lower()) if isinstance(converted, str) else None,
            _time(at, where) if at else None,
            _number(value, where) if value is not None and value != "" else None,
        )
        if outcome.converted is None:  # not a common spelling: the full check, with its message
            outcome = outcome._replace(converted=_bool(converted, _place(path, n)))
        out[lead] = outcome
    return out
