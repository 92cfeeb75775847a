"""`leadrules sync RULES --leads P --events P --to hubspot|smoove|webhook --config PATH`."""

from __future__ import annotations

import json
import sys

import click

from leadrules.commands.common import AS_OF_OPTION, fail, load_or_exit, parse_as_of
from leadrules.commands.engine_options import (
    ENGINE_OPTION,
    data_options,
    resolve_engine,
    run_engine,
)

SHOWN_FAILURES = 20


@click.command("sync")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@data_options
@AS_OF_OPTION
@ENGINE_OPTION
@click.option(
    "--to",
    "to",
    required=True,
    type=click.Choice(["hubspot", "smoove", "webhook"]),
    help="The destination, configured in --config.",
)
@click.option(
    "--config",
    "config_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    metavar="PATH",
    help="TOML file with the [sinks.*] tables (secrets come from the environment).",
)
@click.option(
    "--state",
    "state_url",
    default="sqlite:///leadrules-sync.db",
    show_default=True,
    metavar="URL",
    help="Where the values each destination confirmed are kept (sqlite:/// or postgresql://).",
)
@click.option("--dry-run", is_flag=True, help="Print the plan and a sample payload; send nothing.")
def command(
    file, leads_path, events_path, options, as_of, engine, to, config_path, state_url, dry_run
):
    """Push the leads whose score, groups or tier changed to HubSpot, smoove or a webhook.

    Scores every lead of --leads, compares with the values the destination last confirmed
    (kept in --state), sends only the changed leads and records each confirmation. An
    interrupted sync resumes: a confirmed lead is never sent again. Exit 1 when some lead
    still failed after retries.
    """
    from leadrules.sinks.config import ConfigError, load_config

    model = load_or_exit(file)
    try:
        config = load_config(config_path)
        if getattr(config, to, None) is None and to != "webhook":
            raise ConfigError(f"{config_path}: no [sinks.{to}] table (needed by --to {to})")
        if to == "webhook" and not config.webhook.url:
            raise ConfigError(f"{config_path}: [sinks.webhook] needs a url for --to webhook")
        contacts_attr = _id_attribute(model, config, to)
    except ConfigError as e:
        fail(str(e))
    when = parse_as_of(as_of)
    results = run_engine(model, leads_path, events_path, when, resolve_engine(engine), options)
    contacts = _contacts(model, leads_path, options, contacts_attr) if contacts_attr else None
    _sync(model, config, to, results, contacts, state_url, dry_run)


def _id_attribute(model, config, to: str) -> str | None:
    from leadrules.sinks.config import ConfigError

    if to == "webhook":
        return None
    cfg = getattr(config, to)
    attr = cfg.id_attribute
    if attr is not None and model.attribute(attr) is None:
        raise ConfigError(
            f"{config.path}: [sinks.{to}] id_attribute = {attr!r} is not a lead attribute of "
            f"the model (declare `lead {attr}: text`)"
        )
    if to == "smoove":
        from leadrules.sinks.updates import Mapper

        missing = Mapper(model, config).smoove_missing_ids()
        if missing:
            raise ConfigError(
                f"{config.path}: [sinks.smoove] field_ids has no id for "
                + ", ".join(f"`{m}`" for m in missing)
                + " (the custom field ids in smoove)"
            )
    return attr


def _contacts(model, leads_path: str, options, attr: str) -> dict[str, object]:
    """Lead id -> the id attribute's value, reading only those two columns (the engine has
    already read and checked the whole file)."""
    from leadrules.data import DataError
    from leadrules.data.leads import declaration, require
    from leadrules.data.sources import BadRow, open_table
    from leadrules.data.values import CONVERTERS, to_text

    a = model.attribute(attr)
    convert = CONVERTERS[a.type]
    out: dict[str, object] = {}
    try:
        table = open_table(leads_path, [options.lead_key, a.column])
        try:
            key = require(table, options.lead_key, "the lead key")
            col = require(table, a.column, declaration(a))
            for _, row in table.rows():
                if type(row) is BadRow:
                    continue
                try:
                    lead, value = to_text(row[key]), convert(row[col])
                except ValueError:
                    continue
                if lead is not None:
                    out.setdefault(lead, value)
        finally:
            table.close()
    except DataError as e:
        fail(str(e))
    return out


def _sync(model, config, to, results, contacts, state_url, dry_run) -> None:
    from leadrules.sinks import build_sink
    from leadrules.sinks.config import ConfigError
    from leadrules.sinks.state import SyncState
    from leadrules.sinks.sync import destination, plan, push

    try:
        state = SyncState(state_url)
    except ConfigError as e:
        fail(str(e))
    try:
        dest = destination(to, config)
        p = plan(model, config, to, results, contacts, state.load(dest), dest)
        echo = _echo
        echo(
            f"sync to {to}: {p.leads} leads, {p.changed} changed "
            f"({p.new} new, {p.changed - p.new} updated), {p.leads - p.changed} unchanged"
        )
        if dry_run:
            if p.changes:
                echo("sample payload:")
                sample = p.update(p.changes[0][0]).to_json()
                echo(json.dumps(sample, indent=2, ensure_ascii=False))
            echo("dry run: nothing sent")
            return
        if not p.changes:
            echo("nothing to send")
            return
        try:
            sink = build_sink(config, to)
        except ConfigError as e:
            fail(str(e))
        chunk = _chunk(config, to)
        bar = _progress()
        try:
            report = push(p, sink, state, config, chunk, progress=bar)
        finally:
            if bar is not None:
                bar.done()
            sink.close()
    finally:
        state.close()
    echo(
        f"sent {report.sent}, confirmed {report.confirmed}, failed {len(report.failed)} "
        f"({report.requests} requests)"
    )
    if report.failed:
        for lead, reason in list(report.failed.items())[:SHOWN_FAILURES]:
            click.echo(f"  failed: lead {lead}: {reason}", err=True)
        if len(report.failed) > SHOWN_FAILURES:
            click.echo(f"  ... and {len(report.failed) - SHOWN_FAILURES} more", err=True)
        raise click.exceptions.Exit(1)


def _echo(text: str) -> None:
    click.echo(text)


def _chunk(config, to: str) -> int:
    if to == "hubspot":
        return config.hubspot.batch_size * max(1, config.hubspot.concurrency)
    if to == "smoove":
        return 10 * max(1, config.smoove.concurrency)
    return config.webhook.batch_size


def _progress():
    """A progress bar on stderr when it is a terminal."""
    if not sys.stderr.isatty():
        return None
    shown = {"p": -1}

    def show(done: int, total: int) -> None:
        percent = done * 100 // max(total, 1)
        if percent != shown["p"]:
            shown["p"] = percent
            bar = "#" * (percent // 5) + "." * (20 - percent // 5)
            sys.stderr.write(f"\rsync [{bar}] {percent:3d}% {done}/{total}")
            sys.stderr.flush()

    def done() -> None:
        if shown["p"] >= 0:
            sys.stderr.write("\n")

    show.done = done
    return show
