"""`leadrules score FILE --leads PATH --events PATH`: score every lead, in key order."""

from __future__ import annotations

import sys

import click

from leadrules.commands.common import (
    AS_OF_OPTION,
    EXIT_USAGE,
    fail,
    load_or_exit,
    parse_as_of,
    write_output,
)
from leadrules.commands.engine_options import (
    ENGINE_OPTION,
    SPARK_MASTER_OPTION,
    data_options,
    engine_limits,
    resolve_engine,
    run_engine,
    write_scores,
)


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


@click.command("score")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@data_options
@engine_limits
@AS_OF_OPTION
@ENGINE_OPTION
@SPARK_MASTER_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl", "table", "parquet"]),
    default="csv",
    show_default=True,
    help="Output format (parquet: to a file, or to stdout when it is not a terminal).",
)
@click.option(
    "--bom",
    is_flag=True,
    help="Start CSV output with a UTF-8 byte order mark, so that Excel reads it as UTF-8.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    metavar="PATH",
    help="Write the scores to PATH instead of stdout.",
)
def command(
    file,
    leads_path,
    events_path,
    options,
    as_of,
    engine,
    spark_master,
    fmt,
    bom,
    output,
):
    """Score every lead of --leads with the rules of FILE.

    One row per lead, in key order: lead_id, one column per group, score, tier.
    """
    if fmt == "parquet" and output is None and stdout_is_terminal():
        fail("--format parquet writes binary data: give -o PATH (or redirect stdout)", EXIT_USAGE)
    model = load_or_exit(file)
    when = parse_as_of(as_of)
    engine = resolve_engine(engine)
    if fmt != "table":  # the engine writes the file (DuckDB: without the rows through Python)
        write_scores(
            model, leads_path, events_path, when, engine, options, fmt, bom, output, spark_master
        )
        return
    from leadrules.engine.output import render

    results = run_engine(
        model, leads_path, events_path, when, engine, options, spark_master=spark_master
    )
    write_output(render(results, model.group_names, fmt), output)
