"""The default engine: the compiled DuckDB SQL, run in-process over CSV, JSON Lines or Parquet.

1. DuckDB reads each file (CSV cells as text, JSON Lines values as JSON, Parquet columns in
   their own types) and types every cell in SQL by the interpreter's rules (`duckread.py`) into
   temporary tables `leads` and `events`: one parse of each file.
2. Before anything is scored, a validation pass over those tables looks for missing keys, event
   types and times, duplicate lead ids, malformed JSON properties, and counts what the
   interpreter notes on stderr (events of unknown leads, of undeclared types, after the as-of).
3. The views of the SQL target, compiled for DuckDB with the as-of baked in, score every lead in
   one pass over the events.

When DuckDB cannot read a cell as its type, or the validation pass finds a problem, the run goes
to the reference interpreter: it reports the first bad row with its file and line (or, with
`--skip-bad-rows`, reports each one and scores the rest). So a bad file fails with the same
message on both engines, and a good file gives the same rows. No cell is typed by DuckDB's own
casts alone (they accept `inf`, `1_000`, the bool `t`, `T24:00:00`, ` UTC`, named zones): each
goes through the rules of docs/semantics.md first.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from collections.abc import Callable, Collection
from itertools import repeat

from leadrules import model as m
from leadrules.engine import DataOptions, LeadResult
from leadrules.engine.duckread import (
    Problem,
    Source,
    cell,
    ident,
    json_key,
    json_object,
    string,
)

Report = Callable[[str], None]


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
    """Score every lead; results in key order (put in order by DuckDB)."""
    import duckdb

    options = options or DataOptions()
    report = report or _stderr
    if not explain:  # explanations are the interpreter's
        try:
            return run_duckdb(model, leads_path, events_path, as_of, options, report)
        except (Problem, duckdb.Error, OverflowError) as e:  # Overflow: a window before year 1
            _out_of_memory(e, options, report)
    return _interpreter(model, leads_path, events_path, as_of, options, report, explain)


def write_files(
    model: m.Model,
    leads_path: str,
    events_path: str,
    as_of: dt.datetime,
    fmt: str,
    path: str,
    options: DataOptions | None = None,
    bom: bool = False,
    report: Report | None = None,
) -> None:
    """Score every lead and write the rows to `path` in `fmt` (csv, jsonl or parquet), in key
    order: by DuckDB itself (`COPY`), or, when the data goes to the interpreter, by
    `leadrules.engine.output`. The same bytes either way."""
    import duckdb

    from leadrules.engine.duckout import copy_scores

    options = options or DataOptions()
    report = report or _stderr
    try:
        with _connection(options) as con:
            scores, notes = _prepare(con, model, leads_path, events_path, as_of, options)
            copy_scores(con, scores, model.group_names, fmt, path, bom)
        for note in notes:
            report(note)
        return
    except (Problem, duckdb.Error, OverflowError) as e:
        _out_of_memory(e, options, report)
    from leadrules.engine.output import write_file

    results = _interpreter(model, leads_path, events_path, as_of, options, report, False)
    write_file(results, model.group_names, fmt, path, bom)


def _out_of_memory(error: Exception, options: DataOptions, report: Report) -> None:
    """Say so when DuckDB ran out of memory: the interpreter then scores, more slowly."""
    import duckdb

    if isinstance(error, duckdb.OutOfMemoryException):
        limit = options.memory_limit or "its default"
        report(
            f"note: DuckDB ran out of memory (--memory-limit {limit}): the reference "
            "interpreter scores the files instead, more slowly"
        )


def _interpreter(model, leads_path, events_path, as_of, options, report, explain):
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
    interpreter. Results in key order."""
    from leadrules.engine.duckout import ORDER, keyed_table

    with _connection(options) as con:
        scores, notes = _prepare(con, model, leads_path, events_path, as_of, options)
        relation = keyed_table(con, scores, len(model.groups))
        names = ", ".join(
            ["lead_id", *(f"g{i}" for i in range(len(model.groups))), "score", "tier"]
        )
        rows = con.execute(f"SELECT {names} FROM {relation} ORDER BY {ORDER}").fetchall()
    for note in notes:
        report(note)
    return _results(rows, [g.name for g in model.groups])


@contextlib.contextmanager
def _connection(options: DataOptions):
    """An in-memory DuckDB connection in UTC, with the memory limit of the options and a temp
    directory for spilling (`options.temp_directory`, else a fresh one in the system's temp
    folder, removed at the end; DuckDB creates it only when it spills)."""
    import shutil
    import tempfile
    import uuid

    import duckdb

    temp = options.temp_directory
    own = None
    if temp is None:
        own = temp = os.path.join(tempfile.gettempdir(), f"leadrules-duckdb-{uuid.uuid4().hex}")
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET preserve_insertion_order = false")
        con.execute("SET enable_progress_bar = false")  # DuckDB draws it on stdout (a terminal)
        con.execute(f"SET temp_directory = {string(temp)}")
        if options.memory_limit:
            con.execute(f"SET memory_limit = {string(options.memory_limit)}")
        yield con
    finally:
        con.close()
        if own is not None:
            shutil.rmtree(own, ignore_errors=True)


def _prepare(con, model, leads_path, events_path, as_of, options) -> tuple[str, list[str]]:
    """The typed tables, the validation pass and the points view: (the scores query, the notes
    to report once it has run)."""
    from leadrules.data.events import check_nested_properties
    from leadrules.targets import Options
    from leadrules.targets.sql import queries

    leads = Source.open(con, leads_path, _lead_columns(model, options), options)
    _leads_view(con, model, leads, options)
    check_nested_properties(model, events_path, options)  # after the leads, as the interpreter
    events = Source.open(con, events_path, _event_columns(model, options), options)
    notes = _events_view(con, model, events, as_of, options, leads_path)
    q = queries(model, Options(dialect="duckdb", as_of=as_of))
    con.execute("CREATE TEMP VIEW lead_score_points AS " + q.points)
    return q.scores, notes


def _results(rows: list[tuple], names: list[str]) -> list[LeadResult]:
    """`LeadResult`s of the rows `lead_id, <group>..., score, tier`. Group sums and the score
    are integers in SQL: Python ints, as the interpreter's. Built column by column, so the
    per-row work stays in C (a third faster than a loop over the rows at 50,000 leads)."""
    n = len(names)
    columns = list(zip(*rows, strict=True)) if rows else [()] * (n + 3)
    pairs = [zip(repeat(name), columns[1 + i]) for i, name in enumerate(names)]
    groups = zip(*pairs, strict=True) if pairs else repeat(())
    return list(map(LeadResult, columns[0], groups, columns[n + 1], columns[n + 2]))


# ---- the typed views and the validation pass --------------------------------------------


INVALID = '"leadrules: invalid row"'  # a flag column no attribute can be named


def _leads_view(con, model: m.Model, src: Source, options: DataOptions) -> None:
    from leadrules.data.leads import declaration

    key = src.require(options.lead_key, "the lead key", " (choose another with --lead-key)")
    cols: dict[str, tuple[str, str]] = {}
    for a in model.attributes:
        cols.setdefault(a.column, (src.require(a.column, declaration(a)), a.type))
    key_value, key_bad = src.cell(key, "text")
    select = [f"{key_value} AS lead_id"]
    flags = [key_bad, *src.checks]
    for c, (v, t) in cols.items():
        value, bad = src.cell(v, t)
        select.append(f"{value} AS {ident(c)}")
        flags.append(bad)
    invalid = " OR ".join(["lead_id IS NULL", *flags])
    con.execute(
        f"CREATE TEMP TABLE leads AS SELECT {', '.join(select)}, ({invalid}) AS {INVALID} "
        f"FROM {src.relation}"
    )
    n_bad, n_dup = con.execute(
        f"SELECT {_count_if(INVALID)}, count(*) - count(DISTINCT lead_id) FROM leads"
    ).fetchone()
    if n_bad or n_dup:
        raise Problem(src.path)


def _lead_columns(model: m.Model, options: DataOptions) -> list[str]:
    return list(dict.fromkeys([options.lead_key, *(a.column for a in model.attributes)]))


def _event_columns(model: m.Model, options: DataOptions) -> list[str]:
    wanted = [options.event_key, options.event_column, options.time_column]
    if options.properties_column:
        return list(dict.fromkeys([*wanted, options.properties_column]))
    return list(dict.fromkeys([*wanted, *(p.column for e in model.events for p in e.props)]))


def _events_view(
    con, model: m.Model, src: Source, as_of: dt.datetime, options: DataOptions, leads_path: str
) -> list[str]:
    from leadrules.data.events import event_declaration
    from leadrules.engine import require_event_columns
    from leadrules.engine.python import notes_of_counts
    from leadrules.targets.sql.exprs import timestamp_text

    key, kind, time, blob = require_event_columns(src, options)
    declared = {e.source for e in model.events}
    with_props = {e.source for e in model.events if e.props}
    key_value, key_bad = src.cell(key, "text")
    time_value = src.cell(time, "time")[0]
    # one pass types the rows into the table `events`; a second one counts, per event type,
    # the rows and those with each problem: (SQL, the event types whose rows it makes bad,
    # None for all)
    cols = [
        f"{key_value} AS lead_id",
        f"{src.cell(kind, 'text')[0]} AS event",
        f"{time_value} AS occurred_at",
    ]
    raw = []
    problems: list[tuple[str, Collection[str] | None]] = [
        ("lead_id IS NULL", None),
        ("occurred_at IS NULL", declared),
    ]
    flag = 0

    def problem(sql: str, kinds: Collection[str] | None) -> None:
        nonlocal flag
        if sql != "FALSE":
            raw.append(f"({sql}) AS {ident(f'bad {flag}')}")
            problems.append((ident(f"bad {flag}"), kinds))
            flag += 1

    for check in (key_bad, *src.checks):
        problem(check, None)
    obj = None
    if blob:
        obj, obj_bad = json_object(src.kinds[blob], blob)
        problem(obj_bad, with_props)
    # property name -> its column -> the event types reading it there (one type per name)
    columns: dict[str, dict[str, list[str]]] = {}
    types: dict[str, str] = {}
    for event in model.events:
        for p in event.props:
            if not blob:
                needed_by = f"the property `{p.name}` of {event_declaration(event)}"
                src.require(p.column, needed_by)
            columns.setdefault(p.name, {}).setdefault(p.column, []).append(event.source)
            types.setdefault(p.name, p.type)
    event_sql = src.cell(kind, "text")[0]
    for name, by_column in columns.items():
        values = []
        for column, owners in by_column.items():
            if blob:
                path = string("$." + json_key(column))
                sql = f"json_extract({obj}, {path})"
                value, bad = cell("json", sql, types[name], src.decimal_comma)
            else:
                value, bad = src.cell(src.columns[column], types[name])
            values.append((value, owners))
            problem(bad, set(owners))
        if len(values) == 1:
            cols.append(f"{values[0][0]} AS {ident(name)}")
        else:  # `url from "Page URL"` for one event type, `url` for another
            whens = " ".join(
                f"WHEN {event_sql} IN ({', '.join(string(o) for o in owners)}) THEN {value}"
                for value, owners in values
            )
            cols.append(f"CASE {whens} END AS {ident(name)}")
    con.execute(f"CREATE TEMP TABLE events AS SELECT {', '.join(cols + raw)} FROM {src.relation}")
    as_of_sql = f"TIMESTAMP '{timestamp_text(as_of)}'"
    flags = ", ".join(f"({sql}) AS p{i}" for i, (sql, _kinds) in enumerate(problems))
    counts = ", ".join(_count_if(f"p{i}") for i in range(len(problems)))
    groups = con.execute(
        f"SELECT event, count(*), {_count_if('NOT known')}, "
        f"{_count_if(f'known AND occurred_at > {as_of_sql}')}, {counts} "
        f"FROM (SELECT event, occurred_at, lead_id IN (SELECT lead_id FROM leads) AS known, "
        f"{flags} FROM events) GROUP BY event"
    ).fetchall()
    found = notes_of_counts(groups, problems, declared, leads_path)
    if found is None:
        raise Problem(src.path)
    return found


# ---- helpers -----------------------------------------------------------------------------


def _count_if(cond: str) -> str:
    from leadrules.targets.sql.dialect import dialect

    return dialect("duckdb").count_if(cond)  # the dialect's: COUNT(*) FILTER (WHERE ...)


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)
