"""Rows of CSV, JSON Lines and Parquet files, chosen by extension, with line numbers.

`open_table(path, wanted)` returns a `Table`: its `columns` (a CSV header, the Parquet columns
among `wanted`, or `wanted` itself for JSON Lines, which has no header) and `rows()`, yielding
`(line, row)` with `row` a sequence aligned with `columns`, or a `BadRow` saying why the row
cannot be read (wrong number of fields, a line that is not a JSON object). Blank lines are
skipped. pyarrow is imported only for Parquet files.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from leadrules.data.errors import DataError

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}


@dataclass(frozen=True)
class BadRow:
    reason: str


def data_format(path: str) -> str:
    ext = os.path.splitext(path)[1].lower()
    if ext not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise DataError(path, None, f"unknown data format `{ext or path}`: use one of {known}")
    return FORMATS[ext]


class Table:
    unit = "line"

    def __init__(self, path: str, columns: Sequence[str]):
        self.path = path
        self.columns = tuple(columns)
        self.size = os.path.getsize(path)
        self._position = 0

    def position(self) -> int:
        """Bytes read so far (approximate): for progress bars."""
        return self._position

    def has(self, column: str) -> bool:
        """Whether the file has this column (JSON Lines: always; an absent key is missing)."""
        return column in self.columns

    def rows(self) -> Iterator[tuple[int, Sequence[object] | BadRow]]:
        raise NotImplementedError

    def close(self) -> None:
        pass


def open_table(path: str, wanted: Sequence[str], options=None) -> Table:
    """`options`: a DataOptions (its `delimiter` and `encoding` read CSV files)."""
    fmt = data_format(path)
    try:
        if fmt == "csv":
            delimiter = getattr(options, "delimiter", ",")
            return CsvTable(path, delimiter, getattr(options, "encoding", None))
        if fmt == "jsonl":
            return JsonlTable(path, wanted)
        return ParquetTable(path, wanted)
    except FileNotFoundError:
        raise DataError(path, None, "no such file") from None
    except IsADirectoryError:
        raise DataError(path, None, "is a directory, not a data file") from None
    except PermissionError:
        raise DataError(path, None, "permission denied") from None
    except LookupError:  # an unknown --encoding: checked by the command line first
        raise DataError(path, None, f"unknown encoding {options.encoding!r}") from None


class _TextTable(Table):
    def __init__(self, path: str, columns: Sequence[str], handle):
        super().__init__(path, columns)
        self._handle = handle

    def position(self) -> int:
        try:
            return self._handle.buffer.tell()
        except (OSError, ValueError):
            return 0

    def close(self) -> None:
        self._handle.close()

    def _decode_error(self, line: int) -> DataError:
        return DataError(self.path, line, "the file is not valid UTF-8 text")


class CsvTable(_TextTable):
    """A CSV file: RFC 4180 with a header line, read strictly (docs/semantics.md, "Rows"): a
    row has as many fields as the header; a quoted field starts at the delimiter (`1, "a"` is
    a bad row: spaces before the opening quote) and ends at one (`"a" ,1`, `"a"b` too)."""

    def __init__(self, path: str, delimiter: str = ",", encoding: str | None = None):
        self.path = path
        self.delimiter = delimiter
        self.encoding = encoding or sniff_encoding(path)
        handle = open(path, encoding=self.encoding, newline="")
        self._seen: list[str] = []  # the lines of the record being read
        self._reader = csv.reader(_lines(handle, self._seen), delimiter=delimiter, strict=True)
        try:
            header = next(self._reader, None)
        except UnicodeDecodeError:
            handle.close()
            raise self._decode_error(1) from None
        except csv.Error as e:
            handle.close()
            raise DataError(path, 1, f"cannot read the CSV header: {e}") from None
        if header is None:
            handle.close()
            raise DataError(path, None, "the file is empty: expected a header line")
        self._seen.clear()
        super().__init__(path, [h.strip() for h in header], handle)

    def _encoding_name(self) -> str:
        return "UTF-8" if self.encoding == "utf-8-sig" else self.encoding

    def _decode_error(self, line: int) -> DataError:
        return DataError(self.path, line, f"the file is not valid {self._encoding_name()} text")

    def rows(self):
        reader = self._reader
        seen = self._seen
        delimiter = self.delimiter
        n = len(self.columns)
        line = reader.line_num
        while True:
            try:
                row = next(reader, None)
            except UnicodeDecodeError:
                raise self._decode_error(line + 1) from None
            except csv.Error as e:
                start, line = line + 1, reader.line_num
                seen.clear()
                yield start, BadRow(f"malformed CSV: {e}")
                continue
            if row is None:
                return
            start, line = line + 1, reader.line_num
            raw = seen[0] if len(seen) == 1 else "".join(seen)
            seen.clear()
            if (' "' in raw or '\t"' in raw) and space_before_quote(raw, delimiter):
                yield start, BadRow(SPACE_QUOTE)
            elif len(row) == n:
                yield start, row
            elif row:
                yield start, BadRow(f"expected {n} fields, found {len(row)}")

    def delimiter_hint(self) -> str:
        return delimiter_hint(self.columns, self.delimiter)


def delimiter_hint(header, delimiter: str) -> str:
    """When a CSV header is one column holding `;`, tabs or `|`: the option that reads it."""
    if len(header) != 1:
        return ""
    for other in (";", "\t", "|"):
        if other != delimiter and other in header[0]:
            shown = "'\\t'" if other == "\t" else f"'{other}'"
            return f"; the header is one column: is the delimiter {shown}? (--delimiter)"
    return ""


SPACE_QUOTE = "a quoted field after spaces (remove the spaces before the opening quote)"


def _lines(handle, seen: list[str]):
    for line in handle:
        seen.append(line)
        yield line


def space_before_quote(record: str, delimiter: str) -> bool:
    """Whether a field of the CSV record starts with spaces or tabs and then a quote (the
    record is otherwise well formed: the csv module, strict, has read it)."""
    i, n = 0, len(record)
    while i <= n:
        j = i
        while j < n and record[j] in " \t":
            j += 1
        if j < n and record[j] == '"':
            if j > i:
                return True
            k = j + 1
            while True:  # the closing quote (a doubled one is a quote inside)
                k = record.find('"', k)
                if k < 0:
                    return False
                if record[k + 1 : k + 2] != '"':
                    break
                k += 2
            i = k + 1
        d = record.find(delimiter, i)
        if d < 0:
            return False
        i = d + 1
    return False


def sniff_encoding(path: str) -> str:
    """UTF-8 (a BOM is skipped), or UTF-16 when the file starts with its BOM."""
    try:
        with open(path, "rb") as f:
            head = f.read(2)
    except OSError:
        return "utf-8-sig"
    return "utf-16" if head in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"


class JsonlTable(_TextTable):
    def __init__(self, path: str, wanted: Sequence[str]):
        super().__init__(path, list(dict.fromkeys(wanted)), open(path, encoding="utf-8-sig"))

    def has(self, column: str) -> bool:
        return True

    def rows(self):
        columns = self.columns
        loads = json.loads
        line = 0
        try:
            for line, text in enumerate(self._handle, 1):
                try:
                    obj = loads(text)
                except ValueError as e:
                    if text.strip():  # blank lines are skipped
                        yield line, BadRow(f"not valid JSON ({e.args[0].split(':')[0]})")
                    continue
                if type(obj) is not dict:
                    yield line, BadRow("expected a JSON object")
                    continue
                yield line, list(map(obj.get, columns))
        except UnicodeDecodeError:
            raise self._decode_error(line + 1) from None


class ParquetTable(Table):
    unit = "row"

    def __init__(self, path: str, wanted: Sequence[str]):
        import pyarrow.parquet as pq

        try:
            # no pre-buffering, one thread: memory stays at one row group, whatever the file size
            self._file = pq.ParquetFile(path, pre_buffer=False, buffer_size=1 << 20)
        except (OSError, ValueError) as e:  # pyarrow.ArrowInvalid is a ValueError
            raise DataError(path, None, f"cannot read the Parquet file: {e}") from None
        names = set(self._file.schema_arrow.names)
        super().__init__(path, [c for c in dict.fromkeys(wanted) if c in names])
        self.all_columns = tuple(self._file.schema_arrow.names)

    def has(self, column: str) -> bool:
        return column in self.all_columns

    def rows(self):
        line = 0
        done = 0
        batches = self._file.iter_batches(
            batch_size=65536, columns=list(self.columns), use_threads=False
        )
        for batch in batches:
            columns = [_python_values(col) for col in batch.columns]
            for row in zip(*columns, strict=True) if columns else ([()] * batch.num_rows):
                line += 1
                yield line, row
            done += batch.nbytes
            self._position = min(done, self.size)

    def close(self) -> None:
        self._file.close()


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_MICROS = {"s": 1_000_000, "ms": 1_000, "us": 1}


def _python_values(column) -> list:
    """A Parquet column as Python values. Timestamps become aware UTC datetimes through their
    integer form (nanoseconds cut to the microsecond): pyarrow's own conversion of zoned
    timestamps costs microseconds per value. A float32 (or float16) is the decimal value it
    shows, its shortest text (0.7, not 0.699999988079071): docs/semantics.md, "Numbers"."""
    import pyarrow as pa

    if pa.types.is_float32(column.type) or pa.types.is_float16(column.type):
        return [None if v is None else float(v) for v in column.cast(pa.string()).to_pylist()]
    if not pa.types.is_timestamp(column.type):
        return column.to_pylist()
    unit = column.type.unit
    ints = column.cast(pa.int64()).to_pylist()
    delta = dt.timedelta
    if unit == "ns":
        return [None if v is None else _EPOCH + delta(microseconds=v // 1000) for v in ints]
    factor = _MICROS[unit]
    return [None if v is None else _EPOCH + delta(microseconds=v * factor) for v in ints]
