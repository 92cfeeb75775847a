"""Run the compiled Spark SQL on the test run's Spark session (tests/spark_session.py).

The leads and events become permanent views over inline VALUES (a permanent view cannot read a
temporary one; a table costs a Spark job and files), with
time columns as `TIMESTAMP` (an instant) or `TIMESTAMP_NTZ` (a wall-clock time, UTC by the
language's rule); the script's statements run one by one under the given session time zone.
Returns what `engines.run` returns: lead_scores (sorted), the input tables read back, and the
group totals rebuilt from lead_score_rules.
"""

from __future__ import annotations

import datetime as dt
import json

import spark_session
from sql import engines

ZONES = ["UTC", "Asia/Jerusalem", "America/New_York", "Asia/Tehran", "Pacific/Kiritimati"]
TIME_TYPES = ["TIMESTAMP", "TIMESTAMP_NTZ"]


def literal(v, typ: str, time_type: str) -> str:
    """A typed SQL literal built without the compiler's macros: text as UTF-8 hex, times with an
    explicit zone (an instant) or as a wall-clock TIMESTAMP_NTZ."""
    sql_type = {"number": "DOUBLE", "bool": "BOOLEAN", "time": time_type}.get(typ, "STRING")
    if v is None:
        return f"CAST(NULL AS {sql_type})"
    if typ in ("text", "json"):
        return f"CAST(X'{v.encode('utf-8').hex()}' AS STRING)"
    if typ == "number":
        return f"CAST({float(v)!r} AS DOUBLE)"
    if typ == "bool":
        return "TRUE" if v else "FALSE"
    utc = v.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat(sep=" ")
    return f"TIMESTAMP_NTZ '{utc}'" if time_type == "TIMESTAMP_NTZ" else f"TIMESTAMP '{utc}Z'"


def table_name(parts: str) -> list[str]:
    from leadrules.targets.sql.compiler import relation_parts

    return relation_parts(parts)


def save(spark, name: str, columns, rows, time_type: str) -> None:
    """The rows as a permanent view over inline VALUES: no files, no Spark job."""
    names = {engines.ROLE_COLUMN: "role"}
    cols = ", ".join(f"`{c.replace('`', '``')}`" for c, _t in columns)
    quoted = ".".join("`" + p.replace("`", "``") + "`" for p in table_name(name))
    if rows:
        values = ", ".join(
            "(" + ", ".join(literal(r.get(names.get(c, c)), t, time_type) for c, t in columns) + ")"
            for r in rows
        )
        body = f"SELECT * FROM VALUES {values} AS t({cols})"
    else:
        nulls = ", ".join(f"{literal(None, t, time_type)} AS `{c}`" for c, t in columns)
        body = f"SELECT * FROM (SELECT {nulls}) WHERE FALSE"
    spark.sql(f"CREATE OR REPLACE VIEW {quoted} AS {body}")


def run(
    spark,
    model,
    leads,
    events,
    as_of,
    zone: str = "UTC",
    time_type: str = "TIMESTAMP",
    tables=("leads", "events"),
    json_props: bool = False,
):
    script = engines.compile_sql(
        model,
        "spark",
        as_of,
        leads_table=tables[0],
        events_table=tables[1],
        properties_column="props" if json_props else None,
    )
    event_columns = engines.JSON_EVENTS if json_props else engines.EVENTS
    if json_props:
        events = [{**e, "props": json.dumps({k: e.get(k) for k in engines.PROPS})} for e in events]
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    save(spark, tables[0], engines.LEADS, leads, time_type)
    save(spark, tables[1], event_columns, events, time_type)
    spark.conf.set("spark.sql.session.timeZone", zone)
    for statement in spark_session.statements(script):
        spark.sql(statement)

    def query(sql: str) -> list[tuple]:
        return [tuple(row) for row in spark.sql(sql).collect()]

    quoted = [".".join(f"`{p.replace('`', '``')}`" for p in table_name(t)) for t in tables]
    out = query("SELECT * FROM lead_scores")
    inputs = [query(f"SELECT * FROM {t}") for t in quoted]
    rules = query("SELECT lead_id, grp, SUM(points) FROM lead_score_rules GROUP BY lead_id, grp")
    return engines.normalize(out), inputs, engines.normalize(rules)
