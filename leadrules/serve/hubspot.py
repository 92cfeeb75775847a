"""HubSpot's webhooks, incoming: the v3 signature, and contact changes as lead attribute changes.

HubSpot POSTs a JSON array of events, each with `subscriptionType`, `objectId` (the contact's
record id), `occurredAt` (milliseconds) and, for a property change, `propertyName` (the
property's internal name) and `propertyValue` (text; "" when cleared). Deliveries may arrive
out of order and in any grouping; within one request they are applied in `occurredAt` order.

Contacts: `contact.creation` and `contact.propertyChange`, and their generic forms
`object.creation` / `object.propertyChange` with `objectTypeId` "0-1". Other subscription types
(deletions, merges, other objects) are ignored.

Properties: a property sets the attribute whose `crm "name"` is the property's internal name,
else the one whose `from "column"` (or name) is; others are ignored.

Identity, from `[sinks.hubspot]` (`id_property`, `id_attribute`) as for the outgoing sink:
- no `[sinks.hubspot]` table, or `id_property = "hs_object_id"`: the contact's record id is the
  lead key (or, with `id_attribute`, the value of that attribute: see below);
- otherwise (`id_property = "email"`, the default): the lead is the one the contact's
  `id_property` value names: the lead key itself, or with `id_attribute` the lead whose
  attribute holds that value (found by a scan of the leads, once per contact). Until HubSpot has
  sent that property for a contact, its changes are kept on the lead `hubspot:RECORD_ID`; when
  it arrives, that lead is merged into the identified one (as a Segment identify merges an
  anonymous lead: `hubspot:RECORD_ID` stays an alias of it). A contact stays linked to the lead
  it was first linked to.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from leadrules.serve import validate

RECORD_ID = "hs_object_id"
CONTACT_TYPES = {"contact.creation": "creation", "contact.propertyChange": "change"}
OBJECT_TYPES = {"object.creation": "creation", "object.propertyChange": "change"}
CONTACT_OBJECT = "0-1"


def signature(secret: str, method: str, uri: str, body: str, timestamp: str) -> str:
    """X-HubSpot-Signature-v3: base64 of HMAC-SHA256 over method + URI + body + timestamp."""
    message = f"{method}{uri}{body}{timestamp}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def contact_changes(model, events: list) -> tuple[dict[str, dict], dict[str, str]]:
    """The contacts' attribute changes `{record id: {attribute: value}}`, applied in
    `occurredAt` order (a contact created without properties gets `{}`), and every property
    value sent, `{record id: {property: value}}` (the last one sent of each), for identity."""
    by_property: dict[str, str] = {}
    for a in model.attributes:
        by_property.setdefault(a.column, a.name)
    for a in model.attributes:  # a declared `crm` name wins over a column of the same text
        if a.crm:
            by_property[a.crm] = a.name
    items = []
    for i, e in enumerate(events):
        if not isinstance(e, dict):
            raise validate.Invalid([validate.Problem(i, "", "expected a JSON object")])
        kind = CONTACT_TYPES.get(e.get("subscriptionType"))
        if kind is None and e.get("objectTypeId") == CONTACT_OBJECT:
            kind = OBJECT_TYPES.get(e.get("subscriptionType"))
        if kind is None:
            continue
        record = validate.lead_id(e.get("objectId"), f"[{i}].objectId")
        at = e.get("occurredAt")
        items.append((at if isinstance(at, int | float) else 0, i, kind, record, e))
    changes: dict[str, dict] = {}
    sent: dict[str, dict] = {}
    for _at, _i, kind, record, e in sorted(items, key=lambda x: (x[0], x[1])):
        change = changes.setdefault(record, {})
        if kind != "change" or not isinstance(e.get("propertyName"), str):
            continue
        value = e.get("propertyValue")
        value = None if value == "" else value
        sent.setdefault(record, {})[e["propertyName"]] = value
        name = by_property.get(e["propertyName"])
        if name is not None:
            change[name] = value
    return changes, sent


def apply(service, events: list) -> list[dict]:
    """Apply a webhook's contact changes; returns the changed leads as `GET` answers them."""
    model = service.model
    changes, sent = contact_changes(model, events)
    table = service.config.sinks.get("hubspot")
    id_property = RECORD_ID if table is None else table.get("id_property", "email")
    id_attribute = None if table is None else table.get("id_attribute")
    out = []
    for record, attrs in changes.items():
        if id_property == RECORD_ID:
            lead_id = _by_attribute(service, id_attribute, record) or record
        else:
            lead_id = f"hubspot:{record}"
            value = sent.get(record, {}).get(id_property)
            if value not in (None, "") and not _linked(service, lead_id):
                target = _by_attribute(service, id_attribute, value) or (
                    validate.lead_id(value, id_property) if id_attribute is None else None
                )
                if target is not None:
                    service.merge(lead_id, target)
        out.append(service.put_attributes(lead_id, attrs))
    return out


def _linked(service, lead_id: str) -> bool:
    with service.store.transaction() as tx:
        return tx.alias_of(lead_id) is not None


def _by_attribute(service, name: str | None, value) -> str | None:
    """The lead whose attribute `name` holds `value` (compared as text), if any."""
    if name is None:
        return None
    with service.store.transaction() as tx:
        return tx.lead_with_attribute(name, str(value))
