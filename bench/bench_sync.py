"""Benchmark: `leadrules sync --to hubspot` against the fake HubSpot limited like a Professional
account (190 requests per rolling 10 s).

    .venv/bin/python bench/bench_sync.py [--leads 100000] [--changed 0.10] [--latency 0.05]

1. A first sync of every lead (all new): --leads / 100 requests.
2. After --changed of the leads got a new event, a second sync: only those are sent.

Each run is a whole `leadrules sync` process (scoring with the default engine included), timed
in wall time, against the floor the rate limit sets: requests / 19 per second (the issue's
formula), and the tighter floor of a rolling window that starts empty (the first 190 requests
go at once: (requests - 190) / 19). The fake answers after --latency seconds, counts requests
per rolling 10 s and answers 429 past 190; the figures include the most it ever saw.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from fakes.hubspot_crm import FakeHubSpot  # noqa: E402

RULES = ROOT / "examples" / "b2b_saas.lrules"
AS_OF = "2026-01-01T00:00:00Z"
ROLES = ["CEO", "Sales Manager", "Coordinator", "Intern"]
PER_10S = 190


def write(folder: Path, n: int, boosted: int) -> tuple[str, str]:
    leads, events = folder / "leads.csv", folder / "events.csv"
    with leads.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["lead_id", "company_size", "role", "industry", "country", "email"])
        for i in range(n):
            w.writerow([i, 20 + (i * 37) % 400, ROLES[i % 4], "SaaS", "IL", f"lead{i}@acme.io"])
    with events.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["lead_id", "event", "occurred_at", "url", "form"])
        for i in range(n):
            for k in range(i % 4):
                w.writerow([i, "page_view", f"2025-12-{10 + k:02d}T10:00:00Z", "/pricing", ""])
            if i % (n // boosted if boosted else n + 1) == 0 and boosted:
                w.writerow([i, "form_submit", "2025-12-20T10:00:00Z", "", "quote"])
    return str(leads), str(events)


def run_sync(leads: str, events: str, config: str, state: str) -> tuple[float, str, float]:
    args = [sys.executable, "-m", "leadrules.cli", "sync", str(RULES), "--leads", leads]
    args += ["--events", events, "--to", "hubspot", "--config", config]
    args += ["--state", f"sqlite:///{state}", "--as-of", AS_OF]
    env = {**os.environ, "BENCH_HUBSPOT_TOKEN": "bench", "PYTHONPATH": str(ROOT)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, done.stdout.strip(), cpu


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--leads", type=int, default=100_000)
    p.add_argument("--changed", type=float, default=0.10)
    p.add_argument("--latency", type=float, default=0.05)
    a = p.parse_args()
    print(f"load average: {os.getloadavg()[0]:.1f}")
    with (
        tempfile.TemporaryDirectory() as tmp,
        FakeHubSpot(token="bench", per_10s=PER_10S, latency=a.latency) as fake,
    ):
        folder = Path(tmp)
        config = folder / "leadrules.toml"
        config.write_text(
            f'[sinks.hubspot]\ntoken_env = "BENCH_HUBSPOT_TOKEN"\nbase_url = "{fake.url}"\n'
            f'id_attribute = "email"\nrequests_per_10s = {PER_10S}\nconcurrency = 8\n'
        )
        state = str(folder / "state.db")
        changed = int(a.leads * a.changed)
        for label, boosted in (("first sync, all new", 0), (f"{a.changed:.0%} changed", changed)):
            leads, events = write(folder, a.leads, boosted)
            time.sleep(10.5)  # an empty rolling window at the fake, as for a scheduled run
            before = fake.requests
            seen = len(fake.window.times)
            wall, out, cpu = run_sync(leads, events, str(config), state)
            requests = fake.requests - before
            arrivals = fake.window.times[seen:]
            sending = arrivals[-1] - arrivals[0] if arrivals else 0.0
            floor = requests / (PER_10S / 10)
            window = max(0, requests - PER_10S) / (PER_10S / 10)
            print(f"\n{label}: {out.splitlines()[0]}")
            print(f"  {out.splitlines()[-1]}")
            print(
                f"  wall {wall:.1f} s (CPU {cpu:.1f} s); floor {floor:.1f} s (requests / 19 a s), "
                f"{window:.1f} s (rolling window from empty); wall / floor {wall / floor:.2f}"
            )
            print(
                f"  sending (first to last request at the fake): {sending:.1f} s; "
                f"before the first request (scoring, state, plan): {wall - sending:.1f} s"
            )
        print(f"\nmost requests in any rolling 10 s: {fake.window.most} (limit {PER_10S})")
        print(f"429 answers: {dict(fake.rejected) or 0}; bad requests: {len(fake.bad_requests)}")


if __name__ == "__main__":
    main()
