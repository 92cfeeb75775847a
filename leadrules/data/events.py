"""The events file, streamed: one row per event (lead key, event type, timestamp, properties).

`EventReader(model, path, options, bad)` iterates `(lead_id, type_index, occurred_at, props)`:
`type_index` indexes `model.events`, `occurred_at` is an aware UTC datetime and `props` the
values of that type's declared properties in declaration order (None where missing). Rows of
event types the model does not declare are not yielded; `ignored_types` counts them by name.
Nothing is kept per event: memory does not grow with the file.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator

from leadrules.data.errors import BadRows, DataError
from leadrules.data.leads import require
from leadrules.data.sources import BadRow, open_table
from leadrules.data.values import CONVERTERS, show, to_text, to_time


def event_declaration(event) -> str:
    props = ", ".join(f"{p.name}: {p.type}" for p in event.props)
    where = f" at {event.loc.path}:{event.loc.line}" if event.loc else ""
    return f"`event {event.name}({props})`{where}"


class EventReader:
    def __init__(self, model, path: str, options, bad: BadRows):
        self.path = path
        self.bad = bad
        self.options = options
        self.ignored_types: Counter[str] = Counter()
        self.events = model.events
        self.by_source = {e.source: i for i, e in enumerate(model.events)}
        prop_columns = [p.name for e in model.events for p in e.props]
        wanted = [options.lead_key, options.event_column, options.time_column]
        wanted += [options.properties_column] if options.properties_column else prop_columns
        self.table = open_table(path, wanted)

    def position(self) -> int:
        return self.table.position()

    def __iter__(self) -> Iterator[tuple[str, int, object, tuple]]:
        try:
            yield from self._rows()
        finally:
            self.table.close()

    def _layout(self):
        table, opts = self.table, self.options
        key = require(table, opts.lead_key, "the lead key", " (choose another with --lead-key)")
        kind = require(
            table, opts.event_column, "the event type", " (choose another with --event-column)"
        )
        time = require(
            table, opts.time_column, "the event time", " (choose another with --time-column)"
        )
        if opts.properties_column:
            column = require(table, opts.properties_column, "--properties-column")
            return key, kind, time, column, [None] * len(self.events)
        readers = []
        for event in self.events:
            readers.append(
                tuple(
                    (
                        require(
                            table, p.name, f"the property `{p.name}` of {event_declaration(event)}"
                        ),
                        CONVERTERS[p.type],
                        p,
                    )
                    for p in event.props
                )
            )
        return key, kind, time, None, readers

    def _rows(self):
        key_i, kind_i, time_i, json_i, readers = self._layout()
        by_source, ignored, events = self.by_source, self.ignored_types, self.events
        bad, path, unit = self.bad, self.path, self.table.unit
        for line, row in self.table.rows():
            if type(row) is BadRow:
                bad.bad(path, line, row.reason, unit)
                continue
            lead_id = row[key_i]
            if type(lead_id) is not str or not lead_id:
                try:
                    lead_id = to_text(lead_id)
                except ValueError:
                    lead_id = None
                if lead_id is None:
                    bad.bad(
                        path, line, f"missing lead key in column `{self.options.lead_key}`", unit
                    )
                    continue
            source = row[kind_i]
            index = by_source.get(source)
            if index is None:
                if source is None or source == "":
                    message = f"missing event type in column `{self.options.event_column}`"
                    bad.bad(path, line, message, unit)
                else:
                    ignored[str(source)] += 1
                continue
            raw_time = row[time_i]
            try:
                occurred_at = to_time(raw_time)
                if occurred_at is None:
                    raise ValueError("expected an ISO-8601 timestamp")
            except ValueError as e:
                column = self.options.time_column
                bad.bad(path, line, f"{e}: {show(raw_time)} in column `{column}`", unit)
                continue
            if json_i is None:
                props = self._props(row, readers[index], line)
            else:
                props = self._json_props(row[json_i], events[index], line)
            if props is not None:
                yield lead_id, index, occurred_at, props

    def _props(self, row, reader, line) -> tuple | None:
        if not reader:
            return ()
        values = []
        for index, convert, prop in reader:
            raw = row[index]
            try:
                values.append(convert(raw))
            except ValueError as e:
                message = f"{e}: {show(raw)} in column `{prop.name}` (property of an event)"
                self.bad.bad(self.path, line, message, self.table.unit)
                return None
        return tuple(values)

    def _json_props(self, raw, event, line) -> tuple | None:
        if not event.props:
            return ()
        column = self.options.properties_column
        obj = raw
        if isinstance(raw, str):
            if not raw.strip():
                obj = {}
            else:
                try:
                    obj = json.loads(raw)
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
            value = obj.get(prop.name)
            try:
                values.append(CONVERTERS[prop.type](value))
            except ValueError as e:
                message = f"{e}: {show(value)} for property `{prop.name}` in column `{column}`"
                self.bad.bad(self.path, line, message, self.table.unit)
                return None
        return tuple(values)


__all__ = ["DataError", "EventReader", "event_declaration"]
