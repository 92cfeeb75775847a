"""Benchmark: the language server's answer to an edit.

    .venv/bin/python bench/bench_lsp.py [--lines 500] [--edits 200]

Starts `leadrules lsp` as a process and talks to it over stdio with pygls's client, as an editor
does. Opens a generated file of about --lines lines (the rules of examples/b2b_saas.lrules in
groups of 50, as bench_check.py generates them), then sends --edits edits one after another, each
changing the points of one rule somewhere in the file (an incremental `didChange`), and measures
the wall time from sending the edit to receiving the `publishDiagnostics` for that version.
Reports the median, p95 and maximum (goal: p95 <= 50 ms), the server's mean CPU time per edit
(from /proc: steadier than wall time on a shared machine), and the wall time of a whole-file
check without the server's block cache (what every edit would cost without it).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types as t
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_check import generated  # noqa: E402


def rules_for(lines: int) -> int:
    return max(1, lines - 45)  # the declarations and group headers of the generated file


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run(n_lines: int, n_edits: int) -> tuple[list[float], int, float]:
    text = generated(rules_for(n_lines))
    path = ROOT / "bench" / "out" / "lsp_bench.lrules"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client = LanguageClient("bench", "1")
    got: dict[int, asyncio.Event] = {}

    @client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: t.PublishDiagnosticsParams):
        if params.uri == uri and params.version in got:
            got[params.version].set()

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    await client.start_io(sys.executable, "-m", "leadrules.cli", "lsp", env=env)
    await client.initialize_async(t.InitializeParams(capabilities=t.ClientCapabilities()))
    client.initialized(t.InitializedParams())
    got[1] = asyncio.Event()
    client.text_document_did_open(
        t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(uri=uri, language_id="lrules", version=1, text=text)
        )
    )
    await asyncio.wait_for(got[1].wait(), 30)
    lines = text.split("\n")
    rule_lines = [i for i, line in enumerate(lines) if line.startswith("  ") and ": " in line]
    rng = random.Random(4)
    times = []
    pid = client._server.pid
    cpu_before = cpu_seconds(pid)
    for version in range(2, n_edits + 2):
        i = rng.choice(rule_lines)
        col = lines[i].rindex(" ") + 2  # the first digit of the points
        digit = str(rng.randint(1, 9))
        lines[i] = lines[i][:col] + digit + lines[i][col + 1 :]
        got[version] = asyncio.Event()
        start = time.perf_counter()
        client.text_document_did_change(
            t.DidChangeTextDocumentParams(
                text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    t.TextDocumentContentChangePartial(
                        range=t.Range(
                            start=t.Position(line=i, character=col),
                            end=t.Position(line=i, character=col + 1),
                        ),
                        text=digit,
                    )
                ],
            )
        )
        await asyncio.wait_for(got[version].wait(), 30)
        times.append(time.perf_counter() - start)
    cpu = (cpu_seconds(pid) - cpu_before) / n_edits
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return times, len(lines), cpu


def whole_file(n_lines: int, runs: int = 20) -> list[float]:
    from leadrules.check import check

    text = generated(rules_for(n_lines))
    check("w.lrules", text)
    out = []
    for k in range(runs):
        edited = text.replace("+20", f"+{k + 1}", 1)
        start = time.perf_counter()
        check("w.lrules", edited)
        out.append(time.perf_counter() - start)
    return out


def report(label: str, times: list[float]) -> None:
    ms = sorted(x * 1000 for x in times)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    print(
        f"{label}: median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, max {ms[-1]:.1f} ms"
        f" ({len(ms)} runs)"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=500)
    ap.add_argument("--edits", type=int, default=200)
    args = ap.parse_args()
    times, n, cpu = asyncio.run(run(args.lines, args.edits))
    print(f"file: {n} lines; load average {os.getloadavg()[0]:.1f}")
    report("edit -> diagnostics, warm server (goal p95 <= 50 ms)", times)
    print(f"server CPU time per edit (mean): {cpu * 1000:.1f} ms")
    report("whole-file check without the block cache, in-process", whole_file(args.lines))


if __name__ == "__main__":
    main()
