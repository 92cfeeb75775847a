"""`leadrules evaluate --html`: one self-contained page. Inline SVG charts and inline CSS; no
script, no font, nothing fetched, so it opens offline and renders the same everywhere."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from leadrules.impact import metrics
from leadrules.impact.evaluate import Evaluation
from leadrules.impact.render_diff import tier_label
from leadrules.impact.render_eval import capacity_lines, number, pct, ratio
from leadrules.impact.svg import Series, bars

CONVERTED, OTHER, NEW = "#d95f02", "#7570b3", "#1b9e77"
MAX_BINS = 20


def score_bins(items: Sequence[metrics.Scored]) -> list[tuple[int, int]]:
    """Score ranges for the distribution chart: one per score when few, else equal widths."""
    scores = sorted({s.score for s in items})
    if not scores:
        return []
    if len(scores) <= MAX_BINS:
        return [(s, s) for s in scores]
    lo, hi = scores[0], scores[-1]
    width = math.ceil((hi - lo + 1) / MAX_BINS)
    return [(a, min(hi, a + width - 1)) for a in range(lo, hi + 1, width)]


def distribution_chart(ev: Evaluation) -> str:
    bins = score_bins(ev.items)
    won = [s.score for s in ev.items if s.converted]
    lost = [s.score for s in ev.items if not s.converted]

    def shares(scores: list[int]) -> tuple[float, ...]:
        n = len(scores) or 1
        counts = Counter(scores)
        return tuple(sum(c for v, c in counts.items() if a <= v <= b) / n for a, b in bins)

    labels = [str(a) if a == b else f"{a}..{b}" for a, b in bins]
    return bars(
        labels,
        [
            Series(f"converted ({len(won)})", CONVERTED, shares(won)),
            Series(f"not converted ({len(lost)})", OTHER, shares(lost)),
        ],
        "Score distribution by outcome",
        percent=True,
    )


def conversion_chart(
    buckets: Sequence[metrics.Bucket],
    title: str,
    series: str = "conversion rate",
    others: Sequence[metrics.Bucket] | None = None,
    other_name: str = "",
) -> str:
    data = [Series(series, CONVERTED, tuple(b.rate or 0.0 for b in buckets))]
    if others is not None:
        rates = {b.label: b.rate or 0.0 for b in others}
        data.append(Series(other_name, NEW, tuple(rates.get(b.label, 0.0) for b in buckets)))
    return bars([b.label for b in buckets], data, title, percent=True)


def heat(count: int, top: int) -> str:
    """A cell colour from white to the accent, by share of the largest cell."""
    if not count or not top:
        return "#ffffff"
    t = 0.15 + 0.85 * count / top
    r, g, b = (int(255 + (c - 255) * t) for c in (0x1B, 0x9E, 0x77))
    return f"#{r:02x}{g:02x}{b:02x}"


def render_html(
    ev: Evaluation, title: str, other: Evaluation | None = None, diff=None, other_name: str = ""
) -> str:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    matrix = None
    if diff is not None:
        top = max((t.count for t in diff.transitions), default=0)
        matrix = {
            "tiers": [tier_label(t) for t in diff.tiers],
            "rows": [
                (
                    tier_label(a),
                    [(diff.count(a, b), heat(diff.count(a, b), top)) for b in diff.tiers],
                )
                for a in diff.tiers
            ],
        }
    others = None
    if other is not None:
        others = conversion_chart(ev.tiers, "Conversion by tier", ev.model, other.tiers, other_name)
    return env.get_template("report.html.j2").render(
        title=title,
        ev=ev,
        other=other,
        other_name=other_name,
        pct=pct,
        ratio=ratio,
        tier_label=tier_label,
        value=number,
        distribution=distribution_chart(ev),
        by_tier=others or conversion_chart(ev.tiers, "Conversion by tier"),
        by_decile=conversion_chart(ev.deciles, "Conversion by score decile"),
        capacity=capacity_lines(ev.capacity) if ev.capacity is not None else None,
        matrix=matrix,
    )
