"""Benchmark: `leadrules diff` and `leadrules evaluate` on a CRM-sized export (DuckDB engine).

    .venv/bin/python bench/bench_impact.py [--leads 300000] [--events 1500000] [--engine duckdb]

Generates deterministic synthetic leads and events (bench_interpreter.generate, seeded) and
outcomes (seeded; C-level roles convert more often) in a temporary directory, then runs, each in
its own process, and reports wall time:
  1. diff examples/b2b_saas.lrules tests/impact/data/b2b_saas_v2.lrules --format json
     (one scoring of the probe model; OLD, NEW and each of the 5 changes alone follow from it)
  2. the same with --no-attribution
  3. evaluate examples/b2b_saas.lrules --outcomes ... --capacity 500 --compare v2 --html
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_interpreter import AS_OF, MODEL, ROOT, generate  # noqa: E402

V2 = ROOT / "tests" / "impact" / "data" / "b2b_saas_v2.lrules"


def outcomes(leads: Path, out: Path) -> None:
    rng = random.Random(7)
    with open(leads, newline="") as f, open(out, "w", newline="") as g:
        w = csv.writer(g, lineterminator="\n")
        w.writerow(["lead_id", "converted", "value"])
        for row in csv.DictReader(f):
            p = 0.3 if row["role"] in ("CEO", "CTO") else 0.08
            won = rng.random() < p
            w.writerow(
                [
                    row["lead_id"],
                    "true" if won else "false",
                    rng.randint(1000, 50000) if won else "",
                ]
            )


def timed(label: str, command: list[str]) -> None:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"{label} failed: {done.stderr}")
    print(f"{label}: {elapsed:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=300_000)
    parser.add_argument("--events", type=int, default=1_500_000)
    parser.add_argument("--engine", choices=["duckdb", "python"], default="duckdb")
    args = parser.parse_args()
    exe = str(Path(sys.executable).parent / "leadrules")
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        leads, events = generate(d, args.leads, args.events, "csv")
        outcomes(leads, d / "outcomes.csv")
        size = os.path.getsize(events) / 1e6
        print(
            f"leads: {args.leads:,}, events: {args.events:,} (csv, {size:.0f} MB), "
            f"engine: {args.engine}"
        )
        data = [
            "--leads",
            str(leads),
            "--events",
            str(events),
            "--as-of",
            AS_OF,
            "--engine",
            args.engine,
        ]
        diff = [exe, "diff", str(MODEL), str(V2), *data]
        timed(
            "diff --format json (1 probe scoring, 5 changes)",
            [*diff, "--format", "json", "-o", str(d / "diff.json")],
        )
        timed(
            "diff --no-attribution (1 probe scoring)",
            [*diff, "--no-attribution", "-o", str(d / "diff.txt")],
        )
        timed(
            "evaluate --capacity --compare --html (1 probe scoring)",
            [
                exe,
                "evaluate",
                str(MODEL),
                *data,
                "--outcomes",
                str(d / "outcomes.csv"),
                "--capacity",
                "500",
                "--compare",
                str(V2),
                "--html",
                str(d / "report.html"),
                "-o",
                str(d / "eval.txt"),
            ],
        )
        print((d / "diff.txt").read_text())
        print((d / "eval.txt").read_text())


if __name__ == "__main__":
    main()
