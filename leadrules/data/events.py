"""The events file, streamed: one row per event (lead key, event type, timestamp, properties).

`EventReader(model, path, options, bad)` iterates `(lead_id, type_index, occurred_at, props)`:
`type_index` indexes `model.events`, `occurred_at` is an aware UTC datetime and `props` the
values of that type's declared properties in declaration order (None where missing). Rows of
event types the model does not declare are not yielded; `ignored_types` counts them by name.
Nothing is kept per event: memory does not grow with the file.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterator

from leadrules.data import values
from leadrules.data.errors import BadRows, DataError
from leadrules.data.leads import convert_cells, require
from leadrules.data.sources import BadRow, CsvTable, data_format, open_table
from leadrules.data.values import converters_for, show, to_text, to_time

PropsReader = Callable[[object, int], "tuple | None"]  # (row, line) -> props, None if bad
UTC = dt.timezone.utc


def event_declaration(event) -> str:
    props = ", ".join(
        f"{p.name}: {p.type}" + (f' from "{p.column}"' if p.column != p.name else "")
        for p in event.props
    )
    where = f" at {event.loc.path}:{event.loc.line}" if event.loc else ""
    return f"`event {event.name}({props})`{where}"


SNIFF_LINES = 1000


def check_nested_properties(model, path: str, options) -> None:
    """JSON Lines events whose declared properties sit in a nested object (`"properties":
    {"url": ...}`) while no --properties-column is given would read every property as missing:
    a DataError naming the option instead. The first SNIFF_LINES lines are looked at; both
    engines call this before reading, so they stop alike."""
    if options.properties_column or data_format(path) != "jsonl":
        return
    props = {e.source: {p.column for p in e.props} for e in model.events if e.props}
    if not props:
        return
    try:
        with open(path, encoding="utf-8-sig") as f:
            for line, text in enumerate(f, 1):
                if line > SNIFF_LINES:
                    return
                try:
                    obj = json.loads(text)
                except ValueError:
                    continue
                if type(obj) is not dict:
                    continue
                names = props.get(obj.get(options.event_column))
                if not names or names & obj.keys():
                    continue
                for key, value in obj.items():
                    if type(value) is dict and names & value.keys():
                        message = (
                            f"the properties of event `{obj.get(options.event_column)}` are "
                            f"inside the object `{key}`, not top-level keys: pass "
                            f"--properties-column {key}"
                        )
                        raise DataError(path, line, message)
    except (OSError, UnicodeDecodeError):
        return  # the reader reports it


class EventReader:
    """Yields (lead id, event type index, occurred_at, property values) per event, with the
    event's id last when `id_column` names a column of event ids (`leadrules import`)."""

    def __init__(self, model, path: str, options, bad: BadRows, id_column: str | None = None):
        check_nested_properties(model, path, options)
        self.id_column = id_column
        self.path = path
        self.bad = bad
        self.options = options
        self.ignored_types: Counter[str] = Counter()
        self.events = model.events
        prop_columns = [p.column for e in model.events for p in e.props]
        wanted = [options.event_key, options.event_column, options.time_column]
        wanted += [options.properties_column] if options.properties_column else prop_columns
        wanted += [id_column] if id_column else []
        self.table = open_table(path, wanted, options)
        self.converters = converters_for(options)

    def position(self) -> int:
        return self.table.position()

    def __iter__(self) -> Iterator[tuple]:  # (lead id, event index, time, props[, event id])
        return self._rows()

    def _column(self, column: str, needed_by: str, option: str = "") -> int:
        hint = f" (choose another with {option})" if option else ""
        return require(self.table, column, needed_by, hint)

    def _rows(self):
        try:
            opts = self.options
            key_option = "--events-key" if opts.events_key else "--lead-key"
            key_i = self._column(opts.event_key, "the lead key", key_option)
            kind_i = self._column(opts.event_column, "the event type", "--event-column")
            time_i = self._column(opts.time_column, "the event time", "--time-column")
            id_i = None
            if self.id_column:
                id_i = self._column(self.id_column, "the event id", "--id-column")
            # event source name -> (type index, properties reader or None when it has none)
            by_source = {e.source: (i, self._props_reader(e)) for i, e in enumerate(self.events)}
            bad, path, unit = self.bad, self.path, self.table.unit
            parse_time = values.parse_time
            for line, row in self.table.rows():
                if type(row) is BadRow:
                    bad.bad(path, line, row.reason, unit)
                    continue
                lead_id = row[key_i]
                if type(lead_id) is not str or not lead_id:
                    lead_id = self._key(lead_id, line)
                    if lead_id is None:
                        continue
                source = row[kind_i]
                found = by_source.get(source)
                if found is None:
                    self._unknown_type(source, line)
                    continue
                raw_time = row[time_i]
                occurred_at = None
                if type(raw_time) is str:  # `to_time`'s text path inline: once per event
                    try:
                        occurred_at = parse_time(raw_time)
                    except ValueError:
                        pass
                elif type(raw_time) is dt.datetime and raw_time.tzinfo is UTC:  # Parquet
                    occurred_at = raw_time
                if occurred_at is None:  # odd text, other values, bad values
                    occurred_at = self._time(raw_time, line)
                    if occurred_at is None:
                        continue
                index, read_props = found
                if id_i is not None:
                    event_id = self._event_id(row[id_i], line)
                    props = () if read_props is None else read_props(row, line)
                    if event_id is not None and props is not None:
                        yield lead_id, index, occurred_at, props, event_id
                elif read_props is None:
                    yield lead_id, index, occurred_at, ()
                else:
                    props = read_props(row, line)
                    if props is not None:
                        yield lead_id, index, occurred_at, props
        finally:
            self.table.close()

    def _event_id(self, value, line) -> str | None:
        """An event id as text (a number written as its integer or decimal text), or the row is
        bad."""
        try:
            text = to_text(value)
        except ValueError as e:
            self.bad.bad(self.path, line, f"event id: {e}", self.table.unit)
            return None
        if text is None or not text.strip():
            message = f"missing event id in column `{self.id_column}`"
            self.bad.bad(self.path, line, message, self.table.unit)
            return None
        return text

    def _unknown_type(self, source, line) -> None:
        if source is None or source == "":
            message = f"missing event type in column `{self.options.event_column}`"
            self.bad.bad(self.path, line, message, self.table.unit)
        else:
            self.ignored_types[str(source)] += 1

    def _time(self, raw, line):
        try:
            occurred_at = to_time(raw)
            if occurred_at is None:
                raise ValueError("expected an ISO-8601 timestamp")
            return occurred_at
        except ValueError as e:
            column = self.options.time_column
            self.bad.bad(self.path, line, f"{e}: {show(raw)} in column `{column}`", self.table.unit)
            return None

    def _key(self, raw, line) -> str | None:
        try:
            lead_id = to_text(raw)
        except ValueError:
            lead_id = None
        if lead_id is None:
            column = self.options.event_key
            self.bad.bad(self.path, line, f"missing lead key in column `{column}`", self.table.unit)
        return lead_id

    # ---- properties: one reader per event type, chosen once
    def _props_reader(self, event) -> PropsReader | None:
        if not event.props:
            return None
        if self.options.properties_column:
            column = self._column(self.options.properties_column, "--properties-column")
            return lambda row, line: self._json_props(row[column], event, line)
        needed_by = "the property `{}` of " + event_declaration(event)
        slots = tuple(
            (
                self._column(p.column, needed_by.format(p.name)),
                self.converters[p.type],
                f"`{p.name}` (property of an event)",
            )
            for p in event.props
        )
        if isinstance(self.table, CsvTable) and all(p.type == "text" for p in event.props):
            # CSV cells are text already: an empty cell is missing, nothing else to convert
            if len(slots) == 1:
                only = slots[0][0]
                return lambda row, line: (row[only] or None,)
            columns = tuple(s[0] for s in slots)
            return lambda row, line: tuple([row[i] or None for i in columns])
        return lambda row, line: convert_cells(
            row, slots, self.path, line, self.table.unit, self.bad
        )

    def _json_props(self, raw, event, line) -> tuple | None:
        column = self.options.properties_column
        obj = raw
        if isinstance(raw, str):
            try:
                obj = json.loads(raw) if raw.strip() else {}
            except ValueError:
                obj = None
        elif raw is None:
            obj = {}
        if type(obj) is not dict:
            message = f"expected a JSON object in column `{column}`: {show(raw)}"
            self.bad.bad(self.path, line, message, self.table.unit)
            return None
        values = []
        for prop in event.props:
            value = obj.get(prop.column)
            try:
                values.append(self.converters[prop.type](value))
            except ValueError as e:
                message = f"{e}: {show(value)} for property `{prop.name}` in column `{column}`"
                self.bad.bad(self.path, line, message, self.table.unit)
                return None
        return tuple(values)


__all__ = ["EventReader", "event_declaration"]
