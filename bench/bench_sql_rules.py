"""Benchmark: the SQL target against the number of rules (issue 19; figures in
docs/performance.md).

    .venv/bin/python bench/bench_sql_rules.py --rules 1000 10000 --leads 1000 --events 20000

For each rule count, the generated model of tests/sql/gen.py (`large_model`: one rule per page
in groups of 5,000, and `or`/`and` chains of 1,200 terms) and data (`large_data`), on DuckDB,
SQLite, PostgreSQL (a throwaway server, tests/pg.py) and, with `--dialects spark`, a local Spark
session (tests/spark_session.py): the compile time, the time to create the views (the script),
the time of `SELECT * FROM lead_scores` and, with `--rules-view`, of reading
`lead_score_rules` whole.

`--shape catalog` (the default) writes the page rules `page_view where url == "/p/i"`, which
the compiler turns into rows of a rule catalog; `--shape expressions` writes them
`lower(url) == "/p/i"`, one SQL expression per rule (leadrules/targets/sql/catalog.py).
PostgreSQL's tables are ANALYZEd after loading (as autovacuum does): without statistics its
planner takes the freshly loaded events for a few rows and joins them to the catalog with a
nested loop. Wall-clock times, and the CPU time of this process (the embedded engines' work;
PostgreSQL and Spark work in other processes).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--leads", type=int, default=1000)
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--dialects", nargs="+", default=["duckdb", "sqlite", "postgres"])
    parser.add_argument("--shape", choices=["catalog", "expressions"], default="catalog")
    parser.add_argument("--rules-view", action="store_true", help="also read lead_score_rules")
    parser.add_argument("--chain", type=int, default=1200, help="terms of the or/and rules")
    args = parser.parse_args()

    from sql import engines
    from sql.gen import AS_OF, large_data, large_model
    from sql.test_equivalence import load

    server = conn = spark = None
    if "postgres" in args.dialects:
        import pg
        import psycopg

        server = pg.start()
        conn = psycopg.connect(server.conninfo, autocommit=True)
    if "spark" in args.dialects:
        import spark_session

        spark = spark_session.start()
    print(
        f"shape {args.shape}, chains of {args.chain}, {args.leads} leads, {args.events} events,"
        f" load {load_average()}"
    )
    try:
        print("rules  dialect   compile  create views  lead_scores  lead_score_rules  CPU")
        for n in args.rules:
            model = load(large_model(n, chain=args.chain, catalog=args.shape == "catalog"))
            leads, events = large_data(n, args.leads, args.events // args.leads)
            for dialect in args.dialects:
                cpu = time.process_time()
                start = time.perf_counter()
                script = engines.compile_sql(model, dialect, AS_OF)
                compiled = time.perf_counter() - start
                target = spark if dialect == "spark" else conn
                created, queried, rules = run(
                    dialect, script, leads, events, target, args.rules_view
                )
                cpu = time.process_time() - cpu
                read = f"{rules:14.2f} s" if rules is not None else " " * 16
                print(
                    f"{n:>5}  {dialect:<8} {compiled:7.2f} s {created:10.2f} s "
                    f"{queried:10.2f} s {read} {cpu:6.1f} s   (load {load_average()})",
                    flush=True,
                )
    finally:
        if server is not None:
            conn.close()
            server.stop()
        if spark is not None:
            spark_session.stop(spark)


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def run(dialect, script, leads, events, conn, rules_view) -> tuple[float, float, float | None]:
    from sql import engines

    if dialect == "spark":
        return run_spark(script, leads, events, conn, rules_view)
    if dialect == "duckdb":
        import duckdb

        con = duckdb.connect()
        cur, mark, execute = con, "?", con.execute
    elif dialect == "sqlite":
        import sqlite3

        con = sqlite3.connect(":memory:")
        cur, mark, execute = con, "?", con.executescript
    else:
        cur, mark = conn.cursor(), "%s"
        execute = cur.execute
        cur.execute("DROP SCHEMA IF EXISTS bench CASCADE; CREATE SCHEMA bench")
        cur.execute("SET search_path TO bench")
    engines.create(cur, "leads", engines.LEADS, leads, dialect, mark)
    engines.create(cur, "events", engines.EVENTS, events, dialect, mark)
    if dialect == "postgres":  # statistics, as autovacuum gives a loaded table
        cur.execute("ANALYZE leads; ANALYZE events")
    start = time.perf_counter()
    execute(script)
    created = time.perf_counter() - start
    start = time.perf_counter()
    cur.execute("SELECT * FROM lead_scores").fetchall()
    queried = time.perf_counter() - start
    rules = None
    if rules_view:
        start = time.perf_counter()
        cur.execute("SELECT * FROM lead_score_rules").fetchall()
        rules = time.perf_counter() - start
    return created, queried, rules


def run_spark(script, leads, events, spark, rules_view) -> tuple[float, float, float | None]:
    import spark_session
    from sql import engines, spark_run

    spark_run.save(spark, "leads", engines.LEADS, leads, "TIMESTAMP")
    spark_run.save(spark, "events", engines.EVENTS, events, "TIMESTAMP")
    start = time.perf_counter()
    for statement in spark_session.statements(script):
        spark.sql(statement)
    created = time.perf_counter() - start
    start = time.perf_counter()
    spark.sql("SELECT * FROM lead_scores").collect()
    queried = time.perf_counter() - start
    rules = None
    if rules_view:
        start = time.perf_counter()
        spark.sql("SELECT * FROM lead_score_rules").collect()
        rules = time.perf_counter() - start
    return created, queried, rules


if __name__ == "__main__":
    main()
