"""Engines: run a Model over data. `python` is the reference interpreter (the meaning of the
language); `duckdb` runs the compiled SQL in-process and is the default of `leadrules score`.

Both return the same `LeadResult`s for the same data and as-of; the equivalence tests prove it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from leadrules.engine.explain import Explanation

ENGINES = ("duckdb", "python", "spark")


@dataclass(frozen=True)
class LeadResult:
    lead_id: str
    groups: tuple[tuple[str, int], ...]  # (group name, group score after its cap), model order
    score: int  # the total after clamp
    tier: str | None
    explanation: Explanation | None = field(default=None, compare=False)

    def group(self, name: str) -> int:
        return dict(self.groups)[name]

    def row(self) -> dict:
        """`lead_id, <group>..., score, tier`: the columns of `leadrules score`."""
        out: dict[str, object] = {"lead_id": self.lead_id}
        out.update(self.groups)
        out["score"] = self.score
        out["tier"] = self.tier
        return out


def key_order(lead_id: str):
    """The order of `leadrules score` rows: numeric when the key is an integer, and integers
    before other keys; otherwise by the text's code points."""
    text = lead_id
    if text[:1] in "+-":
        digits = text[1:]
    else:
        digits = text
    if digits.isascii() and digits.isdigit():
        return (0, int(text), lead_id)
    return (1, 0, lead_id)


@dataclass(frozen=True)
class DataOptions:
    """How the input files are read (both engines take the same options)."""

    lead_key: str = "lead_id"
    event_column: str = "event"
    time_column: str = "occurred_at"
    properties_column: str | None = None  # one JSON object column holds the event properties
    skip_bad_rows: bool = False
    events_key: str | None = None  # the events file's lead key column, when not `lead_key`
    delimiter: str = ","  # CSV
    encoding: str | None = None  # CSV: None is UTF-8, or UTF-16 when the file starts with its BOM
    decimal_comma: bool = False  # numbers in text are written `12,5`
    # what the DuckDB engine may use (the others ignore them): its memory limit (`2GB`, DuckDB
    # spills to `temp_directory` beyond it) and the folder it spills to (None: a fresh one in
    # the system's temp folder, removed after the run)
    memory_limit: str | None = None
    temp_directory: str | None = None

    @property
    def event_key(self) -> str:
        return self.events_key or self.lead_key


def require_event_columns(source, options: DataOptions) -> tuple:
    """(key, type, time, properties column or None) of an SQL engine's events source: each the
    source's name for the file's column, found by `source.require(column, needed_by, hint)`,
    which says which option chooses another."""
    key_option = "--events-key" if options.events_key else "--lead-key"
    key = source.require(options.event_key, "the lead key", f" (choose another with {key_option})")
    kind = source.require(
        options.event_column, "the event type", " (choose another with --event-column)"
    )
    time = source.require(
        options.time_column, "the event time", " (choose another with --time-column)"
    )
    blob = options.properties_column and source.require(
        options.properties_column, "--properties-column"
    )
    return key, kind, time, blob


def run(
    model,
    leads_path: str,
    events_path: str,
    as_of: dt.datetime,
    engine: str = "duckdb",
    options: DataOptions | None = None,
    explain: bool = False,
    master: str | None = None,
) -> list[LeadResult]:
    """Score every lead of `leads_path`; results in key order. Raises `DataError` on bad rows."""
    options = options or DataOptions()
    run_files: Callable[..., list[LeadResult]]  # one of the engines' (same parameters)
    if engine == "python":
        from leadrules.engine.python import run_files
    elif engine == "duckdb":
        from leadrules.engine.duckdb import run_files
    elif engine == "spark":  # master: --spark-master (a Spark master URL or sc://...)
        from leadrules.engine.spark import run_files
    else:  # pragma: no cover - click restricts the choice
        raise ValueError(f"unknown engine {engine!r}")
    extra = {"master": master} if engine == "spark" else {}
    results = run_files(model, leads_path, events_path, as_of, options, explain=explain, **extra)
    if engine == "spark":  # the others give their results in key order
        return sorted(results, key=lambda r: key_order(r.lead_id))
    return results


def write(
    model,
    leads_path: str,
    events_path: str,
    as_of: dt.datetime,
    fmt: str,
    path: str,
    engine: str = "duckdb",
    options: DataOptions | None = None,
    bom: bool = False,
    master: str | None = None,
) -> None:
    """Score every lead of `leads_path` and write the rows to the file `path` in `fmt` (csv,
    jsonl, table or parquet; `bom`: a UTF-8 byte order mark before CSV). The DuckDB engine
    writes them itself; the other engines' results are written by `output.write_file`."""
    from leadrules.engine.output import write_file

    if engine == "duckdb" and fmt != "table":
        from leadrules.engine.duckdb import write_files

        write_files(model, leads_path, events_path, as_of, fmt, path, options, bom)
        return
    results = run(model, leads_path, events_path, as_of, engine, options, master=master)
    write_file(results, model.group_names, fmt, path, bom)
