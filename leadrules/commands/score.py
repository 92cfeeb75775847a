"""`leadrules score FILE --leads PATH --events PATH`: score every lead, in key order."""

from __future__ import annotations

import click

from leadrules.commands.common import AS_OF_OPTION, load_or_exit, parse_as_of, write_output
from leadrules.commands.scoring import (
    ENGINE_OPTION,
    SPARK_MASTER_OPTION,
    data_options,
    resolve_engine,
    run_engine,
)


@click.command("score")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@data_options
@AS_OF_OPTION
@ENGINE_OPTION
@SPARK_MASTER_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl", "table"]),
    default="csv",
    show_default=True,
    help="Output format.",
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
    from leadrules.engine.output import render

    model = load_or_exit(file)
    when = parse_as_of(as_of)
    results = run_engine(
        model,
        leads_path,
        events_path,
        when,
        resolve_engine(engine),
        options,
        spark_master=spark_master,
    )
    text = render(results, model.group_names, fmt)
    if bom and fmt == "csv":
        text = "\ufeff" + text
    write_output(text, output)
