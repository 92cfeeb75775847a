"""Small inline SVG bar charts for the evaluation report: no JavaScript, no network."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 560, 240
LEFT, BOTTOM, TOP, RIGHT = 48, 40, 24, 12


@dataclass(frozen=True)
class Series:
    name: str
    color: str
    values: tuple[float, ...]


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}"


def bars(
    labels: Sequence[str],
    series: Sequence[Series],
    title: str,
    percent: bool = False,
) -> str:
    """Grouped vertical bars, one group per label, one bar per series, with a legend."""
    top = max((v for s in series for v in s.values), default=0) or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group_w = plot_w / max(1, len(labels))
    bar_w = max(1.0, group_w * 0.8 / max(1, len(series)))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        'stroke="#444"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#444"/>',
    ]
    for frac in (0.5, 1.0):
        y = TOP + plot_h * (1 - frac)
        tick = f"{100 * top * frac:.0f}%" if percent else _fmt(round(top * frac, 2))
        parts.append(
            f'<text x="{LEFT - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{tick}</text>'
        )
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#ddd"/>'
        )
    every = max(1, len(labels) // 12)
    for i, label in enumerate(labels):
        x0 = LEFT + i * group_w + group_w * 0.1
        for j, s in enumerate(series):
            v = s.values[i]
            h = plot_h * v / top
            x = x0 + j * bar_w
            tip = (
                f"{s.name}, {label}: {100 * v:.1f}%" if percent else f"{s.name}, {label}: {_fmt(v)}"
            )
            parts.append(
                f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}" fill="{s.color}"><title>{escape(tip)}</title></rect>'
            )
        if i % every == 0:
            cx = LEFT + (i + 0.5) * group_w
            parts.append(
                f'<text x="{cx:.1f}" y="{TOP + plot_h + 14}" font-size="10" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    for j, s in enumerate(series):
        x = LEFT + 8 + j * 150
        parts.append(f'<rect x="{x}" y="{HEIGHT - 14}" width="10" height="10" fill="{s.color}"/>')
        parts.append(f'<text x="{x + 14}" y="{HEIGHT - 5}" font-size="11">{escape(s.name)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
