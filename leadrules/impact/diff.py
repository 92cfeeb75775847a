"""`leadrules diff`: the same leads scored under OLD and NEW, compared.

`compare` is pure (LeadResult lists in, a `Diff` out); `run_diff` scores through the engine
contract, once for OLD, once for NEW and once per change (OLD with that change alone applied),
which is how each change's own effect is measured. A model that scores like OLD and differs only
in its tiers is not scored again: its tiers follow from OLD's results (`retier`).
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from leadrules.engine import DataOptions, LeadResult
from leadrules.impact.changes import Change, apply_change, changes
from leadrules.impact.contributions import Probe
from leadrules.impact.gc_paused import gc_paused
from leadrules.impact.retier import retier, same_scoring
from leadrules.model import Model

NO_TIER = None  # a lead that matches no tier; JSON null, "(no tier)" in text


class LeadDiff(NamedTuple):
    """One lead under OLD and NEW (a named tuple: a diff holds one per lead, often 10^5+)."""

    lead_id: str
    old_score: int
    new_score: int
    old_tier: str | None
    new_tier: str | None

    @property
    def moved(self) -> bool:
        return self.old_tier != self.new_tier

    def to_json(self) -> dict:
        return self._asdict()


@dataclass(frozen=True)
class Transition:
    old: str | None
    new: str | None
    count: int

    def to_json(self) -> dict:
        return {"from": self.old, "to": self.new, "count": self.count}


@dataclass(frozen=True)
class Bin:
    """Leads whose score delta lies in lo..hi (inclusive)."""

    lo: int
    hi: int
    count: int

    @property
    def label(self) -> str:
        return _signed(self.lo) if self.lo == self.hi else f"{_signed(self.lo)}..{_signed(self.hi)}"


@dataclass(frozen=True)
class Shift:
    leads: int
    old_mean: float
    new_mean: float
    mean_delta: float
    median_delta: float
    up: int
    down: int
    histogram: tuple[Bin, ...]

    @property
    def same(self) -> int:
        return self.leads - self.up - self.down

    def to_json(self) -> dict:
        return {
            "leads": self.leads,
            "old_mean": _round(self.old_mean),
            "new_mean": _round(self.new_mean),
            "mean_delta": _round(self.mean_delta),
            "median_delta": _round(self.median_delta),
            "up": self.up,
            "down": self.down,
            "unchanged": self.same,
            "histogram": [{"lo": b.lo, "hi": b.hi, "count": b.count} for b in self.histogram],
        }


@dataclass(frozen=True)
class Attribution:
    """What one change does alone: `moved` leads change tier, `rescored` change score.
    None when the change cannot be applied alone (see `apply_change`)."""

    change: Change
    moved: int | None
    rescored: int | None

    def to_json(self) -> dict:
        c = self.change
        return {
            "kind": c.kind,
            "action": c.action,
            "subject": c.subject,
            "before": c.before,
            "after": c.after,
            "moved": self.moved,
            "rescored": self.rescored,
        }


@dataclass(frozen=True)
class Diff:
    tiers: tuple[str | None, ...]  # matrix order: tiers of both models, then no tier
    transitions: tuple[Transition, ...]
    leads: tuple[LeadDiff, ...]
    shift: Shift
    attributions: tuple[Attribution, ...] | None  # most leads moved first; None: not measured

    @property
    def moved(self) -> tuple[LeadDiff, ...]:
        return tuple(d for d in self.leads if d.moved)

    def count(self, old: str | None, new: str | None) -> int:
        return next((t.count for t in self.transitions if (t.old, t.new) == (old, new)), 0)

    def to_json(self, leads: bool = True) -> dict:
        """The contract's `transitions` and `leads`, plus `tiers`, `shift` and `changes`.
        `leads=False` leaves the (long) list of leads empty, for writers that stream it."""
        return {
            "transitions": [t.to_json() for t in self.transitions],
            "leads": [d.to_json() for d in self.leads] if leads else [],
            "tiers": list(self.tiers),
            "shift": self.shift.to_json(),
            "changes": None
            if self.attributions is None
            else [a.to_json() for a in self.attributions],
        }


def _signed(n: int) -> str:
    return f"{n:+d}" if n else "0"


def _round(x: float) -> float | int:
    r = round(x, 4)
    return int(r) if r == int(r) else r


def tier_order(old: Sequence[str], new: Sequence[str]) -> tuple[str | None, ...]:
    """OLD's tiers in order; each tier only NEW has goes right after its predecessor in NEW;
    "no tier" last."""
    out = list(old)
    for i, name in enumerate(new):
        if name in out:
            continue
        before = next((n for n in reversed(new[:i]) if n in out), None)
        out.insert(0 if before is None else out.index(before) + 1, name)
    return (*out, NO_TIER)


def _same_leads(old: Sequence[LeadResult], new: Sequence[LeadResult]) -> None:
    if len(old) != len(new) or any(a.lead_id != b.lead_id for a, b in zip(old, new, strict=True)):
        raise ValueError("OLD and NEW scored different leads")


def pair(old: Sequence[LeadResult], new: Sequence[LeadResult]) -> tuple[LeadDiff, ...]:
    _same_leads(old, new)
    return tuple(
        LeadDiff(a.lead_id, a.score, b.score, a.tier, b.tier) for a, b in zip(old, new, strict=True)
    )


def transitions(leads: Sequence[LeadDiff], order: Sequence[str | None]) -> tuple[Transition, ...]:
    counts = Counter((d.old_tier, d.new_tier) for d in leads)
    rank = {name: i for i, name in enumerate(order)}
    keys = sorted(counts, key=lambda k: (rank.get(k[0], len(rank)), rank.get(k[1], len(rank))))
    return tuple(Transition(a, b, counts[(a, b)]) for a, b in keys)


def histogram(deltas: Sequence[int], max_bins: int = 12) -> tuple[Bin, ...]:
    """One bin per distinct delta when there are few; else `max_bins` equal integer ranges."""
    if not deltas:
        return ()
    counts = Counter(deltas)
    if len(counts) <= max_bins:
        return tuple(Bin(v, v, counts[v]) for v in sorted(counts))
    lo, hi = min(deltas), max(deltas)
    width = math.ceil((hi - lo + 1) / max_bins)
    bins = Counter((d - lo) // width for d in deltas)
    return tuple(
        Bin(lo + i * width, min(hi, lo + (i + 1) * width - 1), bins[i])
        for i in range(max(bins) + 1)
    )


def shift(leads: Sequence[LeadDiff]) -> Shift:
    deltas = [d.new_score - d.old_score for d in leads]
    n = len(leads)
    if n == 0:
        return Shift(0, 0.0, 0.0, 0.0, 0.0, 0, 0, ())
    return Shift(
        leads=n,
        old_mean=sum(d.old_score for d in leads) / n,
        new_mean=sum(d.new_score for d in leads) / n,
        mean_delta=sum(deltas) / n,
        median_delta=float(statistics.median(deltas)),
        up=sum(1 for x in deltas if x > 0),
        down=sum(1 for x in deltas if x < 0),
        histogram=histogram(deltas),
    )


def attribute(
    change: Change, old: Sequence[LeadResult], alone: Sequence[LeadResult] | None
) -> Attribution:
    """`alone`: the leads scored by OLD with only `change` applied (None: not applicable)."""
    if alone is None:
        return Attribution(change, None, None)
    _same_leads(old, alone)
    moved = sum(1 for a, b in zip(old, alone, strict=True) if a.tier != b.tier)
    rescored = sum(1 for a, b in zip(old, alone, strict=True) if a.score != b.score)
    return Attribution(change, moved, rescored)


def compare(
    old_model: Model,
    new_model: Model,
    old: Sequence[LeadResult],
    new: Sequence[LeadResult],
    attributions: Sequence[Attribution] | None = (),
) -> Diff:
    leads = pair(old, new)
    order = tier_order(old_model.tier_names, new_model.tier_names)
    ranked = sorted(
        enumerate(attributions or ()),
        key=lambda ia: (-(ia[1].moved if ia[1].moved is not None else -1), ia[0]),
    )
    return Diff(
        tiers=order,
        transitions=transitions(leads, order),
        leads=leads,
        shift=shift(leads),
        attributions=None if attributions is None else tuple(a for _, a in ranked),
    )


def score_models(
    old_model: Model,
    models: Sequence[Model | None],
    score: Callable[[Model], list[LeadResult]],
    as_of,
    probe: bool = True,
) -> tuple[list[LeadResult], list[list[LeadResult] | None]]:
    """OLD's results and each model's (None stays None), each model a variant of OLD (NEW, or
    OLD with one change). With `probe`, one call of `score` when no tier tests a lead attribute
    (see `leadrules.impact.contributions`); otherwise one per model, except what `retier`
    derives."""
    present = [m for m in models if m is not None]
    plan = Probe.build(old_model, present[0], present[1:]) if probe and present else None
    if plan is not None:
        probed = score(plan.model)
        old = plan.results(old_model, probed, as_of)
        return old, [
            None if m is None else plan.results(m, probed, as_of, base=old) for m in models
        ]
    old = score(old_model)

    def alone(model: Model) -> list[LeadResult]:
        if same_scoring(old_model, model):
            tiers = retier(model, old, as_of)
            if tiers is not None:
                return tiers
        return score(model)

    return old, [None if m is None else alone(m) for m in models]


def run_diff(
    old_model: Model,
    new_model: Model,
    leads_path: str,
    events_path: str,
    as_of,
    engine: str = "duckdb",
    options: DataOptions | None = None,
    attribution: bool = True,
    probe: bool = True,
) -> Diff:
    """Score OLD, NEW and (with `attribution`) OLD with each change alone; compare."""
    from leadrules.engine import run

    def score(model: Model) -> list[LeadResult]:
        return run(model, leads_path, events_path, as_of, engine=engine, options=options)

    with gc_paused():
        found = changes(old_model, new_model) if attribution else []
        variants = [apply_change(old_model, new_model, c) for c in found]
        old, (new, *alone) = score_models(old_model, [new_model, *variants], score, as_of, probe)
        attributions = [attribute(c, old, a) for c, a in zip(found, alone, strict=True)]
        return compare(old_model, new_model, old, new, attributions if attribution else None)
