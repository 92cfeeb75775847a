"""`leadrules outbox list|retry --db URL`: the deliveries of a `serve` store."""

from __future__ import annotations

import json
import os

import click

from leadrules.commands.common import fail

DB_OPTION = click.option(
    "--db",
    "db",
    default="sqlite:///leadrules.db",
    show_default=True,
    metavar="URL",
    help="The serve store: sqlite:///PATH or postgresql://...",
)


def _open(url: str):
    """The serve store at `url` (an error, not a new empty file, when a SQLite file is missing)."""
    if url.startswith("sqlite://"):
        path = url[len("sqlite://") :]
        path = path[1:] if path.startswith("/") else path
        if path and not os.path.exists(path):
            fail(f"no store at {path} (the --db of `leadrules serve`)")
    try:
        from leadrules.store import StoreError, open_store
    except ImportError:
        fail("the serve store is not part of this build of leadrules")
    try:
        return open_store(url)
    except StoreError as e:
        fail(str(e))


@click.group("outbox")
def command():
    """List and re-queue the deliveries of a `leadrules serve` store.

    Every tier action and CRM update `serve` sends goes through its outbox: pending until the
    destination confirms it, delivered, or dead after its last attempt failed.
    """


@command.command("list")
@DB_OPTION
@click.option(
    "--status",
    type=click.Choice(["pending", "delivered", "dead"]),
    default=None,
    help="Only the deliveries in this state (default: all).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="A table for people, or one JSON object a line.",
)
def list_(db, status, fmt):
    """List deliveries, oldest first, with their attempts and last error."""
    store = _open(db)
    try:
        rows = store.list_outbox(status)
    finally:
        store.close()
    if fmt == "json":
        for r in rows:
            click.echo(json.dumps(_plain(r), ensure_ascii=False, sort_keys=True))
        return
    if not rows:
        click.echo("no deliveries" + (f" {status}" if status else ""))
        return
    click.echo(f"{'id':>6}  {'status':<9}  {'sink':<8}  {'kind':<10}  {'lead':<12}  att  error")
    for r in rows:
        error = (r.get("last_error") or "").replace("\n", " ")
        error = error if len(error) <= 60 else error[:57] + "..."
        click.echo(
            f"{r['id']:>6}  {r['status']:<9}  {r['sink']:<8}  {r['kind']:<10}  "
            f"{str(r['lead_id']):<12}  {r['attempts']:>3}  {error}"
        )
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    click.echo(", ".join(f"{n} {s}" for s, n in sorted(counts.items())))


@command.command("retry")
@DB_OPTION
@click.argument("ids", nargs=-1, type=int)
@click.option("--all-dead", is_flag=True, help="Re-queue every dead delivery.")
def retry(db, ids, all_dead):
    """Re-queue deliveries (dead ones, by id, or --all-dead): pending again, due now, attempts
    reset. A running `serve` sends them at once."""
    if not ids and not all_dead:
        raise click.UsageError("name the deliveries to retry (IDS) or pass --all-dead")
    store = _open(db)
    try:
        chosen = list(ids)
        if all_dead:
            chosen += [r["id"] for r in store.list_outbox("dead") if r["id"] not in chosen]
        known = {r["id"]: r for r in store.list_outbox()}
        unknown = [i for i in chosen if i not in known]
        done = [i for i in chosen if i in known and known[i]["status"] == "delivered"]
        todo = [i for i in chosen if i in known and known[i]["status"] != "delivered"]
        n = store.requeue(todo) if todo else 0
    finally:
        store.close()
    for i in unknown:
        click.echo(f"warning: no delivery {i}", err=True)
    for i in done:
        click.echo(f"note: delivery {i} was delivered already; not sent again", err=True)
    click.echo(f"re-queued {n} deliver{'y' if n == 1 else 'ies'}")
    if unknown:
        raise click.exceptions.Exit(1)


def _plain(row: dict) -> dict:
    out = {}
    for k, v in row.items():
        if hasattr(v, "isoformat"):
            v = v.isoformat().replace("+00:00", "Z")
        out[k] = v
    return out
