"""What `score` and `explain` share: the data options, the engine call, error handling."""

from __future__ import annotations

import functools
import importlib.util
import sys

import click

from leadrules.commands.common import fail

EXISTING = click.Path(exists=True, dir_okay=False)


def _data_file(ctx, param, value):
    """A data file of a known format (the extension), else a usage error (exit 2)."""
    from leadrules.data import DataError, data_format

    if value is not None:
        try:
            data_format(value)
        except DataError as e:
            raise click.BadParameter(e.message) from None
    return value


def _delimiter(ctx, param, value: str) -> str:
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
    value = named.get(value, value)
    if len(value) != 1 or value in '"\r\n' or not value.isascii():
        raise click.BadParameter("one ASCII character other than a quote or a line break")
    return value


def _encoding(ctx, param, value: str | None) -> str | None:
    import codecs

    if value is None:
        return None
    try:
        codecs.lookup(value)
    except LookupError:
        raise click.BadParameter(f"unknown encoding `{value}`") from None
    return value


def data_options(f):
    """--leads, --events and the options that say how to read them. The command receives
    `leads_path`, `events_path` and `options` (a DataOptions)."""
    options = [
        click.option(
            "--leads",
            "leads_path",
            required=True,
            type=EXISTING,
            metavar="PATH",
            callback=_data_file,
            help="Leads file (.csv, .jsonl/.ndjson or .parquet).",
        ),
        click.option(
            "--events",
            "events_path",
            required=True,
            type=EXISTING,
            metavar="PATH",
            callback=_data_file,
            help="Events file (.csv, .jsonl/.ndjson or .parquet).",
        ),
        click.option(
            "--lead-key",
            default="lead_id",
            show_default=True,
            metavar="COLUMN",
            help="The lead key column (in the events file too, unless --events-key).",
        ),
        click.option(
            "--events-key",
            default=None,
            metavar="COLUMN",
            help="The events file's lead key column, when it differs from --lead-key.",
        ),
        click.option(
            "--event-column",
            default="event",
            show_default=True,
            metavar="COLUMN",
            help="The events column holding the event type.",
        ),
        click.option(
            "--time-column",
            default="occurred_at",
            show_default=True,
            metavar="COLUMN",
            help="The events column holding the event time.",
        ),
        click.option(
            "--properties-column",
            default=None,
            metavar="COLUMN",
            help="One JSON object column holding the event properties.",
        ),
        click.option(
            "--delimiter",
            default=",",
            show_default=True,
            metavar="CHAR",
            callback=_delimiter,
            help="The CSV field delimiter: one character, or tab, semicolon, pipe.",
        ),
        click.option(
            "--encoding",
            default=None,
            metavar="NAME",
            callback=_encoding,
            help="The CSV text encoding (windows-1255, windows-1256, windows-1250...). "
            "Default: UTF-8, or UTF-16 when the file starts with its BOM.",
        ),
        click.option(
            "--decimal-comma",
            is_flag=True,
            help="Numbers in text are written with a decimal comma (12,5); a `.` is refused.",
        ),
        click.option(
            "--skip-bad-rows",
            is_flag=True,
            help="Report malformed rows and go on, instead of stopping.",
        ),
    ]

    @functools.wraps(f)
    def wrapper(
        *args,
        lead_key,
        events_key,
        event_column,
        time_column,
        properties_column,
        delimiter,
        encoding,
        decimal_comma,
        skip_bad_rows,
        **kwargs,
    ):
        from leadrules.engine import DataOptions

        kwargs["options"] = DataOptions(
            lead_key,
            event_column,
            time_column,
            properties_column,
            skip_bad_rows,
            events_key=events_key,
            delimiter=delimiter,
            encoding=encoding,
            decimal_comma=decimal_comma,
        )
        return f(*args, **kwargs)

    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


SIZE = r"(?i)\s*\d+(\.\d+)?\s*(b|kb|mb|gb|tb|kib|mib|gib|tib)\s*"


def _memory_limit(ctx, param, value: str | None) -> str | None:
    import re

    if value is not None and not re.fullmatch(SIZE, value):
        raise click.BadParameter(f"`{value}` is not a size such as 500MB, 2GB or 4GiB")
    return value


def engine_limits(f):
    """--memory-limit and --temp-directory, folded into the command's `options` (a DataOptions):
    place it below `data_options`."""

    @click.option(
        "--memory-limit",
        default=None,
        metavar="SIZE",
        callback=_memory_limit,
        help="The DuckDB engine's memory limit (500MB, 2GB, 4GiB); beyond it DuckDB spills "
        "to --temp-directory. Default: DuckDB's, 80% of the machine's memory.",
    )
    @click.option(
        "--temp-directory",
        default=None,
        metavar="DIR",
        type=click.Path(file_okay=False),
        help="Where the DuckDB engine spills beyond its memory limit. Default: a fresh folder "
        "in the system's temp folder, removed after the run.",
    )
    @functools.wraps(f)
    def wrapper(*args, memory_limit, temp_directory, options, **kwargs):
        import dataclasses

        options = dataclasses.replace(
            options, memory_limit=memory_limit, temp_directory=temp_directory
        )
        return f(*args, options=options, **kwargs)

    return wrapper


ENGINE_OPTION = click.option(
    "--engine",
    type=click.Choice(["duckdb", "python", "spark"]),
    default="duckdb",
    show_default=True,
    help="duckdb (embedded, fast), python (the reference interpreter) or spark.",
)
SPARK_MASTER_OPTION = click.option(
    "--spark-master",
    default=None,
    metavar="URL",
    help="With --engine spark: a Spark master (spark://..., yarn) or Spark Connect (sc://...) "
    "URL. Default: $SPARK_REMOTE, else local mode.",
)


def resolve_engine(engine: str) -> str:
    """The duckdb engine when it is installed; otherwise the reference interpreter, with a note."""
    if engine == "duckdb" and importlib.util.find_spec("leadrules.engine.duckdb") is None:
        click.echo(
            "note: the duckdb engine is not available in this build; using the python engine",
            err=True,
        )
        return "python"
    return engine


def progress_bar():
    """A progress callback drawing on stderr, or None when stderr is not a terminal."""
    if not sys.stderr.isatty():
        return None
    state = {"shown": -1}

    def show(done: int, total: int) -> None:
        if total < 8 << 20:  # short inputs: no bar
            return
        percent = min(100, done * 100 // max(total, 1))
        if percent != state["shown"]:
            state["shown"] = percent
            filled = percent // 5
            bar = "#" * filled + "." * (20 - filled)
            sys.stderr.write(f"\rreading events [{bar}] {percent:3d}%")
            sys.stderr.flush()

    def done() -> None:
        if state["shown"] >= 0:
            sys.stderr.write("\r" + " " * 40 + "\r")
            sys.stderr.flush()

    show.done = done
    return show


def write_scores(model, leads, events, as_of, engine, options, fmt, bom, output, spark_master):
    """Score and write `fmt` (csv, jsonl or parquet) to `output` (a path, or stdout when None):
    the engine writes a file in a temporary folder, copied to `output` once complete. Data
    errors print `error: file:line: ...` and exit 1."""
    import shutil
    import tempfile

    from leadrules.commands.common import EXIT_USAGE
    from leadrules.data import DataError
    from leadrules.engine import write

    folder = tempfile.mkdtemp(prefix="leadrules-")
    try:
        scores = f"{folder}/scores.{fmt}"
        if engine == "duckdb":
            try:
                write(model, leads, events, as_of, fmt, scores, engine, options, bom)
            except DataError as e:
                fail(str(e))
            except OSError as e:  # the temporary folder is full or unwritable
                fail(f"cannot write the scores to {folder}: {e.strerror}", EXIT_USAGE)
        else:
            from leadrules.engine.output import write_file

            results = run_engine(
                model, leads, events, as_of, engine, options, spark_master=spark_master
            )
            write_file(results, model.group_names, fmt, scores, bom)
        copy_output(scores, output)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def copy_output(source: str, path: str | None) -> None:
    """The file `source` copied to `path`, or to stdout when None; as `write_output`, a path that
    cannot be written is a usage error (exit 2) and a closed pipe ends quietly."""
    import shutil

    from leadrules.commands.common import EXIT_USAGE, _silence_stdout

    if path is None:
        try:
            sys.stdout.flush()
            out = sys.stdout.buffer
            with open(source, "rb") as f:
                shutil.copyfileobj(f, out, 1 << 20)
            out.flush()
        except BrokenPipeError:
            _silence_stdout()
            raise click.exceptions.Exit(0) from None
        except OSError as e:
            _silence_stdout()
            fail(f"cannot write to standard output: {e.strerror}", EXIT_USAGE)
        return
    try:
        with open(source, "rb") as f, open(path, "wb") as out:
            shutil.copyfileobj(f, out, 1 << 20)
    except OSError as e:
        fail(f"cannot write {path}: {e.strerror}", EXIT_USAGE)


def run_engine(
    model, leads, events, as_of, engine, options, explain=False, only=None, spark_master=None
):
    """Run the chosen engine; data errors print `error: file:line: ...` and exit 1."""
    from leadrules.data import DataError

    progress = progress_bar()
    try:
        if engine == "python" or only is not None:
            from leadrules.engine import key_order
            from leadrules.engine.python import run_files

            results = run_files(
                model, leads, events, as_of, options, explain=explain, progress=progress, only=only
            )
            return sorted(results, key=lambda r: key_order(r.lead_id))
        from leadrules.engine import run

        return run(
            model, leads, events, as_of, engine, options, explain=explain, master=spark_master
        )
    except DataError as e:
        fail(str(e))
    finally:
        if progress is not None:
            progress.done()
