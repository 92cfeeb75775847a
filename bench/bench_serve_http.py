"""Benchmark: `leadrules serve` over HTTP on 127.0.0.1, load generator included (same machine).

    .venv/bin/python bench/bench_serve_http.py [--db sqlite|postgres-URL] [--requests 3000]
        [--batches 20] [--rate 500] [--rate-seconds 6] [--phases single,batch,tier]

1. Single-event POSTs at concurrency 16: requests/s and p50/p99 latency, against a floor
   measured in the same run: a minimal Starlette app on the same uvicorn that only inserts the
   same row into the same kind of store (goal: at least half the floor's throughput, p99 ≤ 50 ms).
2. Batches of 500 events: events/s (goal ≥ 20,000/s on SQLite).
3. Event-to-new-tier latency at a steady 500 events/s: p50/p99 of the time from sending an
   event to holding the answer with the lead's new tier (goal p99 ≤ 50 ms).

The load generator is bench/loadgen.py (keep-alive connections on asyncio streams, on uvloop
where installed): on 2 cores it shares the machine with the server, and httpx, used before,
spent as much CPU per request as the server did. Each phase uses fresh lead ids (a lead gets 1
to 10 events, like live traffic). Beside the wall figures, each phase reports the CPU time the
server process spent per event (from /proc): on a shared machine that figure is the one to
compare (wall figures depend on what else runs), and 1 / (CPU per event) is what one core can
serve. An open-loop phase that the server cannot keep up with reports how many requests failed
or were sent late instead of dying.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import Connection, Pool, use_fast_loop  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "examples" / "b2b_saas.lrules"
TOKEN = "bench-token"
HEADERS = {"Authorization": f"Bearer {TOKEN}"}
READY = re.compile(r"listening on http://127\.0\.0\.1:(\d+)")

FLOOR = """
import json, sys, datetime as dt, uvicorn
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.concurrency import run_in_threadpool
from leadrules.store import open_store
store = open_store(sys.argv[1])
def insert(e):
    now = dt.datetime.now(dt.timezone.utc)
    with store.transaction() as tx:
        tx.ensure_lead(e["lead_id"], now)
        tx.insert_event(e.get("id"), e["lead_id"], e["event"], now, e.get("properties", {}), now)
async def events(request):
    body = json.loads(await request.body())
    await run_in_threadpool(insert, body)
    return JSONResponse({"results": [{"index": 0, "status": "accepted"}]})
app = Starlette(routes=[Route("/v1/events", events, methods=["POST"])])
class S(uvicorn.Server):
    async def startup(self, sockets=None):
        await super().startup(sockets)
        port = self.servers[0].sockets[0].getsockname()[1]
        print(f"floor: listening on http://127.0.0.1:{port}", file=sys.stderr, flush=True)
S(uvicorn.Config(app, host="127.0.0.1", port=0, access_log=False, log_level="warning")).run()
"""


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def say(text: str) -> None:
    print(text, flush=True)


def start(cmd: list[str]) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LEADRULES_TOKENS": TOKEN}
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
    for line in proc.stderr:
        m = READY.search(line)
        if m:
            return proc, f"http://127.0.0.1:{m.group(1)}"
    raise RuntimeError("server did not start")


def db_url(kind: str, folder: str, name: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder}/{name}.db"
    import psycopg

    with psycopg.connect(kind, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS bench_{name}")
        conn.execute(f"CREATE DATABASE bench_{name}")
    return re.sub(r"/[^/?]*(\?|$)", rf"/bench_{name}\1", kind, count=1)


def event(n: int, prefix: str) -> dict:
    return {
        "id": f"{prefix}{n}",
        "lead_id": f"{prefix}{n // 5}",
        "event": "page_view",
        "properties": {"url": "/pricing" if n % 3 else "/blog"},
    }


async def closed_loop(url: str, bodies: list, concurrency: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    queue = list(reversed(bodies))
    conns = [Connection(url, HEADERS) for _ in range(concurrency)]

    async def worker(conn: Connection):
        while queue:
            body = queue.pop()
            t = time.perf_counter()
            status, answer = await conn.post_json("/v1/events", body)
            latencies.append(time.perf_counter() - t)
            assert status == 200, answer

    t0 = time.perf_counter()
    try:
        await asyncio.gather(*(worker(conn) for conn in conns))
    finally:
        for conn in conns:
            await conn.close()
    return time.perf_counter() - t0, latencies


async def open_loop(url: str, bodies: list, rate: float) -> tuple[list[float], int, int]:
    """Send one body every 1/rate s whatever the answers (the latency counts from the planned
    send time, so a load generator falling behind shows as latency, not as a lower rate).
    Returns the latencies of the answers with a tier, the failures and the sends > 5 ms late."""
    latencies: list[float] = []
    failures = 0
    pool = Pool(url, HEADERS)

    async def one(body, planned):
        nonlocal failures
        try:
            status, answer = await pool.post_json("/v1/events", body)
            ok = status == 200 and json.loads(answer)["leads"][0]["tier"] is not None
            why = f"{status} {answer[:200]!r}"
        except (OSError, asyncio.IncompleteReadError, ValueError) as e:
            ok, why = False, repr(e)
        if ok:
            latencies.append(time.perf_counter() - planned)
        else:
            failures += 1
            if failures <= 3:
                say(f"  failed: {why}")

    tasks, late = [], 0
    t0 = time.perf_counter()
    try:
        for i, body in enumerate(bodies):
            planned = t0 + i / rate
            delay = planned - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            elif delay < -0.005:
                late += 1
            tasks.append(asyncio.create_task(one(body, planned)))
        await asyncio.gather(*tasks)
    finally:
        await pool.close()
    return latencies, failures, late


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="sqlite", help="sqlite, or a postgresql:// server URL")
    ap.add_argument("--requests", type=int, default=3000)
    ap.add_argument("--batches", type=int, default=20)
    ap.add_argument("--rate", type=float, default=500.0, help="events/s of the tier phase")
    ap.add_argument("--rate-seconds", type=float, default=6.0)
    ap.add_argument("--phases", default="single,batch,tier")
    args = ap.parse_args()
    phases = set(args.phases.split(","))
    say(f"load generator: bench/loadgen.py on {use_fast_loop()}")
    say(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        procs = []
        try:
            if "single" in phases:
                floor_proc, floor_url = start(
                    [sys.executable, "-c", FLOOR, db_url(args.db, tmp, "floor")]
                )
                procs.append(floor_proc)
            serve_proc, serve_url = start(
                [
                    sys.executable,
                    "-m",
                    "leadrules.cli",
                    "serve",
                    str(RULES),
                    "--port",
                    "0",
                    "--db",
                    db_url(args.db, tmp, "serve"),
                ]
            )
            procs.append(serve_proc)
            pid = serve_proc.pid
            if "single" in phases:
                n = args.requests
                singles = [event(i, "f") for i in range(n)]
                cpu = cpu_seconds(floor_proc.pid)
                floor_s, floor_lat = asyncio.run(closed_loop(floor_url, singles, 16))
                floor_cpu = (cpu_seconds(floor_proc.pid) - cpu) / n
                singles = [event(i, "s") for i in range(n)]
                cpu = cpu_seconds(pid)
                serve_s, serve_lat = asyncio.run(closed_loop(serve_url, singles, 16))
                serve_cpu = (cpu_seconds(pid) - cpu) / n
                floor_rps, serve_rps = n / floor_s, n / serve_s
                say(f"single events, concurrency 16, {n} requests ({args.db}):")
                say(
                    f"  floor  {floor_rps:7.0f} req/s  p50 {pct(floor_lat, 0.5):6.1f} ms"
                    f"  p99 {pct(floor_lat, 0.99):6.1f} ms"
                    f"  server CPU {floor_cpu * 1e6:5.0f} us/request"
                )
                say(
                    f"  serve  {serve_rps:7.0f} req/s  p50 {pct(serve_lat, 0.5):6.1f} ms"
                    f"  p99 {pct(serve_lat, 0.99):6.1f} ms"
                    f"  server CPU {serve_cpu * 1e6:5.0f} us/request"
                    f"  ({serve_rps / floor_rps:.2f}x floor throughput,"
                    f" {floor_cpu / serve_cpu:.2f}x its CPU per request)"
                )
            if "batch" in phases:
                batches = [
                    [event(b * 500 + i, "b") for i in range(500)] for b in range(args.batches)
                ]
                cpu = cpu_seconds(pid)
                batch_s, batch_lat = asyncio.run(closed_loop(serve_url, batches, 2))
                per_event = (cpu_seconds(pid) - cpu) / (args.batches * 500)
                say(
                    f"batches of 500, concurrency 2: {args.batches * 500 / batch_s:8.0f} events/s"
                    f"  (p99 {pct(batch_lat, 0.99):.0f} ms per batch);"
                    f" server CPU {per_event * 1e6:.1f} us/event"
                    f" = {1 / per_event:,.0f} events/s per core"
                )
            if "tier" in phases:
                n = int(args.rate * args.rate_seconds)
                steady = [event(i, "r") for i in range(n)]
                cpu = cpu_seconds(pid)
                lat, failures, late = asyncio.run(open_loop(serve_url, steady, args.rate))
                per_event = (cpu_seconds(pid) - cpu) / n
                line = f"event to new tier at {args.rate:.0f} events/s ({n} single-event requests):"
                if lat:
                    line += f" p50 {pct(lat, 0.5):.1f} ms  p99 {pct(lat, 0.99):.1f} ms"
                line += (
                    f"; failed {failures}, sent late {late};"
                    f" server CPU {per_event * 1e6:.0f} us/event"
                )
                say(line)
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(20)
    say(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
