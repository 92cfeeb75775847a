"""`leadrules apply RULES --target hubspot`: create or update the model's definitions in HubSpot
(property group, properties, lead score, workflows), idempotently, after printing the plan."""

from __future__ import annotations

import os
import sys

import click

from leadrules import diagnostics as dg
from leadrules.commands.common import EXIT_INPUT, EXIT_USAGE, check_or_exit, fail


def _fills(values: tuple[str, ...]) -> dict[str, str]:
    from leadrules.targets.hubspot.apply import fill_problem

    out = {}
    for v in values:
        key, sep, value = v.partition("=")
        key = key.removeprefix("${").removesuffix("}")
        if not sep or ":" not in key or not value:
            raise click.BadParameter(
                f"{v!r}: write NAME:ARG=VALUE, e.g. EVENT_TYPE_ID:page_view=4-96000",
                param_hint="--fill",
            )
        problem = fill_problem(key, value)
        if problem:
            raise click.BadParameter(f"{v!r}: {problem}", param_hint="--fill")
        out[key] = value
    return out


@click.command("apply")
@click.argument("rules", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--target", required=True, type=click.Choice(["hubspot"]), help="Where to apply the model."
)
@click.option(
    "--mode",
    type=click.Choice(["native", "workflows"]),
    default="native",
    show_default=True,
    help="As `compile --mode`: a lead score, or one workflow per rule.",
)
@click.option("--dry-run", is_flag=True, help="Print the plan and stop: change nothing.")
@click.option("--publish", is_flag=True, help="Publish the lead score's draft after applying.")
@click.option(
    "--best-effort",
    is_flag=True,
    help="Skip what HubSpot cannot express, with a warning, instead of failing.",
)
@click.option(
    "--fill",
    "fills",
    multiple=True,
    metavar="NAME:ARG=VALUE",
    help="A value for a token of the compiled files, e.g. EVENT_TYPE_ID:page_view=4-96000.",
)
@click.option(
    "--token-env",
    default="HUBSPOT_TOKEN",
    show_default=True,
    help="The environment variable holding the access token.",
)
@click.option(
    "--base-url",
    default="https://api.hubapi.com",
    show_default=True,
    help="HubSpot's API address (tests point it at a local fake).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1, max=600),
    default=30.0,
    show_default=True,
    help="Seconds to wait for each answer.",
)
def command(
    rules, target, mode, dry_run, publish, best_effort, fills, token_env, base_url, timeout
):
    """Create or update RULES' definitions in HubSpot: the property group and properties, the
    lead score (a draft unless --publish) and the workflows (created disabled). Prints the plan
    first (+ create, ~ update, = unchanged); --dry-run stops there."""
    from leadrules.targets import Options
    from leadrules.targets import hubspot as target_module
    from leadrules.targets.hubspot import apply as ap
    from leadrules.targets.hubspot.api import ApiError, Client

    token = os.environ.get(token_env, "").strip()
    if not token:
        fail(
            f"no HubSpot token: set {token_env} (or name another variable with --token-env)",
            EXIT_USAGE,
        )
    filled = _fills(fills)
    result = check_or_exit(rules)
    out = target_module.compile(result.model, Options(best_effort=best_effort, mode=mode))
    if out.diagnostics:
        sys.stderr.write(dg.render_text(out.diagnostics, result.sources, color=sys.stderr.isatty()))
        if any(d.is_error for d in out.diagnostics):
            raise click.exceptions.Exit(EXIT_INPUT)

    echo = click.echo
    echo(f'leadrules apply: model "{result.model.name}" -> HubSpot at {base_url}')
    try:
        with Client(token, base_url, timeout=timeout) as client:
            steps = ap.plan(out.files, client, fills=filled, publish=publish)
            for step in steps:
                echo(step.line())
            changes = [s for s in steps if s.run is not None]
            skipped = [s for s in steps if s.action == "skip"]
            if dry_run:
                echo(f"dry run: {len(changes)} change(s) planned, nothing sent")
            elif changes:
                ap.execute(steps, client, echo)
            counts = {a: sum(s.action == a for s in steps) for a in ("create", "update")}
            unchanged = sum(s.action == "unchanged" for s in steps)
            if not dry_run:
                echo(
                    f"applied: {counts['create']} created, {counts['update']} updated, "
                    f"{unchanged} unchanged, {len(skipped)} skipped"
                )
    except ApiError as e:
        click.echo(f"error: {e}", err=True)
        raise click.exceptions.Exit(EXIT_INPUT) from None
    if skipped:
        click.echo(
            f"error: {len(skipped)} item(s) not applied (marked !): see the plan above",
            err=True,
        )
        raise click.exceptions.Exit(EXIT_INPUT)
