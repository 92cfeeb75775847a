"""Readers for leads and events files (CSV, JSON Lines, Parquet), typed by the Model's
declarations, with row-level errors naming the file and the line.

- `read_leads(model, path, lead_key, bad)` -> {lead id: attribute values}
- `EventReader(model, path, options, bad)` streams typed events
- `DataError` is raised for a malformed row (unless `BadRows(skip=True)`), a missing column or
  an unreadable file.
- `convert(type, value)` types one value by its declared type, by the rules every reader and
  engine applies (docs/semantics.md, "Input values"); `parse_time(text)` reads the one
  timestamp form.
"""

from leadrules.data.errors import BadRows, DataError
from leadrules.data.events import EventReader
from leadrules.data.leads import read_leads
from leadrules.data.sources import FORMATS, data_format
from leadrules.data.values import convert, parse_time

__all__ = [
    "FORMATS",
    "BadRows",
    "DataError",
    "EventReader",
    "convert",
    "data_format",
    "parse_time",
    "read_leads",
]
