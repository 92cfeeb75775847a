"""`leadrules compile FILE --target TARGET`: SQL (seven dialects), dbt, HubSpot, smoove."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import click

from leadrules import diagnostics as dg
from leadrules.commands.common import EXIT_INPUT, check_or_exit, parse_as_of, write_output
from leadrules.targets import TARGETS, Options
from leadrules.targets.sql.dialect import DIALECTS


@click.command("compile")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--target", required=True, type=click.Choice(list(TARGETS)), help="What to emit.")
@click.option(
    "--dialect",
    type=click.Choice(DIALECTS),
    default="duckdb",
    show_default=True,
    help="SQL dialect (sql and dbt targets).",
)
@click.option(
    "--as-of",
    "as_of",
    metavar="TIMESTAMP",
    help="Bake this as-of into the SQL. Default: the engine's current timestamp.",
)
@click.option(
    "--leads-table",
    default="leads",
    show_default=True,
    help="The leads relation (schema-qualified names allowed).",
)
@click.option(
    "--events-table",
    default="events",
    show_default=True,
    help="The events relation (schema-qualified names allowed).",
)
@click.option(
    "--properties-column",
    metavar="COLUMN",
    help="Event properties are in this one JSON column instead of one column each.",
)
@click.option(
    "--lead-key",
    default="lead_id",
    show_default=True,
    metavar="COLUMN",
    help="sql, dbt: the lead key column of both relations.",
)
@click.option(
    "--event-column",
    default="event",
    show_default=True,
    metavar="COLUMN",
    help="sql, dbt: the events' type column.",
)
@click.option(
    "--time-column",
    default="occurred_at",
    show_default=True,
    metavar="COLUMN",
    help="sql, dbt: the events' time column.",
)
@click.option(
    "--timestamp-type",
    type=click.Choice(["naive", "zoned"]),
    default="naive",
    show_default=True,
    help="trino: time columns are `timestamp` holding UTC (naive) or `timestamp with time zone`.",
)
@click.option(
    "--mode",
    type=click.Choice(["native", "workflows"]),
    default="native",
    show_default=True,
    help="hubspot: native lead scoring, or one workflow per rule.",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "he"]),
    default="en",
    show_default=True,
    help="smoove: language of the recipe.",
)
@click.option(
    "--best-effort",
    is_flag=True,
    help="Skip what the target cannot express, with a warning, instead of failing.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    help="A file (a directory for dbt, hubspot, smoove). Default: stdout.",
)
def command(
    file,
    target,
    dialect,
    as_of,
    leads_table,
    events_table,
    properties_column,
    lead_key,
    event_column,
    time_column,
    timestamp_type,
    mode,
    lang,
    best_effort,
    output,
):
    """Compile FILE to TARGET. The same input always gives byte-identical output."""
    checked = check_or_exit(file)
    model = checked.model
    options = Options(
        dialect=dialect,
        as_of=parse_as_of(as_of, announce=False) if as_of else None,
        leads_table=leads_table,
        events_table=events_table,
        properties_column=properties_column,
        lead_key=lead_key,
        event_column=event_column,
        time_column=time_column,
        timestamp_type=timestamp_type,
        best_effort=best_effort,
        mode=mode,
        lang=lang,
    )
    module = importlib.import_module(TARGETS[target])
    try:
        out = module.compile(model, options)
    except ValueError as e:  # an option the target cannot use, e.g. a malformed --leads-table
        raise click.UsageError(str(e)) from None
    if out.diagnostics:
        sys.stderr.write(
            dg.render_text(out.diagnostics, checked.sources, color=sys.stderr.isatty())
        )
    if any(d.is_error for d in out.diagnostics):
        raise click.exceptions.Exit(EXIT_INPUT)
    if out.files is not None:
        if not output:
            raise click.UsageError(f"--target {target} writes several files: give -o DIR")
        for rel, content in sorted(out.files.items()):
            write_output(content, str(Path(output) / rel), make_parents=True)
        click.echo(f"wrote {len(out.files)} files to {output}", err=True)
        return
    write_output(out.text, output)
