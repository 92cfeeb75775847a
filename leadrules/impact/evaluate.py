"""`leadrules evaluate`: a model's scores against what really happened.

`evaluate` is pure (results + outcomes in, an `Evaluation` out). For `--capacity`, the weekly
volume of a threshold is the number of leads at or above it divided by the weeks the data spans:
from the earliest event at or before as-of to as-of (at least one week), or `--weeks`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from leadrules.engine import LeadResult
from leadrules.impact import metrics
from leadrules.model import Model

WEEK = dt.timedelta(weeks=1)


@dataclass(frozen=True)
class Evaluation:
    model: str  # the model's display name
    items: tuple[metrics.Scored, ...]  # the scored leads that have an outcome, in key order
    without_outcome: int  # scored leads the outcomes file does not mention
    unknown_leads: int  # outcomes of leads the leads file does not have
    auc: float | None
    tiers: tuple[metrics.Bucket, ...]
    deciles: tuple[metrics.Bucket, ...]
    cuts: tuple[metrics.Cut, ...]
    missed: tuple[metrics.Scored, ...]
    capacity: metrics.Capacity | None

    @property
    def leads(self) -> int:
        return len(self.items)

    @property
    def converted(self) -> int:
        return sum(s.converted for s in self.items)

    @property
    def base_rate(self) -> float:
        return metrics.base_rate(self.items)


def join(
    results: Sequence[LeadResult], outcomes: Mapping[str, metrics.Outcome]
) -> list[metrics.Scored]:
    return [
        metrics.Scored(
            r.lead_id, r.score, r.tier, outcomes[r.lead_id].converted, outcomes[r.lead_id]
        )
        for r in results
        if r.lead_id in outcomes
    ]


def evaluate(
    model: Model,
    results: Sequence[LeadResult],
    outcomes: Mapping[str, metrics.Outcome],
    per_week: float | None = None,
    weeks: float | None = None,
    missed: int = 10,
) -> Evaluation:
    items = join(results, outcomes)
    scored = {r.lead_id for r in results}
    cap = None
    if per_week is not None and weeks:
        cap = metrics.capacity(items, per_week, weeks)
    return Evaluation(
        model=model.name,
        items=tuple(items),
        without_outcome=len(results) - len(items),
        unknown_leads=sum(1 for k in outcomes if k not in scored),
        auc=metrics.roc_auc([s.score for s in items], [s.converted for s in items]),
        tiers=tuple(metrics.by_tier(items, model.tier_names)),
        deciles=tuple(metrics.deciles(items)),
        cuts=tuple(
            metrics.cut(name, t, items) for name, t in metrics.tier_thresholds(model, items)
        ),
        missed=tuple(metrics.missed(items, missed)),
        capacity=cap,
    )


def weeks_between(start: dt.datetime | None, as_of: dt.datetime) -> float:
    if start is None or start >= as_of:
        return 1.0
    return max(1.0, (as_of - start) / WEEK)


def first_event(events_path: str, time_column: str, as_of: dt.datetime) -> dt.datetime | None:
    """The earliest event time at or before as-of (None when there is none or it cannot be read:
    the engine has already validated the file, so this only spans the data)."""
    import duckdb

    path = events_path.lower()
    if path.endswith(".parquet"):
        source = "read_parquet(?)"
    elif path.endswith((".jsonl", ".ndjson", ".json")):
        source = "read_json(?, format = 'newline_delimited')"
    else:
        source = "read_csv(?, all_varchar = true, header = true)"
    column = '"' + time_column.replace('"', '""') + '"'
    query = (
        f"SELECT min(t) FROM (SELECT TRY_CAST(CAST({column} AS VARCHAR) AS TIMESTAMPTZ) AS t "
        f"FROM {source}) WHERE t <= ?"
    )
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        row = con.execute(query, [events_path, as_of]).fetchone()
    except duckdb.Error:
        return None
    finally:
        con.close()
    found = row[0] if row else None
    if found is None:
        return None
    return found.astimezone(dt.timezone.utc)
