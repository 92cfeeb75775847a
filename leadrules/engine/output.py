"""`leadrules score` output: CSV, JSON Lines, an aligned table or Parquet; deterministic.

The DuckDB engine writes CSV, JSON Lines and Parquet itself, byte for byte as here
(`leadrules.engine.duckout`); the other engines' results are written by these functions."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from leadrules.engine import LeadResult

FORMATS = ("csv", "jsonl", "table", "parquet")
TEXT_FORMATS = ("csv", "jsonl", "table")


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


def write_file(
    results: Sequence[LeadResult], groups: Sequence[str], fmt: str, path: str, bom: bool = False
) -> None:
    """Write the results to `path` in `fmt`: a text format as `render` (UTF-8, with a byte
    order mark first for CSV with `bom`), or Parquet."""
    if fmt == "parquet":
        write_parquet(results, groups, path)
        return
    text = render(results, groups, fmt)
    if bom and fmt == "csv":
        text = "\ufeff" + text
    with open(path, "wb") as f:
        f.write(text.encode("utf-8"))


def write_parquet(results: Sequence[LeadResult], groups: Sequence[str], path: str) -> None:
    """Columns `lead_id` (text), one int64 per group, `score` (int64), `tier` (text, null where
    no tier matches), written by DuckDB's Parquet writer as the DuckDB engine writes them."""
    import duckdb
    import pyarrow as pa

    from leadrules.engine.duckread import ident, string

    columns = {"lead_id": pa.array([r.lead_id for r in results], pa.string())}
    for i in range(len(groups)):
        columns[f"g{i}"] = pa.array([r.groups[i][1] for r in results], pa.int64())
    columns["score"] = pa.array([r.score for r in results], pa.int64())
    columns["tier"] = pa.array([r.tier for r in results], pa.string())
    table = pa.table(columns)
    select = ", ".join(
        ["lead_id", *(f"g{i} AS {ident(g)}" for i, g in enumerate(groups)), "score", "tier"]
    )
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET preserve_insertion_order = true")
        con.register("arrow", table)
        # a table, as the engine's query: DuckDB marks a column without nulls `required`
        con.execute(f"CREATE TABLE results AS SELECT {select} FROM arrow")
        con.execute(f"COPY results TO {string(path)} (FORMAT parquet)")
    finally:
        con.close()


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
