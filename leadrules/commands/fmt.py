"""`leadrules fmt FILE...`: rewrite rules files in the canonical layout, keeping comments.

`--check` writes nothing, lists the files that would change and exits 1 if there is one;
`--diff` writes nothing and prints a unified diff; the two combine. `-` reads standard input and
writes the result to standard output. A directory stands for every `*.lrules` file below it.
A file with syntax errors is left alone: its diagnostics are printed and the exit code is 1.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

import click

from leadrules import diagnostics as dg
from leadrules import paths
from leadrules.commands.common import EXIT_INPUT, EXIT_USAGE

STDIN = "-"


@dataclass(frozen=True)
class Outcome:
    path: str
    changed: bool = False
    failed: bool = False


@click.command("fmt")
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; list the files that would change and exit 1 if any would.",
)
@click.option(
    "--diff", "show_diff", is_flag=True, help="Write nothing; print a unified diff of the changes."
)
def command(files, check, show_diff):
    """Rewrite FILES in the canonical layout (`-` for standard input to standard output)."""
    paths = expand(files)
    write = not (check or show_diff)
    outcomes = [_one(p, write=write, check=check, show_diff=show_diff) for p in paths]
    if any(p != STDIN for p in paths):
        _summary(outcomes, write)
    if any(o.failed for o in outcomes) or (check and any(o.changed for o in outcomes)):
        raise click.exceptions.Exit(EXIT_INPUT)


def expand(files: tuple[str, ...]) -> list[str]:
    """Files as given; a directory becomes its `*.lrules` files, sorted, outside hidden folders
    (`.git`, `.venv`: an installed package's examples are not the project's). Missing: exit 2."""
    out: list[str] = []
    for f in files:
        if f == STDIN or os.path.isfile(f):
            out.append(f)
        elif os.path.isdir(f):
            from pathlib import Path  # only for a folder: `check FILE` does without it

            p = Path(f)
            out.extend(
                str(x)
                for x in sorted(p.rglob("*.lrules"))
                if x.is_file() and not any(d.startswith(".") for d in x.relative_to(p).parts[:-1])
            )
        else:
            click.echo(f"error: {f}: no such file", err=True)
            raise click.exceptions.Exit(EXIT_USAGE)
    return out


def _one(path: str, *, write: bool, check: bool, show_diff: bool) -> Outcome:
    from leadrules.syntax.formatter import FormatterBug, format_text

    display = "<stdin>" if path == STDIN else path
    try:
        data = sys.stdin.buffer.read() if path == STDIN else paths.read_bytes(path)
    except OSError as e:
        click.echo(f"error: cannot read {display}: {e.strerror}", err=True)
        return Outcome(display, failed=True)
    try:
        result = format_text(data, display)
    except FormatterBug as e:
        click.echo(f"error: {e}; the file is left unchanged (please report this)", err=True)
        return Outcome(display, failed=True)
    if result.text is None:
        source = data.decode("utf-8", errors="replace")
        sys.stderr.write(
            dg.render_text(result.diagnostics, {display: source}, color=sys.stderr.isatty())
        )
        return Outcome(display, failed=True)
    new = result.text.encode("utf-8")
    changed = new != data
    if path == STDIN and write:
        sys.stdout.buffer.write(new)
        sys.stdout.flush()
    elif changed and write:
        with open(path, "wb") as f:
            f.write(new)
    if changed and check:
        click.echo(display)
    if changed and show_diff:
        sys.stdout.write(unified_diff(data.decode("utf-8", errors="replace"), result.text, display))
    return Outcome(display, changed=changed)


def unified_diff(old: str, new: str, path: str) -> str:
    """A unified diff of two texts, lines split at `\\n` only (a `\\r` shows as a change)."""
    import difflib  # only for --diff: `check` imports this module

    lines = difflib.unified_diff(_lines(old), _lines(new), fromfile=path, tofile=path)
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _lines(text: str) -> list[str]:
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    return lines + [parts[-1]] if parts[-1] else lines


def _summary(outcomes: list[Outcome], wrote: bool) -> None:
    n = len(outcomes)
    changed = sum(o.changed for o in outcomes)
    failed = sum(o.failed for o in outcomes)
    verb = "reformatted" if wrote else "would change"
    text = f"{n} file{'s' * (n != 1)}: {changed} {verb}, {n - changed - failed} unchanged"
    if failed:
        text += f", {failed} with errors"
    click.echo(text, err=True)
