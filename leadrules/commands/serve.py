"""`leadrules serve RULES`: every lead's score kept live over HTTP (docs/serve.md)."""

from __future__ import annotations

import ipaddress
import socket

import click

from leadrules.commands.common import EXIT_USAGE, check_or_exit, fail


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        try:
            return all(
                ipaddress.ip_address(info[4][0]).is_loopback
                for info in socket.getaddrinfo(host, None)
            )
        except OSError:
            return False


@click.command("serve")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--db",
    "db_url",
    default="sqlite:///leadrules.db",
    show_default=True,
    metavar="URL",
    help="The store: sqlite:///PATH (embedded) or postgresql://... (shared by processes).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to bind.")
@click.option(
    "--port", default=8080, show_default=True, type=int, help="The port to bind (0: any free)."
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False),
    metavar="PATH",
    help="A TOML file: tokens, limits, sinks and who runs each action.",
)
@click.option(
    "--no-auth",
    is_flag=True,
    help="Serve without bearer tokens (allowed on a loopback host only).",
)
@click.option(
    "--fire-on-model-change",
    is_flag=True,
    help="Run `on enter`/`on exit` actions for transitions a model change causes.",
)
def command(file, db_url, host, port, config_path, no_auth, fire_on_model_change):
    """Keep every lead's score live over HTTP: ingest events and attributes, rescore each lead
    as they arrive and as time passes, record history and transitions, queue the model's
    actions for delivery. Stops cleanly on SIGTERM; SIGHUP reloads the rules file."""
    from leadrules.serve.config import ConfigError, load_config

    result = check_or_exit(file)
    try:
        config = load_config(config_path)
    except ConfigError as e:
        fail(str(e), EXIT_USAGE)
    if no_auth and not is_loopback(host):
        fail(f"--no-auth is allowed on a loopback host only, not {host}", EXIT_USAGE)
    if not config.tokens and not no_auth:
        fail(
            "no tokens: set LEADRULES_TOKENS (comma-separated) or `tokens` in the config, "
            "or pass --no-auth on a loopback host",
            EXIT_USAGE,
        )
    from leadrules.serve import actions

    lines, errors = actions.check_runners(result.model, config)
    for line in lines:
        click.echo(f"leadrules serve: action {line}", err=True)
    if errors:
        for e in errors:
            click.echo(f"error: {e}", err=True)
        raise click.exceptions.Exit(1)
    from leadrules.store import StoreError, open_store

    try:
        store = open_store(db_url)
    except StoreError as e:
        fail(str(e))
    from leadrules.serve.app import Api
    from leadrules.serve.dashboard import Dashboard
    from leadrules.serve.runner import Runtime, serve
    from leadrules.serve.service import Service

    service = Service(
        store, result.model, result.sources, config, fire_on_model_change=fire_on_model_change
    )
    runtime = Runtime(service, file)
    api = Api(service, config.tokens, no_auth, reload=runtime.reload)
    code = serve(runtime, api, Dashboard(service), host, port)
    store.close()
    raise click.exceptions.Exit(code)
