"""Compiler targets. Each target module defines `compile(model, options) -> Output`.

A target reads the Model only. Single-file targets return `Output(text=...)`; multi-file
targets return `Output(files={relative path: content})`. An action or construct a target cannot
express is reported as an LR0801 diagnostic: an error, or a warning with `best_effort`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from leadrules import diagnostics as dg
from leadrules.source import NOWHERE, Span

TARGETS = {
    "sql": "leadrules.targets.sql",
    "dbt": "leadrules.targets.dbt",
    "hubspot": "leadrules.targets.hubspot",
    "smoove": "leadrules.targets.smoove",
}


@dataclass(frozen=True)
class Options:
    dialect: str = "duckdb"
    as_of: dt.datetime | None = None
    leads_table: str = "leads"
    events_table: str = "events"
    properties_column: str | None = None  # event properties in one JSON column of this name
    lead_key: str = "lead_id"  # sql, dbt: the lead key column of both inputs
    event_column: str = "event"  # sql, dbt: the events' type column
    time_column: str = "occurred_at"  # sql, dbt: the events' time column
    timestamp_type: str = "naive"  # trino: time columns are `timestamp` (naive) or zoned
    best_effort: bool = False
    mode: str = "native"  # hubspot: native | workflows
    lang: str = "en"  # smoove recipe language: en | he


@dataclass
class Output:
    text: str | None = None
    files: dict[str, str] | None = None
    diagnostics: list[dg.Diagnostic] = field(default_factory=list)


def span_of(loc) -> Span:
    """The span a diagnostic about a Model element points at: its first character, or nowhere."""
    return Span.point(loc.path, loc.line, loc.col) if loc else NOWHERE


def unsupported(target: str, what: str, loc, options: Options, help: str = "") -> dg.Diagnostic:
    """LR0801 for something `target` cannot express: an error, or a warning with best effort."""
    span = span_of(loc)
    return dg.make(
        "LR0801",
        f"{what} cannot be expressed by the {target} target",
        span,
        help=help or "pass --best-effort to skip it with a warning",
        severity=dg.WARNING if options.best_effort else dg.ERROR,
    )
