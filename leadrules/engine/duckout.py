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


def keyed_table(con, scores_sql: str, n_groups: int) -> str:
    """The scores with their key columns (`keyed`), as a temporary table: its name. Sorting a
    table costs a third of sorting the same query (DuckDB inlines the key expressions into the
    sort, evaluating the regular expression again for each key)."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE lead_scores_keyed AS "
        f"SELECT * FROM {keyed(scored(scores_sql, n_groups))}"
    )
    return "lead_scores_keyed"


def keyed(relation: str) -> str:
    """`relation` (with a text column `lead_id`) with the columns of its key order, computed
    once a row: `k_cls` 0 for an integer below -2^63, 1 for one that fits 64 bits (its value in
    `k_int`), 2 for one above, 3 for any other key; `k_big`, for an integer past 64 bits, a text
    that sorts as its value: the length of its digits (without sign and leading zeros), then
    the digits, both complemented for a negative one. See `ORDER`."""
    whole = "regexp_full_match(lead_id, '[+-]?[0-9]+')"
    cls = (
        "CASE WHEN NOT k_w THEN 3 WHEN k_int IS NOT NULL THEN 1 "
        "WHEN starts_with(lead_id, '-') THEN 0 ELSE 2 END"
    )
    digits = "ltrim(lead_id, '+-0')"
    big = (
        "CASE WHEN k_w AND k_int IS NULL THEN CASE WHEN starts_with(lead_id, '-') "
        f"THEN lpad(CAST(999999999 - length({digits}) AS VARCHAR), 9, '0') "
        f"|| translate({digits}, '0123456789', '9876543210') "
        f"ELSE lpad(CAST(length({digits}) AS VARCHAR), 9, '0') || {digits} END END"
    )
    return (
        f"(SELECT *, {cls} AS k_cls, {big} AS k_big "
        f"FROM (SELECT *, {whole} AS k_w, "
        f"CASE WHEN {whole} THEN TRY_CAST(lead_id AS BIGINT) END AS k_int FROM {relation}))"
    )


# `leadrules.engine.key_order` over the columns of `keyed`: integers first, by value (of any
# length), then the others; ties by the text's code points (UTF-8 bytes compare in code point
# order). Four plain keys: DuckDB sorts them several times faster than CASE expressions.
ORDER = "k_cls, k_int, k_big, lead_id"
KEYS = "k_cls, k_int, k_big, lead_id"


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
    return head, "concat(" + ", ',', ".join(parts) + ")"  # one concat: no text in between


def jsonl_line(groups: Sequence[str]) -> str:
    """The SQL of one row's JSON line, as `json.dumps(LeadResult.row(), ensure_ascii=False)`."""
    keys = [json.dumps(k, ensure_ascii=False) for k in header(groups)]
    values = [_json_string("lead_id")]
    values += [_text(f"g{i}") for i in range(len(groups))]
    tier = f"CASE WHEN tier IS NULL THEN 'null' ELSE {_json_string('tier')} END"
    values += [_text("score"), tier]
    pairs = [f"{string(k + ': ')}, {v}" for k, v in zip(keys, values, strict=True)]
    return "concat('{', " + ", ', ', ".join(pairs) + ", '}')"


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
    relation = keyed_table(con, scores_sql, len(groups))
    if fmt == "parquet":
        columns = ", ".join(
            ["lead_id", *(f"CAST(g{i} AS BIGINT) AS {ident(g)}" for i, g in enumerate(groups))]
            + ["CAST(score AS BIGINT) AS score", "tier"]
        )
        con.execute(
            f"COPY (SELECT {columns} FROM {relation} ORDER BY {ORDER}) "
            f"TO {string(path)} (FORMAT parquet)"
        )
        return
    if fmt == "csv":
        head, line = csv_line(groups)
        first = ("\ufeff" if bom else "") + head
        # the header first: a row of its own, before every key (k_cls -1)
        select = (
            f"SELECT line FROM (SELECT {string(first)} AS line, -1 AS k_cls, NULL AS k_int, "
            f"NULL AS k_big, NULL AS lead_id "
            f"UNION ALL SELECT {line}, {KEYS} FROM {relation}) ORDER BY {ORDER}"
        )
    elif fmt == "jsonl":
        select = f"SELECT {jsonl_line(groups)} AS line FROM {relation} ORDER BY {ORDER}"
    else:
        raise ValueError(f"DuckDB does not write {fmt!r}")
    # one column, never quoted: the lines are written as they are (DuckDB ends each with \n)
    con.execute(
        f"COPY ({select}) TO {string(path)} "
        "(FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\x01')"
    )
