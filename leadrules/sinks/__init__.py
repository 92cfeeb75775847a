"""Delivery: scores, tiers and tier actions reaching HubSpot, smoove and webhooks.

- `config`: the `[sinks.*]`, `[actions]` and `[delivery]` tables of the TOML config;
- `updates`: a lead's state, mapped to each sink's own terms (the property names of
  `leadrules compile --target hubspot`, smoove's field ids, a webhook body);
- `hubspot`, `smoove`, `webhook`: one sink each, all with `send(updates) -> outcomes`;
- `actions`: who runs each action kind, and the outbox rows a lead's change produces (`serve`);
- `worker`: delivers the outbox of a `serve` store, with retries and a dead-letter state;
- `state` and `sync`: `leadrules sync`, the diff push from files.
"""

from __future__ import annotations

import threading

from leadrules.sinks.config import ConfigError, DeliveryConfig

SINKS = ("hubspot", "smoove", "webhook")


def build_sink(config: DeliveryConfig, name: str, stop: threading.Event | None = None):
    """The sink `name` as the config describes it; ConfigError when it is not configured or its
    secret's environment variable is not set."""
    if name == "hubspot":
        if config.hubspot is None:
            raise ConfigError(f"{config.path}: no [sinks.hubspot] table")
        from leadrules.sinks.hubspot import HubSpotSink

        token = config.secret(config.hubspot.token_env, "[sinks.hubspot]")
        return HubSpotSink(config.hubspot, token, stop)
    if name == "smoove":
        if config.smoove is None:
            raise ConfigError(f"{config.path}: no [sinks.smoove] table")
        from leadrules.sinks.smoove import SmooveSink

        token = config.secret(config.smoove.token_env, "[sinks.smoove]")
        return SmooveSink(config.smoove, token, stop)
    if name == "webhook":
        from leadrules.sinks.webhook import WebhookSink

        cfg = config.webhook
        secret = config.secret(cfg.secret_env, "signing webhooks ([sinks.webhook] secret_env)")
        return WebhookSink(secret, cfg.url, cfg.timeout, stop, cfg.batch_size)
    raise ConfigError(f"unknown sink {name!r} (known: {', '.join(SINKS)})")


def action_runners(model, config) -> dict[str, str | None]:
    """For `serve` (leadrules/serve/actions.py): kind -> `crm` (the CRM's own workflows), the
    sink that delivers it (`hubspot`, `smoove`, `webhook`), `outbox` (delays: serve writes the
    later actions due later), or None when nobody runs it."""
    from leadrules.sinks.actions import serve_runners
    from leadrules.sinks.config import as_delivery_config

    return serve_runners(model, as_delivery_config(config))


def check_runners(model, config) -> tuple[list[str], list[str]]:
    """For `serve` at start: (one line per action kind saying who runs it, the errors: a kind
    nobody runs, or a delivery config that cannot be used)."""
    from leadrules.sinks.actions import resolve
    from leadrules.sinks.config import as_delivery_config

    try:
        cfg = as_delivery_config(config)
        runners, problems = resolve(model, cfg)
    except ConfigError as e:
        return [], [str(e)]
    errors = [p for _, p in problems]
    if cfg.smoove is not None:
        from leadrules.sinks.updates import Mapper

        missing = Mapper(model, cfg).smoove_missing_ids()
        if missing:
            names = ", ".join(f"`{m}`" for m in missing)
            errors.append(f"[sinks.smoove] field_ids has no id for {names}")
    return [f"{r.kind}: {r.text}" for r in runners], errors
