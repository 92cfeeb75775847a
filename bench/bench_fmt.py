"""Benchmark: `leadrules fmt` on a large, badly laid out file with many comments.

    .venv/bin/python bench/bench_fmt.py [--rules 10000]

Generates a model with the declarations of examples/b2b_saas.lrules and --rules rules in
groups of 50, in an ugly layout: odd spacing, two rules per `;`-joined line, a trailing comment
on every other line, an own-line comment every fifth line, 4-space indentation. Times, in CPU
time (time.process_time, best of 3, so other work on a shared machine does not count):

- the whole `format_text` call, in lines per second of input;
- its stages: the parse, the layout (placing comments, printing), and the safety net (parsing
  the output again and comparing the trees).

Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from leadrules.syntax import formatter  # noqa: E402
from leadrules.syntax.parser import parse_text  # noqa: E402

EXAMPLE = ROOT / "examples" / "b2b_saas.lrules"
RULES = [
    "company_size   in {a} .. {b} :{p}",
    'role in[ "CEO","CTO" ,"VP {i}"]:{p}',
    'country=="C{i}":{p}',
    "pricing_page_visit  and  company_size>{a} :{p}",
    "page_view>={n}   times within {n}d:{p}",
    "no_activity {n}d : -{n}",
]


def generated(n_rules: int) -> str:
    head = EXAMPLE.read_text(encoding="utf-8").split("\nfit:")[0]
    lines = [head, ""]
    for g in range(0, n_rules, 50):
        lines.append(f"g{g}  :   # group {g}")
        for i in range(g, min(g + 50, n_rules), 2):
            r1, r2 = (RULES[(i + k) % len(RULES)] for k in (0, 1))
            args = dict(a=i % 90, b=i % 90 + 10, p=f"+{i % 40 + 1}", i=i, n=i % 9 + 1)
            line = "    " + r1.format(**args) + " ;  " + r2.format(**args)
            if i % 4 == 0:
                line += "   # rule " + str(i)
            if i % 10 == 0:
                lines.append("      # about the next rules")
            lines.append(line)
        lines.append("")
    return "\n".join(lines) + "\n"


def best_cpu(fn, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rules", type=int, default=10_000)
    args = ap.parse_args()
    text = generated(args.rules)
    n_lines = text.count("\n")
    tree, diags = parse_text(text, "bench.lrules")
    assert tree is not None, diags
    out = formatter.format_text(text, "bench.lrules").text
    assert out is not None and formatter.format_text(out).text == out

    whole = best_cpu(lambda: formatter.format_text(text, "bench.lrules"))
    parse = best_cpu(lambda: parse_text(text, "bench.lrules"))
    layout = best_cpu(lambda: formatter.layout(tree, text))
    verify = best_cpu(lambda: formatter._verify(tree, out, "bench.lrules"))
    print(
        f"input: {args.rules} rules, {n_lines} lines, {len(text) / 1e6:.2f} MB, "
        f"{len(tree.comments)} comments; output {out.count(chr(10))} lines"
    )
    print()
    print("| stage | CPU seconds | lines/s |")
    print("|---|---|---|")
    for name, sec in [
        ("format_text (all)", whole),
        ("- parse", parse),
        ("- layout (comments, printing)", layout),
        ("- safety net (parse output, compare)", verify),
    ]:
        print(f"| {name} | {sec:.3f} | {n_lines / sec:,.0f} |")


if __name__ == "__main__":
    main()
