"""`leadrules test FILE...`: run the test blocks; one line per test; `N passed, N failed`."""

from __future__ import annotations

import json

import click

from leadrules.commands.common import EXIT_INPUT, load_or_exit


@click.command("test")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def command(files):
    """Run the `test` blocks of FILES with the reference interpreter.

    A test without `as_of` is scored as of 2026-01-01T00:00:00Z. Exit 1 if any test fails.
    """
    from leadrules.engine.testing import run_tests

    passed = failed = 0
    for path in files:
        model = load_or_exit(path)
        outcomes = run_tests(model)
        if not outcomes:
            click.echo(f"note: {path} has no tests", err=True)
        for outcome in outcomes:
            click.echo(render_outcome(path, outcome), nl=False)
            passed += outcome.passed
            failed += not outcome.passed
    click.echo(f"{passed} passed, {failed} failed")
    if failed:
        raise click.exceptions.Exit(EXIT_INPUT)


def render_outcome(path: str, outcome) -> str:
    test = outcome.test
    where = f"{path}:{test.loc.line}" if test.loc else path
    name = json.dumps(test.name, ensure_ascii=False)
    if outcome.passed:
        return f"PASS {where} {name}\n"
    lines = [f"FAIL {where} {name}"]
    for failure in outcome.failures:
        at = f" (line {failure.expectation.loc.line})" if failure.expectation.loc else ""
        lines.append(f"  {failure.describe()}{at}")
    if outcome.fired:
        lines.append("  rules fired:")
        lines.extend(f"    {rule}" for rule in outcome.fired)
    else:
        lines.append("  no rule fired")
    return "\n".join(lines) + "\n"
