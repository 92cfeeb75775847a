"""`leadrules check FILE...`: parse and check; diagnostics as text, JSON or GitHub annotations.

A directory stands for every `*.lrules` file below it (sorted); `-` reads standard input, shown
as `<stdin>` or as `--stdin-filename` (which also anchors its imports), for editors.
"""

from __future__ import annotations

import sys

import click

from leadrules import diagnostics as dg
from leadrules.commands.common import EXIT_INPUT, EXIT_USAGE, fail


@click.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github", "sarif"]),
    default="text",
    show_default=True,
    help="How to print diagnostics.",
)
@click.option("--strict", is_flag=True, help="Warnings fail the check too.")
@click.option(
    "--stdin-filename",
    metavar="PATH",
    help="The path shown for `-` (standard input); its imports are read relative to it.",
)
def command(files, fmt, strict, stdin_filename):
    """Parse and check FILES (a folder: its `*.lrules` files; `-`: standard input); print every
    diagnostic. Exit 1 on errors (or warnings if --strict)."""
    from leadrules.check import check
    from leadrules.commands.fmt import STDIN, expand

    files = expand(files)
    if not files:
        fail("no .lrules files to check", EXIT_USAGE)
    diags: list[dg.Diagnostic] = []
    sources: dict[str, str] = {}
    for path in files:
        try:
            if path == STDIN:
                result = check(stdin_filename or "<stdin>", sys.stdin.buffer.read())
            else:
                result = check(path)
        except OSError as e:
            fail(f"cannot read {path}: {e.strerror or e}", EXIT_USAGE)
        diags.extend(result.diagnostics)
        sources.update(result.sources)
    diags = sorted(dict.fromkeys(diags), key=dg.sort_key)  # imports shared by files: once
    out = sys.stdout
    if fmt == "json":
        out.write(dg.render_json(diags))
    elif fmt == "sarif":  # SARIF 2.1.0, for code scanning
        from leadrules.sarif import render_sarif

        out.write(render_sarif(diags))
    elif fmt == "github":
        out.write(dg.render_github(diags))
    else:
        if diags:
            out.write(dg.render_text(diags, sources, color=out.isatty()))
        n_err = sum(d.is_error for d in diags)
        n_warn = len(diags) - n_err
        summary = f"checked {len(files)} file{'s' * (len(files) != 1)}: "
        summary += f"{n_err} error{'s' * (n_err != 1)}, {n_warn} warning{'s' * (n_warn != 1)}"
        click.echo(summary, err=True)
    failed = any(d.is_error for d in diags) or (strict and diags)
    if failed:
        raise click.exceptions.Exit(EXIT_INPUT)
