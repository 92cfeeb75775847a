"""The service's writes: events, attributes, merges and erasures, each in one transaction with
the rescoring it causes (validate, store, rescore, record history and deliveries).

A batch of events is stored in a few multi-row statements and its touched leads rescored
together (`Scoring.rescore_locked`), so that a request of 500 events costs a handful of
statements, not thousands; it commits before the answer, or not at all.
"""

from __future__ import annotations

from leadrules.serve import validate


class Writes:
    """Mixed into `Service` (which supplies store, loaded, now, metrics, wake, _run and the
    scoring methods)."""

    def ingest(self, items: list) -> dict:
        """Validate, store and rescore; raises `validate.Invalid` (nothing stored)."""
        loaded = self.loaded
        now = self.now()
        valid = validate.events(loaded.model, items, now, loaded.index)
        results: list[dict] = [{} for _ in valid]
        model_events = loaded.model.events

        def work(tx):
            targets: dict[int, str] = {}
            aliases = tx.aliases_of({e.lead_id for e in valid if e.kind is not None})
            for n, e in enumerate(valid):
                if e.kind is None:
                    results[n] = {
                        "index": e.index,
                        "id": e.id,
                        "status": "ignored",
                        "reason": f"event type `{e.event}` is not declared in the model",
                    }
                    continue
                targets[n] = aliases.get(e.lead_id, e.lead_id)
            lead_ids = sorted(set(targets.values()))  # in key order: no deadlock
            tx.ensure_leads(lead_ids, now)
            tx.lock_leads(lead_ids)
            rows = [
                (e.id, lead_id, model_events[e.kind].source, e.occurred_at, e.properties)
                for e, lead_id in ((valid[n], lead_id) for n, lead_id in targets.items())
            ]
            stored = tx.insert_events(rows, now)
            touched: dict[str, None] = {}  # in the order of the batch
            for (n, lead_id), ok in zip(targets.items(), stored, strict=True):
                e = valid[n]
                results[n] = {
                    "index": e.index,
                    "id": e.id,
                    "status": "accepted" if ok else "duplicate",
                }
                if ok:
                    touched[lead_id] = None
            return self.rescore_locked(tx, loaded, list(touched), now, "event")

        leads_out = self._run(work)
        self.metrics.events.update(r["status"] for r in results)
        self.wake.set()
        return {"results": results, "leads": list(leads_out.values())}

    def put_attributes(self, lead_id: str, values: object, cause: str = "attributes") -> dict:
        loaded = self.loaded
        attrs = validate.attributes(loaded.model, values)
        now = self.now()

        def work(tx):
            target = tx.alias_of(lead_id) or lead_id
            tx.ensure_lead(target, now)
            tx.lock_leads([target])
            current = tx.lead(target)["attributes"]
            for name, value in attrs.items():
                if value is None:
                    current.pop(name, None)
                else:
                    current[name] = value
            tx.set_attributes(target, current)
            self.rescore_locked(tx, loaded, [target], now, cause)
            return target

        target = self._run(work)
        self.wake.set()
        return self.lead(target)

    def merge(self, anonymous_id: str, user_id: str) -> dict:
        """Merge the anonymous lead into the identified one (idempotent)."""
        loaded = self.loaded
        now = self.now()

        def work(tx):
            target = tx.alias_of(user_id) or user_id
            if anonymous_id == target or tx.alias_of(anonymous_id) == target:
                tx.ensure_lead(target, now)
                return target
            tx.ensure_lead(target, now)
            tx.lock_leads([target, anonymous_id])
            source = tx.lead(anonymous_id)
            tx.move_events(anonymous_id, target)
            if source is not None:
                attrs = dict(source["attributes"])
                attrs.update(tx.lead(target)["attributes"])
                tx.set_attributes(target, attrs)
                tx.delete_lead(anonymous_id)
            tx.add_alias(anonymous_id, target, now)
            note = f"merged lead {anonymous_id}"
            self.rescore_locked(tx, loaded, [target], now, "event", note=note, force=True)
            return target

        target = self._run(work)
        self.wake.set()
        return self.lead(target)

    def delete(self, lead_id: str) -> bool:
        def work(tx):
            tx.lock_leads([lead_id])
            return tx.delete_lead(lead_id)

        return self._run(work)
