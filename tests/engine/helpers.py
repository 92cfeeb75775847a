"""Helpers for the interpreter tests: a model from text, scoring by lead id."""

from __future__ import annotations

import datetime as dt

import leadrules
from leadrules.engine.python import score

AS_OF = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def ago(**delta) -> str:
    """An ISO timestamp `delta` before AS_OF (negative values: after it)."""
    return (AS_OF - dt.timedelta(**delta)).isoformat()


def load(text: str):
    return leadrules.load("test.lrules", text)


def scores(text: str, leads, events=(), as_of=AS_OF, notes=None):
    """Results by lead id."""
    model = load(text) if isinstance(text, str) else text
    results = score(model, leads, events, as_of, report=None if notes is None else notes.append)
    return {r.lead_id: r for r in results}
