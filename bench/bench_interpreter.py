"""Benchmark: `leadrules score examples/b2b_saas.lrules --engine python` as a whole process.

    .venv/bin/python bench/bench_interpreter.py [--events 1000000] [--leads 50000] [--format csv]

Generates deterministic synthetic leads and events (seeded) in a temporary directory, then runs
the command in a subprocess and reports wall time, events per second and the child's peak
memory (ru_maxrss). Run it twice with different --events to see that memory follows the leads.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "examples" / "b2b_saas.lrules"
AS_OF = "2026-01-01T00:00:00Z"
ROW_GROUP = 131_072  # rows per Parquet row group: the reader holds one at a time
ROLES = ["CEO", "CTO", "Marketing Manager", "Sales Manager", "Coordinator", "Engineer", ""]
INDUSTRIES = ["SaaS", "Hi-Tech", "B2B", "Retail", "Finance", ""]
COUNTRIES = ["IL", "US", "DE", "GB", "FR"]
DOMAINS = ["gmail.com", "acme.io", "hotmail.com", "corp.com", "yahoo.com", "startup.dev"]
EVENTS = [
    ("page_view", "/pricing"),
    ("page_view", "/services"),
    ("page_view", "/blog/a"),
    ("page_view", "/docs"),
    ("form_submit", "contact"),
    ("form_submit", "quote"),
    ("ebook_download", None),
    ("webinar_signup", None),
    ("email_open", None),
    ("email_click", None),
    ("demo_video_view", None),
    ("unsubscribe", None),
]


def generate(directory: Path, n_leads: int, n_events: int, fmt: str) -> tuple[Path, Path]:
    if fmt == "parquet":  # the CSV data, converted by pyarrow (timestamps become timestamps)
        import pyarrow.csv as pv
        import pyarrow.parquet as pq

        leads, events = generate(directory, n_leads, n_events, "csv")
        strings = {"lead_id": "string", "url": "string", "form": "string"}
        options = pv.ConvertOptions(column_types=strings, strings_can_be_null=True)
        table = pv.read_csv(events, convert_options=options)
        pq.write_table(table, directory / "events.parquet", row_group_size=ROW_GROUP)
        return leads, directory / "events.parquet"
    rng = random.Random(20260101)
    leads = directory / "leads.csv"
    with open(leads, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["lead_id", "company_size", "role", "industry", "country", "email"])
        for i in range(1, n_leads + 1):
            size = "" if rng.random() < 0.05 else rng.randint(1, 3000)
            w.writerow(
                [
                    i,
                    size,
                    rng.choice(ROLES),
                    rng.choice(INDUSTRIES),
                    rng.choice(COUNTRIES),
                    f"user{i}@{rng.choice(DOMAINS)}",
                ]
            )
    events = directory / f"events.{fmt}"
    base = 1767225600 - 200 * 86400  # 200 days before the as-of
    with open(events, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        if fmt == "csv":
            w.writerow(["lead_id", "event", "occurred_at", "url", "form"])
        for _ in range(n_events):
            kind, prop = EVENTS[rng.randrange(len(EVENTS))]
            ts = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(base + rng.randrange(205 * 86400)))
            lead = rng.randint(1, n_leads)
            url = prop if kind == "page_view" else ""
            form = prop if kind == "form_submit" else ""
            if fmt == "csv":
                w.writerow([lead, kind, ts, url, form])
            else:
                row = {"lead_id": str(lead), "event": kind, "occurred_at": ts}
                if url:
                    row["url"] = url
                if form:
                    row["form"] = form
                f.write(json.dumps(row) + "\n")
    return leads, events


def measure(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + sys) and peak RSS (MB) of one child process."""
    start = time.perf_counter()
    with open(os.devnull, "w") as sink:
        child = subprocess.Popen(command, stdout=sink, stderr=subprocess.PIPE, text=True)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
        stderr = child.stderr.read()
        child.stderr.close()
    if os.waitstatus_to_exitcode(status):
        sys.exit(f"failed: {stderr}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--leads", type=int, default=50_000)
    parser.add_argument("--format", choices=["csv", "jsonl", "parquet"], default="csv")
    parser.add_argument("--generate", metavar="DIR", help="only write the data into DIR")
    args = parser.parse_args()
    if args.generate:
        generate(Path(args.generate), args.leads, args.events[0], args.format)
        return
    exe = Path(sys.executable).parent / "leadrules"
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores)")
    for n_events in args.events:
        with tempfile.TemporaryDirectory() as tmp:
            # generate in a child: on Linux a child's ru_maxrss starts from its parent's RSS at
            # fork, so the parent must stay small for the measured peak to be the command's own
            make = [
                sys.executable,
                __file__,
                "--generate",
                tmp,
                "--leads",
                str(args.leads),
                "--events",
                str(n_events),
                "--format",
                args.format,
            ]
            subprocess.run(make, check=True)
            leads, events = Path(tmp) / "leads.csv", Path(tmp) / f"events.{args.format}"
            size = os.path.getsize(events) / 1e6
            command = [
                str(exe),
                "score",
                str(MODEL),
                "--engine",
                "python",
                "--leads",
                str(leads),
                "--events",
                str(events),
                "--as-of",
                AS_OF,
                "-o",
                os.path.join(tmp, "out.csv"),
            ]
            wall, cpu, peak = measure(command)
            print(
                f"events: {n_events:,} ({args.format}, {size:.0f} MB), leads: {args.leads:,}: "
                f"wall {wall:.2f} s = {n_events / wall:,.0f} events/s; "
                f"cpu {cpu:.2f} s = {n_events / cpu:,.0f} events/s; peak RSS {peak:.0f} MB"
            )


if __name__ == "__main__":
    main()
