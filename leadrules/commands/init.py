"""`leadrules init [--template b2b|smoove|simple] DIR`: a starter model, data and a test."""

from __future__ import annotations

import os
from pathlib import Path

import click

from leadrules.commands.common import EXIT_USAGE, fail

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates" / "init"
TEMPLATES = ("b2b", "smoove", "simple")
FILES = ("scoring.lrules", "leads.csv", "events.csv")
FIRST_LEAD = {"b2b": "1", "smoove": "101", "simple": "A1"}


def template_files(template: str) -> dict[str, bytes]:
    """File name -> content of a template (the shared README.md included)."""
    files = {name: (TEMPLATES_DIR / template / name).read_bytes() for name in FILES}
    files["README.md"] = (TEMPLATES_DIR / "README.md").read_bytes()
    return files


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option(
    "--template",
    type=click.Choice(TEMPLATES),
    default="b2b",
    show_default=True,
    help="b2b: fit and engagement, four tiers; smoove: an e-mail engagement score with an "
    "offer at 20 points; "
    "simple: three rules and a threshold.",
)
def command(directory, template):
    """Write a starter model, a small leads and events data set and a test into DIRECTORY.

    Existing files are never overwritten.
    """
    files = template_files(template)
    target = Path(directory)
    existing = [str(target / name) for name in files if (target / name).exists()]
    if existing:
        fail(f"refusing to overwrite {', '.join(existing)}", EXIT_USAGE)
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            with open(target / name, "xb") as f:
                f.write(content)
    except OSError as e:
        fail(f"cannot write into {directory}: {e.strerror}", EXIT_USAGE)
    d = os.path.normpath(directory)
    click.echo(f"wrote {', '.join(str(Path(d) / n) for n in files)}")
    click.echo("next:")
    click.echo(f"  leadrules check {Path(d) / 'scoring.lrules'}")
    click.echo(f"  leadrules test {Path(d) / 'scoring.lrules'}")
    data = f"--leads {Path(d) / 'leads.csv'} --events {Path(d) / 'events.csv'} --as-of 2026-01-01"
    click.echo(f"  leadrules score {Path(d) / 'scoring.lrules'} {data} --format table")
    lead = FIRST_LEAD[template]
    click.echo(f"  leadrules explain {Path(d) / 'scoring.lrules'} {data} --lead {lead}")
