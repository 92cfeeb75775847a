"""Request bodies checked against the model's declarations, with the file readers' typing
(`leadrules.data.values`: one implementation for files and the API).

Every problem is collected, with the item's index and the field, so that a 422 lists them all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from leadrules import model as m
from leadrules.data.values import CONVERTERS, show, to_text, to_time

EVENT_FIELDS = frozenset({"id", "lead_id", "event", "occurred_at", "properties"})


@dataclass
class Problem:
    index: int | None
    field: str
    detail: str

    def to_json(self) -> dict:
        out: dict = {"field": self.field, "detail": self.detail}
        if self.index is not None:
            out = {"index": self.index, **out}
        return out


class Invalid(Exception):
    """The request has problems; nothing was stored."""

    def __init__(self, problems: list[Problem], title: str = "invalid request"):
        super().__init__(title)
        self.problems = problems
        self.title = title


@dataclass
class EventIn:
    """A valid event: `kind` indexes `model.events`, None for an undeclared type."""

    index: int
    id: str | None
    lead_id: str
    event: str
    kind: int | None
    occurred_at: dt.datetime
    properties: dict


def event_index(model: m.Model) -> dict[str, int]:
    """Event names as data may give them: the source name or the declared name."""
    index = {e.name: i for i, e in enumerate(model.events)}
    index.update({e.source: i for i, e in enumerate(model.events)})
    return index


def events(model: m.Model, items: list, now: dt.datetime, index=None) -> list[EventIn]:
    """Check event objects; raises `Invalid` listing every problem."""
    index = index if index is not None else event_index(model)
    checks = [tuple((p.name, CONVERTERS[p.type]) for p in e.props) for e in model.events]
    problems: list[Problem] = []
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append(Problem(i, "", "expected a JSON object"))
            continue
        before = len(problems)
        if not item.keys() <= EVENT_FIELDS:
            for name in sorted(set(item) - EVENT_FIELDS):
                allowed = ", ".join(sorted(EVENT_FIELDS))
                problems.append(Problem(i, name, f"unknown field (allowed: {allowed})"))
        event_id = item.get("id")
        if event_id is not None and (type(event_id) is not str or not event_id):
            event_id = _text(problems, i, "id", event_id)
        lead_id = item.get("lead_id")
        if type(lead_id) is not str or not lead_id:
            lead_id = _text(problems, i, "lead_id", lead_id, required=True)
        name = item.get("event")
        if name is None or name == "":
            problems.append(Problem(i, "event", "missing: the event type is required"))
        elif not isinstance(name, str):
            problems.append(Problem(i, "event", f"expected text, got {show(name)}"))
            name = None
        occurred_at = now
        if item.get("occurred_at") is not None:
            raw = item["occurred_at"]
            try:
                parsed = to_time(raw) if isinstance(raw, str) else None
                if parsed is None:
                    raise ValueError("expected an ISO-8601 timestamp")
                occurred_at = parsed.astimezone(dt.timezone.utc)
            except (ValueError, OverflowError) as e:
                problems.append(Problem(i, "occurred_at", f"{e}: {show(raw)}"))
        props = item.get("properties")
        if props is None:
            props = {}
        elif not isinstance(props, dict):
            problems.append(Problem(i, "properties", "expected a JSON object"))
            props = {}
        kind = index.get(name) if isinstance(name, str) else None
        if kind is not None:
            for prop, convert in checks[kind]:
                try:
                    convert(props.get(prop))
                except ValueError as e:
                    where = f"properties.{prop}"
                    problems.append(Problem(i, where, f"{e}: {show(props.get(prop))}"))
        if len(problems) == before:
            out.append(EventIn(i, event_id, lead_id, name, kind, occurred_at, props))
    if problems:
        raise Invalid(problems, "invalid events: nothing was stored")
    return out


def attributes(model: m.Model, values: object, field: str = "attributes") -> dict:
    """`{"name": value}` for declared attributes (by name or `from` column); `null` kept (it
    removes the value). Raises `Invalid` for unknown names or wrong types."""
    if not isinstance(values, dict):
        raise Invalid([Problem(None, field, "expected a JSON object")])
    by_name = {a.name: a for a in model.attributes}
    by_name.update({a.column: a for a in model.attributes if a.column not in by_name})
    problems, out = [], {}
    for key, value in values.items():
        attr = by_name.get(key)
        if attr is None:
            declared = ", ".join(a.name for a in model.attributes) or "none"
            problems.append(
                Problem(
                    None, f"{field}.{key}", f"not a declared lead attribute (declared: {declared})"
                )
            )
            continue
        try:
            CONVERTERS[attr.type](value)
        except ValueError as e:
            problems.append(Problem(None, f"{field}.{key}", f"{e}: {show(value)}"))
            continue
        out[attr.name] = value
    if problems:
        raise Invalid(problems, "invalid attributes: nothing was stored")
    return out


def known_attributes(model: m.Model, traits: object) -> dict:
    """The declared attributes among Segment traits or CRM properties (others ignored)."""
    if not isinstance(traits, dict):
        return {}
    names = {a.name for a in model.attributes} | {a.column for a in model.attributes}
    return {k: v for k, v in traits.items() if k in names}


def lead_id(raw: object, field: str = "lead_id") -> str:
    problems: list[Problem] = []
    value = _text(problems, None, field, raw, required=True)
    if problems:
        raise Invalid(problems)
    return value


def _text(problems, index, field, raw, required=False):
    try:
        value = to_text(raw)
    except ValueError as e:
        problems.append(Problem(index, field, f"{e}: {show(raw)}"))
        return None
    if value is None and required:
        problems.append(Problem(index, field, "missing: a non-empty text or number is required"))
    return value
