"""The delivery part of the TOML config (`serve --config`, `sync --config`): the sink tables,
who runs each action kind, and the retry policy. Secrets are named by environment variable and
read only when a sink is built, never stored in the file.

```toml
[sinks.hubspot]
token_env = "HUBSPOT_TOKEN"
base_url = "https://api.hubapi.com"
id_property = "email"        # the contact property used as id ("hs_object_id": record ids)
id_attribute = "email"       # the lead attribute holding that value (default: the lead key)
requests_per_10s = 100       # the account's burst limit (HubSpot: 100 or 190 by plan)
requests_per_day = 250000
concurrency = 8

[sinks.smoove]
token_env = "SMOOVE_API_KEY"
base_url = "https://rest.smoove.io/v1"
id_attribute = "email"
field_ids = { "Lead Score" = "101", "Fit Score" = "102", tier = "103", previous_tier = "104" }
tier_lists = { SQL = 5551 }  # subscribe a contact to a list when it enters a tier

[sinks.webhook]
secret_env = "LEADRULES_WEBHOOK_SECRET"
url = "https://example.com/hooks/scores"   # `sync --to webhook` only

[actions]
notify = "hubspot-workflows"
task = "hubspot-workflows"

[delivery]
max_attempts = 8
```
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import tomllib


class ConfigError(Exception):
    """A config file that cannot be used: the message names the file, table and key."""


@dataclass(frozen=True)
class HubSpotConfig:
    token_env: str = "HUBSPOT_TOKEN"
    base_url: str = "https://api.hubapi.com"
    id_property: str = "email"
    id_attribute: str | None = None
    requests_per_10s: int = 100
    requests_per_day: int = 250_000
    concurrency: int = 8
    batch_size: int = 100
    timeout: float = 30.0
    client_secret_env: str = "HUBSPOT_CLIENT_SECRET"  # serve: verifying HubSpot's webhooks


@dataclass(frozen=True)
class SmooveConfig:
    token_env: str = "SMOOVE_API_KEY"
    base_url: str = "https://rest.smoove.io/v1"
    id_attribute: str | None = "email"
    field_ids: dict[str, str] = field(default_factory=dict)
    tier_lists: dict[str, int] = field(default_factory=dict)
    requests_per_second: int = 5
    concurrency: int = 4
    timeout: float = 30.0


@dataclass(frozen=True)
class WebhookConfig:
    secret_env: str = "LEADRULES_WEBHOOK_SECRET"
    url: str | None = None
    batch_size: int = 100
    timeout: float = 10.0


@dataclass(frozen=True)
class DeliveryConfig:
    """The sinks, who runs each action kind, and the retry policy."""

    hubspot: HubSpotConfig | None = None
    smoove: SmooveConfig | None = None
    webhook: WebhookConfig = WebhookConfig()
    actions: dict[str, str] = field(default_factory=dict)  # action kind -> runner
    max_attempts: int = 8
    backoff_base: float = 1.0  # seconds before the first retry
    backoff_max: float = 600.0
    path: str = "<config>"

    @property
    def crm(self) -> str | None:
        """The CRM that `set` actions update: hubspot when configured, else smoove, else None."""
        if self.hubspot is not None:
            return "hubspot"
        if self.smoove is not None:
            return "smoove"
        return None

    def secret(self, env: str, what: str) -> str:
        value = os.environ.get(env)
        if not value:
            raise ConfigError(
                f"{self.path}: {what} needs the environment variable {env} (it is not set)"
            )
        return value


_FIELDS = {
    "hubspot": HubSpotConfig,
    "smoove": SmooveConfig,
    "webhook": WebhookConfig,
}


def load_config(path: str | None) -> DeliveryConfig:
    """The delivery config of a TOML file (None: no sinks, defaults everywhere)."""
    if path is None:
        return DeliveryConfig()
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except OSError as e:
        raise ConfigError(f"cannot read {path}: {e.strerror}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None
    return parse_config(data, path)


def parse_config(data: dict, path: str = "<config>") -> DeliveryConfig:
    """The delivery config of an already parsed TOML document (other tables are ignored)."""
    sinks = data.get("sinks", {})
    if not isinstance(sinks, dict):
        raise ConfigError(f"{path}: [sinks] must be a table")
    built: dict[str, object] = {}
    for name, table in sinks.items():
        if name not in _FIELDS:
            known = ", ".join(sorted(_FIELDS))
            raise ConfigError(f"{path}: unknown sink [sinks.{name}] (known: {known})")
        built[name] = _table(_FIELDS[name], table, f"sinks.{name}", path)
    actions = data.get("actions", {})
    if not isinstance(actions, dict) or not all(isinstance(v, str) for v in actions.values()):
        raise ConfigError(f'{path}: [actions] maps an action kind to a runner, e.g. notify = "..."')
    delivery = data.get("delivery", {})
    policy = {}
    for key in ("max_attempts", "backoff_base", "backoff_max"):
        if key in delivery:
            value = delivery[key]
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
                raise ConfigError(f"{path}: [delivery] {key} must be a positive number")
            policy[key] = int(value) if key == "max_attempts" else float(value)
    unknown = set(delivery) - {"max_attempts", "backoff_base", "backoff_max"}
    if unknown:
        raise ConfigError(f"{path}: unknown key [delivery] {sorted(unknown)[0]}")
    return DeliveryConfig(
        hubspot=built.get("hubspot"),
        smoove=built.get("smoove"),
        webhook=built.get("webhook", WebhookConfig()),
        actions=dict(actions),
        path=path,
        **policy,
    )


def _table(cls, table: object, where: str, path: str):
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [{where}] must be a table")
    fields = cls.__dataclass_fields__
    values = {}
    for key, value in table.items():
        if key not in fields:
            known = ", ".join(fields)
            raise ConfigError(f"{path}: unknown key `{key}` in [{where}] (known: {known})")
        default = fields[key].default
        kind = type(default) if default is not None and not callable(default) else None
        if isinstance(default, (int, float)) and not isinstance(default, bool):
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
                raise ConfigError(f"{path}: [{where}] {key} must be a positive number")
            value = type(default)(value)
        elif kind is str and not isinstance(value, str):
            raise ConfigError(f"{path}: [{where}] {key} must be a string")
        elif key in ("field_ids", "tier_lists"):
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: [{where}] {key} must be a table")
            value = {str(k): (str(v) if key == "field_ids" else int(v)) for k, v in value.items()}
        values[key] = value
    if "base_url" in values:
        values["base_url"] = values["base_url"].rstrip("/")
    return cls(**values)


def as_delivery_config(config) -> DeliveryConfig:
    """A DeliveryConfig from what a caller holds: one already, a parsed TOML dict, or `serve`'s
    Config (its `raw` document)."""
    if isinstance(config, DeliveryConfig):
        return config
    if isinstance(config, dict):
        return parse_config(config)
    raw = getattr(config, "raw", None)
    path = getattr(config, "path", None) or "<config>"
    if isinstance(raw, dict) and raw:
        return parse_config(raw, path)
    if hasattr(config, "sinks"):  # serve's Config built in code: its tables only
        data = {"sinks": getattr(config, "sinks", {}), "actions": getattr(config, "actions", {})}
        return parse_config(data, path)
    if config is None:
        return DeliveryConfig()
    raise TypeError(f"not a delivery config: {type(config).__name__}")
