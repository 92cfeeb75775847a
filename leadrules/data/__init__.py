"""Readers for leads and events files (CSV, JSON Lines, Parquet), typed by the Model's
declarations, with row-level errors naming the file and the line.

- `read_leads(model, path, lead_key, bad)` -> {lead id: attribute values}
- `EventReader(model, path, options, bad)` streams typed events
- `DataError` is raised for a malformed row (unless `BadRows(skip=True)`), a missing column or
  an unreadable file.
"""

from leadrules.data.errors import BadRows, DataError
from leadrules.data.events import EventReader
from leadrules.data.leads import read_leads
from leadrules.data.sources import FORMATS, data_format

__all__ = ["FORMATS", "BadRows", "DataError", "EventReader", "data_format", "read_leads"]
