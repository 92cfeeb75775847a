"""`leadrules evaluate` output: text and JSON (the HTML report is `report_html`)."""

from __future__ import annotations

import json

from leadrules.impact import metrics
from leadrules.impact.evaluate import Evaluation
from leadrules.impact.render_diff import grid, tier_label


def pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def ratio(x: float | None, digits: int = 2) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def _scores(b: metrics.Bucket) -> str:
    if b.lo is None:
        return "-"
    return str(b.lo) if b.lo == b.hi else f"{b.lo}..{b.hi}"


def _bucket_rows(first: str, buckets, scores: bool = False) -> list[list[str]]:
    rows = [[first, *(["scores"] if scores else []), "leads", "converted", "rate", "lift"]]
    for b in buckets:
        rows.append(
            [
                b.label,
                *([_scores(b)] if scores else []),
                str(b.leads),
                str(b.converted),
                pct(b.rate),
                ratio(b.lift),
            ]
        )
    return rows


def number(x: float | None) -> str:
    if x is None:
        return "-"
    return str(int(x)) if x == int(x) else f"{x:g}"


def _when(s: metrics.Scored) -> str:
    at = s.outcome.converted_at
    return "-" if at is None else at.isoformat().replace("+00:00", "Z")


def headline(ev: Evaluation) -> list[str]:
    out = [
        f'Model "{ev.model}": {ev.leads} leads with an outcome, {ev.converted} converted '
        f"({pct(ev.base_rate)})"
    ]
    if ev.without_outcome or ev.unknown_leads:
        out.append(
            f"  left out: {ev.without_outcome} scored leads without an outcome, "
            f"{ev.unknown_leads} outcomes of leads not in the leads file"
        )
    out.append(
        f"ROC AUC {ratio(ev.auc, 3)}"
        + ("" if ev.auc is not None else " (needs converted and unconverted leads)")
    )
    return out


def render_text(
    ev: Evaluation, other: Evaluation | None = None, diff=None, other_name: str = ""
) -> str:
    out = headline(ev)
    out += ["", "Conversion by tier"] + grid(_bucket_rows("tier", ev.tiers), {1, 2, 3, 4})
    out += ["", "Conversion by score decile (1 = the highest scores; tied scores stay together)"]
    out += grid(_bucket_rows("decile", ev.deciles, scores=True), {0, 2, 3, 4, 5})
    out += ["", "Precision and recall at each tier threshold (every lead with score >= threshold)"]
    rows = [["tier", "threshold", "leads", "converted", "precision", "recall"]]
    rows += [
        [
            c.label,
            number(c.threshold),
            str(c.selected),
            str(c.true_positives),
            pct(c.precision),
            pct(c.recall),
        ]
        for c in ev.cuts
    ]
    out += grid(rows, {1, 2, 3, 4, 5})
    out += ["", "What did we miss: converted leads with the lowest scores"]
    if ev.missed:
        rows = [["lead", "score", "tier", "value", "converted_at"]]
        rows += [
            [s.lead_id, str(s.score), tier_label(s.tier), number(s.outcome.value), _when(s)]
            for s in ev.missed
        ]
        out += grid(rows, {1, 3})
    else:
        out.append("  no converted leads")
    if ev.capacity is not None:
        out += ["", *capacity_lines(ev.capacity)]
    if other is not None:
        out += ["", f"Compared with {other_name}", *("  " + x for x in headline(other))]
        rows = [["tier", "leads", "converted", "rate", "lift"]]
        rows += [
            [b.label, str(b.leads), str(b.converted), pct(b.rate), ratio(b.lift)]
            for b in other.tiers
        ]
        out += grid(rows, {1, 2, 3, 4})
    if diff is not None:
        from leadrules.impact.render_diff import matrix_rows

        out += ["", f"Tier transitions (rows: {ev.model}, columns: {other_name})"]
        out += grid(matrix_rows(diff), set(range(1, len(diff.tiers) + 1)))
    return "\n".join(out) + "\n"


def capacity_lines(cap: metrics.Capacity) -> list[str]:
    out = [
        f"Suggested threshold for {number(cap.per_week)} sales-qualified leads a week "
        f"(the leads span {cap.weeks:.1f} weeks)"
    ]
    for label, c in (("suggested", cap.suggestion), ("one step lower", cap.next_lower)):
        if c is None:
            continue
        out.append(
            f"  {label}: score >= {number(c.threshold)}: {cap.weekly(c):.1f} a week, "
            f"precision {pct(c.precision)}, recall {pct(c.recall)}"
        )
    if cap.suggestion is None:
        out.append("  even the highest score sends more leads a week than that")
    return out


def _rnd(x: float | None, digits: int = 4):
    return None if x is None else round(x, digits)


def _bucket_json(b: metrics.Bucket) -> dict:
    return {
        "label": b.label,
        "leads": b.leads,
        "converted": b.converted,
        "rate": _rnd(b.rate),
        "lift": _rnd(b.lift),
        "min_score": b.lo,
        "max_score": b.hi,
    }


def _cut_json(c: metrics.Cut) -> dict:
    return {
        "tier": c.label,
        "threshold": c.threshold,
        "leads": c.selected,
        "converted": c.true_positives,
        "precision": _rnd(c.precision),
        "recall": _rnd(c.recall),
    }


def to_json(ev: Evaluation) -> dict:
    out = {
        "model": ev.model,
        "leads": ev.leads,
        "converted": ev.converted,
        "conversion_rate": _rnd(ev.base_rate),
        "without_outcome": ev.without_outcome,
        "unknown_leads": ev.unknown_leads,
        "roc_auc": _rnd(ev.auc),
        "tiers": [_bucket_json(b) for b in ev.tiers],
        "deciles": [_bucket_json(b) for b in ev.deciles],
        "thresholds": [_cut_json(c) for c in ev.cuts],
        "missed": [
            {
                "lead_id": s.lead_id,
                "score": s.score,
                "tier": s.tier,
                "value": s.outcome.value,
                "converted_at": None if s.outcome.converted_at is None else _when(s),
            }
            for s in ev.missed
        ],
        "capacity": None,
    }
    cap = ev.capacity
    if cap is not None:

        def one(c):
            return None if c is None else {**_cut_json(c), "per_week": _rnd(cap.weekly(c), 2)}

        out["capacity"] = {
            "per_week": cap.per_week,
            "weeks": _rnd(cap.weeks, 2),
            "suggested": one(cap.suggestion),
            "next_lower": one(cap.next_lower),
        }
    return out


def render_json(
    ev: Evaluation, other: Evaluation | None = None, diff=None, other_name: str = ""
) -> str:
    out = to_json(ev)
    if other is not None:
        out["compare"] = {"path": other_name, **to_json(other)}
        if diff is not None:
            out["compare"]["transitions"] = [t.to_json() for t in diff.transitions]
    return json.dumps(out, ensure_ascii=False, indent=2) + "\n"
