"""`leadrules diff OLD NEW --leads PATH --events PATH`: which leads a rule change moves."""

from __future__ import annotations

import click

from leadrules.commands.common import AS_OF_OPTION, parse_as_of, write_output
from leadrules.commands.engine_options import ENGINE_OPTION, data_options, engine_limits
from leadrules.commands.impact_common import model_loader, reported


@click.command("diff")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@data_options
@engine_limits
@ENGINE_OPTION
@AS_OF_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="markdown is made for a pull-request comment.",
)
@click.option(
    "--no-attribution",
    is_flag=True,
    help="Do not measure what each change does alone.",
)
@click.option(
    "--title", default="leadrules diff", show_default=True, help="Heading of the markdown output."
)
@click.option("-o", "--output", "out", metavar="PATH", help="Write to a file instead of stdout.")
def command(
    old, new, leads_path, events_path, engine, options, as_of, fmt, no_attribution, title, out
):
    """Score the same leads under OLD and NEW and show what moved.

    OLD and NEW are rules files, or REV:PATH for a file at a git revision
    (`leadrules diff main:rules/b2b.lrules rules/b2b.lrules ...`).
    """
    from leadrules.impact.diff import run_diff
    from leadrules.impact.render_diff import RENDERERS, render_markdown

    when = parse_as_of(as_of)
    with model_loader() as load:
        old_model = load(old)
        new_model = load(new)
    with reported():
        diff = run_diff(
            old_model,
            new_model,
            leads_path,
            events_path,
            when,
            engine=engine,
            options=options,
            attribution=not no_attribution,
        )
    text = render_markdown(diff, title) if fmt == "markdown" else RENDERERS[fmt](diff)
    write_output(text, out)
