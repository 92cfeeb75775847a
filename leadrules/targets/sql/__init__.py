"""`--target sql`: the Model as views in seven SQL dialects.

`compile(model, options)` returns one script that (re)creates the views over the relations
`leads` and `events` (renamed by `--leads-table`/`--events-table`):

- `lead_score_input_problems(input_table, lead_id, column_name, value_text, reason)`: the rows
  the interpreter would refuse; the other views leave out their leads (problems.py);
- `lead_scores(lead_id, <group>..., score, tier)`: what `leadrules score` prints;
- `lead_score_rules(lead_id, grp, rule, points, rule_text)`: every rule's points for every lead;
- `lead_score_points`: their common base (one column of points per rule), internal.

`queries(model, options, relation)` gives the SELECTs alone (the dbt target and the DuckDB
engine use them). See docs/targets/sql.md.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable

from leadrules.targets import Options, Output
from leadrules.targets.sql.compiler import (
    VIEWS,
    Queries,
    QueryBuilder,
    points_view,
    relation_parts,
)
from leadrules.targets.sql.dialect import DIALECTS, dialect
from leadrules.targets.sql.exprs import timestamp_text
from leadrules.targets.sql.problems import PROBLEMS, problems_query

__all__ = [
    "DIALECTS",
    "VIEWS",
    "Queries",
    "compile",
    "queries",
    "relation_name",
]


def relation_name(sql, name: str) -> str:
    """A possibly schema-qualified table name, each part quoted for the dialect."""
    return ".".join(sql.ident(part) for part in relation_parts(name))


def queries(
    model,
    options: Options,
    relation: Callable[[str], str] | None = None,
    sql=None,
    checks: bool = False,
) -> Queries:
    """The SELECTs of the views. `relation(kind)` renders `leads`, `events`, `points`,
    `problems` and, for a model split over several points views, `points_2`... (default: the
    options' table names, and the views `lead_score_points`, `lead_score_points_2`...). With
    `checks` (the SQL and dbt targets, over a warehouse's tables), the view
    `lead_score_input_problems` lists the rows the interpreter would refuse, and the scores leave
    out their leads; the engines, which validate their files themselves, go without."""
    sql = sql or dialect(options.dialect)
    tables = {"leads": options.leads_table, "events": options.events_table}

    def default(kind: str) -> str:
        if kind == "problems":
            return PROBLEMS
        if kind.startswith("points"):
            return points_view(int(kind.partition("_")[2] or 1))
        return relation_name(sql, tables[kind])

    relation = relation or default
    builder = QueryBuilder(
        model,
        sql,
        options.as_of,
        relation,
        options.properties_column,
        zoned=options.timestamp_type == "zoned",
        checks=checks,
        columns=(options.lead_key, options.event_column, options.time_column),
    )
    chunks = builder.chunks()
    points = [builder.points(chunk) for chunk in chunks]
    more = [relation(f"points_{i}") for i in range(2, len(chunks) + 1)]
    return Queries(
        points[0],
        builder.scores(relation("points"), more),
        builder.rules(relation("points"), more),
        tuple(points[1:]),
        problems_query(builder) if checks else None,
    )


def header(model, options: Options, views: list[str] | None = None) -> str:
    """A comment naming what was compiled. User text is JSON-escaped: one line, ASCII only."""
    views = views or [PROBLEMS, *VIEWS]
    as_of = timestamp_text(options.as_of) + " UTC" if options.as_of else "the current time"
    source = json.dumps(os.path.basename(model.path))
    return (
        f"-- leadrules {json.dumps(model.name)} ({source}), dialect {options.dialect}, "
        f"as-of {as_of}.\n-- Generated: do not edit. Reads "
        f"{json.dumps(options.leads_table)} and {json.dumps(options.events_table)}; "
        f"creates the views {', '.join(views)}.\n"
    )


def compile(model, options: Options) -> Output:  # noqa: A001 - the targets' entry point
    sql = dialect(options.dialect)
    views = queries(model, options, sql=sql, checks=True).views()
    names = [name for name, _q in reversed(views)]  # dependents first
    parts = [header(model, options, [name for name, _q in views]), sql.prologue(names)]
    for name, query in views:
        parts.append(sql.create_view(name, query))
    parts.append(sql.epilogue(names))
    return Output(text="".join(parts))
