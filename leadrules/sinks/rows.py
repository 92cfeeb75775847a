"""Outbox rows as sink updates. Two row shapes are delivered:

- the rows `leadrules.sinks.actions.deliveries` builds (kind `properties`: the sink's own
  update with its `contact`; sink `webhook`: `{"url", "body"}`);
- the rows `serve` writes itself (leadrules/serve/actions.py): kind `crm` with the lead's score,
  groups, tier and previous tier; kind = the action kind with `{"action": {"kind", "args"}}`
  for actions. Their contact id and model hash come from the store's lead.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

from leadrules.sinks.config import DeliveryConfig
from leadrules.sinks.http import Outcome
from leadrules.sinks.updates import LeadState, Mapper, Update, text_value

CRM = ("hubspot", "smoove")


def field(row, name: str):
    return row[name] if isinstance(row, dict) else getattr(row, name)


def row_update(
    row, config: DeliveryConfig, store=None, leads: dict | None = None
) -> Update | Outcome:
    """The row as an Update for its sink, or its outcome when there is nothing to send.
    `leads` caches the store's leads across the rows of one batch."""
    sink = field(row, "sink")
    kind = field(row, "kind")
    key = field(row, "idempotency_key")
    lead_id = str(field(row, "lead_id"))
    payload = field(row, "payload")
    if isinstance(payload, (str, bytes)):
        payload = json.loads(payload)
    if sink == "worker":
        return Outcome(True)  # a `delay`: nothing to send
    if sink in CRM and "contact" in payload:
        u = Update.from_json(sink, payload, key)
        return Update(sink, lead_id, u.contact, u.data, key)
    if sink == "webhook" and "url" in payload and "body" in payload:
        return Update("webhook", lead_id, None, dict(payload), key)
    if leads is None:
        leads = {}
    if lead_id not in leads:
        leads[lead_id] = _lead(store, lead_id)
    lead = leads[lead_id]
    if sink in CRM and kind == "crm":
        contact = _contact(config, sink, lead_id, lead)
        groups = dict(payload.get("groups") or {})
        state = LeadState(
            lead_id,
            payload["score"],
            groups,
            payload.get("tier"),
            payload.get("previous_tier"),
            previous_known=True,
            contact=contact,
        )
        u = Mapper(_groups_only(groups), config).update(sink, state)
        return Update(sink, lead_id, contact, u.data, key)
    action = payload.get("action") or {}
    args = list(action.get("args") or [])
    if sink in CRM and kind in ("notify", "task", "email", "sms"):
        # `[actions] task = "hubspot"`: the CRM's own workflows run it, enrolled by the tier
        # property the lead's `crm` row carries; nothing to send here
        return Outcome(True)
    if sink in CRM and kind == "set":
        contact = _contact(config, sink, lead_id, lead)
        prop, value = args[0], args[1]
        if sink == "hubspot":
            data = {"properties": {prop: text_value(value)}}
        else:
            ids = config.smoove.field_ids if config.smoove else {}
            if prop not in ids:
                return Outcome(False, f"[sinks.smoove] field_ids has no id for `{prop}`", False)
            data = {"customFields": {ids[prop]: text_value(value)}}
        return Update(sink, lead_id, contact, data, key)
    if sink == "webhook":
        if kind == "webhook":
            url = str(args[0])
        else:
            runner = config.actions.get(kind, "")
            if not runner.startswith("webhook:"):
                return Outcome(False, f"no webhook URL for `{kind}` actions in [actions]", False)
            url = runner[len("webhook:") :]
        body = _body(payload, key, lead_id, lead, kind)
        return Update("webhook", lead_id, None, {"url": url, "body": body}, key)
    return Outcome(
        False,
        f"the {sink} sink does not run `{kind}` actions; the CRM's own workflows do "
        f'([actions] {kind} = "{sink}-workflows")',
        False,
    )


def _groups_only(groups: dict):
    """What the property naming of the targets reads from a model: its groups' names."""
    return SimpleNamespace(
        groups=tuple(SimpleNamespace(name=g) for g in groups),
        automations=(),
        attribute=lambda name: None,
    )


def _lead(store, lead_id: str) -> dict | None:
    if store is None:
        return None
    lookup = getattr(store, "lead_for_delivery", None)
    if lookup is not None:
        return lookup(lead_id)
    transaction = getattr(store, "transaction", None)
    if transaction is None:
        return None
    with transaction() as tx:
        return tx.lead(lead_id)


def _contact(config: DeliveryConfig, sink: str, lead_id: str, lead: dict | None) -> str | None:
    attr = getattr(getattr(config, sink, None), "id_attribute", None)
    if attr is None:
        return lead_id
    value = ((lead or {}).get("attributes") or {}).get(attr)
    return None if value in (None, "") else str(value)


def _body(payload: dict, key: str, lead_id: str, lead: dict | None, kind: str) -> dict:
    on = payload.get("on", "enter")
    model = payload.get("model") or {"name": None, "hash": (lead or {}).get("model_hash")}
    body = {
        "id": key,
        "type": f"tier.{'entered' if on == 'enter' else 'exited'}",
        "lead_id": lead_id,
        "old_tier": payload.get("previous_tier"),
        "new_tier": payload.get("tier"),
        "score": payload.get("score"),
        "groups": payload.get("groups") or {},
        "rules": list(payload.get("rules") or []),
        "model": model,
        "cause": payload.get("cause"),
        "at": payload.get("at"),
    }
    if kind != "webhook":
        body["action"] = payload.get("action")
    return body
