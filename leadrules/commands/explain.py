"""`leadrules explain FILE --leads PATH --events PATH --lead ID`: one lead, rule by rule."""

from __future__ import annotations

import json

import click

from leadrules.commands.common import AS_OF_OPTION, fail, load_or_exit, parse_as_of
from leadrules.commands.engine_options import data_options, run_engine


@click.command("explain")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@data_options
@click.option("--lead", "lead_id", required=True, metavar="ID", help="The lead to explain.")
@AS_OF_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
def command(
    file,
    leads_path,
    events_path,
    options,
    lead_id,
    as_of,
    fmt,
):
    """Explain one lead's score: every rule (fired, not fired, or unknown and why), the events
    each counted, group totals before and after caps, the total before and after clamp, and
    the tiers tried."""
    from leadrules.engine.explain import render_text

    model = load_or_exit(file)
    when = parse_as_of(as_of)
    results = run_engine(
        model, leads_path, events_path, when, "python", options, explain=True, only={lead_id}
    )
    if not results:
        fail(f"lead {json.dumps(lead_id, ensure_ascii=False)} is not in {leads_path}")
    explanation = results[0].explanation
    if fmt == "json":
        click.echo(json.dumps(explanation.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(explanation), nl=False)
