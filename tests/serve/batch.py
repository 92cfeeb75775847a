"""What `leadrules score` says over a store's data: the leads and events exported to JSON Lines
files, scored by the reference interpreter at a given as-of (the exactness oracle)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import leadrules
from leadrules.engine import DataOptions, run
from leadrules.store import open_store


def export(model, db_url: str, folder: Path) -> tuple[Path, Path]:
    store = open_store(db_url)
    try:
        with store.transaction() as tx:
            leads = tx.leads_page(None, None, 10**9)
            events = list(tx.all_events())
    finally:
        store.close()
    leads_path, events_path = folder / "leads.jsonl", folder / "events.jsonl"
    with leads_path.open("w", encoding="utf-8") as f:
        for lead in leads:
            row = {"lead_id": lead["lead_id"]}
            for a in model.attributes:
                row[a.column] = lead["attributes"].get(a.name)
            f.write(json.dumps(row) + "\n")
    with events_path.open("w", encoding="utf-8") as f:
        for _eid, lead_id, event, at, props in events:
            row = {
                "lead_id": lead_id,
                "event": event,
                "occurred_at": at.isoformat(),
                "properties": props,
            }
            f.write(json.dumps(row) + "\n")
    return leads_path, events_path


def batch_scores(rules: Path, db_url: str, as_of: dt.datetime | str, folder: Path) -> dict:
    model = leadrules.load(str(rules))
    if isinstance(as_of, str):
        as_of = dt.datetime.fromisoformat(as_of.replace("Z", "+00:00"))
    leads, events = export(model, db_url, folder)
    results = run(
        model,
        str(leads),
        str(events),
        as_of,
        "python",
        DataOptions(properties_column="properties"),
    )
    return {r.lead_id: (r.score, r.tier, dict(r.groups)) for r in results}


def events_by_id(db_url: str) -> list:
    store = open_store(db_url)
    try:
        with store.transaction() as tx:
            return list(tx.all_events())
    finally:
        store.close()
