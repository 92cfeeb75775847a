"""How the DuckDB engine reads data files: every cell typed in SQL by the rules of
`leadrules.data.values` (docs/semantics.md, "Input values"), the same rules the interpreter's
readers apply in Python.

A file becomes a relation with one column per wanted column (named c0, c1...), in the file's own
representation: CSV cells as text (an empty cell is the empty text, never NULL), JSON Lines values
as JSON (so that `"1"`, `1` and `true` stay apart), Parquet columns in their native type. `cell`
gives, for one column and one declared type, the SQL of the typed value (NULL where missing) and
the SQL that is true when the cell is present but not a value of the type: such a row is a bad
row, and the run hands over to the interpreter, which reports it (or skips it) with its line.
A combination whose typing would need more SQL than it is worth (a Parquet float read as text, a
JSON object where a number is declared) raises `Problem`: the interpreter reads the file.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, replace

from leadrules.data import DataError, data_format
from leadrules.data.sources import delimiter_hint
from leadrules.data.values import NUMBER_FORM, SPACE, TIME_FORM


class Problem(Exception):
    """The data needs the interpreter's reader: it words the error or skips the rows."""


SQL_SPACE = "'" + SPACE.replace("\t", "\t") + "'"
NO_NULL = "\x01leadrules: no null\x01"  # CSV: no cell reads as NULL, an empty one is ''
EXTRA = "leadrules: extra field"  # CSV: a column after the header's, to see extra fields
INTEGERS = {
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
}
JSON_INTEGERS = "('BIGINT', 'UBIGINT')"
JSON_NUMBERS = "('BIGINT', 'UBIGINT', 'DOUBLE')"


@dataclass(frozen=True)
class Source:
    """A file as a relation: `columns` maps each wanted file column present to its SQL name,
    `kinds` that SQL name to its representation ("text", "json" or a DuckDB type name);
    `checks` are SQL conditions true on a row that is malformed as a whole (CSV field count)."""

    path: str
    relation: str
    columns: dict[str, str]
    kinds: dict[str, str]
    checks: tuple[str, ...] = ()
    decimal_comma: bool = False
    hint: str = ""  # added to a missing column's message (a CSV file read with another delimiter)

    @staticmethod
    def open(con, path: str, wanted: list[str], options) -> Source:
        source = Source._open(con, path, wanted, options)
        if getattr(options, "decimal_comma", False):
            source = replace(source, decimal_comma=True)
        return source

    @staticmethod
    def _open(con, path: str, wanted: list[str], options) -> Source:
        fmt = data_format(path)
        name = string(path)
        if fmt == "jsonl":
            cols = {c: f"c{i}" for i, c in enumerate(wanted)}
            spec = ", ".join(f"{string(c)}: 'JSON'" for c in wanted)
            select = ", ".join(f"{ident(c)} AS {cols[c]}" for c in wanted)
            relation = (
                f"(SELECT {select} FROM read_json({name}, format = 'newline_delimited', "
                f"columns = {{{spec}}}))"
            )
            return Source(path, relation, cols, dict.fromkeys(cols.values(), "json"))
        if fmt == "csv":
            return replace(_csv_source(utf8_copy(path, options), options), path=path)
        described = con.execute(f"DESCRIBE SELECT * FROM read_parquet({name})").fetchall()
        types = {row[0]: row[1] for row in described}
        cols = {c: f"c{i}" for i, c in enumerate(wanted) if c in types}
        select = ", ".join(f"{ident(c)} AS {a}" for c, a in cols.items())
        relation = f"(SELECT {select or '1'} FROM read_parquet({name}))"
        return Source(path, relation, cols, {a: types[c] for c, a in cols.items()})

    def require(self, column: str, needed_by: str, hint: str = "") -> str:
        """The column's SQL, or the DataError the Python readers raise for a missing column."""
        if column in self.columns:
            return self.columns[column]
        message = f"no column `{column}`, needed by {needed_by}{hint}{self.hint}"
        raise DataError(self.path, None, message)

    def cell(self, column_sql: str, typ: str) -> tuple[str, str]:
        """(typed value, bad) of the column `column_sql` of this source."""
        return cell(self.kinds.get(column_sql, "json"), column_sql, typ, self.decimal_comma)


def _csv_source(path: str, options) -> Source:
    """`path` may be a UTF-8 copy of the file (`utf8_copy`): messages name the original."""
    delimiter = getattr(options, "delimiter", ",")
    header = csv_header(path, delimiter)
    _check_quotes(path, delimiter)
    cols: dict[str, str] = {}
    for i, column in enumerate(header):
        cols.setdefault(column, f"c{i}")
    n = len(header)
    types = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(n))
    relation = (
        f"read_csv({string(path)}, header = true, auto_detect = false, "
        f"delim = {string(delimiter)}, quote = '\"', escape = '\"', null_padding = true, "
        f"nullstr = {string(NO_NULL)}, columns = {{{types}, {string(EXTRA)}: 'VARCHAR'}})"
    )
    # a row with fewer fields than the header has NULL in its last column (padding), one with
    # more has a value in the extra column: both are bad rows, as in the interpreter's reader
    checks = (f"c{n - 1} IS NULL", f"{ident(EXTRA)} IS NOT NULL")
    hint = delimiter_hint(header, delimiter)
    return Source(path, relation, cols, dict.fromkeys(cols.values(), "text"), checks, hint=hint)


def utf8_copy(path: str, options) -> str:
    """The path of the CSV file as UTF-8: itself, or a copy transcoded from `--encoding` (or
    from UTF-16, found by its BOM) in a temporary folder removed at exit. DuckDB reads UTF-8."""
    import atexit
    import shutil
    import tempfile

    from leadrules.data.sources import sniff_encoding

    encoding = getattr(options, "encoding", None) or sniff_encoding(path)
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8", "utf-8-sig"):
        return path
    folder = tempfile.mkdtemp(prefix="leadrules-")
    atexit.register(shutil.rmtree, folder, True)
    copy = os.path.join(folder, "data.csv")
    try:
        with (
            open(path, encoding=encoding, newline="") as src,
            open(copy, "w", encoding="utf-8", newline="") as dst,
        ):
            shutil.copyfileobj(src, dst, 1 << 20)
    except (OSError, UnicodeError, LookupError) as e:
        raise Problem(str(e)) from None
    return copy


def csv_header(path: str, delimiter: str = ",") -> list[str]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f, delimiter=delimiter), None)
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise Problem(str(e)) from None
    if header is None:
        raise Problem("empty")
    return [h.strip() for h in header]


def _check_quotes(path: str, delimiter: str) -> None:
    """DuckDB reads a quoted field with spaces around it (`1, "a,b"`) as the quoted text; the
    interpreter refuses such a row (docs/semantics.md). A file where a quote opens a field
    after spaces, or closes one before spaces and a delimiter, goes to the interpreter, which
    reports the row. A scan of the bytes at memory speed: most files have no quote next to a
    space at all, and each pair found is placed by the parity of the quotes before it on its
    line (DuckDB refuses quoted line breaks here, with `null_padding`: lines are records)."""
    import mmap

    if os.path.getsize(path) == 0:
        return
    ends = delimiter.encode() + b"\r\n"
    blank = (b" ", b"\t")
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        if data.find(b'"') < 0:
            return
        size = len(data)

        def outside(start: int, end: int) -> bool:
            """Whether the quotes of the line before `end`, from `start`, are balanced."""
            line = data.rfind(b"\n", 0, start) + 1
            return data[line:end].count(b'"') % 2 == 0

        for space in blank:
            i = data.find(space + b'"')
            while i >= 0:  # spaces, then a quote: after a delimiter outside quotes?
                j = i
                while j > 0 and data[j - 1 : j] in blank:
                    j -= 1
                if (j == 0 or data[j - 1 : j] in ends) and outside(j, j):
                    raise Problem(f"{path}: a quote after spaces at byte {i}")
                i = data.find(space + b'"', i + 2)
            i = data.find(b'"' + space)
            while i >= 0:  # a closing quote, then spaces and a delimiter?
                k = i + 1
                while k < size and data[k : k + 1] in blank:
                    k += 1
                if (k == size or data[k : k + 1] in ends) and outside(i, i + 1):
                    raise Problem(f"{path}: a quote before spaces at byte {i}")
                i = data.find(b'"' + space, i + 2)


# ---- typing one cell -------------------------------------------------------------------


S = "[ \\t\\n\\r\\x0b\\x0c]*"  # SPACE, as RE2 writes it: surrounding spaces, no trim()
TRUE_FORM = f"{S}([Tt][Rr][Uu][Ee]|[Yy][Ee][Ss]|1){S}"  # no (?i): RE2 folds more than lower()
FALSE_FORM = f"{S}([Ff][Aa][Ll][Ss][Ee]|[Nn][Oo]|0){S}"


def text_rules(v: str, typ: str, decimal_comma: bool = False) -> tuple[str, str]:
    """Text (a CSV cell, a JSON string, a Parquet string) typed as `typ`. The forms are matched
    with the surrounding spaces (DuckDB's trim with a character list costs 3x the whole read),
    and DuckDB's casts, which skip those spaces, give the values."""
    if typ == "text":
        return f"NULLIF({v}, '')", "FALSE"
    if typ == "number":
        form = f"{S}{NUMBER_FORM}{S}"
        number = f"TRY_CAST({v} AS DOUBLE)"
        if decimal_comma:  # `12,5`: the same form with a comma, and no `.` at all
            form = form.replace("\\.", ",")
            number = f"TRY_CAST(replace({v}, ',', '.') AS DOUBLE)"
        value = f"CASE WHEN regexp_full_match({v}, '{form}') THEN {number} END"
        bad = (
            f"CASE WHEN {value} IS NOT NULL THEN NOT isfinite({value}) "
            f"WHEN {v} IS NULL OR {v} = '' THEN FALSE "
            f"ELSE NOT regexp_full_match({v}, '{S}') END"
        )
        return value, bad
    if typ == "bool":
        value = (
            f"CASE WHEN regexp_full_match({v}, '{TRUE_FORM}') THEN TRUE "
            f"WHEN regexp_full_match({v}, '{FALSE_FORM}') THEN FALSE END"
        )
    else:
        value = (
            f"CAST(CASE WHEN regexp_full_match({v}, '{S}{TIME_FORM}{S}') "
            f"THEN TRY_CAST({v} AS TIMESTAMPTZ) END AS TIMESTAMP)"
        )
    bad = (
        f"CASE WHEN {value} IS NOT NULL OR {v} IS NULL OR {v} = '' THEN FALSE "
        f"ELSE NOT regexp_full_match({v}, '{S}') END"
    )
    return value, bad


def cell(kind: str, v: str, typ: str, decimal_comma: bool = False) -> tuple[str, str]:
    if kind in ("text", "VARCHAR"):
        return text_rules(v, typ, decimal_comma)
    if kind == "json":
        return _json_cell(v, typ, decimal_comma)
    return _native_cell(kind, v, typ)


def _json_cell(v: str, typ: str, decimal_comma: bool = False) -> tuple[str, str]:
    """A JSON value: strings by the text rules; other JSON types as the interpreter's
    converters take the values `json.loads` gives; what they refuse is bad."""
    kind = f"json_type({v})"
    text, text_bad = text_rules(f"({v} ->> '$')", typ, decimal_comma)
    if typ == "text":  # strings, and integers as their decimal text
        value = (
            f"CASE {kind} WHEN 'VARCHAR' THEN {text} "
            f"WHEN 'BIGINT' THEN CAST({v} AS VARCHAR) WHEN 'UBIGINT' THEN CAST({v} AS VARCHAR) END"
        )
        return value, f"({v} IS NOT NULL AND {kind} NOT IN ('VARCHAR', 'BIGINT', 'UBIGINT'))"
    if typ == "number":
        number = f"TRY_CAST({v} AS DOUBLE)"
        value = (
            f"CASE WHEN {kind} IN {JSON_NUMBERS} THEN {number} "
            f"WHEN {kind} = 'VARCHAR' THEN {text} END"
        )
        bad = (
            f"({v} IS NOT NULL AND CASE WHEN {kind} IN {JSON_NUMBERS} "
            f"THEN NOT coalesce(isfinite({number}), FALSE) "
            f"WHEN {kind} = 'VARCHAR' THEN {text_bad} ELSE TRUE END)"
        )
        return value, bad
    if typ == "bool":
        number = f"TRY_CAST({v} AS DOUBLE)"
        value = (
            f"CASE {kind} WHEN 'BOOLEAN' THEN CAST({v} AS BOOLEAN) WHEN 'VARCHAR' THEN {text} "
            f"ELSE CASE WHEN {kind} IN {JSON_NUMBERS} THEN "
            f"CASE {number} WHEN 1 THEN TRUE WHEN 0 THEN FALSE END END END"
        )
        bad = (
            f"({v} IS NOT NULL AND CASE {kind} WHEN 'BOOLEAN' THEN FALSE "
            f"WHEN 'VARCHAR' THEN {text_bad} ELSE {value} IS NULL END)"
        )
        return value, bad
    value = f"CASE WHEN {kind} = 'VARCHAR' THEN {text} END"
    bad = f"({v} IS NOT NULL AND CASE WHEN {kind} = 'VARCHAR' THEN {text_bad} ELSE TRUE END)"
    return value, bad


def _native_cell(kind: str, v: str, typ: str) -> tuple[str, str]:
    """A Parquet column of a native type. Numbers compare as the decimal value they show: a
    FLOAT (float32) 0.7 is the double 0.7 (its shortest text, as DuckDB, Arrow and every tool
    print it), a DECIMAL its exact value rounded once to a double."""
    base = kind.split("(")[0].strip('"')
    if base == "NULL":  # a column with no value at all
        sql_type = {"text": "VARCHAR", "number": "DOUBLE", "bool": "BOOLEAN"}.get(typ, "TIMESTAMP")
        return f"CAST(NULL AS {sql_type})", "FALSE"
    if typ == "text" and base in INTEGERS:
        return f"CAST({v} AS VARCHAR)", "FALSE"
    if typ == "number":
        if base in INTEGERS or base == "DOUBLE":
            value = f"CAST({v} AS DOUBLE)"
        elif base in ("FLOAT", "DECIMAL"):
            value = f"CAST(CAST({v} AS VARCHAR) AS DOUBLE)"
        else:
            raise Problem(kind)
        return value, f"({v} IS NOT NULL AND NOT isfinite({value}))"
    if typ == "bool":
        if base == "BOOLEAN":
            return v, "FALSE"
        if base in INTEGERS:
            value = f"CASE {v} WHEN 1 THEN TRUE WHEN 0 THEN FALSE END"
            return value, f"({v} IS NOT NULL AND {value} IS NULL)"
    if typ == "time":
        if kind in ("TIMESTAMP_NS", "TIMESTAMPTZ_NS"):  # cut to the microsecond, as Python
            ns = f"epoch_ns({v})"
            return f"make_timestamp(({ns} - (({ns} % 1000) + 1000) % 1000) // 1000)", "FALSE"
        if base in ("TIMESTAMP", "TIMESTAMP_MS", "TIMESTAMP_S", "DATE"):
            return f"CAST({v} AS TIMESTAMP)", "FALSE"
        if kind == "TIMESTAMP WITH TIME ZONE":
            return f"CAST({v} AS TIMESTAMP)", "FALSE"
    raise Problem(kind)


def json_object(kind: str, v: str) -> tuple[str, str]:
    """(the JSON object, bad) of a properties column: a JSON object, or text holding one."""
    if kind == "json":
        obj = (
            f"CASE json_type({v}) WHEN 'OBJECT' THEN {v} "
            f"WHEN 'VARCHAR' THEN try_cast(nullif(trim({v} ->> '$', {SQL_SPACE}), '') AS JSON) END"
        )
        empty = f"json_type({v}) = 'VARCHAR' AND trim({v} ->> '$', {SQL_SPACE}) = ''"
    elif kind in ("text", "VARCHAR"):
        obj = f"try_cast(nullif(trim({v}, {SQL_SPACE}), '') AS JSON)"
        empty = f"trim({v}, {SQL_SPACE}) = ''"
    else:
        raise Problem(kind)
    bad = (
        f"({v} IS NOT NULL AND NOT ({empty}) AND NOT coalesce(json_type({obj}) = 'OBJECT', FALSE))"
    )
    return obj, bad


def ident(name: str) -> str:
    """A quoted name, as the DuckDB dialect of the SQL target quotes it."""
    return _duckdb().ident(name)


def string(value: str) -> str:
    """A string literal, as the DuckDB dialect of the SQL target writes it."""
    return _duckdb().string(value)


def _duckdb():
    from leadrules.targets.sql.dialect import dialect

    return dialect("duckdb")


def json_key(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
