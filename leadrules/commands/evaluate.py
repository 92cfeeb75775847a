"""`leadrules evaluate FILE --leads P --events P --outcomes P`: how well a model ranks the leads
that really converted."""

from __future__ import annotations

import click

from leadrules.commands.common import (
    AS_OF_OPTION,
    EXIT_INPUT,
    EXIT_USAGE,
    fail,
    parse_as_of,
    write_output,
)
from leadrules.commands.engine_options import ENGINE_OPTION, data_options, engine_limits
from leadrules.commands.impact_common import model_loader, reported


def finite(value: float | None) -> float | None:
    """`nan` and `inf` pass click's FloatRange (comparisons with nan are false): refuse them."""
    import math

    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a finite number")
    return value


@click.command("evaluate")
@click.argument("file", metavar="FILE")
@data_options
@engine_limits
@ENGINE_OPTION
@click.option(
    "--outcomes",
    "outcomes_path",
    required=True,
    metavar="PATH",
    type=click.Path(exists=True, dir_okay=False),
    help="lead_id, converted and optionally converted_at, value (CSV, JSONL, Parquet).",
)
@AS_OF_OPTION
@click.option(
    "--capacity",
    type=click.FloatRange(min=0, min_open=True),
    callback=lambda _c, _p, v: finite(v),
    metavar="N",
    help="Suggest a threshold for N sales-qualified leads a week.",
)
@click.option(
    "--weeks",
    type=click.FloatRange(min=0, min_open=True),
    callback=lambda _c, _p, v: finite(v),
    metavar="W",
    help="The weeks the leads span (default: earliest event to as-of).",
)
@click.option(
    "--compare",
    "compare_with",
    metavar="OTHER",
    help="Also evaluate OTHER (a file or REV:PATH) and show the tier transitions.",
)
@click.option("--html", "html_path", metavar="PATH", help="Write a self-contained HTML report.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("-o", "--output", "out", metavar="PATH", help="Write to a file instead of stdout.")
def command(
    file,
    leads_path,
    events_path,
    engine,
    options,
    outcomes_path,
    as_of,
    capacity,
    weeks,
    compare_with,
    html_path,
    fmt,
    out,
):
    """Evaluate FILE against known outcomes: conversion by tier and decile, lift, ROC AUC,
    precision and recall at the tier thresholds, the converted leads scored lowest."""
    from leadrules.engine import run
    from leadrules.impact import evaluate as ev
    from leadrules.impact.diff import compare, score_models
    from leadrules.impact.gc_paused import gc_paused
    from leadrules.impact.outcomes import OutcomeError, read_outcomes
    from leadrules.impact.render_eval import render_json, render_text

    when = parse_as_of(as_of)
    with model_loader() as load:
        model = load(file)
        other_model = load(compare_with) if compare_with else None
    try:
        outcomes = read_outcomes(outcomes_path, options.lead_key)
    except OutcomeError as e:
        fail(str(e), EXIT_INPUT)
    except OSError as e:
        fail(f"cannot read {outcomes_path}: {e.strerror}", EXIT_USAGE)
    with reported(), gc_paused():
        if other_model is None:
            results, others = (
                run(model, leads_path, events_path, when, engine=engine, options=options),
                None,
            )
        else:  # one scoring for both when the probe can (see `leadrules diff`)
            results, (others,) = score_models(
                model,
                [other_model],
                lambda m: run(m, leads_path, events_path, when, engine=engine, options=options),
                when,
            )
    if capacity is not None and weeks is None:
        start = ev.first_event(events_path, options.time_column, when)
        if start is None:
            click.echo(
                "note: no event at or before the as-of gives the data's span; taking one "
                "week (pass --weeks to set it)",
                err=True,
            )
        weeks = ev.weeks_between(start, when)
    found = ev.evaluate(model, results, outcomes, capacity, weeks)
    other = diff = None
    if other_model is not None:
        other = ev.evaluate(other_model, others, outcomes, capacity, weeks)
        diff = compare(model, other_model, results, others)
    if found.without_outcome or found.unknown_leads:
        click.echo(
            f"note: {found.without_outcome} scored leads have no outcome and "
            f"{found.unknown_leads} outcomes name leads not in {leads_path}; "
            "both are left out",
            err=True,
        )
    if html_path:
        from leadrules.impact.report_html import render_html

        page = render_html(
            found, f"leadrules evaluate: {found.model}", other, diff, compare_with or ""
        )
        write_output(page, html_path)
    render = render_json if fmt == "json" else render_text
    write_output(render(found, other, diff, compare_with or ""), out)
