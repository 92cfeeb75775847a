"""`leadrules score` output: CSV, JSON Lines or an aligned table; deterministic."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from leadrules.engine import LeadResult

FORMATS = ("csv", "jsonl", "table")


def header(groups: Sequence[str]) -> list[str]:
    return ["lead_id", *groups, "score", "tier"]


def render(results: Sequence[LeadResult], groups: Sequence[str], fmt: str) -> str:
    if fmt == "csv":
        return render_csv(results, groups)
    if fmt == "jsonl":
        return render_jsonl(results)
    if fmt == "table":
        return render_table(results, groups)
    raise ValueError(f"unknown format {fmt!r}")


def render_csv(results: Sequence[LeadResult], groups: Sequence[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header(groups))
    for r in results:
        writer.writerow([r.lead_id, *(s for _, s in r.groups), r.score, r.tier or ""])
    return out.getvalue()


def render_jsonl(results: Sequence[LeadResult]) -> str:
    return "".join(json.dumps(r.row(), ensure_ascii=False) + "\n" for r in results)


def render_table(results: Sequence[LeadResult], groups: Sequence[str]) -> str:
    rows = [header(groups)]
    rows += [
        [r.lead_id, *(str(s) for _, s in r.groups), str(r.score), r.tier or "-"] for r in results
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    numeric = [False] + [True] * (len(groups) + 1) + [False]
    lines = []
    for n, row in enumerate(rows):
        cells = [
            c.rjust(w) if num and n else c.ljust(w)
            for c, w, num in zip(row, widths, numeric, strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"
