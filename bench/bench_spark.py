"""Benchmarks of `--engine spark` (local mode) against the DuckDB engine, on the same files
(figures in docs/performance.md).

    .venv/bin/python bench/bench_spark.py process --events 1000000   # whole processes, RSS
    .venv/bin/python bench/bench_spark.py query --events 1000000     # in one warm process

`process`: `leadrules score --engine spark` and `leadrules score` (DuckDB), whole processes,
alternated; wall time and the peak RSS of the process tree (Python plus Spark's JVM), sampled
from /proc every 50 ms. `query`: in one Python process with a warm Spark session, the engine's
whole run over the files (read, type, validate, score) and the compiled `lead_scores` query
alone (the typed inputs cached in memory), against the same for DuckDB. Data: bench_sql.py's
b2b-shaped CSV files (bench/out/sql-data, generated once, reused); `--parquet` converts them to
Parquet first (Spark reads a CSV file in one task, a Parquet file in parallel).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_sql import AS_OF, LEADRULES, MODEL, generate  # noqa: E402


def parquet(path: Path) -> Path:
    import duckdb

    out = path.with_suffix(".parquet")
    if not out.exists():
        duckdb.sql(f"COPY (SELECT * FROM read_csv('{path}', all_varchar = true)) TO '{out}'")
    return out


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += children.get(p, [])
    return total


def run_process(argv: list[str]) -> tuple[float, int]:
    """Wall seconds and peak tree RSS of one command (its stdout discarded)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    code = proc.wait()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if code != 0:
        raise SystemExit(f"failed ({code}): {' '.join(argv)}")
    return elapsed, peak


def process(n: int, runs: int, use_parquet: bool) -> None:
    leads, events = generate(n)
    if use_parquet:
        leads, events = parquet(leads), parquet(events)
    base = [LEADRULES, "score", str(MODEL), "--leads", str(leads), "--events", str(events)]
    base += ["--as-of", AS_OF]
    cmds = {"duckdb": base, "spark": [*base, "--engine", "spark"]}
    results: dict[str, list[tuple[float, int]]] = {k: [] for k in cmds}
    for _ in range(runs):
        for name, argv in cmds.items():
            results[name].append(run_process(argv))
    print(f"{n:,} events ({events.suffix[1:]}), {runs} alternated runs, whole processes")
    for name, got in results.items():
        times = [t for t, _ in got]
        peak = max(r for _, r in got) / 2**20
        print(
            f"  {name:7s} median {statistics.median(times):7.2f} s  "
            f"min {min(times):7.2f} s  peak RSS {peak:7.0f} MiB  "
            f"({n / statistics.median(times):,.0f} events/s)"
        )


def query(n: int, runs: int, use_parquet: bool) -> None:
    import leadrules
    from leadrules.engine import DataOptions
    from leadrules.engine import duckdb as duck
    from leadrules.engine import spark as spark_engine
    from leadrules.targets import Options
    from leadrules.targets.sql import queries

    leads, events = generate(n)
    if use_parquet:
        leads, events = parquet(leads), parquet(events)
    model = leadrules.load(str(MODEL))
    as_of = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    options = DataOptions()
    quiet = lambda _m: None  # noqa: E731

    start = time.perf_counter()
    spark = spark_engine.session("local[*]")
    print(f"Spark session start: {time.perf_counter() - start:.1f} s")
    whole: dict[str, list[float]] = {"duckdb": [], "spark": []}
    alone: dict[str, list[float]] = {"duckdb": [], "spark": []}
    for _ in range(runs):
        start = time.perf_counter()
        spark_engine.run_spark(spark, model, str(leads), str(events), as_of, options, quiet)
        whole["spark"].append(time.perf_counter() - start)
        start = time.perf_counter()
        duck.run_duckdb(model, str(leads), str(events), as_of, options, quiet)
        whole["duckdb"].append(time.perf_counter() - start)

    # the query alone: typed inputs in memory, the compiled lead_scores collected
    names = {"leads": "b_leads", "events": "b_events", "points": "b_points"}
    spark_engine.prepare(spark, model, str(leads), str(events), as_of, options, names)
    q = queries(model, Options(dialect="spark", as_of=as_of), relation=names.__getitem__)
    spark.sql(f"CREATE OR REPLACE TEMPORARY VIEW b_points AS {q.points}")
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    leads_src = duck.Source.open(con, str(leads), duck._lead_columns(model, options))
    events_src = duck.Source.open(con, str(events), duck._event_columns(model, options))
    duck._leads_view(con, model, leads_src, options)
    duck._events_view(con, model, events_src, as_of, options, str(leads))
    dq = queries(model, Options(dialect="duckdb", as_of=as_of))
    con.execute("CREATE TEMP VIEW lead_score_points AS " + dq.points)
    for _ in range(runs):
        start = time.perf_counter()
        spark.sql(q.scores).collect()
        alone["spark"].append(time.perf_counter() - start)
        start = time.perf_counter()
        con.execute(dq.scores).fetchall()
        alone["duckdb"].append(time.perf_counter() - start)
    print(f"{n:,} events ({events.suffix[1:]}), {runs} alternated runs, one warm process")
    for name in ("duckdb", "spark"):
        w, a = statistics.median(whole[name]), statistics.median(alone[name])
        print(
            f"  {name:7s} read+validate+score median {w:7.2f} s ({n / w:,.0f} events/s)  "
            f"lead_scores alone median {a:6.2f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["process", "query"])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--parquet", action="store_true", help="read Parquet copies of the files")
    args = parser.parse_args()
    {"process": process, "query": query}[args.what](args.events, args.runs, args.parquet)


if __name__ == "__main__":
    main()
