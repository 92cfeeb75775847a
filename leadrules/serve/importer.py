"""`leadrules import`: leads and events files loaded into a serve store, then rescored.

The files are read by the same readers as `leadrules score` (same typing, same errors). Events
are keyed by an id column when one is named (`--id-column`: the same key as an event's `id` in
the API), else by their content (lead, type, time, properties) and their rank among identical
rows of the file, so that importing a file twice stores each row once and two identical rows stay
two events. Lead attributes are replaced by the file's values. Every lead the import touched is
then rescored (cause `event`), with its history, transitions and deliveries as for live events.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter

from leadrules.data import BadRows, EventReader, read_leads

CHUNK = 2000


def _json_value(value):
    return value.isoformat() if isinstance(value, dt.datetime) else value


def import_files(
    service, leads_path: str, events_path: str, options, report, id_column: str | None = None
) -> dict:
    """Returns counts: leads, events stored, duplicates, ignored (undeclared types). With
    `id_column`, each event is keyed by its id, as `id` keys an event posted to the API."""
    model = service.model
    bad = BadRows(skip=options.skip_bad_rows, report=report)
    leads = read_leads(model, leads_path, options.lead_key, bad)
    reader = EventReader(model, events_path, options, bad, id_column)
    now = service.now()
    touched: set[str] = set()
    counts = Counter()

    with service.store.transaction() as tx:
        for lead_id, values in leads.items():
            tx.ensure_lead(lead_id, now)
            attrs = {
                a.name: _json_value(v)
                for a, v in zip(model.attributes, values, strict=True)
                if v is not None
            }
            stored = tx.lead(lead_id)
            if stored["attributes"] != attrs:
                tx.set_attributes(lead_id, attrs)
                touched.add(lead_id)
            elif stored["score"] is None:  # a new lead with no attribute values: score it too
                touched.add(lead_id)
            counts["leads"] += 1

    seen: Counter = Counter()
    batch: list = []

    def flush():
        with service.store.transaction() as tx:
            tx.ensure_leads(sorted({row[0] for row in batch}), now)
            rows = [(key, lead_id, source, at, props) for lead_id, source, at, props, key in batch]
            for (_key, lead_id, *_rest), stored in zip(
                rows, tx.insert_events(rows, now), strict=True
            ):
                if stored:
                    counts["events"] += 1
                    touched.add(lead_id)
                else:
                    counts["duplicates"] += 1
        batch.clear()

    for lead_id, kind, occurred_at, props, *event_id in reader:
        event = model.events[kind]
        values = {p.name: _json_value(v) for p, v in zip(event.props, props, strict=True)}
        if event_id:
            key = event_id[0]
        else:
            content = json.dumps(
                [lead_id, event.source, occurred_at.isoformat(), values], sort_keys=True
            )
            seen[content] += 1
            digest = hashlib.sha256(content.encode("utf-8")).hexdigest()[:32]
            key = f"import:{digest}:{seen[content]}"
        batch.append((lead_id, event.source, occurred_at, values, key))
        if len(batch) >= CHUNK:
            flush()
    if batch:
        flush()
    counts["ignored"] = sum(reader.ignored_types.values())
    for note in bad.summary():
        report(note)
    service.rescore_leads(touched, "event", chunk=500)
    counts["rescored"] = len(touched)
    return dict(counts)
