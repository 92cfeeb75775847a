"""How the DuckDB engine puts `leadrules score` rows in key order and writes them itself, so
that the rows never travel through Python (`COPY ... TO`).

CSV and JSON Lines are written as one text line per lead, built in SQL byte for byte as
`leadrules.engine.output` renders them in Python (Python's `csv` quoting, `json.dumps` with
`ensure_ascii=False`), and copied to the file unquoted. Parquet is DuckDB's own writer, with the
columns of `output.write_parquet`: `lead_id` text, one int64 column per group, `score` int64,
`tier` text (null where no tier matches).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from leadrules.engine.duckread import ident, string
from leadrules.engine.output import header


def _csv_special() -> str:
    """The characters that make Python's `csv` quote a field (`\\r` depends on the version)."""
    out = ""
    for c in ',"\n\r':
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerow(["a" + c, ""])
        if text.getvalue().startswith('"'):
            out += c
    return out


CSV_SPECIAL = _csv_special()
# what json.dumps escapes in a string (ensure_ascii=False): the quote, the backslash, and the
# control characters, five by name and the others as \u00xx (lower-case hex)
JSON_NAMED = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b"}
JSON_NAMED["\f"] = "\\f"


def order_by(column: str) -> str:
    """The ORDER BY terms of `leadrules.engine.key_order` over the text column `column`:
    integer keys first, by value (of any length: compared as digit strings), then the others;
    ties by the text's code points (UTF-8 bytes compare in code point order)."""
    whole = f"regexp_full_match({column}, '[+-]?[0-9]+')"
    digits = f"ltrim({column}, '+-0')"  # the magnitude without leading zeros ('' for zero)
    negative = f"({whole} AND starts_with({column}, '-') AND {digits} <> '')"
    return ", ".join(
        [
            f"NOT {whole}",
            f"CASE WHEN {negative} THEN -length({digits}) WHEN {whole} THEN length({digits}) END",
            f"CASE WHEN {negative} THEN {digits} END DESC",
            f"CASE WHEN {whole} AND NOT {negative} THEN {digits} END",
            column,
        ]
    )


def _csv_field(v: str) -> str:
    """SQL of the text `v` as Python's csv writer writes it (QUOTE_MINIMAL)."""
    test = " OR ".join(f"contains({v}, {_sql_char(c)})" for c in CSV_SPECIAL)
    return f"CASE WHEN {test} THEN '\"' || replace({v}, '\"', '\"\"') || '\"' ELSE {v} END"


def _json_string(v: str) -> str:
    """SQL of the text `v` as json.dumps(v, ensure_ascii=False) writes it."""
    escaped = v
    for c in ["\\", *(ch for ch in JSON_NAMED if ch != "\\")]:
        escaped = f"replace({escaped}, {_sql_char(c)}, {string(JSON_NAMED[c])})"
    for code in range(32):
        c = chr(code)
        if c not in JSON_NAMED:
            escaped = f"replace({escaped}, chr({code}), '\\u{code:04x}')"
    plain = f"NOT regexp_matches({v}, '[\\x00-\\x1f\"\\\\]')"
    return f"'\"' || CASE WHEN {plain} THEN {v} ELSE {escaped} END || '\"'"


def _sql_char(c: str) -> str:
    return string(c) if c.isprintable() else f"chr({ord(c)})"


def _text(v: str) -> str:
    return f"CAST({v} AS VARCHAR)"


def csv_line(groups: Sequence[str]) -> tuple[str, str]:
    """(the header line, the SQL of one row's line) over the columns `lead_id, g0.., score,
    tier` (see `scored`)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(header(groups))
    head = out.getvalue()[:-1]
    parts = [_csv_field("lead_id")]
    parts += [_text(f"g{i}") for i in range(len(groups))]
    parts += [_text("score"), f"CASE WHEN tier IS NULL THEN '' ELSE {_csv_field('tier')} END"]
    return head, " || ',' || ".join(parts)


def jsonl_line(groups: Sequence[str]) -> str:
    """The SQL of one row's JSON line, as `json.dumps(LeadResult.row(), ensure_ascii=False)`."""
    keys = [json.dumps(k, ensure_ascii=False) for k in header(groups)]
    values = [_json_string("lead_id")]
    values += [_text(f"g{i}") for i in range(len(groups))]
    tier = f"CASE WHEN tier IS NULL THEN 'null' ELSE {_json_string('tier')} END"
    values += [_text("score"), tier]
    pairs = [f"{string(k + ': ')} || {v}" for k, v in zip(keys, values, strict=True)]
    return "'{' || " + " || ', ' || ".join(pairs) + " || '}'"


def scored(scores_sql: str, n_groups: int) -> str:
    """The scores query with its columns named `lead_id, g0.., score, tier`."""
    names = ", ".join(["lead_id", *(f"g{i}" for i in range(n_groups)), "score", "tier"])
    return f"({scores_sql}) AS s({names})"


def copy_scores(
    con,
    scores_sql: str,
    groups: Sequence[str],
    fmt: str,
    path: str,
    bom: bool = False,
) -> None:
    """Write the scores of `scores_sql` to `path` in key order: csv, jsonl or parquet."""
    relation = scored(scores_sql, len(groups))
    order = order_by("lead_id")
    if fmt == "parquet":
        columns = ", ".join(
            ["lead_id", *(f"CAST(g{i} AS BIGINT) AS {ident(g)}" for i, g in enumerate(groups))]
            + ["CAST(score AS BIGINT) AS score", "tier"]
        )
        con.execute(
            f"COPY (SELECT {columns} FROM {relation} ORDER BY {order}) "
            f"TO {string(path)} (FORMAT parquet)"
        )
        return
    if fmt == "csv":
        head, line = csv_line(groups)
        first = ("\ufeff" if bom else "") + head
        select = (
            f"SELECT line FROM (SELECT 0 AS part, {string(first)} AS line, NULL AS lead_id "
            f"UNION ALL SELECT 1, {line}, lead_id FROM {relation}) ORDER BY part, {order}"
        )
    elif fmt == "jsonl":
        select = f"SELECT {jsonl_line(groups)} AS line FROM {relation} ORDER BY {order}"
    else:
        raise ValueError(f"DuckDB does not write {fmt!r}")
    # one column, never quoted: the lines are written as they are (DuckDB ends each with \n)
    con.execute(
        f"COPY ({select}) TO {string(path)} "
        "(FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\x01')"
    )
