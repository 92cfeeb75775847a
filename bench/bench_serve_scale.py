"""Benchmark: `leadrules serve` with many leads in the store (SQLite).

    .venv/bin/python bench/bench_serve_scale.py [--leads 1000000] [--reads 2000]

A store is filled directly (each lead with two attributes, one stored event and a next-change
instant spread over the next day, as after scoring), then for a store of 1,000 leads and one of
--leads leads:

1. start-up: seconds from launching `leadrules serve` to its start-up line, and its resident
   memory then (goal: independent of the number of leads);
2. `GET /v1/leads/{id}` of random leads, one client (bench/loadgen.py): p50/p99 latency
   (goal p99 ≤ 10 ms);
3. the scheduler's query for due leads at 1M: the time of one `due_leads(now, 500)` and of
   `next_due()` (the scheduler runs them every 0.25 s at most).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from leadrules.store import open_store, to_us

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import Connection, use_fast_loop  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "examples" / "b2b_saas.lrules"
READY = re.compile(r"listening on http://127\.0\.0\.1:(\d+)")


def fill(path: str, n: int) -> None:
    open_store(f"sqlite:///{path}").close()  # the schema
    conn = sqlite3.connect(path)
    now = dt.datetime.now(dt.timezone.utc)
    start = to_us(now)
    groups = json.dumps({"fit": 20, "engagement": 15})
    rng = random.Random(1)
    with conn:
        conn.executemany(
            "INSERT INTO leads (lead_id, attributes, score, tier, group_scores, as_of, "
            "next_change, model_hash, created_at) VALUES (?, ?, 35, 'warm', ?, ?, ?, 'x', ?)",
            (
                (
                    str(i),
                    '{"company_size": 80, "role": "CTO"}',
                    groups,
                    start,
                    start + rng.randrange(86_400_000_000),
                    start,
                )
                for i in range(n)
            ),
        )
        conn.executemany(
            "INSERT INTO events (event_id, lead_id, event, occurred_at, properties, received_at) "
            "VALUES (NULL, ?, 'page_view', ?, '{\"url\": \"/pricing\"}', ?)",
            ((str(i), start, start) for i in range(n)),
        )
    conn.close()


def start_server(db: str):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "leadrules.cli",
            "serve",
            str(RULES),
            "--db",
            f"sqlite:///{db}",
            "--port",
            "0",
            "--no-auth",
        ],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    for line in proc.stderr:
        m = READY.search(line)
        if m:
            ready = time.perf_counter() - t
            rss = 0
            for row in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
                if row.startswith("VmRSS:"):
                    rss = int(row.split()[1]) // 1024
            return proc, f"http://127.0.0.1:{m.group(1)}", ready, rss
    raise RuntimeError("server did not start")


async def reads(url: str, n: int, count: int) -> list[float]:
    """`count` GETs of random leads on one keep-alive connection: each latency in seconds."""
    rng = random.Random(2)
    conn, lat = Connection(url, {}), []
    try:
        for _ in range(count):
            t = time.perf_counter()
            status, _ = await conn.request("GET", f"/v1/leads/{rng.randrange(n)}")
            lat.append(time.perf_counter() - t)
            assert status == 200
    finally:
        await conn.close()
    return lat


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--leads", type=int, default=1_000_000)
    ap.add_argument("--reads", type=int, default=2000)
    args = ap.parse_args()
    print(f"client: bench/loadgen.py on {use_fast_loop()}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (1000, args.leads):
            db = f"{tmp}/s{n}.db"
            t = time.perf_counter()
            fill(db, n)
            print(f"{n:>9} leads: filled in {time.perf_counter() - t:.1f} s")
            proc, url, ready, rss = start_server(db)
            try:
                lat = asyncio.run(reads(url, n, args.reads))
                lat.sort()
                p50, p99 = lat[len(lat) // 2] * 1000, lat[int(len(lat) * 0.99)] * 1000
                print(
                    f"  start-up {ready:.2f} s, RSS {rss} MB; GET lead p50 {p50:.1f} ms, "
                    f"p99 {p99:.1f} ms"
                )
            finally:
                proc.terminate()
                proc.wait(30)
            store = open_store(f"sqlite:///{db}")
            with store.transaction() as tx:
                later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=12)
                t = time.perf_counter()
                due = tx.due_leads(later, 500)
                t_due = time.perf_counter() - t
                t = time.perf_counter()
                tx.next_due()
                t_next = time.perf_counter() - t
            store.close()
            print(
                f"  scheduler: due_leads(500) {t_due * 1000:.2f} ms ({len(due)} due), "
                f"next_due {t_next * 1000:.2f} ms"
            )


if __name__ == "__main__":
    main()
