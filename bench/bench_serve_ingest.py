"""Benchmark: the service's ingest work in-process, without HTTP, in CPU time.

    .venv/bin/python bench/bench_serve_ingest.py [--batches 40] [--singles 4000]

On a fresh SQLite store with examples/b2b_saas.lrules (a lead gets 5 events, like
bench_serve_http.py):

1. batches of 500 events (100 leads each): validate, store, rescore, history in one transaction;
   CPU µs per event, and what that gives on one core;
2. single-event ingests from 16 threads, with and without group commit: CPU µs per event.

CPU time (user + system of this process) does not count what other work on a shared machine
takes; the HTTP figures of bench_serve_http.py add the server stack's cost per request.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import threading
from pathlib import Path

from leadrules.check import check
from leadrules.serve.service import Service
from leadrules.store import open_store

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from bench_serve_http import event  # noqa: E402  (the same events as over HTTP)

RULES = ROOT / "examples" / "b2b_saas.lrules"


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def fresh(folder: str, name: str) -> Service:
    result = check(str(RULES))
    return Service(open_store(f"sqlite:///{folder}/{name}.db"), result.model, result.sources)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--batches", type=int, default=40)
    ap.add_argument("--singles", type=int, default=4000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        s = fresh(tmp, "batch")
        batches = [[event(b * 500 + i, "b") for i in range(500)] for b in range(args.batches)]
        for b in batches[:3]:  # warm up
            s.ingest(b)
        start = cpu()
        for b in batches[3:]:
            s.ingest(b)
        per = (cpu() - start) / ((args.batches - 3) * 500)
        print(
            f"batches of 500: {per * 1e6:.1f} us CPU per event = {1 / per:,.0f} events/s per core"
        )
        for group in (False, True):
            s = fresh(tmp, f"single{group}")
            if not hasattr(s, "committer"):  # a leadrules before group commit
                if group:
                    break
            else:
                s.committer.group = group
            n = args.singles

            def client(k: int, s=s, n=n) -> None:
                for i in range(k, n, 16):
                    s.ingest([event(i, "s")])

            threads = [threading.Thread(target=client, args=(k,)) for k in range(16)]
            start = cpu()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            per = (cpu() - start) / n
            c = getattr(s, "committer", None)
            how = (
                f"group commit ({c.units / max(c.groups, 1):.1f} per group)"
                if c is not None and group
                else "one transaction each"
            )
            print(f"single events, 16 threads, {how}: {per * 1e6:.0f} us CPU per event")


if __name__ == "__main__":
    main()
