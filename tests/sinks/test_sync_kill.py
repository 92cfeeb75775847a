"""SIGKILL in the middle of a sync of 20,000 leads, then a rerun: the fake holds every lead's
final values, and no lead confirmed before the kill was sent again."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

from conftest import ROOT
from fakes.hubspot_crm import FakeHubSpot

from tests.sinks.helpers import AS_OF, RULES, email, expected, hubspot_config, write_data

TOKEN = "hs-test-token"
N = 20_000


def start_sync(leads, events, config, state):
    args = [sys.executable, "-m", "leadrules.cli", "sync", RULES, "--leads", leads]
    args += ["--events", events, "--to", "hubspot", "--config", config]
    args += ["--state", f"sqlite:///{state}", "--as-of", AS_OF]
    env = {**os.environ, "TEST_HUBSPOT_TOKEN": TOKEN, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def confirmed(state) -> set[str]:
    if not state.exists():
        return set()
    try:
        with sqlite3.connect(state, timeout=5) as conn:
            return {r[0] for r in conn.execute("SELECT lead_id FROM leadrules_sync_state")}
    except sqlite3.OperationalError:  # the table is not there yet
        return set()


def test_sigkill_mid_sync_then_rerun(tmp_path):
    leads, events = write_data(tmp_path, N)
    state = tmp_path / "state.db"
    with FakeHubSpot(token=TOKEN, latency=0.03, per_10s=1000) as fake:
        config = hubspot_config(tmp_path, fake.url, concurrency=2, requests_per_10s=1000)
        proc = start_sync(leads, events, config, state)
        deadline = time.monotonic() + 120
        while len(confirmed(state)) < 3000:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the sync made no progress"
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        done = confirmed(state)
        assert 3000 <= len(done) < N
        sent_before = dict(fake.updates)
        assert all(sent_before.get(email(int(lead))) == 1 for lead in done)

        rerun = start_sync(leads, events, config, state)
        out, err = rerun.communicate(timeout=300)
        assert rerun.returncode == 0, err.decode()
        assert f"{N - len(done)} changed" in out.decode()

        want = expected(leads, events)
        assert len(fake.contacts) == N
        for lead, r in want.items():
            props = fake.contacts[email(int(lead))]
            assert props["leadrules_score"] == str(r.score), lead
            assert props["leadrules_tier"] == (r.tier or "")
        resent = [lead for lead in done if fake.updates[email(int(lead))] != 1]
        assert resent == []
        assert len(confirmed(state)) == N
        assert fake.bad_requests == []
