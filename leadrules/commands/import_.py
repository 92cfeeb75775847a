"""`leadrules import RULES --db URL --leads PATH --events PATH`: files into a serve store."""

from __future__ import annotations

import click

from leadrules.commands.common import check_or_exit, fail
from leadrules.commands.engine_options import data_options


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--db",
    "db_url",
    default="sqlite:///leadrules.db",
    show_default=True,
    metavar="URL",
    help="The store: sqlite:///PATH or postgresql://...",
)
@click.option(
    "--id-column",
    metavar="COLUMN",
    help="The events file's column of event ids: each event is stored once by its id (the "
    "`id` of the API). Default: events are keyed by their content.",
)
@data_options
def command(file, db_url, id_column, leads_path, events_path, options):
    """Load leads and events files (read as `leadrules score` reads them) into the store of
    `leadrules serve`, idempotently, then rescore the leads they touched."""
    from leadrules.data import DataError
    from leadrules.serve.importer import import_files
    from leadrules.serve.service import Service
    from leadrules.store import StoreError, open_store

    result = check_or_exit(file)
    try:
        store = open_store(db_url)
    except StoreError as e:
        fail(str(e))
    service = Service(store, result.model, result.sources)
    try:
        counts = import_files(
            service,
            leads_path,
            events_path,
            options,
            lambda m: click.echo(m, err=True),
            id_column=id_column,
        )
    except DataError as e:
        fail(str(e))
    finally:
        store.close()
    click.echo(
        f"imported {counts.get('leads', 0)} leads, {counts.get('events', 0)} new events "
        f"({counts.get('duplicates', 0)} already stored, {counts.get('ignored', 0)} of undeclared "
        f"types); rescored {counts.get('rescored', 0)} leads",
        err=True,
    )
