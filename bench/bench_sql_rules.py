"""Benchmark: the SQL target against the number of rules (issue 19; figures in
docs/performance.md).

    .venv/bin/python bench/bench_sql_rules.py --rules 1000 10000 --leads 1000 --events 20000

For each rule count, the generated model of tests/sql/gen.py (`large_model`: one rule per page
in groups of 5,000, and `or`/`and` chains of 1,200 terms) and data (`large_data`), on DuckDB,
SQLite and PostgreSQL (a throwaway server, tests/pg.py): the compile time, the time to create
the views (the script), and the time of `SELECT * FROM lead_scores`.
"""

from __future__ import annotations

import argparse
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
    args = parser.parse_args()

    from sql import engines
    from sql.gen import AS_OF, large_data, large_model
    from sql.test_equivalence import load

    server = conn = None
    if "postgres" in args.dialects:
        import pg
        import psycopg

        server = pg.start()
        conn = psycopg.connect(server.conninfo, autocommit=True)
    try:
        print("rules  dialect   compile  create views  query lead_scores")
        for n in args.rules:
            model = load(large_model(n))
            leads, events = large_data(n, args.leads, args.events // args.leads)
            for dialect in args.dialects:
                start = time.perf_counter()
                script = engines.compile_sql(model, dialect, AS_OF)
                compiled = time.perf_counter() - start
                created, queried = run(dialect, script, leads, events, conn)
                print(f"{n:>5}  {dialect:<8} {compiled:7.2f} s {created:10.2f} s {queried:12.2f} s")
    finally:
        if server is not None:
            conn.close()
            server.stop()


def run(dialect, script, leads, events, conn) -> tuple[float, float]:
    from sql import engines

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
    start = time.perf_counter()
    execute(script)
    created = time.perf_counter() - start
    start = time.perf_counter()
    cur.execute("SELECT * FROM lead_scores").fetchall()
    return created, time.perf_counter() - start


if __name__ == "__main__":
    main()
