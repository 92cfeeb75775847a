"""The reference interpreter: the meaning of the language, executable.

    results = run_files(model, "leads.csv", "events.csv", as_of, DataOptions())
    results = score(model, [{"lead_id": "1", "company_size": 80}], [...], as_of)

The leads are read whole (memory grows with the leads); events stream by once and only
increment per-lead counters (see `plan.py`). Every other engine is tested against this one.
Semantics: docs/semantics.md.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from types import SimpleNamespace

from leadrules import model as m
from leadrules.data import BadRows, DataError, EventReader, read_leads
from leadrules.data.values import CONVERTERS, show, to_text, to_time
from leadrules.engine import DataOptions, LeadResult, key_order
from leadrules.engine.plan import Plan

Report = Callable[[str], None]
PROGRESS_EVERY = 1 << 16


class Scorer:
    """Leads in, events streamed through, one `LeadResult` per lead out.

    `only`: keep counters for these lead ids alone (`explain`); events of other known leads are
    skipped, not reported as unknown.
    """

    def __init__(self, model: m.Model, as_of: dt.datetime, only: set[str] | None = None):
        self.plan = Plan(model, as_of)
        self.model = model
        self.only = only
        self.skipped: set[str] = set()  # known leads left out by `only`
        self.states: dict[str, list] = {}  # lead id -> state (see plan.py)
        self.unknown_leads = 0
        self.after_as_of = 0

    def add_leads(self, leads: Mapping[str, tuple]) -> None:
        new = self.plan.new_state
        for lead_id, values in leads.items():
            if self.only is None or lead_id in self.only:
                self.states[lead_id] = new(values)
            else:
                self.skipped.add(lead_id)

    def consume(
        self,
        events: Iterable[tuple[str, int, dt.datetime, tuple]],
        tick: Callable[[], None] | None = None,
    ) -> None:
        """The hot loop: one pass over the events, incrementing counters."""
        state_of = self.states.get
        skipped = self.skipped
        dispatch = self.plan.dispatch
        as_of = self.plan.as_of
        unknown = after = seen = 0
        for lead_id, kind, occurred_at, props in events:
            if tick is not None:
                seen += 1
                if not seen & (PROGRESS_EVERY - 1):
                    tick()
            state = state_of(lead_id)
            if state is None:
                if lead_id not in skipped:
                    unknown += 1
                continue
            if occurred_at > as_of:
                after += 1
                continue
            for accept, always, windowed in dispatch[kind]:
                if accept is None or accept(props) is True:
                    for i in always:
                        state[i] += 1
                    if windowed:
                        for i, start in windowed:
                            if occurred_at >= start:
                                state[i] += 1
        self.unknown_leads += unknown
        self.after_as_of += after

    def results(self, explain: bool = False) -> list[LeadResult]:
        """One result per lead, in key order. Consumes the leads' states (each is dropped as
        its result is made, so that the two never all coincide in memory): call it once."""
        plan = self.plan
        out = []
        states = self.states
        for lead_id in sorted(states, key=key_order):
            state = states.pop(lead_id)
            plan.evaluate(state)
            tier = plan.tier(state)
            explanation = None
            if explain:
                from leadrules.engine.explain import explain_lead

                explanation = explain_lead(plan, lead_id, state)
            groups = plan.group_scores(state)
            out.append(LeadResult(lead_id, groups, state[plan.total_slot], tier, explanation))
        return out


def run_files(
    model: m.Model,
    leads_path: str,
    events_path: str,
    as_of: dt.datetime,
    options: DataOptions | None = None,
    explain: bool = False,
    report: Report | None = None,
    progress=None,
    only: set[str] | None = None,
) -> list[LeadResult]:
    """Score every lead of `leads_path` (or the leads of `only`); results in key order.

    Raises `DataError` on a malformed row (unless `options.skip_bad_rows`), a missing column or
    an unreadable file. Notes (ignored events, skipped rows) go to `report` (default: stderr).
    `progress`, if given, is called as `progress(done_bytes, total_bytes)` now and then.
    """
    options = options or DataOptions()
    report = report or _stderr
    bad = BadRows(skip=options.skip_bad_rows, report=report)
    scorer = Scorer(model, as_of, only)
    scorer.add_leads(read_leads(model, leads_path, options.lead_key, bad, options))
    reader = EventReader(model, events_path, options, bad)
    tick = None
    if progress is not None:
        size = reader.table.size

        def tick():
            progress(reader.position(), size)

    scorer.consume(reader, tick)
    for note in notes(scorer, reader.ignored_types, leads_path) + bad.summary():
        report(note)
    return scorer.results(explain)


def notes(scorer: Scorer, ignored_types: Counter, leads_path: str) -> list[str]:
    out = []
    if scorer.unknown_leads:
        n = scorer.unknown_leads
        out.append(f"note: ignored {n} event{'s' * (n != 1)} of leads not in {leads_path}")
    if ignored_types:
        n = sum(ignored_types.values())
        kinds = ", ".join(f"`{k}` ({c})" for k, c in sorted(ignored_types.items()))
        out.append(f"note: ignored {n} event{'s' * (n != 1)} of undeclared types: {kinds}")
    if scorer.after_as_of:
        n = scorer.after_as_of
        out.append(f"note: ignored {n} event{'s' * (n != 1)} after the as-of")
    return out


def notes_of_counts(groups, problems, declared, leads_path: str) -> list[str] | None:
    """The interpreter's notes from an SQL engine's validation pass, or None when it counted a
    problem the file readers must word. `groups`: per event type name, (name, rows, rows of
    unknown leads, rows after the as-of, *rows with each problem); `problems`: (sql, the event
    types it concerns or None for all) in the same order; `declared`: the declared types."""
    unknown = after = 0
    ignored: Counter[str] = Counter()
    for event, rows, n_unknown, n_after, *n_problems in groups:
        if not event or any(
            n and (kinds is None or event in kinds)
            for n, (_sql, kinds) in zip(n_problems, problems, strict=True)
        ):
            return None
        if event in declared:
            unknown += n_unknown
            after += n_after
        else:
            ignored[event] = rows
    counted = SimpleNamespace(unknown_leads=unknown, after_as_of=after)
    return notes(counted, ignored, leads_path)  # type: ignore[arg-type]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


# ---- the library API: Python objects in, results out ----------------------------------


def score(
    model: m.Model,
    leads: Iterable[Mapping],
    events: Iterable[Mapping],
    as_of: dt.datetime | str | None = None,
    explain: bool = False,
    report: Report | None = None,
) -> list[LeadResult]:
    """Score leads given as mappings: `lead_id` and attribute values by name (or by source
    column); events as mappings with `lead_id`, `event` (the declared name or its `from` name),
    `occurred_at` (a datetime or ISO-8601 text) and property values by name, or a `properties`
    mapping. Values are typed like the file readers type them. Returns results in key order.
    Raises `DataError` (path `<leads>` or `<events>`, line = 1-based position) on a bad value.
    """
    if as_of is None:
        as_of = dt.datetime.now(dt.timezone.utc)
    elif isinstance(as_of, str):
        parsed = to_time(as_of)
        if parsed is None:
            raise ValueError(f"as_of: not a time: {as_of!r}")
        as_of = parsed
    scorer = Scorer(model, as_of)
    scorer.add_leads(_typed_leads(model, leads))
    ignored: Counter = Counter()
    scorer.consume(_typed_events(model, events, ignored))
    for note in notes(scorer, ignored, "the leads"):
        (report or (lambda _n: None))(note)
    return scorer.results(explain)


def _typed_leads(model: m.Model, leads: Iterable[Mapping]) -> dict[str, tuple]:
    out: dict[str, tuple] = {}
    for line, lead in enumerate(leads, 1):
        lead_id = _convert("<leads>", line, "lead_id", to_text, lead.get("lead_id"))
        if lead_id is None:
            raise DataError("<leads>", line, "missing lead key `lead_id`")
        if lead_id in out:
            raise DataError("<leads>", line, f"duplicate lead id {show(lead_id)}")
        values = []
        for a in model.attributes:
            raw = lead[a.name] if a.name in lead else lead.get(a.column)
            values.append(_convert("<leads>", line, a.name, CONVERTERS[a.type], raw))
        out[lead_id] = tuple(values)
    return out


def _typed_events(model: m.Model, events: Iterable[Mapping], ignored: Counter):
    index: dict[object, int] = {e.source: i for i, e in enumerate(model.events)}
    index.update({e.name: i for i, e in enumerate(model.events)})
    for line, event in enumerate(events, 1):
        lead_id = _convert("<events>", line, "lead_id", to_text, event.get("lead_id"))
        if lead_id is None:
            raise DataError("<events>", line, "missing lead key `lead_id`")
        kind = index.get(event.get("event"))
        if kind is None:
            ignored[str(event.get("event"))] += 1
            continue
        occurred_at = _convert("<events>", line, "occurred_at", to_time, event.get("occurred_at"))
        if occurred_at is None:
            raise DataError("<events>", line, "missing `occurred_at`")
        bag = event.get("properties") or event
        props = tuple(
            _convert(
                "<events>",
                line,
                p.name,
                CONVERTERS[p.type],
                bag[p.name] if p.name in bag else bag.get(p.column),
            )
            for p in model.events[kind].props
        )
        yield lead_id, kind, occurred_at, props


def _convert(path: str, line: int, name: str, convert, raw):
    try:
        return convert(raw)
    except ValueError as e:
        raise DataError(path, line, f"{e}: {show(raw)} for `{name}`") from None
