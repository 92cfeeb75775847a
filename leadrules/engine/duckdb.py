"""The default engine: the compiled DuckDB SQL, run in-process over CSV, JSON Lines or Parquet.

1. DuckDB reads each file as text columns, and views type them exactly as the Python readers do
   (`leadrules/data/values.py`): the same number, bool and ISO-8601 forms, empty means missing.
2. One validation pass per file (before anything is scored) looks for malformed rows and
   duplicate lead ids, and counts what the interpreter notes on stderr (events of unknown leads,
   of undeclared types, after the as-of).
3. The views of the SQL target, compiled for DuckDB with the as-of baked in, score every lead in
   one pass over the events.

When the validation pass finds a problem (a malformed row, a duplicate id, a file DuckDB cannot
parse, a timestamp form DuckDB does not read), the run goes to the reference interpreter: it
reports the first bad row with its file and line (or, with `--skip-bad-rows`, reports each one
and scores the rest). So a bad file fails with the same message on both engines, and a good file
gives the same rows.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

from leadrules import model as m
from leadrules.data import DataError, data_format
from leadrules.engine import DataOptions, LeadResult

Report = Callable[[str], None]
SPACE = "' \t\n\r\x0b\x0c'"
NUMBER = r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?"
ISO = r"\d{4}-?\d{2}-?\d{2}([T ].*)?"


class Problem(Exception):
    """The data needs the interpreter's reader: it words the error or skips the rows."""


def run_files(
    model: m.Model,
    leads_path: str,
    events_path: str,
    as_of: dt.datetime,
    options: DataOptions | None = None,
    explain: bool = False,
    report: Report | None = None,
    **_ignored,
) -> list[LeadResult]:
    import duckdb

    options = options or DataOptions()
    report = report or _stderr
    if not explain:  # explanations are the interpreter's
        try:
            return run_duckdb(model, leads_path, events_path, as_of, options, report)
        except (Problem, duckdb.Error):
            pass
    from leadrules.engine.python import run_files as python_run

    return python_run(
        model, leads_path, events_path, as_of, options, explain=explain, report=report
    )


def run_duckdb(
    model: m.Model,
    leads_path: str,
    events_path: str,
    as_of: dt.datetime,
    options: DataOptions,
    report: Report,
) -> list[LeadResult]:
    """DuckDB alone: raises `Problem` (or a duckdb.Error) where `run_files` hands over to the
    interpreter."""
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        con.execute("SET TimeZone = 'UTC'")
        return _run(con, model, leads_path, events_path, as_of, options, report)
    finally:
        con.close()


def _run(con, model, leads_path, events_path, as_of, options, report) -> list[LeadResult]:
    from leadrules.targets import Options
    from leadrules.targets.sql import queries

    leads = Source.open(con, leads_path, [options.lead_key, *(a.column for a in model.attributes)])
    events = Source.open(con, events_path, _event_columns(model, options))
    _leads_view(con, model, leads, options)
    notes = _events_view(con, model, events, as_of, options, leads_path)
    q = queries(model, Options(dialect="duckdb", as_of=as_of))
    con.execute("CREATE TEMP VIEW lead_score_points AS " + q.points)
    rows = con.execute(q.scores).fetchall()
    for note in notes:
        report(note)
    n = len(model.groups)
    return [
        LeadResult(
            row[0],
            tuple((g.name, int(v)) for g, v in zip(model.groups, row[1 : n + 1], strict=False)),
            int(row[n + 1]),
            row[n + 2],
        )
        for row in rows
    ]


# ---- reading files as text columns ------------------------------------------------------


@dataclass(frozen=True)
class Source:
    path: str
    relation: str  # a subquery with one VARCHAR column per wanted column present in the file
    columns: dict[str, str]  # file column -> its SQL name in `relation`
    any_column: bool  # JSON Lines: an absent key is a missing value, not a missing column

    @staticmethod
    def open(con, path: str, wanted: list[str]) -> Source:
        fmt = data_format(path)
        wanted = list(dict.fromkeys(wanted))
        name = _string(path)
        if fmt == "jsonl":
            cols = {c: f"c{i}" for i, c in enumerate(wanted)}
            spec = ", ".join(f"{_string(c)}: 'VARCHAR'" for c in wanted)
            select = ", ".join(f"{_ident(c)} AS {cols[c]}" for c in wanted)
            relation = (
                f"(SELECT {select} FROM read_json({name}, format = 'newline_delimited', "
                f"columns = {{{spec}}}))"
            )
            return Source(path, relation, cols, True)
        if fmt == "csv":
            header = _csv_header(path)
            types = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header)))
            relation = (
                f"read_csv({name}, header = true, auto_detect = false, delim = ',', "
                f"quote = '\"', escape = '\"', columns = {{{types}}})"
            )
            cols: dict[str, str] = {}
            for i, column in enumerate(header):
                cols.setdefault(column, f"c{i}")
            return Source(path, relation, cols, False)
        present = [
            r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet({name})").fetchall()
        ]
        cols = {c: f"c{i}" for i, c in enumerate(wanted) if c in present}
        select = ", ".join(f"CAST({_ident(c)} AS VARCHAR) AS {a}" for c, a in cols.items()) or "1"
        return Source(path, f"(SELECT {select} FROM read_parquet({name}))", cols, False)

    def require(self, column: str, needed_by: str, hint: str = "") -> str:
        """The column's SQL, or the DataError the Python readers raise for a missing column."""
        if column in self.columns:
            return self.columns[column]
        raise DataError(self.path, None, f"no column `{column}`, needed by {needed_by}{hint}")


def _csv_header(path: str) -> list[str]:
    import csv

    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f), None)
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise Problem(str(e)) from None
    if header is None:
        raise Problem("empty")
    return [h.strip() for h in header]


# ---- typing text as the Python readers do ------------------------------------------------


def convert(v: str, typ: str) -> str:
    """SQL typing the text `v` (NULL where missing, or where `bad(v)`)."""
    t = f"trim({v}, {SPACE})"
    if typ == "text":
        return f"NULLIF({v}, '')"
    if typ == "number":
        return f"CASE WHEN regexp_full_match({t}, '{NUMBER}') THEN CAST({t} AS DOUBLE) END"
    if typ == "bool":
        return (
            f"CASE WHEN lower({t}) IN ('true', 'yes', '1') THEN TRUE "
            f"WHEN lower({t}) IN ('false', 'no', '0') THEN FALSE END"
        )
    return f"CAST(TRY_CAST({t} AS TIMESTAMPTZ) AS TIMESTAMP)"


def bad(v: str, typ: str) -> str:
    """SQL true when the text `v` is present but not a value of the type."""
    t = f"trim({v}, {SPACE})"
    if typ == "text":
        return "FALSE"
    present = f"{v} IS NOT NULL AND {t} <> ''"
    if typ == "number":
        return f"({present} AND NOT regexp_full_match({t}, '{NUMBER}'))"
    if typ == "bool":
        return f"({present} AND lower({t}) NOT IN ('true', 'yes', '1', 'false', 'no', '0'))"
    return (
        f"({present} AND (NOT regexp_full_match({t}, '{ISO}') "
        f"OR TRY_CAST({t} AS TIMESTAMPTZ) IS NULL))"
    )


# ---- the typed views and the validation pass --------------------------------------------


def _leads_view(con, model: m.Model, src: Source, options: DataOptions) -> None:
    from leadrules.data.leads import declaration

    key = src.require(options.lead_key, "the lead key", " (choose another with --lead-key)")
    cols = {}
    for a in model.attributes:
        cols.setdefault(a.column, (src.require(a.column, declaration(a)), a.type))
    problems = [f"{key} IS NULL OR {key} = ''"] + [bad(v, t) for v, t in cols.values()]
    n_bad, n_dup = con.execute(
        f"SELECT count_if({' OR '.join(problems)}), count(*) - count(DISTINCT {key}) "
        f"FROM {src.relation}"
    ).fetchone()
    if n_bad or n_dup:
        raise Problem(src.path)
    select = [f"{key} AS lead_id"] + [
        f"{convert(v, t)} AS {_ident(c)}" for c, (v, t) in cols.items()
    ]
    con.execute(f"CREATE TEMP VIEW leads AS SELECT {', '.join(select)} FROM {src.relation}")


def _event_columns(model: m.Model, options: DataOptions) -> list[str]:
    wanted = [options.lead_key, options.event_column, options.time_column]
    if options.properties_column:
        return [*wanted, options.properties_column]
    return [*wanted, *(p.name for e in model.events for p in e.props)]


def _events_view(
    con, model: m.Model, src: Source, as_of: dt.datetime, options: DataOptions, leads_path: str
) -> list[str]:
    from leadrules.data.events import event_declaration
    from leadrules.engine.python import notes
    from leadrules.targets.sql.exprs import timestamp_text

    key = src.require(options.lead_key, "the lead key", " (choose another with --lead-key)")
    kind = src.require(
        options.event_column, "the event type", " (choose another with --event-column)"
    )
    time = src.require(
        options.time_column, "the event time", " (choose another with --time-column)"
    )
    blob = options.properties_column and src.require(
        options.properties_column, "--properties-column"
    )
    props: dict[str, tuple[str, str, list[str]]] = {}  # name -> (text SQL, type, its event types)
    for event in model.events:
        for p in event.props:
            if blob:
                text = f"json_extract_string({blob}, {_string('$.' + _json_key(p.name))})"
            else:
                text = src.require(p.name, f"the property `{p.name}` of {event_declaration(event)}")
            props.setdefault(p.name, (text, p.type, []))[2].append(event.source)

    def among(sources) -> str:
        return f"{kind} IN ({', '.join(_string(s) for s in dict.fromkeys(sources)) or 'NULL'})"

    declared = among(e.source for e in model.events)
    problems = [
        f"{key} IS NULL OR {key} = ''",
        f"{kind} IS NULL OR {kind} = ''",
        f"{declared} AND ({time} IS NULL OR trim({time}, {SPACE}) = '' OR {bad(time, 'time')})",
    ]
    if blob:  # checked first: json_extract_string fails on text that is not JSON
        with_props = among(e.source for e in model.events if e.props)
        problems.append(
            f"{with_props} AND {blob} IS NOT NULL AND trim({blob}, {SPACE}) <> '' "
            f"AND NOT coalesce(json_type(try_cast({blob} AS JSON)) = 'OBJECT', FALSE)"
        )
    checked = f"(SELECT *, {' OR '.join(f'({p})' for p in problems)} AS bad FROM {src.relation})"
    prop_bad = (
        " OR ".join(f"({among(owners)} AND {bad(text, t)})" for text, t, owners in props.values())
        or "FALSE"
    )
    as_of_sql = f"TIMESTAMP '{timestamp_text(as_of)}'"
    known = f"{key} IN (SELECT lead_id FROM leads)"
    ok = f"NOT bad AND {declared}"
    n_bad, unknown, after, ignored = con.execute(
        f"SELECT count_if(bad OR (NOT bad AND ({prop_bad}))), count_if({ok} AND NOT {known}), "
        f"count_if({ok} AND {known} AND {convert(time, 'time')} > {as_of_sql}), "
        f"histogram({kind}) FILTER (WHERE NOT bad AND NOT {declared}) FROM {checked}"
    ).fetchone()
    if n_bad:
        raise Problem(src.path)
    cols = [f"{key} AS lead_id", f"{kind} AS event", f"{convert(time, 'time')} AS occurred_at"]
    cols += [f"{convert(text, t)} AS {_ident(name)}" for name, (text, t, _o) in props.items()]
    con.execute(f"CREATE TEMP VIEW events AS SELECT {', '.join(cols)} FROM {src.relation}")
    counts = SimpleNamespace(unknown_leads=unknown, after_as_of=after)
    return notes(counts, Counter(dict(ignored or {})), leads_path)


# ---- helpers -----------------------------------------------------------------------------


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _json_key(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)
