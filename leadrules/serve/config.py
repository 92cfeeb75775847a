"""The `--config` TOML file of `leadrules serve`.

    tokens_env = "LEADRULES_TOKENS"     # the variable holding comma-separated tokens (default)
    tokens = ["..."]                     # discouraged: tokens written in the file itself

    [limits]
    max_body_bytes = 4194304             # a bigger request is 413
    max_batch = 5000                     # events in one request; more is 413

    [actions]                            # who runs an action kind (see actions.py)
    notify = "hubspot"                   # a configured sink, or "crm" (the CRM's own workflow)

    [sinks.hubspot]                      # kept as a dict for the delivery worker
    token_env = "HUBSPOT_TOKEN"

Secrets are never read from the file: a table names the environment variable that holds them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import tomllib

DEFAULT_MAX_BODY = 4 * 1024 * 1024
DEFAULT_MAX_BATCH = 5000


class ConfigError(Exception):
    pass


@dataclass
class Config:
    tokens: tuple[str, ...] = ()
    max_body_bytes: int = DEFAULT_MAX_BODY
    max_batch: int = DEFAULT_MAX_BATCH
    sinks: dict[str, dict] = field(default_factory=dict)
    actions: dict[str, str] = field(default_factory=dict)
    hubspot_client_secret: str | None = None
    raw: dict = field(default_factory=dict)


def load_config(path: str | None, environ=None) -> Config:
    """Read the file (if any) and the environment; raises ConfigError with a message."""
    environ = os.environ if environ is None else environ
    raw: dict = {}
    if path is not None:
        try:
            with open(path, "rb") as f:
                raw = tomllib.load(f)
        except OSError as e:
            raise ConfigError(f"cannot read {path}: {e.strerror}") from None
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"{path}: {e}") from None
    tokens_env = raw.get("tokens_env", "LEADRULES_TOKENS")
    tokens = [t.strip() for t in environ.get(tokens_env, "").split(",") if t.strip()]
    listed = raw.get("tokens", [])
    if not isinstance(listed, list) or not all(isinstance(t, str) for t in listed):
        raise ConfigError(f"{path}: `tokens` must be a list of strings")
    tokens += [t for t in listed if t]
    limits = raw.get("limits", {})
    sinks = raw.get("sinks", {})
    actions = raw.get("actions", {})
    for name, value in (("limits", limits), ("sinks", sinks), ("actions", actions)):
        if not isinstance(value, dict):
            raise ConfigError(f"{path}: `{name}` must be a table")
    secret_env = raw.get("hubspot", {}).get("client_secret_env") or (
        sinks.get("hubspot", {}).get("client_secret_env")
    )
    secret = environ.get(secret_env or "HUBSPOT_CLIENT_SECRET") or None
    try:
        max_body = int(limits.get("max_body_bytes", DEFAULT_MAX_BODY))
        max_batch = int(limits.get("max_batch", DEFAULT_MAX_BATCH))
    except (TypeError, ValueError):
        raise ConfigError(f"{path}: `limits` values must be integers") from None
    return Config(
        tokens=tuple(dict.fromkeys(tokens)),
        max_body_bytes=max_body,
        max_batch=max_batch,
        sinks={k: dict(v) for k, v in sinks.items() if isinstance(v, dict)},
        actions={k: str(v) for k, v in actions.items()},
        hubspot_client_secret=secret,
        raw=raw,
    )
