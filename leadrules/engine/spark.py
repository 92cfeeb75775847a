"""`--engine spark`: the compiled Spark SQL, run by Spark over CSV, JSON Lines or Parquet.

For data that lives where Spark reads it. The session is local (`local[*]`) unless
`--spark-master URL` names a cluster (`spark://...`, `yarn`, `k8s://...`) or a Spark Connect
server (`sc://...`), or `SPARK_REMOTE` names a Spark Connect server. Paths with a scheme
(`s3a://`, `hdfs://`, `file://`) go to Spark as they are; a plain path is made absolute.

1. Spark reads each file: CSV and JSON Lines with every column as text, Parquet as stored.
2. The cells are typed in Spark SQL by the rules of the file readers (docs/semantics.md, "Input
   values"), and a validation pass counts, per event type, the rows with a problem (a missing
   key, type or time; a number, bool, time or JSON object that does not read; a duplicate lead)
   and what the interpreter notes on stderr (events of unknown leads, undeclared types, events
   after the as-of).
3. The views of the SQL target, compiled for Spark with the as-of baked in, score every lead.

When the validation pass finds a problem, Spark has found that something is wrong but not
where: the run goes to the reference interpreter's file readers, which report the first bad
row with its file and line (or, with `--skip-bad-rows`, report each one and score the rest), so
a bad file fails with the same message as on the other engines. That needs the files on this
machine; a remote file with a problem fails with the count of bad rows Spark found.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Collection

from leadrules import model as m
from leadrules.data import DataError, data_format
from leadrules.data.sources import delimiter_hint
from leadrules.engine import DataOptions, LeadResult

Report = Callable[[str], None]
SPACE = "' \\t\\n\\r\\u000B\\u000C'"  # Spark has no \\f escape
NUMBER = r"^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?$"
# the ISO-8601 forms Spark reads as the file readers do; other forms go to the interpreter
ISO = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,6})?)?)?([Zz]|[+-][0-9]{2}:[0-9]{2})?$"  # noqa: E501
INVALID = "`leadrules: invalid row`"  # a flag column no attribute can be named
CORRUPT = "_leadrules_corrupt_row"
KEY = "`leadrules: known key`"


class Problem(Exception):
    """The data needs the interpreter's readers: they word the error or skip the rows."""


def run_files(
    model: m.Model,
    leads_path: str,
    events_path: str,
    as_of: dt.datetime,
    options: DataOptions | None = None,
    explain: bool = False,
    report: Report | None = None,
    master: str | None = None,
    **_ignored,
) -> list[LeadResult]:
    options = options or DataOptions()
    report = report or _stderr
    if not explain:  # explanations are the interpreter's
        spark = session(master)
        from pyspark.errors import PySparkException

        try:
            return run_spark(spark, model, leads_path, events_path, as_of, options, report)
        except (Problem, PySparkException) as problem:  # a file Spark cannot read: the same
            if not all(_local(p) for p in (leads_path, events_path)):
                message = str(problem).splitlines()[0]
                raise DataError(leads_path, None, f"Spark found bad rows: {message}") from None
    from leadrules.engine.python import run_files as python_run

    return python_run(
        model, leads_path, events_path, as_of, options, explain=explain, report=report
    )


def session(master: str | None = None):
    """The Spark session: Spark Connect for `sc://` (or `SPARK_REMOTE`), else a master URL
    (default `local[*]`). The session time zone is UTC: text times without a zone are UTC."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("leadrules")
    remote = master if master and master.startswith("sc://") else None
    if remote is None and not master:
        remote = os.environ.get("SPARK_REMOTE")
    if remote:
        builder = builder.remote(remote)
    else:
        builder = (
            builder.master(master or "local[*]")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.catalogImplementation", "in-memory")
            .config("spark.log.level", "ERROR")
        )
        if (master or "local").startswith("local"):
            builder = builder.config("spark.driver.host", "127.0.0.1").config(
                "spark.driver.bindAddress", "127.0.0.1"
            )
    spark = builder.getOrCreate()
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    spark.conf.set("spark.sql.caseSensitive", "true")  # `Email` and `email` are two columns
    return spark


def run_spark(spark, model, leads_path, events_path, as_of, options, report) -> list[LeadResult]:
    """Spark alone: raises `Problem` where `run_files` hands over to the interpreter."""
    from leadrules.targets import Options
    from leadrules.targets.sql import queries

    tag = f"leadrules_{os.getpid()}_{id(model):x}"
    names = {"leads": f"{tag}_leads", "events": f"{tag}_events", "points": f"{tag}_points"}
    try:
        notes = prepare(spark, model, leads_path, events_path, as_of, options, names)
        q = queries(model, Options(dialect="spark", as_of=as_of), relation=names.__getitem__)
        spark.sql(f"CREATE OR REPLACE TEMPORARY VIEW {names['points']} AS {q.points}")
        rows = [tuple(row) for row in spark.sql(q.scores).collect()]
    finally:  # a long-lived session (Spark Connect) keeps nothing of this run
        for view in (*names.values(), f"{tag}_lsrc", f"{tag}_esrc"):
            spark.catalog.dropTempView(view)
    for note in notes:
        report(note)
    n = len(model.groups)
    return [
        LeadResult(
            row[0],
            tuple(zip(model.group_names, (int(v) for v in row[1 : n + 1]), strict=True)),
            int(row[n + 1]),
            row[n + 2],
        )
        for row in rows
    ]


def prepare(spark, model, leads_path, events_path, as_of, options, names) -> list[str]:
    """The typed, validated and cached views `names["leads"]` and `names["events"]`; the
    interpreter's notes."""
    unsupported = _unsupported(model, options, (leads_path, events_path))
    if unsupported:
        raise Problem(f"read by the file readers: {unsupported}")
    tag = names["leads"].removesuffix("_leads")
    sep = options.delimiter
    leads = open_source(spark, leads_path, _lead_columns(model, options), f"{tag}_lsrc", sep)
    events = open_source(spark, events_path, _event_columns(model, options), f"{tag}_esrc", sep)
    _leads_view(spark, model, leads, options, names["leads"])
    return _events_view(spark, model, events, as_of, options, leads_path, names)


def _unsupported(model: m.Model, options: DataOptions, paths) -> str | None:
    """What this engine leaves to the file readers (the same scores, read on this machine):
    a CSV encoding other than UTF-8, decimal commas, and event properties read from a column
    of another name."""
    if options.encoding and options.encoding.replace("_", "-").lower() not in ("utf-8", "utf8"):
        return f"--encoding {options.encoding}"
    if options.decimal_comma:
        return "--decimal-comma"
    if any(p.column != p.name for e in model.events for p in e.props):
        return "an event property read from a column of another name"
    for path in paths:
        if _local(path) and data_format(path) == "csv":
            try:
                with open(path, "rb") as f:
                    if f.read(2) in (b"\xff\xfe", b"\xfe\xff"):
                        return "a UTF-16 file"
            except OSError:
                pass
    return None


# ---- reading files, typed by the declarations ---------------------------------------------


class Source:
    """A file as a temporary view with one text (or Parquet-typed) column per wanted column
    present, named c0, c1..."""

    def __init__(
        self, path, view, columns: dict[str, str], kinds: dict[str, str], corrupt=None, header=""
    ):
        self.path = path
        self.header_hint = header  # a CSV header of one column: the --delimiter it suggests
        self.corrupt = corrupt  # the column holding a row Spark could not split, if any
        self.view = view
        self.columns = columns  # file column -> its name in the view
        self.kinds = kinds  # view column -> Spark type name (Parquet), or "string"

    def require(self, column: str, needed_by: str, hint: str = "") -> str:
        if column in self.columns:
            return self.columns[column]
        message = f"no column `{column}`, needed by {needed_by}{hint}{self.header_hint}"
        raise DataError(self.path, None, message)


def open_source(spark, path: str, wanted: dict[str, str], view: str, sep: str = ",") -> Source:
    from pyspark.sql import types as T

    fmt = data_format(path)
    uri = _uri(path)
    if fmt == "csv":
        header = _csv_header(spark, path, uri, sep)
        cols: dict[str, str] = {}
        for i, column in enumerate(header):
            cols.setdefault(column, f"c{i}")
        fields = [T.StructField(f"c{i}", T.StringType()) for i in range(len(header))]
        schema = T.StructType([*fields, T.StructField(CORRUPT, T.StringType())])
        frame = spark.read.csv(
            uri,
            schema=schema,
            header=True,
            enforceSchema=True,
            sep=sep,
            quote='"',
            escape='"',
            multiLine=True,  # a quoted cell may hold a newline, as in the file readers
            mode="PERMISSIVE",  # a row with too few or too many cells: its text in CORRUPT
            columnNameOfCorruptRecord=CORRUPT,
            encoding="UTF-8",
        )
        keep = list(dict.fromkeys(cols.values()))
        frame.select(*keep, CORRUPT).createOrReplaceTempView(view)
        hint = delimiter_hint(header, sep)
        return Source(path, view, cols, dict.fromkeys(keep, "string"), CORRUPT, hint)
    if fmt == "jsonl":
        fields = [T.StructField(c, T.StringType()) for c in wanted]
        schema = T.StructType([*fields, T.StructField(CORRUPT, T.StringType())])
        frame = spark.read.json(
            uri, schema=schema, mode="PERMISSIVE", columnNameOfCorruptRecord=CORRUPT
        )
        cols = {c: f"c{i}" for i, c in enumerate(wanted)}
        frame = frame.select(*(frame[c].alias(cols[c]) for c in wanted), frame[CORRUPT])
        frame.createOrReplaceTempView(view)
        _refuse_json_non_text(spark, uri, path, [c for c, t in wanted.items() if t == "text"])
        return Source(path, view, cols, dict.fromkeys(cols.values(), "string"), CORRUPT)
    frame = spark.read.parquet(uri)
    present = {f.name: f.dataType.typeName() for f in frame.schema.fields}
    cols = {c: f"c{i}" for i, c in enumerate(wanted) if c in present}
    frame = frame.select(*(frame[c].alias(a) for c, a in cols.items()))
    frame.createOrReplaceTempView(view)
    return Source(path, view, cols, {a: present[c] for c, a in cols.items()})


def json_not_text(variant_sql: str, path: str) -> str:
    """SQL true when the JSON value at `path` is a number that is not an integer, a bool, an
    object or a list: Spark would read its JSON text (`1.0`, `true`) where the file readers
    read `1` or refuse the row, so such a file goes to the readers."""
    kind = f"SCHEMA_OF_VARIANT(VARIANT_GET({variant_sql}, {_string(path)}))"
    return f"COALESCE({kind} NOT IN ('STRING', 'BIGINT', 'NULL'), FALSE)"


def json_path(name: str) -> str:
    return "$['" + name.replace("\\", "\\\\").replace("'", "\\'") + "']"


def _refuse_json_non_text(spark, uri: str, path: str, columns: list[str]) -> None:
    if not columns:
        return
    lines = spark.read.text(uri).selectExpr("TRY_PARSE_JSON(value) AS v")
    flags = " OR ".join(json_not_text("v", json_path(c)) for c in columns)
    if lines.where(flags).limit(1).count():
        raise Problem(f"{path}: a JSON number, bool or object where text is declared")


def _csv_header(spark, path: str, uri: str, sep: str = ",") -> list[str]:
    import csv

    if _local(path):
        try:
            with open(path, encoding="utf-8-sig", newline="") as f:
                header = next(csv.reader(f, delimiter=sep), None)
        except (OSError, UnicodeDecodeError, csv.Error) as e:
            raise Problem(str(e)) from None
    else:
        first = spark.read.text(uri).first()
        line = first[0].lstrip("\ufeff") if first else None
        header = next(csv.reader([line], delimiter=sep), None) if line is not None else None
    if header is None:
        raise Problem(f"{path}: empty")
    return [h.strip() for h in header]


TEXT_KINDS = ("string", "integer", "long", "short", "byte")  # as text, what the readers give


def typed(v: str, typ: str, kind: str = "string") -> str:
    """SQL typing the cell `v` as the file readers do (NULL where missing or where `bad`)."""
    if typ == "text" and kind not in TEXT_KINDS:
        # a Parquet float or bool as text: the readers write 1.0 as `1` and refuse a bool
        raise Problem(f"a {kind} column read as text")
    if typ == "text":
        return f"NULLIF(CAST({v} AS STRING), '')"
    if typ == "time" and kind in ("timestamp", "timestamp_ntz", "date"):
        return f"CAST({v} AS TIMESTAMP)"  # the session zone is UTC: an NTZ time is UTC
    t = f"TRIM(BOTH {SPACE} FROM CAST({v} AS STRING))"
    if typ == "number":
        return f"CASE WHEN {t} RLIKE '{NUMBER}' THEN CAST({t} AS DOUBLE) END"
    if typ == "bool":
        return (
            f"CASE WHEN LOWER({t}) IN ('true', 'yes', '1') THEN TRUE "
            f"WHEN LOWER({t}) IN ('false', 'no', '0') THEN FALSE END"
        )
    return f"CASE WHEN {t} RLIKE '{ISO}' THEN TRY_CAST({t} AS TIMESTAMP) END"


def bad(v: str, typ: str, kind: str = "string") -> str:
    """SQL true when the cell `v` is present but not a value of the type."""
    if typ == "text" or (typ == "time" and kind in ("timestamp", "timestamp_ntz", "date")):
        return "FALSE"
    t = f"TRIM(BOTH {SPACE} FROM CAST({v} AS STRING))"
    present = f"{v} IS NOT NULL AND {t} <> ''"
    return f"({present} AND {typed(v, typ, kind)} IS NULL)"


# ---- the typed views and the validation pass --------------------------------------------


def _leads_view(spark, model: m.Model, src: Source, options: DataOptions, name: str) -> None:
    from leadrules.data.leads import declaration

    key = src.require(options.lead_key, "the lead key", " (choose another with --lead-key)")
    cols: dict[str, tuple[str, str]] = {}
    for a in model.attributes:
        cols.setdefault(a.column, (src.require(a.column, declaration(a)), a.type))
    select = [f"{typed(key, 'text', src.kinds[key])} AS lead_id"]
    select += [f"{typed(v, t, src.kinds[v])} AS {_ident(c)}" for c, (v, t) in cols.items()]
    flags = [bad(v, t, src.kinds[v]) for v, t in cols.values() if t != "text"]
    if src.corrupt:
        flags.append(f"{src.corrupt} IS NOT NULL")
    invalid = " OR ".join(["lead_id IS NULL", *flags])
    spark.sql(
        f"CREATE OR REPLACE TEMPORARY VIEW {name} AS SELECT {', '.join(select)}, "
        f"({invalid}) AS {INVALID} FROM {src.view}"
    ).collect()
    spark.catalog.cacheTable(name)
    n_bad, n_dup = spark.sql(
        f"SELECT COUNT_IF({INVALID}), COUNT(*) - COUNT(DISTINCT lead_id) FROM {name}"
    ).first()
    if n_bad or n_dup:
        raise Problem(f"{src.path}: {n_bad + n_dup} bad or duplicate rows")


def _lead_columns(model: m.Model, options: DataOptions) -> dict[str, str]:
    wanted = {options.lead_key: "text"}
    for a in model.attributes:
        wanted.setdefault(a.column, a.type)
    return wanted


def _event_columns(model: m.Model, options: DataOptions) -> dict[str, str]:
    wanted = {options.event_key: "text", options.event_column: "text", options.time_column: "time"}
    if options.properties_column:
        wanted.setdefault(options.properties_column, "json")  # an object: not a text cell
        return wanted
    for e in model.events:
        for p in e.props:
            wanted.setdefault(p.name, p.type)
    return wanted


def _events_view(spark, model, src: Source, as_of, options, leads_path, names) -> list[str]:
    from leadrules.data.events import event_declaration
    from leadrules.engine import require_event_columns
    from leadrules.engine.python import notes_of_counts
    from leadrules.targets.sql.exprs import timestamp_text

    key, kind, time, blob = require_event_columns(src, options)
    props: dict[str, tuple[str, str, str, list[str]]] = {}  # name -> (SQL, kind, type, owners)
    nontext: dict[str, tuple[str, set[str]]] = {}  # text property -> (its check, event types)
    for event in model.events:
        for p in event.props:
            if blob:
                path = json_path(p.name)
                text = f"GET_JSON_OBJECT({blob}, {_string(path)})"
                cell_kind = "string"
                if p.type == "text":
                    check = json_not_text(f"TRY_PARSE_JSON({blob})", path)
                    nontext.setdefault(p.name, (check, set()))[1].add(event.source)
            else:
                text = src.require(p.name, f"the property `{p.name}` of {event_declaration(event)}")
                cell_kind = src.kinds[text]
            props.setdefault(p.name, (text, cell_kind, p.type, []))[3].append(event.source)

    declared = {e.source for e in model.events}
    cols = [
        f"{typed(key, 'text', src.kinds[key])} AS lead_id",
        f"CAST({kind} AS STRING) AS event",
        f"{typed(time, 'time', src.kinds[time])} AS occurred_at",
    ]
    problems: list[tuple[str, Collection[str] | None]] = [
        ("lead_id IS NULL", None),
        ("occurred_at IS NULL", declared),
    ]
    raw = []
    for name, (check, owners) in nontext.items():
        raw.append(f"{check} AS {_ident('nontext_' + name)}")
        problems.append((_ident("nontext_" + name), owners))
    for name, (sql, cell_kind, t, sources) in props.items():
        cols.append(f"{typed(sql, t, cell_kind)} AS {_ident(name)}")
        if t != "text":
            raw.append(f"{bad(sql, t, cell_kind)} AS {_ident('bad_' + name)}")
            problems.append((_ident("bad_" + name), set(sources)))
    if blob:  # a properties cell that is not a JSON object
        raw.append(
            f"({blob} IS NOT NULL AND TRIM(BOTH {SPACE} FROM {blob}) <> '' AND "
            f"JSON_OBJECT_KEYS({blob}) IS NULL) AS bad_json"
        )
        problems.insert(0, ("bad_json", {e.source for e in model.events if e.props}))
    if src.corrupt:
        raw.append(f"{src.corrupt} IS NOT NULL AS bad_row")
        problems.insert(0, ("bad_row", None))
    spark.sql(
        f"CREATE OR REPLACE TEMPORARY VIEW {names['events']} AS "
        f"SELECT {', '.join(cols + raw)} FROM {src.view}"
    )
    spark.catalog.cacheTable(names["events"])
    as_of_sql = f"TIMESTAMP '{timestamp_text(as_of)}Z'"
    flags = ", ".join(f"({sql}) AS p{i}" for i, (sql, _kinds) in enumerate(problems))
    counts = ", ".join(f"COUNT_IF(p{i})" for i in range(len(problems)))
    groups = spark.sql(
        f"SELECT event, COUNT(*), COUNT_IF(NOT known), "
        f"COUNT_IF(known AND occurred_at > {as_of_sql}), {counts} "
        f"FROM (SELECT event, occurred_at, known, {flags} FROM (SELECT e.*, "
        f"k.{KEY} IS NOT NULL AS known FROM {names['events']} AS e LEFT JOIN "
        f"(SELECT DISTINCT lead_id AS {KEY} FROM {names['leads']}) AS k "
        f"ON e.lead_id = k.{KEY})) GROUP BY event"
    ).collect()
    found = notes_of_counts(groups, problems, declared, leads_path)
    if found is None:
        raise Problem(f"{src.path}: bad rows")
    return found


# ---- helpers -----------------------------------------------------------------------------


def _local(path: str) -> bool:
    return "://" not in path or path.startswith("file://")


def _uri(path: str) -> str:
    return path if "://" in path else os.path.abspath(path)


def _ident(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)
