"""Helpers every command shares: loading a model with diagnostics printed, exit codes, as-of."""

from __future__ import annotations

import datetime as dt
import sys

import click

from leadrules import diagnostics as dg

EXIT_INPUT = 1  # the input has errors (or a test or --check failed)
EXIT_USAGE = 2  # wrong usage: unknown option, missing file


def stderr_color() -> bool:
    return sys.stderr.isatty()


def print_diagnostics(result, fmt: str = "text", stream=None) -> None:
    stream = stream or sys.stderr
    diags = result.diagnostics
    if not diags:
        return
    if fmt == "json":
        stream.write(dg.render_json(diags))
    elif fmt == "github":
        stream.write(dg.render_github(diags))
    else:
        stream.write(dg.render_text(diags, result.sources, color=stream.isatty()))


def load_or_exit(path: str, read=None):
    """Check a rules file; print its diagnostics on stderr; exit 1 on errors; return the Model.
    `read(path) -> bytes` replaces reading files from disk (see `leadrules.check.check`)."""
    return check_or_exit(path, read).model


def check_or_exit(path: str, read=None):
    """`load_or_exit`, returning the whole check Result (the Model and the sources it read)."""
    from leadrules.check import check

    try:
        result = check(path, read=read)
    except OSError as e:
        raise click.exceptions.Exit(_usage(f"cannot read {path}: {e.strerror}")) from None
    errors = [d for d in result.diagnostics if d.is_error]
    if errors:
        print_diagnostics(result)
        raise click.exceptions.Exit(EXIT_INPUT)
    return result


def _usage(message: str) -> int:
    click.echo(f"error: {message}", err=True)
    return EXIT_USAGE


def fail(message: str, code: int = EXIT_INPUT):
    """Print `error: message` on stderr and exit with `code`."""
    click.echo(f"error: {message}", err=True)
    raise click.exceptions.Exit(code)


def parse_as_of(value: str | None, announce: bool = True) -> dt.datetime:
    """`--as-of`: an ISO-8601 timestamp (no zone means UTC); default now, printed on stderr."""
    from leadrules.check.exprs import parse_time

    if value is None:
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        if announce:
            click.echo(f"as-of: {now.isoformat().replace('+00:00', 'Z')} (now)", err=True)
        return now
    parsed = parse_time(value)
    if parsed is None:
        raise click.BadParameter(f"`{value}` is not an ISO-8601 timestamp", param_hint="--as-of")
    return parsed


def iso(ts: dt.datetime) -> str:
    return ts.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")


AS_OF_OPTION = click.option(
    "--as-of",
    "as_of",
    metavar="TIMESTAMP",
    help="Score as of this ISO-8601 time (no zone means UTC). Default: now, printed on stderr.",
)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the flush at exit does not fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def write_output(text: str, path: str | None, make_parents: bool = False) -> None:
    """Write `text` to `path` (UTF-8, `\n` line ends), or to stdout when `path` is None; a path
    that cannot be written is a usage error (exit 2), never a traceback. Folders are created
    only with `make_parents` (the files of a multi-file target inside `-o DIR`)."""
    if path is None:
        try:
            click.echo(text, nl=False)
            sys.stdout.flush()
        except BrokenPipeError:  # `| head`: the reader is gone, nothing more to say
            _silence_stdout()
            raise click.exceptions.Exit(0) from None
        except OSError as e:  # `> /dev/full`, a disk full: a message, not a traceback
            _silence_stdout()
            fail(f"cannot write to standard output: {e.strerror}", EXIT_USAGE)
        return
    from pathlib import Path  # not at import: `check` never writes a file

    try:
        target = Path(path)
        if make_parents:
            target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))
    except OSError as e:
        fail(f"cannot write {path}: {e.strerror}", EXIT_USAGE)
