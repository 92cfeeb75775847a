"""What the refused-rows checks (issue 17) cost the SQL target: `SELECT * FROM lead_scores` of
this tree's compiled views against an older checkout's, same data, alternated (figures in
docs/performance.md).

    mkdir /tmp/lr-base && git archive cbf76f9 | tar -x -C /tmp/lr-base
    .venv/bin/python bench/bench_sql_checks.py --baseline /tmp/lr-base --events 1000000

PostgreSQL 15 on a throwaway server (tests/pg.py) and DuckDB in-process (one thread); the data is
bench_sql.py's (the b2b example's shape, 1 lead per 20 events), loaded once per engine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

import bench_sql  # noqa: E402

LEADS = (
    "CREATE TABLE leads (lead_id TEXT, company_size DOUBLE PRECISION, role TEXT, industry TEXT, "
    "country TEXT, email TEXT)"
)
EVENTS = (
    "CREATE TABLE events (lead_id TEXT, event TEXT, occurred_at TIMESTAMP, url TEXT, form TEXT)"
)


def script(tree: Path, dialect: str) -> str:
    """The b2b example compiled by the checkout at `tree`."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    args = [bench_sql.LEADRULES, "compile", str(bench_sql.MODEL), "--target", "sql"]
    args += ["--dialect", dialect, "--as-of", "2026-01-01"]
    return subprocess.run(args, env=env, check=True, capture_output=True, text=True).stdout


def timed(run, names, runs):
    times = {name: [] for name in names}
    for i in range(runs + 1):
        for name in names:
            start = time.perf_counter()
            run(name)
            if i:  # the first round warms up
                times[name].append(time.perf_counter() - start)
    return times


def report(engine, times):
    base, new = (statistics.median(v) for v in times.values())
    for name, v in times.items():
        print(f"{engine} {name}: median {statistics.median(v):.3f}s {[round(t, 3) for t in v]}")
    print(f"{engine} ratio this/baseline: {new / base:.2f}x")


def postgres(baseline: Path, leads: str, events: str, runs: int) -> None:
    import pg
    import psycopg

    server = pg.start()
    try:
        with psycopg.connect(server.conninfo, autocommit=True) as conn, conn.cursor() as cur:
            cur.execute(LEADS)
            cur.execute(EVENTS)
            bench_sql.copy_csv(cur, "leads", leads)
            bench_sql.copy_csv(cur, "events", events)
            cur.execute("ANALYZE")
            for name, tree in (("baseline", baseline), ("this", ROOT)):
                cur.execute(f"CREATE SCHEMA s_{name}; SET search_path TO s_{name}, public")
                cur.execute(script(tree, "postgres"))

            def run(name):
                cur.execute(f"SET search_path TO s_{name}, public")
                cur.execute("SELECT * FROM lead_scores")
                cur.fetchall()

            report("postgres", timed(run, ["baseline", "this"], runs))
    finally:
        server.stop()


def duckdb_(baseline: Path, leads: str, events: str, runs: int) -> None:
    import duckdb

    cons = {}
    for name, tree in (("baseline", baseline), ("this", ROOT)):
        con = cons[name] = duckdb.connect()
        con.execute("SET threads = 1")
        con.execute(
            f"CREATE TABLE leads AS SELECT lead_id, CAST(company_size AS DOUBLE) AS company_size, "
            f"role, industry, country, email FROM read_csv('{leads}', all_varchar = true)"
        )
        con.execute(
            f"CREATE TABLE events AS SELECT lead_id, event, CAST(occurred_at AS TIMESTAMP) AS "
            f"occurred_at, url, form FROM read_csv('{events}', all_varchar = true)"
        )
        con.execute(script(tree, "duckdb"))

    def run(name):
        cons[name].execute("SELECT * FROM lead_scores").fetchall()

    report("duckdb", timed(run, ["baseline", "this"], runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, type=Path, help="an older checkout")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    leads, events = bench_sql.generate(args.events)
    print(f"events: {args.events}; load average {os.getloadavg()[0]:.1f}")
    postgres(args.baseline, str(leads), str(events), args.runs)
    duckdb_(args.baseline, str(leads), str(events), args.runs)
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
