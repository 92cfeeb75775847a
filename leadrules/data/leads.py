"""The leads file: one row per lead, its key and one column per declared attribute."""

from __future__ import annotations

from leadrules.data.errors import BadRows, DataError
from leadrules.data.sources import BadRow, Table, open_table
from leadrules.data.values import converters_for, show, to_text


def declaration(attr) -> str:
    where = f" at {attr.loc.path}:{attr.loc.line}" if attr.loc else ""
    return f"`lead {attr.name}: {attr.type}`{where}"


def require(table: Table, column: str, needed_by: str, hint: str = "") -> int:
    """The index of `column` in the table, or a DataError naming the column and who needs it."""
    if not table.has(column):
        hint += getattr(table, "delimiter_hint", str)()
        raise DataError(table.path, None, f"no column `{column}`, needed by {needed_by}{hint}")
    return table.columns.index(column)


def read_leads(model, path: str, lead_key: str, bad: BadRows, options=None) -> dict[str, tuple]:
    """Lead id -> attribute values in the order of `model.attributes` (None where missing).
    `options` (a DataOptions) says how to read CSV files and numbers."""
    attrs = model.attributes
    table = open_table(path, [lead_key, *(a.column for a in attrs)], options)
    converters = converters_for(options)
    try:
        key_index = require(table, lead_key, "the lead key", " (choose another with --lead-key)")
        slots = [
            (require(table, a.column, declaration(a)), _converter(a, converters), column_label(a))
            for a in attrs
        ]
        leads: dict[str, tuple] = {}
        first_line: dict[str, int] = {}
        unit = table.unit
        for line, row in table.rows():
            if type(row) is BadRow:
                bad.bad(path, line, row.reason, unit)
                continue
            try:
                lead_id = to_text(row[key_index])
            except ValueError as e:
                bad.bad(path, line, f"lead key `{lead_key}`: {e}: {show(row[key_index])}", unit)
                continue
            if lead_id is None:
                bad.bad(path, line, f"missing lead key: column `{lead_key}` is empty", unit)
                continue
            if lead_id in leads:
                first = first_line[lead_id]
                message = f"duplicate lead id {show(lead_id)} (first at {unit} {first})"
                bad.bad(path, line, message, unit)
                continue
            values = convert_cells(row, slots, path, line, unit, bad)
            if values is not None:
                leads[lead_id] = values
                first_line[lead_id] = line
        return leads
    finally:
        table.close()


def _converter(attr, converters):
    """The attribute's converter; text values are shared between leads (`country` takes a few
    distinct values over a million leads), so that memory follows the distinct values."""
    convert = converters[attr.type]
    if attr.type != "text":
        return convert
    shared: dict[str, str] = {}

    def convert_text(raw):
        value = convert(raw)
        return value if value is None else shared.setdefault(value, value)

    return convert_text


def column_label(attr) -> str:
    """How a bad cell names its column: the column and the declaration that reads it."""
    return f"`{attr.column}` ({declaration(attr)})"


def convert_cells(row, slots, path, line, unit, bad: BadRows) -> tuple | None:
    """Type one row's cells; `slots` are (index, converter, column label). A cell a converter
    refuses reports the row as bad (with its label) and gives None."""
    values = []
    for index, convert, label in slots:
        raw = row[index]
        try:
            values.append(convert(raw))
        except ValueError as e:
            bad.bad(path, line, f"{e}: {show(raw)} in column {label}", unit)
            return None
    return tuple(values)
