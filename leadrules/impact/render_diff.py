"""`leadrules diff` output: text for a terminal, markdown for a pull-request comment, JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from json.encoder import encode_basestring

from leadrules.impact.diff import Attribution, Diff, Shift

NO_TIER_TEXT = "(no tier)"
LIST_LIMIT = 20  # moved leads listed in text and markdown; JSON has every lead
BAR = 30


def tier_label(name: str | None) -> str:
    return NO_TIER_TEXT if name is None else name


def _num(x: float) -> str:
    if x == 0:
        return "0"
    return f"{x:+.2f}".rstrip("0").rstrip(".") if x != int(x) else f"{int(x):+d}"


def _mean(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "0.0%"


def grid(rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        out.append("  " + "  ".join(cells).rstrip())
    return out


def matrix_rows(diff: Diff) -> list[list[str]]:
    head = ["old \\ new", *(tier_label(t) for t in diff.tiers)]
    rows = [head]
    for old in diff.tiers:
        rows.append([tier_label(old), *(str(diff.count(old, new)) for new in diff.tiers)])
    return rows


def _edit(a: Attribution) -> str:
    c = a.change
    if c.action == "added":
        return f"added: {c.after}"
    if c.action == "removed":
        return f"removed: {c.before}"
    return f"{c.before} -> {c.after}"


def _counts(a: Attribution) -> list[str]:
    return ["n/a" if x is None else str(x) for x in (a.moved, a.rescored)]


def _histogram_lines(shift: Shift) -> list[str]:
    top = max((b.count for b in shift.histogram), default=0)
    rows = [["delta", "leads", ""]]
    for b in shift.histogram:
        bar = "#" * max(1, round(BAR * b.count / top)) if b.count else ""
        rows.append([b.label, str(b.count), bar])
    return grid(rows, {0, 1})


def _summary(diff: Diff) -> str:
    n = len(diff.leads)
    moved = len(diff.moved)
    return f"{moved} of {n} leads changed tier ({_pct(moved, n)})."


def _shift_sentence(s: Shift) -> str:
    return (
        f"mean {_num(s.mean_delta)}, median {_num(s.median_delta)} "
        f"(mean score {_mean(s.old_mean)} -> {_mean(s.new_mean)}); "
        f"{s.up} up, {s.down} down, {s.same} unchanged"
    )


def render_text(diff: Diff) -> str:
    out = ["Tier transitions (rows: OLD tier, columns: NEW tier)"]
    out += grid(matrix_rows(diff), set(range(1, len(diff.tiers) + 1)))
    out += [
        "",
        "  " + _summary(diff),
        "",
        "Score shift (NEW - OLD)",
        "  " + _shift_sentence(diff.shift),
    ]
    if diff.shift.histogram:
        out += _histogram_lines(diff.shift)
    out += ["", "Changes, by leads moved across tiers (each applied alone to OLD)"]
    if diff.attributions is None:
        out.append("  not measured (--no-attribution)")
    elif diff.attributions:
        rows = [["moved", "rescored", "change", ""]]
        rows += [[*_counts(a), a.change.subject, _edit(a)] for a in diff.attributions]
        out += grid(rows, {0, 1})
    else:
        out.append("  none: OLD and NEW score every lead alike")
    moved = diff.moved
    if moved:
        out += ["", "Leads that changed tier"]
        rows = [["lead", "old", "new", "old tier", "new tier"], *_moved_rows(moved)]
        out += grid(rows, {1, 2})
        if len(moved) > LIST_LIMIT:
            out.append(f"  ... and {len(moved) - LIST_LIMIT} more (--format json lists every lead)")
    return "\n".join(out) + "\n"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def _md_table(rows: list[list[str]], right: set[int]) -> list[str]:
    out = ["| " + " | ".join(_md_cell(c) for c in rows[0]) + " |"]
    out.append("|" + "|".join("---:" if i in right else "---" for i in range(len(rows[0]))) + "|")
    out += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in rows[1:]]
    return out


def render_markdown(diff: Diff, title: str = "leadrules diff") -> str:
    out = [
        f"### {title}",
        "",
        f"**{_summary(diff)}**",
        "",
        "#### Tier transitions",
        "",
        "Rows: old tier, columns: new tier.",
        "",
    ]
    rows = matrix_rows(diff)
    # bold the off-diagonal counts: the leads that move
    for i, old in enumerate(diff.tiers, 1):
        for j, new in enumerate(diff.tiers, 1):
            if old != new and rows[i][j] != "0":
                rows[i][j] = f"**{rows[i][j]}**"
    out += _md_table(rows, set(range(1, len(diff.tiers) + 1)))
    out += ["", "#### Score shift (new - old)", "", _shift_sentence(diff.shift) + ".", ""]
    if diff.shift.histogram:
        out += _md_table(
            [["delta", "leads"]] + [[b.label, str(b.count)] for b in diff.shift.histogram], {0, 1}
        )
        out.append("")
    out += ["#### Changes", "", "Each change applied alone to the old model.", ""]
    if diff.attributions is None:
        out.append("Not measured (`--no-attribution`).")
    elif diff.attributions:
        rows = [["leads moved", "leads rescored", "change", "edit"]]
        rows += [[*_counts(a), f"`{a.change.subject}`", _edit(a)] for a in diff.attributions]
        out += _md_table(rows, {0, 1})
    else:
        out.append("None: both models score every lead alike.")
    moved = diff.moved
    if moved:
        out += ["", f"<details><summary>Leads that changed tier ({len(moved)})</summary>", ""]
        rows = [["lead", "old score", "new score", "old tier", "new tier"], *_moved_rows(moved)]
        out += _md_table(rows, {1, 2})
        if len(moved) > LIST_LIMIT:
            out += ["", f"... and {len(moved) - LIST_LIMIT} more."]
        out += ["", "</details>"]
    return "\n".join(out) + "\n"


def _lead_lines(diff: Diff) -> Iterator[str]:
    """`{"lead_id": ..., ...}` per lead, written directly: json.dumps per lead is too slow for
    hundreds of thousands of leads. Strings go through json's own escaper."""
    tiers = {t: "null" if t is None else encode_basestring(t) for t in diff.tiers}
    for d in diff.leads:
        yield (
            f'    {{"lead_id": {encode_basestring(d.lead_id)}, "old_score": {d.old_score}, '
            f'"new_score": {d.new_score}, "old_tier": {tiers[d.old_tier]}, '
            f'"new_tier": {tiers[d.new_tier]}}}'
        )


def render_json(diff: Diff) -> str:
    """One key per line and one list item (a transition, a lead) per line: compact for hundreds
    of thousands of leads, and readable and diffable line by line."""

    def dump(value) -> str:
        return json.dumps(value, ensure_ascii=False)

    parts = []
    for key, value in diff.to_json(leads=False).items():
        if key == "leads":
            items = ",\n".join(_lead_lines(diff))
            parts.append(f'  "leads": [\n{items}\n  ]' if diff.leads else '  "leads": []')
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            items = ",\n".join("    " + dump(v) for v in value)
            parts.append(f"  {dump(key)}: [\n{items}\n  ]")
        else:
            parts.append(f"  {dump(key)}: {dump(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}


def _moved_rows(moved) -> list[list[str]]:
    """The first LIST_LIMIT leads that changed tier, as table rows."""
    return [
        [
            d.lead_id,
            str(d.old_score),
            str(d.new_score),
            tier_label(d.old_tier),
            tier_label(d.new_tier),
        ]
        for d in moved[:LIST_LIMIT]
    ]
