"""examples/replay.py drives a running server: leads and events in time order, transitions
printed as they happen."""

from __future__ import annotations

import subprocess
import sys

from serve.harness import ROOT

B2B = ROOT / "examples" / "b2b_saas.lrules"


def test_the_replay_script_shows_tiers_changing(serve_factory, tmp_path):
    server = serve_factory(B2B, f"sqlite:///{tmp_path / 's.db'}", "--no-auth").start()
    r = subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples" / "replay.py"),
            "--url",
            server.url,
            "--speed",
            "1000000",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[-1].startswith("replayed 34 events")
    moves = [line for line in lines if "->" in line and "(attributes)" not in line]
    assert any("lead   1:    MQL -> SQL" in line for line in moves), r.stdout
    assert server.client(None).get("/v1/leads/1").json()["tier"] == "SQL"
