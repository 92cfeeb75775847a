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


def _rows(path: Path) -> Iterator[tuple[str, dict]]:
    """(where, row) pairs; `where` is `path:line`."""
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
                yield f"{path}:{n}", row
    elif suffix == ".parquet":
        import pyarrow.parquet as pq

        for n, row in enumerate(pq.read_table(path).to_pylist(), 1):
            yield f"{path}: row {n}", row
    else:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            for row in reader:
                if None in row:
                    raise OutcomeError(f"{path}:{reader.line_num}: more cells than the header has")
                yield f"{path}:{reader.line_num}", row


def _missing(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _bool(value, where: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
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
    lines: dict[str, str] = {}
    for where, row in _rows(path):
        for column in (lead_key, "converted"):
            if column not in row:
                raise OutcomeError(
                    f"{where}: no `{column}` column (columns: {', '.join(map(str, row)) or 'none'})"
                )
        if _missing(row[lead_key]):
            raise OutcomeError(f"{where}: {lead_key} is empty")
        if _missing(row["converted"]):
            raise OutcomeError(f"{where}: converted is empty; write true or false")
        lead = _key(row[lead_key])
        if lead in out:
            raise OutcomeError(f"{where}: lead {lead} appears twice (first at {lines[lead]})")
        lines[lead] = where
        out[lead] = Outcome(
            lead,
            _bool(row["converted"], where),
            _time(row.get("converted_at"), where),
            _number(row.get("value"), where),
        )
    return out
