"""Benchmark: the scoring work of one live rescore (the service's hot path, in-process).

    .venv/bin/python bench/bench_serve_score.py [--events 10] [--runs 20000]

Rescoring one lead of examples/b2b_saas.lrules from --events stored events (page views,
forms, e-mail clicks, typed as the store gives them back), in microseconds per rescore (the best
of 5 rounds of --runs, in CPU time so that other work on a shared machine does not count):

1. `LivePlan.score`: the plan built once per model (goal ≤ 25 µs), with and without computing
   the next-change instant;
2. `leadrules.score()` of the same lead: the library call, which builds its plan per call.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import leadrules
from leadrules.engine.live import LivePlan
from leadrules.engine.python import score

ROOT = Path(__file__).resolve().parent.parent
UTC = dt.timezone.utc
AS_OF = dt.datetime(2026, 3, 1, 12, tzinfo=UTC)


def data(model, n: int):
    kinds = [
        ("page_view", {"url": "/pricing"}),
        ("form_submit", {"form": "contact"}),
        ("email_click", {}),
        ("page_view", {"url": "/blog"}),
        ("webinar_signup", {}),
    ]
    raw = [(kinds[i % len(kinds)], AS_OF - dt.timedelta(days=i * 3)) for i in range(n)]
    index = {e.name: i for i, e in enumerate(model.events)}
    typed = []
    for (name, props), at in raw:
        event = model.events[index[name]]
        typed.append((index[name], at, tuple(props.get(p.name) for p in event.props)))
    lead = {
        "lead_id": "1",
        "company_size": 80,
        "role": "CTO",
        "industry": "SaaS",
        "country": "IL",
        "email": "a@acme.io",
    }
    values = tuple(lead.get(a.name) for a in model.attributes)
    events = [
        {"lead_id": "1", "event": name, "occurred_at": at, "properties": props}
        for (name, props), at in raw
    ]
    return values, typed, lead, events


def best_us(fn, runs: int) -> float:
    best = float("inf")
    for _ in range(5):
        t = time.process_time()
        for _ in range(runs):
            fn()
        best = min(best, (time.process_time() - t) / runs)
    return best * 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=10)
    ap.add_argument("--runs", type=int, default=20000)
    args = ap.parse_args()
    model = leadrules.load(str(ROOT / "examples" / "b2b_saas.lrules"))
    values, typed, lead, events = data(model, args.events)
    live = LivePlan(model)
    t = time.perf_counter()
    LivePlan(model)
    build = (time.perf_counter() - t) * 1e6
    with_next = best_us(lambda: live.score(values, typed, AS_OF), args.runs)
    without = best_us(lambda: live.score(values, typed, AS_OF, next_change=False), args.runs)
    library = best_us(lambda: score(model, [lead], events, AS_OF), max(1, args.runs // 20))
    print(f"one lead, {args.events} events, examples/b2b_saas.lrules")
    print(f"  plan build (once per model)        {build:8.1f} µs")
    print(f"  LivePlan.score, with next change   {with_next:8.1f} µs")
    print(f"  LivePlan.score, score only         {without:8.1f} µs")
    print(f"  leadrules.score() (plan per call)  {library:8.1f} µs")


if __name__ == "__main__":
    main()
