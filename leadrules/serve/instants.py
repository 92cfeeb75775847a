"""The service's instants: the real clock to the millisecond, and ISO-8601 text in UTC.

Every instant the service reports is in milliseconds, the precision of the `as_of` it answers
with; a `clock` (a function returning an aware datetime) is injectable for tests.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

UTC = dt.timezone.utc


def now_ms() -> dt.datetime:
    now = dt.datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


@lru_cache(maxsize=256)  # a batch's leads share their instant: strftime once for all of them
def iso(when: dt.datetime | None) -> str | None:
    if when is None:
        return None
    when = when.astimezone(UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
