"""A lead's state as a destination receives it, and the per-sink update built from it.

`LeadState` is what `serve` (a transition) and `sync` (a scored lead) know about a lead;
`Update` is that state in one sink's own terms (HubSpot property names, smoove field ids, a
webhook body), ready for the outbox as JSON: the worker needs no model to deliver it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from leadrules.sinks.config import ConfigError, DeliveryConfig


@dataclass(frozen=True)
class LeadState:
    lead_id: str
    score: int
    groups: dict[str, int]
    tier: str | None
    previous_tier: str | None = None
    previous_known: bool = False  # False: the previous tier is unknown (a first sync): not sent
    contact: str | None = None  # the destination's id for the lead (an e-mail, a record id)
    sets: dict[str, object] = field(default_factory=dict)  # `set` actions: attribute -> value


@dataclass(frozen=True)
class Update:
    """One lead's update for one sink. `data` is the sink's own JSON; `key` the idempotency key."""

    sink: str
    lead_id: str
    contact: str | None
    data: dict
    key: str

    def to_json(self) -> dict:
        return {"lead_id": self.lead_id, "contact": self.contact, **self.data}

    @staticmethod
    def from_json(sink: str, payload: dict, key: str) -> Update:
        data = {k: v for k, v in payload.items() if k not in ("lead_id", "contact")}
        return Update(sink, str(payload.get("lead_id")), payload.get("contact"), data, key)


def delivery_key(*parts: object) -> str:
    """A stable idempotency key for one delivery (the same content gives the same key)."""
    text = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def text_value(value: object) -> str:
    """A value as CRM APIs take it: numbers and text as text, booleans as true/false, None as ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class Mapper:
    """Builds each sink's update from a LeadState, with the names `compile` gives."""

    def __init__(self, model, config: DeliveryConfig):
        self.model = model
        self.config = config
        self._hubspot_names = None
        self._smoove = None

    # ---- HubSpot -------------------------------------------------------------------------
    def hubspot_properties(self, s: LeadState) -> dict[str, str]:
        from leadrules.targets.hubspot.properties import names

        if self._hubspot_names is None:
            self._hubspot_names = names(self.model)
        n = self._hubspot_names
        props = {n.score: text_value(s.score)}
        for group, value in s.groups.items():
            props[n.groups[group]] = text_value(value)
        props[n.tier] = text_value(s.tier)
        if s.previous_known:
            props[n.previous_tier] = text_value(s.previous_tier)
        for attr, value in s.sets.items():
            props[self._column(attr)] = text_value(value)
        return props

    # ---- smoove --------------------------------------------------------------------------
    def smoove_fields(self, s: LeadState) -> dict:
        cfg = self.config.smoove
        ids = cfg.field_ids
        total, group_fields = self._smoove_names()
        fields: dict[str, object] = {ids[total["name"]]: s.score}
        for group, value in s.groups.items():
            name = group_fields[group]
            if name != total["name"]:
                fields[ids[name]] = value
        if "tier" in ids:
            fields[ids["tier"]] = text_value(s.tier)
        if "previous_tier" in ids and s.previous_known:
            fields[ids["previous_tier"]] = text_value(s.previous_tier)
        for attr, value in s.sets.items():
            fields[ids[self._column(attr)]] = text_value(value)
        out: dict = {"customFields": fields}
        lists = cfg.tier_lists
        if lists and s.tier != s.previous_tier:
            if s.tier in lists:
                out["lists_ToSubscribe"] = [lists[s.tier]]
            if s.previous_known and s.previous_tier in lists:
                out["lists_ToUnSubscribe"] = [lists[s.previous_tier]]
        return out

    def _smoove_names(self):
        from leadrules.targets.smoove.spec import fields

        if self._smoove is None:
            self._smoove = fields(self.model)
        return self._smoove

    def smoove_missing_ids(self) -> list[str]:
        """The smoove fields the config gives no id for (`field_ids`)."""
        total, group_fields = self._smoove_names()
        wanted = [total["name"], *(f for f in group_fields.values() if f != total["name"])]
        wanted += [self._column(a.args[0]) for a in _set_actions(self.model)]
        ids = self.config.smoove.field_ids
        return [w for w in dict.fromkeys(wanted) if w not in ids]

    # ---- webhook -------------------------------------------------------------------------
    def webhook_lead(self, s: LeadState) -> dict:
        out = {
            "lead_id": s.lead_id,
            "score": s.score,
            "groups": dict(s.groups),
            "tier": s.tier,
        }
        if s.previous_known:
            out["previous_tier"] = s.previous_tier
        return out

    # ---- any -----------------------------------------------------------------------------
    def update(self, sink: str, s: LeadState, *salt: object) -> Update:
        if sink == "hubspot":
            data = {"properties": self.hubspot_properties(s)}
        elif sink == "smoove":
            data = self.smoove_fields(s)
        elif sink == "webhook":
            data = {"lead": self.webhook_lead(s)}
        else:
            raise ConfigError(f"unknown sink {sink!r}")
        return Update(sink, s.lead_id, s.contact, data, delivery_key(sink, s.lead_id, data, *salt))

    def _column(self, attr: str) -> str:
        a = self.model.attribute(attr)
        return a.column if a else attr


def _set_actions(model):
    return [a for auto in model.automations for a in auto.actions if a.kind == "set"]
