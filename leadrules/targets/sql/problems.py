"""The view `lead_score_input_problems`: every row of `leads` and `events` the interpreter would
refuse, with its reason in the interpreter's words (leadrules/data: the readers' messages, less
the file, the line and the value, which are columns of their own).

`input_table, lead_id, column_name, value_text, reason`: one row per refused input row, with
the first reason the readers would give (checks in the readers' order: the key, the event type,
the time, then the values in declaration order), except duplicate lead ids, where every row of
the id is listed (a table has no first row). `lead_scores` leaves out every lead with a row here
(docs/targets/sql.md, "Refused rows").
"""

from __future__ import annotations

PROBLEMS = "lead_score_input_problems"


def problems_query(builder) -> str:
    """The SELECT of the view, for a QueryBuilder (its model, dialect and relations)."""
    from leadrules.targets.sql.compiler import _select

    sql, model = builder.sql, builder.model
    text = sql.type_name("text")

    def as_text(expr: str) -> str:
        return f"CAST({expr} AS {text})"

    def leads() -> str:  # one call per use: the dbt target counts the relations it renders
        return f"{builder.relation('leads')} AS l"

    lead_key = builder.key(f"l.{sql.ident(builder.key_column)}")
    branches = [
        _branch(
            sql,
            "leads",
            leads(),
            lead_key,
            [
                (
                    builder.key_column,
                    as_text(f"l.{sql.ident(builder.key_column)}"),
                    _when(
                        builder.missing_key(lead_key),
                        sql.string(f"missing lead key: column `{builder.key_column}` is empty"),
                    ),
                )
            ],
        )
    ]
    dup_key = builder.key(f"d.{sql.ident(builder.key_column)}")
    duplicates = (
        f"(SELECT {dup_key} FROM {builder.relation('leads')} AS d WHERE {dup_key} <> '' "
        f"GROUP BY {dup_key} HAVING COUNT(*) > 1)"
    )
    branches.append(
        _branch(
            sql,
            "leads",
            leads(),
            lead_key,
            [
                (
                    builder.key_column,
                    lead_key,
                    _when(f"{lead_key} IN {duplicates}", sql.string("duplicate lead id")),
                )
            ],
        )
    )
    checks = []
    for a in model.attributes:
        col = f"l.{sql.ident(a.column)}"
        reason = _value_problem(sql, a.type, col)
        if reason:
            checks.append((a.column, as_text(col), reason))
    if checks:
        branches.append(_branch(sql, "leads", leads(), lead_key, checks))
    branches.append(_events_branch(builder, as_text))
    body = "\nUNION ALL\n".join(branches)
    cols = [(c, c) for c in ("input_table", "lead_id", "column_name", "value_text", "reason")]
    return _select(cols, f"(\n{body}\n) AS problems", "WHERE reason IS NOT NULL")


def _events_branch(builder, as_text) -> str:
    sql, model = builder.sql, builder.model
    e = lambda name: f"e.{sql.ident(name)}"  # noqa: E731
    key = builder.key(e(builder.key_column))
    event = e(builder.event_column)
    sources = list(dict.fromkeys(ev.source for ev in model.events))
    declared = f"{event} IN ({', '.join(sql.string(s) for s in sources)})" if sources else "FALSE"
    checks = [
        (
            builder.key_column,
            as_text(e(builder.key_column)),
            _when(
                builder.missing_key(key),
                sql.string(f"missing lead key in column `{builder.key_column}`"),
            ),
        ),
        (
            builder.event_column,
            as_text(event),
            _when(
                f"{event} IS NULL OR {as_text(event)} = ''",
                sql.string(f"missing event type in column `{builder.event_column}`"),
            ),
        ),
    ]
    time_reason = sql.string("expected an ISO-8601 timestamp")
    occurred_at = e(builder.time_column)
    time_bad = f"{builder.time(occurred_at)} IS NULL"
    extra = sql.time_problem(occurred_at)
    checks.append(
        (
            builder.time_column,
            as_text(occurred_at),
            _when(declared, f"CASE WHEN {time_bad} THEN {time_reason} ELSE {extra or 'NULL'} END"),
        )
    )
    column = builder.properties_column
    with_props = [ev.source for ev in model.events if ev.props]
    if column and with_props:
        label = column
        doc = e(column)
        has_props = f"{event} IN ({', '.join(sql.string(s) for s in dict.fromkeys(with_props))})"
        problem = sql.json_object_problem(doc, label)
        if problem:
            checks.append((column, as_text(doc), _when(has_props, problem)))
    for name, typ, _alias in builder.props():
        owners = [ev.source for ev in model.events if any(p.name == name for p in ev.props)]
        owned = f"{event} IN ({', '.join(sql.string(s) for s in dict.fromkeys(owners))})"
        if column:
            reason = sql.json_prop_problem(e(column), name, typ)
            value = sql.json_text(e(column), name)
        else:
            reason = _value_problem(sql, typ, e(name))
            value = as_text(e(name))
        if reason:
            checks.append((name, value, _when(owned, reason)))
    return _branch(sql, "events", f"{builder.relation('events')} AS e", key, checks)


def _value_problem(sql, typ: str, col: str) -> str:
    """The reason a column's value is refused, or '' where its type leaves nothing to refuse."""
    macro = {"number": sql.number_problem, "bool": sql.bool_problem, "time": sql.time_problem}
    return macro[typ](col) if typ in macro else ""


def _when(cond: str, reason: str) -> str:
    return f"CASE WHEN {cond} THEN {reason} END"


def _branch(sql, table: str, source: str, key: str, checks: list[tuple[str, str, str]]) -> str:
    """One SELECT over `source`: for each row, the first check (column, value, reason) that
    gives a reason. The reasons are computed once, in a subquery."""
    from leadrules.targets.sql.compiler import _select

    inner = [("lead_id", f"NULLIF({key}, '')")]
    for i, (_c, value, reason) in enumerate(checks):
        inner += [(f"v{i}", value), (f"c{i}", reason)]
    text = sql.type_name("text")
    column = (
        "CASE "
        + " ".join(
            f"WHEN c{i} IS NOT NULL THEN {sql.string(c)}" for i, (c, _v, _r) in enumerate(checks)
        )
        + " END"
    )
    value = (
        "CASE " + " ".join(f"WHEN c{i} IS NOT NULL THEN v{i}" for i in range(len(checks))) + " END"
    )
    reason = "COALESCE(" + ", ".join(f"c{i}" for i in range(len(checks))) + ")"
    if len(checks) == 1:
        reason = "c0"
    cols = [
        ("input_table", f"CAST({sql.string(table)} AS {text})"),
        ("lead_id", "lead_id"),
        ("column_name", f"CAST({column} AS {text})"),
        ("value_text", f"CAST({value} AS {text})"),
        ("reason", f"CAST({reason} AS {text})"),
    ]
    sub = _select(inner, source, pad="  ")
    return _select(cols, f"(\n{sub}\n) AS checked")
