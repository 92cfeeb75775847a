"""A model in service: the checked Model, its live plan (built once), who runs its actions, and
the typing of stored values for it.

Stored attributes and event properties are JSON as validated when they arrived; they are typed
again for the model in service by the file readers' converters (`leadrules.data.values`), so that
a value the current model types differently than the one it was validated under counts as
missing, exactly as a file reader would have it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from leadrules import model as m
from leadrules.data.values import CONVERTERS
from leadrules.engine.live import LivePlan
from leadrules.serve import actions, validate
from leadrules.serve.config import Config


@dataclass
class Loaded:
    model: m.Model
    text_hash: str
    live: LivePlan
    index: dict[str, int]  # event name (declared or source) -> event type index
    runners: dict[str, str | None]

    @classmethod
    def of(cls, model: m.Model, sources: dict[str, str], config: Config) -> Loaded:
        digest = hashlib.sha256()
        for path in sorted(sources):
            digest.update(sources[path].encode("utf-8"))
        return cls(
            model,
            digest.hexdigest()[:16],
            LivePlan(model),
            validate.event_index(model),
            actions.runners(model, config),
        )

    def __post_init__(self) -> None:
        model = self.model
        self._attributes = tuple((a.name, CONVERTERS[a.type]) for a in model.attributes)
        self._props = tuple(
            tuple((p.name, CONVERTERS[p.type]) for p in e.props) for e in model.events
        )

    def values(self, attributes: dict) -> tuple:
        """A lead's stored attributes as typed values, in model order."""
        return tuple(_typed(convert, attributes.get(name)) for name, convert in self._attributes)

    def events(self, stored) -> list[tuple]:
        """Stored events `(name, occurred_at, properties)` as the plan takes them: `(type index,
        occurred_at, typed properties)`; events of types the model does not declare are left
        out."""
        index, props = self.index, self._props
        out = []
        for name, at, raw in stored:
            kind = index.get(name)
            if kind is not None:
                typed = tuple(_typed(convert, raw.get(p)) for p, convert in props[kind])
                out.append((kind, at, typed))
        return out


def _typed(convert, raw):
    try:
        return convert(raw)
    except ValueError:
        return None
