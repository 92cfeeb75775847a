"""Instants as the store keeps them: integer microseconds since the Unix epoch (UTC), exact,
ordered and the same in both backends."""

from __future__ import annotations

import datetime as dt

UTC = dt.timezone.utc
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)


def to_us(when: dt.datetime) -> int:
    """An aware datetime as integer microseconds since the epoch (exact)."""
    delta = when - _EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_us(us: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(microseconds=us)
